/**
 * The read calls the doctor makes in one account, with one set of credentials.
 * Only reads: `sts:AssumeRole` is made only when the user asks with `--assume`.
 * Credentials stay inside the SDK clients: nothing here returns or prints them.
 */
import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { type AwsCallFailure, describeFailure } from './aws-failures';
import { endpointRegionOf } from './partitions';
import type { PolicyDocument } from './trust-policy';

export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
}

export interface DeployedRole {
  readonly arn: string;
  readonly roleId: string;
  readonly trustPolicy: PolicyDocument;
  readonly maxSessionDuration: number;
  readonly permissionsBoundaryArn?: string;
}

export type SimulationDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

export interface AssumeRoleSimulation {
  readonly decision: SimulationDecision;
  /** The policies whose statements decided, as IAM names them. */
  readonly matchedPolicies: string[];
  /** `false` when a permissions boundary does not allow the call. */
  readonly allowedByPermissionsBoundary?: boolean;
  /** `false` when a service control policy does not allow the call. */
  readonly allowedByOrganizations?: boolean;
  /** Condition keys the simulator needed and was not given. */
  readonly missingContextValues?: string[];
}

/** What the doctor reads in one account. */
export interface AwsAccount {
  /** Where the credentials come from, for messages: `profile source`, or `the default credential chain`. */
  readonly credentialsName: string;
  /** The profile given for this side, if any. */
  readonly profile?: string;
  callerIdentity(): Promise<CallerIdentity>;
  /** The role, or `undefined` when IAM has no role of that name. */
  getRole(roleName: string): Promise<DeployedRole | undefined>;
  /** The names of the role's inline policies (every page). */
  inlinePolicyNames(roleName: string): Promise<string[]>;
  /** The ARNs of the managed policies attached to the role (every page). */
  attachedPolicyArns(roleName: string): Promise<string[]>;
  /** One inline policy of the role. */
  inlinePolicy(roleName: string, policyName: string): Promise<PolicyDocument>;
  /** The default version of a managed policy. */
  managedPolicy(policyArn: string): Promise<PolicyDocument>;
  simulateAssumeRole(roleArn: string, targetArn: string): Promise<AssumeRoleSimulation>;
  /** Assumes the role and returns who the new session is; the session's credentials never leave this call. */
  assumeRole(roleArn: string, sessionName: string, externalId?: string): Promise<CallerIdentity>;
}

export interface AccountOptions {
  /** Seconds to wait for a connection, and for each answer. */
  readonly timeoutSeconds: number;
}

/** The default of `--timeout`. */
export const DEFAULT_TIMEOUT_SECONDS = 5;

/** An error of a call to AWS, sorted by what the user can do about it. */
export class AwsCallError extends Error {
  constructor(readonly action: string, readonly failure: AwsCallFailure, options: { cause: unknown }) {
    super(`${action}: ${failure.summary}`, options);
    this.name = 'AwsCallError';
  }
}

/** IAM returns policy documents URL-encoded; an emulator may not. */
function parseDocument(text: string | undefined, what: string): PolicyDocument {
  const raw = text ?? '';
  for (const candidate of [raw, safeDecode(raw)]) {
    try {
      const document = JSON.parse(candidate);
      if (document && typeof document === 'object') {
        return document;
      }
    } catch {
      // Try the next reading.
    }
  }
  throw new Error(`${what} is not a JSON policy document: ${raw.slice(0, 40)}${raw.length > 40 ? '...' : ''}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The credentials of one profile, resolved once for every client of the account: a profile
 * with `role_arn` then calls sts:AssumeRole once, and a failure is not repeated for each call.
 */
function sharedCredentials(provider: () => Promise<{ expiration?: Date }>) {
  let current: Promise<{ expiration?: Date }> | undefined;
  let expiresAt = Infinity;
  return async () => {
    if (!current || expiresAt - Date.now() < 60_000) {
      current = provider();
      current.then(c => expiresAt = c.expiration?.getTime() ?? Infinity, () => undefined);
    }
    return current as Promise<any>;
  };
}

export function sdkAccount(profile: string | undefined, partition: string,
  options: AccountOptions = { timeoutSeconds: DEFAULT_TIMEOUT_SECONDS }): AwsAccount {
  const region = endpointRegionOf(partition);
  if (!region) {
    throw new Error(`the doctor does not know the partition ${partition}: it cannot tell which IAM and STS endpoints serve it`);
  }
  const timeout = options.timeoutSeconds * 1000;
  const requestHandler = { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true };
  // The STS client a profile with role_arn uses gets the same timeouts.
  const clientConfig = { region, requestHandler, maxAttempts: 2 };
  const credentials = sharedCredentials(profile
    ? fromIni({ profile, clientConfig })
    : fromNodeProviderChain({ clientConfig, timeout, maxRetries: 1 }));
  const config = { region, credentials, maxAttempts: 2, requestHandler };
  const iam = new IAMClient(config);
  // A simulator that is not there (an emulator answers HTTP 500) is not asked twice.
  const simulator = new IAMClient({ ...config, maxAttempts: 1 });
  const sts = new STSClient(config);
  const context = { profile, timeoutSeconds: options.timeoutSeconds, region };
  const call = async <T>(action: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new AwsCallError(action, describeFailure(error, context), { cause: error });
    }
  };
  /** Every page of a list call that pages with Marker and IsTruncated. */
  const allPages = async <T>(action: string, page: (marker?: string) => Promise<{ items: T[]; marker?: string }>): Promise<T[]> => {
    const items: T[] = [];
    let marker: string | undefined;
    do {
      const result = await call(action, () => page(marker));
      items.push(...result.items);
      marker = result.marker;
    } while (marker);
    return items;
  };
  return {
    credentialsName: profile ? `profile ${profile}` : 'the default credential chain',
    profile,
    async callerIdentity() {
      const identity = await call('sts:GetCallerIdentity', () => sts.send(new GetCallerIdentityCommand({})));
      return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
    },
    async getRole(roleName) {
      let role;
      try {
        ({ Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName })));
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchEntityException' || (error as { name?: string }).name === 'NoSuchEntity') {
          return undefined;
        }
        throw new AwsCallError('iam:GetRole', describeFailure(error, context), { cause: error });
      }
      return {
        arn: role!.Arn!,
        roleId: role!.RoleId!,
        trustPolicy: parseDocument(role!.AssumeRolePolicyDocument ?? '{"Statement":[]}', `the trust policy of ${roleName}`),
        maxSessionDuration: role!.MaxSessionDuration ?? 3600,
        permissionsBoundaryArn: role!.PermissionsBoundary?.PermissionsBoundaryArn,
      };
    },
    inlinePolicyNames: roleName => allPages('iam:ListRolePolicies', async marker => {
      const page = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
      return { items: page.PolicyNames ?? [], marker: page.IsTruncated ? page.Marker : undefined };
    }),
    attachedPolicyArns: roleName => allPages('iam:ListAttachedRolePolicies', async marker => {
      const page = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName, Marker: marker }));
      return { items: (page.AttachedPolicies ?? []).map(p => p.PolicyArn ?? ''), marker: page.IsTruncated ? page.Marker : undefined };
    }),
    async inlinePolicy(roleName, policyName) {
      const policy = await call('iam:GetRolePolicy', () => iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName })));
      return parseDocument(policy.PolicyDocument, `the inline policy ${policyName} of ${roleName}`);
    },
    async managedPolicy(policyArn) {
      const { Policy: policy } = await call('iam:GetPolicy', () => iam.send(new GetPolicyCommand({ PolicyArn: policyArn })));
      const { PolicyVersion: version } = await call('iam:GetPolicyVersion',
        () => iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: policy?.DefaultVersionId })));
      return parseDocument(version?.Document, `the policy ${policyArn}`);
    },
    async simulateAssumeRole(roleArn, targetArn) {
      const response = await call('iam:SimulatePrincipalPolicy', () => simulator.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['sts:AssumeRole'],
        ResourceArns: [targetArn],
      })));
      const result = response.EvaluationResults?.[0];
      if (!result?.EvalDecision) {
        throw new AwsCallError('iam:SimulatePrincipalPolicy', { kind: 'unsupported', summary: 'the answer holds no decision' }, { cause: undefined });
      }
      return {
        decision: result.EvalDecision as SimulationDecision,
        matchedPolicies: [...new Set((result.MatchedStatements ?? []).map(s => s.SourcePolicyId ?? ''))].filter(Boolean),
        allowedByPermissionsBoundary: result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
        allowedByOrganizations: result.OrganizationsDecisionDetail?.AllowedByOrganizations,
        missingContextValues: result.MissingContextValues ?? [],
      };
    },
    async assumeRole(roleArn, sessionName, externalId) {
      const { Credentials: session } = await call('sts:AssumeRole', () => sts.send(new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        ExternalId: externalId,
        DurationSeconds: 900,
      })));
      const assumed = new STSClient({
        region,
        maxAttempts: 2,
        requestHandler,
        credentials: {
          accessKeyId: session!.AccessKeyId!,
          secretAccessKey: session!.SecretAccessKey!,
          sessionToken: session!.SessionToken,
        },
      });
      const identity = await call('sts:GetCallerIdentity', () => assumed.send(new GetCallerIdentityCommand({})));
      return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
    },
  };
}
