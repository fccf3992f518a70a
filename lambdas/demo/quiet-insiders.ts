/**
 * Insiders who stay under the obvious thresholds; the evaluation set plants them so recall is
 * measured on more than the loud cases.
 *
 * 1. slow-exfiltration — a day-shift support agent whose distinct customer records a day grow
 *    from their usual count to about 15× it over the last three weeks, about 20 % more each work
 *    day, in working hours, half of the extra reads without a ticket. No single day jumps.
 * 2. ticketless-browsing — a day-shift support agent opens customer records at their normal
 *    volume for two working weeks, but most reads carry no ticket (normally about 3 % do not):
 *    looking people up out of curiosity or for someone outside the company.
 */
import { dayAddress, employeeDay, humanStamp, usualCustomerReads } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import type { DemoPeriod } from './demo-period.ts';
import { DAY_MS, formatDay, MINUTE_MS } from './local-time.ts';
import type { Employee } from './org.ts';
import { createRng, type Rng } from './prng.ts';
import {
  type Casting,
  candidateDays,
  customerReads,
  EVALUATION_DAYS,
  type InsiderPlan,
  type PlannedDay,
  spread,
  who,
} from './scenario.ts';
import { shiftOn } from './work-schedule.ts';

/** Distinct records a day on the ramp's last day, as a multiple of the agent's usual count. */
export const RAMP_END_FACTOR = 15;
/** Work days of browsing without tickets. */
const BROWSING_DAYS = 10;
/** Share of the browser's ticketed reads that lose their ticket. */
const UNTICKETED_SHARE = 0.85;

export function planQuietInsiders(
  employees: readonly Employee[],
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
): InsiderPlan[] {
  const dayAgents = employees.filter((e) => e.employment_status === 'active' && e.role === 'support-agent');
  const ramping = casting.choose('slow-exfiltration', dayAgents);
  const browsing = casting.choose('ticketless-browsing', dayAgents);
  const from = (period.endDay - EVALUATION_DAYS) * DAY_MS;
  const end = period.endDay * DAY_MS;
  const inWindow = (actor: Employee) => (day: number) => {
    const shift = shiftOn(actor, day);
    return shift.start >= from && shift.end + 60 * MINUTE_MS < end;
  };
  const rampDays = candidateDays(ramping, period, inWindow(ramping));
  const browsingDays = candidateDays(browsing, period, inWindow(browsing));
  if (rampDays.length < BROWSING_DAYS || browsingDays.length < BROWSING_DAYS)
    throw new Error('too few work days for the slow-exfiltration and ticketless-browsing scenarios');
  const firstBrowsing = rng.int(0, browsingDays.length - BROWSING_DAYS);
  return [
    { scenario: 'slow-exfiltration', actor: ramping, days: rampDays },
    {
      scenario: 'ticketless-browsing',
      actor: browsing,
      days: browsingDays.slice(firstBrowsing, firstBrowsing + BROWSING_DAYS),
    },
  ];
}

export function quietInsiderDay(plan: InsiderPlan, day: number, seed: number): PlannedDay {
  const rng = createRng(seed, 'insider', plan.scenario, plan.actor.index, day);
  const normal = employeeDay(plan.actor, day, { seed, present: true });
  switch (plan.scenario) {
    case 'slow-exfiltration': {
      const planted = rampReads(rng, plan, day, seed);
      return { events: [...normal, ...planted], planted };
    }
    case 'ticketless-browsing': {
      const planted: EventDraft[] = [];
      const events = normal.map((event) => {
        if (event.resource_type !== 'customer_record' || event.justification_id === null) return event;
        if (!rng.chance(UNTICKETED_SHARE)) return event;
        const stripped = { ...event, justification_id: null };
        planted.push(stripped);
        return stripped;
      });
      return { events, planted };
    }
    default:
      throw new Error(`${plan.scenario} is not a quiet insider`);
  }
}

/** The reads on top of the usual ones that bring the day to its point on the ramp. */
function rampReads(rng: Rng, plan: InsiderPlan, day: number, seed: number): EventDraft[] {
  const agent = plan.actor;
  const step = plan.days.indexOf(day) + 1;
  const factor = RAMP_END_FACTOR ** (step / plan.days.length);
  const usual = usualCustomerReads(agent, seed);
  const extra = Math.round(usual * (factor - 1) * (0.9 + rng.next() * 0.2));
  const shift = shiftOn(agent, day);
  const actor = humanStamp(agent, dayAddress(agent, day, seed).ip);
  const times = spread(rng, extra, shift.start + 30 * MINUTE_MS, shift.end - 20 * MINUTE_MS);
  return customerReads(rng, actor, times, 'support-db', 0.5, 'TCK');
}

export function describeQuietInsider(
  plan: InsiderPlan,
  perDay: readonly (readonly EventDraft[])[],
  seed: number,
): string {
  const first = formatDay(plan.days[0] as number);
  const last = formatDay(plan.days.at(-1) as number);
  switch (plan.scenario) {
    case 'slow-exfiltration': {
      const usual = usualCustomerReads(plan.actor, seed);
      const extras = perDay.map((events) => events.length);
      return `${who(plan.actor)}, who usually opens about ${usual} customer records a day, opened ${extras.join(', ')} extra distinct ones on the ${plan.days.length} work days ${first} .. ${last}, growing about ${Math.round((RAMP_END_FACTOR ** (1 / plan.days.length) - 1) * 100)} % a day to ${RAMP_END_FACTOR}× the usual count, in working hours, half without a ticket`;
    }
    case 'ticketless-browsing': {
      const stripped = perDay.reduce((sum, events) => sum + events.length, 0);
      return `${who(plan.actor)} opened customer records at their usual volume on ${plan.days.length} work days ${first} .. ${last}, but ${stripped} reads carried no ticket (about ${Math.round(UNTICKETED_SHARE * 100)} %, against about 3 % normally)`;
    }
    default:
      throw new Error(`${plan.scenario} is not a quiet insider`);
  }
}
