/**
 * The read calls the doctor makes in one account, with one set of credentials.
 * Only reads: `sts:AssumeRole` is made only when the user asks with `--assume`.
 * Credentials stay inside the SDK clients: nothing here returns or prints them.
 */
import {
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromIni, fromNodeProviderChain } from '@aws-sdk/credential-providers';
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
}

/** What the doctor reads in one account. */
export interface AwsAccount {
  /** Where the credentials come from, for messages: `profile source`, or `the default credential chain`. */
  readonly credentialsName: string;
  callerIdentity(): Promise<CallerIdentity>;
  /** The role, or `undefined` when IAM has no role of that name. */
  getRole(roleName: string): Promise<DeployedRole | undefined>;
  /** The names of the role's inline and attached managed policies. */
  policyNames(roleName: string): Promise<string[]>;
  simulateAssumeRole(roleArn: string, targetArn: string): Promise<AssumeRoleSimulation>;
  /** Assumes the role and returns who the new session is; the session's credentials never leave this call. */
  assumeRole(roleArn: string, sessionName: string, externalId?: string): Promise<CallerIdentity>;
}

export function sdkAccount(profile: string | undefined, partition: string): AwsAccount {
  const credentials = profile ? fromIni({ profile }) : fromNodeProviderChain();
  const region = endpointRegionOf(partition);
  if (!region) {
    throw new Error(`the doctor does not know the partition ${partition}: it cannot tell which IAM and STS endpoints serve it`);
  }
  const config = { region, credentials, maxAttempts: 2 };
  const iam = new IAMClient(config);
  const sts = new STSClient(config);
  return {
    credentialsName: profile ? `profile ${profile}` : 'the default credential chain',
    async callerIdentity() {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
    },
    async getRole(roleName) {
      try {
        const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
        return {
          arn: role!.Arn!,
          roleId: role!.RoleId!,
          trustPolicy: JSON.parse(decodeURIComponent(role!.AssumeRolePolicyDocument ?? '%7B%22Statement%22%3A%5B%5D%7D')),
          maxSessionDuration: role!.MaxSessionDuration ?? 3600,
          permissionsBoundaryArn: role!.PermissionsBoundary?.PermissionsBoundaryArn,
        };
      } catch (error) {
        if ((error as { name?: string }).name === 'NoSuchEntityException' || (error as { name?: string }).name === 'NoSuchEntity') {
          return undefined;
        }
        throw error;
      }
    },
    async policyNames(roleName) {
      const inline = await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
      return [...(inline.PolicyNames ?? []), ...(attached.AttachedPolicies ?? []).map(p => p.PolicyArn ?? p.PolicyName ?? '')];
    },
    async simulateAssumeRole(roleArn, targetArn) {
      const response = await iam.send(new SimulatePrincipalPolicyCommand({
        PolicySourceArn: roleArn,
        ActionNames: ['sts:AssumeRole'],
        ResourceArns: [targetArn],
      }));
      const result = response.EvaluationResults?.[0];
      return {
        decision: (result?.EvalDecision ?? 'implicitDeny') as SimulationDecision,
        matchedPolicies: [...new Set((result?.MatchedStatements ?? []).map(s => s.SourcePolicyId ?? ''))].filter(Boolean),
        allowedByPermissionsBoundary: result?.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
        allowedByOrganizations: result?.OrganizationsDecisionDetail?.AllowedByOrganizations,
      };
    },
    async assumeRole(roleArn, sessionName, externalId) {
      const { Credentials: session } = await sts.send(new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: sessionName,
        ExternalId: externalId,
        DurationSeconds: 900,
      }));
      const assumed = new STSClient({
        region,
        maxAttempts: 2,
        credentials: {
          accessKeyId: session!.AccessKeyId!,
          secretAccessKey: session!.SecretAccessKey!,
          sessionToken: session!.SessionToken,
        },
      });
      const identity = await assumed.send(new GetCallerIdentityCommand({}));
      return { account: identity.Account ?? '', arn: identity.Arn ?? '' };
    },
  };
}
