import { Lazy, aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * An `AWS::IAM::Policy` on one role, left out of the template while it has no
 * statements, as aws-cdk-lib does for a role's `DefaultPolicy`.
 */
export class OptionalPolicy extends iam.CfnPolicy {
  constructor(scope: Construct, id: string, policyName: string, role: iam.IRole,
    private readonly statements: () => iam.PolicyStatement[]) {
    super(scope, id, {
      policyName,
      roles: [role.roleName],
      // An empty document still renders, so that tools that read the construct tree
      // (cdk-nag) find a policy they can check, though it is not synthesized.
      // Not cached: what is added after an early resolution (an Aspect) is in it.
      policyDocument: Lazy.uncachedAny({
        produce: () => new iam.PolicyDocument({ statements: statements() }).toJSON() ?? { Version: '2012-10-17', Statement: [] },
      }),
    });
    // Read by cdk-nag (no dependency on it): the two wildcards IAM itself requires here.
    this.addMetadata('cdk_nag', {
      rules_to_suppress: [{
        id: 'AwsSolutions-IAM5',
        reason: 'ecr:GetAuthorizationToken has no resource type, so IAM only accepts Resource "*" for it; '
          + 'the awslogs driver names its log streams at run time, so the streams of each named log group are "log-stream:*".',
        applies_to: ['Resource::*', { regex: '/^Resource::arn:<AWS::Partition>:logs:.*:log-group:.*:log-stream:\\*$/g' }],
      }],
    });
  }

  protected shouldSynthesize(): boolean {
    return this.statements().length > 0;
  }
}
