import { Stack, Token } from 'aws-cdk-lib';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { partitionOfRegion } from '../../rules/identifiers';

/**
 * The size of a policy as IAM counts it against its quotas: the JSON text without
 * white space, after CloudFormation has resolved what it resolves.
 *
 * Pseudo parameters are replaced by what they become: the partition and Region
 * of the stack when its Region is known (`aws` and a 14-character Region
 * otherwise), 12 digits for the account. Other intrinsics (a `Fn::GetAtt`, an
 * import) are counted as their own JSON, which is an estimate.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-entity-length
 */
export function policySize(stack: Stack, document: unknown): number {
  const rendered = renderLikeIam(stack, document);
  // An empty policy document renders as nothing.
  // Stryker disable next-line Regex: removing white space one character at a time or in runs is the same
  return rendered === undefined ? 0 : JSON.stringify(rendered).replace(/\s+/g, '').length;
}

/**
 * A policy as CloudFormation hands it to IAM, as far as can be known at synth:
 * joins joined and pseudo parameters replaced (see `policySize`).
 */
export function renderLikeIam(stack: Stack, document: unknown): any {
  return render(stack.resolve(document), pseudoParameters(stack));
}

function pseudoParameters(stack: Stack): Map<string, string> {
  const region = Token.isUnresolved(stack.region) ? undefined : stack.region;
  return new Map([
    ['AWS::Partition', partitionOfRegion(region) ?? 'aws'],
    ['AWS::Region', region ?? 'ap-southeast-5'],
    ['AWS::AccountId', Token.isUnresolved(stack.account) ? '123456789012' : stack.account],
    ['AWS::URLSuffix', (region && RegionInfo.get(region).domainSuffix) || 'amazonaws.com'],
  ]);
}

function render(value: unknown, pseudo: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(value)) {
    return value.map(v => render(v, pseudo));
  }
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a resolved policy holds no null; the test keeps render total
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const entries = Object.entries(value);
  // Stryker disable next-line ConditionalExpression: an intrinsic is an object of one key; no policy element is named Ref or Fn::Join
  if (entries.length === 1) {
    const [[key, argument]] = entries;
    const replacement = key === 'Ref' ? pseudo.get(argument as string) : undefined;
    if (replacement !== undefined) {
      return replacement;
    }
    const joined = key === 'Fn::Join' ? (argument as unknown[])[1] : undefined;
    if (Array.isArray(joined)) {
      const parts = joined.map(p => render(p, pseudo));
      return parts.map(p => (typeof p === 'string' ? p : JSON.stringify(p))).join(String((argument as unknown[])[0]));
    }
    if (key === 'Fn::Sub') {
      return renderSub(argument, pseudo);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, render(v, pseudo)]));
}

/**
 * The text of an `Fn::Sub` (a template, or a template and its variables), with the
 * pseudo parameters and the variables given replaced, and every other reference
 * (a parameter, a resource) written as the `Ref` or `Fn::GetAtt` it stands for, as
 * a joined part is. `${!Text}` is the literal text `${Text}`.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-sub.html
 */
function renderSub(argument: unknown, pseudo: ReadonlyMap<string, string>): unknown {
  const [template, variables = {}] = [argument].flat() as [unknown, Record<string, unknown>?];
  if (typeof template !== 'string') {
    return { 'Fn::Sub': argument };
  }
  return template.replace(/\$\{(!?)([^}]*)\}/g, (_whole, literal: string, name: string) => {
    if (literal) {
      return `\${${name}}`;
    }
    const variable = Object(variables)[name];
    if (variable !== undefined) {
      const value = render(variable, pseudo);
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    const known = pseudo.get(name);
    if (known !== undefined) {
      return known;
    }
    const [resource, attribute] = name.split('.');
    return JSON.stringify(attribute === undefined ? { Ref: resource } : { 'Fn::GetAtt': [resource, attribute] });
  });
}
