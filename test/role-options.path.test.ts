import { Lazy } from 'aws-cdk-lib';
import { CrossAccountTaskRole, DestinationRoleStackSet, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../src';
import { SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });

describe('the path of a role the library creates', () => {
  test.each<[string, (path: string) => void]>([
    ['CrossAccountTaskRole', path => new CrossAccountTaskRole(sourceStack(), 'R', { path })],
    ['TrustedDestinationRole', path => new TrustedDestinationRole(destinationStack(), 'R', { path, trustedRoles: [taskRole] })],
    ['TaskExecutionRole', path => new TaskExecutionRole(sourceStack(), 'R', { path })],
  ])('%s refuses /aws-service-role/ and /aws-reserved/, where IAM refuses to create a role', (_construct, create) => {
    for (const path of ['/aws-service-role/', '/aws-service-role/ecs.amazonaws.com/', '/aws-reserved/', '/aws-reserved/sso.amazonaws.com/']) {
      expect(() => create(path)).toThrow(new RegExp(
        `/R: path "${path.replace(/[/.]/g, '\\$&')}" is invalid: IAM keeps the paths under /aws-(service-role|reserved)/ for the roles AWS creates itself `
        + '\\(service-linked roles under /aws-service-role/, IAM Identity Center roles under /aws-reserved/\\) and refuses to create a role there, '
        + 'so the deployment would fail: choose another path, such as /teams/$'));
    }
  });

  test('a DestinationRoleStackSet refuses them for the role it deploys to every account', () => {
    expect(() => new DestinationRoleStackSet(sourceStack(), 'StackSet', {
      destinationRole: { roleName: 'destination-account-role', path: '/aws-reserved/', trustedRoles: [taskRole] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    })).toThrow(/path "\/aws-reserved\/" is invalid: IAM keeps the paths under \/aws-reserved\//);
  });

  test.each(['/service-role/', '/aws/', '/teams/aws-service-role/', '/aws-service-roles/'])('accepts %s, which is not one of them', path => {
    const role = new CrossAccountTaskRole(sourceStack(), 'R', { roleName: 'my-ECS-task-role', path });
    expect(role.reference.path).toBe(path);
  });

  test('accepts a path that is a token, which CloudFormation resolves', () => {
    const stack = sourceStack(newApp());
    expect(() => new CrossAccountTaskRole(stack, 'R', { path: Lazy.string({ produce: () => '/teams/' }) })).not.toThrow();
  });

  test('leaves references to roles AWS created alone: they may be named', () => {
    const reference = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'AWSServiceRoleForECS', path: '/aws-service-role/ecs.amazonaws.com/' });
    expect(reference.roleArn).toContain(':role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS');
  });
});
