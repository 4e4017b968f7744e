import { Aws, CfnCondition, CfnParameter, CfnResource, Fn, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { CrossAccountTaskRole } from '../../src';
import { SOURCE_ACCOUNT, newApp } from '../support/app';

// Sizes are computed here from the policy IAM will see, independently of the library:
// JSON without white space, with the values CloudFormation resolves.
const iamSize = (document: unknown) => JSON.stringify(document).replace(/\s+/g, '').length;

describe('managed policy size: what CloudFormation resolves is counted as it resolves', () => {
  // The statement names every pseudo parameter, a template parameter, a condition and a value with spaces.
  // The expected size is that of the document IAM receives, with the values documented for policySize:
  // the stack's own account, partition, Region and URL suffix, or placeholders of the longest kind.
  interface Resolved { readonly partition: string; readonly region: string; readonly account: string; readonly suffix: string }
  const document = (v: Resolved | undefined, padding: number) => {
    const part = (token: string, value: keyof Resolved) => (v ? v[value] : token);
    const resource = `arn:${part(Aws.PARTITION, 'partition')}:s3:::${'b'.repeat(padding)}/${part(Aws.REGION, 'region')}`
      + `/${part(Aws.ACCOUNT_ID, 'account')}/${part(Aws.URL_SUFFIX, 'suffix')}/*`;
    return {
      Statement: [{
        Action: 's3:GetObject',
        Effect: 'Allow',
        Resource: resource,
        Condition: {
          'StringEquals': {
            'aws:PrincipalTag/team': 'platform team',
            'aws:ResourceTag/bucket': v ? { Ref: 'Bucket' } : '${BUCKET}',
            // Other intrinsics are counted as their JSON, joined or not.
            'aws:ResourceTag/owner': v ? `team-${v.account}-${JSON.stringify({ 'Fn::GetAtt': ['Queue', 'Arn'] })}` : '${OWNER}',
          },
          'ForAnyValue:StringEquals': { 'aws:TagKeys': v ? { 'Fn::If': ['IsProd', ['prod', 'live'], ['dev']] } : '${IF}' },
          // A literal that names a pseudo parameter is text, not a reference.
          'StringLike': { 'aws:ResourceTag/note': 'AWS::AccountId' },
        },
      }],
      Version: '2012-10-17',
    };
  };

  const stackWithPolicy = (stack: Stack, resolved: Resolved, size: number) => {
    const padding = size - iamSize(document(resolved, 0));
    const bucket = new CfnParameter(stack, 'Bucket');
    const queue = new CfnResource(stack, 'Queue', { type: 'AWS::SQS::Queue' });
    new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(bucket.valueAsString, 'prod') });
    const statement = document(undefined, padding).Statement[0];
    const policy = new iam.ManagedPolicy(stack, 'Big', {
      statements: [new iam.PolicyStatement({
        actions: [statement.Action],
        resources: [statement.Resource],
        conditions: {
          'StringEquals': {
            'aws:PrincipalTag/team': 'platform team',
            'aws:ResourceTag/bucket': bucket.valueAsString,
            'aws:ResourceTag/owner': Fn.join('-', ['team', Aws.ACCOUNT_ID, queue.getAtt('Arn').toString()]),
          },
          'ForAnyValue:StringEquals': { 'aws:TagKeys': Fn.conditionIf('IsProd', ['prod', 'live'], ['dev']) },
          'StringLike': { 'aws:ResourceTag/note': 'AWS::AccountId' },
        },
      })],
    });
    new CrossAccountTaskRole(stack, 'TaskRole', { managedPolicies: [policy] });
    return stack;
  };

  test.each([
    ['an environment-agnostic stack', () => new Stack(newApp(), 'SourceStack'),
      { partition: 'aws', region: 'ap-southeast-5', account: '123456789012', suffix: 'amazonaws.com' }],
    ['a stack in cn-north-1', () => new Stack(newApp(), 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'cn-north-1' } }),
      { partition: 'aws-cn', region: 'cn-north-1', account: SOURCE_ACCOUNT, suffix: 'amazonaws.com.cn' }],
    ['a stack in us-west-2', () => new Stack(newApp(), 'SourceStack', { env: { account: SOURCE_ACCOUNT, region: 'us-west-2' } }),
      { partition: 'aws', region: 'us-west-2', account: SOURCE_ACCOUNT, suffix: 'amazonaws.com' }],
  ])('in %s: 6,144 warns and 6,145 fails', (_, stack: () => Stack, resolved: Resolved) => {
    Annotations.fromStack(stackWithPolicy(stack(), resolved, 6144)).hasWarning('*',
      Match.stringLikeRegexp('managed policy SourceStack/Big/Resource is 6,144 characters'));
    expect(() => Template.fromStack(stackWithPolicy(stack(), resolved, 6145)))
      .toThrow(/managed policy SourceStack\/Big\/Resource is 6,145 characters/);
  });
});
