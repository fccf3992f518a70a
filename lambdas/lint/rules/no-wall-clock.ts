import {
  CurrentDateContext,
  CurrentTimeContext,
  CurrentTimestampContext,
  FunctionCallContext,
  LocalTimeContext,
  LocalTimestampContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule } from '../lint-rule.ts';
import { qualifiedNameParts, type RuleNode } from '../parse-tree.ts';

/** Functions that read the clock (Trino's and DuckDB's spellings); the portable-functions rule leaves them to this one. */
export const WALL_CLOCK_FUNCTIONS: ReadonlySet<string> = new Set([
  'now',
  'today',
  'get_current_time',
  'get_current_timestamp',
  'transaction_timestamp',
]);

/** The query does not read the clock, so rerunning or backfilling a window gives the same findings. */
export const noWallClock: LintRule = {
  id: 'no-wall-clock',
  severity: 'error',
  check: (sql) => {
    const clockCalls = sql
      .nodes(FunctionCallContext)
      .filter((call) =>
        WALL_CLOCK_FUNCTIONS.has(qualifiedNameParts(call.functionName().qualifiedName()).join('.')),
      );
    const nodes: RuleNode[] = [
      ...sql.nodes(CurrentTimestampContext),
      ...sql.nodes(CurrentDateContext),
      ...sql.nodes(CurrentTimeContext),
      ...sql.nodes(LocalTimestampContext),
      ...sql.nodes(LocalTimeContext),
      ...clockCalls,
    ];
    return nodes.map((node) => ({
      line: sql.lineOf(node),
      message: `${sql.sourceOf(node)} reads the wall clock, so a rerun or backfill of the same window gives different results; use :window_end / :window_start (or :window_end_dt for a dt) so runs are reproducible`,
    }));
  },
};
