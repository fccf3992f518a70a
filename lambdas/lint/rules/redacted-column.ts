import {
  NamedQueryContext,
  QuerySpecificationContext,
  type SelectItemContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { DEFAULT_REDACTION, REDACTED } from '../../core/redaction.ts';
import type { LintRule, RuleHit } from '../lint-rule.ts';
import { ancestorOf, identifierName } from '../parse-tree.ts';

/**
 * The detector's result selects a column the shipped redaction list (queries/redaction.yaml's
 * defaults) redacts: its values will only ever be shown as `[redacted]`, so it is either customer
 * data that should not be selected, or a column to rename.
 */
export const redactedColumn: LintRule = {
  id: 'redacted-column',
  severity: 'warning',
  check: (sql) => {
    const hits: RuleHit[] = [];
    // The final SELECT: not inside a WITH query or another SELECT (its rows are the findings).
    const outer = sql
      .nodes(QuerySpecificationContext)
      .filter(
        (query) =>
          ancestorOf(query, NamedQueryContext) === undefined &&
          ancestorOf(query, QuerySpecificationContext) === undefined,
      );
    for (const query of outer) {
      for (const item of query.selectList().selectItem()) {
        const name = outputName(item);
        if (name === undefined || !DEFAULT_REDACTION.isRedacted(name)) continue;
        hits.push({
          line: sql.lineOf(item),
          message: `the result column ${name} matches the redaction list, so every finding will show it as ${REDACTED}; select an aggregate or an id of your own systems instead of customer data`,
        });
      }
    }
    return hits;
  },
};

/** The name a select item gives its column: the alias, or the column's own name. */
function outputName(item: SelectItemContext): string | undefined {
  const alias = item.identifier();
  if (alias) return identifierName(alias);
  const text = item.getText();
  return /^[A-Za-z_][\w.]*$/.test(text) ? text.split('.').at(-1)?.toLowerCase() : undefined;
}
