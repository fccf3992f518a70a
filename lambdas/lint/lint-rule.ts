/**
 * The shape of a lint rule, in the cdk-nag style: one file per rule under `rules/`, named by the
 * rule's id, holding one pure check over the prepared detector SQL.
 */
import type { DetectorSql } from './detector-sql.ts';

export type LintSeverity = 'error' | 'warning';

/** One place a rule fires. */
export interface RuleHit {
  /** File line, or undefined when the problem has no line (e.g. in the header). */
  readonly line: number | undefined;
  /** One line: what is wrong and what to write instead. */
  readonly message: string;
}

export interface LintRule {
  /** Stable id, equal to the rule's file name; shown in every issue so it can be looked up. */
  readonly id: string;
  readonly severity: LintSeverity;
  readonly check: (sql: DetectorSql) => readonly RuleHit[];
}
