import { StatementDefaultContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule, RuleHit } from '../lint-rule.ts';

/** The SQL is exactly one read-only query (SELECT, WITH … SELECT): no DDL, DML, SET or second statement. */
export const singleQuery: LintRule = {
  id: 'single-query',
  severity: 'error',
  check: (sql) => {
    if (!sql.tree) return [];
    const statements = sql.tree.statements().map((statements) => statements.singleStatement().statement());
    const hits: RuleHit[] = [];
    const second = statements[1];
    if (second) {
      hits.push({
        line: sql.lineOf(second),
        message: `found ${statements.length} statements; a detector is exactly one query, so remove everything after the first (and any ';' between them)`,
      });
    }
    for (const statement of statements) {
      if (!(statement instanceof StatementDefaultContext)) {
        const kind = sql.sourceOf(statement).split(' ').slice(0, 2).join(' ').toUpperCase();
        hits.push({
          line: sql.lineOf(statement),
          message: `${kind} is not a query; a detector is one read-only SELECT (or WITH … SELECT) whose rows are the findings`,
        });
      } else if (statement.rootQuery().withFunction()) {
        hits.push({
          line: sql.lineOf(statement),
          message:
            'WITH FUNCTION inline functions do not run on DuckDB; compute the value in the query with functions from the portable set',
        });
      }
    }
    return hits;
  },
};
