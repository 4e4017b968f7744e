import { Lazy, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { ASSUME_ROLE, oneOrMany } from './identity';
import { OrganizationRoles } from '../../organization-roles';
import { RoleReference } from '../../role-reference';
import { TrustCondition } from '../../rules/trust';
import { TrustMode } from '../../trust-mode';

/**
 * The trust side of a chain: who may assume a role. With `identity.ts` and
 * `execution.ts`, the one place that writes the library's policy statements.
 */

/**
 * `ecs-tasks.amazonaws.com`, limited to tasks of the given stack's account and
 * region when the confused-deputy guard is on.
 *
 * ECS sends `aws:SourceAccount` and `aws:SourceArn` (the task's ARN) when it
 * assumes a task role; the task IAM role page gives this trust policy.
 *
 * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceaccount
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcearn
 */
export function ecsTasksPrincipal(stack: Stack, confusedDeputyGuard: boolean): iam.IPrincipal {
  const principal = new iam.ServicePrincipal('ecs-tasks.amazonaws.com');
  if (!confusedDeputyGuard) {
    return principal;
  }
  return principal.withConditions({
    ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:ecs:${stack.region}:${stack.account}:*` },
    StringEquals: { 'aws:SourceAccount': stack.account },
  });
}

/**
 * A statement of a trust policy the library keeps adding to (principals, ARNs,
 * conditions) until synthesis. `iam.PolicyDocument` freezes its statements each
 * time it is resolved, and anything can resolve it early (an Aspect, a check): a
 * frozen statement refuses additions with aws-cdk-lib's own error, so a role added
 * later would break the chain. This one stays open; additions after synthesis are
 * refused by the constructs themselves, with the reason.
 */
class OpenPolicyStatement extends iam.PolicyStatement {
  public freeze(): iam.PolicyStatement {
    return this;
  }
}

/**
 * The trust statement of a destination for roles of an organization: any
 * principal, but only one of the organization (and its units) whose ARN matches
 * the pattern.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
 */
function organizationTrustStatement(roles: OrganizationRoles): iam.PolicyStatement {
  const statement = new OpenPolicyStatement({
    actions: [ASSUME_ROLE],
    principals: [new iam.AnyPrincipal()],
    conditions: {
      StringEquals: { 'aws:PrincipalOrgID': roles.organizationId },
      ArnLike: { 'aws:PrincipalArn': roles.roleArnPattern },
    },
  });
  if (roles.organizationalUnitPaths.length > 0) {
    statement.addCondition('ForAnyValue:StringLike', { 'aws:PrincipalOrgPaths': roles.organizationalUnitPaths });
  }
  return statement;
}

/** What every caller of a destination must match, and how the destination names the roles it trusts. */
export interface DestinationTrustOptions {
  readonly trustMode: TrustMode;
  /** `sts:AssumeRole` and the session actions the destination allows. */
  readonly actions: string[];
  /** The external IDs a caller may send, one of them; none when none is required. */
  readonly externalIds: readonly string[];
  readonly roleSessionNamePattern?: string;
}

/**
 * The trust policy of a destination role: one statement for the roles it trusts
 * by name (their ARNs as principals, or their accounts limited by `aws:PrincipalArn`),
 * one per organization pattern, and on each what every caller must match (external
 * IDs, session name pattern, conditions added by hand).
 *
 * The role is created with `principal`, which holds the role's trust document;
 * statements are added to it as roles are trusted, and only once they have a principal.
 */
export class DestinationTrust {
  /** The principal to create the role with (`assumedBy`). */
  public readonly principal = new TrustDocument();
  private readonly namedRolesStatement: iam.PolicyStatement;
  private readonly arns = new Set<string>();
  private readonly accountRoots = new Set<string>();
  /** Conditions added with `addConditions()`, put on every trust statement, also those written later. */
  private readonly extraConditions: { [operator: string]: { [key: string]: unknown } } = {};
  /** Every trust statement written, so that added conditions reach them all. */
  private readonly statements: iam.PolicyStatement[] = [];

  constructor(private readonly options: DestinationTrustOptions) {
    this.namedRolesStatement = this.withCallerConditions(new OpenPolicyStatement({ actions: options.actions }));
  }

  /** The conditions added so far, by operator and key. */
  public get addedConditions(): { readonly [operator: string]: { readonly [key: string]: unknown } } {
    return this.extraConditions;
  }

  /** Trusts one more role by name (the caller names each once). */
  public addTrustedRole(role: RoleReference): void {
    const statement = this.namedRolesStatement;
    // Stryker disable next-line ConditionalExpression: the document drops a statement added twice, and the condition is the same Lazy
    if (this.arns.size === 0) {
      this.principal.add(statement);
      if (this.options.trustMode === TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN) {
        // One condition whose values are read each time the trust is resolved, rather than rewritten on every add:
        // not cached, so that a role added after an early resolution (an Aspect) is in it. StringEquals,
        // not ArnEquals: IAM reads * and ? as wildcards in ArnEquals too, and these ARNs are exact.
        statement.addCondition('StringEquals', {
          'aws:PrincipalArn': Lazy.uncachedAny({ produce: () => oneOrMany([...this.arns]) }),
        });
      }
    }
    this.arns.add(role.roleArn);
    if (this.options.trustMode === TrustMode.ROLE_ARN) {
      statement.addPrincipals(new iam.ArnPrincipal(role.roleArn));
    } else if (!this.accountRoots.has(role.accountRootArn)) {
      this.accountRoots.add(role.accountRootArn);
      statement.addPrincipals(new iam.ArnPrincipal(role.accountRootArn));
    }
  }

  /** Trusts the roles of an organization pattern (the caller names each once). */
  public addOrganizationRoles(roles: OrganizationRoles): void {
    const statement = organizationTrustStatement(roles);
    statement.addActions(...this.options.actions);
    this.principal.add(this.withCallerConditions(statement));
  }

  /** Adds conditions, checked by the caller, to every trust statement, now and later. */
  public addConditions(conditions: readonly TrustCondition[]): void {
    for (const { operator, key, value } of conditions) {
      this.extraConditions[operator] = { ...this.extraConditions[operator], [key]: value };
      this.statements.forEach(statement => statement.addCondition(operator, { [key]: value }));
    }
  }

  /**
   * Puts on a trust statement what every caller must match: the external IDs,
   * the session name pattern and the conditions added with `addConditions()`.
   */
  private withCallerConditions(statement: iam.PolicyStatement): iam.PolicyStatement {
    if (this.options.externalIds.length > 0) {
      statement.addCondition('StringEquals', { 'sts:ExternalId': oneOrMany(this.options.externalIds) });
    }
    if (this.options.roleSessionNamePattern !== undefined) {
      statement.addCondition('StringLike', { 'sts:RoleSessionName': this.options.roleSessionNamePattern });
    }
    for (const [operator, keys] of Object.entries(this.extraConditions)) {
      statement.addCondition(operator, keys);
    }
    this.statements.push(statement);
    return statement;
  }
}

/**
 * The principal a destination role is created with, which only keeps hold of the
 * role's trust document, so that statements can be added to it as trusted roles
 * are added, and only once they have a principal.
 */
class TrustDocument extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  public readonly assumeRoleAction = ASSUME_ROLE;
  private document?: iam.PolicyDocument;

  // Stryker disable next-line BlockStatement: required by PrincipalBase; iam.Role reads only the trust document of this principal
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({});
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
  }

  public add(statement: iam.PolicyStatement): void {
    this.document!.addStatements(statement);
  }

  // Stryker disable next-line BlockStatement: required by PrincipalBase; only statements that name a principal read it
  public dedupeString(): string | undefined {
    return undefined;
  }
}
