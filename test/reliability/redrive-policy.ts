/**
 * The ticketing queue's redrive policy as the CDK construct synthesizes it, so the SQS model in
 * `ticketing-harness.ts` moves messages to the dead-letter queue after the deployed
 * `maxReceiveCount`, not after a number the test made up.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FindingTicketing } from '../../infra/constructs/finding-ticketing.ts';
import { constructStack, HANDLER_SOURCES, logicalIdOf, Template } from '../infra/support/infra-app.ts';

export interface RedrivePolicy {
  readonly maxReceiveCount: number;
  /** The redrive target is the construct's own dead-letter queue. */
  readonly targetsDeadLetterQueue: boolean;
}

export function ticketingRedrivePolicy(): RedrivePolicy {
  const stack = constructStack();
  const ticketing = new FindingTicketing(stack, 'Ticketing', {
    topic: new sns.Topic(stack, 'Findings'),
    settings: {
      provider: 'jira',
      secretName: 'auditlake/ticketing/jira',
      minSeverity: 'medium',
      jira: {
        baseUrl: 'https://example.atlassian.net',
        projectKey: 'SEC',
        issueType: 'Task',
        setPriority: true,
      },
    },
    idempotencyTable: new dynamodb.Table(stack, 'Idempotency', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    }),
    entry: HANDLER_SOURCES.ticketingEntry,
    projectRoot: HANDLER_SOURCES.projectRoot,
  });
  const queue = Template.fromStack(stack).findResources('AWS::SQS::Queue')[logicalIdOf(ticketing.queue)];
  const policy = queue?.Properties?.RedrivePolicy as
    | { maxReceiveCount?: number; deadLetterTargetArn?: { 'Fn::GetAtt'?: string[] } }
    | undefined;
  if (typeof policy?.maxReceiveCount !== 'number')
    throw new Error('the ticketing queue has no redrive policy');
  return {
    maxReceiveCount: policy.maxReceiveCount,
    targetsDeadLetterQueue:
      policy.deadLetterTargetArn?.['Fn::GetAtt']?.[0] === logicalIdOf(ticketing.deadLetterQueue),
  };
}
