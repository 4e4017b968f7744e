// The walkthrough "an EC2 instance role assumes a role in another account to use S3" (seed 004), as
// examples/ec2-s3-walkthrough.ts builds it, in one Region with the other apps; the bucket role may
// also write objects, so that an object can be written and read back through the chain. No
// enforceSSL: the emulator is reached over plain HTTP.
const { App, CfnOutput, RemovalPolicy, Stack } = require('aws-cdk-lib');
const iam = require('aws-cdk-lib/aws-iam');
const s3 = require('aws-cdk-lib/aws-s3');
const {
  AwsConfigProfile, CredentialSource, CrossAccountAccess, RoleReference, TrustedDestinationRole,
} = require('cdk-cross-account-task-roles');

const app = new App();
const bucketRole = RoleReference.of({ account: '555566667777', roleName: 'assume_s3_role' });

const instanceStack = new Stack(app, 'InstanceAccountStack', { env: { account: '111122223333', region: 'us-east-1' } });
const instanceRole = new iam.Role(instanceStack, 'InstanceRole', {
  roleName: 'S3FullAccessFromEC2',
  assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
});
new iam.InstanceProfile(instanceStack, 'InstanceProfile', { role: instanceRole });
const access = new CrossAccountAccess(instanceStack, 'AssumeBucketRole', { role: instanceRole, destinationRoles: [bucketRole] });
new CfnOutput(instanceStack, 'AwsConfigProfile', {
  value: AwsConfigProfile.render(bucketRole, { profileName: 'test', credentialSource: CredentialSource.EC2_INSTANCE_METADATA, region: 'us-east-1' }),
});

const bucketStack = new Stack(app, 'BucketAccountStack', { env: { account: '555566667777', region: 'us-east-1' } });
const bucket = new s3.Bucket(bucketStack, 'Bucket', {
  bucketName: 'account-a-bucket-0525',
  encryption: s3.BucketEncryption.S3_MANAGED,
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  removalPolicy: RemovalPolicy.DESTROY,
});
const role = new TrustedDestinationRole(bucketStack, 'BucketRole', { roleName: bucketRole.roleName, trustedRoles: [access.reference] });
bucket.grantRead(role);
bucket.grantPut(role);
