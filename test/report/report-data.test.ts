import { TrinoSQL } from 'dt-sql-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_EVENT_COLUMNS } from '../../lambdas/core/audit-event.ts';
import type { QueryEngine } from '../../lambdas/core/ports.ts';
import type { DuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { EMPLOYEE_COLUMNS } from '../../lambdas/engines/lake-tables.ts';
import { PORTABLE_FUNCTIONS } from '../../lambdas/engines/trino-compat.ts';
import {
  queryDailyActivity,
  queryFindingReportData,
  queryFirstLakeDay,
  queryHourOfWeek,
  queryPeerDistributions,
  queryTimezone,
} from '../../lambdas/report/report-data.ts';
import { sampleFinding } from '../support/findings.ts';
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
  // A contractor outside the directory reads 9 records that day.
  ...reads('contractor-x', '2026-03-04', 9),
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

describe('peer distributions', () => {
  it('compares the actor with the other members of their department only, anonymously', async () => {
    const peers = await queryPeerDistributions(engine, 'emp-a', {
      fromDay: '2026-03-04',
      toDay: '2026-03-04',
    });

    expect(peers.recordsRead).toEqual({ department: 'Support', actorValue: 40, peerValues: [2, 5, 7] });
  });

  it('gives the distribution of records exported over the same members and days', async () => {
    const peers = await queryPeerDistributions(engine, 'emp-b', {
      fromDay: '2026-03-02',
      toDay: '2026-03-04',
    });

    // emp-a exported 500 records on the 2nd; the other Support members exported nothing.
    expect(peers.recordsExported).toEqual({ department: 'Support', actorValue: 0, peerValues: [0, 0, 500] });
    expect(peers.recordsRead).toEqual({ department: 'Support', actorValue: 5, peerValues: [2, 7, 40] });
  });

  it('shows the actor’s own value with no peers when the actor is not in the directory', async () => {
    const peers = await queryPeerDistributions(engine, 'contractor-x', {
      fromDay: '2026-03-04',
      toDay: '2026-03-04',
    });

    expect(peers.recordsRead).toEqual({ department: null, actorValue: 9, peerValues: [] });
    expect(peers.recordsExported).toEqual({ department: null, actorValue: 0, peerValues: [] });
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

describe('the report queries on Athena', () => {
  /** Words before `(` that are SQL syntax, not function calls. */
  const SYNTAX = new Set(['in', 'as', 'from', 'and', 'or', 'not', 'on', 'join', 'select', 'exists', 'then']);

  it('are Trino SQL using only portable functions and the lake tables’ columns', async () => {
    const sent: string[] = [];
    const recording: QueryEngine = {
      name: 'recording',
      close: async () => undefined,
      query: (request) => {
        sent.push(request.sql);
        return engine.query(request);
      },
    };

    await queryFindingReportData(
      recording,
      sampleFinding({
        actor_id: 'emp-a',
        window_start: '2026-03-04T00:00:00.000Z',
        window_end: '2026-03-05T00:00:00.000Z',
      }),
      7,
    );

    expect(sent).toHaveLength(5);
    const columns = new Set([
      ...AUDIT_EVENT_COLUMNS.map((column) => column.name),
      ...EMPLOYEE_COLUMNS.map((column) => column.name),
      'dt',
    ]);
    for (const sql of sent) {
      const errors: string[] = [];
      new TrinoSQL().parse(sql, (error) => errors.push(error.message));
      expect(errors, sql).toEqual([]);
      const calls = [...sql.matchAll(/\b([a-z_]+)\s*\(/gi)].map((match) => (match[1] ?? '').toLowerCase());
      expect(
        calls.filter((name) => !SYNTAX.has(name) && !PORTABLE_FUNCTIONS.has(name)),
        sql,
      ).toEqual([]);
      // Every column read from a lake table (qualified `a.x`, `e.x`, or bare in a WHERE) exists there.
      const qualified = [...sql.matchAll(/\b[ae]\.([a-z_]+)/g)].map((match) => match[1] ?? '');
      expect(
        qualified.filter((name) => !columns.has(name)),
        sql,
      ).toEqual([]);
    }
  });
});
