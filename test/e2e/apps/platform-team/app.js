// "Two apps, two teams" (README): the platform team's app, in the source account. It knows the
// data team's role by account and name only, and gives its container the profile for that role.
const { App, Stack } = require('aws-cdk-lib');
const ecs = require('aws-cdk-lib/aws-ecs');
const { AwsConfigProfile, CrossAccountTaskRole, RoleReference } = require('cdk-cross-account-task-roles');

const app = new App();
const stack = new Stack(app, 'ReportsTaskStack', { env: { account: '111122223333', region: 'us-east-1' } });
const reportsReader = RoleReference.of({ account: '555566667777', roleName: 'reports-reader' });
const taskRole = new CrossAccountTaskRole(stack, 'TaskRole', { roleName: 'reports-task-role', destinationRoles: [reportsReader] });
const task = new ecs.FargateTaskDefinition(stack, 'Task', { family: 'reports', taskRole });
const container = task.addContainer('app', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-cli/aws-cli:latest') });
AwsConfigProfile.addToContainer(container, reportsReader, { externalId: 'reports-pipeline', includeProfile: true });
