// What the shipped code may import. src/ is the library and doctor/ the command bundled into the
// package: neither may load the AGPL-3.0 policy simulator (@cloud-copilot/iam-simulate), which only
// the tests and the demo use, nor any file of the tests, the scripts or their offline tools.
import { readFileSync, readdirSync } from 'fs';
import { dirname, join, relative } from 'path';

const ROOT = join(__dirname, '..');
const AGPL_SIMULATOR = '@cloud-copilot/iam-simulate';

interface Import {
  /** The importing file, relative to the project. */
  readonly file: string;
  /** What it imports, as written. */
  readonly specifier: string;
  /** For a relative import, the imported path relative to the project. @default - a package */
  readonly target?: string;
}

/** Every import of the .ts files under `directory`: import and export ... from, side-effect imports, require() and import(). */
function importsOf(directory: string): Import[] {
  const files = (readdirSync(join(ROOT, directory), { recursive: true }) as string[]).filter(f => f.endsWith('.ts'));
  return files.flatMap(name => {
    const file = join(directory, name);
    const text = readFileSync(join(ROOT, file), 'utf-8');
    const found = text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\(\s*)['"]([^'"]+)['"]/g);
    return [...found].map(([, specifier]) => ({
      file,
      specifier,
      target: specifier.startsWith('.') ? relative(ROOT, join(ROOT, dirname(file), specifier)) : undefined,
    }));
  });
}

const outside = (imports: Import[], ...allowed: string[]) =>
  imports.filter(i => i.target !== undefined && !allowed.some(a => i.target!.startsWith(`${a}/`)));

describe.each([
  ['src', ['src']],
  ['doctor', ['doctor', 'src']],
])('%s/', (directory, allowed) => {
  const imports = importsOf(directory);

  test('the scan finds its imports', () => {
    expect(imports.filter(i => i.target === undefined).map(i => i.specifier)).toContain(directory === 'src' ? 'aws-cdk-lib' : '@aws-sdk/client-iam');
    expect(imports.some(i => i.target?.startsWith(`${directory}/`))).toBe(true);
  });

  test(`never imports ${AGPL_SIMULATOR}`, () => {
    expect(imports.filter(i => i.specifier.startsWith(AGPL_SIMULATOR))).toEqual([]);
  });

  test(`imports only from ${allowed.join('/ and ')}/: nothing of test/, scripts/, tools/ or examples/`, () => {
    expect(outside(imports, ...allowed)).toEqual([]);
  });
});
