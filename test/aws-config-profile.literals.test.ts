import { Aws, Lazy, Token } from 'aws-cdk-lib';
import { AwsConfigProfile, RoleReference } from '../src';

const DESTINATION = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
const TOKEN = '\\$\\{Token\\[[\\w.]+\\]\\}';
const RULE = 'the profile is text for a file, so every value must be known at synth time: pass a literal, '
  + 'or use AwsConfigProfile\\.addToContainer\\(\\) to hand deploy-time values to a container$';

describe('AwsConfigProfile.render writes only values known at synth', () => {
  test('refuses the partition option given as a token (Aws.PARTITION), which would be written into the text as a token', () => {
    expect(() => AwsConfigProfile.render(DESTINATION, { partition: Aws.PARTITION }))
      .toThrow(new RegExp(`^AwsConfigProfile\\.render: partition "${TOKEN}" is invalid: ${RULE}`));
  });

  test.each<[string, object]>([
    ['profileName', { profileName: Lazy.string({ produce: () => 'late' }) }],
    ['externalId', { externalId: Lazy.string({ produce: () => 'late-id' }) }],
    ['roleSessionName', { roleSessionName: Lazy.string({ produce: () => 'late-session' }) }],
    ['region', { region: Lazy.string({ produce: () => 'us-east-1' }) }],
    ['partition', { partition: Lazy.string({ produce: () => 'aws' }) }],
  ])('refuses %s given as a token', (property, options) => {
    expect(() => AwsConfigProfile.render(DESTINATION, options)).toThrow(new RegExp(`^AwsConfigProfile\\.render: ${property} "${TOKEN}" is invalid: ${RULE}`));
  });

  test('refuses durationSeconds given as a token, showing the token', () => {
    expect(() => AwsConfigProfile.render(DESTINATION, { durationSeconds: Token.asNumber(Lazy.number({ produce: () => 900 })) }))
      .toThrow(new RegExp(`^AwsConfigProfile\\.render: durationSeconds "${TOKEN}" is invalid: ${RULE}`));
  });

  test.each<[string, RoleReference]>([
    ['account', RoleReference.of({ account: Lazy.string({ produce: () => '555566667777' }), roleName: 'r' })],
    ['roleName', RoleReference.of({ account: '555566667777', roleName: Lazy.string({ produce: () => 'r' }) })],
    ['path', RoleReference.of({ account: '555566667777', roleName: 'r', path: Lazy.string({ produce: () => '/p/' }) })],
    ['partition', RoleReference.of({ account: '555566667777', roleName: 'r', partition: Lazy.string({ produce: () => 'aws' }) })],
  ])('refuses a reference whose %s is a token', (property, reference) => {
    expect(() => AwsConfigProfile.render(reference)).toThrow(new RegExp(`^AwsConfigProfile\\.render: ${property} "${TOKEN}" is invalid: ${RULE}`));
  });

  test('writes a literal partition option', () => {
    expect(AwsConfigProfile.render(DESTINATION, { partition: 'aws-us-gov' }))
      .toBe('[profile cross-account]\nrole_arn = arn:aws-us-gov:iam::555566667777:role/destination-account-role\ncredential_source = EcsContainer\n');
  });
});
