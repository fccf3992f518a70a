/** The generated period and the detection window at its end, as local-day-free UTC day numbers. */
import { DAY_MS } from './local-time.ts';

/** The demo's planted insiders act in the last this-many days; `demo --run` runs detectors over them. */
export const DETECTION_DAYS = 7;

export interface DemoPeriod {
  /** First UTC day (day number) of events. */
  readonly startDay: number;
  /** Exclusive end: no event at or after UTC midnight of this day. */
  readonly endDay: number;
  /** First day of the detection window: the last `DETECTION_DAYS` days, or longer for evaluation lakes. */
  readonly detectionFromDay: number;
}

export function demoPeriod(endDay: number, days: number, detectionDays = DETECTION_DAYS): DemoPeriod {
  return { startDay: endDay - days, endDay, detectionFromDay: endDay - detectionDays };
}

export const startMs = (period: DemoPeriod): number => period.startDay * DAY_MS;
export const endMs = (period: DemoPeriod): number => period.endDay * DAY_MS;
export const detectionFromMs = (period: DemoPeriod): number => period.detectionFromDay * DAY_MS;
