/**
 * The DuckDB fast path for JSON Lines: DuckDB reads the file as one VARCHAR per line (vectorized,
 * on every core), and SQL accepts the lines whose every field is in a plain, common form and
 * within the contract — the same event `validateEvent` would return, value for value. It is
 * deliberately conservative: any line it is unsure of (an escape sequence, a repeated key, a
 * string given as a number, an offset instead of `Z`, `details` other than null, a leading space
 * in a required field …) is handed back, by line number, to the JavaScript path, which decides
 * (accepts, or quarantines with its reason). A file DuckDB cannot split into lines exactly (bytes
 * that are not UTF-8, a carriage return, the delimiter byte, a very long line) is read by the
 * JavaScript path as a whole. The SQL here is built from the contract's constants only; event
 * data reaches it as table rows and `now` as a bound parameter, never as SQL text.
 */
import { createReadStream } from 'node:fs';
import {
  ACTIONS,
  ACTOR_TYPES,
  AUDIT_EVENT_COLUMNS,
  AUDIT_EVENT_PARTITION,
  type AuditEvent,
  EARLIEST_EVENT_TIME,
  MAX_CLOCK_SKEW_MS,
  MAX_FIELD_LENGTH,
  OUTCOMES,
} from '../core/audit-event.ts';
import { createRecordParser, type InputItem } from './input-records.ts';

/**
 * Longest line the fast path reads. A UTF-8 byte count is never below the UTF-16 length, so every
 * field of a shorter line is within `MAX_FIELD_LENGTH`; longer lines go to JavaScript, and DuckDB
 * refuses (and the whole file goes to JavaScript) past `MAX_DUCKDB_LINE_BYTES`.
 */
export const MAX_FAST_LINE_BYTES = MAX_FIELD_LENGTH - 1024;
export const MAX_DUCKDB_LINE_BYTES = 1024 * 1024;

type FieldName = keyof AuditEvent | typeof AUDIT_EVENT_PARTITION.name;
const FIELDS: readonly FieldName[] = [
  ...AUDIT_EVENT_COLUMNS.map((column) => column.name),
  AUDIT_EVENT_PARTITION.name,
];

/**
 * `read_csv` options that make each physical line one VARCHAR: U+0001 as the delimiter (JSON text
 * cannot contain it unescaped), no quoting or escaping, no header, `\n` only (a `\r` anywhere is an
 * error under strict mode, so CRLF files take the JavaScript path, which strips it), nothing
 * sniffed or skipped. An empty line is NULL; every line, blank or not, is one row, in file order.
 */
export function readLinesSql(path: string): string {
  return `read_csv(${sqlString(path)}, columns = {'line': 'VARCHAR'}, delim = chr(1), quote = '', escape = '',
    header = false, auto_detect = false, skip = 0, new_line = '\\n', strict_mode = true,
    ignore_errors = false, null_padding = false, compression = 'none', max_line_size = ${MAX_DUCKDB_LINE_BYTES})`;
}

/**
 * The event_time forms handled here: UTC (`Z`), `T`, seconds, up to 6 fraction digits (DuckDB
 * keeps microseconds exactly, and milliseconds are then truncated as `validateEvent` does).
 */
export const FAST_EVENT_TIME = '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\\.[0-9]{1,6})?Z';
/** Whole numbers of at most 15 digits are below 2^53, so JavaScript reads them exactly. */
const FAST_COUNT = '[0-9]{1,15}';

const REQUIRED_TEXT = ['event_id', 'actor_id', 'resource_type', 'source_system'] as const;
const OPTIONAL_TEXT = ['resource_id', 'source_ip', 'device_id', 'destination', 'justification_id'] as const;
const ENUMS = { actor_type: ACTOR_TYPES, action: ACTIONS, outcome: OUTCOMES } as const;

/** `json_type` of the field's value ('VARCHAR', 'NULL', 'UBIGINT' …), SQL NULL when the key is absent. */
const type = (field: FieldName) => `ty_${field}`;
/** The field's value as text (a string unescaped, a number as written), SQL NULL when null or absent. */
const value = (field: FieldName) => `v_${field}`;
const isText = (field: FieldName) => `coalesce(${type(field)} = 'VARCHAR', false)`;
const isBlank = (field: FieldName) => `(${value(field)} IS NULL OR ${value(field)} = '')`;

/**
 * The query that judges the lines of `linesTable (line)`, whose rowid is the line's index in the
 * file. It returns the accepted lines only: their 1-based number `n` and the normalized event
 * with its `dt`. `$1` is `now` in epoch milliseconds.
 */
export function acceptedLinesSql(linesTable: string): string {
  const conditions = [
    // Every key is a known field and none repeats: keys counted with repeats equal the distinct
    // known fields present.
    `keys = ${FIELDS.map((f) => `(${type(f)} IS NOT NULL)::INTEGER`).join(' + ')}`,
    // Required text: a first character that is printable ASCII and not a space cannot be blank.
    ...REQUIRED_TEXT.map((f) => `(${isText(f)} AND ascii(${value(f)}) BETWEEN 33 AND 126)`),
    ...Object.entries(ENUMS).map(
      ([f, allowed]) =>
        `(${isText(f as FieldName)} AND ${value(f as FieldName)} IN (${allowed.map(sqlString).join(', ')}))`,
    ),
    ...OPTIONAL_TEXT.map((f) => `(${value(f)} IS NULL OR ${isText(f)})`),
    // A count given as digits in a string reads the same in validateEvent; blanks are null.
    ...(['record_count', 'bytes'] as const).map(
      (f) => `(${isBlank(f)} OR regexp_full_match(${value(f)}, ${sqlString(FAST_COUNT)}))`,
    ),
    isBlank('details'),
    // DuckDB's timestamp cast takes 24:00 as the next midnight; validateEvent does not.
    "ts IS NOT NULL AND t[12:13] <= '23' AND t[15:16] <= '59' AND t[18:19] <= '59'",
    `epoch_ms(ts) BETWEEN ${EARLIEST_EVENT_TIME} AND $1 + ${MAX_CLOCK_SKEW_MS}`,
    // With Z the date in the text is the UTC date.
    `(${isBlank('dt')} OR (${isText('dt')} AND ${value('dt')} = t[1:10]))`,
  ];
  const paths = `[${FIELDS.map((f) => sqlString(`$.${f}`)).join(', ')}]`;
  const struct = `{${FIELDS.map((f) => `"${f}":"VARCHAR"`).join(',')}}`;
  return `
    WITH screened AS (
      SELECT rowid + 1 AS n,
        -- Only lines that pass every cheap check and json_valid reach the JSON functions (which
        -- raise on malformed JSON), however the optimizer orders the filters above.
        CASE WHEN strlen(line) <= ${MAX_FAST_LINE_BYTES}
          -- No escape sequences: a string's JSON text is its value.
          AND NOT contains(line, chr(92))
          -- DuckDB's JSON reader allows a trailing comma, JSON.parse does not: take lines that end
          -- in a string, null or a digit right before the closing brace.
          AND (ends_with(line, '"}') OR ends_with(line, 'l}') OR regexp_full_match(right(line, 2), '[0-9]\\}'))
          -- DEL and C1 controls are valid JSON but no field may hold one; ASCII lines have no C1.
          AND NOT contains(line, chr(127))
          AND (strlen(line) = length(line) OR NOT regexp_matches(line, '[\\x{80}-\\x{9f}]'))
          AND json_valid(line) THEN line END AS line
      FROM ${linesTable} WHERE line IS NOT NULL
    ), parsed AS (
      SELECT n, len(json_keys(line)) AS keys, json_type(line, ${paths}) AS ty, from_json(line, ${sqlString(struct)}) AS v
      FROM screened WHERE line IS NOT NULL
    ), fields AS (
      SELECT n, keys, ${FIELDS.map((f, i) => `ty[${i + 1}] AS ${type(f)}, v.${f} AS ${value(f)}`).join(', ')}
      FROM parsed
    ), timed AS (
      SELECT *, CASE WHEN ${isText('event_time')} AND regexp_full_match(${value('event_time')}, ${sqlString(FAST_EVENT_TIME)})
                     THEN ${value('event_time')} END AS t
      FROM fields
    ), instants AS (
      SELECT *, TRY_CAST(t[1:-2] AS TIMESTAMP) AS ts FROM timed
    )
    SELECT n, ${REQUIRED_TEXT.map((f) => `${value(f)} AS ${f}`).join(', ')},
      ${Object.keys(ENUMS)
        .map((f) => `${value(f as FieldName)} AS ${f}`)
        .join(', ')},
      ${OPTIONAL_TEXT.map((f) => `nullif(${value(f)}, '') AS ${f}`).join(', ')},
      coalesce(TRY_CAST(nullif(${value('record_count')}, '') AS BIGINT), 1) AS record_count,
      TRY_CAST(nullif(${value('bytes')}, '') AS BIGINT) AS bytes,
      -- epoch_ms truncates to milliseconds; a cast to TIMESTAMP_MS would round.
      epoch_ms(epoch_ms(ts)) AS event_time, t[1:10] AS dt
    FROM instants
    WHERE ${conditions.join('\n      AND ')}`;
}

/** A SQL string literal; used for file paths and the contract's own constants only. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Whether DuckDB reads `path` as the same plain file Node does: it expands glob characters, a
 * leading `~` and URL schemes itself, so such paths take the JavaScript path.
 */
export function isPlainFilePath(path: string): boolean {
  return !/[*?[\]{}]/.test(path) && !path.startsWith('~') && !path.includes('://');
}

/**
 * Lines in a file as `readLines` numbers them: one per `\n`, plus a last line without one. Only
 * bytes are scanned, nothing decoded; it checks that DuckDB saw every line, so the numbers it
 * gives lines are the ones quarantine entries need. `onBytes` hears of each chunk read, for progress.
 */
export async function countLines(path: string, onBytes?: (bytes: number) => void): Promise<number> {
  let lines = 0;
  let last = -1;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    onBytes?.(chunk.length);
    for (let at = chunk.indexOf(0x0a); at >= 0; at = chunk.indexOf(0x0a, at + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] ?? -1;
  }
  return last !== -1 && last !== 0x0a ? lines + 1 : lines;
}

/**
 * Judges the lines the fast path handed back, one at a time and in order, exactly as reading the
 * whole file in JavaScript would: the same parser, so the same reasons. Lines DuckDB read are
 * valid UTF-8, so re-encoding the text gives back the file's bytes.
 */
export function createFallbackParser(
  file: string,
  maxRecordBytes: number,
  emit: (item: InputItem) => void,
): (line: number, text: string) => void {
  let priming = true;
  const parser = createRecordParser('jsonl', {
    file,
    maxRecordBytes,
    emit: (item) => {
      if (!priming) emit(item);
    },
  });
  // The parser refuses a first line that looks like a JSON document; the pre-flight check already
  // did that for this file's real first line, so a later line must not be taken for the first.
  parser.push({ number: 0, bytes: Buffer.from('{}'), overlong: false });
  priming = false;
  return (line, text) => parser.push({ number: line, bytes: Buffer.from(text, 'utf8'), overlong: false });
}
