import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Aspects, Aws, CfnOutput, Duration, Fn, Stack, aws_ecs as ecs, aws_iam as iam, Annotations as CoreAnnotations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { Construct, IConstruct } from 'constructs';
import { createEc2S3Walkthrough } from '../examples/ec2-s3-walkthrough';
import { createFargateServiceExample } from '../examples/fargate-service';
import { createSeedWalkthrough } from '../examples/seed-walkthrough';
import {
  CrossAccountChecks,
  CrossAccountTaskRole,
  FindingLevel,
  RoleReference,
  TaskExecutionRole,
  TrustMode,
  TrustedDestinationRole,
} from '../src';
import { DESTINATION_ACCOUNT, OTHER_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from './support/app';
import { walkthrough } from './support/walkthrough';

const ID = (rule: string) => `cdk-cross-account-task-roles:${rule}`;
const warningOf = (rule: string) => Match.stringLikeRegexp(`\\[ack: ${ID(rule).replace(/[.:]/g, '\\$&')}\\]$`);

/** GIVEN an app with the Aspect, WHEN `build` adds a stack's roles, THEN the stack's messages. */
function checked(build: (app: App) => Stack, props = {}): Annotations {
  const app = newApp();
  Aspects.of(app).add(new CrossAccountChecks(props));
  return Annotations.fromStack(build(app));
}

function plainRole(stack: Stack, id: string, assumedBy: iam.IPrincipal, props: Partial<iam.RoleProps> = {}): iam.Role {
  return new iam.Role(stack, id, { assumedBy, ...props });
}

describe('CrossAccountChecks: trusts of more than named roles', () => {
  test('a plain role that trusts a whole account is reported as wholeAccountTrust', () => {
    checked(app => {
      const stack = destinationStack(app);
      plainRole(stack, 'Role', new iam.AccountPrincipal(SOURCE_ACCOUNT));
      return stack;
    }).hasWarning('/DestinationStack/Role/Resource', warningOf('wholeAccountTrust'));
  });

  test('a plain role that trusts a named role of another account is not reported', () => {
    checked(app => {
      const stack = destinationStack(app);
      plainRole(stack, 'Role', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role`));
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test('an L1 role whose trust names an account root is reported', () => {
    checked(app => {
      const stack = destinationStack(app);
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:root` } }] },
      });
      return stack;
    }).hasWarning('/DestinationStack/Role', warningOf('wholeAccountTrust'));
  });

  test('an account limited by an aws:PrincipalArn that names a role is not reported', () => {
    checked(app => {
      const stack = destinationStack(app);
      plainRole(stack, 'Role', new iam.AccountPrincipal(SOURCE_ACCOUNT).withConditions({
        StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/reports` },
      }));
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test('a statement whose Condition is a CloudFormation function is reported as not checkable', () => {
    checked(app => {
      const stack = destinationStack(app);
      new iam.CfnRole(stack, 'Role', {
        assumeRolePolicyDocument: {
          Statement: [{
            Effect: 'Allow',
            Action: 'sts:AssumeRole',
            Principal: { AWS: SOURCE_ACCOUNT },
            Condition: { 'Fn::And': [{ StringEquals: { 'aws:PrincipalArn': `arn:aws:iam::${SOURCE_ACCOUNT}:role/x` } }] },
          }],
        },
      });
      return stack;
    }).hasWarning('/DestinationStack/Role', Match.stringLikeRegexp('^a statement of the trust policy has a Condition made of Fn::And.*unknownTrustPrincipal\\]$'));
  });
});

describe('CrossAccountChecks: statements and values written with Fn::If', () => {
  const NO_VALUE = { Ref: 'AWS::NoValue' };
  const anyRole = { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' };
  const lambdaTrust = { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] };
  const l1Role = (stack: Stack, trust: unknown, policy?: unknown) => new iam.CfnRole(stack, 'Role', {
    assumeRolePolicyDocument: trust,
    policies: policy === undefined ? undefined : [{ policyName: 'Policy', policyDocument: policy }],
  });

  test('a trust statement that is an Fn::If is read: one that admits everyone is reported as wholeAccountTrust', () => {
    checked(app => {
      const stack = destinationStack(app);
      l1Role(stack, { Statement: [{ 'Fn::If': ['Open', { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }, NO_VALUE] }] });
      return stack;
    }).hasWarning('/DestinationStack/Role', warningOf('wholeAccountTrust'));
  });

  test.each<[string, unknown]>([
    ['a statement that is an Fn::If', { Statement: [{ 'Fn::If': ['Wide', anyRole, NO_VALUE] }] }],
    ['a Resource that is an Fn::If', { Statement: [{ ...anyRole, Resource: { 'Fn::If': ['Wide', '*', `arn:aws:iam::${DESTINATION_ACCOUNT}:role/reader`] } }] }],
    ['an Action that is an Fn::If', { Statement: [{ ...anyRole, Action: { 'Fn::If': ['Wide', 'sts:AssumeRole', 'sts:GetCallerIdentity'] } }] }],
    ['a Condition that is an Fn::If, one branch of which is no condition', {
      Statement: [{ ...anyRole, Condition: { 'Fn::If': ['Strict', { StringEquals: { 'aws:ResourceAccount': DESTINATION_ACCOUNT } }, NO_VALUE] } }],
    }],
  ])('an identity policy with %s is read: sts:AssumeRole on * in a branch is reported as assumeRoleInAnyAccount', (_case, policy) => {
    checked(app => {
      const stack = sourceStack(app);
      l1Role(stack, lambdaTrust, policy);
      return stack;
    }).hasWarning('/SourceStack/Role', warningOf('assumeRoleInAnyAccount'));
  });

  test('an identity statement of more combinations of branches than are read is read as written: sts:AssumeRole on * is still reported', () => {
    // GIVEN a statement whose condition has 11 keys, each an Fn::If: 2^11 combinations, more than are read
    const condition = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`aws:PrincipalTag/team${i}`, { 'Fn::If': [`Team${i}`, 'a', 'b'] }]));
    // THEN the condition, which cannot be read, is no limit
    checked(app => {
      const stack = sourceStack(app);
      l1Role(stack, lambdaTrust, { Statement: [{ ...anyRole, Condition: { StringNotEquals: condition } }] });
      return stack;
    }).hasWarning('/SourceStack/Role', warningOf('assumeRoleInAnyAccount'));
  });

  test('a NotAction entry that an Fn::If may remove is read both ways: without it, sts:AssumeRole on * is allowed and reported', () => {
    checked(app => {
      const stack = sourceStack(app);
      l1Role(stack, lambdaTrust, {
        Statement: [{ Effect: 'Allow', NotAction: ['iam:*', { 'Fn::If': ['Strict', 'sts:*', NO_VALUE] }], Resource: '*' }],
      });
      return stack;
    }).hasWarning('/SourceStack/Role', warningOf('assumeRoleInAnyAccount'));
  });

  test('an identity policy whose Condition limits the account in every branch of an Fn::If is not reported', () => {
    checked(app => {
      const stack = sourceStack(app);
      l1Role(stack, lambdaTrust, {
        Statement: [{
          ...anyRole,
          Condition: { 'Fn::If': ['Prod', { StringEquals: { 'aws:ResourceAccount': DESTINATION_ACCOUNT } }, { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } }] },
        }],
      });
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test('the ECS statement of a task role that is an Fn::If is reported as confusedDeputyGuardOff', () => {
    checked(app => {
      const stack = sourceStack(app);
      const role = l1Role(stack, {
        Statement: [{ 'Fn::If': ['Loose', { Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } }, NO_VALUE] }],
      });
      new ecs.CfnTaskDefinition(stack, 'Task', { taskRoleArn: role.attrArn, containerDefinitions: [{ name: 'app', image: 'app' }] });
      return stack;
    }).hasWarning('/SourceStack/Role', warningOf('confusedDeputyGuardOff'));
  });
});

describe('CrossAccountChecks: services that send aws:SourceAccount and aws:SourceArn', () => {
  test('the task role of a task definition, trusted by ECS without the conditions, is reported as confusedDeputyGuardOff', () => {
    checked(app => {
      const stack = sourceStack(app);
      new ecs.FargateTaskDefinition(stack, 'Task');
      return stack;
    }).hasWarning('/SourceStack/Task/TaskRole/Resource', warningOf('confusedDeputyGuardOff'));
  });

  test('the execution role of a task definition, trusted by ECS without the conditions, is not reported', () => {
    checked(app => {
      const stack = sourceStack(app);
      const task = new ecs.FargateTaskDefinition(stack, 'Task', {
        taskRole: new CrossAccountTaskRole(stack, 'TaskRole', {
          destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
        }),
      });
      task.obtainExecutionRole();
      return stack;
    }).hasNoWarning('/SourceStack/Task/ExecutionRole/Resource', Match.anyValue());
  });

  test('a Lambda role (the service sends no such keys) is not reported', () => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com'));
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });
});

describe('CrossAccountChecks: sts:AssumeRole on roles of any account', () => {
  test.each([
    ['*'],
    ['arn:aws:iam::*:role/sra-execution'],
    ['arn:aws:iam::*:*'],
  ])('Resource %s is reported as assumeRoleInAnyAccount', resource => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com'))
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [resource] }));
      return stack;
    }).hasWarning('/SourceStack/Role/Resource', warningOf('assumeRoleInAnyAccount'));
  });

  test('a condition on aws:PrincipalOrgID (the caller) does not limit it', () => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com')).addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['sts:AssumeRole'], resources: ['arn:aws:iam::*:role/reader'], conditions: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      }));
      return stack;
    }).hasWarning('/SourceStack/Role/Resource', warningOf('assumeRoleInAnyAccount'));
  });

  test.each([
    ['a named account', { resources: [`arn:aws:iam::${DESTINATION_ACCOUNT}:role/reader`] }],
    ['aws:ResourceOrgID', { resources: ['arn:aws:iam::*:role/reader'], conditions: { StringEquals: { 'aws:ResourceOrgID': 'o-a1b2c3d4e5' } } }],
    ['aws:ResourceOrgPaths', { resources: ['arn:aws:iam::*:role/reader'], conditions: { StringLike: { 'aws:ResourceOrgPaths': 'o-a1b2c3d4e5/r-ab12/*' } } }],
    ['aws:ResourceAccount', { resources: ['*'], conditions: { StringEquals: { 'aws:ResourceAccount': DESTINATION_ACCOUNT } } }],
    ['another action', { actions: ['s3:GetObject'], resources: ['*'] }],
  ])('%s is not reported', (_case, statement) => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com'))
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], ...statement }));
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test.each<[string, Record<string, Record<string, string>>]>([
    ['aws:ResourceAccount = ${aws:PrincipalAccount}', { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }],
    ['aws:ResourceAccount like ${aws:PrincipalAccount}', { StringLike: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }],
    ['aws:ResourceOrgID = ${aws:PrincipalOrgID}', { StringEquals: { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } }],
  ])('a condition that the role be in the caller\'s own account or organization, %s, limits it', (_case, conditions) => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com'))
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'], conditions }));
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test.each<[string, Record<string, Record<string, string>>]>([
    ['under StringEqualsIfExists, true when the key is absent', { StringEqualsIfExists: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }],
    ['under ForAllValues:StringEquals, true when the key is absent', { 'ForAllValues:StringEquals': { 'aws:ResourceOrgID': '${aws:PrincipalOrgID}' } }],
    ['under StringNotEquals', { StringNotEquals: { 'aws:ResourceAccount': '${aws:PrincipalAccount}' } }],
    ['aws:ResourceOrgPaths = ${aws:PrincipalOrgPaths}, a multivalued key that IAM does not take as a policy variable',
      { 'ForAnyValue:StringLike': { 'aws:ResourceOrgPaths': '${aws:PrincipalOrgPaths}' } }],
    ['aws:ResourceAccount = ${aws:PrincipalOrgID}, another key\'s variable', { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalOrgID}' } }],
    ['aws:ResourceAccount = ${aws:PrincipalTag/account}, a value the caller may set', { StringEquals: { 'aws:ResourceAccount': '${aws:PrincipalTag/account}' } }],
  ])('a caller\'s own account or organization %s does not limit it', (_case, conditions) => {
    checked(app => {
      const stack = sourceStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('lambda.amazonaws.com'))
        .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: ['*'], conditions }));
      return stack;
    }).hasWarning('/SourceStack/Role/Resource', warningOf('assumeRoleInAnyAccount'));
  });

  test('a role of this library given such a statement is reported too (its own checks do not read it)', () => {
    checked(app => {
      const stack = sourceStack(app);
      new CrossAccountTaskRole(stack, 'TaskRole', {
        destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
      }).addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:*'], resources: ['*'] }));
      return stack;
    }).hasWarning('/SourceStack/TaskRole/Resource', warningOf('assumeRoleInAnyAccount'));
  });
});

describe('CrossAccountChecks: session duration of a role that roles assume', () => {
  test('MaxSessionDuration over 1 hour on a role trusted by a role is reported as chainedSessionDuration', () => {
    checked(app => {
      const stack = destinationStack(app);
      plainRole(stack, 'Role', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`), { maxSessionDuration: Duration.hours(4) });
      return stack;
    }).hasWarning('/DestinationStack/Role/Resource', warningOf('chainedSessionDuration'));
  });

  test('on a role only a service assumes, it is not reported', () => {
    checked(app => {
      const stack = destinationStack(app);
      plainRole(stack, 'Role', new iam.ServicePrincipal('ec2.amazonaws.com'), { maxSessionDuration: Duration.hours(4) });
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });
});

describe('CrossAccountChecks: the two halves of a chain in one app', () => {
  function chain(app: App, trustedName: string): Stack {
    const source = sourceStack(app);
    plainRole(source, 'Caller', new iam.ServicePrincipal('ec2.amazonaws.com'), { roleName: 'caller' })
      .addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: [`arn:aws:iam::${DESTINATION_ACCOUNT}:role/target`] }));
    const destination = destinationStack(app);
    plainRole(destination, 'Target', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/${trustedName}`), { roleName: 'target' });
    return source;
  }

  test('a role allowed to assume a role whose trust does not admit it is reported as chainHalvesDisagree', () => {
    checked(app => chain(app, 'someone-else')).hasWarning('/SourceStack/Caller/Resource', warningOf('chainHalvesDisagree'));
  });

  test('a trust that names a role of the app that may not assume it is reported on the trusting role', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const source = sourceStack(app);
    plainRole(source, 'Caller', new iam.ServicePrincipal('ec2.amazonaws.com'), { roleName: 'caller' });
    const destination = destinationStack(app);
    plainRole(destination, 'Target', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`), { roleName: 'target' });
    Annotations.fromStack(destination).hasWarning('/DestinationStack/Target/Resource', warningOf('chainHalvesDisagree'));
  });

  test('halves that agree are not reported', () => {
    checked(app => chain(app, 'caller')).hasNoWarning('*', Match.anyValue());
  });
});

describe('CrossAccountChecks: quotas', () => {
  test('a trust policy over its quota fails synthesis', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const stack = destinationStack(app);
    const principals = Array.from({ length: 40 }, (_, i) => new iam.ArnPrincipal(`arn:aws:iam::${OTHER_ACCOUNT}:role/caller-with-a-long-name-${i}`));
    plainRole(stack, 'Role', new iam.CompositePrincipal(...principals));
    expect(() => app.synth()).toThrow(/the trust policy is [\d,]+ characters .*the IAM quota is 2,048: deploying would fail/);
  });

  test('a trust policy that an override of the role\'s resource takes over its quota fails synthesis', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const role = new iam.CfnRole(destinationStack(app), 'Role', {
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'lambda.amazonaws.com' } }] },
    });
    role.addPropertyOverride('AssumeRolePolicyDocument.Statement.0.Principal',
      { AWS: Array.from({ length: 60 }, (_, i) => `arn:aws:iam::${OTHER_ACCOUNT}:role/some-long-role-name-number-${i}`) });
    expect(() => app.synth()).toThrow(/the trust policy is [\d,]+ characters .*the IAM quota is 2,048: deploying would fail/);
  });
});

describe('CrossAccountChecks: the library\'s own roles and the walkthrough', () => {
  test('the walkthrough gets no message', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const { source, destination, taskRole } = walkthrough({ app });
    new ecs.FargateTaskDefinition(source, 'Task', { taskRole, executionRole: new TaskExecutionRole(source, 'ExecutionRole') });
    for (const stack of [source, destination]) {
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
      Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
    }
  });

  test('a warning of a library role is not repeated by the Aspect', () => {
    const stack = (() => {
      const app = newApp();
      Aspects.of(app).add(new CrossAccountChecks());
      const s = destinationStack(app);
      new TrustedDestinationRole(s, 'Role', {
        trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'caller' })],
        trustMode: undefined,
      }).assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(OTHER_ACCOUNT)] }));
      return s;
    })();
    const warnings = Annotations.fromStack(stack).findWarning('*', warningOf('wholeAccountTrust'));
    expect(warnings.map(w => w.id)).toEqual(['/DestinationStack/Role']);
  });
});

describe('CrossAccountChecks: levels and acknowledgements', () => {
  function wholeAccount(app: App): Stack {
    const stack = destinationStack(app);
    plainRole(stack, 'Role', new iam.AccountPrincipal(SOURCE_ACCOUNT));
    return stack;
  }

  test('FindingLevel.ERROR fails synthesis with the finding', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    wholeAccount(app);
    expect(() => app.synth()).toThrow(/DestinationStack\/Role\/Resource\] the trust policy admits every principal of arn:aws:iam::111122223333:root .*\[cdk-cross-account-task-roles:wholeAccountTrust; CrossAccountChecks reports it as an error/);
  });

  test('FindingLevel.ERROR accepts a finding acknowledged by its ID', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    const stack = wholeAccount(app);
    CoreAnnotations.of(stack.node.findChild('Role')).acknowledgeWarning(ID('wholeAccountTrust'), 'the account is ours alone');
    expect(() => app.synth()).not.toThrow();
  });

  test('a warning acknowledged by its ID is not reported', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const stack = wholeAccount(app);
    CoreAnnotations.of(stack).acknowledgeWarning(ID('wholeAccountTrust'), 'the account is ours alone');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('a level that is no FindingLevel is refused', () => {
    expect(() => new CrossAccountChecks({ level: 'FATAL' as FindingLevel }))
      .toThrow(/^CrossAccountChecks: level "FATAL" is invalid: it is one of FindingLevel.WARNING, FindingLevel.ERROR, known at synth$/);
  });
});

describe('CrossAccountChecks on the examples', () => {
  test.each<[string, (app: App) => unknown]>([
    ['the seed walkthrough', app => createSeedWalkthrough(app)],
    ['the seed walkthrough in TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN with an external ID', app => createSeedWalkthrough(app, {
      trustMode: TrustMode.ACCOUNT_WITH_PRINCIPAL_ARN, externalId: 'verify-2026',
    })],
    ['the EC2 walkthrough', app => createEc2S3Walkthrough(app)],
    ['the Fargate service', app => createFargateServiceExample(app)],
  ])('%s gets no message', (_name, build) => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    build(app);
    const messages = app.synth().stacks.flatMap(stack => stack.messages).filter(m => m.level !== 'info');
    expect(messages.map(m => `${m.id}: ${m.entry.data}`)).toEqual([]);
  });
});

describe('CrossAccountChecks: what the library\'s roles check themselves', () => {
  const admitsEveryone = () => new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AnyPrincipal()] });

  test('a TaskExecutionRole whose trust admits everyone is reported once, by the role', () => {
    // GIVEN
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const stack = sourceStack(app);
    // WHEN
    new TaskExecutionRole(stack, 'ExecutionRole').assumeRolePolicy!.addStatements(admitsEveryone());
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', warningOf('wholeAccountTrust'));
    expect(warnings.map(w => w.id)).toEqual(['/SourceStack/ExecutionRole']);
  });

  test('an L1 role created inside a library role is reviewed as any other role', () => {
    checked(app => {
      const stack = sourceStack(app);
      new iam.CfnRole(new TaskExecutionRole(stack, 'ExecutionRole'), 'Helper', {
        assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: '*' }] },
      });
      return stack;
    }).hasWarning('/SourceStack/ExecutionRole/Helper', warningOf('wholeAccountTrust'));
  });

  test('an L1 role created inside a library role is in chains as a role that is not the library\'s', () => {
    // GIVEN a role of the library in the destination account, and inside it an L1 role that trusts a role of the app
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const source = sourceStack(app);
    new CrossAccountTaskRole(source, 'TaskRole', {
      roleName: 'my-ECS-task-role',
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
    });
    const destination = destinationStack(app);
    const destinationRole = new TrustedDestinationRole(destination, 'DestinationRole', {
      roleName: 'destination-account-role',
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' })],
    });
    new iam.CfnRole(destinationRole, 'Helper', {
      roleName: 'helper',
      assumeRolePolicyDocument: { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: `arn:aws:iam::${SOURCE_ACCOUNT}:role/my-ECS-task-role` } }] },
    });
    // THEN the trust that names a role that may not assume it is reported
    Annotations.fromStack(destination).hasWarning('/DestinationStack/DestinationRole/Helper', warningOf('chainHalvesDisagree'));
  });

  test.each<[string, (stack: Stack) => iam.Role]>([
    ['CrossAccountTaskRole', stack => new CrossAccountTaskRole(stack, 'Role', {
      destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })], maxSessionDuration: Duration.hours(4),
    })],
    ['TaskExecutionRole', stack => new TaskExecutionRole(stack, 'Role', { maxSessionDuration: Duration.hours(4) })],
  ])('a %s over 1 hour that a role may assume is reported as chainedSessionDuration, which it does not check itself', (_name, create) => {
    // GIVEN
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const stack = sourceStack(app);
    // WHEN a role may assume it (role chaining)
    create(stack).assumeRolePolicy!.addStatements(new iam.PolicyStatement({
      actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/deployer`)],
    }));
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', warningOf('chainedSessionDuration'));
    expect(warnings.map(w => w.id)).toEqual(['/SourceStack/Role/Resource']);
  });

  test('a TaskExecutionRole over 1 hour that only ECS assumes is not reported', () => {
    checked(app => {
      const stack = sourceStack(app);
      new TaskExecutionRole(stack, 'Role', { maxSessionDuration: Duration.hours(4) });
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test('a TrustedDestinationRole over 1 hour is reported once, by the role', () => {
    // GIVEN
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const stack = destinationStack(app);
    // WHEN
    new TrustedDestinationRole(stack, 'Role', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'caller' })], maxSessionDuration: Duration.hours(4),
    });
    // THEN
    const warnings = Annotations.fromStack(stack).findWarning('*', warningOf('chainedSessionDuration'));
    expect(warnings.map(w => w.id)).toEqual(['/DestinationStack/Role']);
  });
});

describe('CrossAccountChecks: an ECS task role used by a task definition of another stack', () => {
  const ecsTrust = { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' } }] };
  const containers = [{ name: 'app', image: 'nginx' }];

  /** GIVEN an L1 role trusted by ECS without the conditions in a stack Roles, WHEN `use` makes a task definition in a stack Service. */
  function rolesAndService(use: (service: Stack, role: iam.CfnRole) => void, serviceAccount = SOURCE_ACCOUNT): Annotations {
    return checked(app => {
      const roles = sourceStack(app, 'Roles');
      const role = new iam.CfnRole(roles, 'Role', { roleName: 'app-task', path: '/app/', assumeRolePolicyDocument: ecsTrust });
      use(new Stack(app, 'Service', { env: { account: serviceAccount, region: 'us-east-1' } }), role);
      return roles;
    });
  }

  test('an iam.Role used by an L2 task definition is reported as confusedDeputyGuardOff', () => {
    checked(app => {
      const roles = sourceStack(app, 'Roles');
      const role = plainRole(roles, 'Role', new iam.ServicePrincipal('ecs-tasks.amazonaws.com'));
      new ecs.FargateTaskDefinition(sourceStack(app, 'Service'), 'Task', { taskRole: role });
      return roles;
    }).hasWarning('/Roles/Role/Resource', warningOf('confusedDeputyGuardOff'));
  });

  test.each<[string, (service: Stack, role: iam.CfnRole) => string]>([
    ['its ARN attribute', (_service, role) => role.attrArn],
    ['an import of an output of its stack', (_service, role) => {
      new CfnOutput(Stack.of(role), 'TaskRoleArn', { value: role.attrArn, exportName: 'TaskRoleArn' });
      return Fn.importValue('TaskRoleArn');
    }],
    ['its literal ARN', () => `arn:aws:iam::${SOURCE_ACCOUNT}:role/app/app-task`],
    ['its ARN joined with the partition', () => `arn:${Aws.PARTITION}:iam::${SOURCE_ACCOUNT}:role/app/app-task`],
    ['its name', () => 'app-task'],
    ['its name in another case, which IAM takes for the same role', () => 'App-Task'],
  ])('an L1 role given to an L1 task definition as %s is reported', (_case, taskRoleArn) => {
    rolesAndService((service, role) => new ecs.CfnTaskDefinition(service, 'Task', {
      taskRoleArn: taskRoleArn(service, role), containerDefinitions: containers,
    })).hasWarning('/Roles/Role', warningOf('confusedDeputyGuardOff'));
  });

  test('a role used only as the execution role of a task definition of another stack is not reported', () => {
    rolesAndService((service, role) => new ecs.CfnTaskDefinition(service, 'Task', { executionRoleArn: role.attrArn, containerDefinitions: containers }))
      .hasNoWarning('*', Match.anyValue());
  });

  test.each([
    ['a role of the same name in another account', `arn:aws:iam::${OTHER_ACCOUNT}:role/app/app-task`],
    ['a role of the same name on another path', `arn:aws:iam::${SOURCE_ACCOUNT}:role/app-task`],
  ])('%s is not the role', (_case, taskRoleArn) => {
    rolesAndService(service => new ecs.CfnTaskDefinition(service, 'Task', { taskRoleArn, containerDefinitions: containers }))
      .hasNoWarning('*', Match.anyValue());
  });

  test('its name in a stack of another account is not the role', () => {
    rolesAndService(service => new ecs.CfnTaskDefinition(service, 'Task', { taskRoleArn: 'app-task', containerDefinitions: containers }), OTHER_ACCOUNT)
      .hasNoWarning('*', Match.anyValue());
  });
});

describe('CrossAccountChecks: a finding acknowledged on the role itself', () => {
  const wholeAccountTrust = { Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { AWS: SOURCE_ACCOUNT } }] };

  /** The role's resource, as each way of writing a role makes it. */
  const roles: Array<[string, (stack: Stack) => IConstruct]> = [
    ['an L1 role', stack => new iam.CfnRole(stack, 'Role', { assumeRolePolicyDocument: wholeAccountTrust })],
    ['a role of a template brought in with cloudformation-include', stack => {
      const directory = mkdtempSync(join(tmpdir(), 'include-'));
      const templateFile = join(directory, 'template.json');
      writeFileSync(templateFile, JSON.stringify({ Resources: { Role: { Type: 'AWS::IAM::Role', Properties: { AssumeRolePolicyDocument: wholeAccountTrust } } } }));
      try {
        return new CfnInclude(stack, 'Template', { templateFile }).getResource('Role');
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    }],
    ['the resource of an iam.Role', stack => plainRole(stack, 'Role', new iam.AccountPrincipal(SOURCE_ACCOUNT)).node.defaultChild!],
  ];

  test.each(roles)('FindingLevel.ERROR accepts it on %s', (_case, role) => {
    // GIVEN
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    // WHEN
    CoreAnnotations.of(role(destinationStack(app))).acknowledgeWarning(ID('wholeAccountTrust'), 'the account is ours alone');
    // THEN
    expect(() => app.synth()).not.toThrow();
  });

  test.each(roles)('FindingLevel.WARNING reports no warning for it on %s', (_case, role) => {
    checked(app => {
      const stack = destinationStack(app);
      CoreAnnotations.of(role(stack)).acknowledgeWarning(ID('wholeAccountTrust'), 'the account is ours alone');
      return stack;
    }).hasNoWarning('*', Match.anyValue());
  });

  test('an acknowledgement of another ID on the role does not accept it', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    CoreAnnotations.of(roles[0][1](destinationStack(app))).acknowledgeWarning(ID('nearIamQuota'), 'another finding');
    expect(() => app.synth()).toThrow(/DestinationStack\/Role\] the trust policy admits every principal of 111122223333 .*\[cdk-cross-account-task-roles:wholeAccountTrust; /);
  });

  test('it is accepted on a role that holds a construct of any name, which stays', () => {
    // GIVEN an L1 role with a child named as the construct the check adds for a moment
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks({ level: FindingLevel.ERROR }));
    const role = roles[0][1](destinationStack(app));
    const child = new Construct(role, 'AcknowledgementProbe');
    // WHEN
    CoreAnnotations.of(role).acknowledgeWarning(ID('wholeAccountTrust'), 'the account is ours alone');
    // THEN
    expect(() => app.synth()).not.toThrow();
    expect(role.node.children).toEqual([child]);
  });

  test('the role\'s construct tree is left as it was', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const role = roles[0][1](destinationStack(app));
    app.synth();
    expect(role.node.children).toEqual([]);
  });
});

describe('CrossAccountChecks: a chain whose caller has policies that are not in the app', () => {
  /** GIVEN a role `caller` with the given policies, and a role of another account whose trust names it. */
  function trustedCaller(props: Partial<iam.RoleProps>): Annotations {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    plainRole(sourceStack(app), 'Caller', new iam.ServicePrincipal('lambda.amazonaws.com'), { roleName: 'caller', ...props });
    const destination = destinationStack(app);
    plainRole(destination, 'Target', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`), { roleName: 'target' });
    return Annotations.fromStack(destination);
  }

  test('an AWS managed policy, which may allow sts:AssumeRole, leaves the trust unreported', () => {
    trustedCaller({ managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess')] }).hasNoWarning('*', Match.anyValue());
  });

  test('a customer managed policy of another app leaves the trust unreported', () => {
    trustedCaller({ managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(newApp(), 'Central', `arn:aws:iam::${SOURCE_ACCOUNT}:policy/assume-target`)] })
      .hasNoWarning('*', Match.anyValue());
  });

  test('a managed policy of the app that does not allow it is read, and the trust is reported', () => {
    const app = newApp();
    Aspects.of(app).add(new CrossAccountChecks());
    const source = sourceStack(app);
    plainRole(source, 'Caller', new iam.ServicePrincipal('lambda.amazonaws.com'), {
      roleName: 'caller',
      managedPolicies: [new iam.ManagedPolicy(source, 'Reads', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] })],
    });
    const destination = destinationStack(app);
    plainRole(destination, 'Target', new iam.ArnPrincipal(`arn:aws:iam::${SOURCE_ACCOUNT}:role/caller`), { roleName: 'target' });
    Annotations.fromStack(destination).hasWarning('/DestinationStack/Target/Resource', warningOf('chainHalvesDisagree'));
  });

  test('a permissions boundary, which allows nothing by itself, does not leave the trust unreported', () => {
    trustedCaller({ permissionsBoundary: iam.ManagedPolicy.fromAwsManagedPolicyName('AdministratorAccess') })
      .hasWarning('/DestinationStack/Target/Resource', warningOf('chainHalvesDisagree'));
  });
});
