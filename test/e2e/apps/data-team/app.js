// "Two apps, two teams" (README): the data team's app, in the destination account. It trusts the
// platform team's task role by account and name, by account root + aws:PrincipalArn, so it deploys
// before that role exists; the task must send the external ID.
const { App, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const { RoleReference, TrustMode, TrustedDestinationRole } = require('cdk-cross-account-task-roles');

const app = new App();
const stack = new Stack(app, 'ReportsReaderStack', { env: { account: '555566667777', region: 'us-east-1' } });
const reader = new TrustedDestinationRole(stack, 'ReaderRole', {
  roleName: 'reports-reader',
  trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'reports-task-role' })],
  trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
  externalId: 'reports-pipeline',
});
reader.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecs:ListClusters'], resources: ['*'] }));
