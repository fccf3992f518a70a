/**
 * Athena result values as `SqlValue`. Athena returns every value as text (`VarCharValue`) and NULL
 * as a datum without one; the column's `ColumnInfo.Type` says how to read the text. The result
 * must equal what the DuckDB engine returns for the same SQL, so findings do not depend on where a
 * detector ran (test/aws/engine-conversion.test.ts holds the two side by side).
 */

import type { Datum } from '@aws-sdk/client-athena';
import type { ColumnType, SqlValue } from '../core/ports.ts';
import { isValidTimeZone, wallClockOffsetMs } from '../core/time-zones.ts';

/** What conversion needs of Athena's `ColumnInfo`: its type name. */
export interface ColumnTypeInfo {
  readonly Type?: string | undefined;
}

/** `decimal(10,2)`, `timestamp(3) with time zone`, `VARCHAR` → `decimal`, `timestamp with time zone`, `varchar`. */
function baseType(type: string | undefined): string {
  return (type ?? '')
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function athenaColumnType(info: ColumnTypeInfo): ColumnType {
  switch (baseType(info.Type)) {
    case 'varchar':
    case 'char':
    case 'string':
    case 'json':
      return 'varchar';
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'bigint':
      return 'bigint';
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'date':
      return 'date';
    case 'timestamp':
    case 'timestamp with time zone':
      return 'timestamp';
    default:
      return 'other';
  }
}

/**
 * One datum as `SqlValue`. Text that does not look like its declared type is kept as text rather
 * than guessed at; arrays, maps and rows keep Athena's own text (`[1, 2]`, `{a=1}`), which is not
 * JSON, so detectors return scalars (the output contract's evidence columns are scalars anyway).
 */
export function athenaValue(datum: Datum | undefined, info: ColumnTypeInfo): SqlValue {
  const text = datum?.VarCharValue;
  if (text === undefined) return null;
  const type = baseType(info.Type);
  switch (type) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
    case 'bigint':
      return integerValue(text);
    case 'double':
    case 'real':
    case 'float':
    case 'decimal':
      return numberValue(text);
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'timestamp':
      return timestampValue(text, false);
    case 'timestamp with time zone':
      return timestampValue(text, true);
    default:
      return text; // varchar, char, date (already YYYY-MM-DD), json, arrays, maps, rows, …
  }
}

/** Exact integers as numbers; beyond 2^53 the decimal text itself, as the DuckDB engine does. */
function integerValue(text: string): SqlValue {
  if (!/^-?\d+$/.test(text)) return text;
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

function numberValue(text: string): SqlValue {
  const number = Number(text);
  return text.trim() === '' || (Number.isNaN(number) && text !== 'NaN') ? text : number;
}

const TIMESTAMP = /^(-?\d{4,})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?: (.+))?$/;

/**
 * `2026-01-02 03:04:05.123456` (timestamp) or `… UTC` / `… +01:00` / `… Europe/Berlin`
 * (timestamp with time zone) → `2026-01-02T03:04:05.123Z`. Digits beyond milliseconds are cut,
 * which is the floor DuckDB applies too.
 */
function timestampValue(text: string, withZone: boolean): SqlValue {
  const match = TIMESTAMP.exec(text);
  if (!match) return text;
  const [, year, month, day, hour, minute, second, fraction = '', zone] = match;
  if (!withZone && zone !== undefined) return text;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const local = Date.UTC(
    Number(year),
    Number(month) - 1,
    Number(day),
    Number(hour),
    Number(minute),
    Number(second),
    millis,
  );
  const offset = zone === undefined ? 0 : zoneOffsetMs(zone, local);
  if (offset === undefined || Number.isNaN(local)) return text;
  const date = new Date(local - offset);
  return Number.isNaN(date.getTime()) ? text : date.toISOString();
}

const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** The zone's offset from UTC in ms at the wall-clock time `local` (ms as if it were UTC). */
function zoneOffsetMs(zone: string, local: number): number | undefined {
  if (zone === 'UTC' || zone === 'Z' || zone === 'GMT') return 0;
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) {
    const [, sign, hours, minutes] = fixed;
    return (sign === '-' ? -1 : 1) * (Number(hours) * 3_600_000 + Number(minutes) * 60_000);
  }
  return isValidTimeZone(zone) ? wallClockOffsetMs(local, zone) : undefined;
}
