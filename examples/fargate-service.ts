/**
 * A Fargate service in the source account (111122223333) that reads a DynamoDB table and an S3
 * bucket of the destination account (555566667777), written as two teams would write it: each
 * stack names the other account's role by its account and name, as literals, so that each half can
 * live in an app of its own and neither stack refers to the other.
 *
 * Source account: a VPC, an ECS cluster and the service; the task role `reports-service-task-role`,
 * which may assume `reports-reader` and nothing else; the task execution role, which may write to
 * the service's log group and nothing else (the image is public). The container gets the role's ARN
 * and external ID, and the whole AWS config profile for its entrypoint to write to a file.
 *
 * Destination account: the table, the bucket, and `reports-reader`, which trusts the task role
 * (with the external ID) and is the role granted the data: never the task role itself.
 *
 * Synthesize it from `examples/`:
 *   npx cdk synth --app "npx ts-node --project ../tsconfig.dev.json --transpile-only fargate-service.ts"
 * Deploy: the source first (`TrustMode.ROLE_ARN`), each stack with its account's credentials:
 *   npx cdk deploy ReportsServiceStack --exclusively --profile source --app "..."
 *   npx cdk deploy ReportsDataStack --exclusively --profile destination --app "..."
 */
import {
  App, RemovalPolicy, Stack, StackProps,
  aws_dynamodb as dynamodb, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AwsConfigProfile, CrossAccountTaskRole, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../src';

export const SOURCE_ACCOUNT = '111122223333';
export const DESTINATION_ACCOUNT = '555566667777';
export const REGION = 'eu-west-1';

// What the two teams agree on, written the same in both stacks.
export const TASK_ROLE_NAME = 'reports-service-task-role';
export const READER_ROLE_NAME = 'reports-reader';
/** Not a secret: it guards against confused deputies, and both templates hold it. */
export const EXTERNAL_ID = 'reports-service';
export const TABLE_NAME = 'reports';
export const BUCKET_NAME = 'reports-555566667777-eu-west-1';

/** Source account: the network, the cluster and the service. */
export class ReportsServiceStack extends Stack {
  public readonly taskRole: CrossAccountTaskRole;
  public readonly executionRole: TaskExecutionRole;
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const reader = RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: READER_ROLE_NAME });

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logGroup = new logs.LogGroup(this, 'Logs', { logGroupName: '/ecs/reports-service', retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });

    this.taskRole = new CrossAccountTaskRole(this, 'TaskRole', { roleName: TASK_ROLE_NAME, destinationRoles: [reader] });
    this.executionRole = new TaskExecutionRole(this, 'ExecutionRole', { logGroups: [logGroup] });

    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      taskRole: this.taskRole,
      executionRole: this.executionRole,
      cpu: 256,
      memoryLimitMiB: 512,
    });
    const container = taskDefinition.addContainer('reports', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/aws-cli/aws-cli:latest'),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'reports' }),
      // The entrypoint writes the profile, then reads the table and the bucket as reports-reader.
      entryPoint: ['sh', '-c'],
      command: [[
        'printf "%s" "$CROSS_ACCOUNT_AWS_CONFIG" > /tmp/aws-config',
        'export AWS_CONFIG_FILE=/tmp/aws-config',
        `aws dynamodb describe-table --table-name ${TABLE_NAME} --profile cross-account`,
        `aws s3 ls s3://${BUCKET_NAME}/ --profile cross-account`,
        'sleep 3600',
      ].join(' && ')],
    });
    AwsConfigProfile.addToContainer(container, reader, { externalId: EXTERNAL_ID, includeProfile: true, roleSessionName: 'reports-service' });

    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: 1,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
  }

  /** Named, not looked up in the account, so that the app synthesizes offline. */
  public get availabilityZones(): string[] {
    return [`${this.region}a`, `${this.region}b`];
  }
}

/** Destination account: the data, and the role the service reads it with. */
export class ReportsDataStack extends Stack {
  public readonly readerRole: TrustedDestinationRole;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);
    const table = new dynamodb.Table(this, 'Table', {
      tableName: TABLE_NAME,
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: BUCKET_NAME,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.readerRole = new TrustedDestinationRole(this, 'ReaderRole', {
      roleName: READER_ROLE_NAME,
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: TASK_ROLE_NAME })],
      externalId: EXTERNAL_ID,
    });
    // The data is granted to the destination role, in its own account: the task role gets nothing here.
    table.grantReadData(this.readerRole);
    bucket.grantRead(this.readerRole);
  }
}

export function createFargateServiceExample(app: App) {
  const env = (account: string) => ({ account, region: REGION });
  const service = new ReportsServiceStack(app, 'ReportsServiceStack', { env: env(SOURCE_ACCOUNT) });
  const data = new ReportsDataStack(app, 'ReportsDataStack', { env: env(DESTINATION_ACCOUNT) });
  return { service, data };
}

if (require.main === module) {
  const app = new App();
  createFargateServiceExample(app);
  app.synth();
}
