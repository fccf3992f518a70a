/**
 * `auditlake lint` as a pure library: checks one parsed detector against the rules that keep a
 * detector portable between Athena and the local DuckDB engine, reproducible and cheap. Each rule
 * lives in `rules/<id>.ts`; this module runs them and shapes their hits into issues.
 */
import type { Detector } from '../core/detector.ts';
import { SqlLexError } from '../core/sql-tokens.ts';
import { PORTABLE_FUNCTIONS } from '../engines/trino-compat.ts';
import { DetectorSql } from './detector-sql.ts';
import type { LintRule, LintSeverity } from './lint-rule.ts';
import { atTimeZone } from './rules/at-time-zone.ts';
import { integerDivision } from './rules/integer-division.ts';
import { noWallClock } from './rules/no-wall-clock.ts';
import { paramValue } from './rules/param-value.ts';
import { partitionFilter } from './rules/partition-filter.ts';
import { portableFunctions } from './rules/portable-functions.ts';
import { redactedColumn } from './rules/redacted-column.ts';
import { selectStar } from './rules/select-star.ts';
import { singleQuery } from './rules/single-query.ts';
import { timestampOffset } from './rules/timestamp-offset.ts';
import { describeLexError, trinoSyntax } from './rules/trino-syntax.ts';
import { unknownParam } from './rules/unknown-param.ts';
import { unusedParam } from './rules/unused-param.ts';

export type { LintSeverity } from './lint-rule.ts';

export interface LintIssue {
  readonly file: string;
  /** File line (1-based), or undefined for an issue with no line, such as an unused header parameter. */
  readonly line: number | undefined;
  /** Stable rule id, e.g. `partition-filter`. */
  readonly rule: string;
  readonly severity: LintSeverity;
  /** One line: what is wrong and what to write instead. */
  readonly message: string;
}

export interface LintOptions {
  /**
   * Lowercase names of the functions allowed in detector SQL.
   * @default PORTABLE_FUNCTIONS from lambdas/engines/trino-compat.ts
   */
  readonly portableFunctions?: ReadonlySet<string>;
}

/** Every rule, in the order their issues are listed on one line. */
export const LINT_RULES: readonly LintRule[] = [
  unknownParam,
  paramValue,
  trinoSyntax,
  singleQuery,
  noWallClock,
  timestampOffset,
  atTimeZone,
  integerDivision,
  portableFunctions,
  partitionFilter,
  selectStar,
  redactedColumn,
  unusedParam,
];

/** Lints one detector with the portable function set of the DuckDB compatibility layer. */
export function lintDetector(detector: Detector): LintIssue[] {
  return lintDetectorWith(detector, {});
}

/** Lints one detector; issues are ordered by line, issues without a line first. */
export function lintDetectorWith(detector: Detector, options: LintOptions): LintIssue[] {
  let sql: DetectorSql;
  try {
    sql = DetectorSql.prepare(detector, options.portableFunctions ?? PORTABLE_FUNCTIONS);
  } catch (error) {
    if (!(error instanceof SqlLexError)) throw error;
    const line = detector.sqlLine + error.line - 1;
    return [issue(detector, trinoSyntax, { line, message: describeLexError(error.message) })];
  }
  const issues = LINT_RULES.flatMap((rule) => rule.check(sql).map((hit) => issue(detector, rule, hit)));
  // A stable sort: on one line, issues keep the order of LINT_RULES.
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}

/** `queries/detectors/x.sql:12: error [rule-id] message`; without a line, `x.sql: error …`. */
export function formatLintIssue(issue: LintIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: ${issue.severity} [${issue.rule}] ${issue.message}`;
}

function issue(
  detector: Detector,
  rule: LintRule,
  hit: { readonly line: number | undefined; readonly message: string },
): LintIssue {
  return {
    file: detector.file,
    line: hit.line,
    rule: rule.id,
    severity: rule.severity,
    message: hit.message,
  };
}
