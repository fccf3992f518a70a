/**
 * What an investigation report shows about one finding, as plain data: the actor's daily series
 * with its robust baseline, the hour-of-week profile and the peer distributions of records read and exported. Built by
 * `report-data.ts` from the lake; drawn by `report-charts.ts` and `report-html.ts`.
 */
import type { Finding } from '../core/finding.ts';

export interface DailyPoint {
  /** `YYYY-MM-DD` (UTC). */
  readonly day: string;
  /** Distinct resources read (employee_daily.distinct_resources summed over the day). */
  readonly recordsRead: number;
  /** Records exported (employee_daily.export_records summed over the day). */
  readonly recordsExported: number;
  /** True for the UTC days the finding's window covers. */
  readonly inWindow: boolean;
}

/** Median and robust band (median ± 3 × 1.4826 × MAD, floored at 0) over the baseline days. */
export interface RobustBaseline {
  readonly median: number;
  readonly mad: number;
  readonly low: number;
  readonly high: number;
  readonly days: number;
}

export interface HourCell {
  /** ISO weekday in the actor's time zone, 1 = Monday … 7 = Sunday. */
  readonly day: number;
  /** Local hour 0–23. */
  readonly hour: number;
  readonly baselineEvents: number;
  readonly windowEvents: number;
}

export interface PeerDistribution {
  /** The actor's department from `employees`; null when the actor is not in the directory. */
  readonly department: string | null;
  /** The actor's value of the measure: its highest daily value over the window's days. */
  readonly actorValue: number;
  /** The other members' values, anonymous and sorted ascending. */
  readonly peerValues: readonly number[];
}

/** The department's distributions of both daily measures, over the same members and days. */
export interface PeerDistributions {
  readonly recordsRead: PeerDistribution;
  readonly recordsExported: PeerDistribution;
}

export interface FindingReportData {
  readonly finding: Finding;
  readonly lookbackDays: number;
  readonly timezone: string;
  readonly daily: readonly DailyPoint[];
  readonly readBaseline: RobustBaseline;
  readonly exportBaseline: RobustBaseline;
  readonly hours: readonly HourCell[];
  readonly peers: PeerDistributions;
}

export const MAD_SCALE = 1.4826;
export const BAND_WIDTH = 3;

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] ?? 0) + upper) / 2;
}

export function robustBaseline(values: readonly number[]): RobustBaseline {
  const center = median(values);
  const mad = median(values.map((value) => Math.abs(value - center)));
  const spread = BAND_WIDTH * MAD_SCALE * mad;
  return {
    median: center,
    mad,
    low: Math.max(0, center - spread),
    high: center + spread,
    days: values.length,
  };
}

const DAY_MS = 86_400_000;

/** Days of history a report shows before a finding's window when its detector has no `lookback`. */
export const DEFAULT_LOOKBACK_DAYS = 30;

/** The days of history a report shows for a detector: its `lookback`, rounded up to whole days. */
export function reportLookbackDays(detector: { readonly lookbackMs: number | undefined }): number {
  return detector.lookbackMs === undefined ? DEFAULT_LOOKBACK_DAYS : Math.ceil(detector.lookbackMs / DAY_MS);
}

/** Every UTC day in [from, to] as `YYYY-MM-DD`. */
export function daysBetween(fromDay: string, toDay: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${fromDay}T00:00:00Z`); t <= Date.parse(`${toDay}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** The days a finding's report covers: `lookbackDays` before the window's first day, then the window's days. */
export function reportDays(
  finding: Pick<Finding, 'window_start' | 'window_end'>,
  lookbackDays: number,
): {
  readonly baselineFrom: string;
  readonly windowFrom: string;
  readonly windowTo: string;
} {
  const start = new Date(finding.window_start);
  const windowFrom = start.toISOString().slice(0, 10);
  const windowTo = new Date(new Date(finding.window_end).getTime() - 1).toISOString().slice(0, 10);
  const baselineFrom = new Date(Date.parse(`${windowFrom}T00:00:00Z`) - lookbackDays * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return { baselineFrom, windowFrom, windowTo };
}
