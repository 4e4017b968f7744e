import { IResolveContext, Token, Tokenization, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * `iam.Role.customizeRoles()` replaces each role by a stand-in that names a role
 * created outside the app, and lists what the role needs in the policy report
 * (`iam-policy-report.txt` / `.json` in the cloud assembly). These helpers let
 * the roles of this library do the same as `iam.Role`.
 *
 * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_iam-readme.html#customizing-role-creation
 */

/** Where aws-cdk-lib keeps the `customizeRoles` settings, in the construct context. */
const CUSTOMIZE_ROLES_CONTEXT = '@aws-cdk/iam:customizeRoles';

/**
 * Whether `iam.Role.customizeRoles()` is in effect at `scope` and keeps roles out of
 * the templates (its `preventSynthesis`, true by default).
 */
export function customizeRolesPreventsSynthesis(scope: IConstruct): boolean {
  const settings = scope.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT);
  return settings !== undefined && settings !== null && settings.preventSynthesis !== false;
}

/** The context without the `customizeRoles` settings, for an app whose roles are not the app's own. */
export function withoutCustomizeRoles(context: { [key: string]: unknown }): { [key: string]: unknown } {
  return { ...context, [CUSTOMIZE_ROLES_CONTEXT]: undefined };
}

/** The name of the precreated role that will stand in for the role at `path`, if one was given. */
export function precreatedRoleName(scope: IConstruct, path: string): string | undefined {
  const name = scope.node.tryGetContext(CUSTOMIZE_ROLES_CONTEXT)?.usePrecreatedRoles?.[path];
  return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
}

/** The stand-in of a role under `customizeRoles`, or undefined when the role is created as usual. */
function standInOf(role: iam.Role): iam.IRole | undefined {
  // aws-cdk-lib adds the stand-in (an imported role) as this child of the role, and no other child of that id.
  return role.node.tryFindChild(`PrecreatedRole${role.node.id}`) as iam.IRole | undefined;
}

/**
 * Lists the given statements in the policy report, once, when the role has a
 * stand-in: statements the role writes itself rather than through its default policy.
 */
export function reportIdentityStatements(role: iam.Role, statements: () => iam.PolicyStatement[]): void {
  let reported = false;
  role.node.addValidation({
    validate: () => {
      const standIn = standInOf(role);
      if (standIn && !reported) {
        reported = true;
        statements().forEach(statement => standIn.addToPrincipalPolicy(statement));
      }
      return [];
    },
  });
}

/**
 * The stand-in copies the trust policy when it is created, before this library
 * adds trusted roles to it: write the finished trust policy into the report.
 * Silent when the report is not where aws-cdk-lib 2 keeps it.
 */
export function reportTrust(role: iam.Role): void {
  role.node.addValidation({
    validate: () => {
      const standIn = standInOf(role) as any;
      // Stryker disable next-line OptionalChaining: every stand-in of aws-cdk-lib 2 has a policy synthesizer with a role report; the chain keeps other versions silent
      const entry = standIn && standIn.policySynthesizer?.roleReport?.[role.node.path];
      if (entry) {
        // Stryker disable next-line OptionalChaining: an iam.Role always has a trust policy (assumedBy is required)
        const trust = role.assumeRolePolicy?.toJSON();
        // Left with its tokens, which the report renders readably ("arn:(PARTITION):...").
        entry.assumeRolePolicy = produced(role, trust?.Statement);
      }
      return [];
    },
  });
}

/** The `CfnRole` of a role, or undefined under `customizeRoles` with synthesis prevented. */
export function cfnRoleOf(role: iam.Role): iam.CfnRole | undefined {
  const child = role.node.defaultChild;
  // Stryker disable next-line ConditionalExpression: the default child of an iam.Role is its CfnRole, or none under customizeRoles
  return child instanceof iam.CfnRole ? child : undefined;
}

/**
 * The value with each object token (a `Lazy.any` condition value) replaced by what
 * it produces, so that the report's renderer, which reads string tokens, can read it.
 */
function produced(scope: IConstruct, value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(v => produced(scope, v));
  }
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Tokenization.isResolvable(value)) {
    // Stryker disable BooleanLiteral,ArrayDeclaration,ArrowFunction: the tokens of a trust policy read no more of the context than its scope (a reference, to find the stack that reads it)
    const context: IResolveContext = {
      scope,
      preparing: false,
      documentPath: [],
      resolve: x => x,
      registerPostProcessor: () => undefined,
    };
    // Stryker restore BooleanLiteral,ArrayDeclaration,ArrowFunction
    return produced(scope, value.resolve(context));
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, produced(scope, v)]));
}
