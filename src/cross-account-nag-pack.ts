import { IAspect, aws_iam as iam } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { RoleReview } from './private/checks/role-review';
import { WARNINGS } from './private/checks/warnings';
import { reviewOf } from './private/library-roles';
import { IamQuotas } from './role-options';

/**
 * Properties of a `CrossAccountNagPack`: those of cdk-nag's `NagPackProps` that
 * this pack passes on.
 */
export interface CrossAccountNagPackProps {
  /**
   * Whether messages carry the rule's explanation.
   *
   * @default false
   */
  readonly verbose?: boolean;

  /**
   * Whether suppressed findings are logged as information.
   *
   * @default false
   */
  readonly logIgnores?: boolean;

  /**
   * Whether cdk-nag writes its compliance report for the pack.
   *
   * @default true
   */
  readonly reports?: boolean;

  /**
   * The IAM quotas of the accounts the app deploys to, when they were raised.
   *
   * @default - the default quotas
   */
  readonly iamQuotas?: IamQuotas;
}

/** The rules of the pack: the suffix of each cdk-nag rule ID, the library's warning it reports, and why it exists. */
const RULES: ReadonlyArray<{ readonly suffix: string; readonly id: string; readonly explanation: string }> = [
  {
    suffix: 'WholeAccountTrust',
    id: WARNINGS.wholeAccountTrust,
    explanation: 'A trust of a whole account, of everyone or of an identity provider without a condition that names the callers admits more than the intended roles.',
  },
  {
    suffix: 'UnknownTrustPrincipal',
    id: WARNINGS.unknownTrustPrincipal,
    explanation: 'A principal known only at deploy time cannot be checked to name a role rather than a whole account.',
  },
  {
    suffix: 'ConfusedDeputyGuardOff',
    id: WARNINGS.confusedDeputyGuardOff,
    explanation: 'A service that sends aws:SourceAccount and aws:SourceArn can be made to assume a role for another account\'s resource unless the trust checks them.',
  },
  {
    suffix: 'AssumeRoleInAnyAccount',
    id: WARNINGS.assumeRoleInAnyAccount,
    explanation: 'sts:AssumeRole on roles of any account lets the role act wherever someone trusts it, with whatever that account allows.',
  },
  {
    suffix: 'ChainedSessionDuration',
    id: WARNINGS.chainedSessionDuration,
    explanation: 'A role assumed with another role\'s credentials gets sessions of at most 1 hour; a longer maximum misleads callers.',
  },
  {
    suffix: 'ChainHalvesDisagree',
    id: WARNINGS.chainHalvesDisagree,
    explanation: 'Both halves of a cross-account chain must agree: the identity policy of the role that assumes, and the trust of the role assumed.',
  },
  {
    suffix: 'NearIamQuota',
    id: WARNINGS.nearIamQuota,
    explanation: 'A policy near an IAM quota fails to deploy once it grows past it.',
  },
];

/**
 * The rules of `CrossAccountChecks` as a cdk-nag rule pack, so that cdk-nag users
 * get them in their reports (rule IDs `CrossAccount-<Rule>`, such as
 * `CrossAccount-WholeAccountTrust`) and suppress them the cdk-nag way
 * (`NagSuppressions.addResourceSuppressions`, with a reason).
 *
 * cdk-nag is not a dependency of this library: install it beside it
 * (`npm install cdk-nag`, `pip install cdk-nag`, ...) to use this pack; without it
 * the pack throws when it is created, saying so.
 *
 * @example
 * declare const app: App;
 *
 * Aspects.of(app).add(new CrossAccountNagPack({ verbose: true }));
 */
export class CrossAccountNagPack implements IAspect {
  private readonly pack: IAspect;

  constructor(props: CrossAccountNagPackProps = {}) {
    this.pack = createPack(loadCdkNag(), props);
  }

  public visit(node: IConstruct): void {
    this.pack.visit(node);
  }
}

/** cdk-nag, loaded when a pack is created, so that users who do not use it need not install it. */
function loadCdkNag(): any {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
    return require('cdk-nag');
  } catch (error) {
    throw new Error('CrossAccountNagPack needs cdk-nag, which is not a dependency of cdk-cross-account-task-roles: install it '
      + `beside it (npm install cdk-nag, or pip install cdk-nag) and load it in the app (${(error as Error).message.split('\n')[0]})`);
  }
}

/** A `NagPack` of the given cdk-nag whose rules are those of the review. */
function createPack(nag: any, props: CrossAccountNagPackProps): IAspect {
  const reviewOfNode = (node: iam.CfnRole): RoleReview => reviewOf(node, props.iamQuotas);
  class Pack extends nag.NagPack {
    constructor() {
      super({ verbose: props.verbose, logIgnores: props.logIgnores, reports: props.reports });
      this.packName = 'CrossAccount';
    }

    public visit(node: IConstruct): void {
      if (!(node instanceof iam.CfnRole)) {
        return;
      }
      const review = reviewOfNode(node);
      for (const rule of RULES) {
        const findings = review.findings.filter(f => f.id === rule.id);
        this.applyRule({
          ruleSuffixOverride: rule.suffix,
          // What was found, in the words of the library's warning of the same ID.
          info: findings.length > 0 ? findings.map(f => f.message).join(' ') : rule.explanation,
          explanation: `${rule.explanation} The library reports it as the warning ${rule.id}.`,
          level: nag.NagMessageLevel.WARN,
          rule: () => (findings.length === 0 ? nag.NagRuleCompliance.COMPLIANT : nag.NagRuleCompliance.NON_COMPLIANT),
          node,
        });
      }
      this.applyRule({
        ruleSuffixOverride: 'OverIamQuota',
        info: review.errors.length > 0 ? review.errors.join(' ') : 'The role\'s policies are over an IAM quota: deploying would fail.',
        explanation: 'IAM refuses a policy over its quota, and the deployment fails.',
        level: nag.NagMessageLevel.ERROR,
        rule: () => (review.errors.length === 0 ? nag.NagRuleCompliance.COMPLIANT : nag.NagRuleCompliance.NON_COMPLIANT),
        node,
      });
    }
  }
  return new Pack() as unknown as IAspect;
}
