/**
 * Small helpers over dt-sql-parser's Trino parse tree. The tree's node types come from antlr4ng,
 * which is dt-sql-parser's dependency rather than ours, so they are named through dt-sql-parser's
 * own declarations instead of importing antlr4ng.
 */
import {
  AliasedRelationContext,
  BackQuotedIdentifierContext,
  ColumnRefContext,
  ColumnReferenceContext,
  type IdentifierContext,
  type ProgramContext,
  type QualifiedNameContext,
  QuerySpecificationContext,
  QuotedIdentifierContext,
  SubqueryExpressionContext,
  type TableNameContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';

/** A rule node (antlr4ng `ParserRuleContext`). */
export type RuleNode = NonNullable<ProgramContext['parent']>;

/** Any node: a rule node or a token leaf (antlr4ng `ParseTree`). */
export type TreeNode = NonNullable<RuleNode['children']>[number];

/** A node class, for `instanceof` filtering. */
export type NodeClass<T> = abstract new (...args: never[]) => T;

/** Every node under `root` (itself included) in document order. */
export function allNodes(root: TreeNode): TreeNode[] {
  const nodes: TreeNode[] = [];
  const stack: TreeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TreeNode;
    nodes.push(node);
    for (let i = node.getChildCount() - 1; i >= 0; i--) {
      const child = node.getChild(i);
      if (child) stack.push(child);
    }
  }
  return nodes;
}

/** The nearest ancestor of `node` of one class (not `node` itself). */
export function ancestorOf<T>(node: TreeNode, type: NodeClass<T>): T | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current instanceof type) return current;
  }
  return undefined;
}

/** True if `node` is `ancestor` or lies under it. */
export function isWithin(node: TreeNode, ancestor: TreeNode): boolean {
  for (let current: TreeNode | null = node; current; current = current.parent) {
    if (current === ancestor) return true;
  }
  return false;
}

/** An identifier as Trino resolves it: quotes removed and lowercased (Athena names are case-insensitive). */
export function identifierName(identifier: IdentifierContext): string {
  const text = identifier.getText();
  const unquoted =
    identifier instanceof QuotedIdentifierContext
      ? text.slice(1, -1).replaceAll('""', '"')
      : identifier instanceof BackQuotedIdentifierContext
        ? text.slice(1, -1)
        : text;
  return unquoted.toLowerCase();
}

export function qualifiedNameParts(name: QualifiedNameContext): string[] {
  return name.identifier().map(identifierName);
}

/** The parts of a column reference (`e.dt` → [e, dt]), or undefined if `node` is not one. */
export function columnParts(node: TreeNode): string[] | undefined {
  if (node instanceof ColumnReferenceContext) return qualifiedNameParts(node.columnName().qualifiedName());
  if (node instanceof ColumnRefContext) {
    const name = node.qualifiedName();
    return name ? qualifiedNameParts(name) : undefined;
  }
  return undefined;
}

/** True if the expression reads no column and runs no subquery: its value is fixed before the scan. */
export function isConstant(node: TreeNode): boolean {
  return !allNodes(node).some(
    (inner) =>
      inner instanceof ColumnReferenceContext ||
      inner instanceof ColumnRefContext ||
      inner instanceof SubqueryExpressionContext,
  );
}

/** A scan of a named table: `FROM name [AS alias]`. */
export interface TableScan {
  readonly node: TableNameContext;
  /** The table's name parts, lowercased (`db.audit_events` → [db, audit_events]). */
  readonly name: readonly string[];
  readonly alias: string | undefined;
  /** The query specification whose FROM holds the scan. */
  readonly query: QuerySpecificationContext | undefined;
}

export function tableScan(node: TableNameContext): TableScan {
  const aliasNode = node.parent instanceof AliasedRelationContext ? node.parent.identifier() : null;
  return {
    node,
    name: node.tableOrViewName().tableRef()?.identifier().map(identifierName) ?? [],
    alias: aliasNode ? identifierName(aliasNode) : undefined,
    query: ancestorOf(node, QuerySpecificationContext),
  };
}

/**
 * The qualifiers a column of this scan may be written with: the alias if it has one, else the
 * table name with any of its catalog and schema prefixes.
 */
export function scanQualifiers(scan: TableScan): string[] {
  if (scan.alias !== undefined) return [scan.alias];
  return scan.name.map((_, i) => scan.name.slice(i).join('.'));
}
