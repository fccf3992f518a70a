import type { LintRule } from '../lint-rule.ts';

/** Every parameter declared in the header is used by the SQL (a comment does not count). */
export const unusedParam: LintRule = {
  id: 'unused-param',
  severity: 'warning',
  check: (sql) => {
    const used = new Set(
      sql.tokens.filter((token) => token.kind === 'parameter').map((token) => token.text.slice(1)),
    );
    return Object.keys(sql.detector.params)
      .filter((name) => !used.has(name))
      .map((name) => ({
        line: undefined,
        message: `parameter ${name} is declared in the header but the SQL never uses it; use it as :${name} or remove it from params:`,
      }));
  },
};
