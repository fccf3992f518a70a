/**
 * The stream validation Lambda: Firehose invokes it with each buffered batch of producer records
 * before converting them to Parquet. Accepted events go on, normalized and keyed by `dt`; the rest
 * go to the quarantine prefix with their reasons (lambdas/ingest/stream-validation.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { logger, metrics } from '../aws/powertools.ts';
import { gateStreamBatch } from './stream-gate.ts';
import { loadStreamValidationConfig, type StreamValidationConfig } from './stream-validation-config.ts';

let setup: { readonly config: StreamValidationConfig; readonly s3: S3Client } | undefined;

export async function handler(
  event: FirehoseTransformationEvent,
  context: Context,
): Promise<FirehoseTransformationResult> {
  logger.resetKeys();
  logger.addContext(context);
  // Config and client are made on the first invocation, once per execution environment.
  setup ??= { config: loadStreamValidationConfig(process.env), s3: new S3Client({}) };
  try {
    return await gateStreamBatch(event, { ...setup, logger, metrics, clock: () => new Date() });
  } catch (error) {
    logger.error('stream batch failed; Firehose retries it', error instanceof Error ? error : String(error));
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
