/**
 * All planted scenarios together: who plays which (one scenario per person), a cast member's day
 * with their scenario applied, and ground-truth.json.
 *
 * The demo insiders are chosen first, from their own random stream, exactly as before the
 * evaluation set existed, so adding the evaluation scenarios never changes who the demo's three
 * insiders are or what they do.
 */
import { employeeDay } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import type { DemoPeriod } from './demo-period.ts';
import {
  describeDirectoryScenario,
  directoryScenarioDay,
  planDirectoryScenarios,
} from './directory-scenarios.ts';
import { demoInsiderDay, describeDemoInsider, planDemoInsiders } from './insiders.ts';
import { describeLookAlike, lookAlikeDay, planLookAlikes } from './look-alikes.ts';
import type { Employee } from './org.ts';
import { createRng } from './prng.ts';
import { describeQuietInsider, planQuietInsiders, quietInsiderDay } from './quiet-insiders.ts';
import {
  Casting,
  EXPECTED,
  type GroundTruthEntry,
  type InsiderPlan,
  type PlannedDay,
  type Scenario,
  type ScenarioSet,
} from './scenario.ts';

/**
 * The cast and their days; the directory comes back with the departing employee on notice and,
 * in the evaluation set, the two leavers terminated on their last day.
 */
export function planScenarios(
  org: readonly Employee[],
  period: DemoPeriod,
  seed: number,
  set: ScenarioSet,
): { employees: Employee[]; insiders: InsiderPlan[] } {
  const rng = createRng(seed, 'insiders');
  const casting = new Casting(rng);
  const demo = planDemoInsiders(org, period, rng, casting);
  if (set === 'demo') return demo;
  const evaluationRng = createRng(seed, 'evaluation-scenarios');
  const more = casting.withRng(evaluationRng);
  const quiet = planQuietInsiders(demo.employees, period, evaluationRng, more);
  const lookAlikes = planLookAlikes(demo.employees, period, evaluationRng, more);
  // Planned last, from the same stream, so the scenarios above keep their cast and days.
  const directory = planDirectoryScenarios(demo.employees, period, evaluationRng, more);
  return {
    employees: directory.employees,
    insiders: [...demo.insiders, ...quiet, ...lookAlikes, ...directory.insiders],
  };
}

type Family = 'demo' | 'quiet' | 'look-alike' | 'directory';

const FAMILY: Readonly<Record<Scenario, Family>> = {
  'bulk-record-access': 'demo',
  'off-hours-export': 'demo',
  'departing-employee': 'demo',
  'slow-exfiltration': 'quiet',
  'ticketless-browsing': 'quiet',
  'timezone-traveller': 'look-alike',
  'on-call-engineer': 'look-alike',
  'quarter-end-reporting': 'look-alike',
  'post-termination-access': 'directory',
  'hr-record-snooping': 'directory',
  'last-day-leaver': 'directory',
};

/** The cast member's events on local `day`: their normal day, changed or added to on scenario days. */
export function scenarioDay(plan: InsiderPlan, day: number, seed: number): PlannedDay {
  if (!plan.days.includes(day)) return { events: employeeDay(plan.actor, day, { seed }), planted: [] };
  switch (FAMILY[plan.scenario]) {
    case 'demo':
      return demoInsiderDay(plan, day, seed);
    case 'quiet':
      return quietInsiderDay(plan, day, seed);
    case 'look-alike':
      return lookAlikeDay(plan, day, seed);
    case 'directory':
      return directoryScenarioDay(plan, day, seed);
  }
}

/** ground-truth.json: each cast member with the span of their planted events, what they did and the label. */
export function groundTruth(insiders: readonly InsiderPlan[], seed: number): GroundTruthEntry[] {
  return insiders.map((plan) => {
    const perDay = plan.days.map((day) => scenarioDay(plan, day, seed).planted);
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const event of perDay.flat()) {
      from = Math.min(from, event.at);
      to = Math.max(to, event.at);
    }
    if (from > to) throw new Error(`${plan.scenario} planted no events`);
    return {
      actor_id: plan.actor.employee_id,
      scenario: plan.scenario,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      description: describe(plan, perDay, seed),
      expected: EXPECTED[plan.scenario],
    };
  });
}

function describe(plan: InsiderPlan, perDay: readonly (readonly EventDraft[])[], seed: number): string {
  switch (FAMILY[plan.scenario]) {
    case 'demo':
      return describeDemoInsider(plan, perDay, seed);
    case 'quiet':
      return describeQuietInsider(plan, perDay, seed);
    case 'look-alike':
      return describeLookAlike(plan, perDay);
    case 'directory':
      return describeDirectoryScenario(plan, perDay);
  }
}
