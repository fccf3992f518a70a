/**
 * RFC 4180 CSV, one record at a time. csv-parse is the usual choice, but its streaming parser
 * recovers from a bad quote by swallowing the following good rows into the broken record, and its
 * sync parser costs ~60 µs per call; ingest needs "one bad row costs one row" at millions of rows.
 * So records are framed here (a record ends at a newline once its quotes balance) and split by a
 * strict splitter. A framed record that does not split, or has the wrong number of fields, when it
 * spans several lines is taken as a stray quote on its first line: that line is rejected and the
 * lines after it are read again, so good rows behind a stray quote are not lost.
 */
import { decodeLenient, decodeStrict, type PhysicalLine } from './line-reader.ts';

export type CsvSplit =
  | { readonly ok: true; readonly fields: string[] }
  | { readonly ok: false; readonly reason: string };

const QUOTE = 0x22;
const COMMA = 0x2c;

/** Splits one record's text into fields: `,` separates, `"…"` quotes, `""` is a quote inside quotes. */
export function splitCsvRecord(text: string): CsvSplit {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === QUOTE) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0) return { ok: false, reason: 'row has an unclosed quoted field' };
        if (text.charCodeAt(close + 1) === QUOTE) {
          value += text.slice(from, close + 1);
          from = close + 2;
          continue;
        }
        value += text.slice(from, close);
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return { ok: true, fields };
      if (text.charCodeAt(i) !== COMMA) {
        return { ok: false, reason: 'row is not valid CSV: a closing quote must be followed by a comma' };
      }
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      const value = text.slice(i, end);
      if (value.includes('"'))
        return { ok: false, reason: 'row is not valid CSV: a quote inside an unquoted field' };
      fields.push(value);
      if (comma < 0) return { ok: true, fields };
      i = comma + 1;
    }
  }
}

export type FramedCsv =
  | { readonly kind: 'record'; readonly line: number; readonly fields: string[]; readonly raw: string }
  | { readonly kind: 'rejected'; readonly line: number; readonly reason: string; readonly raw: string };

export interface CsvFramerOptions {
  /** Longest record; a quote left open longer than this is a stray quote. */
  readonly maxRecordBytes: number;
  readonly emit: (item: FramedCsv) => void;
}

export class CsvRecordFramer {
  /** Fields every record must have; set once the header is known. */
  expectedFields: number | undefined;
  private pending: PhysicalLine[] = [];
  private pendingBytes = 0;
  private pendingQuotes = 0;

  constructor(private readonly options: CsvFramerOptions) {}

  push(line: PhysicalLine): void {
    // A stack of lines still to read (last read first), so rejected records can give lines back.
    const work = [line];
    for (let next = work.pop(); next !== undefined; next = work.pop()) {
      if (next.overlong) {
        if (this.pending.length > 0) {
          work.push(next, ...this.rejectPending().reverse());
          continue;
        }
        this.reject(
          next,
          `line is longer than ${this.options.maxRecordBytes} bytes (kept its first ${next.bytes.length})`,
        );
        continue;
      }
      if (this.pending.length === 0 && isBlank(next.bytes)) continue;
      this.pending.push(next);
      this.pendingBytes += next.bytes.length + 1;
      this.pendingQuotes += countQuotes(next.bytes);
      if (this.pendingQuotes % 2 === 1) {
        if (this.pendingBytes > this.options.maxRecordBytes) work.push(...this.rejectPending().reverse());
        continue;
      }
      const lines = this.pending;
      this.reset();
      const retry = this.frame(lines);
      work.push(...retry.reverse());
    }
  }

  /** Call at end of input: a quote still open there is a stray quote. */
  end(): void {
    while (this.pending.length > 0) {
      for (const line of this.rejectPending()) this.push(line);
    }
  }

  /** Emits a complete record (quotes balanced); returns lines to read again when it is broken. */
  private frame(lines: PhysicalLine[]): PhysicalLine[] {
    const first = lines[0] as PhysicalLine;
    const bytes = lines.length === 1 ? first.bytes : Buffer.concat(joinLines(lines));
    const text = decodeStrict(bytes);
    let problem: string;
    if (text === undefined) {
      problem = 'line is not valid UTF-8';
    } else {
      const split = splitCsvRecord(text);
      if (split.ok && (this.expectedFields === undefined || split.fields.length === this.expectedFields)) {
        this.options.emit({ kind: 'record', line: first.number, fields: split.fields, raw: text });
        return [];
      }
      problem = split.ok
        ? `row has the wrong number of fields (${split.fields.length}, the header has ${this.expectedFields})`
        : split.reason;
    }
    if (lines.length === 1) {
      this.options.emit({ kind: 'rejected', line: first.number, reason: problem, raw: decodeLenient(bytes) });
      return [];
    }
    this.reject(first, 'row has an unclosed quoted field');
    return lines.slice(1);
  }

  private rejectPending(): PhysicalLine[] {
    const [first, ...rest] = this.pending;
    this.reset();
    if (first) this.reject(first, 'row has an unclosed quoted field');
    return rest;
  }

  private reject(line: PhysicalLine, reason: string): void {
    this.options.emit({ kind: 'rejected', line: line.number, reason, raw: decodeLenient(line.bytes) });
  }

  private reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.pendingQuotes = 0;
  }
}

function countQuotes(bytes: Buffer): number {
  // UTF-8 continuation bytes are never 0x22, so counting bytes counts quote characters.
  let count = 0;
  for (let at = bytes.indexOf(QUOTE); at >= 0; at = bytes.indexOf(QUOTE, at + 1)) count++;
  return count;
}

function isBlank(bytes: Buffer): boolean {
  for (const byte of bytes) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  return true;
}

function joinLines(lines: readonly PhysicalLine[]): Buffer[] {
  const newline = Buffer.from('\n');
  return lines.flatMap((line, index) => (index === 0 ? [line.bytes] : [newline, line.bytes]));
}
