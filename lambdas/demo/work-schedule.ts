/**
 * When a person works: shifts in local time, turned into UTC instants. A shift belongs to the
 * local day it starts on, so a 22→6 night shift "on Monday" runs Monday 22:00 to Tuesday 06:00.
 */
import { dayNumberOf, isoWeekday, zonedTimeToUtc } from './local-time.ts';
import type { Employee } from './org.ts';

export interface Shift {
  /** Local day the shift starts on. */
  readonly day: number;
  /** UTC epoch ms of the local start and end hours. */
  readonly start: number;
  readonly end: number;
}

/** True if `day` is one of the person's work days and they are employed on it. */
export function worksOn(employee: Employee, day: number): boolean {
  return employee.work_days.includes(isoWeekday(day)) && isEmployedOn(employee, day);
}

/**
 * From the hire date through the termination date: the directory's termination_date is the last
 * working day, as the detectors read it. A leaver without a date is gone for the whole period.
 */
export function isEmployedOn(employee: Employee, day: number): boolean {
  if (employee.employment_status === 'terminated' && employee.termination_date === null) return false;
  if (dayNumberOf(employee.hire_date) > day) return false;
  return employee.termination_date === null || dayNumberOf(employee.termination_date) >= day;
}

/** The shift starting on local `day`, whether or not it is a work day. */
export function shiftOn(employee: Employee, day: number): Shift {
  const startMinute = employee.work_start_hour * 60;
  const wraps = employee.work_end_hour <= employee.work_start_hour;
  const endMinute = (employee.work_end_hour + (wraps ? 24 : 0)) * 60;
  return {
    day,
    start: zonedTimeToUtc(day, startMinute, employee.timezone),
    end: zonedTimeToUtc(day, endMinute, employee.timezone),
  };
}

/** UTC epoch ms of local wall-clock `hour:minute` on `day` (hours past 24 roll into the next day). */
export function localInstant(employee: Employee, day: number, hour: number, minute = 0): number {
  return zonedTimeToUtc(day, hour * 60 + minute, employee.timezone);
}
