/**
 * The findings history in S3: every finding a window produced, suppressed ones included (a non-null
 * `suppression` means "recorded, not alerted"), as JSON lines under
 * `<prefix>findings/dt=YYYY-MM-DD/detector=<id>/<window-start>-<batch hash>.jsonl`, partitioned for
 * Athena. The key is a function of the batch (detector, window, finding ids), so a retried publish
 * overwrites its object instead of adding a second copy.
 */
import { createHash } from 'node:crypto';
import type { PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../aws/lazy-sdk.ts';
import type { Finding } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

export interface S3FindingsLocation {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix; a trailing `/` is added when missing. @default '' (the bucket root) */
  readonly prefix?: string;
  /** KMS key for SSE-KMS. @default the bucket's default encryption */
  readonly kmsKeyId?: string;
}

export class S3FindingHistory implements FindingSink {
  readonly name = 's3-history';

  constructor(private readonly location: S3FindingsLocation) {}

  async publish(findings: readonly Finding[]): Promise<void> {
    for (const batch of byDetectorWindow(findings)) {
      const [first] = batch;
      if (!first) continue;
      const hash = sha256(batch.map((finding) => finding.finding_id).join('\n')).slice(0, 16);
      const key = findingsKey(
        this.location.prefix,
        'findings',
        first.detector_id,
        first.window_start,
        `-${hash}`,
      );
      const { PutObjectCommand } = await s3Sdk();
      await this.location.client.send(new PutObjectCommand(jsonLinesObject(this.location, key, batch)));
    }
  }
}

/**
 * `<prefix><kind>/dt=<window day>/detector=<id>/<window start, compact UTC><suffix>.jsonl`, e.g.
 * `audit/findings/dt=2026-01-01/detector=off-hours-export/20260101T090000Z-1a2b3c4d5e6f7a8b.jsonl`.
 */
export function findingsKey(
  prefix: string | undefined,
  kind: string,
  detectorId: string,
  windowStart: string,
  suffix = '',
): string {
  const start = new Date(windowStart).toISOString();
  const compact = `${start.slice(0, 19).replace(/[-:]/g, '')}Z`;
  return `${normalizePrefix(prefix)}${kind}/dt=${start.slice(0, 10)}/detector=${detectorId}/${compact}${suffix}.jsonl`;
}

/** A PutObject of findings as JSON lines, SSE-KMS when the location names a key. */
export function jsonLinesObject(
  location: S3FindingsLocation,
  key: string,
  findings: readonly Finding[],
): PutObjectCommandInput {
  return {
    Bucket: location.bucket,
    Key: key,
    Body: findings.map((finding) => `${JSON.stringify(finding)}\n`).join(''),
    ContentType: 'application/x-ndjson',
    ...serverSideEncryption(location),
  };
}

/** SSE-KMS with the location's key; nothing (the bucket's default encryption) without one. */
export function serverSideEncryption(
  location: Pick<S3FindingsLocation, 'kmsKeyId'>,
): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId' | 'BucketKeyEnabled'> {
  return location.kmsKeyId === undefined
    ? {}
    : { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: location.kmsKeyId, BucketKeyEnabled: true };
}

function normalizePrefix(prefix: string | undefined): string {
  if (!prefix) return '';
  return prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/** The runner publishes one window of one detector at a time; grouping keeps that true for any caller. */
export function byDetectorWindow(findings: readonly Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.detector_id}\n${finding.window_start}`;
    const group = groups.get(key);
    if (group) group.push(finding);
    else groups.set(key, [finding]);
  }
  return [...groups.values()];
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
