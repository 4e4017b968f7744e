import { CfnParameter, Fn, Lazy, Stack, aws_ecr as ecr, aws_kms as kms, aws_logs as logs, aws_secretsmanager as secretsmanager, aws_ssm as ssm } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { TaskExecutionRole, TaskExecutionRoleProps } from '../src';
import { newApp, sourceStack } from './support/app';

/**
 * Every name and ARN that a TaskExecutionRole turns into a resource of its policy:
 * none of these services allows * or ? in a name, and IAM would read them as wildcards.
 */
type Given = (stack: Stack, name: string) => TaskExecutionRoleProps;

const KINDS: Array<[string, Given, string, string]> = [
  ['an ECR repository by name', (s, n) => ({ repositories: [ecr.Repository.fromRepositoryName(s, 'Repo', n)] }), 'repositories[0].repositoryName', 'ECR repository'],
  ['a secret by name', (s, n) => ({ secrets: [secretsmanager.Secret.fromSecretNameV2(s, 'Secret', n)] }), 'secrets[0].secretName', 'secret'],
  ['registry credentials by name', (s, n) => ({ registryCredentials: secretsmanager.Secret.fromSecretNameV2(s, 'Secret', n) }), 'secrets[0].secretName', 'secret'],
  ['a log group by name', (s, n) => ({ logGroups: [logs.LogGroup.fromLogGroupName(s, 'Logs', `/ecs/${n}`)] }), 'logGroups[0].logGroupName', 'log group'],
  ['a parameter by name', (s, n) => ({ parameters: [ssm.StringParameter.fromStringParameterName(s, 'Param', `/app/${n}`)] }), 'parameters[0].parameterName', 'parameter'],
  ['a KMS key by ARN', (s, n) => ({ kmsKeys: [kms.Key.fromKeyArn(s, 'Key', `arn:aws:kms:us-east-1:111122223333:key/${n}`)] }), 'kmsKeys[0].keyArn', 'KMS key'],
  ['a parameter key by ARN', (s, n) => ({ parameterKeys: [kms.Key.fromKeyArn(s, 'Key', `arn:aws:kms:us-east-1:111122223333:key/${n}`)] }), 'parameterKeys[0].keyArn', 'KMS key'],
  ['the key of a secret', (s, n) => ({
    secrets: [secretsmanager.Secret.fromSecretAttributes(s, 'Secret', {
      secretCompleteArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf',
      encryptionKey: kms.Key.fromKeyArn(s, 'Key', `arn:aws:kms:us-east-1:111122223333:key/${n}`),
    })],
  }), 'secrets[0].encryptionKey.keyArn', 'KMS key'],
];

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('TaskExecutionRole refuses names and ARNs that hold a wildcard or a policy variable', () => {
  test.each(KINDS)('%s holding * is refused at construction, naming the property', (_kind, given, property, noun) => {
    expect(() => new TaskExecutionRole(sourceStack(), 'ExecutionRole', given(sourceStack(), 'team-*'))).toThrow(new RegExp(
      `^SourceStack/ExecutionRole: ${escape(property)} ".*team-\\*.*" is invalid: no ${noun} name or ARN holds \\* or \\?, which IAM would read as wildcards `
      + `\\(the policy would allow every ${noun} that matches\\), nor \\$ \\{ \\} \\(a policy variable\\): name exactly one ${noun}$`));
  });

  test.each(KINDS)('%s holding ? or a policy variable is refused too', (_kind, given) => {
    for (const name of ['team-?', 'team-${aws:username}']) {
      expect(() => new TaskExecutionRole(sourceStack(), 'ExecutionRole', given(sourceStack(), name))).toThrow(/is invalid: no .* name or ARN holds/);
    }
  });

  test.each(KINDS)('%s with an exact name is taken', (_kind, given) => {
    const stack = sourceStack();
    new TaskExecutionRole(stack, 'ExecutionRole', given(stack, 'team-reports'));
    expect(() => Template.fromStack(stack)).not.toThrow();
  });

  test('addRepository() refuses a wildcard too, at the position it takes', () => {
    const stack = sourceStack();
    const role = new TaskExecutionRole(stack, 'ExecutionRole', { repositories: [ecr.Repository.fromRepositoryName(stack, 'App', 'app')] });
    expect(() => role.addRepository(ecr.Repository.fromRepositoryName(stack, 'Team', 'team/*')))
      .toThrow(/^SourceStack\/ExecutionRole: repositories\[1\]\.repositoryName "team\/\*" is invalid/);
  });

  test.each<[string, (role: TaskExecutionRole, stack: Stack) => void, string]>([
    ['addLogGroup', (role, s) => role.addLogGroup(logs.LogGroup.fromLogGroupName(s, 'L', '/ecs/*')), 'logGroups[0].logGroupName'],
    ['addSecret', (role, s) => role.addSecret(secretsmanager.Secret.fromSecretNameV2(s, 'S', 'prod/*')), 'secrets[0].secretName'],
    ['addParameter', (role, s) => role.addParameter(ssm.StringParameter.fromStringParameterName(s, 'P', '/app/*')), 'parameters[0].parameterName'],
    ['addKmsKey', (role, s) => role.addKmsKey(kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:us-east-1:111122223333:key/*')), 'kmsKeys[0].keyArn'],
    ['addParameterKey', (role, s) => role.addParameterKey(kms.Key.fromKeyArn(s, 'K', 'arn:aws:kms:us-east-1:111122223333:key/*')), 'parameterKeys[0].keyArn'],
  ])('%s() refuses a wildcard', (_method, add, property) => {
    const stack = sourceStack();
    const role = new TaskExecutionRole(stack, 'ExecutionRole');
    expect(() => add(role, stack)).toThrow(new RegExp(`^SourceStack/ExecutionRole: ${escape(property)} ".*" is invalid: no`));
  });

  test.each<[string, TaskExecutionRoleProps, string]>([
    ['a repository ARN in every account', { repositories: [ecr.Repository.fromRepositoryArn(sourceStack(), 'R', 'arn:aws:ecr:us-east-1:*:repository/app')] }, 'repositories[0].repositoryArn'],
    ['a log group ARN in every Region', { logGroups: [logs.LogGroup.fromLogGroupArn(sourceStack(), 'L', 'arn:aws:logs:*:111122223333:log-group:app:*')] }, 'logGroups[0].logGroupArn'],
  ])('refuses %s', (_case, props, property) => {
    expect(() => new TaskExecutionRole(sourceStack(), 'ExecutionRole', props)).toThrow(new RegExp(`${escape(property)} ".*" is invalid: no`));
  });

  test('refuses a name given as a token that resolves at synth to a wildcard', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new TaskExecutionRole(stack, 'ExecutionRole', {
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', Lazy.string({ produce: () => 'team/*' }))],
    });
    expect(() => app.synth()).toThrow(/\[SourceStack\/ExecutionRole\] repositories\[0\]\.repositoryName \(a token that resolves to\) "team\/\*" is invalid: no ECR repository name or ARN holds/);
  });

  test('refuses the literal part of a name that CloudFormation finishes, when it holds a wildcard', () => {
    const app = newApp();
    const stack = sourceStack(app);
    const team = new CfnParameter(stack, 'Team');
    new TaskExecutionRole(stack, 'ExecutionRole', {
      secrets: [secretsmanager.Secret.fromSecretNameV2(stack, 'Secret', Fn.join('', [team.valueAsString, '/*']))],
    });
    expect(() => app.synth()).toThrow(/secrets\[0\]\.secretName resolves to .*whose literal part "\/\*" holds a wildcard/);
  });

  test('leaves a name that is only a parameter to deploy time', () => {
    const app = newApp();
    const stack = sourceStack(app);
    new TaskExecutionRole(stack, 'ExecutionRole', {
      repositories: [ecr.Repository.fromRepositoryName(stack, 'Repo', new CfnParameter(stack, 'Name').valueAsString)],
    });
    expect(() => app.synth()).not.toThrow();
  });

  test('takes resources of the app, whose names are attributes', () => {
    const stack = sourceStack();
    new TaskExecutionRole(stack, 'ExecutionRole', {
      repositories: [new ecr.Repository(stack, 'Repo')],
      logGroups: [new logs.LogGroup(stack, 'Logs')],
      secrets: [new secretsmanager.Secret(stack, 'Secret', { encryptionKey: new kms.Key(stack, 'Key') })],
      parameters: [new ssm.StringParameter(stack, 'Param', { stringValue: 'x' })],
    });
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});
