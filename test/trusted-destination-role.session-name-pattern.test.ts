import { Lazy } from 'aws-cdk-lib';
import { RoleReference, TrustedDestinationRole } from '../src';
import { SOURCE_ACCOUNT, destinationStack, newApp } from './support/app';

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const withPattern = (roleSessionNamePattern: string) => () =>
  new TrustedDestinationRole(destinationStack(), 'R', { trustedRoles: [taskRole], roleSessionNamePattern });

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
