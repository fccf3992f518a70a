import { afterEach, describe, expect, it } from 'vitest';
import { type EmployeeRow, event, FixtureLake } from '../support/fixture-lake.ts';

let lake: FixtureLake | undefined;
afterEach(() => lake?.remove());

function exportAt(actor: string, eventTime: string, records = 5000, extra: Record<string, unknown> = {}) {
  return event({
    actor_id: actor,
    event_time: eventTime,
    action: 'export',
    resource_type: 'table',
    source_system: 'data-warehouse',
    record_count: records,
    bytes: records * 200,
    destination: 'web_upload:filedrop.example',
    ...extra,
  });
}

const berlin: EmployeeRow = { employee_id: 'emp-b', department: 'Engineering', timezone: 'Europe/Berlin' };
const newYork: EmployeeRow = { employee_id: 'emp-ny', timezone: 'America/New_York' };
const nightShift: EmployeeRow = {
  employee_id: 'emp-night',
  work_start_hour: 22,
  work_end_hour: 6,
  work_days: '1,2,3,4,5',
};

/** Findings over the UTC hour that contains `eventTime`. */
async function flaggedInHour(employees: EmployeeRow[], events: Record<string, unknown>[], eventTime: string) {
  lake = await FixtureLake.create(employees, events);
  const hour = new Date(eventTime);
  hour.setUTCMinutes(0, 0, 0);
  const end = new Date(hour.getTime() + 3_600_000);
  return lake.run('off-hours-export', hour.toISOString(), end.toISOString());
}

describe('off-hours-export', () => {
  it('flags an engineer exporting at 03:00 Berlin time on a workday', async () => {
    // Tuesday 2026-03-17 02:10 UTC is 03:10 in Berlin (UTC+1 before daylight saving).
    const time = '2026-03-17T02:10:00Z';
    const result = await flaggedInHour(
      [berlin],
      [exportAt('emp-b', time, 5000), exportAt('emp-b', '2026-03-17T02:20:00Z', 3000)],
      time,
    );
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      actor_id: 'emp-b',
      severity: 'high',
      summary:
        'exported 8000 records in 2 actions at 03:10 local time (Europe/Berlin), outside working hours 9-17 on days 1,2,3,4,5',
      event_count: 2,
      first_seen: '2026-03-17T02:10:00.000Z',
      evidence: {
        records: 8000,
        bytes: 1600000,
        destinations: 1,
        largest_destination: 'web_upload:filedrop.example',
      },
    });
  });

  it('does not flag the same export at 10:00 local time', async () => {
    const time = '2026-03-17T09:00:00Z';
    expect(await flaggedInHour([berlin], [exportAt('emp-b', time)], time)).toEqual([]);
  });

  it('follows daylight saving: 13:30 UTC is in hours in New York in July', async () => {
    const time = '2026-07-14T13:30:00Z'; // 09:30 EDT
    expect(await flaggedInHour([newYork], [exportAt('emp-ny', time)], time)).toEqual([]);
  });

  it('follows daylight saving: 13:30 UTC is before hours in New York in January', async () => {
    const time = '2026-01-13T13:30:00Z'; // 08:30 EST
    const result = await flaggedInHour([newYork], [exportAt('emp-ny', time)], time);
    expect(result[0]?.summary).toContain('at 08:30 local time (America/New_York)');
  });

  it('does not flag a night-shift agent exporting at 02:00 within their shift', async () => {
    const time = '2026-03-17T01:00:00Z'; // Tuesday 02:00 Berlin, in Monday's shift
    expect(await flaggedInHour([nightShift], [exportAt('emp-night', time)], time)).toEqual([]);
  });

  it('counts the early hours of Saturday as the Friday night shift', async () => {
    const time = '2026-03-21T01:00:00Z'; // Saturday 02:00 Berlin
    expect(await flaggedInHour([nightShift], [exportAt('emp-night', time)], time)).toEqual([]);
  });

  it('flags the night-shift agent in the early hours of Sunday, a shift they do not work', async () => {
    const time = '2026-03-22T01:00:00Z'; // Sunday 02:00 Berlin, Saturday's shift
    const result = await flaggedInHour([nightShift], [exportAt('emp-night', time)], time);
    expect(result.map((f) => f.actor_id)).toEqual(['emp-night']);
  });

  it('flags a day worker exporting on Saturday morning', async () => {
    const time = '2026-03-21T10:00:00Z'; // Saturday 11:00 Berlin
    const result = await flaggedInHour([berlin], [exportAt('emp-b', time)], time);
    expect(result.map((f) => f.actor_id)).toEqual(['emp-b']);
  });

  it('allows the grace period after the end of the day but not beyond', async () => {
    const inGrace = '2026-03-17T16:30:00Z'; // 17:30 Berlin
    expect(await flaggedInHour([berlin], [exportAt('emp-b', inGrace)], inGrace)).toEqual([]);
    await lake?.remove();
    const late = '2026-03-17T17:30:00Z'; // 18:30 Berlin
    expect(await flaggedInHour([berlin], [exportAt('emp-b', late)], late)).toHaveLength(1);
  });

  it('ignores small exports below min_records', async () => {
    const time = '2026-03-17T02:10:00Z';
    expect(await flaggedInHour([berlin], [exportAt('emp-b', time, 50)], time)).toEqual([]);
  });

  it('ignores reads and failed exports at night', async () => {
    const time = '2026-03-17T02:10:00Z';
    const events = [
      exportAt('emp-b', time, 5000, { action: 'read' }),
      exportAt('emp-b', time, 5000, { outcome: 'denied' }),
    ];
    expect(await flaggedInHour([berlin], events, time)).toEqual([]);
  });

  it('marks an export above critical_records as critical', async () => {
    const time = '2026-03-17T02:10:00Z';
    const result = await flaggedInHour([berlin], [exportAt('emp-b', time, 20000)], time);
    expect(result[0]?.severity).toBe('critical');
  });
});
