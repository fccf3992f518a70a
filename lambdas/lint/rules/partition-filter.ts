import {
  AndContext,
  BetweenContext,
  type BooleanExpressionContext,
  ComparisonContext,
  InListContext,
  JoinRelationContext,
  ParenthesizedExpressionContext,
  PredicatedContext,
  TableContext,
  TableNameContext,
  ValueExpressionDefaultContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule, RuleHit } from '../lint-rule.ts';
import {
  columnParts,
  identifierName,
  isConstant,
  isWithin,
  scanQualifiers,
  type TableScan,
  type TreeNode,
  tableScan,
} from '../parse-tree.ts';

const AUDIT_EVENTS = 'audit_events';
const PARTITION_COLUMN = 'dt';
const NARROWING_COMPARISONS = new Set(['=', '<', '<=', '>', '>=']);

/**
 * Every scan of audit_events is bounded on its `dt` partition: a comparison, BETWEEN or IN
 * against values fixed before the scan, in a top-level AND of the WHERE of the same query
 * specification or in the ON of a join that does not preserve the scanned side. Anything
 * else makes Athena read (and bill) every partition.
 */
export const partitionFilter: LintRule = {
  id: 'partition-filter',
  severity: 'error',
  check: (sql) => {
    const hits: RuleHit[] = [];
    for (const scan of sql.nodes(TableNameContext).map(tableScan)) {
      if (scan.name.at(-1) !== AUDIT_EVENTS || isBoundedOnDt(scan)) continue;
      const line = sql.lineOf(scan.node);
      const dt = scan.alias === undefined ? PARTITION_COLUMN : `${scan.alias}.${PARTITION_COLUMN}`;
      hits.push({ line, message: unboundedMessage(line, dt) });
    }
    for (const table of sql.nodes(TableContext)) {
      if (table.tableRef().identifier().map(identifierName).at(-1) !== AUDIT_EVENTS) continue;
      const line = sql.lineOf(table);
      hits.push({
        line,
        message: `TABLE audit_events at line ${line} reads every partition; write SELECT <columns> FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt instead`,
      });
    }
    return hits;
  },
};

function unboundedMessage(line: number, dt: string): string {
  return `audit_events scan at line ${line} is not constrained on dt; add ${dt} BETWEEN :window_start_dt AND :window_end_dt (or :baseline_start_dt) so Athena reads only the partitions it needs`;
}

function isBoundedOnDt(scan: TableScan): boolean {
  const qualifiers = scanQualifiers(scan);
  const conjuncts: BooleanExpressionContext[] = [];
  const where = scan.query?.whereClause();
  if (where) conjuncts.push(...topLevelConjuncts(where.booleanExpression()));
  for (let node = scan.node.parent; node && node !== scan.query; node = node.parent) {
    if (node instanceof JoinRelationContext) conjuncts.push(...joinConjuncts(node, scan));
  }
  return conjuncts.some((conjunct) => boundsDt(conjunct, qualifiers));
}

/** The ON conjuncts of a join that filter the scan's side (an outer join keeps every row of its preserved side). */
function joinConjuncts(join: JoinRelationContext, scan: TableScan): BooleanExpressionContext[] {
  const on = join.joinCriteria()?.booleanExpression();
  const left = join._left ?? join.relation(0);
  if (!on || !left) return [];
  const type = (join.joinType()?.getText() ?? '').toLowerCase();
  const onLeft = isWithin(scan.node, left);
  const preserved =
    type.startsWith('full') || (type.startsWith('left') && onLeft) || (type.startsWith('right') && !onLeft);
  return preserved ? [] : topLevelConjuncts(on);
}

function topLevelConjuncts(expression: BooleanExpressionContext): BooleanExpressionContext[] {
  if (expression instanceof AndContext) return expression.booleanExpression().flatMap(topLevelConjuncts);
  const inner = parenthesized(expression);
  return inner ? topLevelConjuncts(inner) : [expression];
}

/** `( expression )` on its own: the expression inside, else undefined. */
function parenthesized(expression: BooleanExpressionContext): BooleanExpressionContext | undefined {
  if (!(expression instanceof PredicatedContext) || expression.predicate()) return undefined;
  const value = expression.valueExpression();
  if (!(value instanceof ValueExpressionDefaultContext)) return undefined;
  const primary = value.primaryExpression();
  return primary instanceof ParenthesizedExpressionContext
    ? primary.expression().booleanExpression()
    : undefined;
}

function boundsDt(conjunct: BooleanExpressionContext, qualifiers: readonly string[]): boolean {
  if (!(conjunct instanceof PredicatedContext)) return false;
  const left = conjunct.valueExpression();
  const predicate = conjunct.predicate();
  const isDt = (node: TreeNode | null) => node !== null && isDtColumn(node, qualifiers);
  if (predicate instanceof ComparisonContext) {
    if (!NARROWING_COMPARISONS.has(predicate.comparisonOperator().getText())) return false;
    const right = predicate.valueExpression();
    return (isDt(left) && isConstant(right)) || (isDt(right) && isConstant(left));
  }
  if (predicate instanceof BetweenContext) {
    return !predicate.KW_NOT() && isDt(left) && predicate.valueExpression().every(isConstant);
  }
  if (predicate instanceof InListContext) {
    return !predicate.KW_NOT() && isDt(left) && predicate.expression().every(isConstant);
  }
  return false;
}

/** `dt` or `<qualifier>.dt` for one of the scan's qualifiers. */
function isDtColumn(node: TreeNode, qualifiers: readonly string[]): boolean {
  const primary = node instanceof ValueExpressionDefaultContext ? node.primaryExpression() : node;
  const parts = columnParts(primary);
  if (!parts || parts.at(-1) !== PARTITION_COLUMN) return false;
  return parts.length === 1 || qualifiers.includes(parts.slice(0, -1).join('.'));
}
