import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ROOT } from '../support/markdown';
import { holdsBlock, testBlocks } from '../support/test-titles';

/**
 * The threat model names, for each guard, the test that proves it: `file.test.ts` › describe › test,
 * the file by its path under test/ (`checks/quotas.test.ts`).
 * Each named test must exist, so that renaming or removing a test shows here.
 */
const THREAT_MODEL = readFileSync(join(ROOT, 'docs', 'threat-model.md'), 'utf8');

/** A test as the threat model names it: its file, then its describes and title. */
interface Citation {
  readonly file: string;
  readonly path: readonly string[];
  /** Whether the item names its file, rather than taking the file of the item before. */
  readonly namesFile: boolean;
}

/**
 * The tests a Markdown text names. A list starts at a `file.test.ts` (or `folder/file.test.ts`) in backticks and runs to the
 * end of the table cell or of the line; `; ` separates its items. An item that starts with the file
 * names the describes and the test; `› test` is another test of the item before's describes, and
 * `› describe › test` another describe of the same file.
 */
export function citations(markdown: string): Citation[] {
  const found: Citation[] = [];
  for (const line of markdown.split('\n')) {
    const start = line.search(/`[\w./-]+\.test\.ts` › /);
    if (start < 0) {
      continue;
    }
    const cellEnd = line.indexOf(' |', start);
    const list = line.slice(start, cellEnd < 0 ? undefined : cellEnd);
    let file = '';
    let describes: string[] = [];
    for (const item of list.split(/; (?=`|› )/)) {
      const named = /^`([\w./-]+\.test\.ts)` › (.*)$/.exec(item);
      const parts = (named ? named[2] : item.replace(/^› /, '')).split(' › ');
      if (named) {
        file = named[1];
      }
      const path = named || parts.length > 1 ? parts : [...describes, ...parts];
      describes = path.slice(0, -1);
      found.push({ file, path, namesFile: named !== null });
    }
  }
  return found;
}

const blocksOf = new Map<string, ReturnType<typeof testBlocks>>();

function exists(citation: Citation): boolean {
  const file = join(ROOT, 'test', citation.file);
  if (!blocksOf.has(file) && existsSync(file)) {
    blocksOf.set(file, testBlocks(file));
  }
  return blocksOf.has(file) && holdsBlock(blocksOf.get(file)!, citation.path);
}

function show(citation: Citation): string {
  return [citation.file, ...citation.path].join(' › ');
}

describe('docs/threat-model.md', () => {
  const cited = citations(THREAT_MODEL);

  test('each test it names exists, in the describes it names', () => {
    expect(cited.filter(citation => !exists(citation)).map(show)).toEqual([]);
  });

  test('every test file it mentions starts a list of tests that is read', () => {
    // A mention the reader cannot parse (a list broken over two lines) would go unchecked.
    // A path from the root of the repository (`test/docs/...`) is prose, not a citation.
    const mentions = THREAT_MODEL.match(/`(?!test\/)[\w./-]+\.test\.ts`/g) ?? [];
    expect(mentions.length).toBeGreaterThan(50);
    expect(cited.filter(citation => citation.namesFile)).toHaveLength(mentions.length);
  });
});

describe('how a named test is found', () => {
  const FIXTURE = [
    "describe('outer', () => {",
    "  describe.each([['one', 1], ['two', 2]])('inner %s', () => {",
    "    test.each(['a', 'b'])('case %s', () => {});",
    "    test('plain' + ' title', () => {});",
    '  });',
    "  test.each(TABLE)('from a table %s', () => {});",
    '});',
    "it('top', () => {});",
  ].join('\n');
  let blocks: ReturnType<typeof testBlocks>;
  beforeAll(() => {
    const directory = mkdtempSync(join(tmpdir(), 'test-titles-'));
    writeFileSync(join(directory, 'fixture.test.ts'), FIXTURE);
    blocks = testBlocks(join(directory, 'fixture.test.ts'));
    rmSync(directory, { recursive: true });
  });

  test.each([
    [['outer', 'inner %s', 'case %s']],
    [['outer', 'inner one', 'case b']],
    [['inner two', 'case a']],
    [['outer', 'plain title']],
    [['outer', 'from a table %s']],
    [['top']],
  ])('%j is found', path => {
    expect(holdsBlock(blocks, path)).toBe(true);
  });

  test.each([
    [['outer', 'inner three', 'case a']],
    [['outer', 'inner one', 'case c']],
    [['inner one', 'outer', 'case a']],
    [['outer', 'from a table X']],
    [['outer', 'top']],
    [['outer', 'plain']],
  ])('%j is not', path => {
    expect(holdsBlock(blocks, path)).toBe(false);
  });

  test('the items of a list: a file, then another test or another describe of it', () => {
    expect(citations('| x | `a.test.ts` › d › t1; › t2; › e › t3; `checks/b.test.ts` › f › t4 |\n  `c.test.ts` › g › t (h)\n')).toEqual([
      { file: 'a.test.ts', path: ['d', 't1'], namesFile: true },
      { file: 'a.test.ts', path: ['d', 't2'], namesFile: false },
      { file: 'a.test.ts', path: ['e', 't3'], namesFile: false },
      { file: 'checks/b.test.ts', path: ['f', 't4'], namesFile: true },
      { file: 'c.test.ts', path: ['g', 't (h)'], namesFile: true },
    ]);
  });
});
