/**
 * One Firehose transformation invocation: validate the batch, write what was rejected to the
 * quarantine in S3 (SSE-KMS, one JSON-lines object per invocation), and only then answer Firehose.
 * If the quarantine write fails the invocation fails, and Firehose retries the whole batch (then
 * sends it to its processing-failed error prefix): a rejected record is never dropped unrecorded.
 * Logs and metrics carry counts and reason kinds, never record contents.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { validateStreamRecords } from '../ingest/stream-validation.ts';
import { serverSideEncryption } from '../sinks/s3-finding-history.ts';
import type { StreamValidationConfig } from './stream-validation-config.ts';

export interface StreamGateDeps {
  readonly config: StreamValidationConfig;
  readonly s3: S3Client;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: () => Date;
}

export async function gateStreamBatch(
  event: FirehoseTransformationEvent,
  { config, s3, logger, metrics, clock }: StreamGateDeps,
): Promise<FirehoseTransformationResult> {
  const now = clock();
  const result = validateStreamRecords(event.records, { now });
  let quarantineKey: string | undefined;
  if (result.quarantined.length > 0) {
    // The invocation id is unique per batch attempt; a retried batch writes a new object.
    quarantineKey = `${config.quarantinePrefix}dt=${now.toISOString().slice(0, 10)}/${event.invocationId}.jsonl`;
    await s3.send(
      new PutObjectCommand({
        Bucket: config.bucket,
        Key: quarantineKey,
        Body: result.quarantined.map((entry) => `${JSON.stringify(entry)}\n`).join(''),
        ContentType: 'application/x-ndjson',
        ...serverSideEncryption(config),
      }),
    );
  }
  const quarantined = result.quarantined.length - result.duplicates;
  metrics.addMetric('StreamRecordsReceived', MetricUnit.Count, event.records.length);
  metrics.addMetric('StreamRecordsAccepted', MetricUnit.Count, result.accepted);
  metrics.addMetric('StreamRecordsQuarantined', MetricUnit.Count, quarantined);
  metrics.addMetric('StreamRecordsDuplicate', MetricUnit.Count, result.duplicates);
  logger.info('stream batch validated', {
    received: event.records.length,
    accepted: result.accepted,
    quarantined,
    duplicates: result.duplicates,
    reasons: result.reasons,
    ...(quarantineKey === undefined ? {} : { quarantineKey }),
  });
  return { records: [...result.records] };
}
