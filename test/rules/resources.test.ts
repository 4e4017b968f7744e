import { CfnParameter } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TaskExecutionRole } from '../../src';
import { sourceStack } from '../support/app';

/**
 * The rules of src/rules/resources.ts (the VPCs and VPC endpoints a task execution role may
 * pull images through), seen through the public API: each boundary value on both sides,
 * each character a rule singles out, and the exact wording a user reads.
 */

describe('identifier bounds', () => {
  test.each([
    ['vpc-0123abcd', true], ['vpc-0123abc', false], [`vpc-${'a'.repeat(17)}`, true], [`vpc-${'a'.repeat(16)}`, false], [`vpc-${'a'.repeat(18)}`, false],
    ['vpc-0123ABCD', false], ['xvpc-0123abcd', false], ['vpc-0123abcdx', false],
  ])('VPC ID %s accepted: %s', (id, accepted) => {
    const build = () => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcs: ['vpc-00000000', id] });
    if (accepted) {
      expect(build).not.toThrow();
    } else {
      expect(build).toThrow(/^SourceStack\/ExecutionRole: imagePullSourceVpcs\[1\] ".*" is invalid: a VPC ID is "vpc-" followed by 8 or 17 lowercase hexadecimal digits/);
    }
  });

  test.each([['vpce-0123abcd', true], ['vpce-0123abc', false], [`vpce-${'a'.repeat(17)}`, true], ['vpce-0123abcdx', false], ['vpc-0123abcd', false]])(
    'VPC endpoint ID %s accepted: %s', (id, accepted) => {
      const build = () => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcEndpoints: [id] });
      if (accepted) {
        expect(build).not.toThrow();
      } else {
        expect(build).toThrow(/imagePullSourceVpcEndpoints\[0\] ".*" is invalid: a VPC endpoint ID is "vpce-" followed by 8 or 17 lowercase hexadecimal digits/);
      }
    });

  test('an empty list of VPC endpoints is refused', () => {
    expect(() => new TaskExecutionRole(sourceStack(), 'ExecutionRole', { imagePullSourceVpcEndpoints: [] }))
      .toThrow(/imagePullSourceVpcEndpoints \[\] is invalid: give at least one ID, or leave imagePullSourceVpcEndpoints out to allow image pulls from anywhere$/);
  });
});

describe('session name patterns and token values', () => {
  test('a VPC ID given as a token is accepted', () => {
    const stack = sourceStack();
    const vpc = new CfnParameter(stack, 'Vpc').valueAsString;
    new TaskExecutionRole(stack, 'ExecutionRole', { imagePullSourceVpcs: [vpc] });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
