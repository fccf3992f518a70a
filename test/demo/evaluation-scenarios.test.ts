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

  it('plants eight scenarios on eight different people, labelled flag or no-flag', () => {
    expect(plan.groundTruth.map((t) => [t.scenario, t.expected])).toEqual([
      ['bulk-record-access', 'flag'],
      ['off-hours-export', 'flag'],
      ['departing-employee', 'flag'],
      ['slow-exfiltration', 'flag'],
      ['ticketless-browsing', 'flag'],
      ['timezone-traveller', 'no-flag'],
      ['on-call-engineer', 'no-flag'],
      ['quarter-end-reporting', 'no-flag'],
    ]);
    expect(new Set(plan.groundTruth.map((t) => t.actor_id)).size).toBe(8);
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
