/**
 * `auditlake ingest` as a library: reads JSONL or CSV audit events, checks each against the
 * contract, quarantines what does not fit with its line and reason, and adds the rest to the lake
 * as Parquet partitioned by `dt`. Bad lines never stop an ingest; a bad input file stops it
 * before anything is written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { reasonKind, validateEvent } from '../core/audit-event.ts';
import { AuditlakeError, ConfigError } from '../core/errors.ts';
import { writeIngestDigest } from '../integrity/ingest-digest.ts';
import { EventStaging } from './event-staging.ts';
import { createFallbackParser } from './fast-path.ts';
import { checkInputFiles, readInputFile } from './input-files.ts';
import type { InputItem } from './input-records.ts';
import { QuarantineWriter } from './quarantine-writer.ts';

export interface IngestOptions {
  /**
   * JSONL (`.jsonl`, `.ndjson`, `.json`: one object per line) or CSV (`.csv`, with a header row)
   * files, read in order; when an event_id repeats, the first occurrence wins.
   */
  readonly files: readonly string[];
  /** Lake root: `audit_events/`, `quarantine/`, `digests/` and a short-lived `.staging/` go under it. */
  readonly lakeDir: string;
  /** Reference time for rejecting events from the future. @default new Date() */
  readonly now?: Date;
  /** Called as input is read, with the bytes read so far across all files and their total size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Who checks JSON Lines: `duckdb` lets DuckDB read and check the lines it can vouch for and hands
   * the rest to JavaScript; `js` checks every line in JavaScript. Both give the same lake,
   * quarantine and report. @default 'duckdb'
   */
  readonly engine?: 'duckdb' | 'js';
}

export interface IngestReport {
  /** Records read (blank lines and CSV headers are not records); always accepted + quarantined + duplicates. */
  readonly received: number;
  /** Events written to the lake. */
  readonly accepted: number;
  /** Records written to the quarantine file. */
  readonly quarantined: number;
  /** Valid events whose event_id was seen earlier in this ingest or is already in its `dt` partition. */
  readonly duplicates: number;
  /** Input files read. */
  readonly files: number;
  /** `dt` partitions that received a file, sorted. */
  readonly partitions: string[];
  /** Present when something was quarantined. */
  readonly quarantineFile?: string;
  /** The digest listing the files written, chained to the lake's previous one; present when files were written. */
  readonly digestFile?: string;
  /** Quarantined records per kind of reason, e.g. `{ "event_time has no Z or offset": 3 }`. */
  readonly reasons: Record<string, number>;
}

/**
 * Longest line (JSONL) or record (CSV) read whole. Every field is capped at 64 Ki characters, so a
 * longer record could never be valid; the cap keeps one runaway line from filling memory.
 */
export const MAX_RECORD_BYTES = 8 * 1024 * 1024;

const STAGING_DIR = '.staging';

export async function ingestFiles(options: IngestOptions): Promise<IngestReport> {
  const now = options.now ?? new Date();
  // DuckDB reads these as glob patterns in the partition paths it is given.
  if (/[*?[\]{}]/.test(resolve(options.lakeDir))) {
    throw new ConfigError(`lake directory ${resolve(options.lakeDir)} must not contain * ? [ ] { }`);
  }
  const inputs = await checkInputFiles(options.files, MAX_RECORD_BYTES);
  const totalBytes = inputs.reduce((sum, input) => sum + input.bytes, 0);
  const run = `${compactTime(new Date())}-${randomBytes(4).toString('hex')}`;
  const stagingRoot = join(options.lakeDir, STAGING_DIR);
  const stagingDir = join(stagingRoot, `ingest-${run}`);
  const quarantine = new QuarantineWriter(join(options.lakeDir, 'quarantine', `ingest-${run}.jsonl`));
  const reasons: Record<string, number> = {};
  let received = 0;
  let bytesRead = 0;
  let staging: EventStaging | undefined;
  // Once events are in the lake their quarantined siblings stay too, whatever fails after.
  let published = false;
  try {
    const events = await writeFailure(options.lakeDir, async () => {
      await mkdir(stagingDir, { recursive: true });
      return EventStaging.open(stagingDir);
    });
    staging = events;
    // Orders events across files: a file has at most bytes + 1 lines, so seqBase + line never collides.
    let seqBase = 0;
    for (const input of inputs) {
      const base = seqBase;
      seqBase += input.bytes + 1;
      const emit = (item: InputItem) => {
        received++;
        const result = item.kind === 'record' ? validateEvent(item.values, { now }) : item;
        if ('event' in result) {
          events.append(result.event, base + item.line);
          return;
        }
        const kind = reasonKind(result.reason);
        reasons[kind] = (reasons[kind] ?? 0) + 1;
        quarantine.write({
          file: input.path,
          line: item.line,
          field: result.field,
          reason: result.reason,
          raw: item.raw,
        });
      };
      const before = bytesRead;
      const onBytes = (bytes: number) => {
        bytesRead += bytes;
        options.onProgress?.(bytesRead, totalBytes);
      };
      const fast =
        options.engine !== 'js' && input.format === 'jsonl'
          ? await writeFailure(options.lakeDir, () =>
              events.stageJsonl(input.path, { seqBase: base, now, onBytes }),
            )
          : undefined;
      if (fast) {
        received += fast.accepted;
        const judge = createFallbackParser(input.path, MAX_RECORD_BYTES, emit);
        for await (const page of fast.fallback) {
          for (const { line, text } of page) judge(line, text);
          await quarantine.drain();
        }
        continue;
      }
      // The fast path may have read part of the file before handing all of it to JavaScript.
      bytesRead = before;
      await readInputFile(input, {
        maxRecordBytes: MAX_RECORD_BYTES,
        emit,
        onBytes,
        afterBatch: () => quarantine.drain(),
      });
    }
    const quarantineFile = await quarantine.close();
    const written = await writeFailure(options.lakeDir, () => events.publish(options.lakeDir, `part-${run}`));
    published = true;
    const digest = written.files.length > 0 ? await digestFailure(options.lakeDir, written.files) : undefined;
    return {
      received,
      accepted: written.accepted,
      quarantined: quarantine.written,
      duplicates: events.appended - written.accepted,
      files: inputs.length,
      partitions: written.partitions,
      ...(quarantineFile ? { quarantineFile } : {}),
      ...(digest ? { digestFile: join(options.lakeDir, digest.path) } : {}),
      reasons,
    };
  } catch (error) {
    if (!published) await quarantine.discard();
    throw error;
  } finally {
    staging?.close();
    await rm(stagingDir, { recursive: true, force: true });
    // Shared by concurrent ingests: removed only when empty.
    await rmdir(stagingRoot).catch(() => undefined);
  }
}

/** Storage failures become one line naming the lake; the engine's error stays as the cause. */
async function writeFailure<T>(lakeDir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuditlakeError) throw error;
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AuditlakeError(`could not write events to the lake at ${lakeDir}: ${message}`, {
      cause: error,
    });
  }
}

/** The events are in the lake by now: say so, so the person knows verify will call them unlisted. */
async function digestFailure(lakeDir: string, files: readonly string[]) {
  try {
    return await writeIngestDigest(lakeDir, files);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new AuditlakeError(
      `wrote ${files.length} files to the lake at ${lakeDir} but not their digest (auditlake verify will report them): ${message}`,
      { cause: error },
    );
  }
}

/** `20260301T013000Z`: sortable and safe in file names. */
function compactTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
