import {
  Stack,
  aws_ecr as ecr,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { markSynthesis, refuseAfterSynthesis } from './private/checks/after-synthesis';
import { addResolvedValueChecks, deferred } from './private/checks/cfn-literals';
import { refusePolicyNameClash } from './private/checks/policy-names';
import { cfnRoleOf, reportIdentityStatements } from './private/checks/precreated';
import { addQuotaChecks } from './private/checks/quotas';
import { addEcsTrustGuardCheck, addWholeAccountTrustCheck } from './private/checks/trust-principals';
import { addImagePullLimitCheck } from './private/checks/warnings';
import {
  Conditions,
  allowsOnlyImagePull,
  ExecutionGrants,
  executionRoleStatements,
  imagePullConditions,
  namedParts,
} from './private/policy/execution';
import { OptionalPolicy } from './private/policy/optional-policy';
import { ecsTasksPrincipal } from './private/policy/trust';
import { commonRoleProps, pathOf, refuseAssumeRoleGrant } from './private/role-setup';
import { CrossAccountRoleOptions } from './role-options';
import { exactResourceName } from './rules/resources';
import { check, invalid } from './rules/rule';
import { BOOLEAN, enumOf } from './rules/values';

const TASK_EXECUTION_ROLE = Symbol.for('cdk-cross-account-task-roles.TaskExecutionRole');
const INLINE_POLICY_NAME = 'TaskExecution';
const AWS_MANAGED_POLICY_NAME = 'service-role/AmazonECSTaskExecutionRolePolicy';

/**
 * Where the permissions to pull images and write container logs come from.
 */
export enum ExecutionRolePolicy {
  /**
   * Inline statements that allow pulling from exactly the given ECR repositories
   * and writing to exactly the given log groups, and nothing when none are given.
   */
  LEAST_PRIVILEGE = 'LEAST_PRIVILEGE',

  /**
   * The AWS managed policy `AmazonECSTaskExecutionRolePolicy`, which allows pulling
   * from every ECR repository and writing to every log group of the account, and
   * which AWS extends when ECS gains features. Repositories and log groups given to
   * the role add nothing; secrets, parameters and keys still get inline statements.
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/security-iam-awsmanpol.html#security-iam-awsmanpol-AmazonECSTaskExecutionRolePolicy
   */
  AWS_MANAGED = 'AWS_MANAGED',
}

/**
 * Properties of a `TaskExecutionRole`.
 */
export interface TaskExecutionRoleProps extends CrossAccountRoleOptions {
  /**
   * Whether the trust of `ecs-tasks.amazonaws.com` carries the conditions AWS
   * recommends against the cross-service confused deputy: `aws:SourceAccount` =
   * this stack's account and `ArnLike aws:SourceArn` =
   * `arn:<partition>:ecs:<region>:<account>:*`, so that ECS assumes the role only
   * for tasks of this account and Region.
   *
   * Off by default, unlike the task role's guard: the ECS task IAM role page
   * documents these keys for the task role, but no AWS document says that ECS
   * sends them when it assumes the task execution role, and a condition on a key
   * that is not sent denies the request, so tasks would fail to start ("ECS was
   * unable to assume the role"). Turn it on once you have checked that tasks
   * using this role start with it.
   *
   * Who may give the role to a task is decided by `iam:PassRole`, which only a
   * principal of the role's own account can be allowed: a role cannot be passed
   * to a service in another account. The conditions are the check on the service
   * side; they do not limit which principals of this account may pass the role.
   *
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html#cross-service-confused-deputy-prevention
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html
   */
  readonly confusedDeputyGuard?: boolean;

  /**
   * Where the permissions to pull images and write logs come from.
   *
   * @default ExecutionRolePolicy.LEAST_PRIVILEGE
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html
   */
  readonly executionRolePolicy?: ExecutionRolePolicy;

  /**
   * The ECR repositories that tasks pull their images from. More can be added
   * with `addRepository()`. `ecs.ContainerImage.fromEcrRepository()` grants its
   * repository by itself; listing it here too writes nothing twice.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/ECR_on_ECS.html
   */
  readonly repositories?: ecr.IRepository[];

  /**
   * The log groups that the `awslogs` log driver writes to. More can be added
   * with `addLogGroup()`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
   */
  readonly logGroups?: logs.ILogGroup[];

  /**
   * The Secrets Manager secret that holds the user name and password of a
   * private registry (`repositoryCredentials` of a container). Its customer
   * managed key, if it has one, may decrypt it through Secrets Manager.
   *
   * @default - no private registry
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html
   */
  readonly registryCredentials?: secretsmanager.ISecret;

  /**
   * Secrets Manager secrets that containers receive as ECS secrets. Their
   * customer managed keys, if any, may decrypt them through Secrets Manager.
   * More can be added with `addSecret()`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-secrets-manager.html
   */
  readonly secrets?: secretsmanager.ISecret[];

  /**
   * Systems Manager parameters that containers receive as ECS secrets. A
   * parameter that references a Secrets Manager secret needs that secret in
   * `secrets` too; a SecureString under a customer managed key needs the key in
   * `parameterKeys`. More can be added with `addParameter()`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
   */
  readonly parameters?: ssm.IParameter[];

  /**
   * Customer managed KMS keys that the role may decrypt with (`kms:Decrypt`),
   * however the request reaches KMS: for the key of a secret imported without
   * its `encryptionKey`, of a `/aws/reference/secretsmanager/...` parameter, or
   * of environment files in Amazon S3. Keys of the given secrets are added by
   * themselves, limited to Secrets Manager; prefer `parameterKeys` for the keys
   * of SecureString parameters. More can be added with `addKmsKey()`.
   *
   * @default - none besides the keys of the given secrets
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html#task-execution-secrets
   */
  readonly kmsKeys?: kms.IKey[];

  /**
   * Customer managed KMS keys of SecureString parameters, that the role may
   * decrypt with through Parameter Store only: `kms:ViaService` is
   * `ssm.<key's Region>.amazonaws.com`, the name the KMS Developer Guide lists
   * for Systems Manager. A key that also serves anything else (a secret imported
   * without its key, an environment file) belongs in `kmsKeys`. More can be added
   * with `addParameterKey()`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/secrets-envvar-ssm-paramstore.html
   */
  readonly parameterKeys?: kms.IKey[];

  /**
   * Image pulls are allowed only from these VPCs (`aws:SourceVpc`), that is,
   * through the `com.amazonaws.<region>.ecr.dkr` interface endpoint in one of them.
   *
   * The role's `TaskExecution` policy then denies the pull actions
   * (`ecr:BatchCheckLayerAvailability`, `ecr:GetDownloadUrlForLayer`,
   * `ecr:BatchGetImage`) with `StringNotEquals` on the key: an explicit deny, so
   * the limit holds against every other grant on the role, such as
   * `AmazonEC2ContainerRegistryReadOnly` or an `ecr:*` statement. A pull that
   * does not come through a VPC endpoint carries no such key and is denied too.
   * Never applies to `ecr:GetAuthorizationToken`, which Fargate calls through its
   * own network interface, not the task's. Image layers are then downloaded from
   * Amazon S3, which a private subnet reaches through the S3 gateway endpoint;
   * that download is not authorized by this role. Only for Fargate tasks: on EC2
   * instances and external instances the container agent pulls over the
   * instance's network, so every pull would be denied; a task definition that is
   * not Fargate-only and uses this role gets the warning
   * `cdk-cross-account-task-roles:imagePullLimitNotFargate`. Not with
   * `ExecutionRolePolicy.AWS_MANAGED`.
   *
   * @default - image pulls are allowed from anywhere
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html#task-execution-ecr-conditionkeys
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
   */
  readonly imagePullSourceVpcs?: string[];

  /**
   * Image pulls are allowed only through these VPC endpoints (`aws:SourceVpce`):
   * the IDs (`vpce-...`) of `com.amazonaws.<region>.ecr.dkr` interface endpoints,
   * which receive the pull calls. Not the `ecr.api` endpoint (it serves
   * `ecr:GetAuthorizationToken`, which cannot be limited) nor the S3 gateway
   * endpoint (image layers, downloaded from Amazon S3 by a URL that ECR signs).
   * Works like `imagePullSourceVpcs`, with a deny of its own; when both are
   * given, a pull must match both.
   *
   * @default - image pulls are allowed through any VPC endpoint, or none
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_execution_IAM_role.html#task-execution-ecr-conditionkeys
   * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html
   */
  readonly imagePullSourceVpcEndpoints?: string[];
}

/**
 * An ECS task execution role: the role the ECS agent uses to pull images, write
 * container logs and fetch secrets before the task's own code runs.
 *
 * It is trusted by `ecs-tasks.amazonaws.com`; limit that to tasks of its own
 * account and region with `confusedDeputyGuard: true`. By default it allows exactly what it is given (repositories, log groups,
 * secrets, parameters, keys) in one policy named `TaskExecution`, written at
 * synthesis so that `add*()` calls count, and left out when it would be empty.
 * Each is named exactly: a name or ARN that holds `*`, `?` or a policy variable
 * (`${...}`) is refused, literal or once resolved, since none of these services
 * allows them in a name and IAM would read them as wildcards.
 *
 * aws-cdk-lib grants what a task definition uses (`ContainerImage.fromEcrRepository`,
 * `ecs.Secret.fromSecretsManager`, `LogDrivers.awsLogs`) in the role's
 * `DefaultPolicy`. The `TaskExecution` policy leaves out every permission that is
 * already there under the same conditions, so the template never holds one twice.
 *
 * @example
 * declare const stack: Stack;
 * declare const repository: ecr.IRepository;
 * declare const databaseSecret: secretsmanager.ISecret;
 *
 * const executionRole = new TaskExecutionRole(stack, 'ExecutionRole', {
 *   repositories: [repository],
 *   secrets: [databaseSecret],
 *   imagePullSourceVpcEndpoints: ['vpce-0123456789abcdef0'],
 * });
 * const logGroup = new logs.LogGroup(stack, 'Logs');
 * executionRole.addLogGroup(logGroup);
 *
 * const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', { executionRole });
 * taskDefinition.addContainer('App', {
 *   image: ecs.ContainerImage.fromEcrRepository(repository),
 *   logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
 *   secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(databaseSecret) },
 * });
 */
export class TaskExecutionRole extends iam.Role {
  /**
   * Whether the given object is a `TaskExecutionRole`, also when it comes from
   * another copy of this library.
   */
  public static isTaskExecutionRole(x: any): x is TaskExecutionRole {
    return x !== null && typeof x === 'object' && TASK_EXECUTION_ROLE in x;
  }

  /** Where the permissions to pull images and write logs come from. */
  public readonly executionRolePolicy: ExecutionRolePolicy;

  // What was added, in order; an item added twice is listed once in the statements, which list each ARN once.
  private readonly repositories: ecr.IRepository[] = [];
  private readonly logGroups: logs.ILogGroup[] = [];
  private readonly secrets: secretsmanager.ISecret[] = [];
  private readonly parameters: ssm.IParameter[] = [];
  private readonly kmsKeys: kms.IKey[] = [];
  private readonly parameterKeys: kms.IKey[] = [];
  private readonly pullConditions?: Conditions;
  /** Statements that went to the default policy, so that ours do not repeat them. */
  // Stryker disable next-line ArrayDeclaration: an entry that is no statement grants nothing, so it leaves nothing out
  private readonly grantedElsewhere: iam.PolicyStatement[] = [];

  constructor(scope: Construct, id: string, props: TaskExecutionRoleProps = {}) {
    const where = pathOf(scope, id);
    const common = commonRoleProps(scope, id, props);
    check(where, 'confusedDeputyGuard', props.confusedDeputyGuard, BOOLEAN);
    check(where, 'executionRolePolicy', props.executionRolePolicy, enumOf(ExecutionRolePolicy, 'ExecutionRolePolicy'));
    const executionRolePolicy = props.executionRolePolicy ?? ExecutionRolePolicy.LEAST_PRIVILEGE;
    const pullConditions = imagePullConditions(where, props.imagePullSourceVpcs, props.imagePullSourceVpcEndpoints);
    if (pullConditions && executionRolePolicy === ExecutionRolePolicy.AWS_MANAGED) {
      throw invalid(where, 'executionRolePolicy', executionRolePolicy,
        'AmazonECSTaskExecutionRolePolicy allows image pulls from every repository without conditions, so '
        + 'imagePullSourceVpcs and imagePullSourceVpcEndpoints could not limit them: use ExecutionRolePolicy.LEAST_PRIVILEGE');
    }
    if (props.inlinePolicies && INLINE_POLICY_NAME in props.inlinePolicies) {
      throw invalid(where, 'inlinePolicies', INLINE_POLICY_NAME,
        `the name ${INLINE_POLICY_NAME} is taken by the policy this role writes; choose another`);
    }
    super(scope, id, {
      ...common,
      assumedBy: ecsTasksPrincipal(Stack.of(scope), props.confusedDeputyGuard ?? false),
    });
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: the brand is recognised by its presence, whatever its value
    Object.defineProperty(this, TASK_EXECUTION_ROLE, { value: true });
    this.executionRolePolicy = executionRolePolicy;
    markSynthesis(this);
    if (props.confusedDeputyGuard) {
      addEcsTrustGuardCheck(this);
    }
    // Whoever may assume the execution role gets the secrets and images it may read: a trust widened by hand is warned about too.
    addWholeAccountTrustCheck(this);
    if (executionRolePolicy === ExecutionRolePolicy.AWS_MANAGED) {
      this.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(AWS_MANAGED_POLICY_NAME));
    }
    this.pullConditions = pullConditions;
    if (pullConditions) {
      addImagePullLimitCheck(this);
    }

    // A policy resource of its own rather than the role's Policies property: aws-cdk-lib
    // puts some grants in resource policies that name the role (a key's policy, through
    // Secret.grantRead), and a role that named that key back would make a cycle.
    addQuotaChecks(this, props.iamQuotas, { trust: 'Remove statements added to this role\'s trust policy.' });
    if (cfnRoleOf(this)) {
      const policy = new OptionalPolicy(this, 'TaskExecutionPolicy', INLINE_POLICY_NAME, this, () => this.renderStatements());
      refusePolicyNameClash(this, policy, INLINE_POLICY_NAME);
    }
    reportIdentityStatements(this, () => this.renderStatements());
    // Names given as tokens are checked once resolved, as literals are when given (see refuseWildcardNames()).
    addResolvedValueChecks(this, () => this.namedParts().flatMap(part => deferred(part.property, part.value, exactResourceName(part.noun))));

    props.repositories?.forEach(repository => this.addRepository(repository));
    props.logGroups?.forEach(logGroup => this.addLogGroup(logGroup));
    if (props.registryCredentials) {
      this.addSecret(props.registryCredentials);
    }
    props.secrets?.forEach(secret => this.addSecret(secret));
    props.parameters?.forEach(parameter => this.addParameter(parameter));
    props.kmsKeys?.forEach(key => this.addKmsKey(key));
    props.parameterKeys?.forEach(key => this.addParameterKey(key));
  }

  /**
   * Allow pulling images from one more ECR repository, under the image pull
   * conditions if any. Adds nothing under `ExecutionRolePolicy.AWS_MANAGED`.
   */
  public addRepository(repository: ecr.IRepository): void {
    refuseAfterSynthesis(this, 'addRepository()');
    this.repositories.push(repository);
    this.refuseWildcardNames();
  }

  /**
   * Allow the `awslogs` log driver to create streams in one more log group and
   * write to them. Adds nothing under `ExecutionRolePolicy.AWS_MANAGED`.
   */
  public addLogGroup(logGroup: logs.ILogGroup): void {
    refuseAfterSynthesis(this, 'addLogGroup()');
    this.logGroups.push(logGroup);
    this.refuseWildcardNames();
  }

  /**
   * Allow reading one more Secrets Manager secret (an ECS secret or registry
   * credentials), and decrypting it through Secrets Manager with its customer
   * managed key if it has one.
   */
  public addSecret(secret: secretsmanager.ISecret): void {
    refuseAfterSynthesis(this, 'addSecret()');
    this.secrets.push(secret);
    this.refuseWildcardNames();
  }

  /**
   * Allow reading one more Systems Manager parameter with `ssm:GetParameters`.
   * A SecureString under a customer managed key also needs `addParameterKey()`.
   */
  public addParameter(parameter: ssm.IParameter): void {
    refuseAfterSynthesis(this, 'addParameter()');
    this.parameters.push(parameter);
    this.refuseWildcardNames();
  }

  /**
   * Allow decrypting with one more customer managed KMS key, however the
   * request reaches KMS (see `kmsKeys`).
   */
  public addKmsKey(key: kms.IKey): void {
    refuseAfterSynthesis(this, 'addKmsKey()');
    this.kmsKeys.push(key);
    this.refuseWildcardNames();
  }

  /**
   * Allow decrypting with the customer managed KMS key of a SecureString
   * parameter, through Parameter Store only (see `parameterKeys`).
   */
  public addParameterKey(key: kms.IKey): void {
    refuseAfterSynthesis(this, 'addParameterKey()');
    this.parameterKeys.push(key);
    this.refuseWildcardNames();
  }

  /**
   * Adds a statement to the role's default policy, as `iam.Role` does; the
   * grants of aws-cdk-lib arrive here.
   *
   * When image pulls are limited to VPCs or VPC endpoints, a statement that
   * allows only ECR pull actions (such as the one `repository.grantPull()` writes)
   * is added as a copy with the same condition, so that the template shows the
   * limit where the pull is allowed; the statement given is never changed. Every
   * other statement is added as it is: the deny of the `TaskExecution` policy
   * limits its pull actions anyway.
   *
   * Unlike `iam.Role`, which keeps the statement itself, the copy is made when the
   * statement is added: resources or conditions added to the given statement
   * afterwards are not in the role's policy. Finish the statement before adding
   * it, or add another one for what comes later.
   */
  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // A copy: the caller's statement may be shared with other roles or frozen.
    const added = this.pullConditions && allowsOnlyImagePull(statement) ? statement.copy() : statement;
    if (added !== statement) {
      for (const [operator, keys] of Object.entries(this.pullConditions!)) {
        added.addCondition(operator, keys);
      }
    }
    this.grantedElsewhere.push(added);
    return super.addToPrincipalPolicy(added);
  }

  /**
   * Refused: only `ecs-tasks.amazonaws.com` may assume a task execution role, and
   * a grant cannot change its trust. `iam.Role` would report success and change
   * nothing that lets the grantee in.
   */
  public grantAssumeRole(grantee: iam.IPrincipal): iam.Grant {
    throw refuseAssumeRoleGrant(this, grantee);
  }

  /**
   * Refuses a literal name or ARN with a wildcard or policy variable among what
   * the role was given: the policy would cover every resource that matches.
   */
  private refuseWildcardNames(): void {
    for (const part of this.namedParts()) {
      check(this.node.path, part.property, part.value, exactResourceName(part.noun));
    }
  }

  private namedParts() {
    return namedParts(this.executionGrants());
  }

  /**
   * The statements of the `TaskExecution` policy, worked out each time they are
   * read, so that what is added after an early resolution (an Aspect) is in them.
   */
  private renderStatements(): iam.PolicyStatement[] {
    return executionRoleStatements(this, this.executionGrants(), this.grantedElsewhere);
  }

  /** What the role was given, as the policy writer reads it. */
  private executionGrants(): ExecutionGrants {
    return {
      imagePullAndLogs: this.executionRolePolicy === ExecutionRolePolicy.LEAST_PRIVILEGE,
      repositories: this.repositories,
      logGroups: this.logGroups,
      secrets: this.secrets,
      parameters: this.parameters,
      kmsKeys: this.kmsKeys,
      parameterKeys: this.parameterKeys,
      pullConditions: this.pullConditions,
    };
  }
}
