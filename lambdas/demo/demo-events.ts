/**
 * The whole demo as a pure function: plan the org and the insiders, then stream every event of
 * the period in time order. Nothing here touches the disk; `demo-lake.ts` writes what this yields.
 *
 * Streaming keeps memory flat at any size: days are generated one local day at a time and an
 * event is released once no later day can produce anything earlier (a local day's events start
 * at most 14 hours before its UTC midnight, the furthest any zone is ahead of UTC).
 */

import { employeeDay, serviceDay } from './activity.ts';
import { type DemoEvent, type EventDraft, toDemoEvent } from './demo-event.ts';
import { DETECTION_DAYS, type DemoPeriod, demoPeriod } from './demo-period.ts';
import { DAY_MS } from './local-time.ts';
import { type Employee, generateOrg, SERVICE_ACCOUNTS, type ServiceAccount } from './org.ts';
import { groundTruth, planScenarios, scenarioDay } from './planted-scenarios.ts';
import { EVALUATION_DAYS, type GroundTruthEntry, type InsiderPlan, type ScenarioSet } from './scenario.ts';

/**
 * Bumped whenever the same seed would produce different data (2: ground truth carries `expected`;
 * 3: evaluation lakes add the directory scenarios, demo lakes are unchanged).
 */
export const GENERATOR_VERSION = 'auditlake-demo/3';

export interface DemoPlanOptions {
  readonly employees: number;
  readonly days: number;
  readonly seed: number;
  /** Exclusive end of the period, a UTC midnight (day number). */
  readonly endDay: number;
  /** `evaluation` adds the slower insiders and the benign look-alikes. @default 'demo' */
  readonly scenarios?: ScenarioSet;
}

export interface DemoPlan {
  readonly seed: number;
  readonly scenarios: ScenarioSet;
  readonly period: DemoPeriod;
  /** The directory as written to employees.csv (the departing insider already on notice). */
  readonly employees: readonly Employee[];
  readonly serviceAccounts: readonly ServiceAccount[];
  readonly insiders: readonly InsiderPlan[];
  readonly groundTruth: readonly GroundTruthEntry[];
}

export function planDemo(options: DemoPlanOptions): DemoPlan {
  const scenarios = options.scenarios ?? 'demo';
  const period = demoPeriod(
    options.endDay,
    options.days,
    scenarios === 'evaluation' ? EVALUATION_DAYS : DETECTION_DAYS,
  );
  const org = generateOrg({
    employees: options.employees,
    seed: options.seed,
    startDay: period.startDay,
    endDay: period.endDay,
  });
  const { employees, insiders } = planScenarios(org, period, options.seed, scenarios);
  return {
    seed: options.seed,
    scenarios,
    period,
    employees,
    serviceAccounts: SERVICE_ACCOUNTS,
    insiders,
    groundTruth: groundTruth(insiders, options.seed),
  };
}

/** Every event of the period, in time order, numbered `evt-<seed>-1`, `-2`, … */
export function* generateDemoEvents(plan: DemoPlan): Generator<DemoEvent> {
  const start = plan.period.startDay * DAY_MS;
  const end = plan.period.endDay * DAY_MS;
  const planByActor = new Map<string, InsiderPlan>(plan.insiders.map((p) => [p.actor.employee_id, p]));
  let pending: EventDraft[] = [];
  let n = 0;
  // Shifts that start the day before the period can reach into it; so can Sydney's first day after it.
  for (let day = plan.period.startDay - 1; day <= plan.period.endDay; day++) {
    for (const employee of plan.employees) {
      const insider = planByActor.get(employee.employee_id);
      pending.push(
        ...(insider
          ? scenarioDay(insider, day, plan.seed).events
          : employeeDay(employee, day, { seed: plan.seed })),
      );
    }
    for (const account of plan.serviceAccounts) pending.push(...serviceDay(account, day, plan.seed));

    // Later days start no earlier than this day's UTC midnight; release everything before it.
    const released = day === plan.period.endDay ? Number.POSITIVE_INFINITY : day * DAY_MS;
    pending.sort((a, b) => a.at - b.at);
    let cut = 0;
    while (cut < pending.length && (pending[cut] as EventDraft).at < released) cut++;
    for (let i = 0; i < cut; i++) {
      const event = pending[i] as EventDraft;
      if (event.at >= start && event.at < end) yield toDemoEvent(event, plan.seed, ++n);
    }
    pending = pending.slice(cut);
  }
}
