import {
  QuerySpecificationContext,
  type SelectItemContext,
  TableNameContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule, RuleHit } from '../lint-rule.ts';
import { columnParts, scanQualifiers, tableScan } from '../parse-tree.ts';

/** No `SELECT *` (or `e.*`) over audit_events: Athena bills every column it reads. */
export const selectStar: LintRule = {
  id: 'select-star',
  severity: 'warning',
  check: (sql) => {
    const hits: RuleHit[] = [];
    const auditScans = sql
      .nodes(TableNameContext)
      .map(tableScan)
      .filter((scan) => scan.name.at(-1) === 'audit_events');
    for (const query of sql.nodes(QuerySpecificationContext)) {
      const scans = auditScans.filter((scan) => scan.query === query);
      if (scans.length === 0) continue;
      const qualifiers = new Set(scans.flatMap(scanQualifiers));
      for (const item of query.selectList().selectItem()) {
        const star = starOver(item, qualifiers);
        if (star) {
          hits.push({
            line: sql.lineOf(item),
            message: `SELECT ${star} reads every column of audit_events, and Athena bills by the bytes it scans; list only the columns the detector needs`,
          });
        }
      }
    }
    return hits;
  },
};

/** `*`, or `q.*` for a qualifier of an audit_events scan; undefined for any other select item. */
function starOver(item: SelectItemContext, qualifiers: ReadonlySet<string>): string | undefined {
  if (item.selectAllWithoutTable()) return '*';
  const all = item.tableAllColumns();
  const prefix = all ? columnParts(all.primaryExpression())?.join('.') : undefined;
  return prefix && qualifiers.has(prefix) ? `${prefix}.*` : undefined;
}
