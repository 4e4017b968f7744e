import { Rule, checkEach, invalid } from './rule';

/**
 * The resources a task execution role names exactly, and the VPCs it may pull
 * images through.
 */

/**
 * A name or ARN of a resource that a policy names exactly (an ECR repository, a
 * secret, a parameter, a log group, a KMS key). None of these services allows `*`,
 * `?`, `$`, `{` or `}` in a name, and IAM would read them as wildcards or a policy
 * variable: the policy would cover every resource that matches.
 */
export function exactResourceName(noun: string): Rule<string> {
  return {
    fault: value => (/[*?${}]/.test(value)
      ? `no ${noun} name or ARN holds * or ?, which IAM would read as wildcards (the policy would allow every ${noun} that matches), `
        + `nor $ { } (a policy variable): name exactly one ${noun}`
      : undefined),
    deployTime: { forbidden: /[*?${}]/ },
  };
}

export const VPC_ID: Rule<string> = {
  fault: value => (/^vpc-[0-9a-f]{8}(?:[0-9a-f]{9})?$/.test(value) ? undefined
    : 'a VPC ID is "vpc-" followed by 8 or 17 lowercase hexadecimal digits, such as vpc-0123456789abcdef0'),
};

export const VPC_ENDPOINT_ID: Rule<string> = {
  fault: value => (/^vpce-[0-9a-f]{8}(?:[0-9a-f]{9})?$/.test(value) ? undefined
    : 'a VPC endpoint ID is "vpce-" followed by 8 or 17 lowercase hexadecimal digits, such as vpce-0123456789abcdef0'),
};

/** A list of IDs that limits image pulls: given, it names at least one. */
export function checkImagePullIds(where: string, property: string, ids: readonly string[], rule: Rule<string>): void {
  if (ids.length === 0) {
    throw invalid(where, property, ids, `give at least one ID, or leave ${property} out to allow image pulls from anywhere`);
  }
  checkEach(where, property, ids, rule);
}
