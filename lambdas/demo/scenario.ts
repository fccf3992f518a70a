/**
 * What every planted scenario shares: the names and their labels, the plan of who acts on which
 * days, the ground-truth entry, and the small helpers the scenarios build their events with.
 *
 * Two sets: the `demo` set is the three insiders `npm start` shows; the `evaluation` set adds
 * slower insiders, benign look-alikes (people whose unusual-looking activity is legitimate) and
 * scenarios that turn on the directory (leavers, a first reach into another team's system),
 * so `auditlake eval` can measure recall and false alerts, not just "caught the obvious three".
 */
import { type ActorStamp, CUSTOMER_POPULATION, customerId, draft } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import type { DemoPeriod } from './demo-period.ts';
import type { Employee, Location } from './org.ts';
import { type Rng, sampleDistinct } from './prng.ts';
import { worksOn } from './work-schedule.ts';

export const DEMO_SCENARIOS = ['bulk-record-access', 'off-hours-export', 'departing-employee'] as const;
export const EVALUATION_ONLY_SCENARIOS = [
  'slow-exfiltration',
  'ticketless-browsing',
  'timezone-traveller',
  'on-call-engineer',
  'quarter-end-reporting',
  'post-termination-access',
  'hr-record-snooping',
  'last-day-leaver',
] as const;
export const SCENARIOS = [...DEMO_SCENARIOS, ...EVALUATION_ONLY_SCENARIOS] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Which scenarios a lake holds: `demo` (the three insiders) or `evaluation` (all of them). */
export const SCENARIO_SETS = ['demo', 'evaluation'] as const;
export type ScenarioSet = (typeof SCENARIO_SETS)[number];

/** `flag`: an insider a detector must find. `no-flag`: a legitimate look-alike it must leave alone. */
export type Expected = 'flag' | 'no-flag';

export const EXPECTED: Readonly<Record<Scenario, Expected>> = {
  'bulk-record-access': 'flag',
  'off-hours-export': 'flag',
  'departing-employee': 'flag',
  'slow-exfiltration': 'flag',
  'ticketless-browsing': 'flag',
  'timezone-traveller': 'no-flag',
  'on-call-engineer': 'no-flag',
  'quarter-end-reporting': 'no-flag',
  'post-termination-access': 'flag',
  'hr-record-snooping': 'flag',
  'last-day-leaver': 'no-flag',
};

/** The evaluation scenarios act over this many last days; detectors are run over all of them. */
export const EVALUATION_DAYS = 21;
/** The evaluation set needs a baseline before its scenarios: a week at least. */
export const EVALUATION_MIN_DAYS = EVALUATION_DAYS + 7;
/** And enough people for a distinct cast member per scenario. */
export const EVALUATION_MIN_EMPLOYEES = 60;

export interface InsiderPlan {
  readonly scenario: Scenario;
  readonly actor: Employee;
  /** Local days (day numbers) on which the scenario changes or adds events. */
  readonly days: readonly number[];
  /** timezone-traveller: the office they work from on `days`. */
  readonly away?: Location;
}

/** One line of ground-truth.json. `from` and `to` are the first and last planted event (inclusive). */
export interface GroundTruthEntry {
  readonly actor_id: string;
  readonly scenario: Scenario;
  readonly from: string;
  readonly to: string;
  readonly description: string;
  readonly expected: Expected;
}

/** A person's events on one local day with their scenario applied, and the events it planted or changed. */
export interface PlannedDay {
  readonly events: EventDraft[];
  readonly planted: readonly EventDraft[];
}

/** Picks cast members without repeats: one person plays at most one scenario. */
export class Casting {
  constructor(
    private readonly rng: Rng,
    private readonly taken = new Set<string>(),
  ) {}

  /** The same cast list, choosing with another random stream. */
  withRng(rng: Rng): Casting {
    return new Casting(rng, this.taken);
  }

  /** A random person of the first candidate list that still has someone free. */
  choose(scenario: Scenario, ...candidateLists: readonly (readonly Employee[])[]): Employee {
    for (const candidates of candidateLists) {
      const free = candidates.filter((e) => !this.taken.has(e.employee_id));
      if (free.length === 0) continue;
      const chosen = this.rng.pick(free);
      this.taken.add(chosen.employee_id);
      return chosen;
    }
    throw new Error(`no employee fits the ${scenario} scenario`);
  }
}

/** The person's work days (local) in the period that pass `fits`, in order. */
export function candidateDays(
  employee: Employee,
  period: DemoPeriod,
  fits: (day: number) => boolean,
): number[] {
  const days: number[] = [];
  for (let day = period.startDay - 1; day <= period.endDay; day++) {
    if (worksOn(employee, day) && fits(day)) days.push(day);
  }
  return days;
}

/** Spreads `count` instants at random over [from, to), in order. */
export function spread(rng: Rng, count: number, from: number, to: number): number[] {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(from + Math.floor(rng.next() * (to - from)));
  return times.sort((a, b) => a - b);
}

/** One read of a distinct random customer record at each time, a share of them under a ticket id. */
export function customerReads(
  rng: Rng,
  actor: ActorStamp,
  times: readonly number[],
  system: string,
  justifiedShare: number,
  ticketPrefix: string,
): EventDraft[] {
  const customers = sampleDistinct(rng, CUSTOMER_POPULATION, times.length);
  return times.map((at, i) =>
    draft(actor, at, {
      action: 'read',
      resource_type: 'customer_record',
      source_system: system,
      resource_id: customerId(customers[i] as number),
      bytes: rng.int(1_500, 6_000),
      justification_id: rng.chance(justifiedShare) ? `${ticketPrefix}-${rng.int(100_000, 999_999)}` : null,
    }),
  );
}

/** `Title Name (Location)`, how descriptions introduce the cast member. */
export function who(actor: Employee): string {
  return `${actor.title} ${actor.display_name} (${actor.location})`;
}

/** Distinct customer records read in `events`. */
export function distinctCustomerReads(events: readonly EventDraft[]): number {
  return new Set(
    events
      .filter((e) => e.action === 'read' && e.resource_type === 'customer_record')
      .map((e) => e.resource_id),
  ).size;
}
