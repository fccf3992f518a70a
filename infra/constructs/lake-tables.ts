/**
 * The Glue column lists of the lake's tables, derived from the runtime's own contracts
 * (`AUDIT_EVENT_COLUMNS`, `EMPLOYEE_COLUMNS`, `Finding`) so the catalog cannot drift from what
 * ingest writes and detectors read; rollup tables take theirs from their SQL (infra/rollup-columns.ts).
 * Table names are part of the data contract: detector SQL names them.
 */
import {
  AUDIT_EVENT_COLUMNS,
  AUDIT_EVENTS_TABLE,
  type AuditColumnType,
} from '../../lambdas/core/audit-event.ts';
import { EMPLOYEE_COLUMNS, EMPLOYEES_TABLE } from '../../lambdas/engines/lake-tables.ts';

export interface GlueColumn {
  readonly name: string;
  /** Hive/Glue type: `string`, `bigint`, `int`, `double`, `boolean`, `date`, `timestamp`, `array<…>`, `struct<…>`. */
  readonly type: string;
  readonly comment?: string;
}

const AUDIT_TO_GLUE: Readonly<Record<AuditColumnType, string>> = {
  varchar: 'string',
  bigint: 'bigint',
  timestamp: 'timestamp',
};

/** `audit_events` without its partition column, in Parquet file order. */
export const AUDIT_EVENT_GLUE_COLUMNS: readonly GlueColumn[] = AUDIT_EVENT_COLUMNS.map((column) => ({
  name: column.name,
  type: AUDIT_TO_GLUE[column.type],
  comment: column.description,
}));

const DUCKDB_TO_GLUE: Readonly<Record<string, string>> = {
  VARCHAR: 'string',
  INTEGER: 'int',
  BIGINT: 'bigint',
  DATE: 'date',
  BOOLEAN: 'boolean',
};

/** `employees`, typed as the DuckDB views type it locally. */
export const EMPLOYEE_GLUE_COLUMNS: readonly GlueColumn[] = EMPLOYEE_COLUMNS.map((column) => {
  const type = DUCKDB_TO_GLUE[column.type];
  if (type === undefined) throw new Error(`employees.${column.name}: no Glue type for DuckDB ${column.type}`);
  return { name: column.name, type };
});

export const FINDINGS_TABLE = 'findings';

/** One JSON line of the findings history per finding (`Finding` in lambdas/core/finding.ts). */
export const FINDING_GLUE_COLUMNS: readonly GlueColumn[] = [
  { name: 'finding_id', type: 'string' },
  { name: 'detector_id', type: 'string' },
  { name: 'title', type: 'string' },
  { name: 'severity', type: 'string' },
  { name: 'actor_id', type: 'string' },
  { name: 'window_start', type: 'string', comment: 'ISO-8601 UTC' },
  { name: 'window_end', type: 'string', comment: 'ISO-8601 UTC' },
  { name: 'summary', type: 'string' },
  { name: 'score', type: 'double' },
  { name: 'first_seen', type: 'string' },
  { name: 'last_seen', type: 'string' },
  { name: 'event_count', type: 'bigint' },
  { name: 'evidence', type: 'string', comment: 'JSON object text' },
  { name: 'detected_at', type: 'string', comment: 'ISO-8601 UTC' },
  { name: 'runbook', type: 'string' },
  { name: 'tags', type: 'array<string>' },
  { name: 'suppression', type: 'struct<reason:string,owner:string,expires:string>' },
];

export { AUDIT_EVENTS_TABLE, EMPLOYEES_TABLE };

/** The partition column every dated table shares. */
export const DT_PARTITION: GlueColumn = { name: 'dt', type: 'string', comment: 'YYYY-MM-DD, UTC' };
