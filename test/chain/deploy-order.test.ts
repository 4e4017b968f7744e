import { App } from 'aws-cdk-lib';
import { CrossAccountTaskRole, RoleReference, TrustMode, TrustedDestinationRole } from '../../src';
import { destinationStack, newApp, sourceStack } from '../support/app';

function dependenciesOf(app: App, stackName: string): string[] {
  const assembly = app.synth();
  return assembly.getStackByName(stackName).dependencies.map(d => d.id).filter(id => !id.endsWith('.assets'));
}

function chain(trustMode?: TrustMode) {
  const app = newApp();
  const source = sourceStack(app);
  const destination = destinationStack(app);
  const taskRole = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role' });
  const destinationRole = new TrustedDestinationRole(destination, 'DestinationRole', {
    roleName: 'destination-account-role',
    trustedRoles: [taskRole.reference],
    trustMode,
  });
  taskRole.addDestination(destinationRole.reference);
  return { app, source, destination };
}

describe('two stacks in one app', () => {
  test('deploy the destination after the source in ROLE_ARN mode', () => {
    const { app } = chain(TrustMode.ROLE_ARN);
    expect(dependenciesOf(app, 'DestinationStack')).toEqual(['SourceStack']);
  });

  test('deploy in any order in ACCOUNT_WITH_PRINCIPAL_ARN mode', () => {
    const { app } = chain(TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN);
    expect(dependenciesOf(app, 'DestinationStack')).toEqual([]);
  });

  test('order stacks also when the destination names the task role with RoleReference.of', () => {
    const app = newApp();
    const source = sourceStack(app);
    new CrossAccountTaskRole(source, 'TaskRole', {
      roleName: 'my-ECS-task-role',
      destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
    });
    new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role' })],
    });
    expect(dependenciesOf(app, 'DestinationStack')).toEqual(['SourceStack']);
  });
});
