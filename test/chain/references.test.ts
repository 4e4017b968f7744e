import { Template } from 'aws-cdk-lib/assertions';
import { walkthrough } from '../support/walkthrough';

describe('two stacks in one app', () => {
  test('hold literal ARNs: no exports or imports between the stacks', () => {
    const { source, destination } = walkthrough();
    for (const stack of [source, destination]) {
      const json = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(json).not.toMatch(/Fn::ImportValue|"Outputs"/);
    }
  });
});
