import { aws_iam as iam } from 'aws-cdk-lib';
import { ASSUME_ROLE } from './statements';

/**
 * The principal a role is created with, which only keeps hold of the role's trust
 * policy, so that statements can be added to it as trusted roles are added, and
 * only once they have a principal.
 */
export class StatementPrincipal extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  public readonly assumeRoleAction = ASSUME_ROLE;
  private document?: iam.PolicyDocument;

  // Stryker disable next-line BlockStatement: required by PrincipalBase; iam.Role reads only the trust document of this principal
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({});
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    this.document = document;
  }

  public add(statement: iam.PolicyStatement): void {
    this.document!.addStatements(statement);
  }

  // Stryker disable next-line BlockStatement: required by PrincipalBase; only statements that name a principal read it
  public dedupeString(): string | undefined {
    return undefined;
  }
}
