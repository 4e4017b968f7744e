import { Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, TrustMode, TrustedDestinationRole } from '../../src';
import { destinationStack, newApp, sourceStack } from '../support/app';

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
  test('hold literal ARNs: no exports or imports between the stacks', () => {
    const { source, destination } = chain();
    for (const stack of [source, destination]) {
      const json = JSON.stringify(Template.fromStack(stack).toJSON());
      expect(json).not.toMatch(/Fn::ImportValue|"Outputs"/);
    }
  });
});
