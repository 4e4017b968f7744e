import { mkdirSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, Lazy, LegacyStackSynthesizer, Names, Stack, Stage, Token, aws_cloudformation as cloudformation } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { partitionErrors } from './private/chain/partitions';
import { chainEndOf } from './private/chain/registry';
import { customizeRolesPreventsSynthesis, withoutCustomizeRoles } from './private/checks/precreated';
import { foreignPolicies, repeatMessage } from './private/checks/stack-set-template';
import { RoleReference } from './role-reference';
import { REGION } from './rules/identifiers';
import { check } from './rules/rule';
import { ORGANIZATIONAL_UNIT_ID, ORGANIZATIONAL_UNIT_IDS, STACK_SET_NAME, percentage } from './rules/stack-sets';
import { BOOLEAN, enumOf } from './rules/values';
import { TrustedDestinationRole, TrustedDestinationRoleProps } from './trusted-destination-role';

/**
 * Which account the StackSet is managed from.
 */
export enum StackSetCallAs {
  /** The organization's management account. */
  SELF = 'SELF',
  /** A member account registered as a delegated administrator for StackSets. */
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

/**
 * Properties of a `DestinationRoleStackSet`.
 */
export interface DestinationRoleStackSetProps {
  /**
   * The role to create in every target account. `roleName` is required: the
   * sources name the role by it in every account.
   */
  readonly destinationRole: TrustedDestinationRoleProps;

  /**
   * The organizational units (`ou-...`) or the root (`r-...`) whose accounts get
   * the role, now and, with `autoDeployment`, when they join later.
   */
  readonly organizationalUnitIds: string[];

  /**
   * The Region the stack instances are created in. IAM is global, so one Region
   * is enough; it must be enabled in every target account.
   *
   * @default - the Region of the stack this construct is in
   */
  readonly region?: string;

  /**
   * The StackSet's name, unique in the managing account and Region: 1 to 128
   * letters, digits and hyphens, starting with a letter.
   *
   * @default - a name made from the construct path
   */
  readonly stackSetName?: string;

  /**
   * Whether accounts that join the organizational units later get the role
   * automatically, and lose it when they leave.
   *
   * @default true
   */
  readonly autoDeployment?: boolean;

  /**
   * The share of target accounts deployed at the same time, from 1 to 100.
   *
   * @default 25
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-concepts.html#stackset-ops-options
   */
  readonly maxConcurrentPercentage?: number;

  /**
   * The share of target accounts in which the deployment may fail before the
   * operation stops, from 0 to 100. With 0, one account where the role cannot be
   * created (for example because a role of that name exists) stops the operation.
   *
   * @default 0
   */
  readonly failureTolerancePercentage?: number;

  /**
   * Which account the StackSet is managed from.
   *
   * @default StackSetCallAs.SELF
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-orgs-delegated-admin.html
   */
  readonly callAs?: StackSetCallAs;
}

/** CloudFormation's limit for a template given inline. */
const MAX_TEMPLATE_BODY_BYTES = 51200;
/** @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html */

/**
 * A `TrustedDestinationRole` in every account of some organizational units,
 * deployed by AWS CloudFormation StackSets with service-managed permissions.
 * Service-managed StackSets do not deploy to the organization's management
 * account, even when the root is targeted.
 *
 * The role's template is synthesized from a `TrustedDestinationRole` in a stack of
 * its own and given to the StackSet inline, so no asset bucket is needed in the
 * target accounts. Add permissions to `destinationRole` as to any role, with
 * policies that do not refer to resources of other stacks. That stack has this
 * construct's context (feature flags; a permissions boundary of
 * `@aws-cdk/core:permissionsBoundary` names the policy in each target account) and
 * the Aspects that apply to this construct (`iam.PermissionsBoundary.of(app)`,
 * `Tags.of(app)`, ...). Under `iam.Role.customizeRoles()`, which keeps roles out
 * of the app's templates, the construct is refused.
 *
 * The role's warnings are repeated on the StackSet resource (`<path>/Resource`),
 * where `cdk synth --strict` sees them and where they can be acknowledged (on this
 * construct or above); its errors fail the synthesis. A managed policy or
 * permissions boundary whose ARN names an account (one imported in the management
 * stack names the management account) is refused: import it with
 * `destinationRole` as scope, so that its ARN names each target account.
 *
 * @example
 * declare const managementStack: Stack;
 *
 * const stackSet = new DestinationRoleStackSet(managementStack, 'ReportsReader', {
 *   destinationRole: {
 *     roleName: 'reports-reader',
 *     trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role' })],
 *     trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
 *   },
 *   organizationalUnitIds: ['ou-ab12-11111111'],
 * });
 * stackSet.destinationRole.addToPrincipalPolicy(new iam.PolicyStatement({
 *   actions: ['s3:ListAllMyBuckets'],
 *   resources: ['*'],
 * }));
 */
export class DestinationRoleStackSet extends Construct {
  /** The role as it is created in each account; add its permissions here. */
  public readonly destinationRole: TrustedDestinationRole;

  /** The StackSet resource. */
  public readonly stackSet: cloudformation.CfnStackSet;

  private readonly roleName: string;
  private readonly rolePath: string;
  private readonly templateStack: Stack;
  private rendered?: RenderedTemplate;

  constructor(scope: Construct, id: string, props: DestinationRoleStackSetProps) {
    super(scope, id);
    const roleName = props.destinationRole.roleName;
    if (roleName === undefined || Token.isUnresolved(roleName)) {
      throw new Error(`${this.node.path}: destinationRole.roleName is ${roleName === undefined ? 'missing' : `the token ${roleName}`}: `
        + 'a StackSet creates the role in many accounts, and sources name it there by a literal name: give one');
    }
    check(this.node.path, 'organizationalUnitIds', props.organizationalUnitIds, ORGANIZATIONAL_UNIT_IDS);
    for (const ou of props.organizationalUnitIds) {
      check(this.node.path, 'organizationalUnitIds', ou, ORGANIZATIONAL_UNIT_ID);
    }
    check(this.node.path, 'maxConcurrentPercentage', props.maxConcurrentPercentage, percentage(1));
    check(this.node.path, 'failureTolerancePercentage', props.failureTolerancePercentage, percentage(0));
    check(this.node.path, 'region', props.region, REGION);
    check(this.node.path, 'autoDeployment', props.autoDeployment, BOOLEAN);
    check(this.node.path, 'callAs', props.callAs, enumOf(StackSetCallAs, 'StackSetCallAs'));
    this.roleName = roleName;
    this.rolePath = props.destinationRole.path ?? '/';
    if (customizeRolesPreventsSynthesis(this)) {
      throw new Error(`${this.node.path}: iam.Role.customizeRoles() is in effect here: this app's templates create no role, `
        + 'the roles are created outside it, but a DestinationRoleStackSet has StackSets create the role '
        + `${this.rolePath}${roleName} in every target account. Create that role in each account as the precreated roles are, `
        + 'build the StackSet in an app without customizeRoles, or call customizeRoles with preventSynthesis: false');
    }

    // The template lives in an app of its own: the StackSet deploys it to accounts
    // that are not known here, so it must not refer to this app's stacks. Its own
    // output directory keeps it out of the cloud assembly the CLI is writing; the
    // directory exists only while that app synthesizes (see render()).
    // It gets the context of this construct (feature flags, the permissions boundary of
    // @aws-cdk/core:permissionsBoundary, which it applies with its own account, each target
    // account's), after the CLI's; the customizeRoles settings name roles of this app only.
    const outdir = mkdtempSync(join(tmpdir(), 'destination-role-stack-set-'));
    const templateApp = new App({
      outdir,
      autoSynth: false,
      analyticsReporting: false,
      postCliContext: withoutCustomizeRoles(this.node.getAllContext()),
    });
    rmSync(outdir, { recursive: true, force: true });
    this.templateStack = new Stack(templateApp, 'DestinationRole', { synthesizer: new LegacyStackSynthesizer() });
    try {
      this.destinationRole = new TrustedDestinationRole(this.templateStack, 'Role', props.destinationRole);
    } catch (error) {
      // Said under this construct's path, as the role's messages at synth are: the role's own path is in its app.
      const message = (error as Error).message;
      const rolePath = `${this.templateStack.node.id}/Role`;
      throw new Error(`${this.node.path}: destinationRole (${rolePath}): ${message.startsWith(`${rolePath}: `) ? message.slice(rolePath.length + 2) : message}`);
    }

    const autoDeployment = props.autoDeployment ?? true;
    const region = props.region ?? Stack.of(this).region;
    // A name made from the path is one: it starts with the stack's name, which starts with a letter.
    check(this.node.path, 'stackSetName', props.stackSetName, STACK_SET_NAME);
    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName: props.stackSetName ?? Names.uniqueResourceName(this, { maxLength: 128, separator: '-' }),
      description: `Role ${this.rolePath}${roleName}, trusted by roles of other accounts`,
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      capabilities: ['CAPABILITY_NAMED_IAM'],
      autoDeployment: { enabled: autoDeployment, retainStacksOnAccountRemoval: autoDeployment ? false : undefined },
      managedExecution: { Active: true },
      operationPreferences: {
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        failureTolerancePercentage: props.failureTolerancePercentage ?? 0,
        regionConcurrencyType: 'PARALLEL',
      },
      stackInstancesGroup: [{
        deploymentTargets: { organizationalUnitIds: props.organizationalUnitIds },
        regions: [region],
      }],
      templateBody: Lazy.string({ produce: () => this.templateBody() }),
    });
    // The role's own checks run in its app: their errors fail this app's synthesis,
    // and their warnings are repeated in this app, where `--strict` and acknowledgements see them.
    this.node.addValidation({ validate: () => this.render().errors });
    // The role's stack has no Region, so the role cannot check partitions itself:
    // the stack instances are created in this Region, in its partition.
    this.node.addValidation({
      validate: () => partitionErrors(this.node.path, region, {
        roles: chainEndOf(this.destinationRole)!.namedRoles,
        organizationRoles: chainEndOf(this.destinationRole)!.namedOrganizationRoles,
      }, { roles: 'destinationRole.trustedRoles', organizationRoles: 'destinationRole.trustedOrganizationRoles' }),
    });
  }

  /**
   * The role in one target account, for a source's `destinationRoles`.
   */
  public referenceIn(account: string): RoleReference {
    return RoleReference.of({ account, roleName: this.roleName, path: this.rolePath });
  }

  /** The template body, or an error when the role's template has errors. */
  private templateBody(): string {
    const { body, errors } = this.render();
    if (errors.length > 0) {
      throw new Error(`${this.node.path}: ${errors.join('; ')}`);
    }
    return body!;
  }

  /**
   * The template the StackSet deploys to each account, synthesized once, when the
   * app is, so that permissions added after construction are in it. Its messages
   * are repeated on this construct.
   */
  private render(): RenderedTemplate {
    // Stryker disable next-line ConditionalExpression: rendering again gives the same result: the role's app returns its cached assembly and Annotations drops repeated messages
    if (this.rendered !== undefined) {
      return this.rendered;
    }
    const app = this.templateStack.node.root as App;
    carryAspects(this, this.templateStack);
    const errors: string[] = [];
    let body: string | undefined;
    let created = false;
    try {
      mkdirSync(app.outdir, { mode: 0o700 });
      created = true;
      const artifact = app.synth().getStackByName(this.templateStack.stackName);
      for (const message of artifact.messages) {
        // Stryker disable next-line Regex: a message's id is a construct path with exactly one leading slash, so the anchor and the + change nothing
        const text = `destinationRole (${message.id.replace(/^\/+/, '')}): ${message.entry.data}`;
        if (message.level === 'error') {
          errors.push(text);
        } else {
          // On the resource, below this construct: an acknowledgement made on this construct
          // (or above) before synthesis applies to messages of its children only.
          repeatMessage(this.stackSet, message.level, text);
        }
      }
      errors.push(...foreignPolicies(artifact.template));
      body = JSON.stringify(artifact.template);
    } catch (error) {
      // The role's validations (quotas, for example) throw here; so does a value of another app.
      errors.push(created
        ? `the role's template cannot be synthesized: ${(error as Error).message}`
        : `the role's template cannot be synthesized: its temporary directory ${app.outdir} cannot be created `
          + `(${(error as Error).message}); check that the temporary directory (TMPDIR) is writable`);
    } finally {
      if (created) {
        rmSync(app.outdir, { recursive: true, force: true });
      }
    }
    if (body !== undefined) {
      const bytes = Buffer.byteLength(body, 'utf-8');
      if (bytes > MAX_TEMPLATE_BODY_BYTES) {
        errors.push(`the role's template is ${bytes.toLocaleString('en-US')} bytes, over the `
          + `${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes CloudFormation accepts inline: trust roles by organization pattern`);
      }
    }
    this.rendered = { body, errors };
    return this.rendered;
  }
}

/**
 * Gives the role's app the Aspects that apply to `construct` in its own app (those
 * of its Stage and below it), in the same order: `PermissionsBoundary.of(app)`,
 * `Tags.of(app)`, or any other, reach the role deployed to every account as they
 * would reach a role of this app. The Aspects above the construct's stack go on
 * the role's app, the others on its stack, after the stack's own.
 *
 * A stack with a boundary in its context (`@aws-cdk/core:permissionsBoundary`)
 * applies it with an Aspect of its own, made with this stack's account: the role's
 * stack has the same context and applies it with each target account instead.
 */
function carryAspects(construct: IConstruct, templateStack: Stack): void {
  const scopes = construct.node.scopes;
  const stage = Stage.of(construct);
  const ownStack = Stack.of(construct);
  const stackIndex = scopes.indexOf(ownStack);
  scopes.forEach((scope, index) => {
    if (stage !== undefined && index < scopes.indexOf(stage)) {
      // Aspects do not cross into a nested Stage.
      return;
    }
    const applications = Aspects.of(scope).applied;
    // The stack adds it in its constructor, before any other, as an object of its own.
    const stacksOwn = Stack.isStack(scope) && hasBoundaryContext(scope) && applications.length > 0
      && Object.getPrototypeOf(applications[0].aspect) === Object.prototype
      ? applications[0] : undefined;
    const target = index < stackIndex ? templateStack.node.root : templateStack;
    for (const application of applications.filter(a => a !== stacksOwn)) {
      Aspects.of(target).add(application.aspect, { priority: application.priority });
    }
  });
}

/** Whether a stack was made with a permissions boundary in its context, which it applies with an Aspect of its own. */
function hasBoundaryContext(stack: Stack): boolean {
  const boundary = stack.node.tryGetContext('@aws-cdk/core:permissionsBoundary');
  return Boolean(boundary?.arn || boundary?.name);
}

interface RenderedTemplate {
  readonly body?: string;
  readonly errors: string[];
}
