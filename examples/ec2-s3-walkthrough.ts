/**
 * The walkthrough "an EC2 instance role assumes a role in another account to read S3", as one
 * CDK app with one stack per account.
 *
 * Account A (555566667777) owns the bucket and the role `assume_s3_role`, which may read it and
 * trusts account B's instance role. Account B (111122223333) runs the instance, whose role
 * `S3FullAccessFromEC2` may assume `assume_s3_role` and nothing else. On the instance, the AWS CLI
 * profile uses `credential_source = Ec2InstanceMetadata`, and `aws s3 ls s3://<bucket>/ --profile test`
 * lists the bucket: `assume_s3_role` may list and read that bucket only, not list every bucket of the
 * account (a bare `aws s3 ls` needs `s3:ListAllMyBuckets`, which it does not have).
 */
import { App, CfnOutput, RemovalPolicy, Stack, StackProps, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AwsConfigProfile, CredentialSource, CrossAccountAccess, RoleReference, TrustedDestinationRole } from '../src';

export const ACCOUNT_A = '555566667777';
export const ACCOUNT_B = '111122223333';
export const REGION = 'ap-northeast-1';
/** The bucket of account A, named so that the instance's command can name it. */
export const BUCKET_NAME = 'account-a-bucket-0525';

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
      description: `Put this in ~/.aws/config on the instance, then run: aws s3 ls s3://${BUCKET_NAME}/ --profile test`,
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
      bucketName: BUCKET_NAME,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucketRole = new TrustedDestinationRole(this, 'BucketRole', {
      roleName: BUCKET_ROLE.roleName,
      trustedRoles: [props.trustedRole],
    });
    // List and read this bucket: what `aws s3 ls s3://<bucket>/` and `aws s3 cp` need.
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
