import { readFileSync } from 'fs';
import { join } from 'path';
import * as ts from 'typescript';
import { CodeBlock, ROOT, codeBlocks, userDocuments } from '../support/markdown';

/**
 * The TypeScript blocks users copy from the README and docs/ compile, as jsii-rosetta compiles
 * them (`npx projen build` runs `rosetta:extract --strict`, which reads the README and the
 * docstrings only, not docs/): each block in its fixture of rosetta/ (`fixture=app`, or the
 * default one), its imports and `declare` statements moved to the top, in strict mode, with
 * `cdk-cross-account-task-roles` read from src/.
 */

/** A block of TypeScript, as the file the compiler reads. */
interface Snippet {
  readonly document: string;
  readonly block: CodeBlock;
  readonly fileName: string;
  readonly source: string;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  // jsii-rosetta's options for snippets (STANDARD_COMPILER_OPTIONS), without emitting anything.
  alwaysStrict: true,
  experimentalDecorators: true,
  lib: ['lib.es2022.d.ts'],
  module: ts.ModuleKind.Node16,
  moduleResolution: ts.ModuleResolutionKind.Node16,
  noFallthroughCasesInSwitch: true,
  noImplicitAny: true,
  noImplicitReturns: true,
  noImplicitThis: true,
  resolveJsonModule: true,
  strict: true,
  strictNullChecks: true,
  strictPropertyInitialization: true,
  target: ts.ScriptTarget.ES2022,
  types: ['node'],
  noEmit: true,
  skipLibCheck: true,
  // The library as the snippets import it, from its sources: no build needed.
  paths: { 'cdk-cross-account-task-roles': [join(ROOT, 'src', 'index.ts')] },
};

/** The block in its fixture, as jsii-rosetta writes it: imports and `declare`s first, the rest at `/// here`. */
export function inFixture(code: string, parameters: readonly string[]): string {
  if (parameters.includes('nofixture')) {
    return code;
  }
  const name = parameters.find(parameter => parameter.startsWith('fixture='))?.slice('fixture='.length) ?? 'default';
  const fixture = readFileSync(join(ROOT, 'rosetta', `${name}.ts-fixture`), 'utf8');
  const parsed = ts.createSourceFile('snippet.ts', code, ts.ScriptTarget.Latest, true);
  let hoisted = '';
  let statements = '';
  for (const statement of parsed.statements) {
    const declared = ts.isVariableStatement(statement) && statement.modifiers?.some(m => m.kind === ts.SyntaxKind.DeclareKeyword);
    if (ts.isImportDeclaration(statement) || ts.isImportEqualsDeclaration(statement) || declared) {
      hoisted += statement.getFullText(parsed);
    } else {
      statements += statement.getFullText(parsed);
    }
  }
  return hoisted + '\n' + fixture.replace(/[/]{3}[ \t]*here[ \t]*$/im, () => statements);
}

/** The TypeScript blocks of the given Markdown files. */
export function snippets(documents: readonly string[]): Snippet[] {
  return documents.flatMap(document => codeBlocks(readFileSync(join(ROOT, document), 'utf8'))
    .filter(block => block.language === 'ts' || block.language === 'typescript')
    .map(block => ({
      document,
      block,
      // Beside the document, so that its imports resolve from the repository's node_modules.
      fileName: join(ROOT, `${document}.line${block.line}.snippet.ts`),
      source: inFixture(block.code, block.parameters),
    })));
}

/** The compiler's errors in each snippet, as `document:line: message (at "source line")`. */
export function compileErrors(all: readonly Snippet[]): string[] {
  const byName = new Map(all.map(snippet => [snippet.fileName, snippet]));
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => byName.has(name)
    ? ts.createSourceFile(name, byName.get(name)!.source, version, true)
    : getSourceFile(name, version, ...rest);
  host.fileExists = name => byName.has(name) || fileExists(name);
  host.readFile = name => byName.get(name)?.source ?? readFile(name);
  const program = ts.createProgram([...byName.keys()], COMPILER_OPTIONS, host);
  return all.flatMap(snippet => {
    const file = program.getSourceFile(snippet.fileName)!;
    return [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)].map(diagnostic => {
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const at = snippet.source.split('\n')[line].trim();
      return `${snippet.document}:${snippet.block.line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')} (at "${at}")`;
    });
  });
}

// One program for every block: type-checking aws-cdk-lib's declarations once takes seconds.
jest.setTimeout(120_000);

describe('the TypeScript blocks of the README and docs/ compile in their rosetta fixtures', () => {
  const all = snippets(userDocuments());
  // A block of the README given a property the constructs do not have, compiled with the others.
  const broken = all.filter(snippet => snippet.document === 'README.md' && /new CrossAccountTaskRole\(/.test(snippet.block.code)).slice(0, 1)
    .map(snippet => ({ ...snippet, document: 'broken', fileName: `${snippet.fileName}.broken.ts`, source: snippet.source.replace('roleName:', 'roleNam:') }));
  let errors: string[];
  beforeAll(() => {
    errors = compileErrors([...all, ...broken]);
  });

  test.each(userDocuments())('%s', document => {
    expect(errors.filter(error => error.startsWith(`${document}:`))).toEqual([]);
  });

  test('the blocks are found: each fixture is used, and docs/ has blocks of its own', () => {
    expect(all.some(snippet => snippet.block.parameters.includes('fixture=app'))).toBe(true);
    expect(all.some(snippet => snippet.block.parameters.length === 0)).toBe(true);
    expect(all.filter(snippet => snippet.document.startsWith('docs/')).length).toBeGreaterThan(10);
  });

  test('a block that does not compile is reported with its line', () => {
    expect(broken).toHaveLength(1);
    expect(errors.filter(error => error.startsWith('broken:'))).toEqual([
      expect.stringMatching(new RegExp(`^broken:${broken[0].block.line}: .*'roleNam'.* \\(at "roleNam: `)),
    ]);
  });
});
