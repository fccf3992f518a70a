/** Small detector files written for the lint tests, and a portable set that does not move under them. */
import { type Detector, parseDetector } from '../../lambdas/core/detector.ts';
import { type LintIssue, lintDetectorWith } from '../../lambdas/lint/detector-lint.ts';

/**
 * A stand-in for PORTABLE_FUNCTIONS, so a rule's tests do not change when the compatibility
 * layer adds a function. detector-lint.test.ts checks the real set separately.
 */
export const TEST_PORTABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  'approx_percentile',
  'at_timezone',
  'contains',
  'count',
  'date_diff',
  'day_of_week',
  'format_datetime',
  'from_iso8601_timestamp',
  'lower',
  'max',
  'min',
  'split',
  'sum',
  'to_unixtime',
]);

export const FILE = 'queries/detectors/t.sql';

/** File line of the first SQL line in `detectorWith` files: the header takes lines 1–11. */
export const FIRST_SQL_LINE = 12;

export interface FixtureHeader {
  readonly params?: Readonly<Record<string, unknown>>;
  readonly window?: string;
}

/** A detector file with a valid header and `sql` starting on FIRST_SQL_LINE. */
export function detectorWith(sql: string, header: FixtureHeader = {}): Detector {
  const text = [
    '/*',
    'id: t',
    'title: Test',
    'description: A test detector.',
    'severity: high',
    'schedule: rate(1 hour)',
    `window: ${header.window ?? '1h'}`,
    'lookback: 28d',
    `params: ${JSON.stringify(header.params ?? {})}`,
    'runbook: Check it.',
    '*/',
    sql,
  ].join('\n');
  return parseDetector(FILE, text);
}

/** Lints `sql` in a fixture detector with the test portable set. */
export function lint(sql: string, header: FixtureHeader = {}): LintIssue[] {
  return lintDetectorWith(detectorWith(sql, header), { portableFunctions: TEST_PORTABLE_FUNCTIONS });
}

/** The issues one rule raised on `sql`. */
export function lintRule(rule: string, sql: string, header: FixtureHeader = {}): LintIssue[] {
  return lint(sql, header).filter((issue) => issue.rule === rule);
}

/** The file line of the n-th (1-based) line of fixture SQL. */
export function sqlLine(n: number): number {
  return FIRST_SQL_LINE + n - 1;
}

/** A compliant base query over audit_events, for rules that need one. */
export const SCAN = 'FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt';
