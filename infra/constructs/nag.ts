/**
 * cdk-nag acknowledgements, made at the narrowest scope (the policy or resource that triggers
 * the finding) and always with a reason. IAM5 findings name the wildcard resource as cdk-nag
 * renders it (`<LogicalId.Attr>/prefix/*`); `acknowledgeWildcardResource` renders it the same way
 * from the ARN the grant used, so an acknowledgement follows its grant and never goes stale.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The namespace cdk-nag's AwsSolutions pack reports its findings under. */
const NAG_NAMESPACE = 'AwsSolutions';

/** Acknowledges one cdk-nag AwsSolutions rule on `scope` (and what it contains). */
export function acknowledgeNag(scope: IConstruct, ruleId: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_NAMESPACE}::AwsSolutions-${ruleId}`, reason });
}

/** Acknowledges the IAM5 finding for one wildcard resource ARN in the policy `scope`. */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const rendered = flattenReference(Stack.of(scope).resolve(resourceArn));
  acknowledgeNag(scope, `IAM5[Resource::${rendered}]`, reason);
}

/** cdk-nag's rendering of a resolved CloudFormation value (its `flattenCfnReference`). */
export function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    if (value['Fn::Join']) {
      const [delimiter, items] = value['Fn::Join'] as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if (value['Fn::Sub']) return flattenReference(value['Fn::Sub']);
    if (value['Fn::GetAtt']) {
      const [resource, attribute] = value['Fn::GetAtt'] as [unknown, unknown];
      return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
    }
    if (value['Fn::ImportValue']) return flattenReference(value['Fn::ImportValue']);
    if (value.Ref) return `<${flattenReference(value.Ref)}>`;
  }
  return JSON.stringify(node);
}
