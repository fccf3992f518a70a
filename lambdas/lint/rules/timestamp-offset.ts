import {
  CastContext,
  DateTimeTypeContext,
  TypeConstructorContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { DetectorSql } from '../detector-sql.ts';
import type { LintRule, RuleHit } from '../lint-rule.ts';
import type { RuleNode } from '../parse-tree.ts';

/** A date and time followed by an offset (`Z`, `+02:00`) or a zone name (`UTC`, `Europe/Berlin`). */
const ZONED =
  /^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z][\w/+-]*)$/i;

/** A timestamp written as text carries no offset or zone: DuckDB drops it where Athena applies it. */
export const timestampOffset: LintRule = {
  id: 'timestamp-offset',
  severity: 'error',
  check: (sql) => {
    const hits: RuleHit[] = [];
    for (const cast of sql.nodes(CastContext)) {
      const type = cast.type();
      const toPlainTimestamp = type instanceof DateTimeTypeContext && type.KW_TIMESTAMP() && !type.KW_WITH();
      if (toPlainTimestamp) hits.push(...check(sql, cast, sql.renderedOf(cast.expression())));
    }
    for (const literal of sql.nodes(TypeConstructorContext)) {
      if (literal.identifier()?.getText().toLowerCase() === 'timestamp') {
        hits.push(...check(sql, literal, sql.renderedOf(literal.string())));
      }
    }
    return hits;
  },
};

function check(sql: DetectorSql, node: RuleNode, rendered: string): RuleHit[] {
  const literal = /^'((?:[^']|'')*)'$/.exec(rendered.trim());
  const zoned = literal ? ZONED.exec((literal[1] as string).replaceAll("''", "'").trim()) : null;
  if (!zoned) return [];
  const [, date, time, zone] = zoned as unknown as [string, string, string, string];
  const line = sql.lineOf(node);
  const written = sql.sourceOf(node);
  if (/^(z|[+-])/i.test(zone)) {
    const iso = `${date}T${time}${zone.toUpperCase()}`;
    return [
      {
        line,
        message: `${written} has the offset ${zone}, which Athena applies but DuckDB drops; use from_iso8601_timestamp('${iso}')`,
      },
    ];
  }
  return [
    {
      line,
      message: `${written} names the time zone ${zone}, which DuckDB drops; write the UTC time without a zone, or from_iso8601_timestamp('${date}T${time}+hh:mm') with its offset`,
    },
  ];
}
