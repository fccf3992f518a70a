import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../lambdas/core/schedule.ts';
import { longestGapMs, windowParams, windowsEndingIn, windowsInside } from '../../lambdas/core/windows.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => new Date(iso);
const iso = (dates: readonly Date[]) => dates.map((d) => d.toISOString());

describe('parseSchedule', () => {
  it('ticks a rate on multiples of its period since the epoch', () => {
    const ticks = parseSchedule('rate(1 hour)').ticksBetween(
      at('2026-01-01T10:30:00Z'),
      at('2026-01-01T13:00:00Z'),
    );
    expect(iso(ticks)).toEqual([
      '2026-01-01T11:00:00.000Z',
      '2026-01-01T12:00:00.000Z',
      '2026-01-01T13:00:00.000Z',
    ]);
  });

  it('ticks a cron expression in UTC on the named weekdays', () => {
    const schedule = parseSchedule('cron(30 2 ? * MON-FRI *)');
    // 2026-01-02 is a Friday; the next weekday run is Monday the 5th.
    const ticks = schedule.ticksBetween(at('2026-01-02T00:00:00Z'), at('2026-01-06T00:00:00Z'));
    expect(iso(ticks)).toEqual(['2026-01-02T02:30:00.000Z', '2026-01-05T02:30:00.000Z']);
  });

  it('finds the previous cron tick', () => {
    const schedule = parseSchedule('cron(0 6 * * ? *)');
    expect(schedule.previousTick(at('2026-01-02T05:59:00Z')).toISOString()).toBe('2026-01-01T06:00:00.000Z');
  });

  it.each([
    ['rate(0 hours)', /at least 1/],
    ['rate(2 hour)', /"2 hours"/],
    ['cron(0 * * * *)', /6 fields/],
    ['cron(0 * * * * *)', /exactly one of day-of-month and day-of-week/],
    ['cron(0 25 * * ? *)', /"25" is not a valid hours value/],
    ['cron(0 0 L * ? *)', /L, W and # are not supported/],
    ['every hour', /not an EventBridge schedule/],
  ])('rejects %s with a message that says what is wrong', (expression, message) => {
    expect(() => parseSchedule(expression)).toThrow(message);
  });
});

describe('windows', () => {
  const hourly = parseSchedule('rate(1 hour)');

  it('runs every complete window after the watermark, oldest first', () => {
    const windows = windowsEndingIn(hourly, HOUR, {
      after: at('2026-01-01T10:00:00Z'),
      until: at('2026-01-01T12:40:00Z'),
    });
    expect(windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-01-01T10:00:00.000Z', '2026-01-01T11:00:00.000Z'],
      ['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z'],
    ]);
  });

  it('continues from the last window of the previous run without skipping or repeating', () => {
    const first = windowsEndingIn(hourly, HOUR, {
      after: at('2026-01-01T00:00:00Z'),
      until: at('2026-01-01T05:00:00Z'),
      limit: 3,
    });
    const last = first[first.length - 1]?.end as Date;
    const second = windowsEndingIn(hourly, HOUR, { after: last, until: at('2026-01-01T05:00:00Z') });
    const ends = [...first, ...second].map((w) => w.end.getUTCHours());
    expect(ends).toEqual([1, 2, 3, 4, 5]);
  });

  it('slides a one-day window every hour when the schedule is hourly', () => {
    const [window] = windowsEndingIn(hourly, DAY, {
      after: at('2026-01-02T04:00:00Z'),
      until: at('2026-01-02T05:00:00Z'),
    });
    expect(window?.start.toISOString()).toBe('2026-01-01T05:00:00.000Z');
    expect(window?.end.toISOString()).toBe('2026-01-02T05:00:00.000Z');
  });

  it('backfills exactly the windows inside the range', () => {
    const windows = windowsInside(
      parseSchedule('rate(1 day)'),
      DAY,
      at('2026-01-01T00:00:00Z'),
      at('2026-01-04T00:00:00Z'),
    );
    expect(windows.map((w) => w.start.toISOString().slice(0, 10))).toEqual([
      '2026-01-01',
      '2026-01-02',
      '2026-01-03',
    ]);
  });

  it('returns nothing when the range is empty', () => {
    expect(
      windowsEndingIn(hourly, HOUR, { after: at('2026-01-01T10:00:00Z'), until: at('2026-01-01T10:00:00Z') }),
    ).toEqual([]);
  });

  it('measures the longest gap of a weekday schedule as the weekend', () => {
    expect(longestGapMs(parseSchedule('cron(0 6 ? * MON-FRI *)'), at('2026-01-01T00:00:00Z'))).toBe(3 * DAY);
  });

  it('gives the partitions a window reads, with an exclusive end', () => {
    const params = windowParams(
      { start: at('2026-01-01T00:00:00Z'), end: at('2026-01-02T00:00:00Z') },
      28 * DAY,
    );
    expect(params).toMatchObject({
      window_start_dt: '2026-01-01',
      window_end_dt: '2026-01-01',
      baseline_start_dt: '2025-12-04',
    });
    expect((params.baseline_start as Date).toISOString()).toBe('2025-12-04T00:00:00.000Z');
  });
});
