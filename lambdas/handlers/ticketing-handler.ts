/**
 * The ticketing Lambda: an SQS queue subscribed to the findings topic invokes it with up to a
 * batch of findings; each becomes one ticket (Jira, ServiceNow or a webhook), once per finding id.
 * Records that fail are returned in `batchItemFailures`, so only they come back from SQS.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger, metrics } from '../aws/powertools.ts';
import { createTicketing, type Ticketing } from '../ticketing/ticketing-service.ts';
import { loadTicketingConfig } from './ticketing-config.ts';

const processor = new BatchProcessor(EventType.SQS, { logger });
let ticketing: Ticketing | undefined;

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.resetKeys();
  logger.addContext(context);
  // Config is read on the first invocation, once per execution environment.
  ticketing ??= createTicketing(loadTicketingConfig(process.env), { logger, metrics });
  ticketing.registerLambdaContext(context);
  try {
    return await processPartialResponse(event, ticketing.handleRecord, processor, { context });
  } finally {
    metrics.publishStoredMetrics();
  }
}
