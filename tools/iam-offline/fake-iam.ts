/**
 * Loopback stand-ins for the IAM and STS query APIs the doctor calls, holding the
 * roles of synthesized templates as if they were deployed. Each request is answered
 * for the account of the access key it was signed with. 127.0.0.1 only.
 */
import { createHash } from 'crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { FakeEndpoint, RecordedRequest, Reply, signingAccessKeyId, startEndpoint } from './local-endpoint';
import { NamedPolicy, PolicyDocument, StackTemplate, extractRoles } from './template-roles';

/** Credentials the fakes know, and who they are. */
export interface FakeIdentity {
  readonly profile?: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly account: string;
  /** What sts:GetCallerIdentity answers. */
  readonly arn: string;
}

export interface FakeRole {
  arn: string;
  roleId: string;
  trustPolicy: PolicyDocument;
  /** Inline policies. */
  identityPolicies: NamedPolicy[];
  /** Managed policies attached to the role, each named by its ARN. */
  attachedPolicies?: NamedPolicy[];
  permissionsBoundary?: { readonly arn: string; readonly policy: PolicyDocument };
  maxSessionDuration: number;
}

export interface FakeAccounts {
  readonly identities: FakeIdentity[];
  roles: FakeRole[];
  /**
   * How iam:SimulatePrincipalPolicy answers: as IAM does, AccessDenied as to credentials
   * without the permission, or HTTP 500 with an HTML page as an emulator without it does.
   * @default 'available'
   */
  simulator?: 'available' | 'denied' | 'unimplemented';
  /** Actions (`GetRolePolicy`, ...) answered with AccessDenied. @default - none */
  deniedActions?: string[];
  /** Items per page of the list calls, to make the doctor page. @default 100 */
  pageSize?: number;
}

export interface FakeAws {
  readonly iam: FakeEndpoint;
  readonly sts: FakeEndpoint;
  readonly accounts: FakeAccounts;
  /** The Action of every request, IAM and STS, in order. */
  actions(): string[];
  close(): Promise<void>;
}

/** The calls that only read, as the doctor may make them. */
export const READ_ACTIONS = new Set([
  'GetRole', 'ListRolePolicies', 'GetRolePolicy', 'ListAttachedRolePolicies', 'GetPolicy', 'GetPolicyVersion',
  'SimulatePrincipalPolicy', 'GetCallerIdentity',
]);

/** A unique ID as IAM gives one to a role: `AROA` and 17 characters. */
export function roleIdOf(seed: string): string {
  return `AROA${createHash('sha256').update(seed).digest('hex').toUpperCase().slice(0, 17)}`;
}

/** The roles of synthesized templates, as IAM would hold them once deployed. */
export function fakeRolesOf(stacks: readonly StackTemplate[]): FakeRole[] {
  return stacks.flatMap(extractRoles).map(role => ({
    arn: role.arn,
    roleId: roleIdOf(role.arn),
    trustPolicy: role.trustPolicy,
    identityPolicies: role.identityPolicies,
    permissionsBoundary: role.permissionsBoundary && {
      arn: `arn:${role.partition}:iam::${role.account}:policy/${role.permissionsBoundary.name}`,
      policy: role.permissionsBoundary.policy,
    },
    maxSessionDuration: 3600,
  }));
}

const xmlEscape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function xmlReply(action: string, namespace: string, result: string): Reply {
  return {
    status: 200,
    contentType: 'text/xml',
    body: `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>`
      + `<ResponseMetadata><RequestId>fake-request</RequestId></ResponseMetadata></${action}Response>`,
  };
}

function errorReply(status: number, code: string, message: string): Reply {
  return {
    status,
    contentType: 'text/xml',
    body: `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>`
      + '<RequestId>fake-request</RequestId></ErrorResponse>',
  };
}

const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
const members = (values: string[]) => values.map(v => `<member>${xmlEscape(v)}</member>`).join('');
const roleNameOf = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const accountOf = (arn: string) => arn.split(':')[4];

type Effect = 'Allow' | 'Deny' | undefined;

function globMatch(pattern: string, value: string, ignoreCase = true): boolean {
  const source = pattern.split('').map(c => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

/** The conditions of a trust's statements: operator, lower-case key and the values, a string or a list. */
function trustConditions(trust: PolicyDocument): { operator: string; key: string; values: string[] }[] {
  return [trust.Statement].flat().flatMap((statement: any) => Object.entries<Record<string, unknown>>(statement.Condition ?? {})
    .flatMap(([operator, keys]) => Object.entries(keys)
      .map(([key, values]) => ({ operator, key: key.toLowerCase(), values: [values].flat().map(String) }))));
}

/**
 * A plain evaluation of Action and Resource. A statement with conditions does not apply, as in
 * IAM's simulator called without context values, which lists their keys as missing.
 */
function decide(documents: readonly NamedPolicy[], action: string, resource: string): { effect: Effect; matched: string[]; missing: string[] } {
  let effect: Effect;
  const matched: string[] = [];
  const missing: string[] = [];
  for (const { name, policy } of documents) {
    for (const statement of [policy.Statement].flat()) {
      const actionMatches = statement.NotAction
        ? ![statement.NotAction].flat().some((a: string) => globMatch(a, action))
        : [statement.Action ?? []].flat().some((a: string) => globMatch(a, action));
      const resourceMatches = statement.NotResource
        ? ![statement.NotResource].flat().some((r: string) => globMatch(r, resource))
        : [statement.Resource ?? []].flat().some((r: string) => globMatch(r, resource));
      if (actionMatches && resourceMatches && statement.Condition) {
        missing.push(...Object.values<Record<string, unknown>>(statement.Condition).flatMap(keys => Object.keys(keys)));
      }
      if (!actionMatches || !resourceMatches || statement.Condition) {
        continue;
      }
      if (statement.Effect === 'Deny') {
        return { effect: 'Deny', matched: [name], missing: [] };
      }
      effect = 'Allow';
      matched.push(name);
    }
  }
  return { effect, matched, missing: [...new Set(missing)] };
}

function simulatePrincipalPolicy(role: FakeRole, action: string, resource: string) {
  const identity = decide([...role.identityPolicies, ...role.attachedPolicies ?? []], action, resource);
  const boundary = role.permissionsBoundary
    ? decide([{ name: role.permissionsBoundary.arn, policy: role.permissionsBoundary.policy }], action, resource)
    : undefined;
  const decision = identity.effect === 'Deny' || boundary?.effect === 'Deny'
    ? 'explicitDeny'
    : identity.effect === 'Allow' && (!boundary || boundary.effect === 'Allow') ? 'allowed' : 'implicitDeny';
  return { decision, matched: identity.matched, allowedByBoundary: boundary && boundary.effect === 'Allow', missing: identity.missing };
}

/** The keys IAM's simulator lists as missing: only when its decision is not `allowed`. */
const decisionMissing = (result: ReturnType<typeof simulatePrincipalPolicy>) => result.decision === 'allowed' ? [] : result.missing;

export async function startFakeAws(accounts: FakeAccounts): Promise<FakeAws> {
  const actions: string[] = [];
  const identityOf = (request: RecordedRequest) => accounts.identities.find(i => i.accessKeyId === signingAccessKeyId(request));
  const roleIn = (account: string, name: string) => accounts.roles.find(r => accountOf(r.arn) === account && roleNameOf(r.arn) === name);

  /** A query API endpoint that records each action and answers only callers signing with a known key. */
  const queryEndpoint = (answer: (params: Record<string, string>, caller: FakeIdentity) => Reply) => startEndpoint(request => {
    const params = Object.fromEntries(new URLSearchParams(request.body));
    actions.push(params.Action);
    const caller = identityOf(request);
    return caller
      ? answer(params, caller)
      : errorReply(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  });

  /** One page of `items`, from the Marker (an index) the request gives. */
  const page = (params: Record<string, string>, items: string[]) => {
    const start = Number(params.Marker ?? 0);
    const size = accounts.pageSize ?? 100;
    const next = start + size < items.length ? start + size : undefined;
    return { items: items.slice(start, start + size), more: next !== undefined ? `<IsTruncated>true</IsTruncated><Marker>${next}</Marker>` : '<IsTruncated>false</IsTruncated>' };
  };
  const managedPolicy = (arn: string) => accounts.roles
    .flatMap(r => [
      ...r.attachedPolicies ?? [],
      ...r.permissionsBoundary ? [{ name: r.permissionsBoundary.arn, policy: r.permissionsBoundary.policy }] : [],
    ])
    .find(p => p.name === arn);

  const iam = await queryEndpoint((params, caller) => {
    if (accounts.deniedActions?.includes(params.Action)) {
      return errorReply(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: iam:${params.Action}`);
    }
    if (params.Action === 'SimulatePrincipalPolicy' && accounts.simulator === 'denied') {
      return errorReply(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${params.PolicySourceArn}`);
    }
    if (params.Action === 'SimulatePrincipalPolicy' && accounts.simulator === 'unimplemented') {
      return { status: 500, contentType: 'text/html', body: '<!doctype html><html><head><title>500 Internal Server Error</title></head><body></body></html>' };
    }
    if (params.Action === 'GetPolicy' || params.Action === 'GetPolicyVersion') {
      const policy = managedPolicy(params.PolicyArn);
      if (!policy) {
        return errorReply(404, 'NoSuchEntity', `Policy ${params.PolicyArn} does not exist or is not attachable.`);
      }
      return params.Action === 'GetPolicy'
        ? xmlReply('GetPolicy', IAM_NAMESPACE, `<Policy><Arn>${xmlEscape(policy.name)}</Arn><DefaultVersionId>v3</DefaultVersionId></Policy>`)
        : params.VersionId !== 'v3'
          ? errorReply(404, 'NoSuchEntity', `Policy ${params.PolicyArn} version ${params.VersionId} does not exist.`)
          : xmlReply('GetPolicyVersion', IAM_NAMESPACE, '<PolicyVersion><VersionId>v3</VersionId><IsDefaultVersion>true</IsDefaultVersion>'
            + `<Document>${encodeURIComponent(JSON.stringify(policy.policy))}</Document></PolicyVersion>`);
    }
    const role = params.RoleName ? roleIn(caller.account, params.RoleName) : undefined;
    if (params.RoleName && !role) {
      return errorReply(404, 'NoSuchEntity', `The role with name ${params.RoleName} cannot be found.`);
    }
    switch (params.Action) {
      case 'GetRole': return xmlReply('GetRole', IAM_NAMESPACE, `<Role><Path>${xmlEscape(role!.arn.replace(/^[^/]*(\/(?:.*\/)?)[^/]*$/, '$1'))}</Path>`
        + `<Arn>${xmlEscape(role!.arn)}</Arn><RoleName>${xmlEscape(params.RoleName)}</RoleName><RoleId>${role!.roleId}</RoleId>`
        + `<AssumeRolePolicyDocument>${encodeURIComponent(JSON.stringify(role!.trustPolicy))}</AssumeRolePolicyDocument>`
        + `<CreateDate>2026-01-01T00:00:00Z</CreateDate><MaxSessionDuration>${role!.maxSessionDuration}</MaxSessionDuration>`
        + (role!.permissionsBoundary ? '<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>'
          + `<PermissionsBoundaryArn>${xmlEscape(role!.permissionsBoundary.arn)}</PermissionsBoundaryArn></PermissionsBoundary>` : '')
        + '</Role>');
      case 'ListRolePolicies': {
        const { items, more } = page(params, role!.identityPolicies.map(p => p.name));
        return xmlReply('ListRolePolicies', IAM_NAMESPACE, `<PolicyNames>${members(items)}</PolicyNames>${more}`);
      }
      case 'ListAttachedRolePolicies': {
        const { items, more } = page(params, (role!.attachedPolicies ?? []).map(p => p.name));
        return xmlReply('ListAttachedRolePolicies', IAM_NAMESPACE, `<AttachedPolicies>${items.map(arn => `<member><PolicyName>${xmlEscape(arn.slice(arn.lastIndexOf('/') + 1))}`
          + `</PolicyName><PolicyArn>${xmlEscape(arn)}</PolicyArn></member>`).join('')}</AttachedPolicies>${more}`);
      }
      case 'GetRolePolicy': {
        const policy = role!.identityPolicies.find(p => p.name === params.PolicyName);
        return policy
          ? xmlReply('GetRolePolicy', IAM_NAMESPACE, `<RoleName>${xmlEscape(params.RoleName)}</RoleName><PolicyName>${xmlEscape(policy.name)}</PolicyName>`
            + `<PolicyDocument>${encodeURIComponent(JSON.stringify(policy.policy))}</PolicyDocument>`)
          : errorReply(404, 'NoSuchEntity', `The role policy with name ${params.PolicyName} cannot be found.`);
      }
      case 'SimulatePrincipalPolicy': {
        const source = accounts.roles.find(r => r.arn === params.PolicySourceArn);
        if (!source || accountOf(source.arn) !== caller.account) {
          return errorReply(404, 'NoSuchEntity', `${params.PolicySourceArn} cannot be found.`);
        }
        const action = params['ActionNames.member.1'];
        const resource = params['ResourceArns.member.1'];
        const result = simulatePrincipalPolicy(source, action, resource);
        return xmlReply('SimulatePrincipalPolicy', IAM_NAMESPACE, '<IsTruncated>false</IsTruncated><EvaluationResults><member>'
          + `<EvalActionName>${xmlEscape(action)}</EvalActionName><EvalResourceName>${xmlEscape(resource)}</EvalResourceName>`
          + `<EvalDecision>${result.decision}</EvalDecision>`
          + `<MatchedStatements>${result.matched.map(id => `<member><SourcePolicyId>${xmlEscape(id)}</SourcePolicyId>`
            + '<SourcePolicyType>IAM Policy</SourcePolicyType></member>').join('')}</MatchedStatements><MissingContextValues>${members(decisionMissing(result))}</MissingContextValues>`
          + (result.allowedByBoundary === undefined ? '' : '<PermissionsBoundaryDecisionDetail><AllowedByPermissionsBoundary>'
            + `${result.allowedByBoundary}</AllowedByPermissionsBoundary></PermissionsBoundaryDecisionDetail>`)
          + '</member></EvaluationResults>');
      }
      default: return errorReply(400, 'InvalidAction', `${params.Action} is not served by this fake`);
    }
  });

  const sts = await queryEndpoint((params, caller) => {
    if (params.Action === 'GetCallerIdentity') {
      return xmlReply('GetCallerIdentity', STS_NAMESPACE,
        `<Arn>${xmlEscape(caller.arn)}</Arn><UserId>AROAFAKECALLER:doctor</UserId><Account>${caller.account}</Account>`);
    }
    if (params.Action !== 'AssumeRole') {
      return errorReply(400, 'InvalidAction', `${params.Action} is not served by this fake`);
    }
    // A rough judge, enough for the chains under test: IAM's real decision is what the doctor's other checks predict.
    const callerRole = accounts.roles.find(r => r.arn === caller.arn.replace(':sts::', ':iam::').replace(/:assumed-role\/([^/]+)\/.*$/, ':role/$1'));
    const target = accounts.roles.find(r => r.arn === params.RoleArn);
    const trust = JSON.stringify(target?.trustPolicy ?? {});
    const conditions = target ? trustConditions(target.trustPolicy) : [];
    // Every external ID condition must list the one sent; every session-name condition must match the name sent.
    const externalIdMet = conditions.filter(c => c.key === 'sts:externalid').every(c => c.values.includes(params.ExternalId));
    const sessionNameMet = conditions.filter(c => c.key === 'sts:rolesessionname').every(c => c.values.some(v => /like/i.test(c.operator)
      ? globMatch(v, params.RoleSessionName ?? '', false)
      : v === params.RoleSessionName));
    if (!callerRole || !target || simulatePrincipalPolicy(callerRole, 'sts:AssumeRole', target.arn).decision !== 'allowed'
      || !trust.includes(callerRole.arn) || !externalIdMet || !sessionNameMet) {
      return errorReply(403, 'AccessDenied', `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${params.RoleArn}`);
    }
    const session = {
      profile: undefined,
      accessKeyId: 'ASIAASSUMEDBYDOCTOR1',
      secretAccessKey: 'assumed-session-secret-do-not-print',
      account: accountOf(target.arn),
      arn: `arn:aws:sts::${accountOf(target.arn)}:assumed-role/${roleNameOf(target.arn)}/${params.RoleSessionName}`,
    };
    accounts.identities.push(session);
    return xmlReply('AssumeRole', STS_NAMESPACE, `<AssumedRoleUser><Arn>${session.arn}</Arn><AssumedRoleId>${target.roleId}:${params.RoleSessionName}</AssumedRoleId>`
      + `</AssumedRoleUser><Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId><SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>`
      + '<SessionToken>assumed-session-token-do-not-print</SessionToken>'
      + `<Expiration>${new Date(Date.now() + 900_000).toISOString()}</Expiration></Credentials>`);
  });

  return {
    iam,
    sts,
    accounts,
    actions: () => [...actions],
    close: async () => {
      await iam.close();
      await sts.close();
    },
  };
}

/**
 * The environment of a doctor run against `fake`: a credentials file with a profile for
 * each identity that has one, the default credential chain as `defaultIdentity`, and
 * IAM and STS at the fakes.
 */
export function doctorEnvironment(fake: FakeAws, defaultIdentity: FakeIdentity): { env: Record<string, string>; cleanup: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'doctor-profiles-'));
  const credentials = fake.accounts.identities.filter(i => i.profile)
    .map(i => `[${i.profile}]\naws_access_key_id = ${i.accessKeyId}\naws_secret_access_key = ${i.secretAccessKey}\n`).join('\n');
  writeFileSync(join(directory, 'credentials'), credentials);
  writeFileSync(join(directory, 'config'), '');
  return {
    env: {
      AWS_SHARED_CREDENTIALS_FILE: join(directory, 'credentials'),
      AWS_CONFIG_FILE: join(directory, 'config'),
      AWS_ACCESS_KEY_ID: defaultIdentity.accessKeyId,
      AWS_SECRET_ACCESS_KEY: defaultIdentity.secretAccessKey,
      AWS_ENDPOINT_URL_IAM: fake.iam.url,
      AWS_ENDPOINT_URL_STS: fake.sts.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  };
}
