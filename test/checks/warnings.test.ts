import { App, Annotations as CoreAnnotations, Duration, Stack, aws_ecs as ecs, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { CrossAccountTaskRole, RoleReference, TaskExecutionRole, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from '../support/app';

/** The warnings of src/private/checks/warnings.ts: when each is given, and its whole text. */

const taskRole = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });

describe('warnings and their IDs', () => {
  test('confusedDeputyGuard: false warns with its ID; true and the default do not', () => {
    const off = sourceStack();
    new CrossAccountTaskRole(off, 'TaskRole', { confusedDeputyGuard: false });
    Annotations.fromStack(off).hasWarning('/SourceStack/TaskRole',
      Match.stringLikeRegexp('confusedDeputyGuard is off.*\\[ack: cdk-cross-account-task-roles:confusedDeputyGuardOff\\]'));
    for (const confusedDeputyGuard of [true, undefined]) {
      const on = sourceStack();
      new CrossAccountTaskRole(on, 'TaskRole', { confusedDeputyGuard });
      Annotations.fromStack(on).hasNoWarning('*', Match.stringLikeRegexp('confusedDeputyGuard'));
    }
  });

  test('a maximum session of one hour and one second warns about role chaining, with its ID', () => {
    const stack = destinationStack();
    new TrustedDestinationRole(stack, 'R', { trustedRoles: [taskRole], maxSessionDuration: Duration.seconds(3601) });
    Annotations.fromStack(stack).hasWarning('/DestinationStack/R',
      Match.stringLikeRegexp('^maxSessionDuration is 1 hour 1 second, but .*\\[ack: cdk-cross-account-task-roles:chainedSessionDuration\\]'));
  });
});

describe('image pull limit warning, which task definitions', () => {
  test('an EC2 task definition with another execution role is not warned about; one with the limited role is, by name', () => {
    // GIVEN a role with image pull limits and a plain one
    const stack = sourceStack();
    const limited = new TaskExecutionRole(stack, 'Limited', { imagePullSourceVpcEndpoints: ['vpce-0123abcd'] });
    const plain = new TaskExecutionRole(stack, 'Plain');
    // WHEN an EC2 task definition uses each
    new ecs.Ec2TaskDefinition(stack, 'PlainTask', { executionRole: plain });
    new ecs.Ec2TaskDefinition(stack, 'LimitedTask', { executionRole: limited });
    // THEN only the one with the limited role is warned about, naming the role
    const annotations = Annotations.fromStack(stack);
    annotations.hasNoWarning('/SourceStack/PlainTask/Resource', Match.anyValue());
    annotations.hasWarning('/SourceStack/LimitedTask/Resource', Match.stringLikeRegexp(
      '^the task definition may run on EC2 \\(not Fargate only\\) with the execution role SourceStack/Limited, which denies image pulls.*'
      + '\\[ack: cdk-cross-account-task-roles:imagePullLimitNotFargate\\]'));
  });
});

describe('warnings say the whole rule', () => {
  /** The one warning with the given ID, without the acknowledgement suffix. */
  function warningText(stack: Stack, id: string): string {
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`cdk-cross-account-task-roles:${id}`));
    expect(warnings).toHaveLength(1);
    return String(warnings[0].entry.data).replace(/ \[ack: .*\]$/, '');
  }

  const taskRoleDestinations = [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })];
  const trustedRoles = [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' })];

  test.each<[string, (stack: Stack) => void, string]>([
    ['confusedDeputyGuardOff', stack => new CrossAccountTaskRole(stack, 'R', { destinationRoles: taskRoleDestinations, confusedDeputyGuard: false }),
      'confusedDeputyGuard is off: the trust lets ecs-tasks.amazonaws.com assume this role for a task of any account or Region. '
      + 'Passing the role to a task still needs iam:PassRole in this account, so this removes the service-side check only '
      + '(cross-service confused deputy, https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). '
      + 'Turn it on unless an ECS feature you use does not send aws:SourceAccount and aws:SourceArn.'],
    ['chainedSessionDuration', stack => new TrustedDestinationRole(stack, 'R', { trustedRoles, maxSessionDuration: Duration.hours(2) }),
      'maxSessionDuration is 2 hours, but a role assumed with another role\'s credentials '
      + '(role chaining, as an ECS task role does) gets at most 1 hour: a request for a longer DurationSeconds fails. '
      + 'Leave maxSessionDuration at 1 hour unless people or services also assume this role with long-term credentials.'],
    ['imagePullLimitNotFargate', stack => {
      const role = new TaskExecutionRole(stack, 'ExecutionRole', { imagePullSourceVpcs: ['vpc-0a1b2c3d4e5f67890'] });
      new ecs.Ec2TaskDefinition(stack, 'TaskDefinition', { executionRole: role });
    },
    'the task definition may run on EC2 (not Fargate only) with the execution role '
      + 'SourceStack/ExecutionRole, which denies image pulls outside imagePullSourceVpcs / imagePullSourceVpcEndpoints. AWS documents '
      + 'these conditions for Fargate tasks only: elsewhere the container agent pulls over the instance\'s network, and every '
      + 'pull that does not come through the named VPCs or endpoints is denied (from external instances, every pull). '
      + 'Use an execution role without these limits for tasks that are not on Fargate.'],
    ['wholeAccountTrust', stack => {
      const role = new TrustedDestinationRole(stack, 'R', { trustedRoles });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal('444455556666')] }));
    },
    'the trust policy admits every principal of arn:aws:iam::444455556666:root that is allowed sts:AssumeRole there, '
      + 'not only the intended roles: trust the roles (RoleReference) or add an aws:PrincipalArn condition '
      + 'that names them (with an account, or a wildcard account limited by aws:PrincipalOrgID, aws:PrincipalOrgPaths or aws:PrincipalAccount).'],
    ['wholeAccountTrust', stack => {
      const role = new TrustedDestinationRole(stack, 'R', { trustedRoles });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({
        actions: ['sts:AssumeRoleWithWebIdentity'], principals: [new iam.WebIdentityPrincipal('cognito-identity.amazonaws.com')],
      }));
    },
    'the trust policy admits every identity of cognito-identity.amazonaws.com, with no condition on the provider\'s keys that names '
      + 'the intended identities: add a condition on cognito-identity.amazonaws.com:aud that names your identity pools (<region>:<ID>, written out): '
      + 'cognito-identity.amazonaws.com:amr only says whether an identity signed in, and holds for the identities of every identity pool.'],
  ])('%s (case %#)', (id, build, expected) => {
    const stack = sourceStack();
    build(stack);
    expect(warningText(stack, id)).toBe(expected);
  });
});

describe('a warning added at synthesis, acknowledged on the construct it is about', () => {
  // aws-cdk-lib looks for an acknowledgement only above the construct a warning is added to:
  // a warning the library adds at synthesis must still honour one made on the role itself.
  const ACK = (id: string) => `cdk-cross-account-task-roles:${id}`;

  test.each<[string, (app: App) => { scope: IConstruct; stack: Stack }]>([
    ['wholeAccountTrust', app => {
      const stack = destinationStack(app);
      const role = new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] });
      role.assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AccountPrincipal(SOURCE_ACCOUNT)] }));
      return { scope: role, stack };
    }],
    ['trustedRoleOutsideApp', app => {
      const stack = destinationStack(app);
      return { scope: new TrustedDestinationRole(stack, 'DestinationRole', { trustedRoles: [taskRole] }), stack };
    }],
    ['taskRoleWithoutDestination', app => {
      const stack = sourceStack(app);
      return { scope: new CrossAccountTaskRole(stack, 'TaskRole'), stack };
    }],
    ['directGrantInDestinationAccount', app => {
      const stack = sourceStack(app);
      const role = new CrossAccountTaskRole(stack, 'TaskRole', {
        destinationRoles: [RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'destination-account-role' })],
      });
      new s3.Bucket(destinationStack(app), 'Bucket', { bucketName: 'reports-bucket' }).grantRead(role);
      return { scope: role, stack };
    }],
  ])('%s', (id, build) => {
    // GIVEN the warning without an acknowledgement
    const warned = build(newApp());
    Annotations.fromStack(warned.stack).hasWarning(`/${warned.scope.node.path}`, Match.stringLikeRegexp(`\\[ack: ${ACK(id)}\\]$`));
    // WHEN it is acknowledged on the construct itself, before synthesis
    const acknowledged = build(newApp());
    CoreAnnotations.of(acknowledged.scope).acknowledgeWarning(ACK(id), 'accepted');
    // THEN synthesis adds no such warning
    Annotations.fromStack(acknowledged.stack).hasNoWarning('*', Match.stringLikeRegexp(`\\[ack: ${ACK(id)}\\]$`));
  });
});
