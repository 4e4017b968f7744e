import { Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Reads the IAM roles out of synthesized CloudFormation templates, with every
 * intrinsic the library emits replaced by the value it takes at deploy time.
 *
 * Anything that cannot be resolved offline throws: a policy judged on a guessed
 * value could pass a test that real IAM would fail.
 */

/** An IAM policy document, as IAM reads it. */
export type PolicyDocument = { Version?: string; Statement: any[] };

/** A policy with the name the simulation reports it under. */
export interface NamedPolicy {
  readonly name: string;
  readonly policy: PolicyDocument;
}

/** One synthesized template and the environment it deploys to. */
export interface StackTemplate {
  /** `Template.fromStack(stack).toJSON()`, or a parsed `cdk.out/*.template.json`. */
  readonly template: { Resources?: Record<string, CfnResource> };
  readonly account: string;
  readonly region: string;
  /** @default 'aws' */
  readonly partition?: string;
}

interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Condition?: string;
}

/** A role as deployed: its ARN, who may assume it, and what it may do. */
export interface TemplateRole {
  readonly logicalId: string;
  readonly arn: string;
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly trustPolicy: PolicyDocument;
  readonly identityPolicies: NamedPolicy[];
  readonly permissionsBoundary?: NamedPolicy;
}

/** The roles of a set of templates, by ARN. */
export type RoleIndex = ReadonlyMap<string, TemplateRole>;

// The resources whose Ref or Arn a policy of this library can mention.
const NAMED_TYPES = new Set(['AWS::IAM::Role', 'AWS::IAM::ManagedPolicy', 'AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::Logs::LogGroup']);

/**
 * The AWS managed policies the tests attach, as the AWS Managed Policy Reference
 * prints them, by ARN in the aws partition.
 *
 * @see https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2ContainerRegistryReadOnly.html
 */
const AWS_MANAGED_POLICIES: Record<string, NamedPolicy> = {
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly': {
    name: 'AmazonEC2ContainerRegistryReadOnly',
    policy: {
      Version: '2012-10-17',
      Statement: [{
        Effect: 'Allow',
        Action: [
          'ecr:GetAuthorizationToken', 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer',
          'ecr:GetRepositoryPolicy', 'ecr:DescribeRepositories', 'ecr:ListImages', 'ecr:DescribeImages',
          'ecr:BatchGetImage', 'ecr:GetLifecyclePolicy', 'ecr:GetLifecyclePolicyPreview',
          'ecr:ListTagsForResource', 'ecr:DescribeImageScanFindings',
        ],
        Resource: '*',
      }],
    },
  },
};

const URL_SUFFIXES: Record<string, string> = {
  'aws': 'amazonaws.com',
  'aws-cn': 'amazonaws.com.cn',
  'aws-us-gov': 'amazonaws.com',
};

/** The template of a stack whose account and region are literals. */
export function stackTemplate(stack: Stack): StackTemplate {
  if (Token.isUnresolved(stack.account) || Token.isUnresolved(stack.region)) {
    throw new Error(`${stack.stackName}: give the stack an explicit env { account, region }: ARNs in its policies depend on them`);
  }
  return { template: Template.fromStack(stack).toJSON() as StackTemplate['template'], account: stack.account, region: stack.region };
}

/** Replaces the intrinsics of one template's value by what CloudFormation would put there. */
function resolveValue(stack: StackTemplate, value: unknown, where: string): any {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((v, i) => resolveValue(stack, v, `${where}[${i}]`));
  }
  const keys = Object.keys(value);
  if (keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'))) {
    return resolveIntrinsic(stack, keys[0], (value as any)[keys[0]], where);
  }
  return Object.fromEntries(keys.map(k => [k, resolveValue(stack, (value as any)[k], `${where}.${k}`)]));
}

function resolveIntrinsic(stack: StackTemplate, name: string, arg: any, where: string): string {
  const partition = stack.partition ?? 'aws';
  if (name === 'Ref') {
    switch (arg) {
      case 'AWS::Partition': return partition;
      case 'AWS::AccountId': return stack.account;
      case 'AWS::Region': return stack.region;
      case 'AWS::URLSuffix': return URL_SUFFIXES[partition] ?? unresolvable(where, `the URL suffix of partition ${partition}`);
    }
    const target = namedResource(stack, arg, where);
    switch (target.Type) {
      case 'AWS::IAM::Role': return roleName(stack, arg);
      case 'AWS::S3::Bucket': return literalProperty(stack, arg, 'BucketName');
      default: return managedPolicyArn(stack, arg);
    }
  }
  if (name === 'Fn::GetAtt') {
    const [logicalId, attribute] = typeof arg === 'string' ? arg.split(/\.(.*)/) : arg;
    const target = namedResource(stack, logicalId, where);
    if (target.Type === 'AWS::IAM::Role' && attribute === 'Arn') {
      return roleArn(stack, logicalId);
    }
    if (target.Type === 'AWS::S3::Bucket' && attribute === 'Arn') {
      return `arn:${partition}:s3:::${literalProperty(stack, logicalId, 'BucketName')}`;
    }
    if (target.Type === 'AWS::DynamoDB::Table' && attribute === 'Arn') {
      return `arn:${partition}:dynamodb:${stack.region}:${stack.account}:table/${literalProperty(stack, logicalId, 'TableName')}`;
    }
    if (target.Type === 'AWS::Logs::LogGroup' && attribute === 'Arn') {
      // The log group's Arn attribute ends with :* (its log streams).
      return `arn:${partition}:logs:${stack.region}:${stack.account}:log-group:${literalProperty(stack, logicalId, 'LogGroupName')}:*`;
    }
    return unresolvable(where, `Fn::GetAtt ${logicalId}.${attribute} (${target.Type})`);
  }
  if (name === 'Fn::Join') {
    const [separator, parts] = arg;
    const resolved = resolveValue(stack, parts, where);
    if (typeof separator !== 'string' || !Array.isArray(resolved) || resolved.some(p => typeof p !== 'string')) {
      return unresolvable(where, `Fn::Join ${JSON.stringify(arg)}`);
    }
    return resolved.join(separator);
  }
  return unresolvable(where, `${name} ${JSON.stringify(arg)}`);
}

function unresolvable(where: string, what: string): never {
  throw new Error(`${where}: cannot resolve ${what} offline, so the policy simulation cannot know the deployed value`);
}

function namedResource(stack: StackTemplate, logicalId: string, where: string): CfnResource {
  const resource = stack.template.Resources?.[logicalId];
  if (!resource || !NAMED_TYPES.has(resource.Type)) {
    return unresolvable(where, `a reference to ${logicalId} (${resource?.Type ?? 'not a resource of this template'})`);
  }
  return resource;
}

function literalProperty(stack: StackTemplate, logicalId: string, property: string, fallback?: string): string {
  const raw = stack.template.Resources![logicalId].Properties?.[property];
  if (raw === undefined && fallback !== undefined) {
    return fallback;
  }
  const value = resolveValue(stack, raw, `${logicalId}.${property}`);
  if (typeof value !== 'string') {
    // CloudFormation makes up a name when none is given: no offline ARN would match it.
    return unresolvable(`${logicalId}.${property}`, `a ${property} that CloudFormation generates at deploy time`);
  }
  return value;
}

function roleName(stack: StackTemplate, logicalId: string): string {
  return literalProperty(stack, logicalId, 'RoleName');
}

function roleArn(stack: StackTemplate, logicalId: string): string {
  const path = literalProperty(stack, logicalId, 'Path', '/');
  return `arn:${stack.partition ?? 'aws'}:iam::${stack.account}:role${path}${roleName(stack, logicalId)}`;
}

function managedPolicyArn(stack: StackTemplate, logicalId: string): string {
  const path = literalProperty(stack, logicalId, 'Path', '/');
  const name = literalProperty(stack, logicalId, 'ManagedPolicyName');
  return `arn:${stack.partition ?? 'aws'}:iam::${stack.account}:policy${path}${name}`;
}

function resourcesOfType(stack: StackTemplate, type: string): [string, CfnResource][] {
  return Object.entries(stack.template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/** The roles of one template with their trust, identity policies and boundary. */
export function extractRoles(stack: StackTemplate): TemplateRole[] {
  for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
    if (resource.Type.startsWith('AWS::IAM::') && resource.Condition) {
      // Whether the resource exists is decided at deploy time.
      unresolvable(id, `the resource condition ${resource.Condition}`);
    }
  }
  // CloudFormation names a role without RoleName at deploy time: no offline ARN can match it, so leave it out.
  const roleIds = resourcesOfType(stack, 'AWS::IAM::Role')
    .filter(([, r]) => r.Properties?.RoleName !== undefined).map(([id]) => id);
  const idByName = new Map(roleIds.map(id => [roleName(stack, id), id]));
  const attached = new Map<string, NamedPolicy[]>(roleIds.map(id => [id, []]));
  const attach = (roles: unknown, policy: NamedPolicy, where: string) => {
    [roles ?? []].flat().forEach((role: any, i) => {
      const id = typeof role?.Ref === 'string' && attached.has(role.Ref)
        ? role.Ref
        : idByName.get(resolveValue(stack, role, `${where}[${i}]`));
      if (id && !attached.get(id)!.includes(policy)) {
        attached.get(id)!.push(policy);
      }
    });
  };
  const documentOf = (id: string, property: string): PolicyDocument =>
    resolveValue(stack, stack.template.Resources![id].Properties?.[property], `${id}.${property}`);

  for (const [id, resource] of resourcesOfType(stack, 'AWS::IAM::Policy')) {
    attach(resource.Properties?.Roles, { name: id, policy: documentOf(id, 'PolicyDocument') }, `${id}.Roles`);
  }
  for (const [id, resource] of resourcesOfType(stack, 'AWS::IAM::RolePolicy')) {
    attach(resource.Properties?.RoleName, { name: id, policy: documentOf(id, 'PolicyDocument') }, `${id}.RoleName`);
  }
  const managed = new Map(resourcesOfType(stack, 'AWS::IAM::ManagedPolicy').map(([id, resource]) => {
    const policy = { name: id, policy: documentOf(id, 'PolicyDocument') };
    attach(resource.Properties?.Roles, policy, `${id}.Roles`);
    return [id, policy] as const;
  }));
  const managedByArn = (arn: unknown, where: string): NamedPolicy => {
    const raw = arn as any;
    if (raw && typeof raw === 'object' && typeof raw.Ref === 'string' && managed.has(raw.Ref)) {
      return managed.get(raw.Ref)!;
    }
    const resolved = resolveValue(stack, raw, where);
    const awsManaged = AWS_MANAGED_POLICIES[String(resolved).replace(/^arn:[^:]+:/, 'arn:aws:')];
    if (awsManaged) {
      return awsManaged;
    }
    // A policy defined elsewhere (AWS managed, or another stack's) has a document this template does not hold.
    return unresolvable(where, `the document of managed policy ${JSON.stringify(resolved)} (not in this template)`);
  };

  return roleIds.map(id => {
    const props = stack.template.Resources![id].Properties ?? {};
    const inline = (props.Policies ?? []).map((p: any, i: number) => ({
      name: `${id}/${resolveValue(stack, p.PolicyName, `${id}.Policies[${i}].PolicyName`)}`,
      policy: resolveValue(stack, p.PolicyDocument, `${id}.Policies[${i}].PolicyDocument`),
    }));
    const managedArns: unknown[] = props.ManagedPolicyArns ?? [];
    const fromRole = managedArns.map((arn, i) => managedByArn(arn, `${id}.ManagedPolicyArns[${i}]`));
    const identityPolicies = [...inline, ...attached.get(id)!];
    for (const policy of fromRole) {
      if (!identityPolicies.includes(policy)) {
        identityPolicies.push(policy);
      }
    }
    return {
      logicalId: id,
      arn: roleArn(stack, id),
      account: stack.account,
      region: stack.region,
      partition: stack.partition ?? 'aws',
      trustPolicy: documentOf(id, 'AssumeRolePolicyDocument'),
      identityPolicies,
      permissionsBoundary: props.PermissionsBoundary === undefined
        ? undefined
        : managedByArn(props.PermissionsBoundary, `${id}.PermissionsBoundary`),
    };
  });
}

/** The roles of all the templates, by ARN. */
export function rolesOf(stacks: readonly StackTemplate[]): RoleIndex {
  const roles = new Map<string, TemplateRole>();
  for (const role of stacks.flatMap(extractRoles)) {
    if (roles.has(role.arn)) {
      throw new Error(`two templates define ${role.arn}: one of them would fail to deploy`);
    }
    roles.set(role.arn, role);
  }
  return roles;
}
