/**
 * Writes rejected lines to `<lake>/quarantine/ingest-<timestamp>-<random>.jsonl`, one
 * `{ file, line, field, reason, raw }` object per line. The file is created on the first rejection
 * (a clean ingest leaves none) and never replaces an existing one.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AuditlakeError } from '../core/errors.ts';

export interface QuarantineEntry {
  /** The input file as it was named to ingest. */
  readonly file: string;
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  /** The original line (record) text; bytes that are not UTF-8 show as U+FFFD. */
  readonly raw: string;
}

export class QuarantineWriter {
  private stream: WriteStream | undefined;
  private failure: Error | undefined;
  private needsDrain = false;
  private count = 0;
  private created = false;

  constructor(readonly path: string) {}

  /** Number of entries written. */
  get written(): number {
    return this.count;
  }

  /** Queues one entry; synchronous so parsers can call it mid-line. Call `drain` between batches. */
  write(entry: QuarantineEntry): void {
    if (!this.stream) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.stream = createWriteStream(this.path, { flags: 'wx' });
      this.stream.on('open', () => {
        this.created = true;
      });
      this.stream.on('error', (error) => {
        this.failure ??= new AuditlakeError(
          `could not write the quarantine file ${this.path}: ${error.message}`,
          {
            cause: error,
          },
        );
      });
    }
    this.count++;
    const { file, line, field, reason, raw } = entry;
    if (!this.stream.write(`${JSON.stringify({ file, line, field, reason, raw })}\n`)) this.needsDrain = true;
  }

  /** Waits until buffered entries are handed to the OS: call between batches to bound memory. */
  async drain(): Promise<void> {
    this.throwIfFailed();
    if (!this.needsDrain || !this.stream) return;
    this.needsDrain = false;
    // `once` rejects when the stream fails instead; the failure is then reported as ours.
    await once(this.stream, 'drain').catch(() => undefined);
    this.throwIfFailed();
  }

  /** Finishes the file; returns its path, or undefined when nothing was quarantined. */
  async close(): Promise<string | undefined> {
    const stream = this.stream;
    if (!stream) return undefined;
    if (!stream.closed) {
      stream.end();
      await once(stream, 'close').catch(() => undefined);
    }
    this.throwIfFailed();
    return this.path;
  }

  /** Removes the file: the ingest failed and its counts will never be reported. */
  async discard(): Promise<void> {
    const stream = this.stream;
    if (!stream) return;
    if (!stream.closed) {
      stream.destroy();
      await once(stream, 'close').catch(() => undefined);
    }
    // Only a file this writer created: `wx` may have failed because another one exists.
    if (this.created) await rm(this.path, { force: true });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
