import { CfnResource, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { statementsOf } from './iam-matching';
import { renderLikeIam } from './policy-size';
import { cfnRoleOf } from './precreated';
import { MAX_BRANCHES, alternativesOf } from './statement-branches';
import { templatePropertiesOf } from './template-properties';
import { Finding, WARNINGS, report } from './warnings';

/**
 * The checks of a role's trust policy as the template will hold it: principals
 * that admit more than named roles, identity providers without a condition that
 * names the intended identities, principals known only at deploy time, and ECS
 * statements without the confused-deputy conditions.
 */

/**
 * Warns, once the app is complete, about the role's trust policy as its template
 * will hold it (see `trustFindings()`).
 */
export function addWholeAccountTrustCheck(role: iam.Role): void {
  role.node.addValidation({
    validate: () => {
      report(role, trustFindings(Stack.of(role), deployedTrustPolicy(role)));
      return [];
    },
  });
}

/**
 * What a trust policy admits beyond named roles: statements that admit everyone or
 * every principal of an account without a limiting `aws:PrincipalArn` condition that
 * names roles; identity providers without a condition that names the intended
 * identities; principals known only at deploy time. Every form aws-cdk-lib renders is
 * read: `"*"` (`StarPrincipal`), `{"AWS": "*"}` (`AnyPrincipal`,
 * `OrganizationPrincipal`), an account ID or root ARN (`AccountPrincipal`,
 * `AccountRootPrincipal`, `ArnPrincipal`), each of a `CompositePrincipal`, and
 * `NotPrincipal`, which admits everyone but the principals it lists. Each branch of
 * an `Fn::If` is read (`statementsOf()`); a statement made of another CloudFormation
 * function cannot be, and is said so.
 *
 * @param trust the trust policy as IAM will read it (`renderLikeIam()`)
 */
export function trustFindings(stack: Stack, trust: any): Finding[] {
  const findings: Finding[] = [];
  for (const statement of statementsOf(trust)) {
    const made = Object.keys(statement).filter(key => key === 'Ref' || key.startsWith('Fn::'));
    if (made.length > 0) {
      findings.push({
        id: WARNINGS.unknownTrustPrincipal,
        message: `a statement of the trust policy is made of ${made.join(', ')}, which cannot be read at synth: what it admits cannot be checked. `
          + `Write the statement out (each branch of an Fn::If is read, up to ${MAX_BRANCHES.toLocaleString('en-US')} combinations in a statement).`,
      });
      continue;
    }
    if (statement.Effect !== 'Allow') {
      continue;
    }
    const functions = Object.keys(Object(statement.Condition)).filter(key => key.startsWith('Fn::'));
    if (functions.length > 0) {
      // A template brought in with cloudformation-include may hold one; nothing in it can be read as a limit.
      findings.push({
        id: WARNINGS.unknownTrustPrincipal,
        message: `a statement of the trust policy has a Condition made of ${functions.join(', ')}, a CloudFormation function rather than `
          + 'condition operators: what it admits cannot be checked at synth, and IAM reads only condition operators there. '
          + 'Write the conditions as operators (StringEquals, ArnLike, ...), each of which must hold.',
      });
      continue;
    }
    const admitted = wideningPrincipals(statement);
    if (admitted.length > 0 && !conditionsNameRoles(statement.Condition ?? {})) {
      findings.push({
        id: WARNINGS.wholeAccountTrust,
        message: `the trust policy admits every principal of ${admitted.join(', ')} that is allowed sts:AssumeRole there, `
          + 'not only the intended roles: trust the roles (RoleReference) or add an aws:PrincipalArn condition '
          + 'that names them (with an account, or a wildcard account limited by aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalAccount).',
      });
    }
    // The branches of an Fn::If that name the same kind of provider are one finding.
    const providers = unconditionedProviders(stack, statement);
    for (const fix of new Set(providers.map(p => p.fix))) {
      findings.push({
        id: WARNINGS.wholeAccountTrust,
        message: `the trust policy admits every identity of ${providers.filter(p => p.fix === fix).map(p => p.shown).join(' or ')}, `
          + `with no condition on the provider's keys that names the intended identities: ${fix}.`,
      });
    }
    const unknown = unknownPrincipals(stack, statement);
    if (unknown.length > 0 && !conditionsNameRoles(statement.Condition ?? {})) {
      findings.push({
        id: WARNINGS.unknownTrustPrincipal,
        message: `the trust policy admits ${unknown.join(', ')}, known only at deploy time (a parameter, an import, or another value `
          + 'CloudFormation resolves): it cannot be checked at synth that it names a role rather than a whole account or everyone. '
          + 'Name the principal with a value known at synth (a RoleReference, a literal ARN), or add an aws:PrincipalArn condition '
          + 'that names the roles.',
      });
    }
  }
  return findings;
}

/**
 * The trust policy as the role's template will hold it: with the overrides of its
 * `CfnRole` (`addPropertyOverride('AssumeRolePolicyDocument...')`), which replace
 * what `assumeRolePolicy` says. A role that stands for a precreated role has none;
 * a role whose resource cannot be rendered (an empty trust, which its own validation
 * reports) is read from `assumeRolePolicy`.
 */
function deployedTrustPolicy(role: iam.Role): any {
  const stack = Stack.of(role);
  const cfnRole = cfnRoleOf(role);
  try {
    return templateTrustPolicy(cfnRole!);
  } catch {
    return renderLikeIam(stack, role.assumeRolePolicy);
  }
}

/** The trust policy of a `CfnRole` as its template holds it, overrides included, as IAM will read it. */
export function templateTrustPolicy(cfnRole: iam.CfnRole): any {
  return renderLikeIam(Stack.of(cfnRole), templatePropertiesOf(cfnRole).AssumeRolePolicyDocument);
}

/**
 * Warns, once the app is complete, about a statement of the trust policy that lets
 * `ecs-tasks.amazonaws.com` assume the role without `aws:SourceAccount` and
 * `aws:SourceArn` conditions that name an account: the statements of a policy are
 * OR-ed, so one such statement (added with `assumeRolePolicy.addStatements()` or an
 * override) undoes the confused-deputy guard of the role's own statement.
 */
export function addEcsTrustGuardCheck(role: iam.Role): void {
  role.node.addValidation({
    validate: () => {
      report(role, unguardedServiceStatements(deployedTrustPolicy(role), [ECS_TASKS]).map(() => ({
        id: WARNINGS.confusedDeputyGuardOff,
        message: 'a statement of the trust policy lets ecs-tasks.amazonaws.com assume this role without aws:SourceAccount and aws:SourceArn '
          + 'conditions that name an account: the statements of a policy are OR-ed, so it undoes the confused-deputy guard of the '
          + 'role\'s own statement, and ECS may assume the role for a task of any account or Region '
          + '(https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Put both conditions on that statement, or remove it.',
      })));
      return [];
    },
  });
}

/**
 * A service that AWS documents to send `aws:SourceAccount` and `aws:SourceArn` when
 * it assumes a role, with the trust policy that checks them: `arnService` is the
 * service of the ARNs it sends as `aws:SourceArn`.
 */
export interface GuardedService {
  readonly principal: string;
  readonly arnService: string;
  readonly see: string;
}

export const ECS_TASKS: GuardedService = {
  principal: 'ecs-tasks.amazonaws.com',
  arnService: 'ecs',
  see: 'https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-iam-roles.html#create_task_iam_policy_and_role',
};

/**
 * The services of `services` that a statement of the trust policy lets assume the
 * role without `aws:SourceAccount` and `aws:SourceArn` conditions that name an
 * account, once per statement.
 */
export function unguardedServiceStatements(trust: any, services: readonly GuardedService[]): GuardedService[] {
  return statementsOf(trust).flatMap(statement => {
    if (statement.Effect !== 'Allow') {
      return [];
    }
    // By the service's name: a principal may end in another domain (amazonaws.com.cn).
    const names = [statement.Principal?.Service ?? []].flat().filter((p: unknown) => typeof p === 'string').map((p: string) => p.split('.')[0]);
    return services.filter(service => names.includes(service.principal.split('.')[0]) && !hasConfusedDeputyConditions(statement.Condition ?? {}, service));
  });
}

/** Whether the conditions hold `aws:SourceAccount` and `aws:SourceArn`, each naming an account, with an operator that needs the key. */
function hasConfusedDeputyConditions(condition: Record<string, Record<string, unknown>>, service: GuardedService): boolean {
  const entries = limitingEntries(condition);
  const all = (key: RegExp, value: RegExp) => entries.some(([k, v]) => key.test(k) && [v].flat().every(x => typeof x === 'string' && value.test(x)));
  return all(/^aws:SourceAccount$/i, /^\d{12}$/) && all(/^aws:SourceArn$/i, new RegExp(`^arn:[^:*?]+:${service.arnService}:[^:]*:\\d{12}:`));
}

/** The principals of a statement that stand for more than named roles, as the message shows them. */
function wideningPrincipals(statement: any): string[] {
  if (statement.NotPrincipal !== undefined) {
    return [`* except ${JSON.stringify(statement.NotPrincipal)} (NotPrincipal)`];
  }
  const principal = statement.Principal;
  if (principal === '*') {
    return ['*'];
  }
  // A policy read from JSON may give an account as a number; a CloudFormation function is an object, and no account.
  return alternativesOf(principal?.AWS).map(String).filter(isWholeAccount);
}

function isWholeAccount(principal: string): boolean {
  // An account that is a CloudFormation parameter renders inside the ARN as its JSON.
  return principal === '*' || /^\d{12}$/.test(principal) || /^arn:[^:]+:iam::.*:root$/.test(principal);
}

/**
 * The operators that limit a request to the values given: each needs the key in the
 * request. Not `ForAllValues:`, nor `...IfExists`, which are true when the key is
 * absent (as `aws:PrincipalOrgID` is for every account outside an organization,
 * which anyone can create), nor the negated ones.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
 */
const LIMITING = /^(ForAnyValue:)?(ArnEquals|ArnLike|StringEquals|StringLike)$/;

/** The keys and values of the conditions whose operator limits the request. */
function limitingEntries(condition: Record<string, Record<string, unknown>>): Array<[string, unknown]> {
  return Object.entries(condition)
    .filter(([operator]) => LIMITING.test(operator))
    .flatMap(([, keys]) => Object.entries(Object(keys)));
}

/**
 * Whether a condition has values and each is a string that passes `names`: an empty
 * list names nothing, and one value that does not limit the key undoes the others
 * (the values of a key are OR-ed).
 */
function everyValueNames(value: unknown, names: (value: string) => boolean): boolean {
  const values = [value].flat();
  return values.length > 0 && values.every(v => typeof v === 'string' && names(v));
}

/** Whether every value of a condition names something: a string with a character that is not a wildcard. */
function namesSomething(value: unknown): boolean {
  return everyValueNames(value, v => v.replace(/[*?]/g, '').length > 0);
}

const GITHUB_ACTIONS = 'token.actions.githubusercontent.com';

/**
 * Whether a subject of GitHub Actions names an owner: every subject the value can
 * match starts with `repo:<owner>/`, the owner written out, with no wildcard (anyone
 * can create an owner that a wildcard matches; `rep*` or `*:*` match every owner).
 * A subject in another form comes from a customized subject template, which the
 * owner of any repository can set for it, so it names no owner. `StringEquals`
 * takes the same rule: a wildcard is a character there, so an owner written with
 * one names an owner GitHub does not allow, and is reported rather than read two ways.
 *
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#example-subject-claims
 */
function namesGitHubSubject(value: unknown): boolean {
  return everyValueNames(value, v => /^repo:[^*?/:${}]+\//.test(v));
}

const COGNITO_IDENTITY = 'cognito-identity.';

/**
 * The keys of a web identity provider that name an application or a user: `aud`,
 * `oaud` and `sub` (Google, Amazon Cognito), `app_id`, `id` and `user_id` (Facebook,
 * Login with Amazon). Not `amr`, which says how an identity signed in.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
const WEB_IDENTITY_KEYS = ['aud', 'oaud', 'sub', 'app_id', 'id', 'user_id'];

/**
 * Whether every value names an identity pool of Amazon Cognito: `<region>:<ID>`
 * with no wildcard, or a reference to an identity pool of the stack (whose `Ref` is
 * its ID), as `FederatedPrincipal` conditions are written in an app.
 */
function namesIdentityPool(stack: Stack, value: unknown): boolean {
  const values = [value].flat();
  return values.length > 0 && values.every(v => (typeof v === 'string' && /^[\w-]+:[\w-]+$/.test(v))
    || (typeof Object(v).Ref === 'string' && resourceReferencedBy(stack, v)?.cfnResourceType === 'AWS::Cognito::IdentityPool'));
}

/**
 * The identity providers (web identity, OpenID Connect, SAML) a statement trusts
 * without a limiting condition that names the intended identities: every identity
 * they issue would be admitted. An OpenID Connect provider of IAM needs its subject
 * (`<issuer>:sub`): its audience is its client ID, the same for every identity it
 * issues (`sts.amazonaws.com` for GitHub Actions and EKS). A SAML provider needs
 * one of its keys (`SAML:aud`, ...). Amazon Cognito needs its identity pools
 * (`cognito-identity.amazonaws.com:aud`, each written out): `amr` (`authenticated`)
 * holds for an identity of any pool of any account. Another web identity provider
 * (Google, ...) needs one of its keys that name an application or a user
 * (`WEB_IDENTITY_KEYS`). A provider of the app (`iam.OpenIdConnectProvider`,
 * `iam.OidcProviderNative`, `iam.SamlProvider`) is found by its reference.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-wif
 */
function unconditionedProviders(stack: Stack, statement: any): Array<{ shown: string; fix: string }> {
  const entries = limitingEntries(statement.Condition ?? {}).map(([key, value]): [string, unknown] => [key.toLowerCase(), value]);
  const limitedBy = (accepts: (key: string) => boolean, names: (value: unknown) => boolean = namesSomething) =>
    entries.some(([key, value]) => accepts(key) && names(value));
  return alternativesOf(statement.Principal?.Federated).flatMap((federated: unknown) => {
    const provider = providerOf(stack, federated);
    if (provider === undefined) {
      // Neither a provider named at synth nor one of the app: reported as a principal known only at deploy time.
      return [];
    }
    const shown = typeof federated === 'string' ? federated : `${provider.kind === 'saml' ? 'SAML' : 'OpenID Connect'} provider ${provider.path}`;
    if (provider.kind === 'saml') {
      return limitedBy(key => key.startsWith('saml:')) ? []
        : [{ shown, fix: 'add a condition on one of its keys, such as SAML:aud (SamlConsolePrincipal adds it)' }];
    }
    if (provider.kind === 'web') {
      const issuer = provider.issuer.toLowerCase();
      if (issuer.startsWith(COGNITO_IDENTITY)) {
        return limitedBy(key => key === `${issuer}:aud`, value => namesIdentityPool(stack, value)) ? [] : [{
          shown,
          fix: `add a condition on ${provider.issuer}:aud that names your identity pools (<region>:<ID>, written out): `
            + `${provider.issuer}:amr only says whether an identity signed in, and holds for the identities of every identity pool`,
        }];
      }
      return limitedBy(key => WEB_IDENTITY_KEYS.some(name => key === `${issuer}:${name}`)) ? []
        : [{ shown, fix: `add a condition on one of its keys that names your application or users, such as ${provider.issuer}:aud` }];
    }
    const issuer = provider.issuer ?? '<issuer>';
    const subject = provider.issuer === undefined ? (key: string) => key.endsWith(':sub') : (key: string) => key === `${issuer.toLowerCase()}:sub`;
    return limitedBy(subject, provider.issuer === GITHUB_ACTIONS ? namesGitHubSubject : namesSomething) ? [] : [{
      shown,
      fix: `add a subject condition, ${issuer}:sub, that names more than wildcards`
        + (provider.issuer === GITHUB_ACTIONS ? ' (repo:<owner>/<repository>:..., with the owner written out)' : '')
        + `: its audience, ${issuer}:aud, is the provider's client ID, the same for every identity it issues`,
    }];
  });
}

/** What a `Federated` principal is: SAML, an OpenID Connect provider of IAM (its issuer, when known), or another web identity provider. */
type Provider = { kind: 'saml'; path: string } | { kind: 'oidc'; issuer?: string; path: string } | { kind: 'web'; issuer: string; path: string };

function providerOf(stack: Stack, federated: unknown): Provider | undefined {
  if (typeof federated === 'string') {
    if (/:saml-provider\//.test(federated)) {
      return { kind: 'saml', path: federated };
    }
    const oidc = /^arn:[^:]*:iam::[^:]*:oidc-provider\/(.*)$/.exec(federated);
    return oidc ? { kind: 'oidc', issuer: oidc[1], path: federated } : { kind: 'web', issuer: federated, path: federated };
  }
  const resource = resourceReferencedBy(stack, federated);
  if (resource?.cfnResourceType === 'AWS::IAM::SAMLProvider') {
    return { kind: 'saml', path: resource.node.path };
  }
  if (resource?.cfnResourceType === 'AWS::IAM::OIDCProvider' || resource?.cfnResourceType === 'Custom::AWSCDKOpenIdConnectProvider') {
    const url = stack.resolve(resource._toCloudFormation()).Resources[stack.resolve(resource.logicalId)].Properties?.Url;
    return { kind: 'oidc', issuer: typeof url === 'string' ? url.replace(/^https:\/\//, '') : undefined, path: resource.node.path };
  }
  return undefined;
}

/** The resource of the stack that a `Ref` or an `Fn::GetAtt` of a rendered policy names, if any. */
function resourceReferencedBy(stack: Stack, value: unknown): CfnResource | undefined {
  const reference = Object(value);
  const logicalId = typeof reference.Ref === 'string' ? reference.Ref : [reference['Fn::GetAtt'] ?? []].flat()[0];
  return typeof logicalId === 'string'
    ? stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c) && stack.resolve(c.logicalId) === logicalId)
    : undefined;
}

/**
 * The principals of a statement that are known only at deploy time, as the message
 * shows them: a value that is not text (a parameter, an import) and is not a role,
 * user or identity provider of the stack; or an ARN whose kind is such a value.
 */
function unknownPrincipals(stack: Stack, statement: any): string[] {
  const principal = statement.Principal;
  if (principal === null || typeof principal !== 'object') {
    return [];
  }
  return Object.entries(principal).flatMap(([kind, values]) => alternativesOf(values)
    .filter(value => (typeof value === 'string' ? !knownShape(value) : !knownResource(stack, value)))
    .map(value => `${kind} ${typeof value === 'string' ? value : JSON.stringify(value)}`));
}

/**
 * Whether text that may hold CloudFormation functions (as JSON, inside a joined
 * ARN) has a kind known at synth: no function at all, or an IAM ARN whose resource
 * type is literal (a role in an account that is a parameter is still a role).
 */
function knownShape(value: string): boolean {
  let shape = value;
  // Innermost functions first, so that nested ones go too.
  while (/\{[^{}]*\}/.test(shape)) {
    shape = shape.replace(/\{[^{}]*\}/g, '_');
  }
  return shape === value
    || /^arn:[^:]+:iam::[^:]*:((role|user|assumed-role|federated-user|oidc-provider|saml-provider)\/|root$)/.test(shape);
}

/** Whether a value names a role, a user or an identity provider of the stack, which is a principal known at synth. */
function knownResource(stack: Stack, value: unknown): boolean {
  const type = resourceReferencedBy(stack, value)?.cfnResourceType;
  return type !== undefined && ['AWS::IAM::Role', 'AWS::IAM::User', 'AWS::IAM::SAMLProvider', 'AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider'].includes(type);
}

/**
 * Whether the conditions limit the principal to roles: every `aws:PrincipalArn`
 * value names a role by more than wildcards, in an account that is named, or in
 * any account only when an organization condition limits which.
 */
function conditionsNameRoles(condition: Record<string, Record<string, unknown>>): boolean {
  const entries = limitingEntries(condition);
  const limitedByOrganization = entries.some(([key, value]) => {
    const exact = ACCOUNT_LIMITS.find(([name]) => name.test(key))?.[1];
    return exact !== undefined && [value].flat().every(v => typeof v === 'string' && exact.test(v));
  });
  return entries.some(([key, value]) => /^aws:PrincipalArn$/i.test(key)
    && [value].flat().every(v => namesARole(v, limitedByOrganization)));
}

/**
 * The keys that limit the accounts of a principal, and the values that name them:
 * an organization's whole ID (`o-*` matches every organization, which anyone can
 * create), a path that starts with one, an account ID.
 */
const ACCOUNT_LIMITS: ReadonlyArray<[RegExp, RegExp]> = [
  [/^aws:PrincipalOrgID$/i, /^o-[a-z0-9]{10,32}$/],
  [/^aws:PrincipalOrgPaths$/i, /^o-[a-z0-9]{10,32}\//],
  [/^aws:PrincipalAccount$/i, /^\d{12}$/],
];

function namesARole(value: unknown, limitedByOrganization: boolean): boolean {
  // A value that is not a string (a CloudFormation function) is no role ARN.
  const match = /^arn:[^:]*:iam::(.*?):role\/(.*)$/.exec(String(value));
  if (!match || !/[^*?/]/.test(match[2])) {
    return false;
  }
  const accountIsWildcard = match[1] === '' || /[*?]/.test(match[1]);
  return !accountIsWildcard || limitedByOrganization;
}
