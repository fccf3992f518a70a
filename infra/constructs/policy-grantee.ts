/**
 * A grantee whose grants land in a managed policy. The lake stack describes a role's access to the
 * lake with CDK's own grant methods (bucket, key, table grants) while the role itself lives in
 * the stateless stack, which attaches the policy. The policy then names lake resources by their
 * local logical ids, and the lake stack holds, in one place, every way into the lake.
 */
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

export class ManagedPolicyGrantee implements iam.IGrantable {
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(policy: iam.ManagedPolicy) {
    this.grantPrincipal = new ManagedPolicyPrincipal(policy);
  }
}

class ManagedPolicyPrincipal extends iam.PrincipalBase {
  /** The policy's own account: grants then stay identity-based (no resource policy is edited). */
  public override readonly principalAccount: string;

  constructor(private readonly policy: iam.ManagedPolicy) {
    super();
    this.principalAccount = Stack.of(policy).account;
  }

  /**
   * Grants read this to tell service principals apart; it names no one, so a statement that ever
   * put it in a resource policy would fail to deploy rather than grant too much.
   */
  public get policyFragment(): iam.PrincipalPolicyFragment {
    return new iam.PrincipalPolicyFragment({ AWS: [] });
  }

  public override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy };
  }

  public dedupeString(): string | undefined {
    return undefined;
  }

  public override toString(): string {
    return `ManagedPolicyGrantee(${this.policy.node.path})`;
  }
}
