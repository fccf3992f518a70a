/**
 * The lake's tables as DuckDB views, with the column names and types detectors see on Athena.
 * Layout: `<lake>/audit_events/dt=YYYY-MM-DD/*.parquet` (hive partitions, so a `dt` filter reads
 * only those directories) and `<lake>/employees/*` (CSV with a header, JSON lines or Parquet).
 * A table with no files yet is an empty view with the same columns.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AUDIT_EVENT_COLUMNS, AUDIT_EVENT_PARTITION, AUDIT_EVENTS_TABLE } from '../core/audit-event.ts';
import { AuditlakeError, ConfigError } from '../core/errors.ts';
import type { QueryRequest, QueryResult } from '../core/ports.ts';

/** What the views need from the engine (`DuckDbEngine` has it). */
export interface LakeSession {
  run(sql: string): Promise<void>;
  query(request: QueryRequest): Promise<QueryResult>;
}

interface ViewColumn {
  readonly name: string;
  /** DuckDB type. */
  readonly type: string;
}

const DUCKDB_TYPES = { varchar: 'VARCHAR', bigint: 'BIGINT', timestamp: 'TIMESTAMP' } as const;

export const AUDIT_EVENTS_VIEW_COLUMNS: readonly ViewColumn[] = [
  ...AUDIT_EVENT_COLUMNS.map((column) => ({ name: column.name, type: DUCKDB_TYPES[column.type] })),
  { name: AUDIT_EVENT_PARTITION.name, type: 'VARCHAR' },
];

export const EMPLOYEES_TABLE = 'employees';

/** The employee directory. Times are local to `timezone` (IANA); `work_days` are ISO weekdays, `1,2,3,4,5`. */
export const EMPLOYEE_COLUMNS: readonly ViewColumn[] = [
  { name: 'employee_id', type: 'VARCHAR' },
  { name: 'email', type: 'VARCHAR' },
  { name: 'display_name', type: 'VARCHAR' },
  { name: 'department', type: 'VARCHAR' },
  { name: 'title', type: 'VARCHAR' },
  { name: 'manager_id', type: 'VARCHAR' },
  { name: 'location', type: 'VARCHAR' },
  { name: 'timezone', type: 'VARCHAR' },
  { name: 'work_start_hour', type: 'INTEGER' },
  { name: 'work_end_hour', type: 'INTEGER' },
  { name: 'work_days', type: 'VARCHAR' },
  { name: 'employment_status', type: 'VARCHAR' },
  { name: 'hire_date', type: 'DATE' },
  { name: 'termination_date', type: 'DATE' },
  { name: 'is_privileged', type: 'BOOLEAN' },
];

const EMPLOYEE_READERS: Readonly<Record<string, (file: string) => string>> = {
  // Everything is read as text and cast below, so ids keep their leading zeros and a bad value
  // fails with the file named instead of being guessed into another type.
  '.csv': (file) =>
    `read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`,
  '.jsonl': (file) =>
    `read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${jsonColumns()})`,
  '.ndjson': (file) =>
    `read_json(${sqlString(file)}, format = 'newline_delimited', columns = ${jsonColumns()})`,
  '.json': (file) => `read_json(${sqlString(file)}, format = 'auto', columns = ${jsonColumns()})`,
  '.parquet': (file) => `read_parquet(${sqlString(file)})`,
};

/** Creates the `audit_events` and `employees` views over the lake at `lakeDir`. */
export async function createLakeViews(session: LakeSession, lakeDir: string): Promise<void> {
  const root = path.resolve(lakeDir);
  // DuckDB would read these as glob patterns in the file paths built below.
  if (/[*?[\]{}]/.test(root)) throw new ConfigError(`lake directory ${root} must not contain * ? [ ] { }`);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory())
    throw new ConfigError(`lake directory ${root} does not exist or is not a directory`);
  await createAuditEventsView(session, path.join(root, AUDIT_EVENTS_TABLE));
  await createEmployeesView(session, path.join(root, EMPLOYEES_TABLE));
}

async function createAuditEventsView(session: LakeSession, dir: string): Promise<void> {
  if (!(await hasPartitionFiles(dir))) {
    await session.run(emptyView(AUDIT_EVENTS_TABLE, AUDIT_EVENTS_VIEW_COLUMNS));
    return;
  }
  const partition = AUDIT_EVENT_PARTITION.name;
  const source = `read_parquet(${sqlString(path.join(dir, `${partition}=*`, '*.parquet'))}, hive_partitioning = true, hive_types = {'${partition}': VARCHAR})`;
  const label = `${AUDIT_EVENTS_TABLE} in ${dir}`;
  const present = await describe(session, source, label);
  const missing = AUDIT_EVENT_COLUMNS.map((column) => column.name).filter((name) => !present.has(name));
  if (missing.length > 0)
    throw new AuditlakeError(`${label}: the Parquet files lack column(s) ${missing.join(', ')}`);
  // The partition column passes through untouched so DuckDB prunes directories on `dt` filters.
  const select = AUDIT_EVENTS_VIEW_COLUMNS.map((column) =>
    column.name === partition ? identifier(partition) : castColumn(column),
  );
  await session.run(
    `CREATE OR REPLACE VIEW ${AUDIT_EVENTS_TABLE} AS SELECT ${select.join(', ')} FROM ${source}`,
  );
}

async function hasPartitionFiles(dir: string): Promise<boolean> {
  const prefix = `${AUDIT_EVENT_PARTITION.name}=`;
  for (const entry of await listDir(dir)) {
    if (!entry.isDirectory() || !entry.name.startsWith(prefix)) continue;
    const files = await listDir(path.join(dir, entry.name));
    if (files.some((file) => file.isFile() && file.name.endsWith('.parquet'))) return true;
  }
  return false;
}

async function createEmployeesView(session: LakeSession, dir: string): Promise<void> {
  const files = (await listDir(dir))
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.join(dir, entry.name))
    .sort();
  if (files.length === 0) {
    await session.run(emptyView(EMPLOYEES_TABLE, EMPLOYEE_COLUMNS));
    return;
  }
  const selects: string[] = [];
  for (const file of files) selects.push(await employeeSelect(session, file));
  await session.run(`CREATE OR REPLACE VIEW ${EMPLOYEES_TABLE} AS ${selects.join('\nUNION ALL ')}`);
}

/** The typed SELECT over one employees file, after checking that every row of it casts. */
async function employeeSelect(session: LakeSession, file: string): Promise<string> {
  const label = `employees file ${file}`;
  const reader = EMPLOYEE_READERS[path.extname(file).toLowerCase()];
  if (!reader) {
    throw new AuditlakeError(`${label}: unsupported file type (use .csv with a header, .jsonl or .parquet)`);
  }
  const source = reader(file);
  if (!source.startsWith('read_json')) {
    const present = await describe(session, source, label);
    const missing = EMPLOYEE_COLUMNS.map((column) => column.name).filter((name) => !present.has(name));
    if (missing.length > 0) throw new AuditlakeError(`${label}: missing column(s) ${missing.join(', ')}`);
  }
  const select = `SELECT ${EMPLOYEE_COLUMNS.map(employeeColumn).join(', ')} FROM ${source}`;
  // count(column) makes DuckDB evaluate every cast; count(*) alone would skip them.
  const check = await guarded(label, () =>
    session.query({
      label,
      sql: `SELECT count(*) FILTER (WHERE employee_id IS NULL) AS without_id,
          min(timezone) FILTER (WHERE timezone NOT IN (SELECT name FROM pg_timezone_names())) AS bad_zone,
          ${EMPLOYEE_COLUMNS.map((column) => `count(${identifier(column.name)})`).join(' + ')} AS cells
        FROM (${select})`,
    }),
  );
  const row = check.rows[0] ?? {};
  if (row.without_id) throw new AuditlakeError(`${label}: ${row.without_id} row(s) without employee_id`);
  if (row.bad_zone)
    throw new AuditlakeError(`${label}: unknown time zone ${JSON.stringify(row.bad_zone)} (use IANA names)`);
  return select;
}

function employeeColumn(column: ViewColumn): string {
  if (column.name !== 'work_days') return castColumn(column);
  // A JSON or Parquet list [1, 2, 3] becomes the contract's text form 1,2,3.
  return `system.main.regexp_replace(CAST(work_days AS VARCHAR), '[\\[\\]\\s"]', '', 'g') AS work_days`;
}

async function describe(session: LakeSession, source: string, label: string): Promise<Set<string>> {
  const result = await guarded(label, () =>
    session.query({ label, sql: `DESCRIBE SELECT * FROM ${source}` }),
  );
  return new Set(result.rows.map((row) => String(row.column_name)));
}

/** Runs `work`, turning its failure into a one-line `AuditlakeError` that starts with `label`. */
async function guarded<T>(label: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AuditlakeError(message.startsWith(label) ? message : `${label}: ${message}`);
  }
}

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new AuditlakeError(`cannot list ${dir}: ${(error as Error).message}`);
  }
}

function emptyView(name: string, columns: readonly ViewColumn[]): string {
  const select = columns.map((column) => `CAST(NULL AS ${column.type}) AS ${identifier(column.name)}`);
  return `CREATE OR REPLACE VIEW ${name} AS SELECT ${select.join(', ')} WHERE false`;
}

function castColumn(column: ViewColumn): string {
  return `CAST(${identifier(column.name)} AS ${column.type}) AS ${identifier(column.name)}`;
}

function jsonColumns(): string {
  return `{${EMPLOYEE_COLUMNS.map((column) => `${sqlString(column.name)}: 'VARCHAR'`).join(', ')}}`;
}

export function identifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal; paths come from the command line, so quotes are doubled. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
