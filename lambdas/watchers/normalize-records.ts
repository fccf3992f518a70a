/**
 * One Firehose batch of EventBridge "AWS API Call via CloudTrail" events, turned into `audit_events`
 * records for the Parquet conversion: mapped records go on (`Ok`, partitioned by the UTC day of the
 * event), calls outside the mapping are `Dropped`, and anything that is not a CloudTrail record,
 * or maps to a row the event contract refuses, is `ProcessingFailed`, which Firehose writes under
 * its error prefix instead of losing it. Pure: no AWS SDK.
 */
import { dtOf, validateEvent } from '../core/audit-event.ts';
import {
  CloudTrailRecordError,
  type LakeAccessMappingConfig,
  mapCloudTrailRecord,
} from './cloudtrail-mapping.ts';

export interface FirehoseInputRecord {
  readonly recordId: string;
  /** Base64 of the record as EventBridge delivered it. */
  readonly data: string;
}

export type FirehoseOutputRecord =
  | {
      readonly recordId: string;
      readonly result: 'Ok';
      readonly data: string;
      readonly metadata: { readonly partitionKeys: { readonly dt: string } };
    }
  | { readonly recordId: string; readonly result: 'Dropped' | 'ProcessingFailed'; readonly data?: string };

export interface NormalizedBatch {
  readonly records: readonly FirehoseOutputRecord[];
  readonly mapped: number;
  readonly dropped: number;
  readonly failed: number;
  /** Why records failed, by kind (`not JSON`, `not a CloudTrail record: eventID`), for logs: never record contents. */
  readonly failures: Readonly<Record<string, number>>;
}

export function normalizeRecords(
  records: readonly FirehoseInputRecord[],
  config: LakeAccessMappingConfig,
  now: Date,
): NormalizedBatch {
  const out: FirehoseOutputRecord[] = [];
  const failures: Record<string, number> = {};
  let mapped = 0;
  let dropped = 0;
  const fail = (record: FirehoseInputRecord, kind: string) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
    out.push({ recordId: record.recordId, result: 'ProcessingFailed', data: record.data });
  };
  for (const record of records) {
    let input: unknown;
    try {
      input = JSON.parse(Buffer.from(record.data, 'base64').toString('utf8'));
    } catch {
      fail(record, 'not JSON');
      continue;
    }
    let event: ReturnType<typeof mapCloudTrailRecord>;
    try {
      event = mapCloudTrailRecord(input, config);
    } catch (error) {
      if (!(error instanceof CloudTrailRecordError)) throw error;
      fail(record, error.message.split(':').slice(0, 2).join(':'));
      continue;
    }
    if (event === undefined) {
      dropped++;
      out.push({ recordId: record.recordId, result: 'Dropped' });
      continue;
    }
    // The same gate as every other way into the lake.
    const verdict = validateEvent(event, { now });
    if (!verdict.ok) {
      fail(record, `rejected by the event contract: ${verdict.field}`);
      continue;
    }
    mapped++;
    out.push({
      recordId: record.recordId,
      result: 'Ok',
      data: Buffer.from(`${JSON.stringify(event)}\n`).toString('base64'),
      metadata: { partitionKeys: { dt: dtOf(verdict.event.event_time) } },
    });
  }
  return { records: out, mapped, dropped, failed: records.length - mapped - dropped, failures };
}
