import { App, Aspects, CfnParameter, IAspect, PermissionsBoundary, Stack, Stage, Tags, Lazy, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { DestinationRoleStackSet, DestinationRoleStackSetProps, RoleReference, TrustMode } from '../src';
import { SOURCE_ACCOUNT, newApp, partitionArn } from './support/app';

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });
const PROPS: DestinationRoleStackSetProps = {
  destinationRole: { roleName: 'destination-account-role', trustedRoles: [taskRole] },
  organizationalUnitIds: ['ou-ab12-11111111'],
};

function managementStack(app: App = newApp(), props: { permissionsBoundary?: PermissionsBoundary } = {}): Stack {
  return new Stack(app, 'Management', { env: { account: '999988887777', region: 'us-east-1' }, ...props });
}

/** The template the StackSet deploys to every account. */
function deployedTemplate(stack: Stack): any {
  const [stackSet] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
  return JSON.parse(stackSet.Properties.TemplateBody);
}

function deployedRole(stack: Stack): any {
  const [role] = Object.values<any>(deployedTemplate(stack).Resources).filter(r => r.Type === 'AWS::IAM::Role');
  return role.Properties;
}

/** The ARN of a customer managed policy in each target account, as the role's template writes it. */
const inEachAccount = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:policy/${name}`]] });

describe('DestinationRoleStackSet: what the parent app applies reaches the role deployed to every account', () => {
  test('PermissionsBoundary.of(app), applied after the StackSet is made', () => {
    // GIVEN
    const app = newApp();
    const stack = managementStack(app);
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    // WHEN
    iam.PermissionsBoundary.of(app).apply(iam.ManagedPolicy.fromAwsManagedPolicyName('PowerUserAccess'));
    // THEN
    expect(deployedRole(stack).PermissionsBoundary).toEqual(partitionArn(':iam::aws:policy/PowerUserAccess'));
  });

  test('the @aws-cdk/core:permissionsBoundary context, as the policy of that name in each target account', () => {
    const app = new App({ analyticsReporting: false, context: { '@aws-cdk/core:permissionsBoundary': { name: 'team-boundary' } } });
    const stack = managementStack(app);
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    expect(deployedRole(stack).PermissionsBoundary).toEqual(inEachAccount('team-boundary'));
  });

  test('the permissionsBoundary of the parent stack, as the policy of that name in each target account, not the management account\'s', () => {
    const stack = managementStack(newApp(), { permissionsBoundary: PermissionsBoundary.fromName('team-boundary') });
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    expect(deployedRole(stack).PermissionsBoundary).toEqual(inEachAccount('team-boundary'));
    Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
  });

  test('a boundary imported in the management stack is still refused, since its ARN names the management account', () => {
    const app = newApp();
    const stack = managementStack(app);
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    iam.PermissionsBoundary.of(app).apply(iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'team-boundary'));
    expect(() => app.synth()).toThrow(/destinationRole\.permissionsBoundary ".*:iam::999988887777:policy\/team-boundary" is invalid/);
  });

  test('Tags.of(app)', () => {
    const app = newApp();
    const stack = managementStack(app);
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    Tags.of(app).add('team', 'reports');
    expect(deployedRole(stack).Tags).toEqual([{ Key: 'team', Value: 'reports' }]);
  });

  test('any other Aspect of the app, the stack or the construct, in their order', () => {
    const app = newApp();
    const stack = managementStack(app);
    const stackSet = new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    const describe = (text: string): IAspect => ({
      visit: (node: IConstruct) => {
        if (node instanceof iam.CfnRole) {
          node.description = `${node.description ?? ''}${text}`;
        }
      },
    });
    Aspects.of(stackSet).add(describe('3'));
    Aspects.of(stack).add(describe('2'));
    Aspects.of(app).add(describe('1'));
    expect(deployedRole(stack).Description).toBe('123');
  });

  test('not the Aspects of an app above the Stage the StackSet is in, which do not reach that Stage\'s roles either', () => {
    const app = newApp();
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Management', { env: { account: '999988887777', region: 'us-east-1' } });
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    Tags.of(app).add('app', 'tag');
    Tags.of(stage).add('stage', 'tag');
    expect(deployedRole(stack).Tags).toEqual([{ Key: 'stage', Value: 'tag' }]);
  });

  test('the context of the app and the stack', () => {
    const app = new App({ analyticsReporting: false, context: { 'team:owner': 'reports' } });
    const stack = managementStack(app);
    stack.node.setContext('team:cost-center', '42');
    const stackSet = new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    expect([stackSet.destinationRole.node.tryGetContext('team:owner'), stackSet.destinationRole.node.tryGetContext('team:cost-center')])
      .toEqual(['reports', '42']);
  });
});

describe('DestinationRoleStackSet under iam.Role.customizeRoles()', () => {
  test('is refused: the app may not create roles, and the StackSet would create one in every account', () => {
    const app = newApp();
    iam.Role.customizeRoles(app);
    expect(() => new DestinationRoleStackSet(managementStack(app), 'StackSet', PROPS)).toThrow(
      /^Management\/StackSet: iam\.Role\.customizeRoles\(\) is in effect here: this app's templates create no role, the roles are created outside it, but a DestinationRoleStackSet has StackSets create the role \/destination-account-role in every target account\. Create that role in each account as the precreated roles are, build the StackSet in an app without customizeRoles, or call customizeRoles with preventSynthesis: false$/);
  });

  test('with preventSynthesis: false, the role is created as the app\'s roles are, under its own name', () => {
    const app = newApp();
    iam.Role.customizeRoles(app, { preventSynthesis: false, usePrecreatedRoles: { 'DestinationRole/Role': 'another-name' } });
    const stack = managementStack(app);
    new DestinationRoleStackSet(stack, 'StackSet', PROPS);
    expect(deployedRole(stack).RoleName).toBe('destination-account-role');
  });
});

describe('DestinationRoleStackSet stackSetName', () => {
  test.each(['org_destination_roles', '1-roles', 'roles.v2', 'a'.repeat(129)])('refuses %s, which CloudFormation refuses', stackSetName => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'StackSet', { ...PROPS, stackSetName })).toThrow(new RegExp(
      `^Management/StackSet: stackSetName "${stackSetName.replace(/\./g, '\\.')}" is invalid: a StackSet name is 1 to 128 letters, digits and hyphens, starting with a letter, or CloudFormation refuses it at deploy$`));
  });

  test.each(['a', 'org-destination-roles', 'A1', 'a'.repeat(128)])('accepts %s', stackSetName => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'StackSet', { ...PROPS, stackSetName });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { StackSetName: stackSetName });
  });

  test('accepts a token', () => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'StackSet', { ...PROPS, stackSetName: Lazy.string({ produce: () => 'x' }) })).not.toThrow();
  });

});

describe('DestinationRoleStackSet: the checks of the role hold for the role deployed to every account', () => {
  const stackSetWith = (destinationRole: DestinationRoleStackSetProps['destinationRole']) => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'StackSet', { ...PROPS, destinationRole });
    return { stack, stackSet };
  };

  test('a trust policy over the quota fails synth with the figure', () => {
    const trustedRoles = Array.from({ length: 40 }, (_, i) => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: `task-role-${String(i).padStart(2, '0')}-${'n'.repeat(20)}` }));
    const { stack } = stackSetWith({ roleName: 'destination-account-role', trustedRoles });
    expect(() => Template.fromStack(stack)).toThrow(/Management\/StackSet: .*the trust policy is [\d,]+ characters .*the IAM quota is 2,048: deploying would fail/s);
  });

  test('a declared trust policy quota is taken', () => {
    const trustedRoles = Array.from({ length: 40 }, (_, i) => RoleReference.of({ account: SOURCE_ACCOUNT, roleName: `task-role-${String(i).padStart(2, '0')}-${'n'.repeat(20)}` }));
    const { stack } = stackSetWith({ roleName: 'destination-account-role', trustedRoles, iamQuotas: { trustPolicySize: 4096 } });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test.each<[string, (role: iam.Role) => void, string]>([
    ['a whole account', role => role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)],
    })), 'wholeAccountTrust'],
    ['a principal known only at deploy time', role => role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(new CfnParameter(Stack.of(role), 'Principal').valueAsString)],
    })), 'unknownTrustPrincipal'],
    ['an OpenID Connect provider of the role\'s stack without a subject', role => role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRoleWithWebIdentity'],
      principals: [new iam.OpenIdConnectPrincipal(new iam.OidcProviderNative(Stack.of(role), 'GitHub', {
        url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'],
      }))],
    })), 'wholeAccountTrust'],
  ])('a trust widened by hand with %s is warned about on the StackSet', (_case, widen, id) => {
    const { stack, stackSet } = stackSetWith(PROPS.destinationRole);
    widen(stackSet.destinationRole);
    Annotations.fromStack(stack).hasWarning('/Management/StackSet/Resource',
      Match.stringLikeRegexp(`^destinationRole \\(DestinationRole/Role\\): the trust policy admits .*\\[ack: cdk-cross-account-task-roles:${id}\\]$`));
  });

  test('an error of aws-cdk-lib about the role names the StackSet too', () => {
    expect(() => stackSetWith({ ...PROPS.destinationRole, description: 'd'.repeat(1001) }))
      .toThrow(/^Management\/StackSet: destinationRole \(DestinationRole\/Role\): Role description must be no longer than 1000 characters/);
  });

  test('an enum prop of the role is checked at construction', () => {
    expect(() => stackSetWith({ ...PROPS.destinationRole, trustMode: 'ACCOUNT' as TrustMode }))
      .toThrow(/^Management\/StackSet: destinationRole \(DestinationRole\/Role\): trustMode "ACCOUNT" is invalid: it is one of TrustMode\.ROLE_ARN, TrustMode\.ACCOUNT_WITH_PRINCIPAL_ARN/);
  });
});
