import { Stack, aws_iam as iam } from 'aws-cdk-lib';

/**
 * What the template of a role will hold, which the checks read and measure: the
 * properties of its `CfnRole`, resolved, with the overrides of
 * `addPropertyOverride()` and `addOverride()`, which replace what the properties
 * say (the trust, the inline policies, the managed policy ARNs).
 */
export interface RoleTemplate {
  /** `AssumeRolePolicyDocument`, resolved. */
  readonly trust: unknown;
  /** The `PolicyDocument` of each of its `Policies`, resolved. */
  readonly inlineDocuments: unknown[];
  /** `ManagedPolicyArns`, resolved. */
  readonly managedPolicyArns: unknown[];
}

/**
 * The template of a role (see `RoleTemplate`). A role whose resource cannot be
 * rendered (a trust without statements, which its own validation reports) is read
 * from its properties.
 */
export function roleTemplateOf(cfnRole: iam.CfnRole): RoleTemplate {
  const stack = Stack.of(cfnRole);
  let properties: Record<string, any> | undefined;
  try {
    properties = templatePropertiesOf(cfnRole);
  } catch {
    properties = undefined;
  }
  const policies: any[] = [(properties ? properties.Policies : stack.resolve(cfnRole.policies)) ?? []].flat();
  return {
    trust: properties ? properties.AssumeRolePolicyDocument : stack.resolve(cfnRole.assumeRolePolicyDocument),
    // An entry without a document measures 0, as no entry does.
    inlineDocuments: policies.map(policy => (properties ? policy?.PolicyDocument : policy?.policyDocument)),
    managedPolicyArns: [(properties ? properties.ManagedPolicyArns : stack.resolve(cfnRole.managedPolicyArns)) ?? []].flat(),
  };
}

/** The properties of a role's resource as its template holds them; throws when the resource cannot be rendered. */
export function templatePropertiesOf(cfnRole: iam.CfnRole): Record<string, any> {
  const stack = Stack.of(cfnRole);
  return stack.resolve(cfnRole._toCloudFormation()).Resources[stack.resolve(cfnRole.logicalId)].Properties ?? {};
}
