import { existsSync, readFileSync } from 'fs';
import { dirname, join, normalize } from 'path';
import { ROOT, userDocuments } from '../support/markdown';

/**
 * Every relative link of the Markdown files leads somewhere: to a file of the repository, and to a
 * heading of it when it names one (`docs/trust.md#trust-modes`), as GitHub and npm render anchors.
 */
const DOCUMENTS = [...userDocuments(), 'SECURITY.md', 'CONTRIBUTING.md'];

/** The text outside fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```$/gm, '');
}

/** The anchors GitHub gives the headings of a Markdown file (lower case, punctuation dropped, `-n` for repeats). */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6} (.*)$/gm)) {
    const base = heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  return result;
}

/** The relative links of a Markdown file: `[text](target)` outside code, other than web addresses. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map(match => match[1]).filter(target => !/^[a-z]+:/.test(target));
}

describe('finding the way in the README, docs/, SECURITY.md and CONTRIBUTING.md', () => {
  test.each(DOCUMENTS)('%s: each relative link leads to a file, and to a heading of it', document => {
    const markdown = readFileSync(join(ROOT, document), 'utf8');
    const broken = relativeLinks(markdown).filter(link => {
      const [path, anchor] = link.split('#');
      const target = path === '' ? document : normalize(join(dirname(document), path));
      if (!existsSync(join(ROOT, target))) {
        return true;
      }
      return anchor !== undefined && !anchors(readFileSync(join(ROOT, target), 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });

  test.each(userDocuments().filter(document => document.startsWith('docs/')))('%s lists its sections first, each ## heading in order', document => {
    const markdown = readFileSync(join(ROOT, document), 'utf8');
    const firstSection = markdown.search(/^## /m);
    const listed = [...markdown.slice(0, firstSection).matchAll(/^- \[[^\]]*\]\(#([^)]+)\)$/gm)].map(match => match[1]);
    const headings = [...anchors(prose(markdown).split('\n').filter(line => !line.startsWith('### ')).join('\n'))].slice(1);
    expect(listed).toEqual(headings);
  });

  test('headings get the anchors GitHub gives them, and a link in a code block is no link', () => {
    expect(anchors('# Title\n## Trusting a role with grantAssumeRole()\n## Any role as the source: EC2, Lambda, ...\n## Errors\n## Errors\n'))
      .toEqual(new Set(['title', 'trusting-a-role-with-grantassumerole', 'any-role-as-the-source-ec2-lambda-', 'errors', 'errors-1']));
    expect(relativeLinks('[a](docs/trust.md#trust-modes) [b](https://aws.amazon.com)\n```\n[d](y.md)\n```\n')).toEqual(['docs/trust.md#trust-modes']);
  });
});
