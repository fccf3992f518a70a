/**
 * The Trino (Athena engine v3) compatibility layer for the local DuckDB engine: session settings,
 * DuckDB macros named after the Trino functions detectors call, and a small token-level rewrite
 * for the few calls a macro cannot reproduce (aggregates keep their FILTER and OVER clauses only
 * as real aggregates; DuckDB parses IF and EXTRACT itself). Detector SQL runs unchanged on both
 * engines. `test/engines/trino-conformance.test.ts` checks every function here against the values
 * in Trino's documentation.
 */
import { isTrivia, type SqlToken, tokenizeSql } from '../core/sql-tokens.ts';

/**
 * Settings that make DuckDB evaluate like Athena: timestamps without a zone are UTC (Athena's
 * session zone), and `/` on integers divides integers, truncating toward zero (`7/2` = 3, `-7/2` = -3).
 * `TimeZone` must be set on a connection: the ICU extension is not loaded yet at instance creation.
 */
export const SESSION_SETTINGS: readonly string[] = ["SET TimeZone = 'UTC'", 'SET integer_division = true'];

/** Most arguments the variadic shims (`concat`, `greatest`, `least`) accept. */
export const MAX_VARIADIC_ARGS = 24;

/** `name(a1, a2) AS …, (a1, a2, a3) AS …`: one overloaded macro per arity from `min` to `max`. */
function variadicMacro(
  name: string,
  min: number,
  max: number,
  body: (args: readonly string[]) => string,
): string {
  const overloads: string[] = [];
  for (let arity = min; arity <= max; arity++) {
    const args = Array.from({ length: arity }, (_, i) => `a${i + 1}`);
    overloads.push(`(${args.join(', ')}) AS ${body(args)}`);
  }
  return `CREATE OR REPLACE MACRO ${name}${overloads.join(',\n  ')}`;
}

function nullIfAnyNull(args: readonly string[], value: string): string {
  return `CASE WHEN ${args.map((arg) => `${arg} IS NULL`).join(' OR ')} THEN NULL ELSE ${value} END`;
}

/**
 * Trino's replacement syntax (`$1` for a group, `\$` for a dollar, `\x` for a literal x) turned
 * into RE2's (`\1`, a literal `$`, `\\` for a backslash). Control characters stand in for the
 * escaped forms while the group references are rewritten.
 */
const RE2_REPLACEMENT = String.raw`replace(replace(system.main.regexp_replace(system.main.regexp_replace(replace(replace(r, '\\', chr(1)), '\$', chr(2)), '\\(.)', '\1', 'g'), '\$(\d)', '\\\1', 'g'), chr(2), '$'), chr(1), '\\')`;

/** The Monday of ISO week 1 of the year in the first four characters of `s`. */
const ISO_WEEK_ONE = `(CAST(s[1:4] || '-01-04' AS DATE) - CAST(isodow(CAST(s[1:4] || '-01-04' AS DATE)) - 1 AS INTEGER))`;

/**
 * The macros, each with the Trino semantics it reproduces. A macro whose name is also a DuckDB
 * builtin shadows it; its body reaches the builtin as `system.main.<name>`.
 */
export const TRINO_MACROS: readonly string[] = [
  // date_diff(unit, t1, t2): complete units from t1 to t2, truncated toward zero, months clamped at
  // month ends (23:00 → 01:00 next day is 0 days). DuckDB's date_diff counts boundaries crossed;
  // its date_sub counts complete units like Trino.
  'CREATE OR REPLACE MACRO date_diff(unit, t1, t2) AS date_sub(unit, t1, t2)',
  // date_add(unit, value, x): x plus value units (negative subtracts); adding months clamps to the
  // month's last day (Jan 31 + 1 month = Feb 28). An unknown unit is an error, as in Trino.
  `CREATE OR REPLACE MACRO date_add(unit, amount, x) AS CASE lower(unit)
    WHEN 'millisecond' THEN x + to_milliseconds(amount)
    WHEN 'second' THEN x + to_seconds(amount)
    WHEN 'minute' THEN x + to_minutes(amount)
    WHEN 'hour' THEN x + to_hours(amount)
    WHEN 'day' THEN x + to_days(amount)
    WHEN 'week' THEN x + to_weeks(amount)
    WHEN 'month' THEN x + to_months(amount)
    WHEN 'quarter' THEN x + to_months(amount * 3)
    WHEN 'year' THEN x + to_years(amount)
    ELSE error('date_add: unit ' || unit || ' is not supported') END`,
  // from_iso8601_timestamp(s): the instant s names; a Z or ±hh:mm offset is honoured, no offset
  // means the session zone (UTC); millisecond precision (timestamp(3) with time zone).
  "CREATE OR REPLACE MACRO from_iso8601_timestamp(s) AS date_trunc('millisecond', CAST(s AS TIMESTAMPTZ))",
  // from_iso8601_date(s): calendar (2020-05-11), ISO week (2020-W10, 2020-W10-3), ordinal (2020-123)
  // and reduced (2020-05, 2020) dates.
  String.raw`CREATE OR REPLACE MACRO from_iso8601_date(s) AS CASE
    WHEN regexp_full_match(s, '\d{4}-W\d{2}(-[1-7])?') THEN ${ISO_WEEK_ONE}
      + CAST((CAST(s[7:8] AS INTEGER) - 1) * 7 + coalesce(CAST(nullif(s[10:10], '') AS INTEGER), 1) - 1 AS INTEGER)
    WHEN regexp_full_match(s, '\d{4}-\d{3}') THEN CAST(s[1:4] || '-01-01' AS DATE) + (CAST(s[6:8] AS INTEGER) - 1)
    WHEN regexp_full_match(s, '\d{4}-\d{2}') THEN CAST(s || '-01' AS DATE)
    WHEN regexp_full_match(s, '\d{4}') THEN CAST(s || '-01-01' AS DATE)
    ELSE CAST(s AS DATE) END`,
  // to_iso8601(x): 2001-08-22 for a date, 2001-08-22T03:04:05.321 for a timestamp,
  // 2001-08-22T03:04:05.321Z for a timestamp with time zone (always UTC here).
  `CREATE OR REPLACE MACRO to_iso8601(x) AS CASE typeof(x)
    WHEN 'DATE' THEN strftime(x, '%Y-%m-%d')
    WHEN 'TIMESTAMP WITH TIME ZONE' THEN strftime(x, '%Y-%m-%dT%H:%M:%S.%gZ')
    ELSE strftime(x, '%Y-%m-%dT%H:%M:%S.%g') END`,
  // day_of_week(x), dow(x): ISO weekday, 1 = Monday … 7 = Sunday (DuckDB's dayofweek has Sunday 0).
  'CREATE OR REPLACE MACRO day_of_week(x) AS isodow(x)',
  'CREATE OR REPLACE MACRO dow(x) AS isodow(x)',
  // day_of_year(x), doy(x): 1 … 366.
  'CREATE OR REPLACE MACRO day_of_year(x) AS dayofyear(x)',
  'CREATE OR REPLACE MACRO doy(x) AS dayofyear(x)',
  // day_of_month(x): alias of day(x).
  'CREATE OR REPLACE MACRO day_of_month(x) AS dayofmonth(x)',
  // last_day_of_month(x): the date of the month's last day.
  'CREATE OR REPLACE MACRO last_day_of_month(x) AS last_day(x)',
  // to_unixtime(x): seconds since 1970-01-01 UTC as a double, fraction included.
  'CREATE OR REPLACE MACRO to_unixtime(x) AS epoch(x)',
  // from_unixtime(x): the instant x seconds after 1970-01-01 UTC, rounded to the millisecond.
  'CREATE OR REPLACE MACRO from_unixtime(x) AS make_timestamptz(CAST(round(x * 1000) AS BIGINT) * 1000)',
  // at_timezone(x, zone): x (UTC) seen in `zone`, DST-correct; hour(), minute(), day_of_week() …
  // of the result are the local ones. The result is that local wall-clock time as a TIMESTAMP.
  'CREATE OR REPLACE MACRO at_timezone(x, zone) AS timezone(zone, CAST(x AS TIMESTAMPTZ))',

  // concat(a, b, …): NULL if any argument is NULL, like ||. DuckDB's concat skips NULLs.
  variadicMacro('concat', 2, MAX_VARIADIC_ARGS, (args) => args.join(' || ')),
  // substr/substring(s, start[, length]): start 1-based, negative counts from the end; start 0, a
  // start before the beginning or a length ≤ 0 give ''. DuckDB reads those three differently.
  ...['substr', 'substring'].map(
    (name) => `CREATE OR REPLACE MACRO ${name}
    (s, start) AS CASE WHEN start = 0 OR start < -length(s) THEN '' ELSE system.main.substr(s, start) END,
    (s, start, len) AS CASE WHEN start = 0 OR len <= 0 OR start < -length(s) THEN ''
      ELSE system.main.substr(s, start, len) END`,
  ),
  // split_part(s, delimiter, index): the index-th field, NULL past the last field (DuckDB gives '').
  `CREATE OR REPLACE MACRO split_part(s, delimiter, idx) AS CASE
    WHEN idx < 1 THEN error('split_part: index must be greater than zero') ELSE string_split(s, delimiter)[idx] END`,
  // regexp_like(s, pattern): the pattern matches somewhere in s (a contains, not a full match).
  'CREATE OR REPLACE MACRO regexp_like(s, pattern) AS regexp_matches(s, pattern)',
  // regexp_extract(s, pattern[, group]): the first match (or its group); NULL when nothing matches
  // (DuckDB gives '').
  `CREATE OR REPLACE MACRO regexp_extract
    (s, pattern) AS CASE WHEN regexp_matches(s, pattern) THEN system.main.regexp_extract(s, pattern) END,
    (s, pattern, grp) AS CASE WHEN regexp_matches(s, pattern) THEN system.main.regexp_extract(s, pattern, grp) END`,
  // regexp_replace(s, pattern[, replacement]): replaces every match (DuckDB: the first, unless 'g');
  // the replacement refers to groups as $1 (DuckDB: \1).
  `CREATE OR REPLACE MACRO regexp_replace
    (s, pattern) AS system.main.regexp_replace(s, pattern, '', 'g'),
    (s, pattern, r) AS system.main.regexp_replace(s, pattern, ${RE2_REPLACEMENT}, 'g')`,
  // json_extract_scalar(json, path): the scalar at path as text; NULL for an object, an array, a
  // JSON null, a missing path or text that is not JSON (DuckDB returns objects and fails on bad JSON).
  `CREATE OR REPLACE MACRO json_extract_scalar(j, path) AS CASE WHEN json_valid(j) THEN
    CASE WHEN json_type(j, path) IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(j, path) END END`,

  // greatest/least(a, b, …): NULL if any argument is NULL (DuckDB skips NULLs).
  variadicMacro('greatest', 2, MAX_VARIADIC_ARGS, (args) =>
    nullIfAnyNull(args, `system.main.greatest(${args.join(', ')})`),
  ),
  variadicMacro('least', 2, MAX_VARIADIC_ARGS, (args) =>
    nullIfAnyNull(args, `system.main.least(${args.join(', ')})`),
  ),
  // sqrt(x): NaN for a negative x (DuckDB raises an error).
  "CREATE OR REPLACE MACRO sqrt(x) AS CASE WHEN x < 0 THEN CAST('NaN' AS DOUBLE) ELSE system.main.sqrt(x) END",
  // ln(x): -Infinity at 0, NaN below (DuckDB raises an error).
  `CREATE OR REPLACE MACRO ln(x) AS CASE WHEN x = 0 THEN CAST('-Infinity' AS DOUBLE)
    WHEN x < 0 THEN CAST('NaN' AS DOUBLE) ELSE system.main.ln(x) END`,

  // cardinality(array): the number of elements (DuckDB's cardinality takes only maps).
  'CREATE OR REPLACE MACRO cardinality(a) AS len(a)',
  // element_at(array, index): 1-based, negative counts from the end, NULL past either end, an error
  // at 0 (DuckDB's element_at takes only maps).
  `CREATE OR REPLACE MACRO element_at(a, idx) AS CASE
    WHEN idx = 0 THEN error('element_at: SQL array indices start at 1') ELSE list_extract(a, idx) END`,
  // contains(array, element): true if found; NULL if not found but the array holds a NULL, or if
  // the element is NULL (DuckDB says false).
  `CREATE OR REPLACE MACRO contains(a, e) AS CASE
    WHEN a IS NULL OR e IS NULL THEN NULL
    WHEN list_contains(a, e) THEN true
    WHEN list_count(a) < len(a) THEN NULL
    ELSE false END`,
];

/** Runs the session settings and creates the macros, through `run` (one statement a call). */
export async function applyTrinoCompat(run: (sql: string) => Promise<void>): Promise<void> {
  for (const statement of [...SESSION_SETTINGS, ...TRINO_MACROS]) await run(statement);
}

/** Trino `extract` fields whose DuckDB name differs. */
const EXTRACT_FIELDS: Readonly<Record<string, string>> = {
  dow: 'isodow',
  day_of_week: 'isodow',
  day_of_month: 'day',
  day_of_year: 'doy',
  year_of_week: 'isoyear',
  yow: 'isoyear',
};

/**
 * Calls rewritten before DuckDB sees them, because a macro cannot reproduce them: a macro is not
 * an aggregate (no FILTER, no DISTINCT), and DuckDB's parser handles IF and EXTRACT itself. Each
 * takes the argument texts and returns the replacement, or undefined to leave the call alone.
 */
const CALL_REWRITES: Readonly<Record<string, (args: readonly string[]) => string | undefined>> = {
  // if(condition, value): NULL when the condition is not true.
  if: (args) => (args.length === 2 ? `if(${args[0]},${args[1]}, NULL)` : undefined),
  // max_by(x, y) / min_by(x, y): x of the row with the largest / smallest y; rows with a NULL y are
  // skipped but x may be NULL (DuckDB's max_by also skips rows with a NULL x; arg_max_null does not).
  max_by: (args) => (args.length === 2 ? `arg_max_null(${args.join(',')})` : undefined),
  min_by: (args) => (args.length === 2 ? `arg_min_null(${args.join(',')})` : undefined),
  // arbitrary(x): some non-NULL x (DuckDB's arbitrary may return NULL).
  arbitrary: (args) => (args.length === 1 ? `any_value(${args[0]})` : undefined),
  // approx_distinct(x): computed exactly, which is within any error bound; 0 for only NULLs.
  approx_distinct: (args) => (args.length === 1 ? `count(DISTINCT ${args[0]})` : undefined),
  // approx_percentile(x, p): an input value, the one at 0-based rank floor(p · n) of the n non-NULL
  // values, which is what Trino returns for small inputs. DuckDB's quantile_disc takes rank
  // ceil(p · n) - 1; read from the other end, the same formula gives Trino's rank. The sign goes
  // outside the call so FILTER and OVER still follow the aggregate; the space keeps it from
  // joining a preceding minus into a comment.
  // extract(field FROM x): Trino's DOW and DAY_OF_WEEK are ISO (Sunday 7; DuckDB's dow has Sunday
  // 0), and DuckDB knows neither DAY_OF_WEEK, DAY_OF_MONTH, DAY_OF_YEAR nor YEAR_OF_WEEK/YOW.
  extract: (args) => {
    const match = args.length === 1 ? /^(\s*)(\w+)\b/.exec(args[0] as string) : null;
    const field = match ? EXTRACT_FIELDS[(match[2] as string).toLowerCase()] : undefined;
    if (!match || !field) return undefined;
    return `extract(${match[1]}${field}${(args[0] as string).slice(match[0].length)})`;
  },
  approx_percentile: (args) =>
    args.length === 2 ? ` -quantile_disc(-(${args[0]}), 1 - (${args[1]}))` : undefined,
};

/**
 * Rewrites the calls in `CALL_REWRITES`; everything else, strings and comments included, is kept
 * byte for byte. Throws `SqlLexError` for an unterminated string or comment.
 */
export function translateTrinoSql(sql: string): string {
  const tokens = tokenizeSql(sql);
  return rewriteRange(tokens, 0, tokens.length);
}

function rewriteRange(tokens: readonly SqlToken[], from: number, to: number): string {
  let out = '';
  let i = from;
  while (i < to) {
    const token = tokens[i] as SqlToken;
    const call = token.kind === 'word' ? matchCall(tokens, i, to) : undefined;
    if (!call) {
      out += token.text;
      i++;
      continue;
    }
    const args = call.args.map(([start, end]) => rewriteRange(tokens, start, end));
    const rewritten = call.rewrite(args);
    out += rewritten ?? `${token.text}${textOf(tokens, i + 1, call.open)}(${args.join(',')})`;
    i = call.close + 1;
  }
  return out;
}

interface Call {
  readonly rewrite: (args: readonly string[]) => string | undefined;
  /** Index of the opening and of the matching closing parenthesis. */
  readonly open: number;
  readonly close: number;
  /** Token ranges [start, end) of the top-level arguments. */
  readonly args: readonly (readonly [number, number])[];
}

/** The call starting at word `index` if it is one to rewrite: not qualified, followed by `(`. */
function matchCall(tokens: readonly SqlToken[], index: number, to: number): Call | undefined {
  const rewrite = CALL_REWRITES[(tokens[index] as SqlToken).text.toLowerCase()];
  if (!rewrite) return undefined;
  const previous = neighbour(tokens, index, -1, 0);
  if (previous !== undefined && (tokens[previous] as SqlToken).text === '.') return undefined;
  const open = neighbour(tokens, index, 1, to);
  if (open === undefined || (tokens[open] as SqlToken).text !== '(') return undefined;
  const args: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = open + 1; i < to; i++) {
    const token = tokens[i] as SqlToken;
    if (token.kind !== 'symbol') continue;
    if (token.text === '(' || token.text === '[') depth++;
    else if ((token.text === ')' || token.text === ']') && depth > 0) depth--;
    else if (token.text === ',' && depth === 0) {
      args.push([start, i]);
      start = i + 1;
    } else if (token.text === ')') {
      if (start < i && tokens.slice(start, i).some((t) => !isTrivia(t))) args.push([start, i]);
      return { rewrite, open, close: i, args };
    }
  }
  return undefined; // unbalanced: leave it for DuckDB to report
}

/** Index of the nearest non-trivia token before (step -1) or after (step 1) `index`, within bounds. */
function neighbour(
  tokens: readonly SqlToken[],
  index: number,
  step: 1 | -1,
  bound: number,
): number | undefined {
  for (let i = index + step; step > 0 ? i < bound : i >= bound; i += step) {
    if (!isTrivia(tokens[i] as SqlToken)) return i;
  }
  return undefined;
}

function textOf(tokens: readonly SqlToken[], from: number, to: number): string {
  return tokens
    .slice(from, to)
    .map((token) => token.text)
    .join('');
}

/**
 * Every function a detector may call: the ones DuckDB runs natively with Trino's semantics (each
 * checked in the conformance test) and the shims above. All lowercase. The lint rejects any other.
 */
export const PORTABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  // date and time — shimmed
  'date_diff',
  'date_add',
  'from_iso8601_timestamp',
  'from_iso8601_date',
  'to_iso8601',
  'day_of_week',
  'dow',
  'day_of_year',
  'doy',
  'day_of_month',
  'last_day_of_month',
  'to_unixtime',
  'from_unixtime',
  'at_timezone',
  // date and time — native
  'date_trunc',
  'date',
  'year',
  'quarter',
  'month',
  'week',
  'day',
  'hour',
  'minute',
  'second',
  // strings — shimmed
  'concat',
  'substr',
  'substring',
  'split_part',
  'regexp_like',
  'regexp_extract',
  'regexp_replace',
  'json_extract_scalar',
  // strings — native
  'length',
  'lower',
  'upper',
  'trim',
  'ltrim',
  'rtrim',
  'replace',
  'reverse',
  'strpos',
  'starts_with',
  'split',
  'lpad',
  'rpad',
  // conditional and conversion
  'if',
  'coalesce',
  'nullif',
  'try',
  'try_cast',
  'greatest',
  'least',
  // math
  'abs',
  'ceil',
  'ceiling',
  'floor',
  'round',
  'sign',
  'mod',
  'power',
  'exp',
  'sqrt',
  'ln',
  // arrays
  'cardinality',
  'element_at',
  'contains',
  // aggregates
  'count',
  'count_if',
  'sum',
  'avg',
  'min',
  'max',
  'bool_and',
  'bool_or',
  'arbitrary',
  'max_by',
  'min_by',
  'array_agg',
  'approx_distinct',
  'approx_percentile',
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
  // window functions
  'row_number',
  'rank',
  'dense_rank',
  'lag',
  'lead',
  'first_value',
  'last_value',
]);
