/**
 * The audit event contract: one row of `audit_events` per audited action. The column list here is
 * the single source of truth for the Parquet files ingest writes, the DuckDB views and the Glue
 * table; `validateEvent` is the only gate between raw input and the lake. Pure: no I/O.
 */
import { toDt } from './windows.ts';

export const AUDIT_EVENTS_TABLE = 'audit_events';

export const ACTIONS = [
  'login',
  'logout',
  'login_failed',
  'read',
  'search',
  'list',
  'export',
  'download',
  'print',
  'copy',
  'send',
  'upload',
  'create',
  'update',
  'delete',
  'grant',
  'revoke',
  'config_change',
  'device_connect',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Actions that move data out of the system it lives in. */
export const EXPORT_ACTIONS = [
  'export',
  'download',
  'print',
  'copy',
  'send',
  'upload',
] as const satisfies readonly Action[];
export type ExportAction = (typeof EXPORT_ACTIONS)[number];

export const ACTOR_TYPES = ['human', 'service'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface AuditEvent {
  readonly event_id: string;
  /** Epoch milliseconds, UTC. */
  readonly event_time: number;
  readonly actor_id: string;
  readonly actor_type: ActorType;
  readonly action: Action;
  readonly resource_type: string;
  readonly resource_id: string | null;
  readonly record_count: number;
  readonly bytes: number | null;
  readonly source_system: string;
  readonly source_ip: string | null;
  readonly device_id: string | null;
  readonly destination: string | null;
  readonly outcome: Outcome;
  readonly justification_id: string | null;
  /** JSON text of a JSON object. */
  readonly details: string | null;
}

/** Engine-neutral column types: `varchar` is Glue/Athena `string`; `timestamp` is millisecond UTC wall-clock. */
export type AuditColumnType = 'varchar' | 'bigint' | 'timestamp';

export interface AuditEventColumn {
  readonly name: keyof AuditEvent;
  readonly type: AuditColumnType;
  readonly nullable: boolean;
  readonly description: string;
}

/** The columns stored in every Parquet file, in file order. `dt` is not among them: it is the partition. */
export const AUDIT_EVENT_COLUMNS: readonly AuditEventColumn[] = [
  { name: 'event_id', type: 'varchar', nullable: false, description: 'unique id of the event' },
  { name: 'event_time', type: 'timestamp', nullable: false, description: 'when it happened (UTC, ms)' },
  { name: 'actor_id', type: 'varchar', nullable: false, description: 'employee or service principal' },
  { name: 'actor_type', type: 'varchar', nullable: false, description: 'human or service' },
  { name: 'action', type: 'varchar', nullable: false, description: 'what was done; one of ACTIONS' },
  { name: 'resource_type', type: 'varchar', nullable: false, description: 'kind of thing acted on' },
  { name: 'resource_id', type: 'varchar', nullable: true, description: 'the thing acted on' },
  { name: 'record_count', type: 'bigint', nullable: false, description: 'records touched; default 1' },
  { name: 'bytes', type: 'bigint', nullable: true, description: 'bytes moved' },
  { name: 'source_system', type: 'varchar', nullable: false, description: 'system that logged the event' },
  { name: 'source_ip', type: 'varchar', nullable: true, description: 'client address' },
  { name: 'device_id', type: 'varchar', nullable: true, description: 'host or PC' },
  { name: 'destination', type: 'varchar', nullable: true, description: 'where data went' },
  { name: 'outcome', type: 'varchar', nullable: false, description: 'success, failure or denied' },
  {
    name: 'justification_id',
    type: 'varchar',
    nullable: true,
    description: 'ticket or case the access was for',
  },
  { name: 'details', type: 'varchar', nullable: true, description: 'JSON text of anything else' },
];

/** The hive partition column of `audit_events`: the UTC date of `event_time`. */
export const AUDIT_EVENT_PARTITION = {
  name: 'dt',
  type: 'varchar',
  nullable: false,
  description: 'YYYY-MM-DD of event_time in UTC',
} as const;

/** Longest string any field may hold, in UTF-16 code units (JavaScript string length). */
export const MAX_FIELD_LENGTH = 65_536;

export const EARLIEST_EVENT_TIME = Date.UTC(2000, 0, 1);
/** How far past `now` an event may claim to be, to absorb clock skew between sources. */
export const MAX_CLOCK_SKEW_MS = 86_400_000;

export type EventValidation =
  | { readonly ok: true; readonly event: AuditEvent }
  | { readonly ok: false; readonly field: string; readonly reason: string };

/** Names whole-record problems (not an object, not parseable) in `field`, where no column is at fault. */
export const RECORD_FIELD = '(record)';

/** The partition (`dt`) an event time belongs to. */
export function dtOf(eventTime: number): string {
  return toDt(new Date(eventTime));
}

/**
 * Checks one raw event (a parsed JSON object, or a CSV row keyed by header) against the contract
 * and normalizes it. Unknown fields are rejected rather than dropped so nothing is silently lost.
 * An input `dt` is accepted only when it equals the UTC date of `event_time`, so lake exports can
 * be ingested again.
 */
export function validateEvent(raw: unknown, options: { readonly now: Date }): EventValidation {
  try {
    return { ok: true, event: toEvent(raw, options.now) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, field: error.field, reason: error.message };
    throw error;
  }
}

/**
 * The kind of a rejection reason, for counting: the instance-specific parts (quoted values and a
 * trailing parenthetical) are dropped, so `action must be one of … (got "x")` counts with every
 * other bad action.
 */
export function reasonKind(reason: string): string {
  return reason
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/ \([^()]*\)$/, '')
    .trim();
}

class Rejection extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const COLUMN_NAMES = new Set<string>([
  ...AUDIT_EVENT_COLUMNS.map((column) => column.name),
  AUDIT_EVENT_PARTITION.name,
]);

function toEvent(raw: unknown, now: Date): AuditEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new Rejection(RECORD_FIELD, `event is not a JSON object (got ${describeType(raw)})`);
  }
  const record = raw as Readonly<Record<string, unknown>>;
  for (const name of Object.keys(record)) {
    if (!COLUMN_NAMES.has(name)) {
      throw new Rejection(name, `unknown field ${quote(name)} (not a column of ${AUDIT_EVENTS_TABLE})`);
    }
  }
  const eventTime = parseEventTime(requiredString(record, 'event_time'), now);
  const event: AuditEvent = {
    event_id: requiredString(record, 'event_id'),
    event_time: eventTime,
    actor_id: requiredString(record, 'actor_id'),
    actor_type: oneOf(record, 'actor_type', ACTOR_TYPES),
    action: oneOf(record, 'action', ACTIONS),
    resource_type: requiredString(record, 'resource_type'),
    resource_id: optionalString(record, 'resource_id'),
    record_count: count(record, 'record_count') ?? 1,
    bytes: count(record, 'bytes'),
    source_system: requiredString(record, 'source_system'),
    source_ip: optionalString(record, 'source_ip'),
    device_id: optionalString(record, 'device_id'),
    destination: optionalString(record, 'destination'),
    outcome: oneOf(record, 'outcome', OUTCOMES),
    justification_id: optionalString(record, 'justification_id'),
    details: details(record),
  };
  const dt = optionalString(record, 'dt');
  if (dt !== null && dt !== dtOf(eventTime)) {
    throw new Rejection(
      'dt',
      `dt must equal the UTC date of event_time, ${dtOf(eventTime)} (got ${quote(dt)})`,
    );
  }
  return event;
}

/** Absent, null and '' are all "no value" (CSV cannot tell them apart). */
function isBlank(value: unknown): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

function requiredString(record: Readonly<Record<string, unknown>>, field: string): string {
  const value = record[field];
  if (isBlank(value) || (typeof value === 'string' && value.trim() === '')) {
    throw new Rejection(field, `${field} is required (a non-empty string)`);
  }
  return checkedString(field, value);
}

function optionalString(record: Readonly<Record<string, unknown>>, field: string): string | null {
  const value = record[field];
  return isBlank(value) ? null : checkedString(field, value);
}

// Every Unicode control character (C0, DEL, C1). C1 ones matter as much as ESC: some terminals
// read U+009B as the start of an escape sequence, and the finding table prints actor ids.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: details may hold tab, LF and CR (JSON whitespace).
const CONTROL_IN_DETAILS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// With the u flag this matches only surrogates that are not part of a pair.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

function checkedString(field: string, value: unknown, control: RegExp = CONTROL): string {
  if (typeof value !== 'string')
    throw new Rejection(field, `${field} must be a string (got ${describeType(value)})`);
  if (value.length > MAX_FIELD_LENGTH) {
    throw new Rejection(field, `field ${field} is longer than ${MAX_FIELD_LENGTH} characters`);
  }
  const bad = control.exec(value);
  if (bad) {
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new Rejection(field, `${field} contains a control character (U+${code})`);
  }
  if (LONE_SURROGATE.test(value))
    throw new Rejection(field, `${field} contains an unpaired UTF-16 surrogate`);
  return value;
}

function oneOf<T extends string>(
  record: Readonly<Record<string, unknown>>,
  field: string,
  allowed: readonly T[],
): T {
  const value = requiredString(record, field);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Rejection(field, `${field} must be one of ${allowed.join(', ')} (got ${quote(value)})`);
  }
  return value as T;
}

/** A non-negative integer, given as a JSON number or as digits (CSV); null when blank. */
function count(record: Readonly<Record<string, unknown>>, field: string): number | null {
  const value = record[field];
  if (isBlank(value)) return null;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : -1;
  if (!Number.isSafeInteger(number) || number < 0) {
    const got =
      typeof value === 'number'
        ? String(value)
        : typeof value === 'string'
          ? quote(value)
          : describeType(value);
    throw new Rejection(
      field,
      `${field} must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${got})`,
    );
  }
  return number;
}

/** `details` is a JSON object, given as an object or as its JSON text; stored as JSON text. */
function details(record: Readonly<Record<string, unknown>>): string | null {
  const value = record.details;
  if (isBlank(value)) return null;
  const expected = 'details must be a JSON object or the JSON text of one';
  if (typeof value === 'object' && !Array.isArray(value)) {
    let text: string;
    try {
      text = JSON.stringify(value);
    } catch {
      throw new Rejection('details', `${expected} (got an object that cannot be written as JSON)`);
    }
    return checkedString('details', text, CONTROL_IN_DETAILS);
  }
  if (typeof value !== 'string') throw new Rejection('details', `${expected} (got ${describeType(value)})`);
  const text = checkedString('details', value, CONTROL_IN_DETAILS);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Rejection('details', `${expected} (got ${quote(text)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Rejection('details', `${expected} (got JSON ${describeType(parsed)})`);
  }
  return text;
}

// Extended ISO-8601 / RFC 3339: date, T (or a space), hh:mm[:ss[.fraction]], then Z or ±hh[:mm].
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

function parseEventTime(text: string, now: Date): number {
  const match = ISO_TIME.exec(text);
  if (!match) {
    throw new Rejection(
      'event_time',
      `event_time is not an ISO-8601 time like 2026-03-01T09:30:00Z (got ${quote(text)})`,
    );
  }
  const [, year, month, day, hour, minute, second, fraction, zulu, sign, offsetHour, offsetMinute] = match;
  if (zulu === undefined && sign === undefined) {
    throw new Rejection(
      'event_time',
      `event_time has no Z or offset, so its instant is unknown (got ${quote(text)})`,
    );
  }
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second ?? 0);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    throw new Rejection('event_time', `event_time is not a real calendar date and time (got ${quote(text)})`);
  }
  const oh = Number(offsetHour ?? 0);
  const om = Number(offsetMinute ?? 0);
  if (oh > 18 || om > 59)
    throw new Rejection('event_time', `event_time has an offset beyond ±18:00 (got ${quote(text)})`);
  // Sub-millisecond digits are truncated: the contract stores milliseconds.
  const ms = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  const offsetMs = (sign === '-' ? -1 : 1) * (oh * 60 + om) * 60_000;
  const at = Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMs;
  if (at < EARLIEST_EVENT_TIME) {
    throw new Rejection('event_time', `event_time is before 2000-01-01 (got ${quote(text)})`);
  }
  if (at > now.getTime() + MAX_CLOCK_SKEW_MS) {
    throw new Rejection(
      'event_time',
      `event_time is more than 1 day after now (got ${quote(text)}, now ${now.toISOString()})`,
    );
  }
  return at;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A bad value as it may appear in a reason: JSON-quoted, at most 40 characters of it. */
function quote(value: string): string {
  const chars = Array.from(value);
  return JSON.stringify(chars.length > 40 ? `${chars.slice(0, 40).join('')}…` : value);
}
