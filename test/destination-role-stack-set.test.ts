import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Annotations as CoreAnnotations, CfnResource, Duration, Fn, Lazy, Stack, Token, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DestinationRoleStackSet, DestinationRoleStackSetProps, OrganizationRoles, RoleReference, StackSetCallAs, TrustMode } from '../src';
import { newApp, partitionArn } from './support/app';

let mockTmpdir: string | undefined;
jest.mock('os', () => {
  const actual = jest.requireActual('os');
  return { ...actual, tmpdir: () => mockTmpdir ?? actual.tmpdir() };
});

const ORG = 'o-a1b2c3d4e5';
const taskRoles = OrganizationRoles.of({ organizationId: ORG, roleName: 'my-ECS-task-role' });

function managementStack(): Stack {
  return new Stack(newApp(), 'Management', { env: { account: '999988887777', region: 'us-east-1' } });
}

function deployedTemplate(stack: Stack): any {
  const [stackSet] = Object.values(Template.fromStack(stack).findResources('AWS::CloudFormation::StackSet'));
  return JSON.parse(stackSet.Properties.TemplateBody);
}

describe('DestinationRoleStackSet', () => {
  test('deploys to organizational units with service-managed permissions and auto deployment', () => {
    // GIVEN
    const stack = managementStack();
    // WHEN
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'reports-reader', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['ou-ab12-11111111', 'r-ab12'],
    });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackSetName: Match.stringLikeRegexp('^Management-Reports-'),
      PermissionModel: 'SERVICE_MANAGED',
      CallAs: 'SELF',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      ManagedExecution: { Active: true },
      OperationPreferences: { MaxConcurrentPercentage: 25, FailureTolerancePercentage: 0, RegionConcurrencyType: 'PARALLEL' },
      StackInstancesGroup: [{
        DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111', 'r-ab12'] },
        Regions: ['us-east-1'],
      }],
    });
  });

  test('deploys a template with exactly the destination role and its trust', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'reports-reader', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    });
    const template = deployedTemplate(stack);
    expect(Object.keys(template)).toEqual(['Resources']);
    expect(Object.values(template.Resources)).toEqual([{
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'reports-reader',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: '*' },
            Condition: {
              StringEquals: { 'aws:PrincipalOrgID': ORG },
              ArnLike: { 'aws:PrincipalArn': partitionArn(':iam::*:role/my-ECS-task-role') },
            },
          }],
        },
      },
    }]);
  });

  test('includes permissions added after construction', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: {
        roleName: 'reports-reader',
        trustedRoles: [RoleReference.of({ account: '111122223333', roleName: 'my-ECS-task-role' })],
        trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN,
      },
      organizationalUnitIds: ['ou-ab12-11111111'],
      callAs: StackSetCallAs.DELEGATED_ADMIN,
      autoDeployment: false,
    });
    stackSet.destinationRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));
    const types = Object.values<any>(deployedTemplate(stack).Resources).map(r => r.Type).sort();
    expect(types).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      CallAs: 'DELEGATED_ADMIN',
      AutoDeployment: { Enabled: false },
    });
  });

  test('gives the role\'s reference in any target account', () => {
    const stackSet = new DestinationRoleStackSet(managementStack(), 'Reports', {
      destinationRole: { roleName: 'reports-reader', path: '/data/', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    });
    expect(stackSet.referenceIn('555566667777').toString()).toBe('arn:${AWS::Partition}:iam::555566667777:role/data/reports-reader');
  });

  test('requires a role name', () => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', {
      destinationRole: { trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['ou-ab12-11111111'],
    })).toThrow(/Management\/Reports: destinationRole.roleName is missing: a StackSet creates the role in many accounts/);
  });

  test('refuses an account ID where an organizational unit is expected', () => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['555566667777'],
    })).toThrow(/organizationalUnitIds "555566667777" is invalid: an organizational unit ID is ou-<root>-<unit>/);
  });

  test('refuses an empty list of organizational units', () => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: [],
    })).toThrow(/organizationalUnitIds \[\] is invalid: name at least one/);
  });

  test('refuses a concurrency of 0% and accepts 100%', () => {
    const props = { destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] }, organizationalUnitIds: ['r-ab12'] };
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', { ...props, maxConcurrentPercentage: 0 }))
      .toThrow(/Management\/Reports: maxConcurrentPercentage 0 is invalid: a percentage here is a whole number from 1 to 100/);
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', { ...props, maxConcurrentPercentage: 100 })).not.toThrow();
  });

  test('refuses a malformed Region', () => {
    expect(() => new DestinationRoleStackSet(managementStack(), 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
      region: 'useast1',
    })).toThrow(/region "useast1" is invalid: a Region is lowercase words and a number/);
  });

  test('accepts the European Sovereign Cloud Region eusc-de-east-1', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
      region: 'eusc-de-east-1',
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [Match.objectLike({ Regions: ['eusc-de-east-1'] })],
    });
  });

  test('does not write into the cloud assembly the cdk CLI is writing', () => {
    // GIVEN the output directory the CLI hands the app in CDK_OUTDIR
    const outdir = mkdtempSync(join(tmpdir(), 'outer-'));
    const previous = process.env.CDK_OUTDIR;
    process.env.CDK_OUTDIR = outdir;
    try {
      const app = new App({ analyticsReporting: false });
      const stack = new Stack(app, 'Management', { env: { account: '999988887777', region: 'us-east-1' } });
      new DestinationRoleStackSet(stack, 'Reports', {
        destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
        organizationalUnitIds: ['r-ab12'],
      });
      // WHEN
      app.synth();
      // THEN only the app's own stack is there
      expect(readdirSync(outdir).filter(f => f.endsWith('.template.json'))).toEqual(['Management.template.json']);
    } finally {
      if (previous === undefined) {
        delete process.env.CDK_OUTDIR;
      } else {
        process.env.CDK_OUTDIR = previous;
      }
    }
  });

  test('fails synth when the role it deploys trusts no one', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', { destinationRole: { roleName: 'r' }, organizationalUnitIds: ['r-ab12'] });
    expect(() => Template.fromStack(stack)).toThrow(/trusts no role/);
  });

  test('fails synth with its path when the temporary directory for the role\'s template cannot be created', () => {
    // GIVEN a StackSet built while the temporary directory is one that is then removed
    const stack = managementStack();
    const vanishing = mkdtempSync(join(tmpdir(), 'vanishing-tmp-'));
    mockTmpdir = vanishing;
    try {
      new DestinationRoleStackSet(stack, 'Reports', {
        destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
        organizationalUnitIds: ['r-ab12'],
      });
    } finally {
      mockTmpdir = undefined;
    }
    // WHEN
    rmSync(vanishing, { recursive: true, force: true });
    // THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /Management\/Reports: the role's template cannot be synthesized: its temporary directory .*vanishing-tmp-.* cannot be created \(ENOENT/);
  });

  test('fails synth when a role of another partition than the StackSet\'s Region is trusted', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedRoles: [RoleReference.fromArn('arn:aws:iam::111122223333:role/my-ECS-task-role')] },
      organizationalUnitIds: ['r-ab12'],
      region: 'cn-north-1',
    });
    expect(() => Template.fromStack(stack)).toThrow(
      /Management\/Reports: destinationRole.trustedRoles "arn:aws:iam::111122223333:role\/my-ECS-task-role" is invalid: the role is in the aws partition, but this role is in the aws-cn partition \(Region cn-north-1\)/);
  });

  test('checks the partition of trusted organization roles against the Region of its own stack', () => {
    const stack = new Stack(newApp(), 'Management', { env: { account: '999988887777', region: 'cn-north-1' } });
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: 'task', partition: 'aws' })] },
      organizationalUnitIds: ['r-ab12'],
    });
    expect(() => Template.fromStack(stack)).toThrow(/destinationRole.trustedOrganizationRoles "arn:aws:iam::\*:role\/task" is invalid: the role is in the aws partition/);
  });

  test('accepts trusted roles of the partition of its Region', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedRoles: [RoleReference.fromArn('arn:aws-cn:iam::111122223333:role/my-ECS-task-role')] },
      organizationalUnitIds: ['r-ab12'],
      region: 'cn-north-1',
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('leaves no temporary directory behind, whether the app is synthesized or not', () => {
    // GIVEN an empty temporary directory, and an app whose own output goes elsewhere
    const outdir = mkdtempSync(join(tmpdir(), 'management-out-'));
    const watched = mkdtempSync(join(tmpdir(), 'watched-tmp-'));
    mockTmpdir = watched;
    try {
      const app = new App({ outdir, analyticsReporting: false });
      const stack = new Stack(app, 'Management', { env: { account: '999988887777', region: 'us-east-1' } });
      const props = { destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] }, organizationalUnitIds: ['r-ab12'] };
      // WHEN three StackSets are built, and one more in an app that is never synthesized
      for (const id of ['One', 'Two', 'Three']) {
        new DestinationRoleStackSet(stack, id, props);
      }
      const unsynthesized = new App({ outdir, analyticsReporting: false });
      new DestinationRoleStackSet(new Stack(unsynthesized, 'Other'), 'NeverSynthesized', props);
      app.synth();
      // THEN
      expect(tmpdir()).toBe(watched);
      expect(readdirSync(watched)).toEqual([]);
    } finally {
      mockTmpdir = undefined;
      rmSync(outdir, { recursive: true, force: true });
      rmSync(watched, { recursive: true, force: true });
    }
  });
});

describe('DestinationRoleStackSet repeats the messages of the role it deploys', () => {
  function longSessionStackSet(stack: Stack): DestinationRoleStackSet {
    return new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles], maxSessionDuration: Duration.hours(2) },
      organizationalUnitIds: ['r-ab12'],
    });
  }

  test('shows the role\'s warnings on the StackSet, where cdk synth --strict sees them', () => {
    // GIVEN
    const stack = managementStack();
    // WHEN
    longSessionStackSet(stack);
    // THEN
    Annotations.fromStack(stack).hasWarning('/Management/Reports/Resource',
      Match.stringLikeRegexp('^destinationRole \\(DestinationRole/Role\\): maxSessionDuration is 2 hours.*\\[ack: cdk-cross-account-task-roles:chainedSessionDuration\\]$'));
  });

  test('lets the warning be acknowledged on the StackSet', () => {
    // GIVEN
    const stack = managementStack();
    const stackSet = longSessionStackSet(stack);
    // WHEN
    CoreAnnotations.of(stackSet).acknowledgeWarning('cdk-cross-account-task-roles:chainedSessionDuration', 'people assume it for 2 hours');
    // THEN
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('fails the app\'s synthesis with the error of the role', () => {
    // GIVEN a role with more managed policies than IAM allows
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
    });
    for (let i = 0; i < 11; i++) {
      stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
    }
    // WHEN / THEN
    expect(() => (stack.node.root as App).synth())
      .toThrow(/Management\/Reports: [\s\S]*the number of managed policies is 11 policies, the IAM quota is 10: deploying would fail/);
  });

  test('refuses a permissions boundary imported in the management stack, whose ARN names the management account', () => {
    // GIVEN
    const stack = managementStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'team-boundary');
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles], permissionsBoundary: boundary },
      organizationalUnitIds: ['r-ab12'],
    });
    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(
      /destinationRole.permissionsBoundary "arn:\$\{AWS::Partition\}:iam::999988887777:policy\/team-boundary" is invalid: the StackSet deploys the role to every target account/);
  });

  test('names every policy of another account, separated by semicolons', () => {
    const stack = managementStack();
    const boundary = iam.ManagedPolicy.fromManagedPolicyName(stack, 'Boundary', 'team-boundary');
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles], permissionsBoundary: boundary },
      organizationalUnitIds: ['r-ab12'],
    });
    stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Central', 'arn:aws:iam::999988887777:policy/central'));
    expect(() => Template.fromStack(stack)).toThrow(
      /Management\/Reports: destinationRole.permissionsBoundary "[^"]*team-boundary" is invalid: [^;]*; destinationRole.managedPolicies "arn:aws:iam::999988887777:policy\/central" is invalid: /);
  });

  test('refuses a managed policy of the management stack', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
    });
    stackSet.destinationRole.addManagedPolicy(new iam.ManagedPolicy(stack, 'Central', {
      managedPolicyName: 'central',
      statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })],
    }));
    expect(() => Template.fromStack(stack)).toThrow(/destinationRole.managedPolicies "arn:\$\{AWS::Partition\}:iam::999988887777:policy\/central" is invalid/);
  });

  test('deploys a boundary imported with the role as scope, which names each target account', () => {
    // GIVEN
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
    });
    // WHEN
    iam.PermissionsBoundary.of(stackSet.destinationRole)
      .apply(iam.ManagedPolicy.fromManagedPolicyName(stackSet.destinationRole, 'Boundary', 'team-boundary'));
    // THEN
    const [role] = Object.values<any>(deployedTemplate(stack).Resources);
    expect(role.Properties.PermissionsBoundary).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':policy/team-boundary']],
    });
  });
});

describe('DestinationRoleStackSet checks each property at its boundaries', () => {
  const destinationRole = { roleName: 'reports-reader', trustedOrganizationRoles: [taskRoles] };

  function stackSetIn(stack: Stack, props: Partial<DestinationRoleStackSetProps> = {}): DestinationRoleStackSet {
    return new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'], ...props });
  }

  test('refuses a role name that is a token, which sources cannot name', () => {
    expect(() => stackSetIn(managementStack(), { destinationRole: { ...destinationRole, roleName: Lazy.string({ produce: () => 'r' }) } }))
      .toThrow(/^Management\/Reports: destinationRole.roleName is the token \$\{Token\[TOKEN\.\d+\]\}: a StackSet creates the role in many accounts, and sources name it there by a literal name: give one$/);
  });

  test.each([
    'ou-ab12-11111111',
    `ou-${'a'.repeat(32)}-${'1'.repeat(32)}`,
    'ou-a1b2-c3d4e5f6',
    'r-ab12',
    `r-${'a'.repeat(32)}`,
  ])('accepts the organizational unit or root %s', ou => {
    const stack = managementStack();
    stackSetIn(stack, { organizationalUnitIds: [ou] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [Match.objectLike({ DeploymentTargets: { OrganizationalUnitIds: [ou] } })],
    });
  });

  test.each([
    'ou-abc-11111111',
    'ou-ab12-1111111',
    `ou-${'a'.repeat(33)}-11111111`,
    `ou-ab12-${'1'.repeat(33)}`,
    'OU-AB12-11111111',
    'ou-ab12_11111111',
    ' ou-ab12-11111111',
    'r-abc',
    `r-${'a'.repeat(33)}`,
    'r-ab12 ',
    'r-AB12',
    'r-ab.2',
  ])('refuses the organizational unit ID %j', ou => {
    expect(() => stackSetIn(managementStack(), { organizationalUnitIds: [ou] }))
      .toThrow(new RegExp(`^Management/Reports: organizationalUnitIds ${escape(JSON.stringify(ou))} is invalid: an organizational unit ID is ou-<root>-<unit> such as ou-ab12-11111111, or a root ID such as r-ab12$`));
  });

  test('accepts an organizational unit ID that is a token', () => {
    const stack = managementStack();
    stackSetIn(stack, { organizationalUnitIds: [Lazy.string({ produce: () => 'ou-ab12-11111111' })] });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      StackInstancesGroup: [Match.objectLike({ DeploymentTargets: { OrganizationalUnitIds: ['ou-ab12-11111111'] } })],
    });
  });

  test('accepts a concurrency of 1% and a failure tolerance of 100%', () => {
    const stack = managementStack();
    stackSetIn(stack, { maxConcurrentPercentage: 1, failureTolerancePercentage: 100 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      OperationPreferences: { MaxConcurrentPercentage: 1, FailureTolerancePercentage: 100 },
    });
  });

  test('accepts a failure tolerance of 0% given explicitly', () => {
    const stack = managementStack();
    stackSetIn(stack, { failureTolerancePercentage: 0 });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      OperationPreferences: { FailureTolerancePercentage: 0 },
    });
  });

  test.each([
    ['maxConcurrentPercentage', 101, 1],
    ['maxConcurrentPercentage', 12.5, 1],
    ['failureTolerancePercentage', -1, 0],
    ['failureTolerancePercentage', 101, 0],
    ['failureTolerancePercentage', 0.5, 0],
  ] as const)('refuses %s %d', (property, value, min) => {
    expect(() => stackSetIn(managementStack(), { [property]: value }))
      .toThrow(`Management/Reports: ${property} ${value} is invalid: a percentage here is a whole number from ${min} to 100`);
  });

  test('accepts percentages that are tokens', () => {
    const stack = managementStack();
    stackSetIn(stack, {
      maxConcurrentPercentage: Token.asNumber(Lazy.number({ produce: () => 0 })),
      failureTolerancePercentage: Token.asNumber(Lazy.number({ produce: () => 101 })),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      OperationPreferences: { MaxConcurrentPercentage: 0, FailureTolerancePercentage: 101 },
    });
  });

  test('uses the StackSet name given', () => {
    const stack = managementStack();
    stackSetIn(stack, { stackSetName: 'reports-reader-role' });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', { StackSetName: 'reports-reader-role' });
  });

  test('describes the role by its path and name', () => {
    const stack = managementStack();
    stackSetIn(stack, { destinationRole: { ...destinationRole, path: '/data/' } });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Description: 'Role /data/reports-reader, trusted by roles of other accounts',
    });
  });

  test('describes and references a role without a path at the root path', () => {
    const stack = managementStack();
    const stackSet = stackSetIn(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      Description: 'Role /reports-reader, trusted by roles of other accounts',
    });
    expect(stackSet.referenceIn('555566667777').toString()).toBe('arn:${AWS::Partition}:iam::555566667777:role/reports-reader');
  });

  test('without auto deployment, sets no RetainStacksOnAccountRemoval, which CloudFormation only accepts with it', () => {
    const stack = managementStack();
    stackSetIn(stack, { autoDeployment: false });
    Template.fromStack(stack).hasResourceProperties('AWS::CloudFormation::StackSet', {
      AutoDeployment: Match.objectEquals({ Enabled: false }),
    });
  });
});

describe('DestinationRoleStackSet template body', () => {
  const destinationRole = { roleName: 'r', trustedOrganizationRoles: [taskRoles] };

  /** A StackSet whose role's template carries `padding` characters of metadata, to reach a size. */
  function paddedStackSet(padding: number): Stack {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    Stack.of(stackSet.destinationRole).templateOptions.metadata = { Padding: 'x'.repeat(padding) };
    return stack;
  }

  test('accepts a template of exactly 51,200 bytes and refuses one of 51,201, the most CloudFormation accepts inline', () => {
    // GIVEN the size of the template with one character of padding
    const baseline = Buffer.byteLength(JSON.stringify(deployedTemplate(paddedStackSet(1))), 'utf-8');
    const exact = 51200 - baseline + 1;
    // THEN
    expect(Buffer.byteLength(JSON.stringify(deployedTemplate(paddedStackSet(exact))), 'utf-8')).toBe(51200);
    expect(() => Template.fromStack(paddedStackSet(exact + 1))).toThrow(
      /Management\/Reports: the role's template is 51,201 bytes, over the 51,200 bytes CloudFormation accepts inline: trust roles by organization pattern/);
  });

  test('refuses to render the template when validation is skipped and the role has errors', () => {
    // GIVEN a role that trusts no one
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', { destinationRole: { roleName: 'r' }, organizationalUnitIds: ['r-ab12'] });
    // WHEN / THEN
    expect(() => (stack.node.root as App).synth({ skipValidation: true }))
      .toThrow(/Management\/Reports: the role's template cannot be synthesized: Validation failed with the following errors:\n.*\[DestinationRole\/Role\].*trusts no role/);
  });

  test('names the role\'s validation error without blaming the temporary directory', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    for (let i = 0; i < 11; i++) {
      stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName(`Policy${i}`));
    }
    expect(() => Template.fromStack(stack))
      .toThrow(/Management\/Reports: the role's template cannot be synthesized: Validation failed with the following errors:\n/);
  });

  test('fails synthesis with an error annotation of the role\'s template', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    CoreAnnotations.of(stackSet.destinationRole).addError('the role is not ready');
    expect(() => Template.fromStack(stack))
      .toThrow(/Management\/Reports: destinationRole \(DestinationRole\/Role\): the role is not ready/);
  });

  test('refuses a managed policy whose ARN is a literal of another account', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stack, 'Central', 'arn:aws:iam::999988887777:policy/central'));
    expect(() => Template.fromStack(stack)).not.toThrow(/Management\/Reports: Management\/Reports/);
    expect(() => Template.fromStack(stack)).toThrow(
      /Management\/Reports: destinationRole.managedPolicies "arn:aws:iam::999988887777:policy\/central" is invalid: the StackSet deploys the role to every target account, and a role can only use a policy of its own account or of AWS: import it by name with the role as scope, iam.ManagedPolicy.fromManagedPolicyName\(stackSet.destinationRole, id, name\), and attach it after construction, so that its ARN names each target account/);
  });

  test('refuses a managed policy whose ARN names another account in another intrinsic', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    stackSet.destinationRole.addManagedPolicy(iam.ManagedPolicy.fromManagedPolicyArn(stackSet.destinationRole, 'Central',
      Fn.sub('arn:${AWS::Partition}:iam::999988887777:policy/central')));
    expect(() => Template.fromStack(stack)).toThrow(
      /destinationRole.managedPolicies "\{\\"Fn::Sub\\":\\"arn:\$\{AWS::Partition\}:iam::999988887777:policy\/central\\"\}" is invalid/);
  });

  test('checks a role resource of the template that has no properties without failing', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    new CfnResource(Stack.of(stackSet.destinationRole), 'Bare', { type: 'AWS::IAM::Role' });
    expect(deployedTemplate(stack).Resources.Bare).toEqual({ Type: 'AWS::IAM::Role' });
  });

  test('leaves alone a directory it did not create where the role\'s template goes', () => {
    // GIVEN the template's output directory made by someone else before synthesis
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    const outdir = (stackSet.destinationRole.node.root as App).outdir;
    mkdirSync(outdir);
    try {
      // WHEN / THEN
      expect(() => Template.fromStack(stack)).toThrow(/Management\/Reports: the role's template cannot be synthesized: its temporary directory .* cannot be created \(EEXIST/);
      expect(existsSync(outdir)).toBe(true);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('deploys a managed policy created with the role, which is in each target account', () => {
    const stack = managementStack();
    const stackSet = new DestinationRoleStackSet(stack, 'Reports', { destinationRole, organizationalUnitIds: ['r-ab12'] });
    stackSet.destinationRole.addManagedPolicy(new iam.ManagedPolicy(stackSet.destinationRole, 'Own', {
      statements: [new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] })],
    }));
    const types = Object.values<any>(deployedTemplate(stack).Resources).map(r => r.Type).sort();
    expect(types).toEqual(['AWS::IAM::ManagedPolicy', 'AWS::IAM::Role']);
  });
});

describe('DestinationRoleStackSet repeats each kind of message of the role', () => {
  function stackSetIn(stack: Stack): DestinationRoleStackSet {
    return new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles] },
      organizationalUnitIds: ['r-ab12'],
    });
  }

  test('repeats a warning once', () => {
    const stack = managementStack();
    new DestinationRoleStackSet(stack, 'Reports', {
      destinationRole: { roleName: 'r', trustedOrganizationRoles: [taskRoles], maxSessionDuration: Duration.hours(2) },
      organizationalUnitIds: ['r-ab12'],
    });
    expect(Annotations.fromStack(stack).findWarning('*', Match.anyValue())).toHaveLength(1);
  });

  test('repeats a warning without acknowledgement ID as it is', () => {
    const stack = managementStack();
    CoreAnnotations.of(stackSetIn(stack).destinationRole).addWarning('plain warning');
    Annotations.fromStack(stack).hasWarning('/Management/Reports/Resource', 'destinationRole (DestinationRole/Role): plain warning');
  });

  test('repeats a warning that only mentions an acknowledgement ID as it is', () => {
    const stack = managementStack();
    CoreAnnotations.of(stackSetIn(stack).destinationRole).addWarning('see [ack: reports:x] below');
    Annotations.fromStack(stack).hasWarning('/Management/Reports/Resource', 'destinationRole (DestinationRole/Role): see [ack: reports:x] below');
  });

  test('repeats an info without acknowledgement ID as an info', () => {
    const stack = managementStack();
    CoreAnnotations.of(stackSetIn(stack).destinationRole).addInfo('plain info');
    Annotations.fromStack(stack).hasInfo('/Management/Reports/Resource', 'destinationRole (DestinationRole/Role): plain info');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('repeats an info with acknowledgement ID as an info', () => {
    const stack = managementStack();
    CoreAnnotations.of(stackSetIn(stack).destinationRole).addInfoV2('reports:note', 'a note');
    Annotations.fromStack(stack).hasInfo('/Management/Reports/Resource', 'destinationRole (DestinationRole/Role): a note [ack: reports:note]');
  });

  test('lets an info be acknowledged on the StackSet', () => {
    const stack = managementStack();
    const stackSet = stackSetIn(stack);
    CoreAnnotations.of(stackSet.destinationRole).addInfoV2('reports:note', 'a note');
    CoreAnnotations.of(stackSet).acknowledgeInfo('reports:note', 'known');
    Annotations.fromStack(stack).hasNoInfo('*', Match.anyValue());
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
