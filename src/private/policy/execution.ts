import {
  ArnFormat,
  Stack,
  aws_ecr as ecr,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { oneOrMany } from './identity';
import { VPC_ENDPOINT_ID, VPC_ID, checkImagePullIds } from '../../rules/resources';

/**
 * The one place that writes the policy statements of a task execution role, and
 * checks the VPC IDs that limit where it may pull images from.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
 */

/** In the order of the AWS documentation; `ecr:GetAuthorizationToken` is kept apart. */
const ECR_PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const ECR_AUTHORIZATION_ACTION = 'ecr:GetAuthorizationToken';
const LOG_WRITE_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const SECRET_READ_ACTION = 'secretsmanager:GetSecretValue';
const PARAMETER_READ_ACTION = 'ssm:GetParameters';
const KMS_DECRYPT_ACTION = 'kms:Decrypt';

const PULL_ACTIONS = new Set(ECR_PULL_ACTIONS.map(a => a.toLowerCase()));

/** IAM conditions: operator, then condition key, then value(s). */
export type Conditions = { [operator: string]: { [key: string]: unknown } };

/** What a task execution role was asked to allow. */
export interface ExecutionGrants {
  /** False under the AWS managed policy, which already covers every repository and log group. */
  readonly imagePullAndLogs: boolean;
  readonly repositories: readonly ecr.IRepository[];
  readonly logGroups: readonly logs.ILogGroup[];
  /** Registry credentials and ECS secrets alike: both need only `GetSecretValue`. */
  readonly secrets: readonly secretsmanager.ISecret[];
  readonly parameters: readonly ssm.IParameter[];
  /** Keys the role may decrypt with however it calls KMS. */
  readonly kmsKeys: readonly kms.IKey[];
  /** Keys of SecureString parameters, that the role may decrypt with through Parameter Store only. */
  readonly parameterKeys: readonly kms.IKey[];
  /** Conditions of the ECR pull statement; never of `ecr:GetAuthorizationToken`. */
  readonly pullConditions?: Conditions;
}

/** One resource of a statement, and broader resources that make it redundant when already granted. */
interface Target {
  readonly arn: string;
  readonly coveredAlsoBy?: readonly string[];
}

interface StatementPlan {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly targets: readonly Target[];
  readonly conditions?: Conditions;
}

/**
 * The statements of the role's own inline policy, with deduplicated resources
 * sorted by their rendered form so that templates diff cleanly.
 *
 * A resource is left out when `grantedElsewhere` (the statements that went to
 * the role's default policy, such as aws-cdk-lib's grants) already allows the
 * same actions on it, or on a broader resource we know of, under the same
 * conditions or none: the template then never holds the same permission twice.
 */
export function executionRoleStatements(
  scope: IConstruct,
  grants: ExecutionGrants,
  grantedElsewhere: readonly iam.PolicyStatement[],
): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const granted = new GrantIndex(stack, grantedElsewhere);
  const allowed = statementPlans(scope, grants).flatMap(plan => {
    const missing = plan.targets.filter(target => !granted.covers(plan.actions, target, plan.conditions));
    const resources = uniqueSorted(stack, missing.map(target => target.arn));
    return resources.length === 0 ? [] : [new iam.PolicyStatement({
      sid: plan.sid,
      actions: [...plan.actions],
      resources,
      conditions: plan.conditions,
    })];
  });
  return [...allowed, ...imagePullDenials(grants.pullConditions)];
}

/**
 * A `Deny` of the pull actions for each key of the image pull condition, so that
 * the limit holds against every other grant on the role (`AmazonEC2ContainerRegistryReadOnly`,
 * `ecr:*`, a repository's `grantPull()`): an explicit deny wins over any allow.
 *
 * `StringNotEquals` without `IfExists`: a request that does not come through a VPC
 * endpoint carries neither `aws:SourceVpc` nor `aws:SourceVpce`, and a negated
 * operator matches a missing key, so such a pull is denied too. One statement per
 * key: the keys of one statement must all match for it to apply, and a pull must
 * come from an allowed VPC and through an allowed endpoint.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String
 */
function imagePullDenials(pullConditions: Conditions | undefined): iam.PolicyStatement[] {
  const keys = pullConditions?.StringEquals ?? {};
  return Object.entries(keys).map(([key, values]) => new iam.PolicyStatement({
    sid: key === 'aws:SourceVpc' ? 'DenyImagePullOutsideVpcs' : 'DenyImagePullOutsideVpcEndpoints',
    effect: iam.Effect.DENY,
    actions: ECR_PULL_ACTIONS,
    resources: ['*'],
    conditions: { StringNotEquals: { [key]: values } },
  }));
}

function statementPlans(scope: IConstruct, grants: ExecutionGrants): StatementPlan[] {
  const stack = Stack.of(scope);
  const repositories = grants.imagePullAndLogs ? grants.repositories : [];
  const logGroups = grants.imagePullAndLogs ? grants.logGroups : [];
  const secretsWithKeys = grants.secrets.filter(secret => secret.encryptionKey !== undefined);
  const secretsManagerEndpoints = uniqueSorted(stack, secretsWithKeys.map(s => serviceEndpoint('secretsmanager', s.env.region)));
  const parameterKeys = grants.parameterKeys.filter(key => !grants.kmsKeys.includes(key));
  const parameterStoreEndpoints = uniqueSorted(stack, parameterKeys.map(key => serviceEndpoint('ssm', key.env.region)));
  return [
    {
      sid: 'PullImages',
      actions: ECR_PULL_ACTIONS,
      targets: repositories.map(repository => ({ arn: repository.repositoryArn })),
      conditions: grants.pullConditions,
    },
    {
      // Called through an interface of Fargate, not of the task: it cannot carry VPC conditions.
      sid: 'GetEcrAuthorizationToken',
      actions: [ECR_AUTHORIZATION_ACTION],
      targets: repositories.length === 0 ? [] : [{ arn: '*' }],
    },
    {
      sid: 'WriteContainerLogs',
      actions: LOG_WRITE_ACTIONS,
      targets: logGroups.map(logGroup => ({ arn: logStreamsArn(stack, logGroup), coveredAlsoBy: [logGroup.logGroupArn] })),
    },
    {
      sid: 'ReadSecrets',
      actions: [SECRET_READ_ACTION],
      targets: grants.secrets.map(secret => ({ arn: secretArnForPolicies(stack, secret) })),
    },
    {
      sid: 'ReadParameters',
      actions: [PARAMETER_READ_ACTION],
      targets: grants.parameters.map(parameter => ({ arn: parameter.parameterArn })),
    },
    {
      // Secrets Manager decrypts on the role's behalf; only a customer managed key needs this.
      sid: 'DecryptSecrets',
      actions: [KMS_DECRYPT_ACTION],
      targets: secretsWithKeys.map(secret => ({ arn: secret.encryptionKey!.keyArn })),
      conditions: { StringEquals: { 'kms:ViaService': oneOrMany(secretsManagerEndpoints) } },
    },
    {
      // Parameter Store decrypts a SecureString on the role's behalf, in the key's Region.
      sid: 'DecryptParameters',
      actions: [KMS_DECRYPT_ACTION],
      targets: parameterKeys.map(key => ({ arn: key.keyArn })),
      conditions: { StringEquals: { 'kms:ViaService': oneOrMany(parameterStoreEndpoints) } },
    },
    {
      // Without conditions: such a key may serve an imported secret, a parameter that
      // references a secret, or an environment file in Amazon S3 alike.
      sid: 'DecryptWithKeys',
      actions: [KMS_DECRYPT_ACTION],
      targets: grants.kmsKeys.map(key => ({ arn: key.keyArn })),
    },
  ];
}

/**
 * The name a service calls KMS under (`kms:ViaService`): `<service>.<Region>.amazonaws.com`,
 * as the KMS Developer Guide lists it for Systems Manager and Secrets Manager, in
 * every partition. aws-cdk-lib's grants (`Secret.grantRead()`) write the same name,
 * so that a grant of theirs is recognised and not written twice.
 *
 * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
 */
function serviceEndpoint(service: string, region: string): string {
  return `${service}.${region}.amazonaws.com`;
}

/**
 * The streams of a log group, which is what `CreateLogStream` and `PutLogEvents`
 * are authorized against. (`logGroupArn` ends in `:*` already, so it cannot be extended.)
 */
function logStreamsArn(stack: Stack, logGroup: logs.ILogGroup): string {
  return stack.formatArn({
    service: 'logs',
    account: logGroup.env.account,
    region: logGroup.env.region,
    resource: 'log-group',
    resourceName: `${logGroup.logGroupName}:log-stream:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/**
 * The ARN that matches the secret in a policy, as aws-cdk-lib computes it: the full
 * ARN when it is known here, otherwise the partial ARN followed by the six random
 * characters that Secrets Manager appends.
 */
function secretArnForPolicies(stack: Stack, secret: secretsmanager.ISecret): string {
  const secretStack = Stack.of(secret);
  const sameEnvironment = secretStack.account === stack.account && secretStack.region === stack.region;
  return sameEnvironment && secret.secretFullArn ? secret.secretFullArn : `${secret.secretArn}-??????`;
}

/**
 * Whether a statement allows ECR image pull actions and nothing else, like the one
 * `repository.grantPull()` writes.
 */
export function allowsOnlyImagePull(statement: iam.PolicyStatement): boolean {
  // A NotAction statement lists no action, so it is left out too.
  return statement.effect === iam.Effect.ALLOW
    && statement.actions.length > 0
    && statement.actions.every(action => PULL_ACTIONS.has(action.toLowerCase()));
}

/**
 * The `aws:SourceVpc` / `aws:SourceVpce` condition of the image pull statement, or
 * undefined when neither list is given. Each list is checked first.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html#task-execution-ecr-conditionkeys
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpc
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
 */
export function imagePullConditions(
  where: string,
  sourceVpcs: readonly string[] | undefined,
  sourceVpcEndpoints: readonly string[] | undefined,
): Conditions | undefined {
  const keys: { [key: string]: unknown } = {};
  if (sourceVpcs !== undefined) {
    checkImagePullIds(where, 'imagePullSourceVpcs', sourceVpcs, VPC_ID);
    keys['aws:SourceVpc'] = oneOrMany([...new Set(sourceVpcs)].sort());
  }
  if (sourceVpcEndpoints !== undefined) {
    checkImagePullIds(where, 'imagePullSourceVpcEndpoints', sourceVpcEndpoints, VPC_ENDPOINT_ID);
    keys['aws:SourceVpce'] = oneOrMany([...new Set(sourceVpcEndpoints)].sort());
  }
  return Object.keys(keys).length === 0 ? undefined : { StringEquals: keys };
}

/** A name or ARN of an item given to the role that the policy names, and what it names. */
export interface NamedPart {
  /** Where it was given, such as `repositories[0].repositoryName`. */
  readonly property: string;
  readonly value: string;
  /** What it names, such as `ECR repository`, for messages. */
  readonly noun: string;
}

/**
 * The names and ARNs of what the role is given that its statements name exactly:
 * every part the statements' resources are made of (the name, the ARN, and the
 * account and Region of a log group, which its streams' ARN is made from), and the
 * key of each secret.
 */
export function namedParts(grants: Omit<ExecutionGrants, 'imagePullAndLogs'>): NamedPart[] {
  const parts = (property: string, noun: string, values: { [name: string]: string | undefined }) =>
    Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined)
      .map(([name, value]) => ({ property: `${property}.${name}`, value, noun }));
  return [
    ...grants.repositories.flatMap((r, i) => parts(`repositories[${i}]`, 'ECR repository', { repositoryName: r.repositoryName, repositoryArn: r.repositoryArn })),
    ...grants.logGroups.flatMap((l, i) => parts(`logGroups[${i}]`, 'log group', {
      'logGroupName': l.logGroupName, 'logGroupArn': l.logGroupArn.replace(/:\*$/, ''), 'env.account': l.env.account, 'env.region': l.env.region,
    })),
    ...grants.secrets.flatMap((s, i) => [
      ...parts(`secrets[${i}]`, 'secret', { secretName: s.secretName, secretArn: s.secretArn, secretFullArn: s.secretFullArn }),
      ...parts(`secrets[${i}].encryptionKey`, 'KMS key', { keyArn: s.encryptionKey?.keyArn }),
    ]),
    ...grants.parameters.flatMap((p, i) => parts(`parameters[${i}]`, 'parameter', { parameterName: p.parameterName, parameterArn: p.parameterArn })),
    ...grants.kmsKeys.flatMap((k, i) => parts(`kmsKeys[${i}]`, 'KMS key', { keyArn: k.keyArn })),
    ...grants.parameterKeys.flatMap((k, i) => parts(`parameterKeys[${i}]`, 'KMS key', { keyArn: k.keyArn })),
  ];
}

/** Values without duplicates, in the order of their rendered form (tokens included). */
function uniqueSorted(stack: Stack, values: readonly string[]): string[] {
  const byRendered = new Map<string, string>();
  for (const value of values) {
    byRendered.set(rendered(stack, value), value);
  }
  return [...byRendered.keys()].sort().map(key => byRendered.get(key)!);
}

/** A value as the template will show it, with object keys in a fixed order, for comparing. */
function rendered(stack: Stack, value: unknown): string {
  return JSON.stringify(stack.resolve(value), (_key, v) => (v !== null && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
    : v));
}

/**
 * What plain `Allow` statements already grant: action, resource and conditions, as
 * rendered. Exact matches only: a wildcard action or resource elsewhere does not
 * count, so at worst a narrower statement is written next to a broader one.
 */
class GrantIndex {
  private readonly granted = new Set<string>();

  constructor(private readonly stack: Stack, statements: readonly iam.PolicyStatement[]) {
    for (const statement of statements) {
      // A statement with NotAction or NotResource lists no action or no resource, so it adds nothing;
      // one with a principal fails aws-cdk-lib's validation of identity policies.
      if (statement.effect !== iam.Effect.ALLOW) {
        continue;
      }
      const conditions = rendered(stack, statement.conditions);
      for (const action of statement.actions) {
        for (const resource of statement.resources) {
          this.granted.add(this.key(action, rendered(stack, resource), conditions));
        }
      }
    }
  }

  /** Granted under the same conditions, or under none (conditions only narrow a grant). */
  public covers(actions: readonly string[], target: Target, conditions: Conditions | undefined): boolean {
    const acceptable = [rendered(this.stack, conditions ?? {}), rendered(this.stack, {})];
    return [target.arn, ...(target.coveredAlsoBy ?? [])].some(arn => {
      const resource = rendered(this.stack, arn);
      return acceptable.some(c => actions.every(action => this.granted.has(this.key(action, resource, c))));
    });
  }

  private key(action: string, resource: string, conditions: string): string {
    return JSON.stringify([action.toLowerCase(), resource, conditions]);
  }
}
