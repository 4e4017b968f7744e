import {
  Annotations as CoreAnnotations,
  CfnParameter,
  Lazy,
  Stack,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ExecutionRolePolicy, TaskExecutionRole, TaskExecutionRoleProps } from '../src/task-execution-role';
import { newApp, sourceStack, guardedEcsTrust, partitionArn } from './support/app';
import { rolesOf, roleCan, stackTemplate } from '../tools/iam-offline/simulate';

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];
const VPC = 'vpc-0123456789abcdef0';
const VPC_ENDPOINT = 'vpce-0123456789abcdef0';


/** The statements of the role's own `TaskExecution` policy. */
function expectStatements(stack: Stack, statements: unknown[]) {
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyName: 'TaskExecution',
    PolicyDocument: { Statement: statements },
  });
}

/** Every (action, resource, condition) that any identity policy of the stack allows, duplicates kept. */
function identityGrants(stack: Stack): string[] {
  const grants: string[] = [];
  for (const policy of Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      for (const action of [statement.Action].flat()) {
        for (const resource of [statement.Resource].flat()) {
          grants.push(JSON.stringify([action, resource, statement.Condition ?? {}]));
        }
      }
    }
  }
  return grants;
}

function duplicates(values: string[]): string[] {
  return values.filter((value, index) => values.indexOf(value) !== index);
}

function role(stack: Stack, props: TaskExecutionRoleProps = {}) {
  return new TaskExecutionRole(stack, 'ExecutionRole', props);
}

describe('trust', () => {
  test('limits the trust to ECS tasks of its own account and region when confusedDeputyGuard is on', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    role(stack, { confusedDeputyGuard: true });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: guardedEcsTrust(),
    });
  });

  test('trusts ECS without aws:SourceAccount / aws:SourceArn by default: no AWS document says ECS sends them for this role', () => {
    const stack = sourceStack();
    role(stack);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Condition: Match.absent() }],
      },
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('warns when a statement added to the trust admits everyone, as the other roles of the library do', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    role(stack).assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.AnyPrincipal()] }));
    // THEN
    Annotations.fromStack(stack).hasWarning('/SourceStack/ExecutionRole',
      Match.stringLikeRegexp('^the trust policy admits every principal of \\* that is allowed sts:AssumeRole there.*\\[ack: cdk-cross-account-task-roles:wholeAccountTrust\\]$'));
  });

  test('warns when a statement added to the trust admits a principal known only at deploy time', () => {
    const stack = sourceStack();
    const principal = new CfnParameter(stack, 'Caller').valueAsString;
    role(stack).assumeRolePolicy!.addStatements(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], principals: [new iam.ArnPrincipal(principal)] }));
    Annotations.fromStack(stack).hasWarning('/SourceStack/ExecutionRole',
      Match.stringLikeRegexp('known only at deploy time.*\\[ack: cdk-cross-account-task-roles:unknownTrustPrincipal\\]$'));
  });

  test('is recognised by isTaskExecutionRole', () => {
    const stack = sourceStack();
    expect(TaskExecutionRole.isTaskExecutionRole(role(stack))).toBe(true);
    expect(TaskExecutionRole.isTaskExecutionRole(stack)).toBe(false);
  });

  test.each([null, undefined, 'TaskExecutionRole', 42])('isTaskExecutionRole(%p) is false', value => {
    expect(TaskExecutionRole.isTaskExecutionRole(value)).toBe(false);
  });

  test('tells cdk-nag why the two wildcards IAM requires are there', () => {
    const stack = sourceStack();
    role(stack, { logGroups: [new logs.LogGroup(stack, 'Logs')] });
    Template.fromStack(stack).hasResource('AWS::IAM::Policy', {
      Metadata: {
        cdk_nag: {
          rules_to_suppress: [{
            id: 'AwsSolutions-IAM5',
            reason: 'ecr:GetAuthorizationToken has no resource type, so IAM only accepts Resource "*" for it; '
              + 'the awslogs driver names its log streams at run time, so the streams of each named log group are "log-stream:*".',
            applies_to: ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:logs:.*:log-group:.*:log-stream:\\*$/g' }],
          }],
        },
      },
    });
  });
});

describe('policy choice', () => {
  test('AWS_MANAGED attaches AmazonECSTaskExecutionRolePolicy and writes no ECR or log statements', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    role(stack, {
      executionRolePolicy: ExecutionRolePolicy.AWS_MANAGED,
      repositories: [new ecr.Repository(stack, 'Repo')],
      logGroups: [new logs.LogGroup(stack, 'Logs')],
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      ManagedPolicyArns: [partitionArn(':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy')],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  describe('AWS_MANAGED beside managed policies given', () => {
    const withGiven = (count: number) => {
      const stack = sourceStack();
      const managedPolicies = Array.from({ length: count }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `policy-${i}`));
      new TaskExecutionRole(stack, 'ExecutionRole', { executionRolePolicy: ExecutionRolePolicy.AWS_MANAGED, managedPolicies });
      return stack;
    };

    test('adds AmazonECSTaskExecutionRolePolicy after them', () => {
      Template.fromStack(withGiven(2)).hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: [
          partitionArn(':iam::111122223333:policy/policy-0'),
          partitionArn(':iam::111122223333:policy/policy-1'),
          partitionArn(':iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy'),
        ],
      });
    });

    test('counts AmazonECSTaskExecutionRolePolicy toward the quota with them', () => {
      expect(() => Template.fromStack(withGiven(10))).toThrow(/\[SourceStack\/ExecutionRole\] the number of managed policies is 11 policies, the IAM quota is 10/);
    });
  });

  test('with nothing granted, tools that read the construct tree (cdk-nag) find an empty policy document', () => {
    const stack = sourceStack();
    const executionRole = role(stack);
    const policy = executionRole.node.findChild('TaskExecutionPolicy') as iam.CfnPolicy;
    expect(stack.resolve(policy.policyDocument)).toEqual({ Version: '2012-10-17', Statement: [] });
  });

  test('AWS_MANAGED still allows reading the given secrets, which the managed policy does not cover', () => {
    const stack = sourceStack();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    role(stack, { executionRolePolicy: ExecutionRolePolicy.AWS_MANAGED, secrets: [secret] });
    expectStatements(stack, [{ Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'SecretA720EF05' } }]);
  });

  test('LEAST_PRIVILEGE is the default: no managed policy, and no policy at all while nothing is granted', () => {
    const stack = sourceStack();
    role(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent(), Policies: Match.absent() });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('least privilege', () => {
  test('pulls from exactly the given repositories, and asks for an authorization token', () => {
    const stack = sourceStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'app');
    role(stack, { repositories: [repository] });
    expectStatements(stack, [
      { Sid: 'PullImages', Effect: 'Allow', Action: PULL_ACTIONS, Resource: partitionArn(':ecr:us-east-1:111122223333:repository/app') },
      { Sid: 'GetEcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
  });

  test('asks for no authorization token without a repository', () => {
    const stack = sourceStack();
    role(stack, { logGroups: [logs.LogGroup.fromLogGroupName(stack, 'Logs', 'app')] });
    expectStatements(stack, [Match.objectLike({ Sid: 'WriteContainerLogs' })]);
  });

  test('writes to the streams of exactly the given log groups', () => {
    const stack = sourceStack();
    role(stack, { logGroups: [logs.LogGroup.fromLogGroupName(stack, 'Logs', '/ecs/app')] });
    expectStatements(stack, [{
      Sid: 'WriteContainerLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: partitionArn(':logs:us-east-1:111122223333:log-group:/ecs/app:log-stream:*'),
    }]);
  });

  test('reads registry credentials under the default key without any KMS permission', () => {
    const stack = sourceStack();
    role(stack, { registryCredentials: new secretsmanager.Secret(stack, 'Secret') });
    expectStatements(stack, [{ Sid: 'ReadSecrets', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: 'SecretA720EF05' } }]);
  });

  test('decrypts registry credentials under a customer managed key through Secrets Manager only', () => {
    const stack = sourceStack();
    const key = new kms.Key(stack, 'Key');
    role(stack, { registryCredentials: new secretsmanager.Secret(stack, 'Secret', { encryptionKey: key }) });
    expectStatements(stack, [
      Match.objectLike({ Sid: 'ReadSecrets' }),
      {
        Sid: 'DecryptSecrets',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: stack.resolve(key.keyArn),
        Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.us-east-1.amazonaws.com' } },
      },
    ]);
  });

  test('matches the random suffix of a secret known by name only', () => {
    const stack = sourceStack();
    role(stack, { secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', 'app/db')] });
    expectStatements(stack, [Match.objectLike({
      Resource: partitionArn(':secretsmanager:us-east-1:111122223333:secret:app/db-??????'),
    })]);
  });

  test('reads exactly the given parameters', () => {
    const stack = sourceStack();
    role(stack, { parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Param', '/app/url')] });
    expectStatements(stack, [{
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: 'ssm:GetParameters',
      Resource: partitionArn(':ssm:us-east-1:111122223333:parameter/app/url'),
    }]);
  });

  test('decrypts with exactly the given keys, without conditions', () => {
    const stack = sourceStack();
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    role(stack, { kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', keyArn)] });
    expectStatements(stack, [{
      Sid: 'DecryptWithKeys',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: Match.absent(),
    }]);
  });

  test('decrypts with a key of an imported secret without its key, whatever service calls KMS', () => {
    // GIVEN a secret imported by ARN: its key is not known, so only kmsKeys can name it
    const stack = sourceStack();
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const secret = secretsmanager.Secret.fromSecretCompleteArn(stack, 'Secret',
      'arn:aws:secretsmanager:us-east-1:111122223333:secret:app/db-AbCdEf');
    // WHEN
    role(stack, { secrets: [secret], kmsKeys: [kms.Key.fromKeyArn(stack, 'Key', keyArn)] });
    // THEN
    expectStatements(stack, [
      Match.objectLike({ Sid: 'ReadSecrets' }),
      { Sid: 'DecryptWithKeys', Effect: 'Allow', Action: 'kms:Decrypt', Resource: keyArn, Condition: Match.absent() },
    ]);
  });

  test('decrypts with the keys of SecureString parameters through Parameter Store only', () => {
    const stack = sourceStack();
    const keyArn = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const executionRole = role(stack);
    executionRole.addParameterKey(kms.Key.fromKeyArn(stack, 'Key', keyArn));
    expectStatements(stack, [{
      Sid: 'DecryptParameters',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: keyArn,
      Condition: { StringEquals: { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' } },
    }]);
  });

  test('writes a key given both ways once, without conditions', () => {
    const stack = sourceStack();
    const key = new kms.Key(stack, 'Key');
    role(stack, { kmsKeys: [key], parameterKeys: [key] });
    expectStatements(stack, [Match.objectLike({ Sid: 'DecryptWithKeys', Condition: Match.absent() })]);
  });

  test('names Parameter Store of a China Region as the KMS Developer Guide does (amazonaws.com)', () => {
    const stack = new Stack(newApp(), 'China', { env: { account: '111122223333', region: 'cn-north-1' } });
    const keyArn = 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    role(stack, { parameterKeys: [kms.Key.fromKeyArn(stack, 'Key', keyArn)] });
    expectStatements(stack, [Match.objectLike({
      Sid: 'DecryptParameters',
      Condition: { StringEquals: { 'kms:ViaService': 'ssm.cn-north-1.amazonaws.com' } },
    })]);
  });

  test('counts what is added after construction, once each, in a stable order', () => {
    // GIVEN
    const stack = sourceStack();
    const executionRole = role(stack, { parameters: [ssm.StringParameter.fromStringParameterName(stack, 'Zeta', 'zeta')] });
    const alpha = ssm.StringParameter.fromStringParameterName(stack, 'Alpha', 'alpha');
    // WHEN
    executionRole.addParameter(alpha);
    executionRole.addParameter(alpha);
    // THEN
    expectStatements(stack, [Match.objectLike({
      Resource: [
        partitionArn(':ssm:us-east-1:111122223333:parameter/alpha'),
        partitionArn(':ssm:us-east-1:111122223333:parameter/zeta'),
      ],
    })]);
  });
});

describe('image pull source', () => {
  test('puts aws:SourceVpc and aws:SourceVpce on the pull statement only', () => {
    const stack = sourceStack();
    role(stack, {
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')],
      imagePullSourceVpcs: [VPC],
      imagePullSourceVpcEndpoints: [VPC_ENDPOINT],
    });
    expectStatements(stack, [
      Match.objectLike({ Sid: 'PullImages', Condition: { StringEquals: { 'aws:SourceVpc': VPC, 'aws:SourceVpce': VPC_ENDPOINT } } }),
      { Sid: 'GetEcrAuthorizationToken', Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      Match.objectLike({ Sid: 'DenyImagePullOutsideVpcs' }),
      Match.objectLike({ Sid: 'DenyImagePullOutsideVpcEndpoints' }),
    ]);
  });

  test('denies the pull actions outside each allowed VPC and endpoint, whatever else the role is granted', () => {
    // GIVEN
    const stack = sourceStack();
    // WHEN
    role(stack, { imagePullSourceVpcs: [VPC], imagePullSourceVpcEndpoints: [VPC_ENDPOINT] });
    // THEN: one statement per key, so that matching one key is not enough
    expectStatements(stack, [{
      Sid: 'DenyImagePullOutsideVpcs',
      Effect: 'Deny',
      Action: PULL_ACTIONS,
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpc': VPC } },
    }, {
      Sid: 'DenyImagePullOutsideVpcEndpoints',
      Effect: 'Deny',
      Action: PULL_ACTIONS,
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:SourceVpce': VPC_ENDPOINT } },
    }]);
  });

  test('gives aws-cdk-lib\'s pull grant the same condition, and never the authorization token', () => {
    // GIVEN
    const stack = sourceStack();
    const executionRole = role(stack, { imagePullSourceVpcs: [VPC] });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task', { executionRole });
    // WHEN
    taskDefinition.addContainer('App', { image: ecs.ContainerImage.fromEcrRepository(new ecr.Repository(stack, 'Repo')) });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Action: PULL_ACTIONS, Condition: { StringEquals: { 'aws:SourceVpc': VPC } } }),
          { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
        ],
      },
    });
  });

  test('leaves the statement it is given unchanged, and conditions a copy', () => {
    // GIVEN
    const stack = sourceStack();
    const executionRole = role(stack, { imagePullSourceVpcs: [VPC] });
    const statement = new iam.PolicyStatement({ actions: PULL_ACTIONS, resources: ['*'] });
    // WHEN
    executionRole.addToPrincipalPolicy(statement);
    // THEN
    expect(statement.toStatementJson().Condition).toBeUndefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: PULL_ACTIONS, Condition: { StringEquals: { 'aws:SourceVpc': VPC } } })] },
    });
  });

  test('lists each VPC and endpoint once, sorted, whatever order they are given in', () => {
    const stack = sourceStack();
    const vpcs = ['vpc-0000000000000000b', 'vpc-0000000000000000a', 'vpc-0000000000000000b'];
    const endpoints = ['vpce-0000000000000000d', 'vpce-0000000000000000c', 'vpce-0000000000000000c'];
    role(stack, { imagePullSourceVpcs: vpcs, imagePullSourceVpcEndpoints: endpoints });
    expectStatements(stack, [
      Match.objectLike({ Condition: { StringNotEquals: { 'aws:SourceVpc': ['vpc-0000000000000000a', 'vpc-0000000000000000b'] } } }),
      Match.objectLike({ Condition: { StringNotEquals: { 'aws:SourceVpce': ['vpce-0000000000000000c', 'vpce-0000000000000000d'] } } }),
    ]);
  });

  test('rejects a malformed VPC ID, naming the construct, property, value and rule', () => {
    const stack = sourceStack();
    expect(() => role(stack, { imagePullSourceVpcs: [VPC, 'vpce-12345678'] }))
      .toThrow(/SourceStack\/ExecutionRole: imagePullSourceVpcs\[1\] "vpce-12345678" is invalid: a VPC ID is "vpc-" followed by 8 or 17/);
  });

  test('rejects a malformed VPC endpoint ID', () => {
    const stack = sourceStack();
    expect(() => role(stack, { imagePullSourceVpcEndpoints: ['vpce-0123456789ABCDEF0'] }))
      .toThrow(/imagePullSourceVpcEndpoints\[0\] "vpce-0123456789ABCDEF0" is invalid: a VPC endpoint ID is "vpce-" followed by 8 or 17 lowercase/);
  });

  test('accepts 8 and 17 hexadecimal digits and rejects 18', () => {
    expect(() => role(sourceStack(), { imagePullSourceVpcs: ['vpc-01234567', `vpc-${'a'.repeat(17)}`] })).not.toThrow();
    expect(() => role(sourceStack(), { imagePullSourceVpcs: [`vpc-${'a'.repeat(18)}`] })).toThrow(/is invalid: a VPC ID/);
  });

  test('accepts IDs known only at deploy time', () => {
    const stack = sourceStack();
    role(stack, {
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')],
      imagePullSourceVpcEndpoints: [Lazy.string({ produce: () => VPC_ENDPOINT })],
    });
    expectStatements(stack, [
      Match.objectLike({ Condition: { StringEquals: { 'aws:SourceVpce': VPC_ENDPOINT } } }),
      Match.anyValue(),
      Match.objectLike({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:SourceVpce': VPC_ENDPOINT } } }),
    ]);
  });

  test('rejects an empty list rather than allowing pulls from anywhere', () => {
    expect(() => role(sourceStack(), { imagePullSourceVpcs: [] }))
      .toThrow(/imagePullSourceVpcs \[\] is invalid: give at least one ID, or leave imagePullSourceVpcs out/);
  });

  test('rejects VPC limits under the AWS managed policy, which they could not limit', () => {
    expect(() => role(sourceStack(), { executionRolePolicy: ExecutionRolePolicy.AWS_MANAGED, imagePullSourceVpcs: [VPC] }))
      .toThrow(/executionRolePolicy "AWS_MANAGED" is invalid: AmazonECSTaskExecutionRolePolicy allows image pulls .* use ExecutionRolePolicy.LEAST_PRIVILEGE/);
  });
});

test('rejects an inline policy that takes the name of its own policy', () => {
  expect(() => role(sourceStack(), { inlinePolicies: { TaskExecution: new iam.PolicyDocument() } }))
    .toThrow(/inlinePolicies "TaskExecution" is invalid: the name TaskExecution is taken/);
});

describe('pull statements added under image pull limits', () => {
  test('are copied when added: resources added to the statement later are not in the role\'s policy', () => {
    // GIVEN
    const stack = sourceStack();
    const executionRole = role(stack, { imagePullSourceVpcEndpoints: [VPC_ENDPOINT] });
    const statement = new iam.PolicyStatement({ actions: PULL_ACTIONS, resources: [repositoryArn('first')] });
    // WHEN
    executionRole.addToPrincipalPolicy(statement);
    statement.addResources(repositoryArn('later'));
    // THEN
    expect(statement.resources).toEqual([repositoryArn('first'), repositoryArn('later')]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Effect: 'Allow',
          Action: PULL_ACTIONS,
          Resource: repositoryArn('first'),
          Condition: { StringEquals: { 'aws:SourceVpce': VPC_ENDPOINT } },
        }],
      },
    });
  });

  function repositoryArn(repositoryName: string): string {
    return `arn:aws:ecr:us-east-1:111122223333:repository/${repositoryName}`;
  }
});

describe('image pull limits on task definitions that are not Fargate-only', () => {
  const NOT_FARGATE = Match.stringLikeRegexp('not Fargate only.*imagePullSourceVpcs.*imagePullLimitNotFargate');

  test('warns on an EC2 task definition that uses a role with image pull limits', () => {
    // GIVEN
    const stack = sourceStack();
    const executionRole = role(stack, { imagePullSourceVpcEndpoints: [VPC_ENDPOINT] });
    // WHEN
    new ecs.Ec2TaskDefinition(stack, 'Task', { executionRole });
    // THEN
    Annotations.fromStack(stack).hasWarning('/SourceStack/Task/Resource', Match.stringLikeRegexp('may run on EC2 .*imagePullLimitNotFargate'));
  });

  test('warns on a task definition for both EC2 and Fargate, and on an external one', () => {
    const stack = sourceStack();
    const executionRole = role(stack, { imagePullSourceVpcs: [VPC] });
    new ecs.TaskDefinition(stack, 'Both', { executionRole, compatibility: ecs.Compatibility.EC2_AND_FARGATE, cpu: '256', memoryMiB: '512' });
    new ecs.ExternalTaskDefinition(stack, 'External', { executionRole });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/SourceStack/Both/Resource', NOT_FARGATE);
    annotations.hasWarning('/SourceStack/External/Resource', NOT_FARGATE);
  });

  test('does not warn on a Fargate task definition', () => {
    const stack = sourceStack();
    new ecs.FargateTaskDefinition(stack, 'Task', { executionRole: role(stack, { imagePullSourceVpcEndpoints: [VPC_ENDPOINT] }) });
    Annotations.fromStack(stack).hasNoWarning('*', NOT_FARGATE);
  });

  test('does not warn on an EC2 task definition whose role has no image pull limits', () => {
    const stack = sourceStack();
    new ecs.Ec2TaskDefinition(stack, 'Task', { executionRole: role(stack) });
    Annotations.fromStack(stack).hasNoWarning('*', NOT_FARGATE);
  });

  test('lets the warning be acknowledged on the task definition', () => {
    const stack = sourceStack();
    const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Task', {
      executionRole: role(stack, { imagePullSourceVpcEndpoints: [VPC_ENDPOINT] }),
    });
    CoreAnnotations.of(taskDefinition).acknowledgeWarning('cdk-cross-account-task-roles:imagePullLimitNotFargate',
      'the instances pull through the same ecr.dkr endpoint');
    Annotations.fromStack(stack).hasNoWarning('*', NOT_FARGATE);
  });
});

describe('statements the role already holds', () => {
  const REPO_ARN = 'arn:aws:ecr:us-east-1:111122223333:repository/app';
  const withStatement = (statement: iam.PolicyStatement) => {
    const stack = sourceStack();
    const executionRole = role(stack, { repositories: [ecr.Repository.fromRepositoryArn(stack, 'Repo', REPO_ARN)] });
    executionRole.addToPrincipalPolicy(statement);
    return stack;
  };
  const pullStatements = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .filter(p => p.Properties.PolicyName === 'TaskExecution')
    .flatMap(p => p.Properties.PolicyDocument.Statement)
    .filter((s: { Sid?: string }) => s.Sid === 'PullImages');

  test('an Allow of the same actions on the same repository is not written twice, whatever the case of the actions', () => {
    const stack = withStatement(new iam.PolicyStatement({ actions: PULL_ACTIONS.map(a => a.toUpperCase()), resources: [REPO_ARN] }));
    expect(pullStatements(stack)).toEqual([]);
  });

  test('a Deny of the same actions on the same repository is no grant: the pull statement stays', () => {
    const stack = withStatement(new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: PULL_ACTIONS, resources: [REPO_ARN] }));
    expect(pullStatements(stack)).toEqual([expect.objectContaining({ Resource: REPO_ARN })]);
  });

  test('an Allow under another condition is narrower: the pull statement stays', () => {
    const stack = withStatement(new iam.PolicyStatement({
      actions: PULL_ACTIONS, resources: [REPO_ARN], conditions: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
    }));
    expect(pullStatements(stack)).toEqual([expect.objectContaining({ Resource: REPO_ARN })]);
  });

  test('an Allow under the same VPC conditions, written in another order, is recognised', () => {
    const stack = sourceStack();
    const executionRole = role(stack, {
      repositories: [ecr.Repository.fromRepositoryArn(stack, 'Repo', REPO_ARN)],
      imagePullSourceVpcs: [VPC],
      imagePullSourceVpcEndpoints: [VPC_ENDPOINT],
    });
    executionRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: PULL_ACTIONS, resources: [REPO_ARN], conditions: { StringEquals: { 'aws:SourceVpce': VPC_ENDPOINT, 'aws:SourceVpc': VPC } },
    }));
    expect(pullStatements(stack)).toEqual([]);
  });

  test.each([
    ['also allows another action', new iam.PolicyStatement({ actions: [...PULL_ACTIONS, 's3:GetObject'], resources: ['*'] })],
    ['denies', new iam.PolicyStatement({ effect: iam.Effect.DENY, actions: PULL_ACTIONS, resources: ['*'] })],
    ['uses NotAction', new iam.PolicyStatement({ notActions: PULL_ACTIONS, resources: ['*'] })],
    ['allows no pull action', new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })],
  ])('a statement that %s is added as it is, without the VPC conditions', (_, statement) => {
    const stack = sourceStack();
    role(stack, { imagePullSourceVpcs: [VPC] }).addToPrincipalPolicy(statement);
    const added = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap(p => p.Properties.PolicyDocument.Statement)
      .filter((st: { Sid?: string }) => st.Sid === undefined);
    expect(added).toEqual([expect.not.objectContaining({ Condition: expect.anything() })]);
  });

  test('an Allow of only some of the actions is not enough: the pull statement stays', () => {
    const stack = withStatement(new iam.PolicyStatement({ actions: PULL_ACTIONS.slice(1), resources: [REPO_ARN] }));
    expect(pullStatements(stack)).toEqual([expect.objectContaining({ Resource: REPO_ARN })]);
  });
});

describe('secrets of other stacks', () => {
  const readSecretsResource = (stack: Stack) => Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
    .flatMap(p => p.Properties.PolicyDocument.Statement)
    .find((s: { Sid?: string }) => s.Sid === 'ReadSecrets').Resource;

  test('names a secret of another stack in the same account and Region by its full ARN', () => {
    const app = newApp();
    const secret = new secretsmanager.Secret(sourceStack(app, 'Secrets'), 'Secret');
    const stack = sourceStack(app);
    role(stack, { secrets: [secret] });
    expect(JSON.stringify(readSecretsResource(stack))).not.toContain('-??????');
  });

  test.each([
    ['another Region', { account: '111122223333', region: 'eu-west-1' }],
    ['another account', { account: '444455556666', region: 'us-east-1' }],
  ])('matches the random suffix of a secret of a stack in %s', (_, env) => {
    const app = newApp();
    const secret = new secretsmanager.Secret(new Stack(app, 'Secrets', { env }), 'Secret', { secretName: 'app/db' });
    const stack = sourceStack(app);
    role(stack, { secrets: [secret] });
    expect(JSON.stringify(readSecretsResource(stack))).toContain('app/db-??????');
  });
});

describe('with aws-cdk-lib\'s own grants', () => {
  function taskUsing(stack: Stack, executionRole: TaskExecutionRole, container: ecs.ContainerDefinitionOptions) {
    new ecs.FargateTaskDefinition(stack, 'Task', { executionRole }).addContainer('App', container);
  }

  test('holds no permission twice when the task definition grants the same resources', () => {
    // GIVEN
    const stack = sourceStack();
    const repository = new ecr.Repository(stack, 'Repo');
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const logGroup = new logs.LogGroup(stack, 'Logs');
    const executionRole = role(stack, { repositories: [repository], secrets: [secret], logGroups: [logGroup] });
    // WHEN
    taskUsing(stack, executionRole, {
      image: ecs.ContainerImage.fromEcrRepository(repository),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'app' }),
      secrets: { DB_PASSWORD: ecs.Secret.fromSecretsManager(secret) },
    });
    // THEN
    const grants = identityGrants(stack);
    expect(duplicates(grants)).toEqual([]);
    expect(grants.filter(g => g.includes('ecr:GetAuthorizationToken'))).toHaveLength(1);
    expect(grants.filter(g => g.includes('secretsmanager:GetSecretValue'))).toHaveLength(1);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1); // the DefaultPolicy only
  });

  test('still grants what the task definition does not', () => {
    const stack = sourceStack();
    const used = new ecr.Repository(stack, 'Used');
    const spare = ecr.Repository.fromRepositoryName(stack, 'Spare', 'spare');
    const executionRole = role(stack, { repositories: [used, spare] });
    taskUsing(stack, executionRole, { image: ecs.ContainerImage.fromEcrRepository(used) });
    expectStatements(stack, [Match.objectLike({ Sid: 'PullImages', Resource: partitionArn(':ecr:us-east-1:111122223333:repository/spare') })]);
    expect(duplicates(identityGrants(stack))).toEqual([]);
  });

  test('recognises aws-cdk-lib\'s grant on the key of a secret in a China Region and does not repeat it', () => {
    // GIVEN a secret whose key is imported, so that aws-cdk-lib grants kms:Decrypt in the role's own policy
    const stack = new Stack(newApp(), 'China', { env: { account: '111122223333', region: 'cn-north-1' } });
    const secret = secretsmanager.Secret.fromSecretAttributes(stack, 'Secret', {
      secretCompleteArn: 'arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:app/db-AbCdEf',
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    const executionRole = role(stack, { secrets: [secret] });
    // WHEN
    taskUsing(stack, executionRole, {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      secrets: { TOKEN: ecs.Secret.fromSecretsManager(secret) },
    });
    // THEN
    expect(identityGrants(stack).filter(grant => grant.includes('kms:Decrypt'))).toEqual([JSON.stringify([
      'kms:Decrypt',
      'arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      { StringEquals: { 'kms:ViaService': 'secretsmanager.cn-north-1.amazonaws.com' } },
    ])]);
  });

  test('deploys a secret under a customer managed key without a dependency cycle', () => {
    // GIVEN
    const stack = sourceStack();
    const secret = new secretsmanager.Secret(stack, 'Secret', { encryptionKey: new kms.Key(stack, 'Key') });
    const executionRole = role(stack, { secrets: [secret] });
    // WHEN
    taskUsing(stack, executionRole, {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      secrets: { TOKEN: ecs.Secret.fromSecretsManager(secret) },
    });
    // THEN (Template.fromStack throws on a cycle)
    expect(duplicates(identityGrants(stack))).toEqual([]);
    expectStatements(stack, [Match.objectLike({ Sid: 'DecryptSecrets' })]);
  });

  test('holds no parameter or key permission twice with ecs.Secret.fromSsmParameter', () => {
    const stack = sourceStack();
    const key = new kms.Key(stack, 'Key');
    const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Param', { parameterName: '/app/db', encryptionKey: key });
    const executionRole = role(stack, { parameters: [parameter], kmsKeys: [key] });
    taskUsing(stack, executionRole, {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
      secrets: { DB: ecs.Secret.fromSsmParameter(parameter) },
    });
    expect(duplicates(identityGrants(stack))).toEqual([]);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 1);
  });
});

describe('IAM quotas', () => {
  test('fails synth with more managed policies than the role may have', () => {
    const stack = sourceStack();
    new TaskExecutionRole(stack, 'ExecutionRole', {
      managedPolicies: Array.from({ length: 11 }, (_, i) => iam.ManagedPolicy.fromManagedPolicyName(stack, `P${i}`, `policy-${i}`)),
    });
    expect(() => Template.fromStack(stack)).toThrow(/ExecutionRole\] the number of managed policies is 11 policies, the IAM quota is 10/);
  });
});

describe('image pull source, simulated', () => {
  const ROLE_ARN = 'arn:aws:iam::111122223333:role/app-execution-role';
  const REPOSITORY_ARN = 'arn:aws:ecr:us-east-1:111122223333:repository/app';

  /** An execution role limited to one ecr.dkr endpoint, with the broadest ECR grants a user could add. */
  function broadlyGrantedRoles() {
    const stack = sourceStack();
    const executionRole = role(stack, {
      roleName: 'app-execution-role',
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')],
      imagePullSourceVpcEndpoints: [VPC_ENDPOINT],
    });
    executionRole.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryReadOnly'));
    executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ecr:*'], resources: ['*'] }));
    return rolesOf([stackTemplate(stack)]);
  }

  test.each(PULL_ACTIONS)('denies %s from outside the VPC even with AmazonEC2ContainerRegistryReadOnly and ecr:*', async (action) => {
    // GIVEN
    const roles = broadlyGrantedRoles();
    // WHEN: a request from the internet carries no aws:SourceVpce at all
    const decision = await roleCan(roles, { roleArn: ROLE_ARN, action, resourceArn: REPOSITORY_ARN });
    // THEN
    expect(decision).toBe('denied');
  });

  test('denies a pull through another VPC endpoint', async () => {
    const roles = broadlyGrantedRoles();
    const decision = await roleCan(roles, {
      roleArn: ROLE_ARN, action: 'ecr:BatchGetImage', resourceArn: REPOSITORY_ARN, context: { 'aws:SourceVpce': 'vpce-0fedcba9876543210' },
    });
    expect(decision).toBe('denied');
  });

  test.each(PULL_ACTIONS)('allows %s through the given ecr.dkr endpoint', async (action) => {
    const roles = broadlyGrantedRoles();
    const decision = await roleCan(roles, { roleArn: ROLE_ARN, action, resourceArn: REPOSITORY_ARN, context: { 'aws:SourceVpce': VPC_ENDPOINT } });
    expect(decision).toBe('allowed');
  });

  test('leaves ecr:GetAuthorizationToken allowed from Fargate\'s own network', async () => {
    const roles = broadlyGrantedRoles();
    const decision = await roleCan(roles, { roleArn: ROLE_ARN, action: 'ecr:GetAuthorizationToken', resourceArn: '*' });
    expect(decision).toBe('allowed');
  });

  test('with both lists, denies a pull from an allowed VPC through another endpoint', async () => {
    // GIVEN
    const stack = sourceStack();
    role(stack, {
      roleName: 'app-execution-role',
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')],
      imagePullSourceVpcs: [VPC],
      imagePullSourceVpcEndpoints: [VPC_ENDPOINT],
    }).addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonEC2ContainerRegistryReadOnly'));
    const roles = rolesOf([stackTemplate(stack)]);
    const pull = (context: Record<string, string>) =>
      roleCan(roles, { roleArn: ROLE_ARN, action: 'ecr:BatchGetImage', resourceArn: REPOSITORY_ARN, context });
    // THEN
    expect(await pull({ 'aws:SourceVpc': VPC, 'aws:SourceVpce': 'vpce-0fedcba9876543210' })).toBe('denied');
    expect(await pull({ 'aws:SourceVpc': VPC, 'aws:SourceVpce': VPC_ENDPOINT })).toBe('allowed');
  });
});

describe('policy names', () => {
  test('refuses an iam.Policy named TaskExecution on the same role', () => {
    // GIVEN
    const app = newApp();
    const stack = sourceStack(app);
    const executionRole = role(stack, { repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', 'app')] });
    // WHEN
    new iam.Policy(stack, 'Mine', {
      policyName: 'TaskExecution',
      roles: [executionRole],
      statements: [new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: ['*'] })],
    });
    // THEN
    expect(() => app.synth()).toThrow(
      /\[SourceStack\/ExecutionRole\] SourceStack\/Mine\/Resource writes a policy named "TaskExecution" on the same role, and "TaskExecution" is the name of the policy this construct writes/);
  });
});

describe('grantAssumeRole', () => {
  test('is refused: only ECS may assume a task execution role', () => {
    const stack = sourceStack();
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => role(stack).grantAssumeRole(other))
      .toThrow(/grantAssumeRole\(.*\) would not let it assume this role: its trust policy admits only ecs-tasks.amazonaws.com/);
  });
});
