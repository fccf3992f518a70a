/**
 * The three planted insiders of the demo: who, on which days, and the events they add on top of
 * their normal work. All of it happens in the last seven days, so a run over them has everything
 * to find, and the days before are a clean baseline.
 *
 * 1. bulk-record-access — a day-shift support agent opens 1,500–3,000 distinct customer records a
 *    day on three consecutive work days, in hours, mostly without a ticket: the breach pattern.
 * 2. off-hours-export — a 9→17 engineer exports 3–5 warehouse tables of 5,000–20,000 rows to a
 *    file-drop site at about 03:00 local on one work day.
 * 3. departing-employee — a salesperson serving notice (leaving 14 days after the period) copies
 *    customer lists and files to USB between 21:00 and 23:00 local in the last five days, and
 *    opens about ten times their usual number of customer records on those days.
 */
import { dayAddress, draft, employeeDay, humanStamp, usualCustomerReads } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import { DETECTION_DAYS, type DemoPeriod } from './demo-period.ts';
import { DAY_MS, formatDay, MINUTE_MS } from './local-time.ts';
import type { Employee } from './org.ts';
import { createRng, type Rng } from './prng.ts';
import {
  type Casting,
  candidateDays,
  customerReads,
  distinctCustomerReads,
  type InsiderPlan,
  type PlannedDay,
  spread,
  who,
} from './scenario.ts';
import { localInstant, shiftOn } from './work-schedule.ts';

/** Days after the period's end on which the departing employee leaves. */
export const DEPARTURE_AFTER_DAYS = 14;
/** The departing employee acts in this many last days. */
const DEPARTING_DAYS = 5;
export const FILE_DROP = 'web_upload:filedrop.example';

/**
 * Chooses the three insiders (deterministically, from `rng`) and returns the directory with the
 * departing employee put on notice. Throws if the org lacks a cast member, which the org
 * generator's minimum headcounts rule out.
 */
export function planDemoInsiders(
  employees: readonly Employee[],
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
): { employees: Employee[]; insiders: InsiderPlan[] } {
  const active = employees.filter((e) => e.employment_status === 'active');
  const salespeople = employees.filter((e) => e.role === 'sales' && e.employment_status !== 'terminated');
  const dayAgents = active.filter((e) => e.role === 'support-agent');
  const departing = casting.choose('departing-employee', salespeople, dayAgents);
  const bulk = casting.choose('bulk-record-access', dayAgents);
  const engineer = casting.choose(
    'off-hours-export',
    active.filter((e) => e.role === 'engineer' && e.work_start_hour === 9 && e.work_end_hour === 17),
  );

  const onNotice: Employee = {
    ...departing,
    employment_status: 'notice',
    termination_date: formatDay(period.endDay + DEPARTURE_AFTER_DAYS),
  };
  // The last seven days, whatever window the lake is run over: these three act only there.
  const detectionFrom = (period.endDay - DETECTION_DAYS) * DAY_MS;
  const end = period.endDay * DAY_MS;

  const bulkDays = candidateDays(bulk, period, (day) => {
    const shift = shiftOn(bulk, day);
    return shift.start >= detectionFrom && shift.end + 60 * MINUTE_MS < end;
  });
  if (bulkDays.length < 3) throw new Error('fewer than three work days for the bulk-record-access scenario');
  const firstBulk = rng.int(0, bulkDays.length - 3);

  const exportDays = candidateDays(
    engineer,
    period,
    (day) => localInstant(engineer, day, 2, 30) >= detectionFrom && localInstant(engineer, day, 4, 30) < end,
  );
  const departingFrom = (period.endDay - DEPARTING_DAYS) * DAY_MS;
  const evenings = candidateDays(
    onNotice,
    period,
    (day) => shiftOn(onNotice, day).start >= departingFrom && localInstant(onNotice, day, 23, 30) < end,
  );
  if (exportDays.length === 0 || evenings.length === 0)
    throw new Error('no days left for the planted scenarios');

  return {
    employees: employees.map((e) => (e.employee_id === onNotice.employee_id ? onNotice : e)),
    insiders: [
      { scenario: 'bulk-record-access', actor: bulk, days: bulkDays.slice(firstBulk, firstBulk + 3) },
      { scenario: 'off-hours-export', actor: engineer, days: [rng.pick(exportDays)] },
      { scenario: 'departing-employee', actor: onNotice, days: evenings },
    ],
  };
}

/** A demo insider's day: their normal work (they come in whatever chance says) plus what they planted. */
export function demoInsiderDay(plan: InsiderPlan, day: number, seed: number): PlannedDay {
  const normal = employeeDay(plan.actor, day, { seed, present: true });
  const planted = demoInsiderEvents(plan, day, seed);
  return { events: [...normal, ...planted], planted };
}

function demoInsiderEvents(plan: InsiderPlan, day: number, seed: number): EventDraft[] {
  const rng = createRng(seed, 'insider', plan.scenario, plan.actor.index, day);
  switch (plan.scenario) {
    case 'bulk-record-access':
      return bulkRecordAccess(rng, plan.actor, day, seed);
    case 'off-hours-export':
      return offHoursExport(rng, plan.actor, day);
    case 'departing-employee':
      return departingEmployee(rng, plan.actor, day, seed);
    default:
      throw new Error(`${plan.scenario} is not a demo insider`);
  }
}

/** Thousands of records in working hours, from the agent's usual address, 90 % without a ticket. */
function bulkRecordAccess(rng: Rng, agent: Employee, day: number, seed: number): EventDraft[] {
  const shift = shiftOn(agent, day);
  const actor = humanStamp(agent, dayAddress(agent, day, seed).ip);
  const from = shift.start + 30 * MINUTE_MS;
  const to = shift.end - 20 * MINUTE_MS;
  const out = customerReads(
    rng,
    actor,
    spread(rng, rng.int(1_500, 3_000), from, to),
    'support-db',
    0.1,
    'TCK',
  );
  for (const at of spread(rng, rng.int(10, 25), from, to)) {
    out.push(
      draft(actor, at, {
        action: 'search',
        resource_type: 'customer_record',
        source_system: 'support-db',
        record_count: rng.int(50, 200),
        details: { query: 'created_before:2020' },
      }),
    );
  }
  return out;
}

/** A VPN session at about 03:00 local: query a table, export it to a file-drop site; 3–5 times. */
function offHoursExport(rng: Rng, engineer: Employee, day: number): EventDraft[] {
  const actor = humanStamp(engineer, `10.8.${rng.int(64, 127)}.${rng.int(2, 254)}`);
  let at = localInstant(engineer, day, 2, rng.int(50, 57)) + rng.int(0, 59_999);
  const out: EventDraft[] = [
    draft(actor, at, { action: 'login', resource_type: 'session', source_system: 'vpn' }),
    draft(actor, at + rng.int(20_000, 60_000), {
      action: 'login',
      resource_type: 'session',
      source_system: 'sso',
    }),
  ];
  at = localInstant(engineer, day, 3, rng.int(0, 4)) + rng.int(0, 59_999);
  const tables = ['dw.customers', 'dw.payments', 'dw.orders', 'dw.customer_contacts', 'dw.subscriptions'];
  for (const table of tables.slice(0, rng.int(3, 5))) {
    const records = rng.int(5_000, 20_000);
    out.push(
      draft(actor, at, {
        action: 'read',
        resource_type: 'table',
        source_system: 'data-warehouse',
        resource_id: table,
        record_count: records,
        bytes: records * 400,
      }),
      draft(actor, at + rng.int(30_000, 120_000), {
        action: 'export',
        resource_type: 'table',
        source_system: 'data-warehouse',
        resource_id: table,
        record_count: records,
        bytes: records * rng.int(300, 600),
        destination: FILE_DROP,
        details: { format: 'csv', client: 'python-requests' },
      }),
    );
    at += rng.int(4, 10) * MINUTE_MS;
  }
  out.push(
    draft(actor, at + rng.int(1, 4) * MINUTE_MS, {
      action: 'logout',
      resource_type: 'session',
      source_system: 'sso',
    }),
  );
  return out;
}

/**
 * In hours: about nine times the usual customer reads on top of the normal ones. In the
 * evening, from home: plug in a USB drive and copy customer lists and account files onto it.
 */
function departingEmployee(rng: Rng, person: Employee, day: number, seed: number): EventDraft[] {
  const shift = shiftOn(person, day);
  const system = person.role === 'sales' ? 'crm' : 'support-db';
  const usual = Math.max(10, usualCustomerReads(person, seed));
  const inHours = humanStamp(person, dayAddress(person, day, seed).ip);
  const times = spread(
    rng,
    Math.round(usual * (8 + rng.next() * 2)),
    shift.start + 30 * MINUTE_MS,
    shift.end - 20 * MINUTE_MS,
  );
  const out = customerReads(rng, inHours, times, system, 0.2, system === 'crm' ? 'OPP' : 'TCK');

  const home = humanStamp(person, `10.8.${rng.int(128, 191)}.${rng.int(2, 254)}`);
  let at = localInstant(person, day, 20, rng.int(50, 58)) + rng.int(0, 59_999);
  out.push(
    draft(home, at, { action: 'login', resource_type: 'session', source_system: 'vpn' }),
    draft(home, at + rng.int(20_000, 60_000), {
      action: 'login',
      resource_type: 'session',
      source_system: 'sso',
    }),
  );
  at = localInstant(person, day, 21, rng.int(2, 10));
  const usb = `usb-${(person.index * 7919 + 0x2a4f).toString(16)}`;
  out.push(
    draft(home, at, {
      action: 'device_connect',
      resource_type: 'removable_media',
      source_system: 'workstation',
      resource_id: usb,
      details: { device_class: 'mass_storage', vendor: 'SanDisk', serial: usb },
    }),
  );
  const copies = rng.int(3, 6);
  const gap = Math.floor((100 * MINUTE_MS) / copies);
  for (let i = 0; i < copies; i++) {
    at += rng.int(Math.floor(gap / 2), gap);
    if (i % 2 === 0) {
      const records = rng.int(2_000, 10_000);
      out.push(
        draft(home, at, {
          action: 'download',
          resource_type: 'report',
          source_system: system,
          resource_id: `rpt-customer-list-${rng.pick(['emea', 'amer', 'apac', 'enterprise'])}`,
          record_count: records,
          bytes: records * rng.int(400, 700),
          destination: 'usb',
          details: { format: 'xlsx' },
        }),
      );
    } else {
      out.push(
        draft(home, at, {
          action: 'copy',
          resource_type: 'file',
          source_system: 'workstation',
          resource_id: `share/sales/accounts-${rng.pick(['q1', 'q2', 'q3', 'q4', 'top100', 'renewals'])}.xlsx`,
          record_count: rng.int(500, 5_000),
          bytes: rng.int(20_000_000, 150_000_000),
          destination: 'usb',
        }),
      );
    }
  }
  out.push(
    draft(home, localInstant(person, day, 22, rng.int(55, 59)), {
      action: 'logout',
      resource_type: 'session',
      source_system: 'sso',
    }),
  );
  return out;
}

/** What the insider did, for ground-truth.json. */
export function describeDemoInsider(
  plan: InsiderPlan,
  perDay: readonly (readonly EventDraft[])[],
  seed: number,
): string {
  const days = plan.days.map(formatDay).join(', ');
  const flat = perDay.flat();
  switch (plan.scenario) {
    case 'bulk-record-access':
      return `${who(plan.actor)} opened ${perDay.map(distinctCustomerReads).join(', ')} extra distinct customer records on ${days} (usually about ${usualCustomerReads(plan.actor, seed)} a day), mostly without a ticket, in working hours`;
    case 'off-hours-export': {
      const exports = flat.filter((e) => e.action === 'export');
      const rows = exports.reduce((sum, e) => sum + e.record_count, 0);
      return `${who(plan.actor)}, who works 9–17 local, exported ${exports.length} warehouse tables (${rows} rows) to ${FILE_DROP} at about 03:00 local on ${days}`;
    }
    case 'departing-employee': {
      const toUsb = flat.filter((e) => e.destination === 'usb');
      const rows = toUsb.reduce((sum, e) => sum + e.record_count, 0);
      return `${who(plan.actor)}, leaving on ${plan.actor.termination_date}, copied ${toUsb.length} files/reports (${rows} records) to USB between 21:00 and 23:00 local on ${days}, and opened about ten times the usual customer records those days`;
    }
    default:
      throw new Error(`${plan.scenario} is not a demo insider`);
  }
}
