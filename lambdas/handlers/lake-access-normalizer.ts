/**
 * The lake access normalizer: Firehose invokes it with each buffered batch of CloudTrail events
 * (delivered by EventBridge) about the lake, and writes what it returns to `audit_events` as
 * Parquet (docs/watch-the-watchers.md). Logs and metrics carry counts and failure kinds, never
 * record contents.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { logger, metrics } from '../aws/powertools.ts';
import type { LakeAccessMappingConfig } from '../watchers/cloudtrail-mapping.ts';
import { normalizeRecords } from '../watchers/normalize-records.ts';
import { loadLakeAccessConfig } from './lake-access-config.ts';

let config: LakeAccessMappingConfig | undefined;

export async function handler(
  event: FirehoseTransformationEvent,
  context: Context,
): Promise<FirehoseTransformationResult> {
  logger.resetKeys();
  logger.addContext(context);
  config ??= loadLakeAccessConfig(process.env);
  try {
    const batch = normalizeRecords(event.records, config, new Date());
    metrics.addMetric('LakeAccessEventsMapped', MetricUnit.Count, batch.mapped);
    metrics.addMetric('LakeAccessEventsDropped', MetricUnit.Count, batch.dropped);
    metrics.addMetric('LakeAccessEventsFailed', MetricUnit.Count, batch.failed);
    const { records, ...counts } = batch;
    logger.info('lake access batch normalized', { received: event.records.length, ...counts });
    return { records: [...records] };
  } finally {
    metrics.publishStoredMetrics();
  }
}
