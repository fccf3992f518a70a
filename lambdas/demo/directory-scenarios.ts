/**
 * Scenarios that turn on what the directory says a person may do: who still works here, and
 * which systems their job uses. The evaluation set plants them so `activity-after-termination`
 * and `first-time-sensitive-access` are measured at scale, not only on their fixtures.
 *
 * 1. post-termination-access (flag) — a salesperson leaves inside the window (the directory says
 *    terminated, with their last day) but a CRM API token issued to them is never revoked: on
 *    three evenings in the last week, from an address outside the company, it searches and reads
 *    customer records and exports a customer list.
 * 2. hr-record-snooping (flag) — someone in IT/Security, after weeks of normal work, opens
 *    employee records in the HRIS and compensation files on the HR share, which nobody in their
 *    department uses, on two or three working days in the last week, in hours and at low volume.
 * 3. last-day-leaver (no-flag) — an engineer, preferably in San Francisco, leaves inside the
 *    window and works normally up to their last day, wrapping up a little past 17:00 local on
 *    it (already the next day in UTC); nothing after. Today's directory says terminated, so a
 *    rule that ignores the date, or reads it in UTC, flags their whole window or their last hour.
 */
import { type ActorStamp, dayAddress, draft, employeeDay, humanStamp } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import type { DemoPeriod } from './demo-period.ts';
import { DAY_MS, formatDay, HOUR_MS, MINUTE_MS } from './local-time.ts';
import type { Employee } from './org.ts';
import { createRng, type Rng, sampleDistinct } from './prng.ts';
import {
  type Casting,
  candidateDays,
  customerReads,
  type InsiderPlan,
  type PlannedDay,
  spread,
  who,
} from './scenario.ts';
import { localInstant, shiftOn } from './work-schedule.ts';

/** The leaver's token acts on this many evenings. */
const TOKEN_EVENINGS = 3;
/** The token is used in the last this-many days; the leaver's last day is at least two days before. */
const TOKEN_DAYS = 7;
/** Working days of HR snooping, at most. */
const SNOOPING_DAYS = 3;
/** Documentation range (RFC 5737): an address that is neither an office nor the company VPN. */
const OUTSIDE_NETWORK = '198.51.100';

/**
 * Chooses the three cast members and returns the directory with both leavers marked terminated
 * on their last day.
 */
export function planDirectoryScenarios(
  employees: readonly Employee[],
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
): { employees: Employee[]; insiders: InsiderPlan[] } {
  const dayWorkers = employees.filter(
    (e) =>
      e.employment_status === 'active' &&
      e.work_end_hour > e.work_start_hour &&
      e.work_days.every((weekday) => weekday <= 5),
  );
  const tokenLeaver = planTokenLeaver(period, rng, casting, dayWorkers);
  const snooping = planSnooping(period, rng, casting, dayWorkers);
  const lastDay = planLastDayLeaver(period, rng, casting, dayWorkers);
  const leavers = new Map([tokenLeaver, lastDay].map((plan) => [plan.actor.employee_id, plan.actor]));
  return {
    employees: employees.map((e) => leavers.get(e.employee_id) ?? e),
    insiders: [tokenLeaver, snooping, lastDay],
  };
}

/** The directory record of someone whose last working day was `day`. */
function leftOn(employee: Employee, day: number): Employee {
  return { ...employee, employment_status: 'terminated', termination_date: formatDay(day) };
}

/** Last day a work day 9–14 days before the end; the token's evenings fall in the last week. */
function planTokenLeaver(
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
  dayWorkers: readonly Employee[],
): InsiderPlan {
  const person = casting.choose(
    'post-termination-access',
    dayWorkers.filter((e) => e.role === 'sales'),
    dayWorkers.filter((e) => e.role === 'engineer'),
  );
  const lastDays = candidateDays(
    person,
    period,
    (day) => day >= period.endDay - 14 && day <= period.endDay - TOKEN_DAYS - 2,
  );
  if (lastDays.length === 0) throw new Error('no last working day for the post-termination-access scenario');
  const actor = leftOn(person, rng.pick(lastDays));
  const end = period.endDay * DAY_MS;
  const evenings: number[] = [];
  for (let day = period.endDay - TOKEN_DAYS; day < period.endDay; day++) {
    if (localInstant(actor, day, 23) < end) evenings.push(day);
  }
  if (evenings.length < TOKEN_EVENINGS)
    throw new Error('too few evenings for the post-termination-access scenario');
  const days = sampleDistinct(rng, evenings.length, TOKEN_EVENINGS)
    .map((i) => evenings[i] as number)
    .sort((a, b) => a - b);
  return { scenario: 'post-termination-access', actor, days };
}

/** Two or three consecutive working days in the last week, after weeks of normal work. */
function planSnooping(
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
  dayWorkers: readonly Employee[],
): InsiderPlan {
  const actor = casting.choose(
    'hr-record-snooping',
    dayWorkers.filter((e) => e.role === 'it-support' || e.role === 'it-admin'),
    dayWorkers.filter((e) => e.role === 'engineer'),
  );
  const from = (period.endDay - TOKEN_DAYS) * DAY_MS;
  const end = period.endDay * DAY_MS;
  const days = candidateDays(actor, period, (day) => {
    const shift = shiftOn(actor, day);
    return shift.start >= from && shift.end + HOUR_MS < end;
  });
  if (days.length < 2) throw new Error('too few work days for the hr-record-snooping scenario');
  const count = Math.min(SNOOPING_DAYS, days.length);
  const first = rng.int(0, days.length - count);
  return { scenario: 'hr-record-snooping', actor, days: days.slice(first, first + count) };
}

/** A last working day in the last week whose wrap-up, to about 18:00 local, ends before the period. */
function planLastDayLeaver(
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
  dayWorkers: readonly Employee[],
): InsiderPlan {
  const engineers = dayWorkers.filter((e) => e.role === 'engineer');
  // Pacific time, where 17:00 is already the next UTC day, tests the detector's local day.
  const person = casting.choose(
    'last-day-leaver',
    engineers.filter((e) => e.timezone === 'America/Los_Angeles' && e.work_end_hour === 17),
    engineers,
    dayWorkers,
  );
  const end = period.endDay * DAY_MS;
  const lastDays = candidateDays(
    person,
    period,
    (day) => day >= period.endDay - TOKEN_DAYS && localInstant(person, day, person.work_end_hour + 2) < end,
  );
  if (lastDays.length === 0) throw new Error('no last working day for the last-day-leaver scenario');
  const lastDay = rng.pick(lastDays);
  return { scenario: 'last-day-leaver', actor: leftOn(person, lastDay), days: [lastDay] };
}

export function directoryScenarioDay(plan: InsiderPlan, day: number, seed: number): PlannedDay {
  const rng = createRng(seed, 'insider', plan.scenario, plan.actor.index, day);
  switch (plan.scenario) {
    case 'post-termination-access': {
      // After the last day there is no normal work: only what the token does.
      const planted = tokenEvening(rng, plan.actor, day);
      return { events: planted, planted };
    }
    case 'hr-record-snooping': {
      const planted = hrSnooping(rng, plan.actor, day, seed, day === plan.days[0]);
      return { events: [...employeeDay(plan.actor, day, { seed, present: true }), ...planted], planted };
    }
    case 'last-day-leaver': {
      const planted = wrapUp(rng, plan.actor, day, seed);
      return { events: [...employeeDay(plan.actor, day, { seed, present: true }), ...planted], planted };
    }
    default:
      throw new Error(`${plan.scenario} is not a directory scenario`);
  }
}

/** One evening's use of the leftover token: a search, tens of records, one customer list pulled out. */
function tokenEvening(rng: Rng, person: Employee, day: number): EventDraft[] {
  const token: ActorStamp = {
    actor_id: person.employee_id,
    actor_type: 'human',
    source_ip: `${OUTSIDE_NETWORK}.${rng.int(2, 254)}`,
    device_id: 'unmanaged',
  };
  const from = localInstant(person, day, rng.int(19, 21), rng.int(0, 59));
  const to = from + rng.int(40, 90) * MINUTE_MS;
  const details = { client: 'api', auth: 'personal_access_token' };
  if (person.role !== 'sales') {
    const table = rng.pick(['dw.customers', 'dw.customer_contacts', 'dw.payments']);
    const records = rng.int(5_000, 20_000);
    return [
      draft(token, from, {
        action: 'read',
        resource_type: 'table',
        source_system: 'data-warehouse',
        resource_id: table,
        record_count: records,
        bytes: records * 300,
        details,
      }),
      draft(token, to, {
        action: 'export',
        resource_type: 'table',
        source_system: 'data-warehouse',
        resource_id: table,
        record_count: records,
        bytes: records * rng.int(300, 600),
        destination: 'api',
        details: { ...details, format: 'csv' },
      }),
    ];
  }
  const out: EventDraft[] = [
    draft(token, from, {
      action: 'search',
      resource_type: 'customer_record',
      source_system: 'crm',
      record_count: rng.int(200, 800),
      details,
    }),
  ];
  out.push(
    ...customerReads(rng, token, spread(rng, rng.int(40, 120), from + MINUTE_MS, to), 'crm', 0, 'OPP'),
  );
  const records = rng.int(2_000, 8_000);
  out.push(
    draft(token, to + rng.int(1, 5) * MINUTE_MS, {
      action: 'export',
      resource_type: 'report',
      source_system: 'crm',
      resource_id: `rpt-customer-list-${rng.pick(['emea', 'amer', 'apac', 'enterprise'])}`,
      record_count: records,
      bytes: records * rng.int(400, 700),
      destination: 'api',
      details: { ...details, format: 'csv' },
    }),
  );
  return out;
}

/** In hours, between normal tasks: colleagues' HR records without a case, and on the first day the pay files. */
function hrSnooping(rng: Rng, person: Employee, day: number, seed: number, first: boolean): EventDraft[] {
  const shift = shiftOn(person, day);
  const actor = humanStamp(person, dayAddress(person, day, seed).ip);
  const times = spread(rng, rng.int(15, 40), shift.start + HOUR_MS, shift.end - HOUR_MS);
  const records = sampleDistinct(rng, 5_000, times.length);
  const out = times.map((at, i) =>
    draft(actor, at, {
      action: 'read',
      resource_type: 'employee_record',
      source_system: 'hris',
      resource_id: `hr-${(records[i] as number) + 1}`,
    }),
  );
  if (first) {
    const files = ['salary-review-2026.xlsx', 'bonus-pool.xlsx', 'pay-bands.pdf', 'promotions-h1.xlsx'];
    for (const at of spread(rng, rng.int(2, 4), shift.start + HOUR_MS, shift.end - HOUR_MS)) {
      out.push(
        draft(actor, at, {
          action: 'read',
          resource_type: 'file',
          source_system: 'hr-share',
          resource_id: `share/hr/compensation/${rng.pick(files)}`,
          bytes: rng.int(40_000, 900_000),
        }),
      );
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** The last afternoon: handover notes and a final look at their code, running a little past the shift. */
function wrapUp(rng: Rng, person: Employee, day: number, seed: number): EventDraft[] {
  const actor = humanStamp(person, dayAddress(person, day, seed).ip);
  const times = spread(
    rng,
    rng.int(4, 7),
    localInstant(person, day, person.work_end_hour - 1, 30),
    localInstant(person, day, person.work_end_hour, 50),
  );
  return times.map((at, i) =>
    draft(
      actor,
      at,
      i === times.length - 1
        ? {
            action: 'update',
            resource_type: 'file',
            source_system: 'file-share',
            resource_id: `eng/handover/${person.employee_id}.md`,
          }
        : {
            action: 'read',
            resource_type: 'file',
            source_system: 'git',
            resource_id: `${rng.pick(['billing-service', 'web-app', 'data-pipelines'])}/src/${rng.int(1, 400)}.ts`,
          },
    ),
  );
}

export function describeDirectoryScenario(
  plan: InsiderPlan,
  perDay: readonly (readonly EventDraft[])[],
): string {
  const flat = perDay.flat();
  const days = plan.days.map(formatDay).join(', ');
  switch (plan.scenario) {
    case 'post-termination-access': {
      const exports = flat.filter((e) => e.action === 'export');
      const rows = exports.reduce((sum, e) => sum + e.record_count, 0);
      const reads = flat.filter((e) => e.action === 'read').length;
      return `${who(plan.actor)} left on ${plan.actor.termination_date} (terminated in the directory), but an API token issued to them was not revoked: on the evenings of ${days}, from ${OUTSIDE_NETWORK}.0/24, it read ${reads} customer records or tables and exported ${exports.length} lists (${rows} records)`;
    }
    case 'hr-record-snooping': {
      const records = new Set(
        flat.filter((e) => e.resource_type === 'employee_record').map((e) => e.resource_id),
      );
      const files = flat.filter((e) => e.source_system === 'hr-share').length;
      return `${who(plan.actor)}, after weeks of normal work that never touched the HRIS or the HR share, opened ${records.size} colleagues' employee records without a case and ${files} compensation files on ${days}, in working hours`;
    }
    case 'last-day-leaver':
      return `${who(plan.actor)} worked normally up to their last day, ${plan.actor.termination_date}, wrapping up until about ${plan.actor.work_end_hour}:50 local (the next day in UTC for western zones); the directory says terminated. Nothing after. Benign.`;
    default:
      throw new Error(`${plan.scenario} is not a directory scenario`);
  }
}
