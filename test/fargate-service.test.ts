import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import {
  BUCKET_NAME, EXTERNAL_ID, READER_ROLE_NAME, TABLE_NAME, TASK_ROLE_NAME, createFargateServiceExample,
} from '../examples/fargate-service';
import { newApp, partitionArn } from './support/app';
import { allowAssumeAnyRole, canAssume, roleCan, rolesOf, stackTemplate } from '../tools/iam-offline/simulate';

const TASK_ROLE = `arn:aws:iam::111122223333:role/${TASK_ROLE_NAME}`;
const READER_ROLE = `arn:aws:iam::555566667777:role/${READER_ROLE_NAME}`;
const TABLE_ARN = `arn:aws:dynamodb:eu-west-1:555566667777:table/${TABLE_NAME}`;

function example() {
  const { service, data } = createFargateServiceExample(newApp());
  return { service, data, roles: rolesOf([stackTemplate(service), stackTemplate(data)]) };
}

describe('Fargate service example', () => {
  test('synthesizes both stacks without an error or a warning', () => {
    const { service, data } = example();
    for (const stack of [service, data]) {
      Annotations.fromStack(stack).hasNoError('*', Match.anyValue());
      Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    }
  });

  test('the service runs the task definition with the task role and the execution role', () => {
    const template = Template.fromStack(example().service);
    template.resourceCountIs('AWS::ECS::Service', 1);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      TaskRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TaskRole'), 'Arn'] },
      ExecutionRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExecutionRole'), 'Arn'] },
    });
  });

  test('the task role may assume exactly the reader role of the destination account', () => {
    Template.fromStack(example().service).hasResourceProperties('AWS::IAM::Role', {
      RoleName: TASK_ROLE_NAME,
      Policies: [{
        PolicyName: 'AssumeDestinationRoles',
        PolicyDocument: Match.objectLike({
          Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Resource: partitionArn(`:iam::555566667777:role/${READER_ROLE_NAME}`) })],
        }),
      }],
    });
  });

  test('the container is given the reader role, the external ID and the profile', () => {
    Template.fromStack(example().service).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Environment: Match.arrayWith([
          { Name: 'CROSS_ACCOUNT_ROLE_ARN', Value: partitionArn(`:iam::555566667777:role/${READER_ROLE_NAME}`) },
          { Name: 'CROSS_ACCOUNT_EXTERNAL_ID', Value: EXTERNAL_ID },
          { Name: 'CROSS_ACCOUNT_AWS_CONFIG', Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) },
        ]),
      })],
    });
  });

  test('the execution role may write to the service\'s log group and nothing else', () => {
    const template = Template.fromStack(example().service);
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: Match.stringLikeRegexp('^ReportsServiceStack-ExecutionRole-'),
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' } }], Version: '2012-10-17' },
      Policies: Match.absent(),
      ManagedPolicyArns: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ExecutionRole') }],
      PolicyDocument: {
        Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Logs'), 'Arn'] } }],
        Version: '2012-10-17',
      },
    });
  });

  test('the reader role trusts the task role with the external ID, and is granted the table and the bucket', async () => {
    const { roles } = example();
    expect(await canAssume(roles, { callerArn: TASK_ROLE, targetArn: READER_ROLE, externalId: EXTERNAL_ID }))
      .toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
    expect((await canAssume(roles, { callerArn: TASK_ROLE, targetArn: READER_ROLE })).trust).toBe('denied');
    expect(await roleCan(roles, { roleArn: READER_ROLE, action: 'dynamodb:Query', resourceArn: TABLE_ARN })).toBe('allowed');
    expect(await roleCan(roles, { roleArn: READER_ROLE, action: 'dynamodb:PutItem', resourceArn: TABLE_ARN })).toBe('denied');
    expect(await roleCan(roles, { roleArn: READER_ROLE, action: 's3:GetObject', resourceArn: `arn:aws:s3:::${BUCKET_NAME}/report.csv` })).toBe('allowed');
  });

  test('no other role of the source account may assume the reader role', async () => {
    const verdict = await canAssume(example().roles, {
      callerArn: 'arn:aws:iam::111122223333:role/other-role', targetArn: READER_ROLE, externalId: EXTERNAL_ID, callerPolicies: [allowAssumeAnyRole()],
    });
    expect(verdict.trust).toBe('denied');
  });

  test('the task role is granted nothing in the destination account: the data is granted to the reader role', () => {
    const template = Template.fromStack(example().data);
    // The bucket policy only refuses requests without TLS: it names no principal of the source account.
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: TABLE_NAME, ResourcePolicy: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^ReaderRole') }] });
  });

  test('neither stack refers to the other: the names that cross accounts are literals', () => {
    const { service, data } = example();
    for (const stack of [service, data]) {
      expect(JSON.stringify(Template.fromStack(stack).toJSON())).not.toMatch(/Fn::ImportValue|"Outputs"/);
    }
  });
});
