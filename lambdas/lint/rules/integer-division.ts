import {
  ArithmeticBinaryContext,
  ArithmeticUnaryContext,
  CastContext,
  FunctionCallContext,
  GenericTypeContext,
  IntegerLiteralContext,
  NumericLiteralContext,
  ParenthesizedExpressionContext,
  PredicatedContext,
  ValueExpressionDefaultContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule } from '../lint-rule.ts';
import { identifierName, qualifiedNameParts, type TreeNode } from '../parse-tree.ts';

/** Functions that return an integer type whatever their arguments. */
const INTEGER_FUNCTIONS = new Set([
  'count',
  'count_if',
  'approx_distinct',
  'cardinality',
  'length',
  'row_number',
  'rank',
  'dense_rank',
]);

const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);

/**
 * No `/` between two integers: Athena truncates (7 / 2 is 3, and DuckDB is set to match), which
 * is rarely what a ratio or threshold meant. Only operands whose type is certain without a schema
 * are judged: integer literals (integer parameters render as literals), counts and integer casts.
 */
export const integerDivision: LintRule = {
  id: 'integer-division',
  severity: 'error',
  check: (sql) =>
    sql.nodes(ArithmeticBinaryContext).flatMap((node) => {
      const [left, right] = node.valueExpression();
      if (!node.SLASH() || !left || !right || !isInteger(left) || !isInteger(right)) return [];
      const [x, y] = [sql.sourceOf(left), sql.sourceOf(right)];
      const fraction = isDigits(y) ? `${x} / ${y}.0` : `CAST(${x} AS DOUBLE) / ${y}`;
      const compare = isDigits(x) && isDigits(y) ? '' : `, or compare without dividing (${x} > n * ${y})`;
      return [
        {
          line: sql.lineOf(node),
          message: `${sql.sourceOf(node)} divides two integers, which Athena truncates (7 / 2 is 3); for a fraction write ${fraction}${compare}`,
        },
      ];
    }),
};

/** An integer literal as written (not a parameter that renders as one). */
function isDigits(written: string): boolean {
  return /^\d+$/.test(written);
}

function isInteger(node: TreeNode | null): boolean {
  if (node instanceof ArithmeticUnaryContext) return isInteger(node.valueExpression());
  if (node instanceof ArithmeticBinaryContext) {
    return isInteger(node.valueExpression(0)) && isInteger(node.valueExpression(1));
  }
  if (node instanceof ValueExpressionDefaultContext) return isInteger(node.primaryExpression());
  if (node instanceof NumericLiteralContext) return node.number() instanceof IntegerLiteralContext;
  if (node instanceof ParenthesizedExpressionContext) {
    const inner = node.expression().booleanExpression();
    return inner instanceof PredicatedContext && !inner.predicate() && isInteger(inner.valueExpression());
  }
  if (node instanceof FunctionCallContext) {
    return INTEGER_FUNCTIONS.has(qualifiedNameParts(node.functionName().qualifiedName()).join('.'));
  }
  if (node instanceof CastContext) {
    const type = node.type();
    return type instanceof GenericTypeContext && INTEGER_TYPES.has(identifierName(type.identifier()));
  }
  return false;
}
