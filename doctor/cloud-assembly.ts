/**
 * Finds the chains of a synthesized cloud assembly (`cdk.out`): every role, made by this
 * library or not, one of whose policies has a statement that allows `sts:AssumeRole`,
 * and each concrete role ARN such a statement names. A role's policies are its inline
 * `Policies` and the `AWS::IAM::Policy`, `AWS::IAM::RolePolicy` and `AWS::IAM::ManagedPolicy`
 * resources attached to it by `Ref` or by name.
 */
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import type { Chain } from './checks';
import { parseRoleArn } from './checks';
import { partitionOfRegion, urlSuffixOf } from './partitions';
import { glob } from './trust-policy';

type Resources = Record<string, { Type: string; Properties?: Record<string, any> }>;

interface StackEnvironment {
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


export function readAssembly(directory: string): AssemblyChains {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`${directory} is not a cloud assembly: it has no manifest.json (run \`cdk synth\` first)`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf-8'));
  const stacks: StackEnvironment[] = [];
  const notes: string[] = [];
  for (const [name, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type !== 'aws:cloudformation:stack') {
      continue;
    }
    const environment = /^aws:\/\/(\d{12})\/([a-z0-9-]+)$/.exec(artifact.environment ?? '');
    if (!environment) {
      notes.push(`${name}: its environment ${artifact.environment} has no explicit account and Region, so its ARNs are unknown`);
      continue;
    }
    const template = JSON.parse(readFileSync(join(directory, artifact.properties.templateFile), 'utf-8'));
    const [, account, region] = environment;
    stacks.push({ name, account, region, partition: partitionOfRegion(region), resources: template.Resources ?? {} });
  }
  const chains: Chain[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.resources)) {
      if (resource.Type !== 'AWS::IAM::Role') {
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
  return { chains, notes };
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
