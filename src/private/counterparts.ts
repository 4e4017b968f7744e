import { IConstruct } from 'constructs';
import { OrganizationRoles } from '../organization-roles';
import { RoleReference } from '../role-reference';

/**
 * One end of a cross-account chain, as the other end sees it.
 */
export interface ChainEnd extends IConstruct {
  /** This role as a reference, or undefined while its account is not a literal. */
  _tryReference(): RoleReference | undefined;
  /** The roles this end names: destinations of a source, trusted roles of a destination. */
  _namedRoles(): readonly RoleReference[];
  /** The organization patterns this end names. */
  _namedOrganizationRoles(): readonly OrganizationRoles[];
}

interface Ends {
  readonly sources: Set<ChainEnd>;
  readonly destinations: Set<ChainEnd>;
}

/** The chain ends of each app, so that checks need not walk the construct tree. */
const endsByApp = new WeakMap<IConstruct, Ends>();

function endsOf(scope: IConstruct): Ends {
  const root = scope.node.root;
  let ends = endsByApp.get(root);
  if (!ends) {
    ends = { sources: new Set(), destinations: new Set() };
    endsByApp.set(root, ends);
  }
  return ends;
}

export function registerSource(source: ChainEnd): void {
  endsOf(source).sources.add(source);
}

export function registerDestination(destination: ChainEnd): void {
  endsOf(destination).destinations.add(destination);
}

/** Whether the end takes part in its app's checks as a source (as opposed to a destination). */
export function isSource(end: ChainEnd): boolean {
  return endsOf(end).sources.has(end);
}

/** The sources in the same app whose role is the given one. */
export function sourcesNamed(scope: IConstruct, role: RoleReference): ChainEnd[] {
  return [...endsOf(scope).sources].filter(s => s._tryReference()?.sameRoleAs(role));
}

/** The destinations in the same app whose role is the given one. */
export function destinationsNamed(scope: IConstruct, role: RoleReference): ChainEnd[] {
  return [...endsOf(scope).destinations].filter(d => d._tryReference()?.sameRoleAs(role));
}

/** Whether an end names the role, exactly or by an organization pattern that matches its name. */
export function namesRole(end: ChainEnd, role: RoleReference): boolean {
  return end._namedRoles().some(r => r.sameRoleAs(role))
    || end._namedOrganizationRoles().some(o => o.matchesName(role));
}

/**
 * Errors for each role that `end` names, that is in the same app, and that does
 * not name `end` back. `counterpartsNamed` finds the other side's constructs;
 * `fix` says what to add to make them agree.
 */
export function unreciprocated(
  end: ChainEnd,
  counterpartsNamed: (scope: IConstruct, role: RoleReference) => ChainEnd[],
  fix: (counterpart: ChainEnd) => string,
): string[] {
  const self = end._tryReference();
  if (!self) {
    return [];
  }
  const errors: string[] = [];
  for (const named of end._namedRoles()) {
    for (const counterpart of counterpartsNamed(end, named)) {
      if (!namesRole(counterpart, self)) {
        errors.push(`names ${named} (${counterpart.node.path}), but ${counterpart.node.path} does not name ${self} back: ${fix(counterpart)}`);
      }
    }
  }
  return errors;
}
