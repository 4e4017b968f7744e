import { App, Stack, aws_dynamodb as dynamodb, aws_ecs as ecs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsConfigProfile, CrossAccountTaskRole, RoleReference, TrustedDestinationRole } from '../../src';
import { destinationStack, newApp, sourceStack } from '../support/app';
import { section } from '../support/markdown';

/**
 * The Troubleshooting section of docs/errors-and-troubleshooting.md shows each message of a mistake
 * as a user sees it: each is made here with the walkthrough's names and looked up there word for word.
 */
const TROUBLESHOOTING = section('docs/errors-and-troubleshooting.md', 'Troubleshooting');

const DESTINATION = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });

/** The validation errors of the app, as the CLI prints each: `[path] message`. */
function errorsOf(app: App): string[] {
  try {
    app.synth();
  } catch (error) {
    return (error as Error).message.split('\n').filter(line => line.startsWith('  [')).map(line => line.trim());
  }
  throw new Error('synthesis did not fail');
}

/** The warnings of a stack, as the CLI prints each: `[Warning at /path] message`. */
function warningsOf(stack: Stack, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id)).map(w => `[Warning at ${w.id}] ${w.entry.data}`);
}

function taskWith(stack: Stack, taskRole: CrossAccountTaskRole): ecs.ContainerDefinition {
  return new ecs.FargateTaskDefinition(stack, 'Task', { taskRole }).addContainer('app', { image: ecs.ContainerImage.fromRegistry('app') });
}

describe('the Troubleshooting section of docs/errors-and-troubleshooting.md shows, word for word', () => {
  test('the error of a task definition in another account than its task role', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(destinationStack(app), 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [DESTINATION] });
    taskWith(sourceStack(app), taskRole);
    const errors = errorsOf(app);
    expect(errors).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(errors[0]);
  });

  test('the error of a task definition in another Region than the confused-deputy guard admits', () => {
    const app = newApp();
    const taskRole = new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [DESTINATION] });
    taskWith(new Stack(app, 'EuropeStack', { env: { account: '111122223333', region: 'eu-west-1' } }), taskRole);
    const errors = errorsOf(app);
    expect(errors).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(errors[0]);
  });

  test('the error of a container given no external ID for a destination that requires one', () => {
    const app = newApp();
    const source = sourceStack(app);
    const taskRole = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [DESTINATION] });
    AwsConfigProfile.addToContainer(taskWith(source, taskRole), DESTINATION);
    new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'destination-account-role', trustedRoles: [taskRole.reference], externalId: 'reports-pipeline',
    });
    const errors = errorsOf(app);
    expect(errors).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(errors[0]);
  });

  test('the error of an empty destinationRoles list, and the warning of a task role without destination', () => {
    let refusal = '';
    try {
      new CrossAccountTaskRole(sourceStack(), 'TaskRole', { destinationRoles: [] });
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).toMatch(/^SourceStack\/TaskRole: destinationRoles \[\] is invalid/);
    expect(TROUBLESHOOTING).toContain(refusal);
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'my-ECS-task-role' });
    const warnings = warningsOf(stack, 'taskRoleWithoutDestination');
    expect(warnings).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(warnings[0]);
  });

  test('the warning of a destination account\'s resources granted to the task role itself', () => {
    const app = newApp();
    const source = sourceStack(app);
    const taskRole = new CrossAccountTaskRole(source, 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [DESTINATION] });
    const destination = destinationStack(app);
    new TrustedDestinationRole(destination, 'DestinationRole', { roleName: 'destination-account-role', trustedRoles: [taskRole.reference] });
    new dynamodb.Table(destination, 'Table', { tableName: 'reports', partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING } })
      .grantReadData(taskRole);
    new s3.Bucket(destination, 'Bucket', { bucketName: 'reports-bucket' }).grantRead(taskRole);
    const warnings = warningsOf(source, 'directGrantInDestinationAccount');
    expect(warnings).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(warnings[0]);
  });

  test('the error of a trust written with a typo, with its suggestion', () => {
    const app = newApp();
    new CrossAccountTaskRole(sourceStack(app), 'TaskRole', { roleName: 'my-ECS-task-role', destinationRoles: [DESTINATION] });
    new TrustedDestinationRole(destinationStack(app), 'DestinationRole', {
      roleName: 'destination-account-role', trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-taks-role' })],
    });
    const errors = errorsOf(app);
    expect(errors).toHaveLength(1);
    expect(TROUBLESHOOTING).toContain(errors[0]);
  });
});
