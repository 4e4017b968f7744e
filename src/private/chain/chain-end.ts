import { aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { addPartitionCheck } from './partitions';
import { register, unreciprocated } from './registry';
import { OrganizationRoles } from '../../organization-roles';
import { RoleReference } from '../../role-reference';
import { ACCOUNT, PARTITION, ROLE_NAME, ROLE_PATH } from '../../rules/identifiers';
import { ORGANIZATION_ID, ORGANIZATION_ROLE_PATTERN, ROLE_NAME_PATTERN, ROLE_PATH_PATTERN, organizationalUnitPath } from '../../rules/organizations';
import { DeferredValue, addResolvedValueChecks, deferred } from '../checks/cfn-literals';
import { sameOrganizationRoles } from '../policy/identity';

/** Which end of a chain: the role that assumes (source), or the role assumed (destination). */
export type ChainSide = 'source' | 'destination';

/** The properties an end names roles in, for messages. */
export interface NamingProperties {
  readonly roles: string;
  readonly organizationRoles: string;
}

const SOURCE_PROPERTIES: NamingProperties = { roles: 'destinationRoles', organizationRoles: 'destinationOrganizationRoles' };
const DESTINATION_PROPERTIES: NamingProperties = { roles: 'trustedRoles', organizationRoles: 'trustedOrganizationRoles' };

export interface ChainEndOptions {
  /** The construct of the library that is this end: its path names it in messages, its app holds the other ends. */
  readonly construct: IConstruct;
  readonly side: ChainSide;
  /** This end's role as a reference, or undefined while its ARN is not known at synth. */
  readonly reference: () => RoleReference | undefined;
  /** The construct that creates this end's role, when it is not `construct` (the role of a `CrossAccountAccess`). */
  readonly role?: IConstruct;
  /** What a caller must send: the external IDs a destination requires, one of them. */
  readonly externalIds?: readonly string[];
}

/**
 * One end of a cross-account chain, and the one owner of what it names: the
 * destinations of a source, the trusted roles of a destination, each kept once in
 * the order they were added. The constructs hold one and write their policies from
 * it; the same-app checks find it in the app's registry.
 */
export class ChainEnd {
  public readonly construct: IConstruct;
  public readonly side: ChainSide;
  /** The construct that creates this end's role: IAM knows the role's ARN once its stack is deployed. */
  public readonly role: IConstruct;
  /** The external IDs a destination requires, one of them; none when none is required. */
  public readonly externalIds: readonly string[];
  private readonly referenceOf: () => RoleReference | undefined;
  private readonly roles: RoleReference[] = [];
  private readonly arns = new Set<string>();
  private readonly organizationRoles: OrganizationRoles[] = [];
  /** Roles of the app given to a destination's grantAssumeRole() that are not ends of this library. */
  private readonly trustedConstructs: iam.IRole[] = [];

  constructor(options: ChainEndOptions) {
    this.construct = options.construct;
    this.side = options.side;
    this.role = options.role ?? options.construct;
    this.externalIds = options.externalIds ?? [];
    this.referenceOf = options.reference;
    register(this);
  }

  /** The construct's path, for messages. */
  public get path(): string {
    return this.construct.node.path;
  }

  /** This end's role as a reference, or undefined while its ARN is not known at synth. */
  public tryReference(): RoleReference | undefined {
    return this.referenceOf();
  }

  /** The roles this end names: destinations of a source, trusted roles of a destination. */
  public get namedRoles(): readonly RoleReference[] {
    return this.roles;
  }

  /** The organization patterns this end names. */
  public get namedOrganizationRoles(): readonly OrganizationRoles[] {
    return this.organizationRoles;
  }

  /** The roles of the app given to `grantAssumeRole()`, which the deploy order waits for. */
  public get grantees(): readonly iam.IRole[] {
    return this.trustedConstructs;
  }

  public get isEmpty(): boolean {
    return this.roles.length === 0 && this.organizationRoles.length === 0;
  }

  /** The property names of this side, for messages. */
  public get properties(): NamingProperties {
    return this.side === 'source' ? SOURCE_PROPERTIES : DESTINATION_PROPERTIES;
  }

  /** Names one more role; false when it was named already (same ARN). */
  public add(role: RoleReference): boolean {
    const arn = role.roleArn;
    if (this.arns.has(arn)) {
      return false;
    }
    this.arns.add(arn);
    this.roles.push(role);
    return true;
  }

  /** Names one more organization pattern; false when one that renders the same statements was named already. */
  public addOrganizationRoles(roles: OrganizationRoles): boolean {
    if (this.organizationRoles.some(r => sameOrganizationRoles(r, roles))) {
      return false;
    }
    this.organizationRoles.push(roles);
    return true;
  }

  /** Remembers a role of the app that a destination trusts through `grantAssumeRole()`. */
  public addGrantee(role: iam.IRole): void {
    if (!this.trustedConstructs.includes(role)) {
      this.trustedConstructs.push(role);
    }
  }

  /** The parts of the named roles given as tokens, to check once the app resolves them. */
  public deferredValues(): DeferredValue[] {
    return [
      ...this.roles.flatMap((role, i) => referenceValues(`${this.properties.roles}[${i}]`, role)),
      ...this.organizationRoles.flatMap((roles, i) => organizationRolesValues(`${this.properties.organizationRoles}[${i}]`, roles)),
    ];
  }
}

/**
 * Makes an end take part in the checks of its app: the partitions of the roles it
 * names, their parts given as tokens once resolved, and that every role it names
 * that is in the same app names it back (`fix` says what to add).
 */
export function addChainChecks(end: ChainEnd, fix: (counterpart: ChainEnd) => string): void {
  addPartitionCheck(end);
  addResolvedValueChecks(end.construct, () => end.deferredValues());
  end.construct.node.addValidation({ validate: () => unreciprocated(end, fix) });
}

/** The parts of a role reference, each an exact value. */
function referenceValues(property: string, reference: RoleReference): DeferredValue[] {
  return [
    ...deferred(`${property}.account`, reference.account, ACCOUNT),
    ...deferred(`${property}.roleName`, reference.roleName, ROLE_NAME),
    ...deferred(`${property}.path`, reference.path, ROLE_PATH),
    ...deferred(`${property}.partition`, reference.partition, PARTITION),
  ];
}

/** The parts of an organization pattern: wildcards allowed in the name and path, policy variables nowhere. */
function organizationRolesValues(property: string, roles: OrganizationRoles): DeferredValue[] {
  return [
    ...deferred(`${property}.organizationId`, roles.organizationId, ORGANIZATION_ID),
    ...deferred(`${property}.roleName`, roles.roleName, ROLE_NAME_PATTERN),
    ...deferred(`${property}.path`, roles.path, ROLE_PATH_PATTERN),
    // A name or path given as a parameter may be "*" at deploy time: it must not open the reserved paths.
    ...deferred(`${property}.path + roleName`, `${roles.path}${roles.roleName}`, ORGANIZATION_ROLE_PATTERN),
    ...deferred(`${property}.partition`, roles.partition, PARTITION),
    ...roles.organizationalUnitPaths.flatMap((ouPath, i) =>
      deferred(`${property}.organizationalUnitPaths[${i}]`, ouPath, organizationalUnitPath(roles.organizationId))),
  ];
}
