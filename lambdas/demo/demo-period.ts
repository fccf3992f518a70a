/** The generated period and the detection window at its end, as local-day-free UTC day numbers. */
import { DAY_MS } from './local-time.ts';

/** The planted insiders act in the last this-many days; detectors are run over them. */
export const DETECTION_DAYS = 7;

export interface DemoPeriod {
  /** First UTC day (day number) of events. */
  readonly startDay: number;
  /** Exclusive end: no event at or after UTC midnight of this day. */
  readonly endDay: number;
  /** First day of the last `DETECTION_DAYS` days. */
  readonly detectionFromDay: number;
}

export function demoPeriod(endDay: number, days: number): DemoPeriod {
  return { startDay: endDay - days, endDay, detectionFromDay: endDay - DETECTION_DAYS };
}

export const startMs = (period: DemoPeriod): number => period.startDay * DAY_MS;
export const endMs = (period: DemoPeriod): number => period.endDay * DAY_MS;
export const detectionFromMs = (period: DemoPeriod): number => period.detectionFromDay * DAY_MS;
