/**
 * The Athena cost model: for each detector, which tables and how many days of `dt` partitions one
 * run reads, roughly which columns, and so how many bytes Athena scans per run and per month —
 * with the rollups the detector names, and as if it rescanned raw events over its whole lookback.
 * Pure: detectors and measured sizes in, numbers out. Athena bills $5 per TB scanned, at least
 * 10 MB per query.
 */
import type { Detector } from '../core/detector.ts';
import { longestGapMs } from '../core/windows.ts';

export const DAY_MS = 86_400_000;
/** A billing month: 30 days. */
export const MONTH_MS = 30 * DAY_MS;
export const ATHENA_USD_PER_TB = 5;
/** Athena rounds every query up to 10 MB scanned. */
export const ATHENA_MIN_BYTES_PER_QUERY = 10 * 1024 * 1024;
const TB = 1e12;

/** Bytes of Parquet per unit of data, measured on a lake (`auditlake cost --lake`) or by the bench. */
export interface LakeSizes {
  /** Where the numbers come from, for the report. */
  readonly source: string;
  /** Events per employee per day in the measured lake. */
  readonly eventsPerEmployeeDay: number;
  /** Compressed Parquet bytes per event, per audit_events column. */
  readonly rawColumnBytesPerEvent: Readonly<Record<string, number>>;
  /** Compressed Parquet bytes per employee per day, per rollup table (all its columns). */
  readonly rollupBytesPerEmployeeDay: Readonly<Record<string, number>>;
}

export interface Workload {
  readonly employees: number;
  /** @default sizes.eventsPerEmployeeDay */
  readonly eventsPerEmployeeDay?: number;
  /** How often the scheduler runs the suite; a detector scheduled more often runs this often. */
  readonly cadenceMs: number;
}

/** A rollup as the model needs it: its table and the audit_events columns it reads. */
export interface RollupFootprint {
  readonly id: string;
  readonly table: string;
  readonly sql: string;
}

export interface Scan {
  readonly table: string;
  /** Average `dt` partitions one run reads. */
  readonly days: number;
  readonly columns: readonly string[];
  readonly bytes: number;
}

export interface DetectorCost {
  readonly detectorId: string;
  readonly runsPerMonth: number;
  readonly withRollups: CostLine;
  readonly withoutRollups: CostLine;
}

export interface CostLine {
  readonly scans: readonly Scan[];
  readonly bytesPerRun: number;
  /** Billed: each run's bytes rounded up to the 10 MB minimum. */
  readonly billedBytesPerMonth: number;
  readonly usdPerMonth: number;
}

export interface CostReport {
  readonly detectors: readonly DetectorCost[];
  /** Building each rollup day once (one query per rollup table per day). */
  readonly rollupBuilds: CostLine;
  readonly totalWithRollups: { readonly billedBytesPerMonth: number; readonly usdPerMonth: number };
  readonly totalWithoutRollups: { readonly billedBytesPerMonth: number; readonly usdPerMonth: number };
}

export function estimateCosts(
  detectors: readonly Detector[],
  rollups: readonly RollupFootprint[],
  sizes: LakeSizes,
  workload: Workload,
): CostReport {
  const rawColumns = Object.keys(sizes.rawColumnBytesPerEvent);
  const eventsPerDay = workload.employees * (workload.eventsPerEmployeeDay ?? sizes.eventsPerEmployeeDay);
  const rawScan = (days: number, sql: string): Scan => {
    const columns = referencedColumns(sql, rawColumns);
    const bytesPerEvent = columns.reduce((sum, c) => sum + (sizes.rawColumnBytesPerEvent[c] ?? 0), 0);
    return { table: 'audit_events', days, columns, bytes: days * eventsPerDay * bytesPerEvent };
  };
  const rollupOf = (id: string): RollupFootprint => {
    const rollup = rollups.find((candidate) => candidate.id === id);
    if (!rollup) throw new Error(`rollup "${id}" is not in the rollup catalog`);
    return rollup;
  };

  const costs = detectors.map((detector): DetectorCost => {
    const periodMs = Math.max(longestGapMs(detector.schedule, REFERENCE_DAY), workload.cadenceMs);
    const runsPerMonth = MONTH_MS / periodMs;
    const windowDays = averageWindowDays(detector);
    const lookbackDays = Math.ceil((detector.lookbackMs ?? 0) / DAY_MS);
    const used = detector.rollups.map(rollupOf);
    const withScans: Scan[] = [rawScan(windowDays, detector.sql)];
    for (const rollup of used) {
      const perDay = workload.employees * (sizes.rollupBytesPerEmployeeDay[rollup.table] ?? 0);
      withScans.push({
        table: rollup.table,
        days: lookbackDays,
        columns: ['*'],
        bytes: lookbackDays * perDay,
      });
    }
    // Without rollups the history comes from raw events: the window and the lookback, with the
    // columns the rollups would have read as well.
    const naiveSql = [detector.sql, ...used.map((rollup) => rollup.sql)].join('\n');
    const withoutScans =
      used.length > 0 || lookbackDays > 0 ? [rawScan(windowDays + lookbackDays, naiveSql)] : withScans;
    return {
      detectorId: detector.id,
      runsPerMonth,
      withRollups: costLine(withScans, runsPerMonth),
      withoutRollups: costLine(withoutScans, runsPerMonth),
    };
  });

  const usedTables = new Set(detectors.flatMap((d) => d.rollups));
  const buildScans = [...usedTables].map((id) => ({
    ...rawScan(1, rollupOf(id).sql),
    table: `audit_events → ${rollupOf(id).table}`,
  }));
  const rollupBuilds = buildsLine(buildScans);
  const sum = (lines: readonly CostLine[]) => {
    const billed = lines.reduce((total, line) => total + line.billedBytesPerMonth, 0);
    return { billedBytesPerMonth: billed, usdPerMonth: usd(billed) };
  };
  return {
    detectors: costs,
    rollupBuilds,
    totalWithRollups: sum([...costs.map((c) => c.withRollups), rollupBuilds]),
    totalWithoutRollups: sum(costs.map((c) => c.withoutRollups)),
  };
}

const REFERENCE_DAY = new Date(Date.UTC(2026, 0, 5));

/**
 * Average `dt` partitions a window touches over one day of the detector's ticks: a 1-day window
 * ending on the hour spans two partitions, one ending at midnight spans one.
 */
export function averageWindowDays(detector: Pick<Detector, 'schedule' | 'windowMs'>): number {
  const ticks = detector.schedule.ticksBetween(REFERENCE_DAY, new Date(REFERENCE_DAY.getTime() + DAY_MS));
  if (ticks.length === 0) return Math.ceil(detector.windowMs / DAY_MS);
  const spans = ticks.map((end) => {
    const first = Math.floor((end.getTime() - detector.windowMs) / DAY_MS);
    const last = Math.floor((end.getTime() - 1) / DAY_MS);
    return last - first + 1;
  });
  return spans.reduce((a, b) => a + b, 0) / spans.length;
}

/** The columns of `candidates` a SQL text names as whole words (a rough, generous reading). */
export function referencedColumns(sql: string, candidates: readonly string[]): string[] {
  const text = sql.replace(/--[^\n]*/g, ' ').toLowerCase();
  return candidates.filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

/** What Athena bills for one query of `bytes`. */
export function billedBytes(bytes: number): number {
  return Math.max(bytes, ATHENA_MIN_BYTES_PER_QUERY);
}

export function usd(bytes: number): number {
  return (bytes / TB) * ATHENA_USD_PER_TB;
}

function costLine(scans: readonly Scan[], runsPerMonth: number): CostLine {
  const bytesPerRun = scans.reduce((sum, scan) => sum + scan.bytes, 0);
  const billed = billedBytes(bytesPerRun) * runsPerMonth;
  return { scans, bytesPerRun, billedBytesPerMonth: billed, usdPerMonth: usd(billed) };
}

/** One query per rollup table per day, 30 a month each. */
function buildsLine(scans: readonly Scan[]): CostLine {
  const bytesPerRun = scans.reduce((sum, scan) => sum + scan.bytes, 0);
  const billed = scans.reduce((sum, scan) => sum + billedBytes(scan.bytes) * (MONTH_MS / DAY_MS), 0);
  return { scans, bytesPerRun, billedBytesPerMonth: billed, usdPerMonth: usd(billed) };
}
