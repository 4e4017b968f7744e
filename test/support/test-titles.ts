import { readFileSync } from 'fs';
import * as ts from 'typescript';

/**
 * A `describe` or `test` block of a test file: the titles it can have, and the describes around it
 * (each describe as the titles it can have).
 */
export interface TestBlock {
  readonly describes: readonly BlockTitle[];
  readonly title: BlockTitle;
}

/**
 * The title of a block as written (with the `%s` of a `.each`), and each title jest gives it for a
 * row of the table whose values are literals.
 */
export interface BlockTitle {
  readonly written: string;
  readonly rendered: readonly string[];
}

const BLOCKS = new Set(['describe', 'test', 'it']);
const PLACEHOLDER = /%[sdifjopP#%]/g;
const HAS_PLACEHOLDER = /%[sdifjopP#]/;

/**
 * The blocks of a test file, found in its syntax: each call of `describe`, `test` or `it` (also
 * `.each(table)`, `.skip`, `.only`, `.failing`, `.concurrent`) whose first argument is a string.
 */
export function testBlocks(file: string): TestBlock[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const blocks: TestBlock[] = [];
  const visit = (node: ts.Node, describes: readonly BlockTitle[]): void => {
    if (ts.isCallExpression(node) && blockName(node.expression) !== undefined && node.arguments.length > 0) {
      const written = literalText(node.arguments[0]);
      if (written !== undefined) {
        const title = blockTitle(written, eachTable(node.expression));
        blocks.push({ describes, title });
        const inner = blockName(node.expression) === 'describe' ? [...describes, title] : describes;
        node.arguments.slice(1).forEach(argument => visit(argument, inner));
        return;
      }
    }
    ts.forEachChild(node, child => visit(child, describes));
  };
  visit(source, []);
  return blocks;
}

/**
 * Whether the blocks hold the one that `path` names: its last element is a title of a block whose
 * describes have the others as titles, in that order (a describe between them may be left out).
 */
export function holdsBlock(blocks: readonly TestBlock[], path: readonly string[]): boolean {
  const title = path[path.length - 1];
  const describes = path.slice(0, -1);
  return blocks.some(block => isTitle(block.title, title) && isSubsequence(describes, block.describes));
}

function isTitle(title: BlockTitle, cited: string): boolean {
  return cited === title.written || title.rendered.includes(cited);
}

function isSubsequence(wanted: readonly string[], within: readonly BlockTitle[]): boolean {
  let next = 0;
  for (const describe of within) {
    if (next < wanted.length && isTitle(describe, wanted[next])) {
      next++;
    }
  }
  return next === wanted.length;
}

/** `describe`, `test` or `it`, through `.each(...)`, `.skip`, `.only` and the like. */
function blockName(callee: ts.Expression): string | undefined {
  if (ts.isIdentifier(callee)) {
    return BLOCKS.has(callee.text) ? callee.text : undefined;
  }
  if (ts.isPropertyAccessExpression(callee) || ts.isCallExpression(callee)) {
    return blockName(callee.expression);
  }
  return undefined;
}

/** The table of `x.each(table)`: the rows, or undefined when the callee is no `.each` call. */
function eachTable(callee: ts.Expression): ts.Expression | undefined {
  if (ts.isCallExpression(callee) && ts.isPropertyAccessExpression(callee.expression) && callee.expression.name.text === 'each') {
    return unwrapped(callee.arguments[0]);
  }
  return undefined;
}

/** The expression inside `(x)`, `x as const` and `x satisfies T`. */
function unwrapped(node: ts.Expression): ts.Expression {
  return ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node) ? unwrapped(node.expression) : node;
}

function blockTitle(written: string, table: ts.Expression | undefined): BlockTitle {
  if (table === undefined || !HAS_PLACEHOLDER.test(written)) {
    return { written, rendered: [] };
  }
  // A table given by name, or a row of values that are not literals (an enum member), is cited as written.
  const rows = ts.isArrayLiteralExpression(table) ? table.elements.map(row => ts.isArrayLiteralExpression(row) ? [...row.elements] : [row]) : [];
  const rendered = rows.map((row, index) => render(written, row, index)).filter((title): title is string => title !== undefined);
  return { written, rendered };
}

/** The title jest gives a row, as `util.format` does for literals; undefined when a value is not a literal. */
function render(written: string, row: readonly ts.Expression[], index: number): string | undefined {
  let next = 0;
  let complete = true;
  const title = written.replace(PLACEHOLDER, placeholder => {
    if (placeholder === '%%') {
      return '%';
    }
    if (placeholder === '%#') {
      return String(index);
    }
    const value = next < row.length ? literalValue(row[next++]) : undefined;
    if (value === undefined) {
      complete = false;
      return '';
    }
    return placeholder === '%p' || placeholder === '%j' ? JSON.stringify(value) : String(value);
  });
  return complete ? title : undefined;
}

function literalValue(node: ts.Expression): string | number | boolean | undefined {
  if (ts.isNumericLiteral(node)) {
    return Number(node.text);
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword || node.kind === ts.SyntaxKind.FalseKeyword) {
    return node.kind === ts.SyntaxKind.TrueKeyword;
  }
  return literalText(node);
}

/** The text of a string literal, a template without substitutions, or a `+` of such. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
    return node.text;
  }
  if (ts.isParenthesizedExpression(node)) {
    return literalText(node.expression);
  }
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const [left, right] = [literalText(node.left), literalText(node.right)];
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}
