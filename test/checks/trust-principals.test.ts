import { CfnParameter, Fn, Stack, aws_cognito as cognito, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference, TaskExecutionRole, TrustMode, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, sourceStack } from '../support/app';

/**
 * The checks of a role's trust policy as the template holds it (src/private/checks/trust-principals.ts):
 * principals that admit more than named roles (wholeAccountTrust), identity providers without a condition
 * that names the intended identities, principals known only at deploy time (unknownTrustPrincipal), and
 * ECS statements that undo the confused-deputy guard. Each construct's own test file shows once that it
 * applies them; the edges of the rules are here, on a TrustedDestinationRole.
 */

const ORG_ID = 'o-a1b2c3d4e5';
const GITHUB = 'token.actions.githubusercontent.com';
const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const assume = (props: Omit<iam.PolicyStatementProps, 'actions'>) => new iam.PolicyStatement({ actions: ['sts:AssumeRole'], ...props });
const webIdentity = (principal: iam.IPrincipal, conditions?: { [operator: string]: any }) =>
  new iam.PolicyStatement({ actions: ['sts:AssumeRoleWithWebIdentity'], principals: [principal], conditions });

function destinationTrusting(statement: (stack: Stack) => iam.PolicyStatement): Stack {
  const stack = destinationStack();
  const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
  role.assumeRolePolicy!.addStatements(statement(stack));
  return stack;
}

const WHOLE_ACCOUNT = Match.stringLikeRegexp('^the trust policy admits every principal of .*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]$');
const EVERY_IDENTITY = (provider: string) => Match.stringLikeRegexp(`^the trust policy admits every identity of ${provider}, with no condition on the provider's keys that names the intended identities`);

describe('whole-account trust, every principal form', () => {
  test.each<[string, (stack: Stack) => iam.PolicyStatement, string]>([
    ['StarPrincipal ("*")', () => assume({ principals: [new iam.StarPrincipal()] }), 'every principal of \\*'],
    ['AnyPrincipal ({"AWS": "*"})', () => assume({ principals: [new iam.AnyPrincipal()] }), 'every principal of \\*'],
    ['OrganizationPrincipal', () => assume({ principals: [new iam.OrganizationPrincipal(ORG_ID)] }), 'every principal of \\*'],
    ['an account ID', () => assume({ principals: [new iam.ArnPrincipal(SOURCE_ACCOUNT)] }), `every principal of ${SOURCE_ACCOUNT}`],
    ['AccountPrincipal', () => assume({ principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)] }), `arn:aws:iam::${SOURCE_ACCOUNT}:root`],
    ['AccountRootPrincipal', () => assume({ principals: [new iam.AccountRootPrincipal()] }), 'arn:aws:iam::555566667777:root'],
    ['ArnPrincipal of a root', () => assume({ principals: [new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:root`)] }), `arn:aws:iam::${OTHER_ACCOUNT}:root`],
    ['an account that is a CloudFormation parameter', stack => assume({ principals: [new iam.AccountPrincipal(new CfnParameter(stack, 'Account').valueAsString)] }), 'arn:aws:iam::.*Account.*:root'],
    ['CompositePrincipal with an account', () => assume({
      principals: [new iam.CompositePrincipal(new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`), new iam.AccountPrincipal(OTHER_ACCOUNT))],
    }), `arn:aws:iam::${OTHER_ACCOUNT}:root`],
    ['a principal with conditions that do not name roles', () => assume({
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT).withConditions({ StringEquals: { 'aws:PrincipalTag/team': 'reports' } })],
    }), `arn:aws:iam::${SOURCE_ACCOUNT}:root`],
    ['NotPrincipal', () => {
      const statement = assume({});
      statement.addNotPrincipals(new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/blocked`));
      return statement;
    }, '\\* except .*blocked.* \\(NotPrincipal\\)'],
    ['AnyPrincipal limited to a role name in any account', () => assume({
      principals: [new iam.AnyPrincipal()],
      conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' } },
    }), 'every principal of \\*'],
    ['AnyPrincipal limited to a role name in accounts matching 1111*', () => assume({
      principals: [new iam.AnyPrincipal()],
      conditions: { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::1111*:role/deployer' } },
    }), 'every principal of \\*'],
    ['a web identity provider without conditions', () => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com')],
    }), 'every identity of cognito-identity.amazonaws.com'],
    ['an OpenID Connect provider without conditions', () => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`)],
    }), 'every identity of arn:aws:iam::555566667777:oidc-provider/token.actions.githubusercontent.com'],
  ])('warns about %s', (_form, statement, admitted) => {
    // GIVEN / WHEN
    const stack = destinationTrusting(statement);
    // THEN
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp(`^the trust policy admits (.* )?${admitted}`));
  });

  test.each<[string, (stack: Stack) => iam.PolicyStatement]>([
    ['AnyPrincipal limited to a role in one account', () => assume({
      principals: [new iam.AnyPrincipal()],
      conditions: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } },
    })],
    ['AnyPrincipal limited to a role name in any account of an organization', () => assume({
      principals: [new iam.AnyPrincipal()],
      conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
    })],
    ['AnyPrincipal limited to a role name in any account of a list', () => assume({
      principals: [new iam.AnyPrincipal()],
      conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'aws:PrincipalAccount': [SOURCE_ACCOUNT, OTHER_ACCOUNT] } },
    })],
    ['a role ARN principal', () => assume({ principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`)] })],
    ['a service principal', () => assume({ principals: [new iam.ServicePrincipal('lambda.amazonaws.com')] })],
    ['an OpenID Connect provider limited by its subject', () => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`, {
        StringEquals: { 'token.actions.githubusercontent.com:sub': 'repo:example/app:ref:refs/heads/main' },
      })],
    })],
    ['a SAML provider, which SamlConsolePrincipal limits by audience', stack => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithSAML'],
      principals: [new iam.SamlConsolePrincipal(iam.SamlProvider.fromSamlProviderArn(stack, 'Idp', `arn:aws:iam::${DESTINATION_ACCOUNT}:saml-provider/corp`))],
    })],
  ])('does not warn about %s', (_form, statement) => {
    const stack = destinationTrusting(statement);
    Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every'));
  });
});

describe('whole-account trust, wider cases', () => {
  test('warns about an account limited only by organization, which does not narrow it', () => {
    const stack = destinationTrusting(() => new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
      conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every principal of arn:aws:iam::111122223333:root'));
  });

  test('warns about an aws:PrincipalArn condition of only wildcards', () => {
    const stack = destinationTrusting(() => new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
      conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/*' } },
    }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every principal'));
  });

  test('does not warn about the organization trust the library writes', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: 'o-a1b2c3d4e5', roleName: 'my-ECS-task-role' })],
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('a role name in any account is limited only by conditions that need their key', () => {
  const anyAccount = (conditions: { [operator: string]: any }) => () =>
    assume({ principals: [new iam.AnyPrincipal()], conditions: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, ...conditions } });

  test.each<[string, { [operator: string]: any }]>([
    ['ForAllValues:StringEquals aws:PrincipalOrgID, true when the key is absent', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': ORG_ID } }],
    ['StringEqualsIfExists aws:PrincipalOrgID, true outside any organization', { StringEqualsIfExists: { 'aws:PrincipalOrgID': ORG_ID } }],
    ['ForAnyValue:StringLikeIfExists aws:PrincipalOrgPaths', { 'ForAnyValue:StringLikeIfExists': { 'aws:PrincipalOrgPaths': `${ORG_ID}/r-ab12/*` } }],
    ['a bare o-* organization, which matches every organization', { StringLike: { 'aws:PrincipalOrgID': 'o-*' } }],
    ['an organization of only wildcards', { StringLike: { 'aws:PrincipalOrgID': '*' } }],
    ['an organization ID with a wildcard', { StringLike: { 'aws:PrincipalOrgID': 'o-a1b2*' } }],
    ['organizational unit paths of any organization', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': ['o-*/*'] } }],
    ['organizational unit paths of only wildcards', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*' } }],
    ['accounts matching 1111*', { StringLike: { 'aws:PrincipalAccount': '1111*' } }],
    ['ForAllValues:StringEquals aws:PrincipalAccount', { 'ForAllValues:StringEquals': { 'aws:PrincipalAccount': SOURCE_ACCOUNT } }],
  ])('warns about %s', (_case, conditions) => {
    Annotations.fromStack(destinationTrusting(anyAccount(conditions))).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });

  test('warns about a ForAllValues: aws:PrincipalArn condition on an account principal', () => {
    const stack = destinationTrusting(() => assume({
      principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
      conditions: { 'ForAllValues:StringEquals': { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } },
    }));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });

  test.each<[string, { [operator: string]: any }]>([
    ['organizational unit paths of the organization', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': [`${ORG_ID}/r-ab12/ou-ab12-11111111/*`] } }],
    ['a list of accounts', { StringEquals: { 'aws:PrincipalAccount': [SOURCE_ACCOUNT, DESTINATION_ACCOUNT] } }],
  ])('does not warn about %s', (_case, conditions) => {
    Annotations.fromStack(destinationTrusting(anyAccount(conditions))).hasNoWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });
});

describe('identity providers: made in the app, and limited by a subject that names something', () => {
  const githubProvider = (stack: Stack) => new iam.OpenIdConnectProvider(stack, 'GitHub', { url: `https://${GITHUB}`, clientIds: ['sts.amazonaws.com'] });
  const githubArn = `arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/${GITHUB}`;

  test.each<[string, (stack: Stack) => iam.PolicyStatement, string]>([
    ['an iam.OpenIdConnectProvider of the app, without conditions',
      stack => webIdentity(new iam.OpenIdConnectPrincipal(githubProvider(stack))), 'OpenID Connect provider DestinationStack/GitHub/Resource/Default'],
    ['an iam.OidcProviderNative of the app, without conditions',
      stack => webIdentity(new iam.OpenIdConnectPrincipal(new iam.OidcProviderNative(stack, 'Native', { url: `https://${GITHUB}`, clientIds: ['sts.amazonaws.com'] }))),
      'OpenID Connect provider DestinationStack/Native/Resource'],
    ['an iam.SamlProvider of the app, without conditions',
      stack => new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithSAML'],
        principals: [new iam.SamlPrincipal(new iam.SamlProvider(stack, 'Saml', { metadataDocument: iam.SamlMetadataDocument.fromXml('<x/>') }), {})],
      }), 'SAML provider DestinationStack/Saml/Resource'],
    ['GitHub limited only by its audience, which every repository has',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }), githubArn],
    ['an iam.OpenIdConnectProvider of GitHub limited only by its audience',
      stack => webIdentity(new iam.OpenIdConnectPrincipal(githubProvider(stack)), { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }),
      'OpenID Connect provider DestinationStack/GitHub/Resource/Default'],
    ['GitHub with a subject of only wildcards',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLike: { [`${GITHUB}:sub`]: '*' } }), githubArn],
    ['GitHub with a subject of any repository (repo:*)',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLike: { [`${GITHUB}:sub`]: 'repo:*' } }), githubArn],
    ['GitHub with a subject of any owner (repo:*/app:*)',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLike: { [`${GITHUB}:sub`]: 'repo:*/app:*' } }), githubArn],
    ['GitHub with an owner that only starts with a name (repo:example*/app:*), which anyone can extend',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLike: { [`${GITHUB}:sub`]: 'repo:example*/app:*' } }), githubArn],
    ['GitHub with a subject given only under StringLikeIfExists',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLikeIfExists: { [`${GITHUB}:sub`]: 'repo:example/app:*' } }), githubArn],
    ['a web identity provider limited by an audience of only wildcards',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), { StringLike: { 'cognito-identity.amazonaws.com:aud': '*' } }),
      'cognito-identity.amazonaws.com'],
    ['Amazon Cognito limited only by amr (authenticated), which holds for the identities of every identity pool',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }),
      'cognito-identity.amazonaws.com'],
    ['Amazon Cognito limited to every identity pool of a Region (us-east-1:*)',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), { StringLike: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:*' } }),
      'cognito-identity.amazonaws.com'],
    ['Amazon Cognito limited only by a subject, not by an identity pool',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), { StringLike: { 'cognito-identity.amazonaws.com:sub': 'us-east-1:*' } }),
      'cognito-identity.amazonaws.com'],
    ['Amazon Cognito with a list of identity pools of which one is a wildcard',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), {
        StringLike: { 'cognito-identity.amazonaws.com:aud': ['us-east-1:12345678-1234-1234-1234-123456789012', 'us-east-1:1234*'] },
      }), 'cognito-identity.amazonaws.com'],
    ['Amazon Cognito limited by a parameter, which names no identity pool at synth',
      stack => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': new CfnParameter(stack, 'PoolId').valueAsString },
      }), 'cognito-identity.amazonaws.com'],
    ['Google limited only by a key that names neither an application nor a user',
      () => webIdentity(new iam.WebIdentityPrincipal('accounts.google.com'), { StringEquals: { 'accounts.google.com:hd': 'example.com' } }),
      'accounts.google.com'],
  ])('warns about %s', (_case, statement, provider) => {
    Annotations.fromStack(destinationTrusting(statement)).hasWarning('/DestinationStack/R', EVERY_IDENTITY(provider));
  });

  test.each<[string, (stack: Stack) => iam.PolicyStatement]>([
    ['an iam.OpenIdConnectProvider of GitHub limited to a repository of an owner',
      stack => webIdentity(new iam.OpenIdConnectPrincipal(githubProvider(stack)), {
        StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
        StringLike: { [`${GITHUB}:sub`]: 'repo:example/app:*' },
      })],
    ['GitHub limited to any repository of one owner',
      () => webIdentity(new iam.WebIdentityPrincipal(githubArn), { StringLike: { [`${GITHUB}:sub`]: 'repo:example/*' } })],
    ['an EKS cluster\'s provider limited to a service account',
      () => webIdentity(new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF`), {
        StringEquals: { 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF:sub': 'system:serviceaccount:reports:reader' },
      })],
    ['an iam.SamlProvider of the app limited by audience (SamlConsolePrincipal)',
      stack => new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithSAML'],
        principals: [new iam.SamlConsolePrincipal(new iam.SamlProvider(stack, 'Saml', { metadataDocument: iam.SamlMetadataDocument.fromXml('<x/>') }))],
      })],
    ['Amazon Cognito limited to an identity pool',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': 'us-east-1:12345678-1234-1234-1234-123456789012' },
      })],
    ['Amazon Cognito limited to an identity pool and to its authenticated identities',
      () => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), {
        'StringEquals': { 'cognito-identity.amazonaws.com:aud': ['us-east-1:12345678-1234-1234-1234-123456789012', 'eu-west-1:87654321-4321-4321-4321-210987654321'] },
        'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' },
      })],
    ['Amazon Cognito limited to an identity pool of the app, by its Ref',
      stack => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'), {
        StringEquals: { 'cognito-identity.amazonaws.com:aud': new cognito.CfnIdentityPool(stack, 'Pool', { allowUnauthenticatedIdentities: false }).ref },
      })],
    ['Google limited to an application (accounts.google.com:aud)',
      () => webIdentity(new iam.WebIdentityPrincipal('accounts.google.com'), { StringEquals: { 'accounts.google.com:aud': '123456789012-abc.apps.googleusercontent.com' } })],
    ['Google limited to an application of a hybrid app (accounts.google.com:oaud)',
      () => webIdentity(new iam.WebIdentityPrincipal('accounts.google.com'), { StringEquals: { 'accounts.google.com:oaud': '123456789012-abc.apps.googleusercontent.com' } })],
    ['Login with Amazon limited to an application (www.amazon.com:app_id)',
      () => webIdentity(new iam.WebIdentityPrincipal('www.amazon.com'), { StringEquals: { 'www.amazon.com:app_id': 'amzn1.application.0123456789abcdef' } })],
  ])('does not warn about %s', (_case, statement) => {
    Annotations.fromStack(destinationTrusting(statement)).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every identity'));
  });

  describe('a provider of the app whose URL is a parameter, so that its issuer is not known at synth', () => {
    const provider = (stack: Stack) => new iam.OidcProviderNative(stack, 'Provider', {
      url: new CfnParameter(stack, 'Url').valueAsString, clientIds: ['sts.amazonaws.com'],
    });

    test('needs a subject condition of some issuer', () => {
      const stack = destinationTrusting(s => webIdentity(new iam.OpenIdConnectPrincipal(provider(s)), { StringEquals: { 'issuer.example.com:aud': 'sts.amazonaws.com' } }));
      Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(
        'every identity of OpenID Connect provider DestinationStack/Provider/Resource, .*: add a subject condition, <issuer>:sub, that names more than wildcards'));
    });

    test('takes one that names something', () => {
      const stack = destinationTrusting(s => webIdentity(new iam.OpenIdConnectPrincipal(provider(s)), { StringEquals: { 'issuer.example.com:sub': 'reports' } }));
      Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every identity'));
    });
  });
});

describe('GitHub subjects: every subject a value can match starts with repo:<owner>/, the owner written out', () => {
  const githubArn = `arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/${GITHUB}`;
  const withSubject = (operator: string, subject: string | string[]) => () => webIdentity(new iam.WebIdentityPrincipal(githubArn), {
    StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' },
    [operator]: { [`${GITHUB}:sub`]: subject },
  });

  test.each<[string | string[], string]>([
    ['rep*', 'StringLike'],
    ['r*', 'StringLike'],
    ['*:*', 'StringLike'],
    ['repo:*', 'StringLike'],
    ['repo:*/app', 'StringLike'],
    ['repo:o*/app', 'StringLike'],
    ['repo:octo-?rg/app:*', 'StringLike'],
    ['repo:/app:*', 'StringLike'],
    ['*repo:octo-org/*', 'StringLike'],
    ['environment:production', 'StringEquals'],
    ['rep*', 'ForAnyValue:StringLike'],
    [['repo:octo-org/*', 'repo:*'], 'StringLike'],
    [['repo:octo-org/app:ref:refs/heads/main', 'environment:production'], 'StringEquals'],
    [[], 'StringLike'],
  ])('warns about a subject %j under %s', (subject, operator) => {
    Annotations.fromStack(destinationTrusting(withSubject(operator, subject))).hasWarning('/DestinationStack/R', EVERY_IDENTITY(githubArn));
  });

  test.each<[string | string[], string]>([
    ['repo:octo-org/*', 'StringLike'],
    ['repo:octo-org/app:ref:refs/heads/main', 'StringEquals'],
    ['repo:octo-org/app:*', 'ForAnyValue:StringLike'],
    [['repo:octo-org/*', 'repo:other-org/deploy:environment:production'], 'StringLike'],
  ])('does not warn about a subject %j under %s', (subject, operator) => {
    Annotations.fromStack(destinationTrusting(withSubject(operator, subject))).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every identity'));
  });
});

describe('a trusted principal known only at deploy time', () => {
  const UNKNOWN = (shown: string) => Match.stringLikeRegexp(
    `^the trust policy admits ${shown}, known only at deploy time \\(a parameter, an import, or another value CloudFormation resolves\\): `
    + 'it cannot be checked at synth that it names a role rather than a whole account or everyone\\. .*'
    + '\\[ack: cdk-cross-account-task-roles:unknownTrustPrincipal\\]$');

  test.each<[string, (stack: Stack) => iam.PolicyStatement, string]>([
    ['an ArnPrincipal of a parameter', stack => assume({ principals: [new iam.ArnPrincipal(new CfnParameter(stack, 'Principal').valueAsString)] }),
      'AWS \\{"Ref":"Principal"\\}'],
    ['an ArnPrincipal of an import', () => assume({ principals: [new iam.ArnPrincipal(Fn.importValue('trusted-principal'))] }),
      'AWS \\{"Fn::ImportValue":"trusted-principal"\\}'],
    ['an ARN whose resource part is a parameter', stack => assume({
      principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:${new CfnParameter(stack, 'Kind').valueAsString}`)],
    }), 'AWS arn:aws:iam::111122223333:\\{"Ref":"Kind"\\}'],
    ['a federated principal of a parameter', stack => webIdentity(new iam.FederatedPrincipal(new CfnParameter(stack, 'Provider').valueAsString)),
      'Federated \\{"Ref":"Provider"\\}'],
  ])('warns about %s, which cannot be checked', (_case, statement, shown) => {
    Annotations.fromStack(destinationTrusting(statement)).hasWarning('/DestinationStack/R', UNKNOWN(shown));
  });

  test.each<[string, (stack: Stack) => iam.PolicyStatement]>([
    ['a role of the stack', stack => assume({ principals: [new iam.Role(stack, 'Other', { assumedBy: new iam.AccountRootPrincipal() })] })],
    ['a role ARN whose account is a parameter', stack => assume({
      principals: [new iam.ArnPrincipal(`arn:aws:iam::${new CfnParameter(stack, 'Account').valueAsString}:role/deployer`)],
    })],
    ['a parameter limited by an aws:PrincipalArn condition that names a role', stack => assume({
      principals: [new iam.ArnPrincipal(new CfnParameter(stack, 'Principal').valueAsString)],
      conditions: { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } },
    })],
  ])('does not warn about %s', (_case, statement) => {
    Annotations.fromStack(destinationTrusting(statement)).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('known only at deploy time'));
  });

  test('does not warn about the trust the library writes for a reference with a parameter account, in either mode', () => {
    for (const trustMode of [TrustMode.ROLE_ARN, TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN]) {
      const stack = destinationStack();
      const account = new CfnParameter(stack, 'Account').valueAsString;
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account, roleName: 'my-ECS-task-role' })], trustMode });
      Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('known only at deploy time'));
    }
  });
});

describe('a statement added to an ECS role\'s trust that undoes the confused-deputy guard', () => {
  const UNDONE = Match.stringLikeRegexp('^a statement of the trust policy lets ecs-tasks\\.amazonaws\\.com assume this role without aws:SourceAccount and aws:SourceArn '
    + 'conditions that name an account: the statements of a policy are OR-ed, so it undoes the confused-deputy guard of the role\'s own statement, '
    + '.*Put both conditions on that statement, or remove it\\. \\[ack: cdk-cross-account-task-roles:confusedDeputyGuardOff\\]$');
  const ecs = (conditions?: { [operator: string]: any }) => assume({ principals: [new iam.ServicePrincipal('ecs-tasks.amazonaws.com')], conditions });

  function taskRoleWith(statement: iam.PolicyStatement): Stack {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
    });
    role.assumeRolePolicy!.addStatements(statement);
    return stack;
  }

  test.each<[string, iam.PolicyStatement]>([
    ['an ecs-tasks.amazonaws.com Allow without conditions', ecs()],
    ['one with aws:SourceAccount only', ecs({ StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT } })],
    ['one with aws:SourceArn only', ecs({ ArnLike: { 'aws:SourceArn': `arn:aws:ecs:us-east-1:${SOURCE_ACCOUNT}:*` } })],
    ['one whose conditions hold when the keys are absent (IfExists)', ecs({
      StringEqualsIfExists: { 'aws:SourceAccount': SOURCE_ACCOUNT },
      ArnLikeIfExists: { 'aws:SourceArn': `arn:aws:ecs:us-east-1:${SOURCE_ACCOUNT}:*` },
    })],
    ['one whose conditions name no account', ecs({ StringLike: { 'aws:SourceAccount': '*' }, ArnLike: { 'aws:SourceArn': 'arn:aws:ecs:*:*:*' } })],
  ])('CrossAccountTaskRole warns about %s', (_case, statement) => {
    Annotations.fromStack(taskRoleWith(statement)).hasWarning('/SourceStack/TaskRole', UNDONE);
  });

  test('CrossAccountTaskRole does not warn about a statement that carries both conditions', () => {
    const stack = taskRoleWith(ecs({
      StringEquals: { 'aws:SourceAccount': SOURCE_ACCOUNT },
      ArnLike: { 'aws:SourceArn': `arn:aws:ecs:us-west-2:${SOURCE_ACCOUNT}:*` },
    }));
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('CrossAccountTaskRole does not warn about its own guarded statement, in an environment-agnostic stack too', () => {
    const stack = new Stack();
    new CrossAccountTaskRole(stack, 'TaskRole');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('undoes the confused-deputy guard'));
  });

  test('TaskExecutionRole with confusedDeputyGuard: true warns too', () => {
    const stack = sourceStack();
    const role = new TaskExecutionRole(stack, 'ExecutionRole', { confusedDeputyGuard: true });
    role.assumeRolePolicy!.addStatements(ecs());
    Annotations.fromStack(stack).hasWarning('/SourceStack/ExecutionRole', UNDONE);
  });

  test('does not take a statement of another principal for an ECS one', () => {
    const stack = taskRoleWith(assume({ principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`)] }));
    Annotations.fromStack(stack).hasNoWarning('/SourceStack/TaskRole', UNDONE);
  });

  test('TaskExecutionRole without the guard (the default) does not', () => {
    const stack = sourceStack();
    const role = new TaskExecutionRole(stack, 'ExecutionRole');
    role.assumeRolePolicy!.addStatements(ecs());
    Annotations.fromStack(stack).hasNoWarning('/SourceStack/ExecutionRole', UNDONE);
  });
});

describe('statements put into the trust with an override of the role\'s resource', () => {
  test('an ECS statement without conditions is warned about', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1',
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' });
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp('undoes the confused-deputy guard'));
  });

  test('a whole account is warned about', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1',
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });

  test('a whole account written as an Fn::Sub is warned about as one, not as a principal known only at deploy time', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1',
      { Effect: 'Allow', Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::${SOURCE_ACCOUNT}:root` } }, Action: 'sts:AssumeRole' });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
    Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('unknownTrustPrincipal'));
  });

  test('each branch of an Fn::If principal is read: a whole account in one of them is warned about', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1', {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: { 'Fn::If': ['Wide', SOURCE_ACCOUNT, `arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`] } },
    });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });

  test('a Condition that is a CloudFormation function is said to be unreadable, not taken for no condition', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1', {
      Effect: 'Allow',
      Action: 'sts:AssumeRole',
      Principal: { AWS: SOURCE_ACCOUNT },
      Condition: { 'Fn::FindInMap': ['Conditions', 'Strict', 'Trust'] },
    });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp('^a statement of the trust policy has a Condition made of Fn::FindInMap, a CloudFormation function'));
    Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });
});

describe('a trust written with Fn::If: each branch of a statement and of its elements is read', () => {
  const NO_VALUE = { Ref: 'AWS::NoValue' };
  const wholeAccount = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: SOURCE_ACCOUNT } };
  const namedRole = { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:role/caller` } };

  function destinationOverridden(path: string, value: unknown): Stack {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride(`AssumeRolePolicyDocument.${path}`, value);
    return stack;
  }

  test.each<[string, string, unknown]>([
    ['a statement that is an Fn::If', 'Statement.1', { 'Fn::If': ['Wide', wholeAccount, NO_VALUE] }],
    ['the list of statements chosen by an Fn::If', 'Statement', { 'Fn::If': ['Wide', [wholeAccount], [namedRole]] }],
    ['a Principal that is an Fn::If', 'Statement.1', { ...namedRole, Principal: { 'Fn::If': ['Wide', '*', namedRole.Principal] } }],
    ['an Effect that is an Fn::If', 'Statement.1', { ...wholeAccount, Effect: { 'Fn::If': ['Open', 'Allow', 'Deny'] } }],
    ['a Condition that is an Fn::If, one branch of which is no condition', 'Statement.1', {
      ...wholeAccount, Condition: { 'Fn::If': ['Strict', { StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/caller` } }, NO_VALUE] },
    }],
    ['an aws:PrincipalArn value that an Fn::If removes', 'Statement.1', {
      ...wholeAccount, Condition: { StringEquals: { 'aws:PrincipalArn': { 'Fn::If': ['Strict', `arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`, NO_VALUE] } } },
    }],
  ])('%s is warned about when a branch admits a whole account', (_case, path, value) => {
    Annotations.fromStack(destinationOverridden(path, value)).hasWarning('/DestinationStack/R', WHOLE_ACCOUNT);
  });

  test('an aws:PrincipalArn condition whose every branch names a role limits the account', () => {
    const stack = destinationOverridden('Statement.1', {
      ...wholeAccount,
      Condition: { StringEquals: { 'aws:PrincipalArn': { 'Fn::If': ['Prod', `arn:aws:iam::${SOURCE_ACCOUNT}:role/prod`, `arn:aws:iam::${SOURCE_ACCOUNT}:role/dev`] } } },
    });
    Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('cdk-cross-account-task-roles:(wholeAccountTrust|unknownTrustPrincipal)'));
  });

  test('an ECS statement that is an Fn::If undoes the confused-deputy guard', () => {
    const stack = sourceStack();
    const role = new CrossAccountTaskRole(stack, 'TaskRole');
    (role.node.defaultChild as iam.CfnRole).addPropertyOverride('AssumeRolePolicyDocument.Statement.1', {
      'Fn::If': ['Loose', { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }, NO_VALUE],
    });
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp('undoes the confused-deputy guard'));
  });

  test.each([
    ['Fn::FindInMap', { 'Fn::FindInMap': ['Trusts', 'Prod', 'Statement'] }],
    ['Fn::Select', { 'Fn::Select': [0, { Ref: 'Statements' }] }],
  ])('a statement made of %s, which cannot be read at synth, is said to be unreadable', (name, value) => {
    Annotations.fromStack(destinationOverridden('Statement.1', value)).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(
      `^a statement of the trust policy is made of ${name}, which cannot be read at synth: .*\\[ack: cdk-cross-account-task-roles:unknownTrustPrincipal\\]$`));
  });

  test('a statement of more than 64 combinations of branches is said to be unreadable, not read in part', () => {
    // Each entry of a NotAction list may be there or not: 2^7 combinations.
    const { Action: _action, ...statement } = wholeAccount;
    const stack = destinationOverridden('Statement.1', {
      ...statement, NotAction: Array.from({ length: 7 }, (_, i) => ({ 'Fn::If': [`Deny${i}`, `iam:Action${i}`, NO_VALUE] })),
    });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(
      '^a statement of the trust policy is made of Fn::If \\(more than 64 combinations of branches\\), which cannot be read at synth'));
  });
});

describe('the whole text of the new warnings', () => {
  const textOf = (stack: Stack, id: string) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: ${id}\\]$`))
    .map(m => String(m.entry.data).replace(/ \[ack: [^\]]+\]$/, ''));

  test('an OpenID Connect provider of GitHub limited only by its audience', () => {
    const stack = destinationTrusting(() => webIdentity(new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/${GITHUB}`),
      { StringEquals: { [`${GITHUB}:aud`]: 'sts.amazonaws.com' } }));
    expect(textOf(stack, 'cdk-cross-account-task-roles:wholeAccountTrust')).toEqual([
      `the trust policy admits every identity of arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/${GITHUB}, with no condition on the provider's keys `
      + `that names the intended identities: add a subject condition, ${GITHUB}:sub, that names more than wildcards `
      + `(repo:<owner>/<repository>:..., with the owner written out): its audience, ${GITHUB}:aud, is the provider's client ID, `
      + 'the same for every identity it issues.',
    ]);
  });

  test('Amazon Cognito limited only by amr', () => {
    const stack = destinationTrusting(() => webIdentity(new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com'),
      { 'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'authenticated' } }));
    expect(textOf(stack, 'cdk-cross-account-task-roles:wholeAccountTrust')).toEqual([
      'the trust policy admits every identity of cognito-identity.amazonaws.com, with no condition on the provider\'s keys '
      + 'that names the intended identities: add a condition on cognito-identity.amazonaws.com:aud that names your identity pools '
      + '(<region>:<ID>, written out): cognito-identity.amazonaws.com:amr only says whether an identity signed in, and holds for '
      + 'the identities of every identity pool.',
    ]);
  });

  test('a SAML provider of the app without conditions', () => {
    const stack = destinationTrusting(s => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithSAML'],
      principals: [new iam.SamlPrincipal(new iam.SamlProvider(s, 'Saml', { metadataDocument: iam.SamlMetadataDocument.fromXml('<x/>') }), {})],
    }));
    expect(textOf(stack, 'cdk-cross-account-task-roles:wholeAccountTrust')).toEqual([
      'the trust policy admits every identity of SAML provider DestinationStack/Saml/Resource, with no condition on the provider\'s keys '
      + 'that names the intended identities: add a condition on one of its keys, such as SAML:aud (SamlConsolePrincipal adds it).',
    ]);
  });

  test('a principal known only at deploy time', () => {
    const stack = destinationTrusting(s => assume({ principals: [new iam.ArnPrincipal(new CfnParameter(s, 'Principal').valueAsString)] }));
    expect(textOf(stack, 'cdk-cross-account-task-roles:unknownTrustPrincipal')).toEqual([
      'the trust policy admits AWS {"Ref":"Principal"}, known only at deploy time (a parameter, an import, or another value CloudFormation resolves): '
      + 'it cannot be checked at synth that it names a role rather than a whole account or everyone. Name the principal with a value known at synth '
      + '(a RoleReference, a literal ARN), or add an aws:PrincipalArn condition that names the roles.',
    ]);
  });

  test('an ECS statement that undoes the guard', () => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole').assumeRolePolicy!.addStatements(
      assume({ principals: [new iam.ServicePrincipal('ecs-tasks.amazonaws.com')] }));
    expect(textOf(stack, 'cdk-cross-account-task-roles:confusedDeputyGuardOff')).toEqual([
      'a statement of the trust policy lets ecs-tasks.amazonaws.com assume this role without aws:SourceAccount and aws:SourceArn '
      + 'conditions that name an account: the statements of a policy are OR-ed, so it undoes the confused-deputy guard of the '
      + 'role\'s own statement, and ECS may assume the role for a task of any account or Region '
      + '(https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Put both conditions on that statement, or remove it.',
    ]);
  });
});

describe('whole-account trust warning, edges of the conditions', () => {
  const PROVIDER = `arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

  function trustWith(statement: iam.PolicyStatement): Stack {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(statement);
    return stack;
  }
  const anyone = (conditions: Record<string, unknown>) => new iam.PolicyStatement({
    actions: ['sts:AssumeRole'], principals: [new iam.AnyPrincipal()], conditions,
  });
  const warns = (stack: Stack, admitted = 'every principal of \\*') => Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
    Match.stringLikeRegexp(`^the trust policy admits ${admitted}.*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]`));
  const silent = (stack: Stack) => Annotations.fromStack(stack).hasNoWarning('/DestinationStack/R', Match.stringLikeRegexp('admits every'));

  test('a Deny statement admits no one, so it does not warn', () => {
    silent(trustWith(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)] })));
    silent(trustWith(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal(PROVIDER)] })));
  });

  test('every whole account of a statement is named, separated by commas', () => {
    warns(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT), new iam.AccountPrincipal(DESTINATION_ACCOUNT)],
    })), `every principal of arn:aws:iam::${SOURCE_ACCOUNT}:root, arn:aws:iam::${DESTINATION_ACCOUNT}:root that is allowed`);
  });

  test('an account given as a number, as a policy read from JSON may hold it, is an account', () => {
    warns(trustWith(iam.PolicyStatement.fromJson({ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: 111122223333 } })),
      'every principal of 111122223333 that is allowed');
  });

  test.each([
    ['13 digits', '1111222233334'],
    ['a root ARN with text after it', `arn:aws:iam::${SOURCE_ACCOUNT}:rootx`],
    ['a root ARN with text before it', `xarn:aws:iam::${SOURCE_ACCOUNT}:root`],
  ])('a principal that only holds the form of an account (%s) is not read as one', (_, arn) => {
    silent(trustWith(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(arn)] })));
  });

  test.each([
    ['an aws:PrincipalArn key with text after it', { ArnLike: { 'aws:PrincipalArnx': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['an aws:PrincipalArn key with text before it', { ArnLike: { 'xaws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['a role ARN with text before it', { ArnLike: { 'aws:PrincipalArn': `xarn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } }],
    ['an organization key with text after it', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'aws:PrincipalOrgIDx': ORG_ID } }],
    ['an organization key with text before it', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'xaws:PrincipalOrgID': ORG_ID } }],
  ])('a condition that only holds the form of a limit (%s) does not limit', (_, conditions) => {
    warns(trustWith(anyone(conditions)));
  });

  test('an organization given as a parameter does not limit the accounts, since it may be a wildcard at deploy', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(anyone({
      ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' },
      StringLike: { 'aws:PrincipalOrgID': new CfnParameter(stack, 'Organization').valueAsString },
    }));
    warns(stack);
  });

  test('a trust statement without a principal gets the error of aws-cdk-lib', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'] }));
    expect(() => Template.fromStack(stack)).toThrow(/A PolicyStatement used in a resource-based policy must specify at least one IAM principal/);
  });

  test('a role whose name is 12 digits is a role, not an account', () => {
    silent(trustWith(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/123456789012`)] })));
  });

  test('an aws:PrincipalArn condition under an IfExists operator does not limit, since a request without the key passes', () => {
    warns(trustWith(anyone({ ArnLikeIfExists: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer` } })));
  });

  test('condition keys are read without case', () => {
    silent(trustWith(anyone({ ArnLike: { 'aws:principalarn': 'arn:aws:iam::*:role/deployer' }, StringEquals: { 'AWS:PRINCIPALORGID': ORG_ID } })));
  });

  test('an organization condition of only wildcards does not limit the accounts', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringLike: { 'aws:PrincipalOrgID': '*' } })));
  });

  test('an account list that holds a wildcard does not limit the accounts', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/deployer' }, StringLike: { 'aws:PrincipalAccount': [SOURCE_ACCOUNT, '*'] } })));
  });

  test('every aws:PrincipalArn value must name a role', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': [`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`, `arn:aws:iam::${SOURCE_ACCOUNT}:role/*/`] } })));
  });

  test('a role ARN with an empty or wildcard account admits that name in every account', () => {
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:::role/deployer' } })));
    warns(trustWith(anyone({ ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::11112222333?:role/deployer' } })));
  });

  test('a provider limited by one of its keys beside other keys does not warn; another provider\'s key does not limit it', () => {
    const withKeys = (keys: Record<string, string>) => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal(PROVIDER, { StringEquals: keys })],
    });
    silent(trustWith(withKeys({ 'aws:RequestedRegion': 'us-east-1', 'token.actions.githubusercontent.com:sub': 'repo:example/app:ref:refs/heads/main' })));
    Annotations.fromStack(trustWith(withKeys({ 'accounts.google.com:sub': 'x' }))).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp(`^the trust policy admits every identity of ${PROVIDER}, with no condition on the provider's keys.*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]`));
  });

  test('a provider key under a negative operator does not limit the provider', () => {
    Annotations.fromStack(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(PROVIDER, { StringNotEquals: { 'token.actions.githubusercontent.com:sub': 'repo:example/other:*' } })],
    }))).hasWarning('/DestinationStack/R', Match.stringLikeRegexp(`^the trust policy admits every identity of ${PROVIDER}`));
  });

  test('a provider given as a parameter is left to deploy time', () => {
    const stack = destinationStack();
    const role = new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole] });
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(new CfnParameter(stack, 'Provider').valueAsString)],
    }));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('a provider whose ARN has capitals is matched with its lowercase keys', () => {
    silent(trustWith(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.WebIdentityPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:oidc-provider/Example.COM`, { StringEquals: { 'example.com:sub': 'x' } })],
    })));
  });

  test('a SAML provider is limited by a SAML key, not by a key named after its ARN', () => {
    const saml = (keys: Record<string, string>) => new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithSAML'],
      principals: [new iam.FederatedPrincipal(`arn:aws:iam::${DESTINATION_ACCOUNT}:saml-provider/corp`, { StringEquals: keys }, 'sts:AssumeRoleWithSAML')],
    });
    silent(trustWith(saml({ 'SAML:sub': 'x' })));
    Annotations.fromStack(trustWith(saml({ 'aws:RequestedRegion': 'us-east-1' }))).hasWarning('/DestinationStack/R', Match.stringLikeRegexp('every identity of .*saml-provider/corp'));
  });
});
