import { Annotations } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';

const PROBE = 'AcknowledgementProbe';

/**
 * Whether a warning ID is acknowledged on the construct itself or on one above
 * it (`Annotations.of(x).acknowledgeWarning(id, reason)`).
 *
 * aws-cdk-lib looks for an acknowledgement only above the construct a warning is
 * added to, so a warning added to a role after its acknowledgement on the role
 * itself would stay. A warning is tried on a construct below it instead, which
 * aws-cdk-lib does not add when the ID is acknowledged there, and the construct is
 * taken away again: the tree is left as it was.
 */
export function acknowledgedOn(scope: IConstruct, id: string): boolean {
  let name = PROBE;
  for (let i = 1; scope.node.tryFindChild(name); i++) {
    name = `${PROBE}${i}`;
  }
  const probe = new Construct(scope as Construct, name);
  try {
    Annotations.of(probe).addWarningV2(id, 'acknowledged?');
    return probe.node.metadata.length === 0;
  } finally {
    scope.node.tryRemoveChild(name);
  }
}
