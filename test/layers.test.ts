import { readFileSync, readdirSync, statSync } from 'fs';
import { dirname, join, relative, resolve } from 'path';

/**
 * The house in layers: each file of src/ imports only files of its own layer or of
 * the layers below it, so that a rule never depends on a construct, nor a policy
 * writer on the same-app checks.
 */
const SRC = join(__dirname, '..', 'src');

const LAYERS: ReadonlyArray<[name: string, matches: (file: string) => boolean]> = [
  ['rules', file => file.startsWith('rules/')],
  ['value types', file => ['role-reference.ts', 'organization-roles.ts', 'trust-mode.ts', 'role-options.ts'].includes(file)],
  ['policy writers', file => file.startsWith('private/policy/')],
  ['checks', file => file.startsWith('private/checks/')],
  ['chain', file => file.startsWith('private/chain/')],
  ['constructs', file => file !== 'index.ts'],
  ['index', () => true],
];

function layerOf(file: string): number {
  return LAYERS.findIndex(([, matches]) => matches(file));
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap(name => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

/** The files of src/ a file imports (relative imports), and the packages it imports. */
function importsOf(file: string): { files: string[]; packages: string[] } {
  const text = readFileSync(join(SRC, file), 'utf-8');
  const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map(match => match[1]);
  return {
    files: specifiers.filter(s => s.startsWith('.')).map(s => relative(SRC, resolve(SRC, dirname(file), s)) + '.ts'),
    packages: specifiers.filter(s => !s.startsWith('.')),
  };
}

const FILES = sourceFiles(SRC);

describe('the layers of src/', () => {
  test('every file of src/ belongs to a layer, and index.ts only to the top one', () => {
    expect(FILES.length).toBeGreaterThan(20);
    expect(layerOf('index.ts')).toBe(LAYERS.length - 1);
    expect(FILES.filter(f => f !== 'index.ts').every(f => layerOf(f) < LAYERS.length - 1)).toBe(true);
  });

  test.each(FILES)('%s imports only files of its layer or of the layers below', file => {
    const upward = importsOf(file).files
      .filter(imported => layerOf(imported) > layerOf(file))
      .map(imported => `${imported} (${LAYERS[layerOf(imported)][0]})`);
    expect(upward).toEqual([]);
  });

  test.each(FILES)('%s imports only aws-cdk-lib, constructs and Node built-ins', file => {
    expect(importsOf(file).packages.filter(p => !/^(aws-cdk-lib(\/.*)?|constructs|crypto|fs|os|path)$/.test(p))).toEqual([]);
  });

  test('a file that imports a construct from a higher layer is found', () => {
    // GIVEN a rule that would import a construct (a made-up import, as the check reads it)
    const imported = relative(SRC, resolve(SRC, 'rules', '../cross-account-task-role')) + '.ts';
    // THEN the check sees it as an import upward
    expect(layerOf(imported)).toBeGreaterThan(layerOf('rules/rule.ts'));
  });
});
