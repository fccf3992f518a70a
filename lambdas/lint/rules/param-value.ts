import type { LintRule } from '../lint-rule.ts';

/** Every header default renders as a SQL literal (finite, bigint-sized, no control characters). */
export const paramValue: LintRule = {
  id: 'param-value',
  severity: 'error',
  check: (sql) =>
    sql.paramProblems
      .filter((problem) => problem.kind === 'bad-value')
      .map((problem) => ({
        line: sql.fileLine(problem.line),
        message: `${problem.message}; change its default under params: in the header`,
      })),
};
