import { Annotations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { warn } from './warnings';
import { invalidValue } from '../../rules/rule';

/**
 * The template a `DestinationRoleStackSet` deploys to every account, synthesized in
 * an app of its own: its messages are repeated in the user's app, and what would
 * name the management account in every target account is refused.
 */

/** Repeats a warning or an info of the role's app on the StackSet, with its acknowledgement ID if it has one. */
export function repeatMessage(scope: Construct, level: string, text: string): void {
  const acknowledgeable = /^([\s\S]*) \[ack: ([^\]]+)\]$/.exec(text);
  if (level === 'warning') {
    if (acknowledgeable) {
      warn(scope, acknowledgeable[2], acknowledgeable[1]);
    } else {
      Annotations.of(scope).addWarning(text);
    }
  } else if (acknowledgeable) {
    Annotations.of(scope).addInfoV2(acknowledgeable[2], acknowledgeable[1]);
  } else {
    Annotations.of(scope).addInfo(text);
  }
}

/**
 * Managed policies and boundaries that name an account: IAM attaches only policies
 * of the role's own account or of AWS, and in a template deployed to every account
 * such an ARN would name the account the app was built for (the management
 * account, for a policy taken from its stack), not the target account.
 */
export function foreignPolicies(template: any): string[] {
  const errors: string[] = [];
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    if (resource.Type !== 'AWS::IAM::Role') {
      continue;
    }
    const uses: Array<[string, unknown]> = [
      ['permissionsBoundary', resource.Properties?.PermissionsBoundary],
      // Stryker disable next-line ArrayDeclaration: a made-up element in place of no policies is no ARN with an account, so nothing is reported either way
      ...(resource.Properties?.ManagedPolicyArns ?? [])
        .map((arn: unknown) => ['managedPolicies', arn] as [string, unknown]),
    ];
    for (const [property, value] of uses) {
      const arn = readable(value);
      // Stryker disable next-line ConditionalExpression: without a boundary, readable(undefined) is undefined, which the pattern never matches; the check states the intent
      if (value !== undefined && /:iam::\d{12}:policy\//.test(arn)) {
        // Shown under the StackSet's path by the validation, so without it.
        errors.push(invalidValue(`destinationRole.${property}`, arn,
          'the StackSet deploys the role to every target account, and a role can only use a policy of its own account or of AWS: '
          + 'import it by name with the role as scope, iam.ManagedPolicy.fromManagedPolicyName(stackSet.destinationRole, id, name), '
          + 'and attach it after construction, so that its ARN names each target account'));
      }
    }
  }
  return errors;
}

/** A template value as text, with references as ${...}, for messages and checks. */
function readable(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  const v = value as any;
  if (v && Array.isArray(v['Fn::Join'])) {
    return (v['Fn::Join'][1] as unknown[]).map(readable).join(v['Fn::Join'][0]);
  }
  if (v && typeof v.Ref === 'string') {
    return `\${${v.Ref}}`;
  }
  return JSON.stringify(value);
}
