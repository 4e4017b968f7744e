import {
  GetPolicyCommand, GetPolicyVersionCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient,
  ListAttachedRolePoliciesCommand, ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import type { NamedPolicy, PolicyDocument, TemplateRole } from '../../tools/iam-offline/template-roles';

/**
 * A role as IAM holds it after the deployment: its trust and its identity policies, read through
 * the IAM API, in the shape the offline simulation (tools/iam-offline/simulate.ts) judges.
 */
export async function deployedRole(iam: IAMClient, roleName: string): Promise<TemplateRole> {
  const { Role: role } = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  const document = (text: string | undefined): PolicyDocument => JSON.parse(decodeURIComponent(text ?? '{"Statement":[]}'));
  const inlineNames = (await iam.send(new ListRolePoliciesCommand({ RoleName: roleName }))).PolicyNames ?? [];
  const inline: NamedPolicy[] = [];
  for (const name of inlineNames) {
    const { PolicyDocument: text } = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
    inline.push({ name, policy: document(text) });
  }
  const attached: NamedPolicy[] = [];
  for (const policy of (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }))).AttachedPolicies ?? []) {
    const { Policy: managed } = await iam.send(new GetPolicyCommand({ PolicyArn: policy.PolicyArn }));
    const { PolicyVersion: version } = await iam.send(new GetPolicyVersionCommand({
      PolicyArn: policy.PolicyArn, VersionId: managed!.DefaultVersionId,
    }));
    attached.push({ name: policy.PolicyName!, policy: document(version!.Document) });
  }
  const [, partition, , , account] = role!.Arn!.split(':');
  return {
    logicalId: roleName,
    arn: role!.Arn!,
    account,
    region: 'us-east-1',
    partition,
    trustPolicy: document(role!.AssumeRolePolicyDocument),
    identityPolicies: [...inline, ...attached],
  };
}
