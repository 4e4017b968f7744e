import { CfnCondition, CfnMapping, CfnParameter, Fn, Lazy, Stack, Token } from 'aws-cdk-lib';
import { CrossAccountTaskRole, OrganizationRoles, RoleReference, TrustedDestinationRole } from '../../src';
import { SOURCE_ACCOUNT, destinationStack, newApp, sourceStack } from '../support/app';

/**
 * Values given as tokens: those the app resolves are checked once resolved, with the rules of literals;
 * the literal parts of what CloudFormation finishes (Fn::Join, Fn::Sub, Fn::FindInMap, Fn::If, Fn::Select)
 * are checked at synth, and the rest is left to deploy time (src/private/checks/cfn-literals.ts).
 */

const ORG = 'o-a1b2c3d4e5';
const lazy = (value: string) => Lazy.string({ produce: () => value });

describe('session name patterns and token values', () => {
  test('an organization pattern whose name is a token is checked against reserved paths once resolved, not at construction', () => {
    // GIVEN a path that a wildcard opens to every path, and a name known only at synth
    const app = newApp();
    const stack = destinationStack(app);
    // WHEN
    const roles = OrganizationRoles.of({ organizationId: ORG, path: '/*/', roleName: lazy('reports-*') });
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [roles] });
    // THEN the pattern is refused at synth
    expect(() => app.synth()).toThrow(/trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/\*\/reports-\*" is invalid: the pattern can match roles under \/aws-reserved\//);
  });
});

describe('values that the app resolves', () => {
  test.each([
    ['account', { account: lazy('1234'), roleName: 'r' }, /\] trustedRoles\[0\]\.account \(a token that resolves to\) "1234" is invalid: an AWS account ID/],
    ['roleName', { account: SOURCE_ACCOUNT, roleName: lazy('a b') }, /\] trustedRoles\[0\]\.roleName \(a token that resolves to\) "a b" is invalid: a role name/],
    ['path', { account: SOURCE_ACCOUNT, roleName: 'r', path: lazy('x') }, /\] trustedRoles\[0\]\.path \(a token that resolves to\) "x" is invalid: a role path/],
    ['partition', { account: SOURCE_ACCOUNT, roleName: 'r', partition: lazy('aws-mars') }, /\] trustedRoles\[0\]\.partition \(a token that resolves to\) "aws-mars" is invalid: a partition/],
  ])('a reference whose %s resolves to a bad value is refused, naming it', (_, props, message) => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedRoles: [RoleReference.of(props)] });
    expect(() => app.synth()).toThrow(message);
  });

  test.each([
    ['organizationId', { organizationId: lazy('o-x'), roleName: 'r' }, /\] trustedOrganizationRoles\[0\]\.organizationId \(a token that resolves to\) "o-x" is invalid: an organization ID/],
    ['roleName', { organizationId: ORG, roleName: lazy('a b') }, /\] trustedOrganizationRoles\[0\]\.roleName \(a token that resolves to\) "a b" is invalid: a role name pattern/],
    ['path', { organizationId: ORG, roleName: 'r', path: lazy('x') }, /\] trustedOrganizationRoles\[0\]\.path \(a token that resolves to\) "x" is invalid: a role path pattern/],
    ['path + roleName', { organizationId: ORG, roleName: 'a*', path: lazy('/') }, /\] trustedOrganizationRoles\[0\]\.path \+ roleName \(a token that resolves to\) "\/a\*" is invalid: the pattern can match roles under \/aws-reserved\//],
    ['partition', { organizationId: ORG, roleName: 'r', partition: lazy('aws-mars') }, /\] trustedOrganizationRoles\[0\]\.partition \(a token that resolves to\) "aws-mars" is invalid: a partition/],
    ['organizationalUnitPaths', { organizationId: ORG, roleName: 'r', organizationalUnitPaths: [`${ORG}/r-ab12/`, lazy('o-bbbbbbbbbb/r-ab12/')] },
      /\] trustedOrganizationRoles\[0\]\.organizationalUnitPaths\[1\] \(a token that resolves to\) "o-bbbbbbbbbb\/r-ab12\/" is invalid: the path must start with the organization ID o-a1b2c3d4e5/],
  ])('an organization pattern whose %s resolves to a bad value is refused, naming it', (_, props, message) => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', { trustedOrganizationRoles: [OrganizationRoles.of(props)] });
    expect(() => app.synth()).toThrow(message);
  });

  test.each(['*', '?', '$', '{', '}'])('a role name joined with a parameter is refused when its literal part holds %s', character => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('', [`team${character}`, suffix]) })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.roleName resolves to .*, whose literal part "team.*" holds a wildcard/);
  });

  test('a role name that resolves to a list is refused when an element holds a wildcard', () => {
    const app = newApp();
    new TrustedDestinationRole(destinationStack(app), 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Token.asString(['team-*']) })],
    });
    expect(() => app.synth()).toThrow(/trustedRoles\[0\]\.roleName resolves to \["team-\*"\], whose literal part "team-\*" holds a wildcard/);
  });

  test('a role name joined with a parameter by a separator holding a wildcard is refused', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('*', ['team', suffix]) })],
    });
    expect(() => app.synth()).toThrow(/whose literal part "\*" holds a wildcard/);
  });

  test('an organization role name joined with a parameter may hold a wildcard, not a policy variable', () => {
    const accepted = newApp();
    const stack = destinationStack(accepted);
    const team = new CfnParameter(stack, 'Team').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Fn.join('', [team, '-*']), path: '/teams/' })],
    });
    expect(() => accepted.synth()).not.toThrow();

    const refused = newApp();
    const other = destinationStack(refused);
    const name = new CfnParameter(other, 'Team').valueAsString;
    new TrustedDestinationRole(other, 'R', {
      trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, roleName: Fn.join('', [name, '-${aws:username}']), path: '/teams/' })],
    });
    expect(() => refused.synth()).toThrow(/trustedOrganizationRoles\[0\]\.roleName resolves to .*whose literal part "-\$\{aws:username\}"/);
  });

  test.each([
    ['a path of "/*/" and a name that is a parameter', (name: string) => ({ path: '/*/', roleName: name }), '/aws-reserved/'],
    ['the default path and a name that is a parameter', (name: string) => ({ roleName: name }), '/aws-reserved/'],
    ['a path that is a parameter', (name: string) => ({ path: Fn.join('', ['/', name, '/']), roleName: 'reader' }), '/aws-reserved/'],
    ['a name joined with a parameter that starts with it', (name: string) => ({ roleName: Fn.join('', [name, '-reader']) }), '/aws-reserved/'],
    ['a name substituted from a parameter that starts with it', (name: string) => ({ roleName: Fn.sub('${Name}-reader', { Name: name }) }), '/aws-reserved/'],
    ['a name read from a mapping by a parameter (taken as * whatever the mapping holds)', (name: string, stack: Stack) => ({
      roleName: new CfnMapping(stack, 'Names', { mapping: { prod: { name: 'reports-*' }, dev: { name: 'audit-*' } } }).findInMap(name, 'name'),
    }), '/aws-reserved/'],
  ])('an organization pattern with %s, which could match reserved roles at deploy time, is refused', (_, props, reserved) => {
    const app = newApp();
    const stack = destinationStack(app);
    const name = new CfnParameter(stack, 'Name').valueAsString;
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, ...props(name, stack) })] });
    expect(() => app.synth()).toThrow(new RegExp(
      'trustedOrganizationRoles\\[0\\]\\.path \\+ roleName \\(resolves to .*Ref.*Name.*; with what only CloudFormation knows taken as \\*\\) '
      + `".*" is invalid: the pattern can match roles under ${reserved}`));
  });

  test.each([
    ['follows a literal path that no reserved role has', (name: string) => ({ path: '/teams/', roleName: name })],
    ['follows a literal name prefix that no reserved role has', (name: string) => ({ roleName: Fn.join('', ['reports-', name]) })],
    // "a" + "x" + the parameter cannot start with "aws-reserved"; without the separator it could.
    ['follows a literal joined by a separator, which counts as literal text', (name: string) => ({ roleName: Fn.join('x', ['a', name]) })],
    ['follows a literal prefix of the template it is substituted into', (name: string) => ({ roleName: Fn.sub('reports-${Name}', { Name: name }) })],
    ['follows a literal prefix given as another variable of the template', (name: string) => ({ roleName: Fn.sub('${Prefix}${Name}', { Prefix: 'reports-', Name: name }) })],
    ['follows a literal prefix read from a mapping by literal keys', (name: string, stack: Stack) => ({
      roleName: Fn.join('', [new CfnMapping(stack, 'Prefixes', { mapping: { prod: { prefix: 'reports-' } } }).findInMap('prod', 'prefix'), name]),
    })],
    ['is a pseudo parameter after a literal prefix of the template', () => ({ roleName: Fn.sub('reports-${AWS::Region}') })],
  ])('an organization pattern whose parameter %s is accepted', (_, props) => {
    const app = newApp();
    const stack = destinationStack(app);
    const name = new CfnParameter(stack, 'Name').valueAsString;
    new TrustedDestinationRole(stack, 'R', { trustedOrganizationRoles: [OrganizationRoles.of({ organizationId: ORG, ...props(name, stack) })] });
    expect(() => app.synth()).not.toThrow();
  });

  test('a role name joined with a parameter and plain text is accepted', () => {
    const app = newApp();
    const stack = destinationStack(app);
    const suffix = new CfnParameter(stack, 'Suffix').valueAsString;
    new TrustedDestinationRole(stack, 'R', {
      trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: Fn.join('-', ['team', suffix]) })],
    });
    expect(() => app.synth()).not.toThrow();
  });

  describe('values that other CloudFormation functions finish', () => {
    // Another mapping comes first, so that the one read is found by its name.
    const accounts = (stack: Stack, mapping: Record<string, Record<string, string>>) => {
      new CfnMapping(stack, 'Regions', { mapping: { prod: { name: 'us-east-1' } } });
      return new CfnMapping(stack, 'Names', { mapping });
    };
    const condition = (stack: Stack) => new CfnCondition(stack, 'IsProd', { expression: Fn.conditionEquals(new CfnParameter(stack, 'Env').valueAsString, 'prod') });
    test.each([
      ['Fn::Sub, in its template', () => Fn.sub('team-*'), '"team-\\*"'],
      ['Fn::Sub, beside a reference to a parameter', (stack: Stack) => Fn.sub('${Team}-*', { Team: new CfnParameter(stack, 'Team').valueAsString }), '"-\\*"'],
      ['Fn::Sub, in a value of its variables', () => Fn.sub('team-${Suffix}', { Suffix: '*' }), '"\\*"'],
      ['Fn::Sub, as a policy variable it escapes', () => Fn.sub('team-${!aws:username}'), '"team-\\$\\{aws:username\\}"'],
      ['Fn::Sub, as braces that name nothing', () => Fn.sub('team-${ }'), '"team-\\$\\{ \\}"'],
      ['Fn::FindInMap, in the value its keys name', (stack: Stack) => accounts(stack, { prod: { name: 'team-*' } }).findInMap('prod', 'name'), '"team-\\*"'],
      ['Fn::FindInMap, in any value a key given as a parameter can reach', (stack: Stack) => accounts(stack, { prod: { name: 'reader' }, dev: { name: '*' } })
        .findInMap(new CfnParameter(stack, 'Env').valueAsString, 'name'), '"\\*"'],
      ['Fn::If, in one of its branches', (stack: Stack) => Fn.conditionIf(condition(stack).logicalId, 'reader', '*').toString(), '"\\*"'],
      ['Fn::Select, in its list', (stack: Stack) => Fn.select(0, [new CfnParameter(stack, 'Name').valueAsString, 'team-?']), '"team-\\?"'],
    ])('a role name with a wildcard in %s is refused', (_, roleName, bad) => {
      const app = newApp();
      const stack = destinationStack(app);
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: roleName(stack) })] });
      expect(() => app.synth()).toThrow(new RegExp(
        `\\] trustedRoles\\[0\\]\\.roleName resolves to .*, whose literal part ${bad} holds a wildcard \\(\\* \\?\\) or policy variable character`));
    });

    test('a destination account given as Fn::Sub of a wildcard does not widen sts:AssumeRole', () => {
      const app = newApp();
      new CrossAccountTaskRole(sourceStack(app), 'TaskRole', {
        destinationRoles: [RoleReference.of({ account: Fn.sub('*'), roleName: 'destination-account-role' })],
      });
      expect(() => app.synth()).toThrow(/\] destinationRoles\[0\]\.account resolves to \{"Fn::Sub":"\*"\}, whose literal part "\*" holds a wildcard/);
    });

    test.each([
      ['a reference to a parameter', (stack: Stack) => Fn.sub('team-${Team}', { Team: new CfnParameter(stack, 'Team').valueAsString })],
      ['a reference to a pseudo parameter', () => Fn.sub('team-${AWS::Region}')],
      ['a condition between plain names', (stack: Stack) => Fn.conditionIf(condition(stack).logicalId, 'reader', 'writer').toString()],
      ['an import', () => Fn.importValue('team-role-name')],
      ['a mapping whose keys name a plain name, though another value holds a wildcard',
        (stack: Stack) => accounts(stack, { prod: { name: 'reader' }, dev: { name: '*' } }).findInMap('prod', 'name')],
      ['a mapping the stack does not hold', () => Fn.findInMap('Elsewhere', 'prod', 'name')],
      ['an Fn::Sub whose template is not a string, which CloudFormation refuses', (stack: Stack) =>
        Token.asString({ 'Fn::Sub': new CfnParameter(stack, 'Template').valueAsString })],
    ])('a role name that CloudFormation finishes from %s is accepted', (_, roleName) => {
      const app = newApp();
      const stack = destinationStack(app);
      new TrustedDestinationRole(stack, 'R', { trustedRoles: [RoleReference.of({ account: SOURCE_ACCOUNT, roleName: roleName(stack) })] });
      expect(() => app.synth()).not.toThrow();
    });
  });
});
