import {
  FunctionCallContext,
  JsonArrayContext,
  JsonExistsContext,
  JsonObjectContext,
  JsonQueryContext,
  JsonValueContext,
  ListAggContext,
  NormalizeContext,
} from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { LintRule, RuleHit } from '../lint-rule.ts';
import { type NodeClass, qualifiedNameParts, type RuleNode } from '../parse-tree.ts';
import { WALL_CLOCK_FUNCTIONS } from './no-wall-clock.ts';

const DAY_OF_WEEK = 'day_of_week(ts) (ISO: Monday = 1 … Sunday = 7)';
const PERCENTILE = 'approx_percentile(x, 0.5)';

/**
 * What to write instead of functions people bring from DuckDB, Spark or PostgreSQL. Each
 * suggestion is keyed by the function it relies on and offered only if that one is portable.
 */
const INSTEAD: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  dow: { day_of_week: DAY_OF_WEEK },
  dayofweek: { day_of_week: `${DAY_OF_WEEK}; DuckDB's dayofweek counts Sunday = 0` },
  datediff: { date_diff: "date_diff('day', start, end)" },
  strftime: {
    format_datetime: "format_datetime(ts, 'yyyy-MM-dd HH:mm')",
    date_format: "date_format(ts, '%Y-%m-%d %H:%i')",
    hour: 'hour(ts), day_of_week(ts) or date_trunc(unit, ts) for the part you need',
  },
  strptime: {
    date_parse: "date_parse(text, '%Y-%m-%d %H:%i:%s')",
    from_iso8601_timestamp: 'from_iso8601_timestamp(text) for ISO 8601 text',
  },
  list_contains: { contains: 'contains(array, value)' },
  string_split: { split: 'split(text, delimiter)' },
  epoch: { to_unixtime: 'to_unixtime(ts)' },
  epoch_ms: { to_unixtime: 'to_unixtime(ts) * 1000' },
  approx_quantile: { approx_percentile: PERCENTILE },
  quantile: { approx_percentile: PERCENTILE },
  quantile_cont: { approx_percentile: PERCENTILE },
  median: { approx_percentile: PERCENTILE },
  regexp_matches: { regexp_like: 'regexp_like(text, pattern)' },
  ifnull: { coalesce: 'coalesce(x, fallback)' },
  array_length: { cardinality: 'cardinality(array)' },
  len: { length: 'length(text)', cardinality: 'cardinality(array)' },
  date_part: { hour: 'hour(ts), minute(ts), day_of_week(ts) or extract(field FROM ts)' },
};

/** Syntax forms that are functions in all but name; checked against the portable set like calls. */
const SPECIAL_FORMS: readonly (readonly [NodeClass<RuleNode>, string])[] = [
  [ListAggContext, 'listagg'],
  [JsonExistsContext, 'json_exists'],
  [JsonValueContext, 'json_value'],
  [JsonQueryContext, 'json_query'],
  [JsonObjectContext, 'json_object'],
  [JsonArrayContext, 'json_array'],
  [NormalizeContext, 'normalize'],
];

/**
 * Every function is in the portable set: it exists on Athena and, through the compatibility
 * layer, on DuckDB with the same meaning. Clock functions are left to the no-wall-clock rule.
 */
export const portableFunctions: LintRule = {
  id: 'portable-functions',
  severity: 'error',
  check: (sql) => {
    const calls: (readonly [RuleNode, string])[] = sql
      .nodes(FunctionCallContext)
      .map((call) => [call, qualifiedNameParts(call.functionName().qualifiedName()).join('.')] as const);
    for (const [type, name] of SPECIAL_FORMS) {
      calls.push(...sql.nodes(type).map((node) => [node, name] as const));
    }
    const hits: RuleHit[] = [];
    const reported = new Set<string>();
    for (const [node, name] of calls) {
      if (sql.portableFunctions.has(name) || WALL_CLOCK_FUNCTIONS.has(name)) continue;
      const line = sql.lineOf(node);
      // One issue per function per line, however often it is called there.
      if (reported.has(`${line} ${name}`)) continue;
      reported.add(`${line} ${name}`);
      const instead = Object.entries(INSTEAD[name] ?? {})
        .filter(([needs]) => sql.portableFunctions.has(needs))
        .map(([, write]) => write)
        .join(' or ');
      hits.push({
        line,
        message: instead
          ? `${name} is not in the portable set (it is missing on one engine or means something else there); write ${instead}`
          : `${name} is not in the portable set (see docs/detectors.md); it may not exist or may behave differently on Athena and DuckDB, so use a function from the set`,
      });
    }
    return hits;
  },
};
