import { Aws, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ACCOUNT, PARTITION, ROLE_NAME, ROLE_PATH } from './rules/identifiers';
import { check, invalid } from './rules/rule';

/**
 * The parts of an IAM role's ARN.
 */
export interface RoleReferenceProps {
  /**
   * The 12-digit ID of the account that holds the role.
   */
  readonly account: string;

  /**
   * The role's name, without its path.
   */
  readonly roleName: string;

  /**
   * The role's path.
   *
   * @default '/'
   * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-friendly-names
   */
  readonly path?: string;

  /**
   * The partition of the role's account.
   *
   * @default - the partition of the stack the ARN is used in (`AWS::Partition`)
   */
  readonly partition?: string;
}

const ROLE_ARN = /^arn:([^:]*):iam::([^:]*):role(\/.*)$/;

/**
 * Identifies an IAM role in any account by its account, path and name, so that
 * the two sides of a cross-account chain can name each other without a
 * CloudFormation reference between their stacks.
 *
 * The ARN is deterministic: `arn:<partition>:iam::<account>:role<path><roleName>`.
 *
 * @example
 * const destination = RoleReference.of({ account: '555566667777', roleName: 'destination-account-role' });
 * const source = RoleReference.fromArn('arn:aws:iam::111122223333:role/my-ECS-task-role');
 */
export class RoleReference {
  /**
   * A reference from the role's account, name and optional path.
   *
   * Literal values are validated; unresolved tokens are accepted and used as they are.
   */
  public static of(props: RoleReferenceProps): RoleReference {
    return new RoleReference('RoleReference.of', props);
  }

  /**
   * A reference parsed from a role ARN such as `arn:aws:iam::111122223333:role/path/name`.
   *
   * The ARN must be a literal: parse tokens with `RoleReference.of` instead.
   * Wildcards are refused: a reference names exactly one role.
   */
  public static fromArn(roleArn: string): RoleReference {
    const where = 'RoleReference.fromArn';
    if (Token.isUnresolved(roleArn)) {
      throw invalid(where, 'roleArn', roleArn,
        'the ARN must be a literal string; for values known only at deploy time use RoleReference.of({ account, roleName, path })');
    }
    if (/[*?]/.test(roleArn)) {
      throw invalid(where, 'roleArn', roleArn, 'wildcards (* or ?) are not allowed: a role reference names exactly one role');
    }
    const match = ROLE_ARN.exec(roleArn);
    if (!match) {
      throw invalid(where, 'roleArn', roleArn, 'a role ARN has the form arn:<partition>:iam::<account>:role/<path/><name>');
    }
    const [, partition, account, pathAndName] = match;
    const lastSlash = pathAndName.lastIndexOf('/');
    return new RoleReference(where, {
      partition,
      account,
      path: pathAndName.slice(0, lastSlash + 1),
      roleName: pathAndName.slice(lastSlash + 1),
    });
  }

  /**
   * A reference that remembers the construct it was taken from, so that two
   * constructs in one app can check that they agree and order their stacks.
   *
   * @internal
   */
  public static _fromConstruct(owner: IConstruct, props: RoleReferenceProps): RoleReference {
    return new RoleReference(owner.node.path, props, owner);
  }

  /** The 12-digit ID of the account that holds the role. */
  public readonly account: string;

  /** The role's name, without its path. */
  public readonly roleName: string;

  /** The role's path, `/` when it has none. */
  public readonly path: string;

  /**
   * The partition given for the role.
   *
   * @default - none: the ARN uses the partition of the stack it is used in
   */
  public readonly partition?: string;

  /** @internal */
  public readonly _owner?: IConstruct;

  private constructor(where: string, props: RoleReferenceProps, owner?: IConstruct) {
    check(where, 'account', props.account, ACCOUNT);
    check(where, 'roleName', props.roleName, ROLE_NAME);
    check(where, 'path', props.path, ROLE_PATH);
    check(where, 'partition', props.partition, PARTITION);
    this.account = props.account;
    this.roleName = props.roleName;
    this.path = props.path ?? '/';
    this.partition = props.partition;
    this._owner = owner;
  }

  /**
   * The role's ARN, `arn:<partition>:iam::<account>:role<path><roleName>`.
   */
  public get roleArn(): string {
    return `arn:${this.partition ?? Aws.PARTITION}:iam::${this.account}:role${this.path}${this.roleName}`;
  }

  /**
   * The ARN of the root principal of the role's account, `arn:<partition>:iam::<account>:root`.
   */
  public get accountRootArn(): string {
    return `arn:${this.partition ?? Aws.PARTITION}:iam::${this.account}:root`;
  }

  /**
   * Whether this reference names the same role as another one: same account,
   * path and name (a partition left to the stack matches any).
   */
  public sameRoleAs(other: RoleReference): boolean {
    return this._key === other._key
      && (this.partition === undefined || other.partition === undefined || this.partition === other.partition);
  }

  /** @internal */
  public get _key(): string {
    return `${this.account}|${this.path}|${this.roleName}`;
  }

  /**
   * The ARN, for messages and logs.
   */
  public toString(): string {
    return `arn:${this.partition ?? '${AWS::Partition}'}:iam::${this.account}:role${this.path}${this.roleName}`;
  }
}
