import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Lazy, LegacyStackSynthesizer, Names, Stack, Token, aws_cloudformation as cloudformation } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { invalid, validateRegion } from './private/validation';
import { RoleReference } from './role-reference';
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
   * The StackSet's name, unique in the managing account and Region.
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
const ORGANIZATIONAL_UNIT_ID = /^(?:ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;

/**
 * A `TrustedDestinationRole` in every account of some organizational units,
 * deployed by AWS CloudFormation StackSets with service-managed permissions.
 * Service-managed StackSets do not deploy to the organization's management
 * account, even when the root is targeted.
 *
 * The role's template is synthesized from a `TrustedDestinationRole` in a stack of
 * its own and given to the StackSet inline, so no asset bucket is needed in the
 * target accounts. Add permissions to `destinationRole` as to any role, with
 * policies that do not refer to resources of other stacks.
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
  private templateBody?: string;

  constructor(scope: Construct, id: string, props: DestinationRoleStackSetProps) {
    super(scope, id);
    const roleName = props.destinationRole.roleName;
    if (roleName === undefined || Token.isUnresolved(roleName)) {
      throw new Error(`${this.node.path}: destinationRole.roleName is ${roleName === undefined ? 'missing' : `the token ${roleName}`}: `
        + 'a StackSet creates the role in many accounts, and sources name it there by a literal name: give one');
    }
    if (props.organizationalUnitIds.length === 0) {
      throw invalid(this.node.path, 'organizationalUnitIds', props.organizationalUnitIds, 'name at least one organizational unit or root');
    }
    for (const ou of props.organizationalUnitIds) {
      if (!Token.isUnresolved(ou) && !ORGANIZATIONAL_UNIT_ID.test(ou)) {
        throw invalid(this.node.path, 'organizationalUnitIds', ou,
          'an organizational unit ID is ou-<root>-<unit> such as ou-ab12-11111111, or a root ID such as r-ab12');
      }
    }
    for (const [property, value, min] of [
      ['maxConcurrentPercentage', props.maxConcurrentPercentage, 1],
      ['failureTolerancePercentage', props.failureTolerancePercentage, 0],
    ] as const) {
      if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < min || value > 100)) {
        throw invalid(this.node.path, property, value, `a percentage here is a whole number from ${min} to 100`);
      }
    }
    if (props.region !== undefined) {
      validateRegion(this.node.path, props.region);
    }
    this.roleName = roleName;
    this.rolePath = props.destinationRole.path ?? '/';

    // The template lives in an app of its own: the StackSet deploys it to accounts
    // that are not known here, so it must not refer to this app's stacks. Its own
    // output directory keeps it out of the cloud assembly the CLI is writing.
    const templateApp = new App({
      outdir: mkdtempSync(join(tmpdir(), 'destination-role-stack-set-')),
      autoSynth: false,
      analyticsReporting: false,
    });
    this.templateStack = new Stack(templateApp, 'DestinationRole', { synthesizer: new LegacyStackSynthesizer() });
    this.destinationRole = new TrustedDestinationRole(this.templateStack, 'Role', props.destinationRole);

    const autoDeployment = props.autoDeployment ?? true;
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
        regions: [props.region ?? Stack.of(this).region],
      }],
      templateBody: Lazy.string({ produce: () => this.renderTemplateBody() }),
    });
  }

  /**
   * The role in one target account, for a source's `destinationRoles`.
   */
  public referenceIn(account: string): RoleReference {
    return RoleReference.of({ account, roleName: this.roleName, path: this.rolePath });
  }

  /**
   * The template the StackSet deploys to each account, synthesized once, when the
   * app is, so that permissions added after construction are in it.
   */
  private renderTemplateBody(): string {
    if (this.templateBody === undefined) {
      const assembly = (this.templateStack.node.root as App).synth();
      const body = JSON.stringify(assembly.getStackByName(this.templateStack.stackName).template);
      const bytes = Buffer.byteLength(body, 'utf-8');
      if (bytes > MAX_TEMPLATE_BODY_BYTES) {
        throw new Error(`${this.node.path}: the role's template is ${bytes.toLocaleString('en-US')} bytes, over the `
          + `${MAX_TEMPLATE_BODY_BYTES.toLocaleString('en-US')} bytes CloudFormation accepts inline: trust roles by organization pattern`);
      }
      this.templateBody = body;
    }
    return this.templateBody;
  }
}
