import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import type { ChainEnd } from './chain-end';
import { RoleReference } from '../../role-reference';

interface Ends {
  readonly sources: Set<ChainEnd>;
  readonly destinations: Set<ChainEnd>;
}

/** The chain ends of each app, so that checks need not walk the construct tree. */
const endsByApp = new WeakMap<IConstruct, Ends>();
/** The chain end of each construct of the library. */
const endOfConstruct = new WeakMap<IConstruct, ChainEnd>();

function endsOf(scope: IConstruct): Ends {
  const root = scope.node.root;
  let ends = endsByApp.get(root);
  if (!ends) {
    ends = { sources: new Set(), destinations: new Set() };
    endsByApp.set(root, ends);
  }
  return ends;
}

/** Enters an end in the registry of its app; each end does so when it is made. */
export function register(end: ChainEnd): void {
  const ends = endsOf(end.construct);
  (end.side === 'source' ? ends.sources : ends.destinations).add(end);
  endOfConstruct.set(end.construct, end);
}

/** The chain end of a construct of this library (a source, a destination), if it is one. */
export function chainEndOf(construct: IConstruct): ChainEnd | undefined {
  return endOfConstruct.get(construct);
}

/**
 * Whether two references name one IAM role: a role name is unique in its account
 * whatever its path, and IAM treats names that differ only in case as one name,
 * so the same-app checks find the role whatever the case and path.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names
 */
function isSameIamRole(a: RoleReference | undefined, b: RoleReference): boolean {
  return a !== undefined && a.account === b.account && a.roleName.toLowerCase() === b.roleName.toLowerCase()
    && (a.partition === undefined || b.partition === undefined || a.partition === b.partition);
}

/** The sources in the same app whose role is the given one. */
export function sourcesNamed(scope: IConstruct, role: RoleReference): ChainEnd[] {
  return [...endsOf(scope).sources].filter(s => isSameIamRole(s.tryReference(), role));
}

/** The destinations in the same app whose role is the given one. */
export function destinationsNamed(scope: IConstruct, role: RoleReference): ChainEnd[] {
  return [...endsOf(scope).destinations].filter(d => isSameIamRole(d.tryReference(), role));
}

/**
 * Whether an end names the role, exactly or by an organization pattern that matches its name.
 * `asIam` also counts a name in another case or path, which IAM takes for the same role.
 */
export function endNamesRole(end: ChainEnd, role: RoleReference, asIam = false): boolean {
  return end.namedRoles.some(r => (asIam ? isSameIamRole(r, role) : r.sameRoleAs(role)))
    || end.namedOrganizationRoles.some(o => o.matchesName(role));
}

/**
 * Errors for each role that `end` names, that is in the same app (an end of the
 * other side), and that does not name `end` back; `fix` says what to add to make
 * them agree.
 */
export function unreciprocated(end: ChainEnd, fix: (counterpart: ChainEnd) => string): string[] {
  const self = end.tryReference();
  if (!self) {
    return [];
  }
  const counterpartsNamed = end.side === 'source' ? destinationsNamed : sourcesNamed;
  const errors: string[] = [];
  for (const named of end.namedRoles) {
    for (const counterpart of counterpartsNamed(end.construct, named)) {
      const actual = counterpart.tryReference();
      if (actual && !actual.sameRoleAs(named)) {
        // The policies compare ARNs case-sensitively: a name in another case never matches the role's ARN.
        errors.push(`names ${named}, but the role of ${counterpart.path} is ${actual}: IAM takes both for one role `
          + '(a role name is unique in its account whatever its case and path), but trust principals, aws:PrincipalArn '
          + 'conditions and policy resources compare the ARN as written, case and path included, so the chain would be denied: '
          + `write the path and name exactly as the role has them (${counterpart.path}.reference)`);
      }
      // A name written in another case or path is reported by the end that wrote it, above.
      if (!endNamesRole(counterpart, self, true)) {
        const typo = nearestRole(self, counterpart.namedRoles.filter(role => !isRoleOfApp(end.construct, role)));
        errors.push(`names ${named} (${counterpart.path}), but ${counterpart.path} does not name ${self} back: ${fix(counterpart)}`
          + (typo ? `; ${counterpart.path} names ${typo}, which is no role of this app: did you mean ${self} (${end.path})?` : ''));
      }
    }
  }
  return errors;
}

/** Whether a construct of the app is that role: a chain end of this library, or the construct the reference was taken from. */
function isRoleOfApp(scope: IConstruct, role: RoleReference): boolean {
  return sourcesNamed(scope, role).length > 0 || destinationsNamed(scope, role).length > 0 || role._owner?.node.root === scope.node.root;
}

/** The chain ends of the app that are sources, each with its reference, when its account is known. */
export function sourceReferences(scope: IConstruct): Array<{ end: ChainEnd; reference: RoleReference }> {
  return [...endsOf(scope).sources].flatMap(end => {
    const reference = end.tryReference();
    return reference ? [{ end, reference }] : [];
  });
}

/** How many characters apart two ARNs may be for one to be taken for a typo of the other. */
const MAX_TYPO_DISTANCE = 3;

/**
 * The role among `candidates` whose account, path and name are nearest to `role`'s, when
 * they are at most a few characters apart (a typo) and not the same IAM role, else undefined.
 */
export function nearestRole(role: RoleReference, candidates: readonly RoleReference[]): RoleReference | undefined {
  const key = (r: RoleReference) => `${r.account}:${r.path}${r.roleName}`;
  let nearest: RoleReference | undefined;
  let nearestDistance = MAX_TYPO_DISTANCE + 1;
  for (const candidate of candidates) {
    if (isSameIamRole(candidate, role) || Token.isUnresolved(key(candidate)) || Token.isUnresolved(key(role))) {
      continue;
    }
    const distance = editDistance(key(candidate), key(role));
    if (distance < nearestDistance) {
      nearest = candidate;
      nearestDistance = distance;
    }
  }
  return nearest;
}

/** The Levenshtein distance: how many characters to insert, delete or replace to turn one text into the other. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}
