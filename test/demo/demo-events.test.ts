import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, EXPORT_ACTIONS, validateEvent } from '../../lambdas/core/audit-event.ts';
import type { DemoEvent } from '../../lambdas/demo/demo-event.ts';
import { type DemoPlan, generateDemoEvents, planDemo } from '../../lambdas/demo/demo-events.ts';
import { formatEmployeesCsv } from '../../lambdas/demo/employee-csv.ts';
import { DEPARTURE_AFTER_DAYS, FILE_DROP } from '../../lambdas/demo/insiders.ts';
import {
  DAY_MS,
  dayNumberOf,
  formatDay,
  HOUR_MS,
  localDayOf,
  zoneOffsetMs,
} from '../../lambdas/demo/local-time.ts';
import type { Employee } from '../../lambdas/demo/org.ts';

const END_DAY = dayNumberOf('2026-03-30');

function streamDigest(plan: DemoPlan): { digest: string; count: number } {
  const hash = createHash('sha256');
  let count = 0;
  for (const event of generateDemoEvents(plan)) {
    hash.update(`${JSON.stringify(event)}\n`);
    count++;
  }
  return { digest: hash.digest('hex'), count };
}

/** Local wall-clock hour (fractional) of an event for the person. */
const localHour = (event: DemoEvent, person: Employee) => {
  const at = Date.parse(event.event_time);
  return ((((at + zoneOffsetMs(at, person.timezone)) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
};

/** True if `hour` lies in the person's shift, or up to `graceHours` after it ends. */
const inHours = (hour: number, person: Employee, graceHours: number) => {
  const { work_start_hour: start, work_end_hour: end } = person;
  if (end > start) return hour >= start && hour < end + graceHours;
  return hour >= start || hour < end + graceHours;
};

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** Distinct customer records a person opened per local day. */
function distinctReadsPerDay(events: readonly DemoEvent[], person: Employee): Map<number, number> {
  const perDay = new Map<number, Set<string>>();
  for (const e of events) {
    if (e.actor_id !== person.employee_id || e.action !== 'read' || e.resource_type !== 'customer_record')
      continue;
    const day = localDayOf(Date.parse(e.event_time), person.timezone);
    const ids = perDay.get(day) ?? new Set<string>();
    ids.add(e.resource_id ?? '');
    perDay.set(day, ids);
  }
  return new Map([...perDay].map(([day, ids]) => [day, ids.size]));
}

describe('generateDemoEvents is deterministic', () => {
  const options = { employees: 30, days: 10, seed: 42, endDay: END_DAY };

  it('produces an identical directory and event stream for the same seed', () => {
    const first = planDemo(options);
    const second = planDemo(options);
    expect(formatEmployeesCsv(second.employees)).toBe(formatEmployeesCsv(first.employees));
    expect(second.groundTruth).toEqual(first.groundTruth);
    expect(streamDigest(second)).toEqual(streamDigest(first));
  });

  it('produces a different directory and stream for another seed', () => {
    const first = planDemo(options);
    const other = planDemo({ ...options, seed: 43 });
    expect(formatEmployeesCsv(other.employees)).not.toBe(formatEmployeesCsv(first.employees));
    expect(streamDigest(other).digest).not.toBe(streamDigest(first).digest);
  });
});

describe('the default demo (200 employees × 30 days)', () => {
  let plan: DemoPlan;
  let events: DemoEvent[];
  let directory: Map<string, Employee>;
  const person = (id: string) => directory.get(id) as Employee;
  const insider = (scenario: string) => {
    const truth = plan.groundTruth.find((t) => t.scenario === scenario);
    if (!truth) throw new Error(`no ${scenario} in ground truth`);
    return {
      truth,
      actor: person(truth.actor_id),
      events: events.filter((e) => e.actor_id === truth.actor_id),
    };
  };

  beforeAll(() => {
    plan = planDemo({ employees: 200, days: 30, seed: 42, endDay: END_DAY });
    events = [...generateDemoEvents(plan)];
    directory = new Map(plan.employees.map((e) => [e.employee_id, e]));
  });

  it('has a modest volume: 150k to 400k events', () => {
    expect(events.length).toBeGreaterThan(150_000);
    expect(events.length).toBeLessThan(400_000);
  });

  it('keeps every event inside [start, end), in time order, with unique sequential ids', () => {
    const start = plan.period.startDay * DAY_MS;
    const end = plan.period.endDay * DAY_MS;
    let previous = start;
    const problems = events.flatMap((e, i) => {
      const at = Date.parse(e.event_time);
      const wrong = at < previous || at >= end || e.event_id !== `evt-42-${i + 1}`;
      previous = at;
      return wrong ? [`${e.event_id} ${e.event_time}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('writes only events that the ingest contract accepts', () => {
    const now = new Date(plan.period.endDay * DAY_MS);
    const problems = events.flatMap((e) => {
      const result = validateEvent(e, { now });
      return result.ok ? [] : [`${e.event_id}: ${result.reason}`];
    });
    expect(problems.slice(0, 5)).toEqual([]);
    expect(events.every((e) => (ACTIONS as readonly string[]).includes(e.action))).toBe(true);
  });

  it('names a destination on every export and only there', () => {
    const exportActions = EXPORT_ACTIONS as readonly string[];
    const destinations = /^(usb|email_external|email_internal|printer|api|web_upload:[a-z0-9.-]+)$/;
    const wrong = events.filter((e) =>
      exportActions.includes(e.action) ? !destinations.test(e.destination ?? '') : e.destination !== null,
    );
    expect(wrong).toEqual([]);
  });

  it('has service accounts that are marked as services and absent from the directory', () => {
    const ids = new Set(plan.employees.map((e) => e.employee_id));
    const services = new Set(events.filter((e) => e.actor_type === 'service').map((e) => e.actor_id));
    expect([...services].sort()).toEqual(['svc-backup', 'svc-crm-sync', 'svc-etl-nightly']);
    for (const id of services) expect(ids.has(id)).toBe(false);
    expect(events.filter((e) => e.actor_type === 'human' && !ids.has(e.actor_id))).toEqual([]);
  });

  it('plants the three insiders in ground truth, inside the last seven days', () => {
    expect(plan.groundTruth.map((t) => t.scenario).sort()).toEqual([
      'bulk-record-access',
      'departing-employee',
      'off-hours-export',
    ]);
    expect(new Set(plan.groundTruth.map((t) => t.actor_id)).size).toBe(3);
    const detectionFrom = plan.period.detectionFromDay * DAY_MS;
    for (const truth of plan.groundTruth) {
      expect(Date.parse(truth.from)).toBeGreaterThanOrEqual(detectionFrom);
      expect(Date.parse(truth.to)).toBeLessThan(plan.period.endDay * DAY_MS);
      expect(truth.description.length).toBeGreaterThan(20);
    }
  });

  it('has the bulk reader open at least ten times their usual distinct records on three days, mostly without a ticket', () => {
    const { truth, actor, events: mine } = insider('bulk-record-access');
    expect(actor.role).toBe('support-agent');
    const perDay = distinctReadsPerDay(mine, actor);
    const from = localDayOf(Date.parse(truth.from), actor.timezone);
    const to = localDayOf(Date.parse(truth.to), actor.timezone);
    const usual = median(
      [...perDay].filter(([day]) => day < plan.period.detectionFromDay - 1).map(([, n]) => n),
    );
    const scenarioDays = [...perDay].filter(([day]) => day >= from && day <= to);
    expect(scenarioDays).toHaveLength(3);
    for (const [, n] of scenarioDays) {
      expect(n).toBeGreaterThanOrEqual(10 * usual);
      expect(n).toBeGreaterThanOrEqual(1_500);
    }
    const reads = mine.filter((e) => e.resource_type === 'customer_record' && e.action === 'read');
    const scenarioReads = reads.filter((e) => e.event_time >= truth.from && e.event_time <= truth.to);
    expect(
      scenarioReads.filter((e) => e.justification_id === null).length / scenarioReads.length,
    ).toBeGreaterThan(0.6);
    // All of it in working hours: nothing for an off-hours rule to catch.
    expect(mine.filter((e) => !inHours(localHour(e, actor), actor, 1))).toEqual([]);
  });

  it('has the 9→17 engineer export 3–5 large warehouse tables to a file drop around 03:00 local', () => {
    const { actor, events: mine } = insider('off-hours-export');
    expect([actor.department, actor.work_start_hour, actor.work_end_hour]).toEqual(['Engineering', 9, 17]);
    const exports = mine.filter((e) => e.action === 'export' && e.destination === FILE_DROP);
    expect(exports.length).toBeGreaterThanOrEqual(3);
    expect(exports.length).toBeLessThanOrEqual(5);
    for (const e of exports) {
      expect([e.resource_type, e.source_system]).toEqual(['table', 'data-warehouse']);
      expect(e.record_count).toBeGreaterThanOrEqual(5_000);
      expect(e.record_count).toBeLessThanOrEqual(20_000);
      const hour = localHour(e, actor);
      expect(hour).toBeGreaterThanOrEqual(3);
      expect(hour).toBeLessThan(4);
    }
  });

  it('has the departing employee on notice copy to USB in the late evening and read ten times their usual records', () => {
    const { truth, actor, events: mine } = insider('departing-employee');
    expect(actor.employment_status).toBe('notice');
    expect(actor.termination_date).toBe(formatDay(plan.period.endDay + DEPARTURE_AFTER_DAYS));
    const toUsb = mine.filter((e) => e.destination === 'usb');
    expect(toUsb.length).toBeGreaterThanOrEqual(4);
    for (const e of toUsb) {
      expect(['copy', 'download']).toContain(e.action);
      expect(Date.parse(e.event_time)).toBeGreaterThanOrEqual((plan.period.endDay - 5) * DAY_MS);
      const hour = localHour(e, actor);
      expect(hour).toBeGreaterThanOrEqual(21);
      expect(hour).toBeLessThan(23);
      expect(inHours(hour, actor, 1)).toBe(false);
      expect(e.record_count).toBeGreaterThanOrEqual(500);
    }
    const perDay = distinctReadsPerDay(mine, actor);
    const usual = median(
      [...perDay].filter(([day]) => day < plan.period.detectionFromDay - 1).map(([, n]) => n),
    );
    const from = localDayOf(Date.parse(truth.from), actor.timezone);
    const scenarioDays = [...perDay].filter(([day]) => day >= from);
    expect(scenarioDays.length).toBeGreaterThanOrEqual(2);
    for (const [, n] of scenarioDays) expect(n).toBeGreaterThanOrEqual(7 * usual);
  });

  it('has the night shift export reports at night, inside their own hours (the negative control)', () => {
    const night = plan.employees.filter((e) => e.role === 'night-agent');
    const planted = new Set(plan.groundTruth.map((t) => t.actor_id));
    const nightExports = events.filter(
      (e) => e.action === 'export' && night.some((n) => n.employee_id === e.actor_id),
    );
    expect(nightExports.length).toBeGreaterThan(20);
    for (const e of nightExports) {
      const hour = localHour(e, person(e.actor_id));
      expect(hour >= 22 || hour < 6).toBe(true);
      expect(planted.has(e.actor_id)).toBe(false);
    }
  });

  it('has no one but the planted insiders export outside their hours plus one hour', () => {
    const planted = new Set(plan.groundTruth.map((t) => t.actor_id));
    const exportActions = EXPORT_ACTIONS as readonly string[];
    const offHours = events.filter(
      (e) =>
        e.actor_type === 'human' &&
        !planted.has(e.actor_id) &&
        exportActions.includes(e.action) &&
        !inHours(localHour(e, person(e.actor_id)), person(e.actor_id), 1),
    );
    expect(offHours.map((e) => `${e.actor_id} ${e.event_time} ${e.action}`)).toEqual([]);
  });

  it('follows a weekly rhythm: day workers are quiet at the weekend', () => {
    const weekdayCounts = new Map<number, number>();
    for (const e of events) {
      if (e.actor_type !== 'human') continue;
      const actor = person(e.actor_id);
      if (actor.work_start_hour > actor.work_end_hour) continue;
      const weekday = new Date(localDayOf(Date.parse(e.event_time), actor.timezone) * DAY_MS).getUTCDay();
      weekdayCounts.set(weekday, (weekdayCounts.get(weekday) ?? 0) + 1);
    }
    expect(weekdayCounts.get(0) ?? 0).toBe(0);
    expect(weekdayCounts.get(6) ?? 0).toBe(0);
    expect(weekdayCounts.get(3) ?? 0).toBeGreaterThan(10_000);
  });
});
