import { Lazy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RoleReference, TrustedDestinationRole } from '../../src';
import { SOURCE_ACCOUNT, destinationStack, newApp } from '../support/app';

/**
 * The rules of src/rules/trust.ts (a destination role's pattern of session names), seen through
 * the public API: each boundary value on both sides, each character a rule singles out, and the
 * exact wording a user reads.
 */

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const withPattern = (roleSessionNamePattern: string) => () =>
  new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], roleSessionNamePattern });

describe('session name patterns and token values', () => {
  test('a session name pattern that starts or ends with a wildcard, but holds more, is accepted', () => {
    for (const roleSessionNamePattern of ['*-reports', 'reports-*', '**x']) {
      const stack = destinationStack();
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], roleSessionNamePattern });
      Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Condition: Match.objectLike({ StringLike: { 'sts:RoleSessionName': roleSessionNamePattern } }) })],
        }),
      });
    }
  });
});

describe('roleSessionNamePattern of only wildcards', () => {
  // A session name has 2 to 64 characters, so each of these matches every one of them.
  test.each(['*', '*?', '?*', '**?*', '*??', '?*?'])('refuses %s, which matches every session name', pattern => {
    expect(withPattern(pattern)).toThrow(new RegExp(
      `^DestinationStack/R: roleSessionNamePattern "${pattern.replace(/[*?]/g, '\\$&')}" is invalid: it matches every session name, so it limits nothing: leave it out or name a prefix such as reports-\\*$`));
  });

  test.each(['??', '???*', '?'.repeat(64)])('refuses %s, which names no session, only a length', pattern => {
    expect(withPattern(pattern)).toThrow(/roleSessionNamePattern ".*" is invalid: a pattern of only wildcards names no session, only a length: leave it out or name a prefix such as reports-\*$/);
  });

  test('accepts a pattern with one literal character', () => {
    expect(withPattern('r*')).not.toThrow();
  });

  test('refuses a token that resolves to *? at synth', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [taskRole], roleSessionNamePattern: Lazy.string({ produce: () => '*?' }) });
    expect(() => app.synth()).toThrow(/roleSessionNamePattern \(a token that resolves to\) "\*\?" is invalid: it matches every session name/);
  });
});
