/**
 * Rollups: daily per-employee aggregates that baseline detectors read for history, so a run
 * scans raw events only for its own window however long the lookback. A rollup is one
 * `queries/rollups/<id>.sql` file (YAML header + one SELECT over a single UTC day, written with
 * the window parameters of that day) whose rows become the `dt` partition of its table. Before a
 * detector that names a rollup runs, the runner builds the days its windows' baselines need and
 * that do not exist yet.
 */
import { z } from 'zod';
import type { Detector } from './detector.ts';
import { AuditlakeError, DetectorError } from './errors.ts';
import { parseSchedule } from './schedule.ts';
import { readSqlFile, readSqlFolder } from './sql-file.ts';
import { renderSql } from './sql-params.ts';
import { type TimeWindow, toDt, windowParams } from './windows.ts';

const DAY_MS = 86_400_000;

export interface Rollup {
  readonly id: string;
  /** The table it fills, one `dt` partition per day. */
  readonly table: string;
  readonly description: string;
  readonly sql: string;
  readonly sqlLine: number;
  readonly file: string;
}

const rollupSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected kebab-case like employee-daily'),
  table: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case table name like employee_daily'),
  description: z.string().min(1),
});

export function parseRollup(file: string, text: string): Rollup {
  const { header, sql, sqlLine } = readSqlFile(file, text, rollupSchema);
  return { id: header.id, table: header.table, description: header.description.trim(), sql, sqlLine, file };
}

/** Where a rollup's partitions live and how they are written: local Parquet, or Athena later. */
export interface RollupStore {
  /** The `dt` values in [fromDt, toDt] that the table already holds. */
  existingPartitions(table: string, fromDt: string, toDt: string): Promise<ReadonlySet<string>>;
  /** Runs the rendered SELECT and makes its rows the table's `dt` partition, replacing any old one. */
  writePartition(table: string, dt: string, sql: string): Promise<void>;
}

export interface Rollups {
  readonly catalog: readonly Rollup[];
  readonly store: RollupStore;
  /** Rebuild days that exist too (after late data or a rollup change). @default false */
  readonly rebuild?: boolean;
}

/** The days of history a detector's windows read from rollups: [first baseline start, last window start). */
export function rollupDays(detector: Detector, windows: readonly TimeWindow[]): string[] {
  const first = windows[0];
  const last = windows[windows.length - 1];
  if (!first || !last || detector.lookbackMs === undefined) return [];
  const days: string[] = [];
  const end = toDt(last.start);
  for (
    let t = Date.parse(`${toDt(new Date(first.start.getTime() - detector.lookbackMs))}T00:00:00Z`);
    ;
    t += DAY_MS
  ) {
    const dt = toDt(new Date(t));
    if (dt >= end) return days;
    days.push(dt);
  }
}

/** Builds the missing days of every rollup the detector names; returns how many partitions were written. */
export async function buildRollups(
  detector: Detector,
  windows: readonly TimeWindow[],
  rollups: Rollups,
): Promise<number> {
  const days = rollupDays(detector, windows);
  const [firstDay] = days;
  const lastDay = days[days.length - 1];
  if (firstDay === undefined || lastDay === undefined) return 0;
  let written = 0;
  for (const id of detector.rollups) {
    const rollup = rollups.catalog.find((candidate) => candidate.id === id);
    if (!rollup)
      throw new AuditlakeError(`${detector.id}: needs rollup "${id}", which is not in queries/rollups`);
    const existing = rollups.rebuild
      ? new Set<string>()
      : await rollups.store.existingPartitions(rollup.table, firstDay, lastDay);
    for (const dt of days) {
      if (existing.has(dt)) continue;
      await rollups.store.writePartition(rollup.table, dt, renderRollupDay(rollup, dt));
      written++;
    }
  }
  return written;
}

/** The rollup's SELECT for one UTC day: the day is its window. */
export function renderRollupDay(rollup: Rollup, dt: string): string {
  const start = new Date(`${dt}T00:00:00Z`);
  const window = { start, end: new Date(start.getTime() + DAY_MS) };
  try {
    return renderSql(rollup.sql, windowParams(window, undefined)).sql;
  } catch (error) {
    throw new DetectorError(rollup.file, 'sql', error instanceof Error ? error.message : String(error));
  }
}

/** A rollup seen as a daily detector, so `auditlake lint` checks it with the same rules. */
export function rollupAsDetector(rollup: Rollup): Detector {
  return {
    id: rollup.id,
    title: rollup.table,
    description: rollup.description,
    severity: 'info',
    schedule: parseSchedule('rate(1 day)'),
    windowMs: DAY_MS,
    lookbackMs: undefined,
    params: {},
    rollups: [],
    dedupMs: DAY_MS,
    threshold: undefined,
    runbook: rollup.description,
    tags: [],
    owner: undefined,
    status: 'stable',
    enabled: true,
    sql: rollup.sql,
    sqlLine: rollup.sqlLine,
    file: rollup.file,
  };
}

export interface RollupCatalog {
  readonly rollups: readonly Rollup[];
  readonly errors: readonly DetectorError[];
}

/** Reads every `*.sql` of a rollups folder; a missing folder is an empty catalog. */
export async function loadRollupCatalog(dir: string): Promise<RollupCatalog> {
  const { items, errors } = await readSqlFolder(dir, parseRollup);
  return { rollups: items, errors };
}
