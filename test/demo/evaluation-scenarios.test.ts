import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_ACTIONS, validateEvent } from '../../lambdas/core/audit-event.ts';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { usualCustomerReads } from '../../lambdas/demo/activity.ts';
import type { DemoEvent } from '../../lambdas/demo/demo-event.ts';
import { type DemoPlan, generateDemoEvents, planDemo } from '../../lambdas/demo/demo-events.ts';
import { generateDemoLake } from '../../lambdas/demo/demo-lake.ts';
import {
  DAY_MS,
  dayNumberOf,
  formatDay,
  HOUR_MS,
  localDayOf,
  zoneOffsetMs,
} from '../../lambdas/demo/local-time.ts';
import type { Employee } from '../../lambdas/demo/org.ts';
import { EVALUATION_DAYS, type GroundTruthEntry, type Scenario } from '../../lambdas/demo/scenario.ts';

const END_DAY = dayNumberOf('2026-04-06');
const options = { employees: 100, days: 30, seed: 7, endDay: END_DAY };

/** Local wall-clock hour (fractional) of an instant in a zone. */
const localHour = (at: number, timeZone: string) =>
  ((((at + zoneOffsetMs(at, timeZone)) % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;

describe('the evaluation scenarios (100 employees × 30 days)', () => {
  let plan: DemoPlan;
  let events: DemoEvent[];
  const truth = (scenario: Scenario): GroundTruthEntry => {
    const entry = plan.groundTruth.find((t) => t.scenario === scenario);
    if (!entry) throw new Error(`no ${scenario} in ground truth`);
    return entry;
  };
  const actorOf = (scenario: Scenario): Employee =>
    plan.employees.find((e) => e.employee_id === truth(scenario).actor_id) as Employee;
  const eventsOf = (scenario: Scenario) => events.filter((e) => e.actor_id === truth(scenario).actor_id);
  const customerReadsByDay = (scenario: Scenario) => {
    const actor = actorOf(scenario);
    const perDay = new Map<number, DemoEvent[]>();
    for (const e of eventsOf(scenario)) {
      if (e.action !== 'read' || e.resource_type !== 'customer_record') continue;
      const day = localDayOf(Date.parse(e.event_time), actor.timezone);
      perDay.set(day, [...(perDay.get(day) ?? []), e]);
    }
    return perDay;
  };

  beforeAll(() => {
    plan = planDemo({ ...options, scenarios: 'evaluation' });
    events = [...generateDemoEvents(plan)];
  });

  it('plants eleven scenarios on eleven different people, labelled flag or no-flag', () => {
    expect(plan.groundTruth.map((t) => [t.scenario, t.expected])).toEqual([
      ['bulk-record-access', 'flag'],
      ['off-hours-export', 'flag'],
      ['departing-employee', 'flag'],
      ['slow-exfiltration', 'flag'],
      ['ticketless-browsing', 'flag'],
      ['timezone-traveller', 'no-flag'],
      ['on-call-engineer', 'no-flag'],
      ['quarter-end-reporting', 'no-flag'],
      ['post-termination-access', 'flag'],
      ['hr-record-snooping', 'flag'],
      ['last-day-leaver', 'no-flag'],
    ]);
    expect(new Set(plan.groundTruth.map((t) => t.actor_id)).size).toBe(11);
    expect(plan.period.detectionFromDay).toBe(END_DAY - EVALUATION_DAYS);
  });

  it('keeps the demo’s three insiders exactly as in a demo lake', () => {
    const demo = planDemo(options);
    expect(plan.groundTruth.slice(0, 3)).toEqual(demo.groundTruth);
  });

  it('is deterministic for a seed', () => {
    const again = planDemo({ ...options, scenarios: 'evaluation' });
    expect(again.groundTruth).toEqual(plan.groundTruth);
  });

  it('streams valid events in time order', () => {
    const now = new Date(END_DAY * DAY_MS);
    let previous = 0;
    const problems = events.flatMap((e, i) => {
      const at = Date.parse(e.event_time);
      const result = validateEvent(e, { now });
      const wrong = at < previous || e.event_id !== `evt-7-${i + 1}` || !result.ok;
      previous = at;
      return wrong ? [e.event_id] : [];
    });
    expect(problems.slice(0, 5)).toEqual([]);
  });

  it('ramps the slow exfiltrator from about their usual count to about 15× it, never jumping more than half again in a day', () => {
    const actor = actorOf('slow-exfiltration');
    const { from } = truth('slow-exfiltration');
    const usual = usualCustomerReads(actor, 7);
    const rampStart = localDayOf(Date.parse(from), actor.timezone);
    const ramp = [...customerReadsByDay('slow-exfiltration')]
      .filter(([day]) => day >= rampStart)
      .sort(([a], [b]) => a - b)
      .map(([, reads]) => new Set(reads.map((e) => e.resource_id)).size);
    expect(ramp.length).toBeGreaterThanOrEqual(10);
    expect(ramp[0]).toBeLessThan(2 * usual);
    expect(ramp.at(-1)).toBeGreaterThan(10 * usual);
    for (let i = 1; i < ramp.length; i++)
      expect(ramp[i] as number).toBeLessThan(1.6 * (ramp[i - 1] as number) + 20);
  });

  it('has the ticketless browser read at their usual volume, mostly without a ticket', () => {
    const { from, to } = truth('ticketless-browsing');
    const perDay = customerReadsByDay('ticketless-browsing');
    const inWindow = [...perDay.values()].flat().filter((e) => e.event_time >= from && e.event_time <= to);
    const before = [...perDay.values()].flat().filter((e) => e.event_time < from);
    const unticketed = (reads: readonly DemoEvent[]) =>
      reads.filter((e) => e.justification_id === null).length / reads.length;
    expect(unticketed(inWindow)).toBeGreaterThan(0.7);
    expect(unticketed(before)).toBeLessThan(0.1);
    const usual = usualCustomerReads(actorOf('ticketless-browsing'), 7);
    for (const reads of perDay.values()) expect(reads.length).toBeLessThanOrEqual(1.6 * usual);
  });

  it('has the traveller work normal hours in another zone while the directory keeps the home zone', () => {
    const actor = actorOf('timezone-traveller');
    const { from, to } = truth('timezone-traveller');
    const away = plan.insiders.find((p) => p.scenario === 'timezone-traveller')?.away;
    expect(away).toBeDefined();
    expect(away?.timezone).not.toBe(actor.timezone);
    const trip = eventsOf('timezone-traveller').filter((e) => e.event_time >= from && e.event_time <= to);
    expect(trip.length).toBeGreaterThan(50);
    for (const e of trip) {
      const hour = localHour(Date.parse(e.event_time), away?.timezone ?? '');
      expect(hour).toBeGreaterThanOrEqual(actor.work_start_hour);
      expect(hour).toBeLessThan(actor.work_end_hour + 1);
    }
    const exports = trip.filter((e) => (EXPORT_ACTIONS as readonly string[]).includes(e.action));
    expect(exports.some((e) => e.record_count >= 100)).toBe(true);
  });

  it('has the on-call engineer work some nights over the whole period, under incident ids', () => {
    const actor = actorOf('on-call-engineer');
    const pages = eventsOf('on-call-engineer').filter((e) => {
      const hour = localHour(Date.parse(e.event_time), actor.timezone);
      return hour >= 22 || hour < 6;
    });
    expect(pages.length).toBeGreaterThan(10);
    const nights = new Set(
      pages.map((e) => formatDay(localDayOf(Date.parse(e.event_time) - 8 * HOUR_MS, actor.timezone))),
    );
    expect(nights.size).toBeGreaterThanOrEqual(2);
    const data = pages.filter((e) => e.resource_type === 'table');
    expect(data.every((e) => e.justification_id?.startsWith('INC-'))).toBe(true);
  });

  it('has the Finance analyst export large reports in hours on the closing days of the month', () => {
    const actor = actorOf('quarter-end-reporting');
    expect(actor.department).toBe('Finance');
    const big = eventsOf('quarter-end-reporting').filter(
      (e) => e.action === 'export' && e.record_count >= 20_000,
    );
    expect(big.length).toBeGreaterThanOrEqual(5);
    for (const e of big) {
      const at = Date.parse(e.event_time);
      const hour = localHour(at, actor.timezone);
      expect(hour).toBeGreaterThanOrEqual(actor.work_start_hour);
      expect(hour).toBeLessThan(actor.work_end_hour);
      const day = new Date(localDayOf(at, actor.timezone) * DAY_MS);
      expect(day.getUTCDate()).toBeGreaterThanOrEqual(20);
    }
  });
});

describe('the evaluation scenarios that turn on the directory (100 employees × 30 days)', () => {
  let plan: DemoPlan;
  let events: DemoEvent[];
  const truth = (scenario: Scenario): GroundTruthEntry => {
    const entry = plan.groundTruth.find((t) => t.scenario === scenario);
    if (!entry) throw new Error(`no ${scenario} in ground truth`);
    return entry;
  };
  const directoryEntry = (scenario: Scenario): Employee =>
    plan.employees.find((e) => e.employee_id === truth(scenario).actor_id) as Employee;
  /** The actor's events by their local day (the day the detectors compare termination dates with). */
  const localDaysOf = (scenario: Scenario) => {
    const actor = directoryEntry(scenario);
    return events
      .filter((e) => e.actor_id === actor.employee_id)
      .map((e) => ({ event: e, day: localDayOf(Date.parse(e.event_time), actor.timezone) }));
  };
  const windowStart = END_DAY - EVALUATION_DAYS;

  beforeAll(() => {
    plan = planDemo({ ...options, scenarios: 'evaluation' });
    events = [...generateDemoEvents(plan)];
  });

  it('lists both leavers as terminated on a last day inside the window, and changes nobody else', () => {
    const before = planDemo(options).employees;
    const changed = plan.employees.filter((e, i) => JSON.stringify(e) !== JSON.stringify(before[i]));
    expect(changed.map((e) => e.employee_id).sort()).toEqual(
      [truth('post-termination-access').actor_id, truth('last-day-leaver').actor_id].sort(),
    );
    for (const leaver of changed) {
      expect(leaver.employment_status).toBe('terminated');
      const lastDay = dayNumberOf(leaver.termination_date ?? '');
      expect(lastDay).toBeGreaterThanOrEqual(windowStart);
      expect(lastDay).toBeLessThan(END_DAY);
    }
  });

  it('has the token leaver work until their last day, then only the token acts, from outside the company, reading and exporting', () => {
    const leaver = directoryEntry('post-termination-access');
    const lastDay = dayNumberOf(leaver.termination_date ?? '');
    const byDay = localDaysOf('post-termination-access');
    const working = byDay.filter(({ day }) => day <= lastDay);
    const after = byDay.filter(({ day }) => day > lastDay).map(({ event }) => event);
    expect(working.filter(({ day }) => day >= lastDay - 7).length).toBeGreaterThan(20);
    expect(
      new Set(after.map((e) => formatDay(localDayOf(Date.parse(e.event_time), leaver.timezone)))).size,
    ).toBe(3);
    expect(
      after.every((e) => e.source_ip?.startsWith('198.51.100.') && e.device_id !== leaver.device_id),
    ).toBe(true);
    expect(after.some((e) => e.action === 'export' && e.record_count >= 1_000)).toBe(true);
    expect(after.filter((e) => e.action === 'read').length).toBeGreaterThan(0);
    const { from, to } = truth('post-termination-access');
    expect(after.map((e) => e.event_time)).toEqual(
      after.map((e) => e.event_time).filter((t) => t >= from && t <= to),
    );
    expect(from >= new Date((END_DAY - 7) * DAY_MS).toISOString()).toBe(true);
  });

  it('has the snooper reach HR systems for the first time in the period, after weeks of normal work', () => {
    const snooper = directoryEntry('hr-record-snooping');
    const { from } = truth('hr-record-snooping');
    const sensitive = (e: DemoEvent) =>
      (e.resource_type === 'employee_record' && e.source_system === 'hris') ||
      (e.resource_type === 'file' && e.source_system === 'hr-share');
    const mine = localDaysOf('hr-record-snooping');
    const before = mine.filter(({ event }) => event.event_time < from);
    const during = mine.filter(({ event }) => event.event_time >= from).map(({ event }) => event);
    expect(new Set(before.map(({ day }) => day)).size).toBeGreaterThanOrEqual(14);
    expect(before.some(({ event }) => sensitive(event))).toBe(false);
    expect(during.filter((e) => sensitive(e) && e.justification_id === null).length).toBeGreaterThanOrEqual(
      15,
    );
    // Nobody in their department uses these systems: the first use is the whole department's first.
    const department = new Set(
      plan.employees.filter((e) => e.department === snooper.department).map((e) => e.employee_id),
    );
    const colleagues = events.filter(
      (e) => department.has(e.actor_id) && e.actor_id !== snooper.employee_id && sensitive(e),
    );
    expect(colleagues).toEqual([]);
    for (const e of during.filter(sensitive)) {
      const hour = localHour(Date.parse(e.event_time), snooper.timezone);
      expect(hour).toBeGreaterThanOrEqual(snooper.work_start_hour);
      expect(hour).toBeLessThan(snooper.work_end_hour);
    }
  });

  it('has the last-day leaver work through their last local day, past UTC midnight, and never after it', () => {
    const leaver = directoryEntry('last-day-leaver');
    expect(leaver.timezone).toBe('America/Los_Angeles');
    const lastDay = dayNumberOf(leaver.termination_date ?? '');
    const byDay = localDaysOf('last-day-leaver');
    expect(byDay.every(({ day }) => day <= lastDay)).toBe(true);
    const onLastDay = byDay.filter(({ day }) => day === lastDay).map(({ event }) => event);
    expect(onLastDay.length).toBeGreaterThan(10);
    // The wrap-up after 17:00 in Los Angeles is on the next UTC day: only the local day says it is still the last.
    expect(onLastDay.some((e) => e.event_time.slice(0, 10) > formatDay(lastDay))).toBe(true);
    expect(
      new Set(byDay.filter(({ day }) => day < lastDay).map(({ day }) => day)).size,
    ).toBeGreaterThanOrEqual(14);
  });
});

describe('generateDemoLake with the evaluation scenarios', () => {
  it.each([
    [{ days: 20 }, /days: expected at least 28/],
    [{ employees: 30 }, /employees: expected at least 60/],
  ])('rejects %o with a message naming the option', async (override, message) => {
    const lakeDir = join(tmpdir(), 'auditlake-never-written');
    const attempt = generateDemoLake({
      lakeDir,
      end: new Date(END_DAY * DAY_MS),
      scenarios: 'evaluation',
      ...override,
    });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
    expect(existsSync(lakeDir)).toBe(false);
  });
});
