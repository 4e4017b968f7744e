import { CfnParameter, Fn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { RoleReference, TrustedDestinationRole } from '../../src';
import { DESTINATION_ACCOUNT, SOURCE_ACCOUNT, destinationStack } from '../support/app';

/**
 * Property-based tests of the input rules, through the public API: every valid value is
 * accepted and kept as it is, every invalid one is refused with the message of its rule.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */

const RUNS = { numRuns: 200 };

// ---------------------------------------------------------------------------------------------
// Characters and values
// ---------------------------------------------------------------------------------------------

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const DIGITS = range(0x30, 0x39);
const WORD = [...range(0x41, 0x5a), ...range(0x61, 0x7a), ...DIGITS, '_'];
const NAME_CHARS = [...WORD, ...'+=,.@-'];
const EXTERNAL_ID_CHARS = [...WORD, ...'+=,.@:/-'];
/** The characters of a policy variable (`${aws:username}`), refused everywhere with a rule of their own. */
const POLICY_VARIABLE_CHARS = ['$', '{', '}'];
/** What a path segment may hold: ! (0x21) through DEL (0x7F), without the separator, the wildcards and policy variables. */
const PATH_SEGMENT_CHARS = range(0x21, 0x7f).filter(c => !'/*?${}'.includes(c));
/** Characters that look harmless but are outside the ASCII rules: other scripts' digits, full-width, accents, emoji. */
const LOOKALIKES = ['\u0663', '\uff11', '\u00e9', '\u00df', '\u4e2d', '\u{1f600}', '\u00a0'];

/** A string of the given characters whose length is spread over the whole range, bounds included. */
function stringOf(chars: readonly string[], minLength: number, maxLength: number): fc.Arbitrary<string> {
  return fc.integer({ min: minLength, max: maxLength })
    .chain(length => fc.string({ unit: fc.constantFrom(...chars), minLength: length, maxLength: length }));
}

/** One character (or surrogate pair) that is not among the allowed ones, nor of a policy variable. */
function charOutside(allowed: readonly string[]): fc.Arbitrary<string> {
  const permitted = new Set([...allowed, ...POLICY_VARIABLE_CHARS]);
  return fc.oneof(
    fc.constantFrom(' ', '\t', '\n', '*', '?', '!', '#', '$', '%', '&', '(', ')', '[', ']', '{', '}', '<', '>', '~', '`', '"', '\'', '\\', ';', '|', '^', '/', ':', '\u007f', ...LOOKALIKES),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ).filter(c => c.length > 0 && !permitted.has(c));
}

/** `value` with `char` put in at some position. */
function withInserted(value: fc.Arbitrary<string>, char: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(value, char, fc.nat())
    .map(([v, c, at]) => `${v.slice(0, at % (v.length + 1))}${c}${v.slice(at % (v.length + 1))}`);
}

const partition = fc.constantFrom('aws', 'aws-cn', 'aws-us-gov');
const account = stringOf(DIGITS, 12, 12);
const roleName = stringOf(NAME_CHARS, 1, 64);
const pathSegment = stringOf(PATH_SEGMENT_CHARS, 1, 40);
const rootPath = fc.constant('/');
const nestedPath = fc.array(pathSegment, { minLength: 1, maxLength: 20 })
  .map(segments => `/${segments.join('/')}/`)
  .filter(path => path.length <= 512);
/** One segment of any length up to the 512-character limit, so that the bound itself is reached. */
const longPath = stringOf(PATH_SEGMENT_CHARS, 400, 510).map(segment => `/${segment}/`);
const path = fc.oneof(rootPath, nestedPath, longPath);
const externalId = stringOf(EXTERNAL_ID_CHARS, 2, 1224);
const referenceProps = fc.record({ partition, account, roleName, path });

const TRUSTED = RoleReference.of({ account: SOURCE_ACCOUNT, roleName: 'my-ECS-task-role' });

function destinationRoleWith(id: string): TrustedDestinationRole {
  return new TrustedDestinationRole(destinationStack(), 'DestinationRole', { trustedRoles: [TRUSTED], externalId: id });
}

// ---------------------------------------------------------------------------------------------
// Round trip
// ---------------------------------------------------------------------------------------------

describe('ARN round trip', () => {
  test('fromArn gives back the partition, account, path and name that the ARN was built from', () => {
    fc.assert(fc.property(referenceProps, props => {
      // GIVEN the ARN of a reference built from valid parts
      const arn = RoleReference.of(props).roleArn;
      // WHEN it is parsed
      const parsed = RoleReference.fromArn(arn);
      // THEN the parts are the same
      expect({ partition: parsed.partition, account: parsed.account, roleName: parsed.roleName, path: parsed.path }).toEqual(props);
    }), RUNS);
  });

  test('the ARN of a parsed reference is the ARN it was parsed from', () => {
    fc.assert(fc.property(referenceProps, props => {
      // GIVEN a valid role ARN
      const arn = `arn:${props.partition}:iam::${props.account}:role${props.path}${props.roleName}`;
      // WHEN it is parsed / THEN it renders back unchanged
      expect(RoleReference.fromArn(arn).roleArn).toBe(arn);
    }), RUNS);
  });
});

// ---------------------------------------------------------------------------------------------
// Valid values are accepted
// ---------------------------------------------------------------------------------------------

describe('valid values are accepted as they are', () => {
  test('every 12-digit account', () => {
    fc.assert(fc.property(account, value => {
      expect(RoleReference.of({ account: value, roleName: 'r' }).account).toBe(value);
    }), RUNS);
  });

  test('every role name of 1 to 64 letters, digits and + = , . @ _ -', () => {
    fc.assert(fc.property(roleName, value => {
      expect(RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: value }).roleName).toBe(value);
    }), RUNS);
  });

  test('every path that is "/" or /segments/ of printable ASCII without wildcards, up to 512 characters', () => {
    fc.assert(fc.property(path, value => {
      expect(RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value }).path).toBe(value);
    }), RUNS);
  });

  test('every external ID of 2 to 1,224 letters, digits and + = , . @ : / _ -, which the trust policy then requires', () => {
    fc.assert(fc.property(externalId, value => {
      // GIVEN a valid external ID / WHEN a destination role requires it
      const role = destinationRoleWith(value);
      // THEN its trust policy holds it verbatim
      const trust = role.stack.resolve(role.assumeRolePolicy);
      expect(trust.Statement[0].Condition.StringEquals['sts:ExternalId']).toBe(value);
    }), RUNS);
  });
});

// ---------------------------------------------------------------------------------------------
// Invalid values are refused, each with the message of its rule
// ---------------------------------------------------------------------------------------------

describe('invalid values are refused with the rule they break', () => {
  const ACCOUNT_RULE = /^RoleReference\.of: account ".*" is invalid: an AWS account ID has exactly 12 digits$/s;
  const SLASH_RULE = /^RoleReference\.of: path ".*" is invalid: a role path is "\/" or starts and ends with "\/" and holds only printable ASCII characters other than spaces$/s;
  const PLACEHOLDER_RULE = /^RoleReference\.of: account "\d{16}" is invalid: an AWS account ID has exactly 12 digits \(16-digit IDs .* are documentation placeholders that IAM rejects; use a real 12-digit ID such as 111122223333\)$/s;

  test('accounts that are not exactly 12 digits', () => {
    const notTwelveDigits = fc.oneof(
      stringOf(DIGITS, 0, 11),
      stringOf(DIGITS, 13, 15),
      stringOf(DIGITS, 17, 40),
      fc.constantFrom(11, 13).chain(length => stringOf(DIGITS, length, length)),
      // 12 characters (or 13 code units) with a non-digit among the digits, lookalike digits included
      fc.tuple(account, charOutside(DIGITS), fc.nat(11)).map(([digits, c, at]) => `${digits.slice(0, at)}${c}${digits.slice(at + 1)}`),
      // a valid account with surrounding white space or a separator
      withInserted(account, fc.constantFrom(' ', '\n', '-')),
      fc.string().filter(s => !/^\d{12}$/.test(s) && !/^\d{16}$/.test(s)),
    );
    fc.assert(fc.property(notTwelveDigits, value => {
      expect(() => RoleReference.of({ account: value, roleName: 'r' })).toThrow(ACCOUNT_RULE);
    }), RUNS);
  });

  test('16-digit accounts, with the hint that they are documentation placeholders', () => {
    fc.assert(fc.property(stringOf(DIGITS, 16, 16), value => {
      expect(() => RoleReference.of({ account: value, roleName: 'r' })).toThrow(PLACEHOLDER_RULE);
    }), RUNS);
  });

  test('role names of 65 characters or more', () => {
    fc.assert(fc.property(stringOf(NAME_CHARS, 65, 200), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: value })).toThrow(new RegExp(
        `^RoleReference\\.of: roleName ".*" is invalid: a role name is 1 to 64 characters of letters, digits and \\+ = , \\. @ _ - \\(it has ${value.length}\\)$`, 's'));
    }), RUNS);
  });

  test('role names that are empty or hold a forbidden character', () => {
    const badName = fc.oneof(fc.constant(''), withInserted(stringOf(NAME_CHARS, 0, 60), charOutside(NAME_CHARS)));
    fc.assert(fc.property(badName, value => {
      // An empty name is too short; any other breaks the rule by its character, which the message names.
      const fault = value === '' ? 'it has 0' : '".+" is not allowed';
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: value })).toThrow(new RegExp(
        `^RoleReference\\.of: roleName ".*" is invalid: a role name is 1 to 64 characters of letters, digits and \\+ = , \\. @ _ - \\(${fault}\\)$`, 's'));
    }), RUNS);
  });

  test('paths without the leading or the trailing slash', () => {
    const unslashed = fc.oneof(
      nestedPath.map(p => p.slice(1)),
      nestedPath.map(p => p.slice(0, -1)),
      nestedPath.map(p => p.slice(1, -1)),
      fc.constant(''),
    );
    fc.assert(fc.property(unslashed, value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value })).toThrow(SLASH_RULE);
    }), RUNS);
  });

  test('paths with a space, a control character or a character outside ASCII', () => {
    const outsideAscii = fc.constantFrom(' ', '\t', '\n', '\u0000', '\u0080', ...LOOKALIKES);
    fc.assert(fc.property(withInserted(stringOf(PATH_SEGMENT_CHARS, 0, 100), outsideAscii).map(s => `/${s}/`), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value })).toThrow(SLASH_RULE);
    }), RUNS);
  });

  test('paths with a wildcard', () => {
    fc.assert(fc.property(withInserted(stringOf(PATH_SEGMENT_CHARS, 0, 100), fc.constantFrom('*', '?')).map(s => `/${s}/`), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value }))
        .toThrow(/^RoleReference\.of: path ".*" is invalid: a role path cannot contain the wildcards \* or \?$/s);
    }), RUNS);
  });

  test('paths longer than 512 characters', () => {
    fc.assert(fc.property(stringOf(PATH_SEGMENT_CHARS, 511, 1000).map(s => `/${s}/`), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value })).toThrow(new RegExp(
        `^RoleReference\\.of: path ".*" is invalid: a role path is at most 512 characters \\(it has ${value.length}\\)$`, 's'));
    }), RUNS);
  });

  test('external IDs of 1 or of 1,225 characters and more, or with a forbidden character', () => {
    const badExternalId = fc.oneof(
      stringOf(EXTERNAL_ID_CHARS, 1, 1),
      stringOf(EXTERNAL_ID_CHARS, 1225, 1225),
      stringOf(EXTERNAL_ID_CHARS, 1226, 1500),
      fc.constant(''),
      withInserted(stringOf(EXTERNAL_ID_CHARS, 1, 1222), charOutside(EXTERNAL_ID_CHARS)),
    );
    fc.assert(fc.property(badExternalId, value => {
      const fault = value.length < 2 || value.length > 1224 ? `it has ${value.length}` : '".+" is not allowed';
      expect(() => destinationRoleWith(value)).toThrow(new RegExp(
        '^DestinationStack/DestinationRole: externalId ".*" is invalid: an external ID is 2 to 1,224 characters of letters, '
        + `digits and \\+ = , \\. @ : / _ - \\(${fault}\\)$`, 's'));
    }), RUNS);
  });

  test('role names, paths and external IDs with $, { or }, which IAM would read as a policy variable', () => {
    const policyVariable = fc.constantFrom(...POLICY_VARIABLE_CHARS);
    const POLICY_VARIABLE_RULE = 'is invalid: it cannot contain \\$, \\{ or \\}: IAM reads \\$\\{\\.\\.\\.\\} in a policy as a policy variable';
    fc.assert(fc.property(withInserted(stringOf(NAME_CHARS, 0, 63), policyVariable), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: value }))
        .toThrow(new RegExp(`^RoleReference\\.of: roleName ".*" ${POLICY_VARIABLE_RULE}`, 's'));
    }), RUNS);
    fc.assert(fc.property(withInserted(stringOf(PATH_SEGMENT_CHARS, 0, 100), policyVariable).map(s => `/${s}/`), value => {
      expect(() => RoleReference.of({ account: DESTINATION_ACCOUNT, roleName: 'r', path: value }))
        .toThrow(new RegExp(`^RoleReference\\.of: path ".*" ${POLICY_VARIABLE_RULE}`, 's'));
    }), RUNS);
    fc.assert(fc.property(withInserted(stringOf(EXTERNAL_ID_CHARS, 2, 1223), policyVariable), value => {
      expect(() => destinationRoleWith(value))
        .toThrow(new RegExp(`^DestinationStack/DestinationRole: externalId ".*" ${POLICY_VARIABLE_RULE}`, 's'));
    }), RUNS);
  });

  test('role ARNs with a wildcard anywhere', () => {
    const arn = referenceProps.map(p => `arn:${p.partition}:iam::${p.account}:role${p.path}${p.roleName}`);
    fc.assert(fc.property(withInserted(arn, fc.constantFrom('*', '?')), value => {
      expect(() => RoleReference.fromArn(value))
        .toThrow(/^RoleReference\.fromArn: roleArn ".*" is invalid: wildcards \(\* or \?\) are not allowed: a role reference names exactly one role$/s);
    }), RUNS);
  });
});

describe('values that CloudFormation finishes', () => {
  /** A piece of an Fn::Sub template: its text in the template, the literal text it gives, and whether that text must be refused. */
  interface Piece { readonly template: string; readonly bad: boolean }
  const piece: fc.Arbitrary<Piece> = fc.oneof(
    // Literal text, with a wildcard now and then.
    stringOf([...NAME_CHARS, '*', '?'], 1, 8).map(text => ({ template: text, bad: /[*?]/.test(text) })),
    // A reference to a parameter, which only CloudFormation knows.
    fc.constant({ template: '${Name}', bad: false }),
    // An escaped reference, which is the literal text of a policy variable.
    stringOf(WORD, 1, 8).map(name => ({ template: `\${!aws:${name}}`, bad: true })),
  );

  test('a role name given as an Fn::Sub is refused exactly when the text around its references holds a wildcard or policy variable', () => {
    fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 6 }), pieces => {
      const stack = destinationStack();
      new CfnParameter(stack, 'Name');
      const template = Fn.sub(pieces.map(p => p.template).join(''));
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: template })] });
      const synth = () => Template.fromStack(stack);
      if (pieces.some(p => p.bad)) {
        expect(synth).toThrow(/trustedRoles\[0\]\.roleName resolves to .*, whose literal part .* holds a wildcard \(\* \?\) or policy variable character/);
      } else {
        expect(synth).not.toThrow();
      }
    }), RUNS);
  });
});
