import { Template } from 'aws-cdk-lib/assertions';
import { BUCKET_NAME, createEc2S3Walkthrough } from '../examples/ec2-s3-walkthrough';
import { newApp } from './support/app';
import { allowAssumeAnyRole, canAssume, roleCan, rolesOf, stackTemplate } from '../tools/iam-offline/simulate';

const INSTANCE_ROLE = 'arn:aws:iam::111122223333:role/S3FullAccessFromEC2';
const BUCKET_ROLE = 'arn:aws:iam::555566667777:role/assume_s3_role';

function walkthrough() {
  const { instanceAccount, bucketAccount } = createEc2S3Walkthrough(newApp());
  return { instanceAccount, bucketAccount, roles: rolesOf([stackTemplate(instanceAccount), stackTemplate(bucketAccount)]) };
}

describe('EC2 to S3 walkthrough', () => {
  test('instance account template matches the snapshot', () => {
    expect(Template.fromStack(walkthrough().instanceAccount).toJSON()).toMatchSnapshot();
  });

  test('bucket account template matches the snapshot', () => {
    expect(Template.fromStack(walkthrough().bucketAccount).toJSON()).toMatchSnapshot();
  });

  test('the profile for the instance uses the instance metadata credentials', () => {
    Template.fromStack(walkthrough().instanceAccount).hasOutput('AwsConfigProfile', {
      Value: '[profile test]\nrole_arn = arn:aws:iam::555566667777:role/assume_s3_role\n'
        + 'credential_source = Ec2InstanceMetadata\nregion = ap-northeast-1\n',
    });
  });

  test('tells to list the bucket by name, which the bucket role may do', async () => {
    // GIVEN
    const { instanceAccount, roles } = walkthrough();
    // WHEN the command the output gives is run with the bucket role's credentials
    const output = Template.fromStack(instanceAccount).findOutputs('AwsConfigProfile').AwsConfigProfile;
    // THEN
    expect(output.Description).toMatch(new RegExp(`aws s3 ls s3://${BUCKET_NAME}/ --profile test$`));
    expect(await roleCan(roles, { roleArn: BUCKET_ROLE, action: 's3:ListBucket', resourceArn: `arn:aws:s3:::${BUCKET_NAME}` })).toBe('allowed');
    expect(await roleCan(roles, { roleArn: BUCKET_ROLE, action: 's3:ListAllMyBuckets', resourceArn: '*' })).toBe('denied');
  });

  test('the instance role assumes the bucket role', async () => {
    const { roles } = walkthrough();
    expect(await canAssume(roles, { callerArn: INSTANCE_ROLE, targetArn: BUCKET_ROLE }))
      .toEqual({ identity: 'allowed', trust: 'allowed', result: 'allowed' });
  });

  test('protects against another role of the instance account', async () => {
    const { roles } = walkthrough();
    const verdict = await canAssume(roles, {
      callerArn: 'arn:aws:iam::111122223333:role/other-role',
      targetArn: BUCKET_ROLE,
      callerPolicies: [allowAssumeAnyRole()],
    });
    expect(verdict.result).toBe('denied');
  });

  test('protects against a role of the same name in another account', async () => {
    const { roles } = walkthrough();
    const verdict = await canAssume(roles, {
      callerArn: 'arn:aws:iam::444455556666:role/S3FullAccessFromEC2',
      targetArn: BUCKET_ROLE,
      callerPolicies: [allowAssumeAnyRole()],
    });
    expect(verdict.result).toBe('denied');
  });

  test('protects against the instance role assuming a destination it does not list', async () => {
    const { roles } = walkthrough();
    const verdict = await canAssume(roles, {
      callerArn: INSTANCE_ROLE,
      targetArn: 'arn:aws:iam::555566667777:role/admin',
      targetTrust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: INSTANCE_ROLE }, Action: 'sts:AssumeRole' }] },
    });
    expect(verdict).toEqual({ identity: 'denied', trust: 'allowed', result: 'denied' });
  });
});
