/**
 * Finds the chains of a synthesized cloud assembly (`cdk.out`): every role, made by this
 * library or not, one of whose policies has a statement that allows `sts:AssumeRole`,
 * and each concrete role ARN such a statement names. A role's policies are its inline
 * `Policies` and the `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy`
 * resources attached to it by `Ref` or by name.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'fs';
import { isAbsolute, join, relative, sep } from 'path';
import type { Chain } from './checks';
import { parseRoleArn } from './checks';
import { partitionOfRegion, urlSuffixOf } from './partitions';
import { glob } from './trust-policy';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

interface StackEnvironment {
  /** The stack's name for `cdk deploy`: its display name (`Stage/Stack` in a nested assembly). */
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: Resources;
}

export interface AssemblyChains {
  readonly chains: Chain[];
  /** What was found but cannot be checked, such as organization-wide patterns. */
  readonly notes: string[];
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
  readStacks(root, root, directory, 0, stacks, notes, new Set());
  return { chains: chainsOf(stacks, notes), notes };
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

function chainsOf(stacks: StackEnvironment[], notes: string[]): Chain[] {
  const chains: Chain[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (resource?.Type !== 'AWS::IAM::Role') {
        continue;
      }
      const sourceRoleArn = roleArn(stack, logicalId);
      const destinations = destinationsOf(stack, logicalId);
      if (destinations.length > 0 && !sourceRoleArn) {
        notes.push(`${stack.name}/${logicalId}: a role without a literal roleName, so its ARN is known only after deployment`);
        continue;
      }
      for (const destination of destinations) {
        if (!parseRoleArn(destination)) {
          notes.push(`${sourceRoleArn} may assume ${destination}: a pattern, not one role; check one of them with --destination-role`);
          continue;
        }
        chains.push({
          sourceRoleArn: sourceRoleArn!,
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

function destinationsOf(stack: StackEnvironment, roleId: string): string[] {
  const role = stack.resources[roleId];
  const roleName = resolve(stack, role.Properties?.RoleName);
  const isThisRole = (reference: unknown) => (reference as any)?.Ref === roleId
    || (typeof roleName === 'string' && resolve(stack, reference) === roleName);
  const documents: unknown[] = (role.Properties?.Policies ?? []).map((p: any) => p.PolicyDocument);
  for (const resource of Object.values(stack.resources)) {
    const properties = resource.Properties ?? {};
    const attached = resource.Type === 'AWS::IAM::RolePolicy'
      ? isThisRole(properties.RoleName)
      : ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type) && [properties.Roles ?? []].flat().some(isThisRole);
    if (attached) {
      documents.push(properties.PolicyDocument);
    }
  }
  const destinations = documents
    .flatMap((document: any) => [document?.Statement ?? []].flat())
    .filter((statement: any) => statement?.Effect === 'Allow' && allowsAssumeRole(statement))
    .flatMap((statement: any) => [statement.Resource ?? []].flat())
    .map(resource => resolve(stack, resource))
    .filter((arn): arn is string => typeof arn === 'string');
  return [...new Set(destinations)];
}

/** `true` when the statement's Action (or NotAction) covers `sts:AssumeRole`. */
function allowsAssumeRole(statement: any): boolean {
  if (statement.NotAction !== undefined) {
    return ![statement.NotAction].flat().some((pattern: unknown) => typeof pattern === 'string' && glob(pattern, 'sts:AssumeRole', true));
  }
  return [statement.Action ?? []].flat().some((pattern: unknown) => typeof pattern === 'string' && glob(pattern, 'sts:AssumeRole', true));
}

function roleArn(stack: StackEnvironment, logicalId: string): string | undefined {
  const properties = stack.resources[logicalId]?.Properties ?? {};
  const name = resolve(stack, properties.RoleName);
  const path = properties.Path === undefined ? '/' : resolve(stack, properties.Path);
  if (stack.resources[logicalId]?.Type !== 'AWS::IAM::Role' || typeof name !== 'string' || typeof path !== 'string') {
    return undefined;
  }
  return `arn:${stack.partition}:iam::${stack.account}:role${path}${name}`;
}

/** The value of a template expression as CloudFormation would deploy it, or `undefined` when only a deployment knows it. */
function resolve(stack: StackEnvironment, value: any): unknown {
  if (typeof value !== 'object' || value === null) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(v => resolve(stack, v));
  }
  if ('Ref' in value) {
    switch (value.Ref) {
      case 'AWS::Partition': return stack.partition;
      case 'AWS::AccountId': return stack.account;
      case 'AWS::Region': return stack.region;
      case 'AWS::URLSuffix': return urlSuffixOf(stack.partition);
      default: return stack.resources[value.Ref]?.Type === 'AWS::IAM::Role' ? resolve(stack, stack.resources[value.Ref].Properties?.RoleName) : undefined;
    }
  }
  if ('Fn::Join' in value) {
    const [separator, parts] = value['Fn::Join'];
    const resolved = [parts].flat().map((p: unknown) => resolve(stack, p));
    return resolved.every(p => typeof p === 'string') ? resolved.join(separator) : undefined;
  }
  if ('Fn::GetAtt' in value) {
    const [logicalId, attribute] = [value['Fn::GetAtt']].flat().join('.').split(/\.(.*)/);
    return attribute === 'Arn' ? roleArn(stack, logicalId) : undefined;
  }
  return undefined;
}
