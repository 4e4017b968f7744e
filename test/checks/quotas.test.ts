import { CfnParameter, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole, IamQuotas, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, sourceStack } from '../support/app';

// Sizes are computed here from the policy IAM will see, independently of the library:
// JSON without white space, in the aws partition (the stacks are in us-east-1).
const iamSize = (document: unknown) => JSON.stringify(document).replace(/\s+/g, '').length;
const roleArn = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;

const trustSize = (names: string[]) => iamSize({
  Statement: [{
    Action: 'sts:AssumeRole',
    Effect: 'Allow',
    Principal: { AWS: names.length === 1 ? roleArn(SOURCE_ACCOUNT, names[0]) : names.map(n => roleArn(SOURCE_ACCOUNT, n)) },
  }],
  Version: '2012-10-17',
});

const identitySize = (names: string[]) => iamSize({
  Statement: [{
    Action: 'sts:AssumeRole',
    Effect: 'Allow',
    Resource: names.length === 1 ? roleArn(DESTINATION_ACCOUNT, names[0]) : names.map(n => roleArn(DESTINATION_ACCOUNT, n)).sort(),
    Sid: 'AssumeDestinationRoles',
  }],
  Version: '2012-10-17',
});

/** Role names whose policy, as `size` measures it, is exactly `target` characters. */
function namesOfSize(size: (names: string[]) => number, target: number): string[] {
  const names: string[] = [];
  while (size([...names, 'x'.repeat(64)]) < target) {
    names.push(`role-${String(names.length).padStart(4, '0')}-${'n'.repeat(10)}`);
  }
  for (let length = 1; length <= 64; length++) {
    const candidate = [...names, 'z'.repeat(length)];
    if (size(candidate) === target) {
      return candidate;
    }
  }
  throw new Error(`no names give exactly ${target}`);
}

function destinationTrusting(names: string[], iamQuotas?: IamQuotas): Stack {
  const stack = destinationStack();
  new TrustedDestinationRole(stack, 'DestinationRole', {
    roleName: 'destination-account-role',
    trustedRoles: names.map(roleName => RoleReference.of({ account: SOURCE_ACCOUNT, roleName })),
    iamQuotas,
  });
  return stack;
}

function taskRoleAssuming(names: string[]): Stack {
  const stack = sourceStack();
  new CrossAccountTaskRole(stack, 'TaskRole', {
    roleName: 'my-ECS-task-role',
    destinationRoles: names.map(roleName => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName })),
  });
  return stack;
}

/** A statement that names a bucket of `size` characters, to grow a policy by about that much. */
const bigStatement = (size: number) => new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`arn:aws:s3:::${'b'.repeat(size)}/*`] });

const nearQuota = (figure: string) => Match.stringLikeRegexp(`is ${figure}.*the IAM quota is`);

describe('trust policy size (2,048 by default)', () => {
  test('at exactly 2,048 characters: synthesizes, with a warning that gives the figure', () => {
    const stack = destinationTrusting(namesOfSize(trustSize, 2048));
    Annotations.fromStack(stack).hasWarning('/DestinationStack/DestinationRole',
      Match.stringLikeRegexp('the trust policy is 2,048 characters .* the IAM quota is 2,048 \\(100%\\)'));
  });

  test('at 2,049 characters: fails with the figure and the way out', () => {
    const stack = destinationTrusting(namesOfSize(trustSize, 2049));
    expect(() => Template.fromStack(stack)).toThrow(
      /the trust policy is 2,049 characters .* the IAM quota is 2,048: deploying would fail\. Trust the source roles by organization instead \(trustedOrganizationRoles with OrganizationRoles.of\(\)\).* iamQuotas.trustPolicySize/);
  });

  test('just below 90% (1,843 characters): no warning', () => {
    const stack = destinationTrusting(namesOfSize(trustSize, 1843));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('nearIamQuota'));
  });

  test('at 90% (1,844 characters): a warning', () => {
    const stack = destinationTrusting(namesOfSize(trustSize, 1844));
    Annotations.fromStack(stack).hasWarning('*', nearQuota('1,844'));
  });

  test('with a declared quota of 4,096: 4,096 synthesizes and 4,097 fails', () => {
    expect(() => Template.fromStack(destinationTrusting(namesOfSize(trustSize, 4096), { trustPolicySize: 4096 }))).not.toThrow();
    expect(() => Template.fromStack(destinationTrusting(namesOfSize(trustSize, 4097), { trustPolicySize: 4096 })))
      .toThrow(/the trust policy is 4,097 characters .* the IAM quota is 4,096/);
  });

  test('a declared quota above what IAM allows is refused', () => {
    expect(() => destinationTrusting(['a'], { trustPolicySize: 4097 }))
      .toThrow(/DestinationStack\/DestinationRole: iamQuotas.trustPolicySize 4097 is invalid: IAM allows this quota to be raised from 2048 up to 4096/);
  });

  test.each(['trustPolicySize', 'managedPoliciesPerRole'])('a declared %s that is a token is refused, since the check needs the number', property => {
    const stack = destinationStack();
    const quota = new CfnParameter(stack, 'Quota', { type: 'Number' }).valueAsNumber;
    expect(() => new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'r' })], iamQuotas: { [property]: quota } }))
      .toThrow(new RegExp(`^DestinationStack/DestinationRole: iamQuotas\\.${property} "\\$\\{Token\\[TOKEN\\.\\d+\\]\\}" is invalid: `
        + 'the quota is compared with the policies at synth, so it must be a number known then, from \\d+ up to \\d+$'));
  });

  test('a declared quota below the default is refused', () => {
    expect(() => destinationTrusting(['a'], { trustPolicySize: 2047 })).toThrow(/iamQuotas.trustPolicySize 2047 is invalid/);
  });
});

describe('inline policies per role (10,240 together)', () => {
  test('at exactly 10,240 characters: synthesizes, with a warning', () => {
    const stack = taskRoleAssuming(namesOfSize(identitySize, 10240));
    Annotations.fromStack(stack).hasWarning('/SourceStack/TaskRole',
      Match.stringLikeRegexp('the inline policies together is 10,240 characters .* \\(100%\\)'));
  });

  test('at 10,241 characters: fails and says the quota cannot be raised', () => {
    const stack = taskRoleAssuming(namesOfSize(identitySize, 10241));
    expect(() => Template.fromStack(stack)).toThrow(
      /the inline policies together is 10,241 characters .* the IAM quota is 10,240: deploying would fail\. This quota cannot be raised: name the destinations by organization instead \(destinationOrganizationRoles with OrganizationRoles.of\(\)\), whose size does not grow with the number of accounts; or assume fewer destination roles from one task role, or move statements into customer managed policies/);
  });

  test('does not count a policy of another role of the stack', () => {
    const stack = taskRoleAssuming(namesOfSize(identitySize, 10240 - 200));
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    other.addToPrincipalPolicy(bigStatement(200));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('counts the policies that grants add beside the role', () => {
    const names = namesOfSize(identitySize, 10240 - 200);
    const stack = taskRoleAssuming(names);
    const role = stack.node.findChild('TaskRole') as CrossAccountTaskRole;
    role.addToPrincipalPolicy(bigStatement(200));
    expect(() => Template.fromStack(stack)).toThrow(/the inline policies together is 10,\d{3} characters/);
  });
});

describe('managed policies per role (10 by default)', () => {
  const withManagedPolicies = (count: number, iamQuotas?: IamQuotas) => {
    const stack = sourceStack();
    new CrossAccountTaskRole(stack, 'TaskRole', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
      managedPolicies: Array.from({ length: count }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `policy-${i}`)),
      iamQuotas,
    });
    return stack;
  };

  test('10 synthesize, 11 fail', () => {
    expect(() => Template.fromStack(withManagedPolicies(10))).not.toThrow();
    expect(() => Template.fromStack(withManagedPolicies(11)))
      .toThrow(/the number of managed policies is 11 policies, the IAM quota is 10: deploying would fail\. Merge managed policies, or raise the quota \(up to 20\) in Service Quotas and declare it with iamQuotas\.managedPoliciesPerRole\.$/m);
  });

  test('8 give no warning, 9 do', () => {
    Annotations.fromStack(withManagedPolicies(8)).hasNoWarning('*', Match.anyValue());
    Annotations.fromStack(withManagedPolicies(9)).hasWarning('*', nearQuota('9 policies'));
  });

  test('declared quotas from the default (10) to 20 are taken, and others refused with the property\'s name', () => {
    expect(() => withManagedPolicies(0, { managedPoliciesPerRole: 10 })).not.toThrow();
    expect(() => withManagedPolicies(0, { managedPoliciesPerRole: 9 }))
      .toThrow(/^SourceStack\/TaskRole: iamQuotas.managedPoliciesPerRole 9 is invalid: IAM allows this quota to be raised from 10 up to 20, no further$/);
    expect(() => withManagedPolicies(0, { managedPoliciesPerRole: 10.5 })).toThrow(/iamQuotas.managedPoliciesPerRole 10.5 is invalid/);
  });

  test('the warning near the quota has the nearIamQuota ID', () => {
    Annotations.fromStack(withManagedPolicies(9)).hasWarning('/SourceStack/TaskRole', Match.stringLikeRegexp('\\[ack: cdk-cross-account-task-roles:nearIamQuota\\]$'));
  });

  test('with a declared quota of 20: 20 synthesize, 21 fail', () => {
    expect(() => Template.fromStack(withManagedPolicies(20, { managedPoliciesPerRole: 20 }))).not.toThrow();
    expect(() => Template.fromStack(withManagedPolicies(21, { managedPoliciesPerRole: 20 }))).toThrow(/is 21 policies, the IAM quota is 20/);
  });
});

describe('managed policy size (6,144)', () => {
  const policyDocument = (padding: number) => ({
    Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: `arn:aws:s3:::${'b'.repeat(padding)}/*` }],
    Version: '2012-10-17',
  });
  const withManagedPolicyOfSize = (size: number) => {
    const padding = size - iamSize(policyDocument(0));
    const stack = sourceStack();
    const policy = new iam.ManagedPolicy(stack, 'Big', {
      document: iam.PolicyDocument.fromJson(policyDocument(padding)),
    });
    new CrossAccountTaskRole(stack, 'TaskRole', { managedPolicies: [policy] });
    return stack;
  };

  test('6,144 synthesizes with a warning', () => {
    Annotations.fromStack(withManagedPolicyOfSize(6144)).hasWarning('*',
      Match.stringLikeRegexp('managed policy SourceStack/Big/Resource is 6,144 characters'));
  });

  test('6,145 fails', () => {
    expect(() => Template.fromStack(withManagedPolicyOfSize(6145)))
      .toThrow(/managed policy SourceStack\/Big\/Resource is 6,145 characters .* the IAM quota is 6,144: deploying would fail\. This quota cannot be raised: split the policy/);
  });

  describe('which managed policies of the stack are the role\'s', () => {
    const bigDocument = () => iam.PolicyDocument.fromJson(policyDocument(6145 - iamSize(policyDocument(0))));
    const TOO_BIG = /managed policy SourceStack\/Big\/Resource is 6,145 characters/;

    test('one given beside a managed policy imported by name is measured', () => {
      const stack = sourceStack();
      const big = new iam.ManagedPolicy(stack, 'Big', { document: bigDocument() });
      new CrossAccountTaskRole(stack, 'TaskRole', { managedPolicies: [iam.ManagedPolicy.fromManagedPolicyName(stack, 'Shared', 'shared'), big] });
      expect(() => Template.fromStack(stack)).toThrow(TOO_BIG);
    });

    test('one that names the role in its roles is measured', () => {
      const stack = sourceStack();
      const taskRole = new CrossAccountTaskRole(stack, 'TaskRole');
      new iam.ManagedPolicy(stack, 'Big', { document: bigDocument(), roles: [taskRole] });
      expect(() => Template.fromStack(stack)).toThrow(TOO_BIG);
    });

    test('one attached only to another role is not measured against this one', () => {
      const stack = sourceStack();
      new CrossAccountTaskRole(stack, 'TaskRole', { managedPolicies: [iam.ManagedPolicy.fromManagedPolicyName(stack, 'Shared', 'shared')] });
      const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
      new iam.ManagedPolicy(stack, 'Big', { document: bigDocument(), roles: [other] });
      expect(() => Template.fromStack(stack)).not.toThrow();
    });
  });
});

describe('sizes measured as the template holds them, with the overrides of the role\'s resource', () => {
  const sixtyRoles = { AWS: Array.from({ length: 60 }, (_, i) => roleArn(SOURCE_ACCOUNT, `some-long-role-name-number-${i}`)) };
  const libraryRoles: Array<[string, (stack: Stack) => iam.Role]> = [
    ['TrustedDestinationRole', stack => new TrustedDestinationRole(stack, 'Role', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'caller' })] })],
    ['CrossAccountTaskRole', stack => new CrossAccountTaskRole(stack, 'Role', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
    })],
    ['TaskExecutionRole', stack => new TaskExecutionRole(stack, 'Role')],
  ];
  const overridden = (build: (stack: Stack) => iam.Role, path: string, value: unknown) => {
    const stack = sourceStack();
    (build(stack).node.defaultChild as iam.CfnRole).addPropertyOverride(path, value);
    return stack;
  };

  test.each(libraryRoles)('a %s whose trust an override widens to 60 principals fails synth with the quota error', (_name, build) => {
    const stack = overridden(build, 'AssumeRolePolicyDocument.Statement.0.Principal', sixtyRoles);
    expect(() => Template.fromStack(stack)).toThrow(/the trust policy is [\d,]+ characters .*the IAM quota is 2,048: deploying would fail/);
  });

  test('inline policies that an override puts on a role count in the 10,240 characters', () => {
    const document = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(10240)}/*` }] };
    const stack = overridden(libraryRoles[0][1], 'Policies', [{ PolicyName: 'Reads', PolicyDocument: document }]);
    expect(() => Template.fromStack(stack)).toThrow(/the inline policies together is 10,\d{3} characters .*the IAM quota is 10,240: deploying would fail/);
  });

  test('managed policies that an override gives a role count in the 10 per role', () => {
    const stack = overridden(libraryRoles[0][1], 'ManagedPolicyArns', Array.from({ length: 11 }, (_, i) => `arn:aws:iam::${SOURCE_ACCOUNT}:policy/policy-${i}`));
    expect(() => Template.fromStack(stack)).toThrow(/the number of managed policies is 11 policies, the IAM quota is 10: deploying would fail/);
  });
});

describe('the way out a task execution role gives', () => {
  const executionRole = (inlinePolicies?: { [name: string]: iam.PolicyDocument }) => {
    const stack = sourceStack();
    return { stack, role: new TaskExecutionRole(stack, 'ExecutionRole', { inlinePolicies }) };
  };

  test('for inline policies over the quota: customer managed policies, nothing else', () => {
    const { stack } = executionRole({ Reads: new iam.PolicyDocument({ statements: [bigStatement(10240)] }) });
    expect(() => Template.fromStack(stack)).toThrow(/the IAM quota is 10,240: deploying would fail\. This quota cannot be raised: move statements into customer managed policies \(6,144 characters each\)\.$/m);
  });

  test('for a trust policy over the quota: remove the statements added to it', () => {
    const { stack, role } = executionRole();
    role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      principals: [new iam.ServicePrincipal('ecs-tasks.amazonaws.com')],
      conditions: { StringEquals: { 'aws:SourceAccount': Array.from({ length: 200 }, (_, i) => String(100000000000 + i)) } },
    }));
    expect(() => Template.fromStack(stack)).toThrow(/the trust policy is [\d,]+ characters .*, the IAM quota is 2,048: deploying would fail\. Remove statements added to this role's trust policy\.$/m);
  });
});
