/**
 * The digest Lambda: EventBridge Scheduler invokes it hourly; it hashes the files that reached
 * `audit_events/` since the latest digest (Firehose deliveries and batch uploads alike) and writes
 * the next digest of the chain under `digests/`, where the bucket's Object Lock retention applies
 * (docs/tamper-evidence.md). A failure is logged once and rethrown for the scheduler's retries.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context } from 'aws-lambda';
import { logger, metrics } from '../aws/powertools.ts';
import { S3LakeStore } from '../integrity/s3-lake-store.ts';
import { writeScheduledDigest } from '../integrity/scheduled-digest.ts';
import { loadDigestConfig } from './digest-config.ts';

let store: S3LakeStore | undefined;

export async function handler(_event: unknown, context: Context): Promise<{ digest: string; files: number }> {
  logger.resetKeys();
  logger.addContext(context);
  try {
    // Config and client are read on the first invocation, once per execution environment.
    store ??= new S3LakeStore(new S3Client({}), loadDigestConfig(process.env));
    const written = await writeScheduledDigest(store, new Date());
    const files = written.digest.files.length;
    metrics.addMetric('DigestedFiles', MetricUnit.Count, files);
    metrics.addMetric('DigestFailed', MetricUnit.Count, 0);
    logger.info('digest written', {
      digest: written.path,
      files,
      unreadableRecent: written.unreadableRecent,
    });
    return { digest: written.path, files };
  } catch (error) {
    metrics.addMetric('DigestFailed', MetricUnit.Count, 1);
    logger.error('digest failed', error instanceof Error ? error : String(error));
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
