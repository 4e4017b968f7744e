import { IAspect, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { acknowledgedOn } from './private/checks/acknowledgements';
import { Finding, report } from './private/checks/warnings';
import { reviewOf } from './private/library-roles';
import { IamQuotas } from './role-options';
import { check } from './rules/rule';
import { enumOf } from './rules/values';

/**
 * How `CrossAccountChecks` reports what it finds.
 */
export enum FindingLevel {
  /**
   * As warnings, each with its ID (`cdk-cross-account-task-roles:<rule>`), which
   * `Annotations.of(scope).acknowledgeWarning(id, reason)` acknowledges, called
   * before synthesis on the role's `CfnRole` (an L1 or included role itself), on
   * the `iam.Role`, or on any construct above; `cdk synth --strict` fails on them.
   */
  WARNING = 'WARNING',

  /**
   * As errors that fail synthesis, unless acknowledged as the warnings are (the
   * warning is reported too, for its ID).
   */
  ERROR = 'ERROR',
}

/**
 * Properties of `CrossAccountChecks`.
 */
export interface CrossAccountChecksProps {
  /**
   * How findings are reported.
   *
   * @default FindingLevel.WARNING
   */
  readonly level?: FindingLevel;

  /**
   * The IAM quotas of the accounts the app deploys to, when they were raised.
   *
   * @default - the default quotas: trust policy 2,048 characters, 10 managed policies per role
   */
  readonly iamQuotas?: IamQuotas;
}

/**
 * Reviews every IAM role of an app with the rules this library applies to its own
 * roles, with the same warning IDs and messages: roles written with plain
 * aws-cdk-lib (`iam.Role`, `iam.CfnRole`) and roles of templates brought in with
 * `cloudformation-include`.
 *
 * - trusts of a whole account, of `*`, or of an identity provider with no condition
 *   that limits the caller (`wholeAccountTrust`), or of a principal known only at
 *   deploy time (`unknownTrustPrincipal`);
 * - trusts of a service that AWS documents to send `aws:SourceAccount` and
 *   `aws:SourceArn` (ECS tasks, Amazon Personalize) without them (`confusedDeputyGuardOff`);
 * - identity policies that allow `sts:AssumeRole` on `*` or on roles of any account
 *   without a condition on the role's account (`assumeRoleInAnyAccount`);
 * - roles that other roles assume whose `MaxSessionDuration` is over 1 hour
 *   (`chainedSessionDuration`);
 * - the two halves of a chain in one app that disagree (`chainHalvesDisagree`);
 * - IAM quotas and sizes (`nearIamQuota`, and an error past a quota).
 *
 * The roles of this library check their trust and quotas themselves (and a
 * `TrustedDestinationRole` its session duration): only the rest is reviewed here,
 * so that nothing is reported twice. Policies are read as
 * the app's templates write them; managed policies of AWS or of other apps are not read.
 *
 * @example
 * declare const app: App;
 *
 * Aspects.of(app).add(new CrossAccountChecks());
 */
export class CrossAccountChecks implements IAspect {
  private readonly level: FindingLevel;
  private readonly iamQuotas?: IamQuotas;
  private readonly reviewed = new WeakSet<IConstruct>();

  constructor(props: CrossAccountChecksProps = {}) {
    check('CrossAccountChecks', 'level', props.level, enumOf(FindingLevel, 'FindingLevel'));
    this.level = props.level ?? FindingLevel.WARNING;
    this.iamQuotas = props.iamQuotas;
  }

  public visit(node: IConstruct): void {
    if (!(node instanceof iam.CfnRole) || this.reviewed.has(node)) {
      return;
    }
    this.reviewed.add(node);
    const review = reviewOf(node, this.iamQuotas);
    // aws-cdk-lib would not see an acknowledgement made on the role itself (an L1 or included role).
    report(node, review.findings.filter(finding => !acknowledgedOn(node, finding.id)));
    const level = this.level;
    node.node.addValidation({
      validate: () => [...review.errors, ...(level === FindingLevel.ERROR ? unacknowledged(node, review.findings) : [])],
    });
  }
}

/** The findings whose warning is still on the role: not acknowledged (an acknowledgement removes it). */
function unacknowledged(node: IConstruct, findings: readonly Finding[]): string[] {
  const warnings = node.node.metadata.filter(entry => entry.type === 'aws:cdk:warning').map(entry => String(entry.data));
  return findings
    .filter(finding => warnings.some(warning => warning.startsWith(finding.message) && warning.endsWith(`[ack: ${finding.id}]`)))
    .map(finding => `${finding.message} [${finding.id}; CrossAccountChecks reports it as an error: acknowledge the warning to accept it]`);
}
