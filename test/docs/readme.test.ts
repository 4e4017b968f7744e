import { readFileSync, statSync } from 'fs';
import { join } from 'path';
import { ROOT, codeBlocks, section } from '../support/markdown';
import { holdsBlock, testBlocks } from '../support/test-titles';

/**
 * The README is for users and stays short: the two set-up commands first, the reference in docs/.
 * The output it shows of the end-to-end run names the tests of test/e2e/deploy.test.ts as they are.
 */
describe('README.md', () => {
  test('opens with the two set-up commands: the demo, then the tests', () => {
    const [first] = codeBlocks(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(first.code.split('\n').filter(line => line.startsWith('npm ')).map(line => line.replace(/\s+#.*$/, ''))).toEqual([
      'npm ci && npx projen demo',
      'npm ci && npx projen test',
    ]);
  });

  test('is at most about 20 KB', () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(21_000);
  });

  test('the end-to-end run it shows lists tests of test/e2e/deploy.test.ts by their titles and describes', () => {
    // GIVEN the output of the run, as jest prints it: a describe per line, a test after ✓, nested by indentation
    const run = section('README.md', 'Verify a deployed chain').split('### Try it without an AWS account')[1];
    const output = codeBlocks(run).find(block => block.language === 'text')!.code;
    const blocks = testBlocks(join(ROOT, 'test', 'e2e', 'deploy.test.ts'));
    const shown: string[][] = [];
    const describes: { indent: number; title: string }[] = [];
    for (const line of output.split('\n').filter(l => l.trim() !== '')) {
      const indent = line.search(/\S/);
      while (describes.length > 0 && describes[describes.length - 1].indent >= indent) {
        describes.pop();
      }
      const test = /^\s*✓ (.*)$/.exec(line);
      if (test) {
        shown.push([...describes.map(d => d.title), test[1]]);
      } else {
        describes.push({ indent, title: line.trim() });
      }
    }
    // THEN each test it shows is one of the file, under the describes it shows
    expect(shown.length).toBeGreaterThan(5);
    expect(shown.filter(path => !holdsBlock(blocks, path)).map(path => path.join(' › '))).toEqual([]);
  });
});
