// The README's first example, as a fresh CDK app in JavaScript that installs the packed library,
// with a task execution role (seed 002) for its task definition.
const { App, RemovalPolicy, Stack } = require('aws-cdk-lib');
const ecr = require('aws-cdk-lib/aws-ecr');
const ecs = require('aws-cdk-lib/aws-ecs');
const iam = require('aws-cdk-lib/aws-iam');
const logs = require('aws-cdk-lib/aws-logs');
const ssm = require('aws-cdk-lib/aws-ssm');
const { CrossAccountTaskRole, RoleReference, TaskExecutionRole, TrustedDestinationRole } = require('cdk-cross-account-task-roles');

const app = new App();
const sourceStack = new Stack(app, 'SourceStack', { env: { account: '111122223333', region: 'us-east-1' } });
const destinationStack = new Stack(app, 'DestinationStack', { env: { account: '555566667777', region: 'us-east-1' } });

// Source account: the task role, allowed to assume exactly the destination role.
const taskRole = new CrossAccountTaskRole(sourceStack, 'TaskRole', {
  roleName: 'my-ECS-task-role',
  destinationRoles: [RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' })],
});

// The role ECS uses to start the task: pull from one repository, write one log group, read one parameter.
const repository = new ecr.Repository(sourceStack, 'Repository', {
  repositoryName: 'walkthrough-app',
  removalPolicy: RemovalPolicy.DESTROY,
});
const logGroup = new logs.LogGroup(sourceStack, 'Logs', {
  logGroupName: '/ecs/walkthrough-app',
  removalPolicy: RemovalPolicy.DESTROY,
});
const setting = new ssm.StringParameter(sourceStack, 'Setting', {
  parameterName: '/walkthrough-app/setting',
  stringValue: 'blue',
});
const executionRole = new TaskExecutionRole(sourceStack, 'ExecutionRole', {
  roleName: 'walkthrough-execution-role',
  repositories: [repository],
  logGroups: [logGroup],
  parameters: [setting],
});
new ecs.FargateTaskDefinition(sourceStack, 'Task', { family: 'walkthrough-app', taskRole, executionRole });

// Destination account: the role the task assumes, trusting exactly the task role.
const destinationRole = new TrustedDestinationRole(destinationStack, 'DestinationRole', {
  roleName: 'destination-account-role',
  trustedRoles: [taskRole.reference],
});
destinationRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:ListClusters'], resources: ['*'] }));
