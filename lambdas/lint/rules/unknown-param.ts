import type { LintRule } from '../lint-rule.ts';

/** Every `:name` in the SQL is a header parameter or a built-in window parameter. */
export const unknownParam: LintRule = {
  id: 'unknown-param',
  severity: 'error',
  check: (sql) =>
    sql.paramProblems
      .filter((problem) => problem.kind === 'unknown')
      .map((problem) => ({ line: sql.fileLine(problem.line), message: problem.message })),
};
