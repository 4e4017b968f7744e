/**
 * The AWS walkthrough "ECS task assumes an IAM role in another account", as one CDK app
 * with one stack per account.
 *
 * The walkthrough writes its accounts as 1111222233334444 and 5555666677778888: those
 * are 16-digit placeholders that IAM rejects, so this app uses the 12-digit
 * 111122223333 (source, runs the task) and 555566667777 (destination, holds the role).
 */
import { App, Stack, StackProps, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { CrossAccountTaskRole, RoleReference, TrustMode, TrustedDestinationRole } from '../src';

export const SOURCE_ACCOUNT = '111122223333';
export const DESTINATION_ACCOUNT = '555566667777';
export const REGION = 'us-east-1';

export interface SeedWalkthroughOptions {
  /** @default SOURCE_ACCOUNT */
  readonly sourceAccount?: string;
  /** @default DESTINATION_ACCOUNT */
  readonly destinationAccount?: string;
  /** @default TrustMode.ROLE_ARN */
  readonly trustMode?: TrustMode;
  /** @default - none */
  readonly externalId?: string;
}

export interface SourceStackProps extends StackProps {
  readonly destinationAccount: string;
}

/** Source account: the task role and the task definition that uses it. */
export class SourceStack extends Stack {
  public readonly taskRole: CrossAccountTaskRole;

  constructor(scope: Construct, id: string, props: SourceStackProps) {
    super(scope, id, props);
    this.taskRole = new CrossAccountTaskRole(this, 'TaskRole', {
      roleName: 'my-ECS-task-role',
      destinationRoles: [RoleReference.of({ account: props.destinationAccount, roleName: 'destination-account-role' })],
    });

    const taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      family: 'verify-assume-cross-account-role',
      taskRole: this.taskRole,
    });
    taskDefinition.addContainer('test', {
      containerName: 'test',
      image: ecs.ContainerImage.fromRegistry('your-test-image'),
      cpu: 100,
      memoryLimitMiB: 200,
      essential: true,
    });
  }
}

export interface DestinationStackProps extends StackProps {
  readonly trustedRole: RoleReference;
  readonly options?: SeedWalkthroughOptions;
}

/** Destination account: the role the task assumes, allowed what the walkthrough verifies. */
export class DestinationStack extends Stack {
  public readonly destinationRole: TrustedDestinationRole;

  constructor(scope: Construct, id: string, props: DestinationStackProps) {
    super(scope, id, props);
    this.destinationRole = new TrustedDestinationRole(this, 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [props.trustedRole],
      trustMode: props.options?.trustMode,
      externalId: props.options?.externalId,
    });
    // The walkthrough checks the chain with `aws ecs list-clusters --profile cross-account`.
    this.destinationRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ecs:ListClusters'],
      resources: ['*'],
    }));
  }
}

export function createSeedWalkthrough(app: App, options: SeedWalkthroughOptions = {}) {
  const destinationAccount = options.destinationAccount ?? DESTINATION_ACCOUNT;
  const source = new SourceStack(app, 'SourceStack', {
    env: { account: options.sourceAccount ?? SOURCE_ACCOUNT, region: REGION },
    destinationAccount,
  });
  const destination = new DestinationStack(app, 'DestinationStack', {
    env: { account: destinationAccount, region: REGION },
    trustedRole: source.taskRole.reference,
    options,
  });
  return { source, destination };
}

if (require.main === module) {
  const app = new App();
  createSeedWalkthrough(app, {
    trustMode: app.node.tryGetContext('trustMode') as TrustMode | undefined,
    externalId: app.node.tryGetContext('externalId') as string | undefined,
  });
  app.synth();
}
