/**
 * Calendar days and local wall-clock time → UTC. People work 09:00–17:00 in their own time zone,
 * so one UTC hour is the same local hour in winter and summer only where there is no DST; the
 * conversion asks Intl (the IANA database that ships with Node) for the zone's offset at the
 * instant rather than keeping an offset table.
 *
 * A calendar day is a "day number": whole days since 1970-01-01. It is zone-free: 2026-03-10 is
 * the same day number in Sydney and in New York, only its instants differ.
 */

import { wallClockOffsetMs, zoneOffsetMs } from '../core/time-zones.ts';

export { isValidTimeZone, zoneOffsetMs } from '../core/time-zones.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of a `YYYY-MM-DD` date. */
export function dayNumberOf(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`expected a date like 2026-01-31, got "${date}"`);
  const [, y, m, d] = match;
  return Date.UTC(Number(y), Number(m) - 1, Number(d)) / DAY_MS;
}

/** `YYYY-MM-DD` of a day number. */
export function formatDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday of a day number: 1 = Monday … 7 = Sunday. */
export function isoWeekday(day: number): number {
  // 1970-01-01 (day 0) was a Thursday.
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

const conversions = new Map<string, number>();

/**
 * The UTC instant (ms) of local wall-clock time `minuteOfDay` minutes after midnight of `day` in
 * `timeZone`. Minutes past 1440 roll into the next day, so a 22:00→06:00 shift ends at
 * `zonedTimeToUtc(day, 30 * 60, zone)`. A wall time skipped by a spring-forward gap (02:30 on
 * the night clocks jump 02:00→03:00) maps to an instant within an hour of it; no shift starts there.
 */
export function zonedTimeToUtc(day: number, minuteOfDay: number, timeZone: string): number {
  const key = `${timeZone}|${day}|${minuteOfDay}`;
  const cached = conversions.get(key);
  if (cached !== undefined) return cached;
  const wall = day * DAY_MS + minuteOfDay * MINUTE_MS;
  const utc = wall - wallClockOffsetMs(wall, timeZone);
  if (conversions.size > 100_000) conversions.clear();
  conversions.set(key, utc);
  return utc;
}

/** The local day number of UTC instant `at` in `timeZone`. */
export function localDayOf(at: number, timeZone: string): number {
  return Math.floor((at + zoneOffsetMs(at, timeZone)) / DAY_MS);
}
