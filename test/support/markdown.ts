import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';

/** The repository's root. */
export const ROOT = join(__dirname, '..', '..');

/** The Markdown files users read, relative to the root: the README, then each file of docs/. */
export function userDocuments(): string[] {
  const docs = readdirSync(join(ROOT, 'docs')).filter(name => name.endsWith('.md')).sort();
  return ['README.md', ...docs.map(name => `docs/${name}`)];
}

/** A fenced code block: its language, the words after it (`fixture=app`), its text and its line. */
export interface CodeBlock {
  readonly language: string;
  readonly parameters: readonly string[];
  readonly code: string;
  readonly line: number;
}

/** The fenced code blocks of a Markdown text, in order. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  for (const match of markdown.matchAll(/^```(\S*)([^\n]*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({
      language: match[1],
      parameters: match[2].trim().split(/\s+/).filter(word => word !== ''),
      code: match[3],
      line: markdown.slice(0, match.index).split('\n').length,
    });
  }
  return blocks;
}

/**
 * The text of the `## ` section of a Markdown file whose title starts with `title`, up to the next
 * `## ` heading (its `### ` subsections included). Throws when there is none, naming the file.
 */
export function section(file: string, title: string): string {
  const text = readFileSync(join(ROOT, file), 'utf8').split(/^## /m).find(part => part.startsWith(title));
  if (text === undefined) {
    throw new Error(`${file} has no section "## ${title}"`);
  }
  return text;
}
