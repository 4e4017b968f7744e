import { Rule } from './rule';

/**
 * The settings of a StackSet that deploys a role to the accounts of organizational units.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html
 */

/** The targets of a StackSet: at least one. */
export const ORGANIZATIONAL_UNIT_IDS: Rule<readonly string[]> = {
  fault: ids => (ids.length === 0 ? 'name at least one organizational unit or root' : undefined),
};

export const ORGANIZATIONAL_UNIT_ID: Rule<string> = {
  fault: id => (/^(?:ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/.test(id) ? undefined
    : 'an organizational unit ID is ou-<root>-<unit> such as ou-ab12-11111111, or a root ID such as r-ab12'),
};

/** A share of target accounts, from `min` to 100. */
export function percentage(min: number): Rule<number> {
  return {
    fault: value => (Number.isInteger(value) && value >= min && value <= 100 ? undefined : `a percentage here is a whole number from ${min} to 100`),
  };
}

export const STACK_SET_NAME: Rule<string> = {
  fault: name => (/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(name) ? undefined
    : 'a StackSet name is 1 to 128 letters, digits and hyphens, starting with a letter, or CloudFormation refuses it at deploy'),
};
