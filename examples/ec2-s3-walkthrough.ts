/**
 * The walkthrough "an EC2 instance role assumes a role in another account to read S3", as one
 * CDK app with one stack per account.
 *
 * Account A (555566667777) owns the bucket and the role `assume_s3_role`, which may read it and
 * trusts account B's instance role. Account B (111122223333) runs the instance, whose role
 * `S3FullAccessFromEC2` may assume `assume_s3_role` and nothing else. On the instance, the AWS CLI
 * profile uses `credential_source = Ec2InstanceMetadata`.
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AwsConfigProfile, CredentialSource, CrossAccountAccess, RoleReference, TrustedDestinationRole } from '../src';

export const ACCOUNT_A = '555566667777';
export const ACCOUNT_B = '111122223333';
export const REGION = 'ap-northeast-1';

const BUCKET_ROLE = RoleReference.of({ account: ACCOUNT_A, roleName: 'assume_s3_role' });

/** Account B: the instance role, allowed to assume the bucket role. */
export class InstanceAccountStack extends Stack {
  public readonly access: CrossAccountAccess;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const instanceRole = new iam.Role(this, 'InstanceRole', {
      roleName: 'S3FullAccessFromEC2',
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    });
    new iam.InstanceProfile(this, 'InstanceProfile', { role: instanceRole });
    this.access = new CrossAccountAccess(this, 'AssumeBucketRole', {
      role: instanceRole,
      destinationRoles: [BUCKET_ROLE],
    });
    new CfnOutput(this, 'AwsConfigProfile', {
      description: 'Put this in ~/.aws/config on the instance, then run: aws s3 ls --profile test',
      value: AwsConfigProfile.render(BUCKET_ROLE, {
        profileName: 'test',
        credentialSource: CredentialSource.EC2_INSTANCE_METADATA,
        region: REGION,
      }),
    });
  }
}

export interface BucketAccountStackProps extends StackProps {
  readonly trustedRole: RoleReference;
}

/** Account A: the bucket and the role that may read it. */
export class BucketAccountStack extends Stack {
  public readonly bucketRole: TrustedDestinationRole;

  constructor(scope: Construct, id: string, props: BucketAccountStackProps) {
    super(scope, id, props);
    const bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: 'account-a-bucket-0525',
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucketRole = new TrustedDestinationRole(this, 'BucketRole', {
      roleName: BUCKET_ROLE.roleName,
      trustedRoles: [props.trustedRole],
    });
    bucket.grantRead(this.bucketRole);
  }
}

export function createEc2S3Walkthrough(app: App) {
  const instanceAccount = new InstanceAccountStack(app, 'InstanceAccountStack', {
    env: { account: ACCOUNT_B, region: REGION },
  });
  const bucketAccount = new BucketAccountStack(app, 'BucketAccountStack', {
    env: { account: ACCOUNT_A, region: REGION },
    trustedRole: instanceAccount.access.reference,
  });
  return { instanceAccount, bucketAccount };
}

if (require.main === module) {
  const app = new App();
  createEc2S3Walkthrough(app);
  app.synth();
}
