import { Template } from 'aws-cdk-lib/assertions';
import { createSeedWalkthrough } from '../examples/seed-walkthrough';
import { newApp } from './support/app';

function walkthroughTemplates() {
  const { source, destination } = createSeedWalkthrough(newApp());
  return { source: Template.fromStack(source), destination: Template.fromStack(destination) };
}

describe('seed walkthrough', () => {
  test('source template matches the snapshot', () => {
    expect(walkthroughTemplates().source.toJSON()).toMatchSnapshot();
  });

  test('destination template matches the snapshot', () => {
    expect(walkthroughTemplates().destination.toJSON()).toMatchSnapshot();
  });

  test('source account holds one role, with one identity statement: AssumeRole on the destination', () => {
    const { source } = walkthroughTemplates();
    source.resourceCountIs('AWS::IAM::Role', 1);
    source.resourceCountIs('AWS::IAM::Policy', 0);
    source.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    const [role] = Object.values(source.findResources('AWS::IAM::Role'));
    const statements = role.Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0].Action).toBe('sts:AssumeRole');
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('the task definition is the one of the walkthrough', () => {
    walkthroughTemplates().source.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Family: 'verify-assume-cross-account-role',
      TaskRoleArn: { 'Fn::GetAtt': ['TaskRole30FC0FBB', 'Arn'] },
      ContainerDefinitions: [{ Name: 'test', Image: 'your-test-image', Cpu: 100, Memory: 200, Essential: true }],
    });
  });

  test('destination role may list ECS clusters and nothing else', () => {
    const { destination } = walkthroughTemplates();
    destination.resourceCountIs('AWS::IAM::Role', 1);
    destination.resourceCountIs('AWS::IAM::Policy', 1);
    destination.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'ecs:ListClusters', Resource: '*' }] },
    });
  });
});

describe('upgrade safety: deployed roles are never replaced by a library upgrade', () => {
  // Changing a logical ID or a role name makes CloudFormation replace the role, which
  // breaks every trust policy that names it. If one of these changes, it is a breaking change.
  test('logical IDs and role names of the walkthrough stay the same', () => {
    const { source, destination } = walkthroughTemplates();
    const names = (t: Template) => Object.fromEntries(
      Object.entries(t.findResources('AWS::IAM::Role')).map(([logicalId, r]) => [logicalId, r.Properties.RoleName]));
    expect(names(source)).toEqual({ TaskRole30FC0FBB: 'my-ECS-task-role' });
    expect(names(destination)).toEqual({ DestinationRole5C632A25: 'destination-account-role' });
  });
});
