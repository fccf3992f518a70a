/**
 * Turns raw lines of a JSONL or CSV file into candidate events (field name → value) or rejected
 * lines. Everything wrong with one line is a rejection; only a file that cannot be events at all
 * (a CSV header naming unknown columns, a JSON array instead of JSON Lines) is an `InputFileError`.
 */
import {
  AUDIT_EVENT_COLUMNS,
  AUDIT_EVENT_PARTITION,
  AUDIT_EVENTS_TABLE,
  RECORD_FIELD,
} from '../core/audit-event.ts';
import { AuditlakeError } from '../core/errors.ts';
import { CsvRecordFramer } from './csv-record.ts';
import { decodeLenient, decodeStrict, type PhysicalLine } from './line-reader.ts';

/** An input file cannot be ingested at all; nothing was written. */
export class InputFileError extends AuditlakeError {
  override readonly name = 'InputFileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

export type InputFormat = 'jsonl' | 'csv';

const FORMATS: Readonly<Record<string, InputFormat>> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.json': 'jsonl',
  '.csv': 'csv',
};

/** The format a file's extension names, or undefined when it is not one ingest reads. */
export function inputFormatOf(file: string): InputFormat | undefined {
  const match = /\.[^./\\]+$/.exec(file);
  return match ? FORMATS[match[0].toLowerCase()] : undefined;
}

export const SUPPORTED_EXTENSIONS = Object.keys(FORMATS);

export type InputItem =
  | {
      readonly kind: 'record';
      readonly line: number;
      readonly values: Readonly<Record<string, unknown>>;
      readonly raw: string;
    }
  | {
      readonly kind: 'rejected';
      readonly line: number;
      readonly field: string;
      readonly reason: string;
      readonly raw: string;
    };

export interface RecordParser {
  push(line: PhysicalLine): void;
  end(): void;
  /** The file's shape is known (CSV header read, first JSON line seen): what a pre-flight check needs. */
  readonly started: boolean;
}

export interface RecordParserOptions {
  readonly file: string;
  /** Longest line (JSONL) or record (CSV) kept whole. */
  readonly maxRecordBytes: number;
  readonly emit: (item: InputItem) => void;
}

export function createRecordParser(format: InputFormat, options: RecordParserOptions): RecordParser {
  return format === 'csv' ? new CsvParser(options) : new JsonlParser(options);
}

class JsonlParser implements RecordParser {
  started = false;

  constructor(private readonly options: RecordParserOptions) {}

  push(line: PhysicalLine): void {
    const { emit, file } = this.options;
    const reject = (reason: string, raw: string) =>
      emit({ kind: 'rejected', line: line.number, field: RECORD_FIELD, reason, raw });
    if (line.overlong) {
      this.started = true;
      reject(
        `line is longer than ${this.options.maxRecordBytes} bytes (kept its first ${line.bytes.length})`,
        decodeLenient(line.bytes),
      );
      return;
    }
    const text = decodeStrict(line.bytes);
    if (text === undefined) {
      this.started = true;
      reject('line is not valid UTF-8', decodeLenient(line.bytes));
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') return;
    if (!this.started) {
      this.started = true;
      if (trimmed === '{' || trimmed.startsWith('[')) {
        throw new InputFileError(
          file,
          `line ${line.number}: looks like a JSON document; expected JSON Lines (one event object per line)`,
        );
      }
    }
    const parsed = parseJsonRecord(text);
    if ('reason' in parsed) {
      emit({ kind: 'rejected', line: line.number, field: parsed.field, reason: parsed.reason, raw: text });
      return;
    }
    emit({ kind: 'record', line: line.number, values: parsed.values, raw: text });
  }

  end(): void {}
}

/**
 * One JSON text as a record, or why it is not one: not JSON, not an object, or an object that
 * names a field twice. Shared by `auditlake ingest` (per line) and the stream validator (per
 * Firehose record), so both paths reject the same input with the same reason.
 */
export function parseJsonRecord(
  text: string,
): { readonly values: Record<string, unknown> } | { readonly field: string; readonly reason: string } {
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    return {
      field: RECORD_FIELD,
      reason: `line is not valid JSON${position ? ` (at character ${position[1]})` : ''}`,
    };
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    const got = Array.isArray(values) ? 'array' : values === null ? 'null' : typeof values;
    return { field: RECORD_FIELD, reason: `line is not a JSON object (got ${got})` };
  }
  const repeated = repeatedTopLevelKey(text, Object.keys(values).length);
  if (repeated !== undefined) {
    // JSON.parse keeps the last value without a word; other readers of the same line keep the
    // first, so which actor or time the source meant is unknown. A name outside the contract is
    // quoted (and so left out of the report's reason counts) like any other value from the input.
    const name = KNOWN_COLUMNS.includes(repeated) ? repeated : printable(repeated);
    return { field: repeated, reason: `field ${name} appears more than once in the object` };
  }
  return { values: values as Record<string, unknown> };
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;

/**
 * The first field named twice at the top level of `text`, the JSON text of an object that has
 * `keyCount` distinct keys. A key is followed by a colon, and a colon outside strings at depth 1
 * only follows a key, so counting those colons is a cheap check; names are decoded only when the
 * count shows a repeat.
 */
export function repeatedTopLevelKey(text: string, keyCount: number): string | undefined {
  if (topLevelColons(text) === keyCount) return undefined;
  const seen = new Set<string>();
  let repeated: string | undefined;
  let lastString = -1;
  scanTopLevel(text, (at, stringStart) => {
    if (stringStart !== undefined) lastString = stringStart;
    else if (repeated === undefined && text.charCodeAt(at) === COLON) {
      const name = JSON.parse(text.slice(lastString, at).trimEnd()) as string;
      if (seen.has(name)) repeated = name;
      seen.add(name);
    }
  });
  return repeated;
}

/** The same walk as `scanTopLevel`, inlined: it runs for every line. */
function topLevelColons(text: string): number {
  let depth = 0;
  let colons = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) i = closingQuote(text, i);
    else if (code === 0x7b || code === 0x5b) depth++;
    else if (code === 0x7d || code === 0x5d) depth--;
    else if (code === COLON && depth === 1) colons++;
  }
  return colons;
}

/** Index of the quote that closes the string opened at `open` (text.length if none). */
function closingQuote(text: string, open: number): number {
  // indexOf jumps through the string natively; a quote after an odd run of backslashes is escaped.
  for (let at = text.indexOf('"', open + 1); at >= 0; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
  return text.length;
}

/** Calls `visit` for each character outside strings at depth 1, and with `stringStart` after each string there. */
function scanTopLevel(text: string, visit: (at: number, stringStart?: number) => void): void {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) {
      const start = i;
      i = closingQuote(text, i);
      if (depth === 1) visit(i, start);
    } else if (code === 0x7b || code === 0x5b) depth++;
    else if (code === 0x7d || code === 0x5d) depth--;
    else if (depth === 1) visit(i);
  }
}

const KNOWN_COLUMNS: readonly string[] = [
  ...AUDIT_EVENT_COLUMNS.map((column) => column.name),
  AUDIT_EVENT_PARTITION.name,
];
const REQUIRED_COLUMNS = AUDIT_EVENT_COLUMNS.filter(
  (column) => !column.nullable && column.name !== 'record_count',
).map((column) => column.name);

class CsvParser implements RecordParser {
  private header: readonly string[] | undefined;
  private readonly framer: CsvRecordFramer;

  constructor(options: RecordParserOptions) {
    this.framer = new CsvRecordFramer({
      maxRecordBytes: options.maxRecordBytes,
      emit: (item) => {
        if (!this.header) {
          if (item.kind === 'rejected')
            throw new InputFileError(options.file, `line ${item.line}: header: ${item.reason}`);
          this.header = checkHeader(options.file, item.line, item.fields);
          this.framer.expectedFields = this.header.length;
        } else if (item.kind === 'rejected') {
          options.emit({ ...item, field: RECORD_FIELD });
        } else {
          const header = this.header;
          const values = Object.fromEntries(
            item.fields.map((value, index) => [header[index] as string, value]),
          );
          options.emit({ kind: 'record', line: item.line, values, raw: item.raw });
        }
      },
    });
  }

  get started(): boolean {
    return this.header !== undefined;
  }

  push(line: PhysicalLine): void {
    this.framer.push(line);
  }

  end(): void {
    this.framer.end();
  }
}

function checkHeader(file: string, line: number, fields: readonly string[]): string[] {
  const names = fields.map((field) => field.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (!KNOWN_COLUMNS.includes(name)) {
      throw new InputFileError(
        file,
        `line ${line}: header column ${printable(name)} is not a column of ${AUDIT_EVENTS_TABLE} (known: ${KNOWN_COLUMNS.join(', ')})`,
      );
    }
    if (seen.has(name)) throw new InputFileError(file, `line ${line}: header names column ${name} twice`);
    seen.add(name);
  }
  const missing = REQUIRED_COLUMNS.filter((name) => !seen.has(name));
  if (missing.length > 0) {
    throw new InputFileError(file, `line ${line}: header has no ${missing.join(', ')} column (required)`);
  }
  return names;
}

/**
 * A name from the input, quoted for a message the CLI prints to a terminal: at most 40 characters,
 * JSON escapes C0 controls such as ESC, and DEL and C1 controls (U+009B starts an escape sequence
 * on some terminals) are escaped the same way.
 */
function printable(text: string): string {
  const chars = Array.from(text);
  const shown = chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : text;
  return JSON.stringify(shown).replace(
    /[\u007f-\u009f]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
