import { App } from 'aws-cdk-lib';
import { TrustMode } from '../../src';
import { MY_ECS_TASK_ROLE, walkthrough } from '../support/walkthrough';

function dependenciesOf(app: App, stackName: string): string[] {
  const assembly = app.synth();
  return assembly.getStackByName(stackName).dependencies.map(d => d.id).filter(id => !id.endsWith('.assets'));
}

describe('two stacks in one app', () => {
  test('deploy the destination after the source in ROLE_ARN mode', () => {
    const { app } = walkthrough({ destinationRole: { trustMode: TrustMode.ROLE_ARN } });
    expect(dependenciesOf(app, 'DestinationStack')).toEqual(['SourceStack']);
  });

  test('deploy in any order in ACCOUNT_WITH_PRINCIPAL_ARN mode', () => {
    const { app } = walkthrough({ destinationRole: { trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN } });
    expect(dependenciesOf(app, 'DestinationStack')).toEqual([]);
  });

  test('order stacks also when the destination names the task role with RoleReference.of', () => {
    const { app } = walkthrough({ destinationRole: { trustedRoles: [MY_ECS_TASK_ROLE] } });
    expect(dependenciesOf(app, 'DestinationStack')).toEqual(['SourceStack']);
  });
});
