import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Annotations as CoreAnnotations, Duration, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DestinationRoleStackSet, OrganizationRoles, RoleReference, StackSetCallAs, TrustMode } from '../src';
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
