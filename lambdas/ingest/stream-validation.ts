/**
 * The streaming path's gate: Firehose hands each buffered batch of producer records to a
 * transformation Lambda, and this decides, record by record, what reaches `audit_events`. The
 * contract is the one `auditlake ingest` applies (`validateEvent`), so a producer cannot get past
 * Firehose what the batch path would quarantine: unknown fields, bad types, times without a zone,
 * control characters, events from the future. Accepted events are re-serialized in normalized form
 * (`event_time` as UTC `…Z` text, `details` as JSON text) with their `dt` partition key, so offsets
 * in the input no longer put an event in the wrong day. Rejected and duplicate records leave the
 * stream as `Dropped` only because the caller has first written them, with a reason, to the
 * quarantine: nothing is lost, and nothing unvalidated is converted.
 */
import { type AuditEvent, dtOf, RECORD_FIELD, reasonKind, validateEvent } from '../core/audit-event.ts';
import { parseJsonRecord } from './input-records.ts';
import { decodeLenient, decodeStrict } from './line-reader.ts';

/** One record of a Firehose transformation invocation (the fields auditlake uses). */
export interface StreamRecordIn {
  readonly recordId: string;
  /** Base64 of the producer's bytes: one JSON object. */
  readonly data: string;
  /** Milliseconds since epoch when Firehose received it. */
  readonly approximateArrivalTimestamp?: number;
}

/** What Firehose expects back for each record, in the order received. */
export interface StreamRecordOut {
  readonly recordId: string;
  readonly result: 'Ok' | 'Dropped';
  /** Base64 of the normalized event; absent for dropped records. */
  readonly data?: string;
  readonly metadata?: { readonly partitionKeys: { readonly dt: string } };
}

/** A rejected or duplicate record, as one quarantine line. */
export interface StreamQuarantineEntry {
  readonly record_id: string;
  /** ISO time Firehose received it, when known. */
  readonly arrived_at: string | null;
  readonly field: string;
  readonly reason: string;
  /** The producer's bytes as text; bytes that are not UTF-8 show as U+FFFD. */
  readonly raw: string;
}

export interface StreamValidation {
  readonly records: readonly StreamRecordOut[];
  readonly quarantined: readonly StreamQuarantineEntry[];
  readonly accepted: number;
  /** Valid events whose event_id appeared earlier in the same batch; quarantined with that reason. */
  readonly duplicates: number;
  /** Quarantined records per kind of reason (duplicates included), for logs and metrics. */
  readonly reasons: Readonly<Record<string, number>>;
}

/** Longest record accepted; Firehose itself caps a record at 1,000 KiB. */
const MAX_RECORD_BYTES = 1_024_000;
const DUPLICATE_REASON = 'duplicate event_id (an earlier record in the same delivery batch has it)';

export function validateStreamRecords(
  records: readonly StreamRecordIn[],
  options: { readonly now: Date },
): StreamValidation {
  const out: StreamRecordOut[] = [];
  const quarantined: StreamQuarantineEntry[] = [];
  const reasons: Record<string, number> = {};
  const seen = new Set<string>();
  let accepted = 0;
  let duplicates = 0;
  for (const record of records) {
    const bytes = Buffer.from(record.data, 'base64');
    const verdict = judge(bytes, options.now);
    if ('event' in verdict && seen.has(verdict.event.event_id)) {
      duplicates++;
      reject(record, bytes, { field: 'event_id', reason: DUPLICATE_REASON });
      continue;
    }
    if (!('event' in verdict)) {
      reject(record, bytes, verdict);
      continue;
    }
    seen.add(verdict.event.event_id);
    accepted++;
    out.push({
      recordId: record.recordId,
      result: 'Ok',
      data: Buffer.from(`${JSON.stringify(normalizedRecord(verdict.event))}\n`).toString('base64'),
      metadata: { partitionKeys: { dt: dtOf(verdict.event.event_time) } },
    });
  }
  return { records: out, quarantined, accepted, duplicates, reasons };

  // The raw text is decoded only for the quarantine: accepted records are decoded once, strictly.
  function reject(record: StreamRecordIn, bytes: Buffer, problem: { field: string; reason: string }): void {
    const kind = reasonKind(problem.reason);
    reasons[kind] = (reasons[kind] ?? 0) + 1;
    quarantined.push({
      record_id: record.recordId,
      arrived_at:
        record.approximateArrivalTimestamp === undefined
          ? null
          : new Date(record.approximateArrivalTimestamp).toISOString(),
      field: problem.field,
      reason: problem.reason,
      raw: decodeLenient(bytes),
    });
    out.push({ recordId: record.recordId, result: 'Dropped' });
  }
}

/** The same judgement `auditlake ingest` makes of one JSONL line, with the same reasons. */
function judge(
  bytes: Buffer,
  now: Date,
): { readonly event: AuditEvent } | { readonly field: string; readonly reason: string } {
  if (bytes.byteLength > MAX_RECORD_BYTES) {
    return { field: RECORD_FIELD, reason: `line is longer than ${MAX_RECORD_BYTES} bytes` };
  }
  const text = decodeStrict(bytes);
  if (text === undefined) return { field: RECORD_FIELD, reason: 'line is not valid UTF-8' };
  const parsed = parseJsonRecord(text);
  if ('reason' in parsed) return parsed;
  const result = validateEvent(parsed.values, { now });
  return result.ok ? { event: result.event } : { field: result.field, reason: result.reason };
}

/**
 * The JSON Firehose converts to Parquet: the Glue columns by name, `event_time` in a form its
 * timestamp formats read (`yyyy-MM-dd'T'HH:mm:ss.SSSZZ`), nulls left out.
 */
function normalizedRecord(event: AuditEvent): Record<string, string | number> {
  const record: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(event)) {
    if (value === null) continue;
    record[name] =
      name === 'event_time' ? new Date(value as number).toISOString() : (value as string | number);
  }
  return record;
}
