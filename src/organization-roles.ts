import { Aws, Token } from 'aws-cdk-lib';
import { RoleReference } from './role-reference';
import { PARTITION } from './rules/identifiers';
import {
  ORGANIZATIONAL_UNIT_PATHS,
  ORGANIZATION_ID,
  ORGANIZATION_ROLE_PATTERN,
  ROLE_NAME_PATTERN,
  ROLE_PATH_PATTERN,
  organizationalUnitPath,
} from './rules/organizations';
import { check } from './rules/rule';

/**
 * Roles of an AWS Organization chosen by name pattern.
 */
export interface OrganizationRolesProps {
  /**
   * The organization's ID, such as `o-a1b2c3d4e5`.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgid
   */
  readonly organizationId: string;

  /**
   * The role name, or a pattern of names where `*` matches any characters and `?`
   * one character. It must be given and cannot be only wildcards: least privilege
   * stays explicit. As in IAM's `ArnLike`, `*` also matches `/`, so `reader-*`
   * also matches `reader-x/any-name` (a role named `any-name` with path `/reader-x/`).
   *
   * A path and name that together can match a role under `/aws-reserved/` (IAM
   * Identity Center permission sets) or `/aws-service-role/` (service-linked roles)
   * are refused, such as `*Admin*` or `a*` at path `/`, or any name under a path
   * pattern whose first segment is `*`. A part given as a CloudFormation parameter or
   * import counts as `*` there, since its deployed value may hold wildcards.
   * So are patterns that can match an administrator role that AWS services and
   * tools create in the accounts of an organization: `OrganizationAccountAccessRole`,
   * `AWSControlTowerExecution`, `aws-controltower-*`, `stacksets-exec-*`,
   * `AWSCloudFormationStackSetExecutionRole`, `AWSAFTExecution` and the AWS CDK
   * bootstrap's `cdk-*-cfn-exec-role-*` and `cdk-*-deploy-role-*` (such as `O*` or
   * `*Execution*` at path `/`).
   * Policy variables (`$`, `{`, `}`) are refused too.
   *
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN
   */
  readonly roleName: string;

  /**
   * The role path, or a pattern of paths.
   *
   * @default '/'
   */
  readonly path?: string;

  /**
   * Limit the roles further to accounts under these organizational units, as
   * paths such as `o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`; a path that ends with
   * `*` also matches the units below it. An empty list is refused: it would
   * mean the whole organization; leave the property out for that.
   *
   * @default - every account of the organization
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalorgpaths
   */
  readonly organizationalUnitPaths?: string[];

  /**
   * The partition of the organization's accounts.
   *
   * @default - the partition of the stack the pattern is used in (`AWS::Partition`)
   */
  readonly partition?: string;
}

/**
 * The roles with a given name (or name pattern) in every account of an AWS
 * Organization, or of some of its organizational units.
 *
 * Where listing role ARNs does not scale (a trust policy of 2,048 characters
 * holds about 30 of them), a destination can trust these roles
 * (`TrustedDestinationRole.addTrustedOrganizationRoles`) and a source can be
 * allowed to assume them (`CrossAccountTaskRole.addDestinationOrganizationRoles`),
 * with policies whose size does not grow with the number of accounts.
 *
 * A trust uses `aws:PrincipalOrgID` (and `aws:PrincipalOrgPaths`) with
 * `ArnLike aws:PrincipalArn`; an identity policy uses
 * `arn:<partition>:iam::*:role/<path><name>` with `aws:ResourceOrgID`
 * (and `aws:ResourceOrgPaths`).
 *
 * @example
 * const taskRoles = OrganizationRoles.of({
 *   organizationId: 'o-a1b2c3d4e5',
 *   roleName: 'my-ECS-task-role',
 *   organizationalUnitPaths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'],
 * });
 */
export class OrganizationRoles {
  /**
   * Roles of the organization chosen by name pattern. Literal values are
   * validated; unresolved tokens are used as they are.
   */
  public static of(props: OrganizationRolesProps): OrganizationRoles {
    return new OrganizationRoles(props);
  }

  /** The organization's ID. */
  public readonly organizationId: string;

  /** The role name or name pattern. */
  public readonly roleName: string;

  /** The role path or path pattern. */
  public readonly path: string;

  /** The organizational units the roles' accounts must be under; empty for the whole organization. */
  public readonly organizationalUnitPaths: string[];

  /**
   * The partition given for the roles.
   *
   * @default - none: the pattern uses the partition of the stack it is used in
   */
  public readonly partition?: string;

  private constructor(props: OrganizationRolesProps) {
    const where = 'OrganizationRoles.of';
    check(where, 'organizationId', props.organizationId, ORGANIZATION_ID);
    check(where, 'roleName', props.roleName, ROLE_NAME_PATTERN);
    check(where, 'path', props.path, ROLE_PATH_PATTERN);
    check(where, 'path + roleName', `${props.path ?? '/'}${props.roleName}`, ORGANIZATION_ROLE_PATTERN);
    check(where, 'organizationalUnitPaths', props.organizationalUnitPaths, ORGANIZATIONAL_UNIT_PATHS);
    for (const ouPath of props.organizationalUnitPaths ?? []) {
      check(where, 'organizationalUnitPaths', ouPath, organizationalUnitPath(props.organizationId));
    }
    check(where, 'partition', props.partition, PARTITION);
    this.organizationId = props.organizationId;
    this.roleName = props.roleName;
    this.path = props.path ?? '/';
    this.organizationalUnitPaths = [...new Set(props.organizationalUnitPaths ?? [])];
    this.partition = props.partition;
  }

  /**
   * Whether the role's path and name match this pattern, as `ArnLike` matches them
   * (`*` matches any characters, `/` included; `?` one character). Whether the
   * role's account is in the organization is not known at synth time and is not
   * checked. Unresolved tokens are taken to match.
   */
  public matchesName(role: RoleReference): boolean {
    const pattern = `${this.path}${this.roleName}`;
    const name = `${role.path}${role.roleName}`;
    if (Token.isUnresolved(pattern) || Token.isUnresolved(name)) {
      return true;
    }
    const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(`^${regex}$`).test(name);
  }

  /**
   * The pattern of the roles' ARNs, `arn:<partition>:iam::*:role<path><roleName>`.
   */
  public get roleArnPattern(): string {
    return `arn:${this.partition ?? Aws.PARTITION}:iam::*:role${this.path}${this.roleName}`;
  }
}
