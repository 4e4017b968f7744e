import { Aspects, Stack, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { NagSuppressions } from 'cdk-nag';
import { CrossAccountNagPack } from '../src';
import { SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';

/** GIVEN an app with the pack and a plain role trusting `principal`, WHEN `suppress` runs, THEN the stack. */
function packed(principal: iam.IPrincipal, suppress?: (role: iam.Role) => void): Stack {
  const app = newApp();
  Aspects.of(app).add(new CrossAccountNagPack({ reports: false }));
  const stack = destinationStack(app);
  const role = new iam.Role(stack, 'Role', { assumedBy: principal });
  suppress?.(role);
  return stack;
}

// Before the test that mocks cdk-nag away, whose mock stays registered.
describe('CrossAccountNagPack: what cdk-nag reads before synthesis', () => {
  test('an ECS task role used by a task definition of another stack is reported as CrossAccount-ConfusedDeputyGuardOff', () => {
    // GIVEN
    const app = newApp();
    Aspects.of(app).add(new CrossAccountNagPack({ reports: false }));
    const roles = sourceStack(app, 'Roles');
    // WHEN the task definition is in another stack, which references the role before synthesis turns it into an import
    const role = new iam.Role(roles, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    new ecs.FargateTaskDefinition(sourceStack(app, 'Service'), 'Task', { taskRole: role });
    // THEN
    Annotations.fromStack(roles).hasWarning('/Roles/Role/Resource', Match.stringLikeRegexp('^CrossAccount-ConfusedDeputyGuardOff: the trust policy lets ecs-tasks'));
  });
});

describe('CrossAccountNagPack', () => {
  test('reports a finding of the checks as a cdk-nag warning of its rule, with the library\'s message', () => {
    Annotations.fromStack(packed(new iam.AccountPrincipal(SOURCE_ACCOUNT))).hasWarning('/DestinationStack/Role/Resource',
      Match.stringLikeRegexp('^CrossAccount-WholeAccountTrust: the trust policy admits every principal of arn:aws:iam::111122223333:root'));
  });

  test('reports nothing for a role that follows the rules', () => {
    Annotations.fromStack(packed(new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`)))
      .hasNoWarning('*', Match.stringLikeRegexp('^CrossAccount-'));
  });

  test('a finding suppressed the cdk-nag way, with a reason, is not reported', () => {
    const stack = packed(new iam.AccountPrincipal(SOURCE_ACCOUNT), role => NagSuppressions.addResourceSuppressions(role, [
      { id: 'CrossAccount-WholeAccountTrust', reason: 'every principal of the source account is a deployment pipeline' },
    ], true));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('^CrossAccount-WholeAccountTrust'));
  });

  test('without cdk-nag, creating the pack says how to install it', () => {
    jest.isolateModules(() => {
      jest.doMock('cdk-nag', () => {
        throw new Error('Cannot find module \'cdk-nag\'');
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { CrossAccountNagPack: Pack } = require('../src');
      expect(() => new Pack()).toThrow(/^CrossAccountNagPack needs cdk-nag, which is not a dependency of cdk-cross-account-task-roles: install it beside it \(npm install cdk-nag, or pip install cdk-nag\)/);
    });
  });
});
