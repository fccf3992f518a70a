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
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (error) {
      const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
      reject(`line is not valid JSON${position ? ` (at character ${position[1]})` : ''}`, text);
      return;
    }
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      reject(
        `line is not a JSON object (got ${Array.isArray(values) ? 'array' : values === null ? 'null' : typeof values})`,
        text,
      );
      return;
    }
    emit({ kind: 'record', line: line.number, values: values as Record<string, unknown>, raw: text });
  }

  end(): void {}
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
        `line ${line}: header column ${JSON.stringify(name.slice(0, 40))} is not a column of ${AUDIT_EVENTS_TABLE} (known: ${KNOWN_COLUMNS.join(', ')})`,
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
