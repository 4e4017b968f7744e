import { Token } from 'aws-cdk-lib';
import { Rule } from './rule';

/**
 * Rules for the shape of a prop, whatever it holds. Plain JavaScript and the
 * other jsii languages can send any value: the constructs take only what the
 * types say.
 */

/** At least one value, when a list is given at all: an empty list is refused, leaving the property out is not. */
export const NOT_EMPTY: Rule<readonly unknown[]> = {
  fault: values => (values.length === 0 ? 'give at least one value, or leave the property out' : undefined),
};

/**
 * A boolean prop. Any other value would be taken for true or false by JavaScript's
 * rules (`0` as false, `'false'` as true) rather than as written.
 */
export const BOOLEAN: Rule<unknown> = {
  fault: value => (typeof value === 'boolean' ? undefined
    : 'it is true or false: any other value (0, "false", a token) would be taken for one of them by JavaScript\'s rules, not as written'),
  shown,
  literalOnly: true,
};

/**
 * An enum prop: one of the enum's values. Another string (a member's name in
 * another case, a token) would fall through the construct's choices to one that
 * was not asked for.
 */
export function enumOf(values: { [member: string]: string }, enumName: string): Rule<unknown> {
  return {
    fault: value => (typeof value === 'string' && !Token.isUnresolved(value) && Object.values(values).includes(value) ? undefined
      : `it is one of ${Object.keys(values).map(member => `${enumName}.${member}`).join(', ')}, known at synth`),
    shown,
    literalOnly: true,
  };
}

/** A value for a message: itself when it is a primitive, its text (a token's, for one) otherwise. */
function shown(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : String(value);
}
