import { Lazy, Stack } from 'aws-cdk-lib';
import { RoleReference } from '../src';
import { newApp } from './support/app';

function render(value: string): unknown {
  return new Stack(newApp(), 'Stack').resolve(value);
}

describe('RoleReference.of', () => {
  test('builds a partition-aware ARN from account and name', () => {
    // WHEN
    const ref = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
    // THEN
    expect(render(ref.roleArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/destination-account-role']],
    });
    expect(ref.path).toBe('/');
  });

  test('puts the path between role/ and the name', () => {
    const ref = RoleReference.of({ account: '555566667777', roleName: 'r', path: '/team/app/' });
    expect(ref.toString()).toBe('arn:${AWS::Partition}:iam::555566667777:role/team/app/r');
  });

  test('rejects the 16-digit placeholder accounts of the walkthrough and says why', () => {
    expect(() => RoleReference.of({ account: '5555666677778888', roleName: 'r' }))
      .toThrow(/RoleReference.of: account "5555666677778888" is invalid: an AWS account ID has exactly 12 digits \(16-digit IDs .* placeholders that IAM rejects/);
  });

  test('accepts a 64-character role name and rejects a 65-character one', () => {
    expect(RoleReference.of({ account: '555566667777', roleName: 'a'.repeat(64) }).roleName).toHaveLength(64);
    expect(() => RoleReference.of({ account: '555566667777', roleName: 'a'.repeat(65) }))
      .toThrow(/roleName "a{65}" is invalid: a role name is 1 to 64 characters .* \(it has 65\)/);
  });

  test('accepts unresolved tokens and renders them at synth', () => {
    const ref = RoleReference.of({
      account: Lazy.string({ produce: () => '555566667777' }),
      roleName: Lazy.string({ produce: () => 'late' }),
      path: Lazy.string({ produce: () => '/p/' }),
    });
    expect(render(ref.roleArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::555566667777:role/p/late']],
    });
  });
});

describe('RoleReference.fromArn', () => {
  test('reads partition, account, path and name', () => {
    const ref = RoleReference.fromArn('arn:aws-cn:iam::111122223333:role/a/b/my-ECS-task-role');
    expect([ref.partition, ref.account, ref.path, ref.roleName])
      .toEqual(['aws-cn', '111122223333', '/a/b/', 'my-ECS-task-role']);
    expect(ref.roleArn).toBe('arn:aws-cn:iam::111122223333:role/a/b/my-ECS-task-role');
  });

  test('refuses wildcards', () => {
    expect(() => RoleReference.fromArn('arn:aws:iam::111122223333:role/*'))
      .toThrow(/roleArn "arn:aws:iam::111122223333:role\/\*" is invalid: wildcards/);
  });

  test('refuses an ARN of another service', () => {
    expect(() => RoleReference.fromArn('arn:aws:s3:::bucket'))
      .toThrow(/^RoleReference.fromArn: roleArn "arn:aws:s3:::bucket" is invalid: a role ARN has the form arn:<partition>:iam::<account>:role\/<path\/><name>$/);
  });

  test('refuses a token, pointing to RoleReference.of', () => {
    expect(() => RoleReference.fromArn(Lazy.string({ produce: () => 'arn:aws:iam::111122223333:role/x' })))
      .toThrow(/^RoleReference.fromArn: roleArn ".*Token.*" is invalid: the ARN must be a literal string; .* use RoleReference.of/);
  });
});

describe('messages say what is wrong', () => {
  test('a role name with a space names the space, not the length', () => {
    expect(() => RoleReference.of({ account: '555566667777', roleName: 'my role' }))
      .toThrow(/roleName "my role" is invalid: a role name is 1 to 64 characters of letters, digits and \+ = , \. @ _ - \(" " is not allowed\)/);
  });
});

describe('partitions', () => {
  test('refuses a partition that region-info does not know', () => {
    expect(() => RoleReference.of({ account: '111122223333', roleName: 'r', partition: 'aws-foo' }))
      .toThrow(/RoleReference.of: partition "aws-foo" is invalid: a partition is one of aws, aws-cn/);
    expect(() => RoleReference.fromArn('arn:aws-foo:iam::111122223333:role/r')).toThrow(/partition "aws-foo" is invalid/);
  });

  test('accepts the partition of the European Sovereign Cloud, aws-eusc', () => {
    expect(RoleReference.fromArn('arn:aws-eusc:iam::111122223333:role/r').roleArn).toBe('arn:aws-eusc:iam::111122223333:role/r');
  });
});

describe('sameRoleAs', () => {
  const inAws = RoleReference.fromArn('arn:aws:iam::555566667777:role/team/reader');

  test('is true for the same account, path and name in the same partition', () => {
    expect(inAws.sameRoleAs(RoleReference.fromArn('arn:aws:iam::555566667777:role/team/reader'))).toBe(true);
  });

  test('is false for the same role in another partition', () => {
    expect(inAws.sameRoleAs(RoleReference.fromArn('arn:aws-cn:iam::555566667777:role/team/reader'))).toBe(false);
    expect(RoleReference.fromArn('arn:aws-us-gov:iam::555566667777:role/team/reader').sameRoleAs(inAws)).toBe(false);
  });

  test('matches a reference whose partition is left to the stack', () => {
    expect(inAws.sameRoleAs(RoleReference.of({ account: '555566667777', roleName: 'reader', path: '/team/' }))).toBe(true);
  });

  test('is false for another path, name or account', () => {
    expect(inAws.sameRoleAs(RoleReference.fromArn('arn:aws:iam::555566667777:role/reader'))).toBe(false);
    expect(inAws.sameRoleAs(RoleReference.fromArn('arn:aws:iam::555566667777:role/team/writer'))).toBe(false);
    expect(inAws.sameRoleAs(RoleReference.fromArn('arn:aws:iam::444455556666:role/team/reader'))).toBe(false);
  });
});
