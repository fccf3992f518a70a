import { AtTimeZoneContext, TimeZoneStringContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule } from '../lint-rule.ts';

/** No `AT TIME ZONE`: for a timestamp without zone DuckDB converts the opposite way from Athena. */
export const atTimeZone: LintRule = {
  id: 'at-time-zone',
  severity: 'error',
  check: (sql) =>
    sql.nodes(AtTimeZoneContext).map((node) => {
      const value = sql.sourceOf(node.valueExpression());
      const specifier = node.timeZoneSpecifier();
      const zone = specifier instanceof TimeZoneStringContext ? sql.sourceOf(specifier.string()) : "'+hh:mm'";
      return {
        line: sql.lineOf(node),
        message: `${sql.sourceOf(node)}: AT TIME ZONE converts the opposite way on DuckDB for a timestamp without zone; use at_timezone(${value}, ${zone})`,
      };
    }),
};
