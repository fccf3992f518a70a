/**
 * Window arithmetic. A detector's windows end on its schedule's fire times and reach `window`
 * back; the watermark is the end of the last window whose findings were published, so a run
 * continues exactly where the previous one stopped.
 */

import type { Schedule } from './schedule.ts';
import type { ParamValues } from './sql-params.ts';

export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

export interface WindowRange {
  /** Exclusive: windows ending at or before this were already run. */
  readonly after: Date;
  /** Inclusive: the latest window end that may run (now minus the late-data delay). */
  readonly until: Date;
  /** At most this many windows; the rest are left for the next run. */
  readonly limit?: number;
}

/** The windows ending in (after, until], oldest first. */
export function windowsEndingIn(schedule: Schedule, windowMs: number, range: WindowRange): TimeWindow[] {
  if (range.until <= range.after) return [];
  const ticks = schedule.ticksBetween(range.after, range.until);
  const limited = range.limit === undefined ? ticks : ticks.slice(0, range.limit);
  return limited.map((end) => ({ start: new Date(end.getTime() - windowMs), end }));
}

/** The windows that lie wholly inside [from, to], oldest first: what a backfill runs. */
export function windowsInside(schedule: Schedule, windowMs: number, from: Date, to: Date): TimeWindow[] {
  const firstEnd = new Date(from.getTime() + windowMs - 1);
  return windowsEndingIn(schedule, windowMs, { after: firstEnd, until: to });
}

/**
 * The longest gap between consecutive fire times over a year from `from`. A window shorter than
 * this would leave events that no window covers.
 */
export function longestGapMs(schedule: Schedule, from: Date): number {
  const year = new Date(from.getTime() + 366 * 86_400_000);
  const ticks = schedule.ticksBetween(from, year);
  let longest = 0;
  for (let i = 1; i < ticks.length; i++) {
    longest = Math.max(longest, (ticks[i] as Date).getTime() - (ticks[i - 1] as Date).getTime());
  }
  return ticks.length < 2 ? Number.POSITIVE_INFINITY : longest;
}

/** UTC date of an instant as the `dt` partition value. */
export function toDt(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * The built-in parameters of a window. `window_end_dt` is the partition of the window's last
 * instant, so `dt BETWEEN :window_start_dt AND :window_end_dt` reads exactly the needed partitions.
 */
export function windowParams(window: TimeWindow, lookbackMs: number | undefined): ParamValues {
  const baselineStart = new Date(window.start.getTime() - (lookbackMs ?? 0));
  return {
    window_start: window.start,
    window_end: window.end,
    window_start_dt: toDt(window.start),
    window_end_dt: toDt(new Date(window.end.getTime() - 1)),
    baseline_start: baselineStart,
    baseline_start_dt: toDt(baselineStart),
  };
}

export const BUILT_IN_PARAMS = [
  'window_start',
  'window_end',
  'window_start_dt',
  'window_end_dt',
  'baseline_start',
  'baseline_start_dt',
] as const;
