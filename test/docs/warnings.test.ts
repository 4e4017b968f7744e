import { readFileSync } from 'fs';
import { join } from 'path';
import { WARNINGS } from '../../src/private/checks/warnings';

/** Every warning of the library is in the table users look its ID up in. */
describe('docs/errors-and-troubleshooting.md', () => {
  const table = readFileSync(join(__dirname, '..', '..', 'docs', 'errors-and-troubleshooting.md'), 'utf-8');

  test.each(Object.values(WARNINGS))('lists the warning %s', id => {
    expect(table).toContain(`| \`${id}\` |`);
  });

  test('lists no warning ID the library does not have', () => {
    const listed = [...table.matchAll(/^\| `(cdk-cross-account-task-roles:\w+)` \|/gm)].map(match => match[1]);
    expect(listed.filter(id => !Object.values(WARNINGS).includes(id))).toEqual([]);
  });
});
