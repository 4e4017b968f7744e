import { IConstruct } from 'constructs';

/**
 * A change made to a construct of the library after its app was synthesized would
 * not be in the written templates: it is refused, not lost.
 */

/** The constructs whose validations ran: their app is being, or has been, synthesized. */
const synthesized = new WeakSet<IConstruct>();

/**
 * Remembers when the construct's app synthesizes it (its validations run then),
 * so that a change made afterwards, which the written templates would not hold,
 * is refused rather than lost (see `refuseAfterSynthesis`).
 */
export function markSynthesis(construct: IConstruct): void {
  construct.node.addValidation({
    validate: () => {
      synthesized.add(construct);
      return [];
    },
  });
}

/**
 * Refuses a change to a construct whose app was synthesized: the cloud assembly is
 * written and `app.synth()` returns it again, so the change would be lost without a
 * word (aws-cdk-lib refuses new constructs then, for the same reason).
 */
export function refuseAfterSynthesis(construct: IConstruct, call: string): void {
  if (synthesized.has(construct)) {
    throw new Error(`${construct.node.path}: ${call} was called after the app was synthesized: the templates are written and would not `
      + 'change, and the checks of the two halves already ran, so the change would be lost without a word. Make it before app.synth() '
      + '(or before the app\'s code ends, under cdk synth), as aws-cdk-lib requires of new constructs.');
  }
}
