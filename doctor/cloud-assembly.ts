/**
 * Finds the chains of a synthesized cloud assembly (`cdk.out`): every role, made by this
 * library or not, one of whose policies has a statement that allows `sts:AssumeRole`,
 * and each concrete role ARN such a statement names. A role's policies are its inline
 * `Policies`, the `AWS::IAM::ManagedPolicy` resources its `ManagedPolicyArns` name, and the
 * `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy` resources attached
 * to it by `Ref` or by name. What only a deployment resolves (a parameter, an import, a
 * condition) is never dropped: it is reported, and the run cannot say that the app works.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'fs';
import { isAbsolute, join, relative, sep } from 'path';
import type { Chain } from './checks';
import { parseRoleArn } from './checks';
import { partitionOfRegion } from './partitions';
import { type StackEnvironment, branches, isFunction, managedPolicyArn, resolve, roleArn } from './template-values';
import { glob } from './trust-policy';

export interface AssemblyChains {
  readonly chains: Chain[];
  /** What was found but cannot be checked, such as organization-wide patterns. */
  readonly notes: string[];
  /**
   * Chains of the app the doctor cannot name: a role that may assume a value only a deployment
   * resolves, or a role whose name CloudFormation generates. Each makes the run unverified.
   */
  readonly unresolved: string[];
}

/** The largest file of an assembly the doctor reads: CloudFormation takes templates up to 1 MB, manifests of big apps are larger. */
export const ASSEMBLY_FILE_CAP_BYTES = 20 * 1024 * 1024;
/** Stages in Stages: deeper than this is a loop or a mistake. */
const MAX_NESTING = 10;

function isInside(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside);
}

/**
 * Reads a JSON file of the assembly: only a regular file whose real path (symbolic links
 * resolved) is inside the assembly's directory, at most {@link ASSEMBLY_FILE_CAP_BYTES}.
 * A FIFO or device is refused before it can block or stream forever.
 */
function readAssemblyJson(root: string, directory: string, file: unknown, shown: string): any {
  if (typeof file !== 'string' || file === '') {
    throw new Error(`${shown}: the manifest names no file`);
  }
  let real: string;
  try {
    real = realpathSync(join(directory, file));
  } catch {
    throw new Error(`${shown} is missing from the assembly`);
  }
  if (!isInside(root, real)) {
    throw new Error(`${shown} resolves to ${real}, outside the assembly ${root}: the doctor reads only files inside it`);
  }
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; O_NOFOLLOW: the real path has no link left.
    // eslint-disable-next-line no-bitwise
    fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    throw new Error(`${shown} cannot be opened: ${(error as Error).message}`);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) {
      throw new Error(`${shown} is not a regular file: the doctor reads only the assembly's own files`);
    }
    if (stat.size > ASSEMBLY_FILE_CAP_BYTES) {
      throw new Error(`${shown} has ${stat.size} bytes, more than the ${ASSEMBLY_FILE_CAP_BYTES / 1024 / 1024} MB the doctor reads`);
    }
    const buffer = Buffer.alloc(Math.min(stat.size + 1, ASSEMBLY_FILE_CAP_BYTES + 1));
    let length = 0;
    for (let read; length < buffer.length && (read = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) {
      length += read;
    }
    if (length > ASSEMBLY_FILE_CAP_BYTES) {
      throw new Error(`${shown} has more than the ${ASSEMBLY_FILE_CAP_BYTES / 1024 / 1024} MB the doctor reads`);
    }
    try {
      return JSON.parse(buffer.subarray(0, length).toString('utf-8'));
    } catch (error) {
      throw new Error(`${shown} is not valid JSON: ${(error as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

export function readAssembly(directory: string): AssemblyChains {
  let root: string;
  try {
    root = realpathSync(directory);
  } catch {
    throw new Error(`${directory} is not a cloud assembly: it has no manifest.json (run \`cdk synth\` first)`);
  }
  const stacks: StackEnvironment[] = [];
  const notes: string[] = [];
  const unresolved: string[] = [];
  readStacks(root, root, directory, 0, stacks, notes, new Set());
  return { chains: chainsOf(stacks, notes, unresolved), notes, unresolved };
}

/** The stacks of one assembly and of the assemblies nested in it (a Stage, as CDK Pipelines use). */
function readStacks(root: string, directory: string, shownDirectory: string, depth: number, stacks: StackEnvironment[], notes: string[],
  visited: Set<string>) {
  if (visited.has(directory) || depth > MAX_NESTING) {
    throw new Error(`${shownDirectory}: nested assemblies loop or nest deeper than ${MAX_NESTING}`);
  }
  visited.add(directory);
  const manifestShown = join(shownDirectory, 'manifest.json');
  let manifest;
  try {
    manifest = readAssemblyJson(root, directory, 'manifest.json', manifestShown);
  } catch (error) {
    if (depth === 0 && /is missing/.test((error as Error).message)) {
      throw new Error(`${shownDirectory} is not a cloud assembly: it has no manifest.json (run \`cdk synth\` first)`);
    }
    throw error;
  }
  for (const [id, artifact] of Object.entries<any>(manifest?.artifacts ?? {})) {
    if (artifact?.type === 'cdk:cloud-assembly') {
      const nested = artifact.properties?.directoryName;
      let real: string;
      try {
        real = realpathSync(join(directory, String(nested)));
      } catch {
        throw new Error(`${join(shownDirectory, String(nested))}: the nested assembly ${id} is missing`);
      }
      if (!isInside(root, real)) {
        throw new Error(`${join(shownDirectory, String(nested))} resolves to ${real}, outside the assembly ${root}: the doctor reads only files inside it`);
      }
      readStacks(root, real, join(shownDirectory, String(nested)), depth + 1, stacks, notes, visited);
      continue;
    }
    if (artifact?.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const name = typeof artifact.displayName === 'string' ? artifact.displayName : id;
    const environment = /^aws:\/\/(\d{12})\/([a-z0-9-]+)$/.exec(artifact.environment ?? '');
    if (!environment) {
      notes.push(`${name}: its environment ${artifact.environment} has no explicit account and Region, so its ARNs are unknown`);
      continue;
    }
    const templateFile = artifact.properties?.templateFile;
    const template = readAssemblyJson(root, directory, templateFile, join(shownDirectory, String(templateFile)));
    const [, account, region] = environment;
    stacks.push({ name, account, region, partition: partitionOfRegion(region), resources: template?.Resources ?? {} });
  }
}

function chainsOf(stacks: StackEnvironment[], notes: string[], unresolved: string[]): Chain[] {
  const chains: Chain[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (resource?.Type !== 'AWS::IAM::Role') {
        continue;
      }
      const sourceRoleArn = roleArn(stack, logicalId);
      const targets = targetsOf(stack, logicalId);
      const role = sourceRoleArn ? `role ${sourceRoleArn} (${logicalId} of stack ${stack.name})` : `role ${logicalId} of stack ${stack.name}, whose name CloudFormation generates,`;
      for (const value of targets.unresolved) {
        unresolved.push(`${role} may assume ${templateText(value)}, which the doctor cannot resolve to a role ARN: only a deployment knows it; `
          + `check that chain with --source-role ${sourceRoleArn ?? '<the role\'s ARN>'} --destination-role <the role ARN it deploys as>`);
      }
      for (const destination of targets.arns) {
        if (!sourceRoleArn) {
          unresolved.push(`${role} may assume ${destination}: its ARN is known only after deployment; `
            + `check that chain with --source-role <the role's ARN> --destination-role ${destination}`);
          continue;
        }
        if (!parseRoleArn(destination)) {
          notes.push(`${sourceRoleArn} may assume ${destination}: a pattern, not one role; check one of them with --destination-role`);
          continue;
        }
        chains.push({
          sourceRoleArn: sourceRoleArn,
          destinationRoleArn: destination,
          region: stack.region,
          sourceStack: stack.name,
          destinationStack: stacks.find(s => Object.keys(s.resources).some(id => roleArn(s, id) === destination))?.name,
        });
      }
    }
  }
  return chains;
}

/** A template value as the notes show it: its JSON, cut short. */
function templateText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 300 ? `${text.slice(0, 300)}...` : text;
}

/** The policy documents of the app that apply to a role. */
function policyDocumentsOf(stack: StackEnvironment, roleId: string): unknown[] {
  const role = stack.resources[roleId];
  const roleName = resolve(stack, role.Properties?.RoleName);
  const isThisRole = (reference: unknown) => (reference as any)?.Ref === roleId
    || (typeof roleName === 'string' && resolve(stack, reference) === roleName);
  // ManagedPolicyArns names a managed policy of the template by Ref (role.addManagedPolicy), or by its ARN when it has a name.
  const managedArns = [role.Properties?.ManagedPolicyArns ?? []].flat();
  const givenToRole = (policyId: string) => managedArns.some((arn: any) => arn?.Ref === policyId
    || (resolve(stack, arn) !== undefined && resolve(stack, arn) === managedPolicyArn(stack, policyId)));
  const documents: unknown[] = [role.Properties?.Policies ?? []].flat().map((p: any) => p?.PolicyDocument);
  for (const [id, resource] of Object.entries(stack.resources)) {
    const properties = resource?.Properties ?? {};
    const attached = resource?.Type === 'AWS::IAM::RolePolicy'
      ? isThisRole(properties.RoleName)
      : resource?.Type === 'AWS::IAM::Policy' ? [properties.Roles ?? []].flat().some(isThisRole)
        : resource?.Type === 'AWS::IAM::ManagedPolicy' && ([properties.Roles ?? []].flat().some(isThisRole) || givenToRole(id));
    if (attached) {
      documents.push(properties.PolicyDocument);
    }
  }
  return documents;
}

/** What a role may assume: role ARNs (or patterns) as written, and the values only a deployment resolves. */
function targetsOf(stack: StackEnvironment, roleId: string): { arns: string[]; unresolved: unknown[] } {
  const arns: string[] = [];
  const unresolved: unknown[] = [];
  for (const document of policyDocumentsOf(stack, roleId)) {
    // A document or statement chosen at deploy time (Fn::If) counts when one of its branches may allow sts:AssumeRole.
    if (isFunction(document)) {
      if (mayAllowAssumeRole(document)) {
        unresolved.push(document);
      }
      continue;
    }
    for (const statement of [(document as any)?.Statement ?? []].flat()) {
      if (isFunction(statement)) {
        if (mayAllowAssumeRole(statement)) {
          unresolved.push(statement);
        }
        continue;
      }
      // An Effect chosen at deploy time (Fn::If) may be Allow: the statement is not checked.
      if (isFunction(statement?.Effect)) {
        if (allowsAssumeRole(statement) !== false) {
          unresolved.push(statement);
        }
        continue;
      }
      const allows = statement?.Effect === 'Allow' ? allowsAssumeRole(statement) : false;
      if (allows === false) {
        continue;
      }
      if (statement.NotResource !== undefined) {
        arns.push(`every role but ${templateText(statement.NotResource)}`);
        continue;
      }
      for (const value of [statement.Resource ?? []].flat()) {
        const arn = resolve(stack, value);
        // An Action that only a deployment resolves may or may not allow it: the statement is not checked either.
        if (typeof arn === 'string' && allows === true) {
          arns.push(arn);
        } else {
          unresolved.push(allows === true ? value : statement);
        }
      }
    }
  }
  const once = unresolved.filter((value, i) => unresolved.findIndex(other => JSON.stringify(other) === JSON.stringify(value)) === i);
  return { arns: [...new Set(arns)], unresolved: once };
}

/** Whether a value an Fn::If may take is, or holds, a statement that may allow sts:AssumeRole. */
function mayAllowAssumeRole(value: unknown): boolean {
  return branches(value).some(branch => branch?.Statement !== undefined
    ? mayAllowAssumeRole(branch.Statement)
    : branch?.Effect !== 'Deny' && allowsAssumeRole(branch) !== false);
}

/**
 * `true` when the statement's Action (or NotAction) covers `sts:AssumeRole`, `false` when it does
 * not, `undefined` when that depends on an action only a deployment resolves.
 */
function allowsAssumeRole(statement: any): boolean | undefined {
  const notAction = statement?.NotAction !== undefined;
  const patterns = [(notAction ? statement.NotAction : statement?.Action) ?? []].flat();
  if (patterns.some((pattern: unknown) => typeof pattern === 'string' && glob(pattern, 'sts:AssumeRole', true))) {
    return !notAction;
  }
  return patterns.every((pattern: unknown) => typeof pattern === 'string') ? notAction : undefined;
}
