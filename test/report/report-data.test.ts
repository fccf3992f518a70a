import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import {
  queryDailyActivity,
  queryFirstLakeDay,
  queryHourOfWeek,
  queryPeerDistribution,
  queryTimezone,
} from '../../lambdas/report/report-data.ts';
import { event, FixtureLake } from '../support/fixture-lake.ts';

const HOSTILE = "o'hara<script>alert(1)</script>";

const employees = [
  { employee_id: 'emp-a', department: 'Support', timezone: 'America/New_York' },
  { employee_id: 'emp-b', department: 'Support' },
  { employee_id: 'emp-c', department: 'Support' },
  { employee_id: 'emp-s', department: 'Sales' },
  { employee_id: HOSTILE, department: 'Support' },
];

const reads = (actor: string, day: string, count: number, hour = '14:00') =>
  Array.from({ length: count }, (_, i) =>
    event({
      actor_id: actor,
      event_time: `${day}T${hour}:${String(i % 60).padStart(2, '0')}Z`,
      action: 'read',
      resource_id: `cust-${i}`,
    }),
  );

const events = [
  // emp-a: 3 distinct records on the 1st (one read twice), an export of 500 on the 2nd, idle on the 3rd.
  ...reads('emp-a', '2026-03-01', 3),
  event({ actor_id: 'emp-a', event_time: '2026-03-01T15:00:00Z', action: 'read', resource_id: 'cust-0' }),
  event({
    actor_id: 'emp-a',
    event_time: '2026-03-01T15:05:00Z',
    action: 'read',
    resource_id: 'cust-x',
    outcome: 'denied',
  }),
  event({
    actor_id: 'emp-a',
    event_time: '2026-03-02T03:30:00Z',
    action: 'export',
    resource_type: 'table',
    resource_id: 'customers',
    record_count: 500,
    destination: 'usb',
  }),
  // Window day 2026-03-04: emp-a reads 40 records; peers read 5 and 7; the Sales employee reads 100.
  ...reads('emp-a', '2026-03-04', 40),
  ...reads('emp-b', '2026-03-04', 5),
  ...reads('emp-c', '2026-03-04', 7),
  ...reads('emp-s', '2026-03-04', 100),
  ...reads(HOSTILE, '2026-03-04', 2),
];

let lake: FixtureLake;
let engine: DuckDbEngine;

beforeAll(async () => {
  lake = await FixtureLake.create(employees, events);
  engine = await openDuckDbEngine({ lakeDir: lake.dir });
});

afterAll(async () => {
  await engine?.close();
  await lake?.remove();
});

describe('daily activity', () => {
  it('counts distinct records read and records exported per UTC day, with zeros for idle days', async () => {
    const daily = await queryDailyActivity(
      engine,
      'emp-a',
      { fromDay: '2026-03-01', toDay: '2026-03-04' },
      new Set(['2026-03-04']),
    );

    expect(daily).toEqual([
      { day: '2026-03-01', recordsRead: 3, recordsExported: 0, inWindow: false },
      { day: '2026-03-02', recordsRead: 1, recordsExported: 500, inWindow: false },
      { day: '2026-03-03', recordsRead: 0, recordsExported: 0, inWindow: false },
      { day: '2026-03-04', recordsRead: 40, recordsExported: 0, inWindow: true },
    ]);
  });

  it('treats a hostile actor id as a value, not as SQL', async () => {
    const daily = await queryDailyActivity(engine, HOSTILE, { fromDay: '2026-03-04', toDay: '2026-03-04' });

    expect(daily.map((point) => point.recordsRead)).toEqual([2]);
  });
});

describe('hour of week', () => {
  it('places events in the actor’s local time and splits baseline from window', async () => {
    const cells = await queryHourOfWeek(
      engine,
      'emp-a',
      new Date('2026-03-01T00:00:00Z'),
      new Date('2026-03-04T00:00:00Z'),
      new Date('2026-03-05T00:00:00Z'),
    );

    expect(cells).toHaveLength(168);
    const at = (day: number, hour: number) => cells.find((cell) => cell.day === day && cell.hour === hour);
    // Sunday 2026-03-01 14:00 UTC is 09:00 in New York (EST, UTC-5): 3 reads + the 15:00 ones at 10:00.
    expect(at(7, 9)).toEqual({ day: 7, hour: 9, baselineEvents: 3, windowEvents: 0 });
    expect(at(7, 10)).toEqual({ day: 7, hour: 10, baselineEvents: 2, windowEvents: 0 });
    // Monday 2026-03-02 03:30 UTC is Sunday 22:30 in New York.
    expect(at(7, 22)?.baselineEvents).toBe(1);
    // Wednesday 2026-03-04 14:00 UTC is 09:00 local: the window's 40 reads.
    expect(at(3, 9)).toEqual({ day: 3, hour: 9, baselineEvents: 0, windowEvents: 40 });
    expect(cells.reduce((sum, cell) => sum + cell.baselineEvents + cell.windowEvents, 0)).toBe(46);
  });

  it('reads the actor’s time zone from the directory, UTC when absent', async () => {
    expect(await queryTimezone(engine, 'emp-a')).toBe('America/New_York');
    expect(await queryTimezone(engine, 'not-in-directory')).toBe('UTC');
  });
});

describe('peer distribution', () => {
  it('compares the actor with the other members of their department only, anonymously', async () => {
    const peers = await queryPeerDistribution(engine, 'emp-a', {
      fromDay: '2026-03-04',
      toDay: '2026-03-04',
    });

    expect(peers).toEqual({ department: 'Support', actorValue: 40, peerValues: [2, 5, 7] });
  });

  it('shows the actor’s own value with no peers when the actor is not in the directory', async () => {
    const peers = await queryPeerDistribution(engine, 'not-in-directory', {
      fromDay: '2026-03-04',
      toDay: '2026-03-04',
    });

    expect(peers).toEqual({ department: null, actorValue: 0, peerValues: [] });
  });
});

describe('first lake day', () => {
  it('starts the baseline where the lake’s data starts, not before', async () => {
    expect(await queryFirstLakeDay(engine, { fromDay: '2026-02-01', toDay: '2026-03-04' })).toBe(
      '2026-03-01',
    );
    expect(await queryFirstLakeDay(engine, { fromDay: '2026-01-01', toDay: '2026-01-31' })).toBe(
      '2026-01-31',
    );
  });
});
