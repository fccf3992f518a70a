import { describe, expect, it } from 'vitest';
import {
  dayNumberOf,
  formatDay,
  HOUR_MS,
  isoWeekday,
  isValidTimeZone,
  localDayOf,
  zonedTimeToUtc,
} from '../../lambdas/demo/local-time.ts';

const utc = (day: string, hour: number, zone: string) =>
  new Date(zonedTimeToUtc(dayNumberOf(day), hour * 60, zone)).toISOString();

describe('zonedTimeToUtc', () => {
  it('puts 09:00 in New York at 14:00 UTC in January and 13:00 UTC in July', () => {
    expect(utc('2026-01-15', 9, 'America/New_York')).toBe('2026-01-15T14:00:00.000Z');
    expect(utc('2026-07-15', 9, 'America/New_York')).toBe('2026-07-15T13:00:00.000Z');
  });

  it('follows the southern hemisphere, where summer time is in January', () => {
    expect(utc('2026-01-15', 9, 'Australia/Sydney')).toBe('2026-01-14T22:00:00.000Z');
    expect(utc('2026-07-15', 9, 'Australia/Sydney')).toBe('2026-07-14T23:00:00.000Z');
  });

  it('handles zones without DST and with half-hour offsets', () => {
    expect(utc('2026-01-15', 9, 'Asia/Kolkata')).toBe('2026-01-15T03:30:00.000Z');
    expect(utc('2026-07-15', 9, 'Asia/Kolkata')).toBe('2026-07-15T03:30:00.000Z');
  });

  it('rolls minutes past midnight into the next day, so a night shift spanning a DST change is 7 hours long', () => {
    // 2026-03-08: New York springs forward at 02:00.
    const day = dayNumberOf('2026-03-07');
    const start = zonedTimeToUtc(day, 22 * 60, 'America/New_York');
    const end = zonedTimeToUtc(day, 30 * 60, 'America/New_York');
    expect(new Date(start).toISOString()).toBe('2026-03-08T03:00:00.000Z');
    expect((end - start) / HOUR_MS).toBe(7);
  });
});

describe('calendar days', () => {
  it('numbers days from 1970-01-01 and formats them back', () => {
    expect(dayNumberOf('1970-01-02')).toBe(1);
    expect(formatDay(dayNumberOf('2026-03-29'))).toBe('2026-03-29');
  });

  it('gives ISO weekdays, Monday 1 to Sunday 7', () => {
    expect(isoWeekday(dayNumberOf('2026-03-30'))).toBe(1);
    expect(isoWeekday(dayNumberOf('2026-03-29'))).toBe(7);
  });

  it('finds the local day of an instant', () => {
    const at = Date.parse('2026-03-29T22:00:00Z');
    expect(formatDay(localDayOf(at, 'Australia/Sydney'))).toBe('2026-03-30');
    expect(formatDay(localDayOf(at, 'America/Los_Angeles'))).toBe('2026-03-29');
  });

  it('knows IANA zone names from other strings', () => {
    expect(isValidTimeZone('Europe/Berlin')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
