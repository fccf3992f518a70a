/**
 * Trino conformance: every portable function, run through the real DuckDB engine, against the
 * value Trino's documentation gives (or, where the page has no example, the value its definition
 * or Trino's own tests give; the comment on such a row says which). `doc` cites the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlValue } from '../../lambdas/core/ports.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { PORTABLE_FUNCTIONS } from '../../lambdas/engines/trino-compat.ts';

const TRINO = 'https://trino.io/docs/current/functions';
const DATETIME = `${TRINO}/datetime.html`;
const STRING = `${TRINO}/string.html`;
const REGEXP = `${TRINO}/regexp.html`;
const JSON_DOC = `${TRINO}/json.html`;
const ARRAY = `${TRINO}/array.html`;
const MATH = `${TRINO}/math.html`;
const CONDITIONAL = `${TRINO}/conditional.html`;
const COMPARISON = `${TRINO}/comparison.html`;
const CONVERSION = `${TRINO}/conversion.html`;
const AGGREGATE = `${TRINO}/aggregate.html`;
const WINDOW = `${TRINO}/window.html`;
// Trino's unit test for approx_percentile: the exact values it returns for small inputs.
const PERCENTILE_TEST =
  'https://github.com/trinodb/trino/blob/master/core/trino-main/src/test/java/io/trino/operator/aggregation/TestApproximatePercentileAggregation.java';

interface ConformanceCase {
  /** The portable function the row checks. */
  readonly fn: string;
  /** A query returning one row with one column. */
  readonly sql: string;
  readonly expected: SqlValue;
  readonly doc: string;
}

const expr = (sql: string) => `SELECT ${sql} AS v`;
/** An aggregate or window expression over a one-column table `t(x)` (or more columns) of `rows`. */
const over = (sql: string, rows: string, columns = 'x') =>
  `SELECT ${sql} AS v FROM (VALUES ${rows}) AS t(${columns})`;
/** A window function's results, in `x` order, as one JSON array. */
const windowed = (sql: string, rows: string) =>
  `SELECT array_agg(w ORDER BY x) AS v FROM (SELECT x, ${sql} AS w FROM (VALUES ${rows}) AS t(x))`;

/** Rows that check syntax rather than a function call; the lint does not list these. */
const SYNTAX = new Set(['/', 'extract']);

const CASES: readonly ConformanceCase[] = [
  // ---- operators: Trino's `/` on integers truncates; with a decimal operand it does not
  { fn: '/', sql: expr('7 / 2'), expected: 3, doc: MATH },
  { fn: '/', sql: expr('-7 / 2'), expected: -3, doc: MATH }, // truncation toward zero, not floor
  { fn: '/', sql: expr('7 / 2.0'), expected: 3.5, doc: MATH },

  // ---- EXTRACT(field FROM x) is syntax, not a function: its fields are the extraction functions
  {
    fn: 'extract',
    sql: expr("extract(YEAR FROM TIMESTAMP '2022-10-20 05:10:00')"),
    expected: 2022,
    doc: DATETIME,
  },
  { fn: 'extract', sql: expr("extract(DOW FROM DATE '2026-03-08')"), expected: 7, doc: DATETIME }, // a Sunday
  { fn: 'extract', sql: expr("EXTRACT(day_of_week FROM DATE '2026-03-08')"), expected: 7, doc: DATETIME },
  { fn: 'extract', sql: expr("extract(DAY_OF_YEAR FROM DATE '2026-12-31')"), expected: 365, doc: DATETIME },
  { fn: 'extract', sql: expr("extract(DAY_OF_MONTH FROM DATE '2026-03-08')"), expected: 8, doc: DATETIME },
  { fn: 'extract', sql: expr("extract(YOW FROM DATE '2021-01-01')"), expected: 2020, doc: DATETIME }, // ISO week-year

  // ---- date_diff: complete units (doc examples first, then the traps)
  {
    fn: 'date_diff',
    sql: expr("date_diff('second', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 00:00:00')"),
    expected: 86400,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr("date_diff('hour', TIMESTAMP '2020-03-01 00:00:00 UTC', TIMESTAMP '2020-03-02 00:00:00 UTC')"),
    expected: 24,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr("date_diff('day', DATE '2020-03-01', DATE '2020-03-02')"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr(
      "date_diff('millisecond', TIMESTAMP '2020-06-01 12:30:45.000000000', TIMESTAMP '2020-06-02 12:30:45.123456789')",
    ),
    expected: 86400123,
    doc: DATETIME,
  },
  // 2 hours across midnight is not a day: timestamp2 - timestamp1 "expressed in terms of unit".
  {
    fn: 'date_diff',
    sql: expr("date_diff('day', TIMESTAMP '2026-01-01 23:00:00', TIMESTAMP '2026-01-02 01:00:00')"),
    expected: 0,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr("date_diff('day', TIMESTAMP '2026-01-02 01:00:00', TIMESTAMP '2026-01-01 23:00:00')"),
    expected: 0,
    doc: DATETIME,
  },
  // One day across the month end is no month.
  {
    fn: 'date_diff',
    sql: expr("date_diff('month', DATE '2026-01-31', DATE '2026-02-01')"),
    expected: 0,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr("date_diff('month', TIMESTAMP '2026-01-15 12:00:00', TIMESTAMP '2026-03-15 11:59:59')"),
    expected: 1,
    doc: DATETIME,
  },
  // The inverse of the doc's `timestamp '2012-10-31 01:00' + interval '1' month` = 2012-11-30 01:00.
  {
    fn: 'date_diff',
    sql: expr("date_diff('month', TIMESTAMP '2012-10-31 01:00:00', TIMESTAMP '2012-11-30 01:00:00')"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'date_diff',
    sql: expr("date_diff('week', DATE '2026-01-01', DATE '2026-01-14')"),
    expected: 1,
    doc: DATETIME,
  },

  // ---- date_add(unit, value, timestamp)
  {
    fn: 'date_add',
    sql: expr("date_add('second', 86, TIMESTAMP '2020-03-01 00:00:00')"),
    expected: '2020-03-01T00:01:26.000Z',
    doc: DATETIME,
  },
  {
    fn: 'date_add',
    sql: expr("date_add('hour', 9, TIMESTAMP '2020-03-01 00:00:00')"),
    expected: '2020-03-01T09:00:00.000Z',
    doc: DATETIME,
  },
  {
    fn: 'date_add',
    sql: expr("date_add('day', -1, TIMESTAMP '2020-03-01 00:00:00 UTC')"),
    expected: '2020-02-29T00:00:00.000Z',
    doc: DATETIME,
  },
  // The operator table: timestamp '2012-10-31 01:00' + interval '1' month = 2012-11-30 01:00.
  {
    fn: 'date_add',
    sql: expr("date_add('month', 1, TIMESTAMP '2012-10-31 01:00:00')"),
    expected: '2012-11-30T01:00:00.000Z',
    doc: DATETIME,
  },

  // ---- date_trunc: the doc's unit table for 2001-08-22 03:04:05.321, and its examples
  ...(
    [
      ['millisecond', '2001-08-22T03:04:05.321Z'],
      ['second', '2001-08-22T03:04:05.000Z'],
      ['minute', '2001-08-22T03:04:00.000Z'],
      ['hour', '2001-08-22T03:00:00.000Z'],
      ['day', '2001-08-22T00:00:00.000Z'],
      ['week', '2001-08-20T00:00:00.000Z'],
      ['month', '2001-08-01T00:00:00.000Z'],
      ['quarter', '2001-07-01T00:00:00.000Z'],
      ['year', '2001-01-01T00:00:00.000Z'],
    ] as const
  ).map(([unit, expected]) => ({
    fn: 'date_trunc',
    sql: expr(`date_trunc('${unit}', TIMESTAMP '2001-08-22 03:04:05.321')`),
    expected,
    doc: DATETIME,
  })),

  // ---- ISO 8601
  {
    fn: 'from_iso8601_timestamp',
    sql: expr("from_iso8601_timestamp('2020-05-11T11:15:05.055+01:00')"),
    expected: '2020-05-11T10:15:05.055Z',
    doc: DATETIME,
  },
  // The offset names the instant: 10:00 at +02:00 is 08:00 UTC.
  {
    fn: 'from_iso8601_timestamp',
    sql: expr("from_iso8601_timestamp('2026-01-01T10:00:00+02:00')"),
    expected: '2026-01-01T08:00:00.000Z',
    doc: DATETIME,
  },
  // No time: midnight; no zone: the session zone, UTC on Athena.
  {
    fn: 'from_iso8601_timestamp',
    sql: expr("from_iso8601_timestamp('2020-05-11')"),
    expected: '2020-05-11T00:00:00.000Z',
    doc: DATETIME,
  },
  {
    fn: 'from_iso8601_timestamp',
    sql: expr("from_iso8601_timestamp('2026-01-01T10:00:00+02:00') = TIMESTAMP '2026-01-01 08:00:00'"),
    expected: true,
    doc: DATETIME,
  },
  {
    fn: 'from_iso8601_date',
    sql: expr("from_iso8601_date('2020-05-11')"),
    expected: '2020-05-11',
    doc: DATETIME,
  },
  {
    fn: 'from_iso8601_date',
    sql: expr("from_iso8601_date('2020-W10')"),
    expected: '2020-03-02',
    doc: DATETIME,
  },
  {
    fn: 'from_iso8601_date',
    sql: expr("from_iso8601_date('2020-123')"),
    expected: '2020-05-02',
    doc: DATETIME,
  },
  // Trino's test testToIso8601ForTimestampWithoutTimeZone: '2001-08-22T03:04:05.321'.
  {
    fn: 'to_iso8601',
    sql: expr("to_iso8601(TIMESTAMP '2001-08-22 03:04:05.321')"),
    expected: '2001-08-22T03:04:05.321',
    doc: DATETIME,
  },
  { fn: 'to_iso8601', sql: expr("to_iso8601(DATE '2001-08-22')"), expected: '2001-08-22', doc: DATETIME },

  // ---- field extraction: "ISO day of the week … from 1 (Monday) to 7 (Sunday)"
  { fn: 'day_of_week', sql: expr("day_of_week(DATE '2026-03-08')"), expected: 7, doc: DATETIME }, // a Sunday
  {
    fn: 'day_of_week',
    sql: expr("day_of_week(TIMESTAMP '2026-03-09 00:00:00')"),
    expected: 1,
    doc: DATETIME,
  }, // Monday
  { fn: 'dow', sql: expr("dow(DATE '2026-03-08')"), expected: 7, doc: DATETIME },
  { fn: 'day_of_year', sql: expr("day_of_year(DATE '2026-12-31')"), expected: 365, doc: DATETIME },
  { fn: 'doy', sql: expr("doy(DATE '2024-12-31')"), expected: 366, doc: DATETIME }, // "ranges from 1 to 366"
  { fn: 'day_of_month', sql: expr("day_of_month(DATE '2026-03-08')"), expected: 8, doc: DATETIME },
  { fn: 'day', sql: expr("day(TIMESTAMP '2022-10-20 05:10:00')"), expected: 20, doc: DATETIME },
  {
    fn: 'last_day_of_month',
    sql: expr("last_day_of_month(DATE '2024-02-10')"),
    expected: '2024-02-29',
    doc: DATETIME,
  },
  { fn: 'year', sql: expr("year(TIMESTAMP '2022-10-20 05:10:00')"), expected: 2022, doc: DATETIME }, // = extract(YEAR …)
  { fn: 'quarter', sql: expr("quarter(TIMESTAMP '2022-10-20 05:10:00')"), expected: 4, doc: DATETIME },
  { fn: 'month', sql: expr("month(TIMESTAMP '2022-10-20 05:10:00')"), expected: 10, doc: DATETIME },
  // ISO week: 2021-01-01 (a Friday) belongs to week 53 of 2020.
  { fn: 'week', sql: expr("week(DATE '2021-01-01')"), expected: 53, doc: DATETIME },
  { fn: 'hour', sql: expr("hour(TIMESTAMP '2022-10-20 05:10:00')"), expected: 5, doc: DATETIME },
  { fn: 'minute', sql: expr("minute(TIMESTAMP '2022-10-20 05:10:00')"), expected: 10, doc: DATETIME },
  { fn: 'second', sql: expr("second(TIMESTAMP '2022-10-20 05:10:07.900')"), expected: 7, doc: DATETIME },
  { fn: 'date', sql: expr("date(TIMESTAMP '2020-05-11 23:59:00')"), expected: '2020-05-11', doc: DATETIME }, // CAST(x AS date)
  { fn: 'date', sql: expr("date('2020-05-11')"), expected: '2020-05-11', doc: DATETIME },

  // ---- unix time
  {
    fn: 'to_unixtime',
    sql: expr("to_unixtime(TIMESTAMP '2026-01-01 00:00:00.500')"),
    expected: 1767225600.5,
    doc: DATETIME,
  },
  {
    fn: 'from_unixtime',
    sql: expr('from_unixtime(1767225600.5)'),
    expected: '2026-01-01T00:00:00.500Z',
    doc: DATETIME,
  },

  // ---- at_timezone: the instant seen in a zone, DST-correct. The doc's example runs in a New York
  // session (09:08 there is 06:08 in Los Angeles); in Athena's UTC session 09:08 UTC is 02:08 PDT.
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2022-11-01 09:08:07.321', 'America/Los_Angeles'))"),
    expected: 2,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("minute(at_timezone(TIMESTAMP '2022-11-01 09:08:07.321', 'America/Los_Angeles'))"),
    expected: 8,
    doc: DATETIME,
  },
  // New York springs forward at 07:00 UTC on 2026-03-08: 01:59 EST, then 03:00 EDT.
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-03-08 06:59:00', 'America/New_York'))"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-03-08 07:00:00', 'America/New_York'))"),
    expected: 3,
    doc: DATETIME,
  },
  // …and falls back at 06:00 UTC on 2026-11-01: 05:30 and 06:30 UTC are both 01:30 local.
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-11-01 05:30:00', 'America/New_York'))"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-11-01 06:30:00', 'America/New_York'))"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-11-01 07:30:00', 'America/New_York'))"),
    expected: 2,
    doc: DATETIME,
  },
  // Berlin springs forward at 01:00 UTC on 2026-03-29: 01:30 CET, then 03:30 CEST.
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-03-29 00:30:00', 'Europe/Berlin'))"),
    expected: 1,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("hour(at_timezone(TIMESTAMP '2026-03-29 01:30:00', 'Europe/Berlin'))"),
    expected: 3,
    doc: DATETIME,
  },
  // Monday 03:00 UTC is still Sunday evening in New York.
  {
    fn: 'at_timezone',
    sql: expr("day_of_week(at_timezone(TIMESTAMP '2026-03-09 03:00:00', 'America/New_York'))"),
    expected: 7,
    doc: DATETIME,
  },
  {
    fn: 'at_timezone',
    sql: expr("date(at_timezone(TIMESTAMP '2026-03-09 03:00:00', 'America/New_York'))"),
    expected: '2026-03-08',
    doc: DATETIME,
  },

  // ---- strings
  { fn: 'concat', sql: expr("concat('a', 'b', 'c')"), expected: 'abc', doc: STRING },
  // concat is ||, and like most Trino functions it is NULL when an argument is NULL.
  { fn: 'concat', sql: expr("concat('a', CAST(NULL AS VARCHAR), 'b')"), expected: null, doc: STRING },
  { fn: 'substr', sql: expr("substr('hello', 2, 3)"), expected: 'ell', doc: STRING },
  // "A negative starting position is interpreted as being relative to the end of the string."
  { fn: 'substr', sql: expr("substr('hello', -3)"), expected: 'llo', doc: STRING },
  // Positions start with 1: Trino's substr returns '' for start 0 and for a length ≤ 0.
  { fn: 'substr', sql: expr("substr('hello', 0)"), expected: '', doc: STRING },
  { fn: 'substr', sql: expr("substr('hello', 3, -1)"), expected: '', doc: STRING },
  { fn: 'substr', sql: expr("substr('hello', -6, 3)"), expected: '', doc: STRING },
  { fn: 'substring', sql: expr("substring('hello', 2)"), expected: 'ello', doc: STRING },
  { fn: 'split_part', sql: expr("split_part('a,b,c', ',', 2)"), expected: 'b', doc: STRING },
  // "If the index is larger than the number of fields, then null is returned."
  { fn: 'split_part', sql: expr("split_part('a,b', ',', 3)"), expected: null, doc: STRING },
  { fn: 'split', sql: expr("split('a,,b', ',')"), expected: '["a","","b"]', doc: STRING },
  { fn: 'strpos', sql: expr("strpos('hello', 'l')"), expected: 3, doc: STRING },
  { fn: 'strpos', sql: expr("strpos('hello', 'z')"), expected: 0, doc: STRING }, // "If not found, 0 is returned."
  { fn: 'length', sql: expr("length('héllo')"), expected: 5, doc: STRING }, // characters, not bytes
  { fn: 'lower', sql: expr("lower('HeLLo')"), expected: 'hello', doc: STRING },
  { fn: 'upper', sql: expr("upper('HeLLo')"), expected: 'HELLO', doc: STRING },
  { fn: 'trim', sql: expr("trim('  a b  ')"), expected: 'a b', doc: STRING },
  { fn: 'ltrim', sql: expr("ltrim('  a  ')"), expected: 'a  ', doc: STRING },
  { fn: 'rtrim', sql: expr("rtrim('  a  ')"), expected: '  a', doc: STRING },
  { fn: 'replace', sql: expr("replace('abcabc', 'b', 'x')"), expected: 'axcaxc', doc: STRING },
  { fn: 'reverse', sql: expr("reverse('abc')"), expected: 'cba', doc: STRING },
  // "pads string to size characters with padstring … If size is less than the length of string, the
  // result is truncated to size characters."
  { fn: 'lpad', sql: expr("lpad('5', 2, '0')"), expected: '05', doc: STRING },
  { fn: 'lpad', sql: expr("lpad('5', 4, 'ab')"), expected: 'aba5', doc: STRING },
  { fn: 'lpad', sql: expr("lpad('hello', 3, '0')"), expected: 'hel', doc: STRING },
  { fn: 'rpad', sql: expr("rpad('5', 4, 'ab')"), expected: '5aba', doc: STRING },
  { fn: 'starts_with', sql: expr("starts_with('abc', 'ab')"), expected: true, doc: STRING },

  // ---- regular expressions: the doc's examples
  { fn: 'regexp_like', sql: expr(String.raw`regexp_like('1a 2b 14m', '\d+b')`), expected: true, doc: REGEXP },
  {
    fn: 'regexp_extract',
    sql: expr(String.raw`regexp_extract('1a 2b 14m', '\d+')`),
    expected: '1',
    doc: REGEXP,
  },
  {
    fn: 'regexp_extract',
    sql: expr(String.raw`regexp_extract('1a 2b 14m', '(\d+)([a-z]+)', 2)`),
    expected: 'a',
    doc: REGEXP,
  },
  // No match is NULL in Trino (DuckDB's builtin gives '').
  { fn: 'regexp_extract', sql: expr(String.raw`regexp_extract('abc', '\d+')`), expected: null, doc: REGEXP },
  {
    fn: 'regexp_replace',
    sql: expr(String.raw`regexp_replace('1a 2b 14m', '\d+[ab] ')`),
    expected: '14m',
    doc: REGEXP,
  },
  {
    fn: 'regexp_replace',
    sql: expr(String.raw`regexp_replace('1a 2b 14m', '(\d+)([ab]) ', '3c$2 ')`),
    expected: '3ca 3cb 14m',
    doc: REGEXP,
  },
  // "A dollar sign ($) may be included in the replacement by escaping it with a backslash (\$)."
  {
    fn: 'regexp_replace',
    sql: expr(String.raw`regexp_replace('a1', '\d', '\$')`),
    expected: 'a$',
    doc: REGEXP,
  },

  // ---- JSON
  {
    fn: 'json_extract_scalar',
    sql: expr("json_extract_scalar('[1, 2, 3]', '$[2]')"),
    expected: '3',
    doc: JSON_DOC,
  },
  {
    fn: 'json_extract_scalar',
    sql: expr(
      `json_extract_scalar('{"store": {"book": [{"author": "Nigel Rees"}]}}', '$.store.book[0].author')`,
    ),
    expected: 'Nigel Rees',
    doc: JSON_DOC,
  },
  // "The value referenced by json_path must be a scalar": an object gives NULL.
  {
    fn: 'json_extract_scalar',
    sql: expr(`json_extract_scalar('{"a": {"b": 1}}', '$.a')`),
    expected: null,
    doc: JSON_DOC,
  },

  // ---- conditional and conversion
  { fn: 'if', sql: expr("if(2 > 1, 'yes', 'no')"), expected: 'yes', doc: CONDITIONAL },
  // if(condition, true_value): "otherwise null is returned".
  { fn: 'if', sql: expr("if(1 > 2, 'yes')"), expected: null, doc: CONDITIONAL },
  { fn: 'coalesce', sql: expr('coalesce(NULL, 2, 3)'), expected: 2, doc: CONDITIONAL },
  { fn: 'nullif', sql: expr('nullif(1, 1)'), expected: null, doc: CONDITIONAL },
  { fn: 'nullif', sql: expr('nullif(1, 2)'), expected: 1, doc: CONDITIONAL },
  { fn: 'try', sql: expr("try(CAST('P332a' AS BIGINT))"), expected: null, doc: CONDITIONAL },
  { fn: 'try_cast', sql: expr("try_cast('abc' AS INTEGER)"), expected: null, doc: CONVERSION },
  { fn: 'try_cast', sql: expr("try_cast('42' AS INTEGER)"), expected: 42, doc: CONVERSION },
  { fn: 'greatest', sql: expr('greatest(1, 5, 3)'), expected: 5, doc: COMPARISON },
  // "they return null if any argument is null" (DuckDB's builtins skip NULLs).
  { fn: 'greatest', sql: expr('greatest(1, NULL, 3)'), expected: null, doc: COMPARISON },
  { fn: 'least', sql: expr("least('b', 'a', 'c')"), expected: 'a', doc: COMPARISON },
  { fn: 'least', sql: expr('least(1, NULL)'), expected: null, doc: COMPARISON },

  // ---- math
  { fn: 'abs', sql: expr('abs(-5)'), expected: 5, doc: MATH },
  { fn: 'ceil', sql: expr('ceil(1.2)'), expected: 2, doc: MATH },
  { fn: 'ceiling', sql: expr('ceiling(-1.5E0)'), expected: -1, doc: MATH },
  { fn: 'floor', sql: expr('floor(-1.5E0)'), expected: -2, doc: MATH },
  { fn: 'round', sql: expr('round(2.5E0)'), expected: 3, doc: MATH }, // half away from zero
  { fn: 'round', sql: expr('round(-2.5E0)'), expected: -3, doc: MATH },
  { fn: 'round', sql: expr('round(1.2345E0, 2)'), expected: 1.23, doc: MATH },
  { fn: 'sign', sql: expr('sign(-3)'), expected: -1, doc: MATH },
  { fn: 'mod', sql: expr('mod(-7, 3)'), expected: -1, doc: MATH }, // the remainder keeps the dividend's sign
  { fn: 'power', sql: expr('power(2, 10)'), expected: 1024, doc: MATH },
  { fn: 'exp', sql: expr('exp(0)'), expected: 1, doc: MATH },
  { fn: 'sqrt', sql: expr('sqrt(16)'), expected: 4, doc: MATH },
  // Trino computes with java.lang.Math: sqrt of a negative is NaN, ln(0) is -Infinity (DuckDB errors).
  { fn: 'sqrt', sql: expr('sqrt(-1)'), expected: Number.NaN, doc: MATH },
  { fn: 'ln', sql: expr('ln(1)'), expected: 0, doc: MATH },
  { fn: 'ln', sql: expr('ln(0)'), expected: Number.NEGATIVE_INFINITY, doc: MATH },

  // ---- arrays
  { fn: 'cardinality', sql: expr('cardinality(ARRAY[1, 2, 4])'), expected: 3, doc: ARRAY },
  { fn: 'element_at', sql: expr('element_at(ARRAY[1, 2, 3], 2)'), expected: 2, doc: ARRAY },
  { fn: 'element_at', sql: expr('element_at(ARRAY[1, 2, 3], -1)'), expected: 3, doc: ARRAY }, // "from the last"
  { fn: 'element_at', sql: expr('element_at(ARRAY[1, 2, 3], 5)'), expected: null, doc: ARRAY }, // past the end
  { fn: 'contains', sql: expr("contains(ARRAY['puppies', 'dogs'], 'dogs')"), expected: true, doc: ARRAY },
  { fn: 'contains', sql: expr('contains(ARRAY[1, 2, 3], 5)'), expected: false, doc: ARRAY },
  // Not found, but the array holds a NULL: unknown (Trino's ArrayFunctions test).
  { fn: 'contains', sql: expr('contains(ARRAY[NULL, 2, 3], 1)'), expected: null, doc: ARRAY },

  // ---- aggregates
  { fn: 'count', sql: over('count(*)', '(1), (NULL), (3)'), expected: 3, doc: AGGREGATE },
  { fn: 'count', sql: over('count(x)', '(1), (NULL), (3)'), expected: 2, doc: AGGREGATE },
  { fn: 'count_if', sql: over('count_if(x > 1)', '(1), (NULL), (3)'), expected: 1, doc: AGGREGATE },
  { fn: 'sum', sql: over('sum(x)', '(1), (NULL), (3)'), expected: 4, doc: AGGREGATE },
  { fn: 'avg', sql: over('avg(x)', '(1), (NULL), (4)'), expected: 2.5, doc: AGGREGATE },
  { fn: 'min', sql: over('min(x)', '(1), (NULL), (3)'), expected: 1, doc: AGGREGATE },
  { fn: 'max', sql: over('max(x)', '(1), (NULL), (3)'), expected: 3, doc: AGGREGATE },
  { fn: 'bool_and', sql: over('bool_and(x)', '(true), (false), (NULL)'), expected: false, doc: AGGREGATE },
  { fn: 'bool_or', sql: over('bool_or(x)', '(true), (false), (NULL)'), expected: true, doc: AGGREGATE },
  // "an arbitrary non-null value of x"
  { fn: 'arbitrary', sql: over('arbitrary(x)', "(NULL), ('a')"), expected: 'a', doc: AGGREGATE },
  // x of the row with the largest y, even when that x is NULL.
  {
    fn: 'max_by',
    sql: over('max_by(x, y)', "('a', 10), (NULL, 30), ('d', 20)", 'x, y'),
    expected: null,
    doc: AGGREGATE,
  },
  {
    fn: 'max_by',
    sql: over('max_by(x, y) FILTER (WHERE y < 30)', "('a', 10), (NULL, 30), ('d', 20)", 'x, y'),
    expected: 'd',
    doc: AGGREGATE,
  },
  {
    fn: 'min_by',
    sql: over('min_by(x, y)', "('a', 10), ('b', NULL), ('d', 20)", 'x, y'),
    expected: 'a',
    doc: AGGREGATE,
  },
  {
    fn: 'array_agg',
    sql: over('array_agg(x ORDER BY x DESC)', '(1), (3), (2)'),
    expected: '[3,2,1]',
    doc: AGGREGATE,
  },
  {
    fn: 'approx_distinct',
    sql: over('approx_distinct(x)', "('a'), ('b'), ('a'), (NULL)"),
    expected: 2,
    doc: AGGREGATE,
  },
  // "Zero is returned if all input values are null."
  {
    fn: 'approx_distinct',
    sql: over('approx_distinct(x)', '(CAST(NULL AS INTEGER))'),
    expected: 0,
    doc: AGGREGATE,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.5)', '(1), (2), (3)'),
    expected: 2,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.5)', '(-1.0E0), (1.0E0)'),
    expected: 1,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.5)', '(-2.0E0), (3.0E0), (-1.0E0)'),
    expected: -1,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over(
      'approx_percentile(x, 0.5)',
      '(1), (NULL), (2), (2), (NULL), (2), (2), (NULL), (2), (2), (NULL), (3), (3), (NULL), (3), (NULL), (3), (4), (5), (6), (7)',
    ),
    expected: 3,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.2)', '(NULL), (1), (2), (3)'),
    expected: 1,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.8)', '(NULL), (1), (2), (3)'),
    expected: 3,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.99)', '(1), (2), (3)'),
    expected: 3,
    doc: PERCENTILE_TEST,
  },
  {
    fn: 'approx_percentile',
    sql: over('approx_percentile(x, 0.5) FILTER (WHERE x > 0)', '(-5), (1), (2), (3)'),
    expected: 2,
    doc: AGGREGATE,
  },
  { fn: 'stddev', sql: over('stddev(x)', '(1), (2), (3), (4)'), expected: Math.sqrt(5 / 3), doc: AGGREGATE },
  {
    fn: 'stddev_samp',
    sql: over('stddev_samp(x)', '(1), (2), (3), (4)'),
    expected: Math.sqrt(5 / 3),
    doc: AGGREGATE,
  },
  {
    fn: 'stddev_pop',
    sql: over('stddev_pop(x)', '(1), (2), (3), (4)'),
    expected: Math.sqrt(1.25),
    doc: AGGREGATE,
  },
  { fn: 'variance', sql: over('variance(x)', '(1), (2), (3), (4)'), expected: 5 / 3, doc: AGGREGATE },
  { fn: 'var_samp', sql: over('var_samp(x)', '(1), (2), (3), (4)'), expected: 5 / 3, doc: AGGREGATE },
  { fn: 'var_pop', sql: over('var_pop(x)', '(1), (2), (3), (4)'), expected: 1.25, doc: AGGREGATE },

  // ---- window functions
  {
    fn: 'row_number',
    sql: windowed('row_number() OVER (ORDER BY x)', '(10), (20), (20), (30)'),
    expected: '[1,2,3,4]',
    doc: WINDOW,
  },
  {
    fn: 'rank',
    sql: windowed('rank() OVER (ORDER BY x)', '(10), (20), (20), (30)'),
    expected: '[1,2,2,4]',
    doc: WINDOW,
  },
  {
    fn: 'dense_rank',
    sql: windowed('dense_rank() OVER (ORDER BY x)', '(10), (20), (20), (30)'),
    expected: '[1,2,2,3]',
    doc: WINDOW,
  },
  {
    fn: 'lag',
    sql: windowed('lag(x) OVER (ORDER BY x)', '(10), (20), (30)'),
    expected: '[null,10,20]',
    doc: WINDOW,
  },
  {
    fn: 'lead',
    sql: windowed('lead(x, 1, 0) OVER (ORDER BY x)', '(10), (20), (30)'),
    expected: '[20,30,0]',
    doc: WINDOW,
  },
  {
    fn: 'first_value',
    sql: windowed('first_value(x) OVER (ORDER BY x)', '(10), (20), (30)'),
    expected: '[10,10,10]',
    doc: WINDOW,
  },
  // The default frame ends at the current row's last peer.
  {
    fn: 'last_value',
    sql: windowed('last_value(x) OVER (ORDER BY x)', '(10), (20), (20), (30)'),
    expected: '[10,20,20,30]',
    doc: WINDOW,
  },
];

describe('Trino conformance of the DuckDB engine', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDbEngine({});
  });
  afterAll(async () => {
    await engine.close();
  });

  it.each(CASES)('$fn: $sql', async ({ sql, expected }) => {
    const result = await engine.query({ sql, label: 'conformance' });

    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]?.v).toEqual(expected);
  });

  it('has a conformance row for every portable function, and no row for any other', () => {
    const checked = new Set(CASES.map((row) => row.fn).filter((fn) => !SYNTAX.has(fn)));

    expect([...PORTABLE_FUNCTIONS].filter((fn) => !checked.has(fn))).toEqual([]);
    expect([...checked].filter((fn) => !PORTABLE_FUNCTIONS.has(fn))).toEqual([]);
  });

  it('lists portable functions in lowercase', () => {
    expect([...PORTABLE_FUNCTIONS].filter((fn) => fn !== fn.toLowerCase())).toEqual([]);
  });
});
