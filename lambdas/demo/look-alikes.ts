/**
 * Benign look-alikes: people whose activity looks like an insider's to a rule that only knows
 * the directory, but is legitimate. The evaluation set plants them, labelled `no-flag`, so a
 * detector that fires on them shows up as a false alert rather than as a catch.
 *
 * 1. timezone-traveller — a salesperson works a week from an office at least five hours away,
 *    keeping normal local hours there and pulling an account plan each day for customer
 *    meetings; the directory still says their home zone, so their work looks off-hours.
 * 2. on-call-engineer — an engineer on call every third week is paged on two to four nights of
 *    it and works 20–90 minutes between 22:00 and 06:00 over VPN, under an incident id,
 *    sometimes downloading a table slice to debug. Across the whole period, so a learned
 *    profile can see it is a habit.
 * 3. quarter-end-reporting — a Finance analyst exports large ledger and revenue reports in
 *    working hours on the last three work days of each month (five at a quarter's end).
 */
import { dayAddress, draft, employeeDay, humanStamp, LAPTOP_DOWNLOAD, type Step } from './activity.ts';
import type { EventDraft } from './demo-event.ts';
import type { DemoPeriod } from './demo-period.ts';
import { DAY_MS, formatDay, HOUR_MS, isoWeekday, MINUTE_MS, zoneOffsetMs } from './local-time.ts';
import { type Employee, LOCATIONS, type Location } from './org.ts';
import { createRng, type Rng, shuffled } from './prng.ts';
import {
  type Casting,
  candidateDays,
  EVALUATION_DAYS,
  type InsiderPlan,
  type PlannedDay,
  spread,
  who,
} from './scenario.ts';
import { localInstant, shiftOn, worksOn } from './work-schedule.ts';

/** How far the traveller's destination is from home, at least. */
const MIN_TRAVEL_OFFSET_MS = 5 * HOUR_MS;
/** On call one week in this many. */
const ON_CALL_ROTATION = 3;
const QUARTER_END_MONTHS = [3, 6, 9, 12];

export function planLookAlikes(
  employees: readonly Employee[],
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
): InsiderPlan[] {
  const dayWorkers = employees.filter(
    (e) => e.employment_status === 'active' && e.work_end_hour > e.work_start_hour,
  );
  const plans = [
    planTraveller(period, rng, casting, dayWorkers),
    planOnCall(period, rng, casting, dayWorkers),
    planQuarterEnd(period, casting, dayWorkers),
  ];
  return plans.filter((plan) => plan.days.length > 0);
}

/** A week, Monday to Sunday, inside the evaluation window, from an office at least five hours away. */
function planTraveller(
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
  dayWorkers: readonly Employee[],
): InsiderPlan {
  const actor = casting.choose(
    'timezone-traveller',
    dayWorkers.filter((e) => e.role === 'sales'),
    dayWorkers.filter((e) => e.role === 'manager' || e.role === 'engineer'),
  );
  const end = period.endDay * DAY_MS;
  const mondays: number[] = [];
  for (let day = period.endDay - EVALUATION_DAYS; day + 7 <= period.endDay; day++) {
    if (isoWeekday(day) === 1) mondays.push(day);
  }
  if (mondays.length === 0) throw new Error('no week in the evaluation window for the timezone-traveller');
  const monday = rng.pick(mondays);
  const midweek = (monday + 2) * DAY_MS + 12 * HOUR_MS;
  const home = zoneOffsetMs(midweek, actor.timezone);
  const destinations = Object.values(LOCATIONS).filter(
    (location) => Math.abs(zoneOffsetMs(midweek, location.timezone) - home) >= MIN_TRAVEL_OFFSET_MS,
  );
  const away = rng.pick(destinations);
  const abroad = awayAs(actor, away);
  const days: number[] = [];
  for (let day = monday; day < monday + 7; day++) {
    if (worksOn(abroad, day) && shiftOn(abroad, day).end + HOUR_MS < end) days.push(day);
  }
  return { scenario: 'timezone-traveller', actor, days, away };
}

/** The person as they work from another office: its zone and network; the directory is not told. */
function awayAs(actor: Employee, away: Location): Employee {
  return { ...actor, location: away.name, timezone: away.timezone, officeSubnet: away.subnet };
}

/** Every third week on call, across the whole period; the evaluation window's middle week is one. */
function planOnCall(
  period: DemoPeriod,
  rng: Rng,
  casting: Casting,
  dayWorkers: readonly Employee[],
): InsiderPlan {
  const engineers = dayWorkers.filter((e) => e.role === 'engineer');
  const actor = casting.choose(
    'on-call-engineer',
    engineers.filter((e) => e.title === 'Site Reliability Engineer'),
    engineers,
  );
  const start = period.startDay * DAY_MS;
  const end = period.endDay * DAY_MS;
  const onCallWeek = weekOf(period.endDay - Math.ceil(EVALUATION_DAYS / 2)) % ON_CALL_ROTATION;
  const days: number[] = [];
  for (let monday = mondayOf(period.startDay - 1); monday < period.endDay; monday += 7) {
    if (weekOf(monday) % ON_CALL_ROTATION !== onCallWeek) continue;
    const nights = shuffled(rng, [0, 1, 2, 3, 4, 5, 6]).slice(0, rng.int(2, 4));
    for (const night of nights.sort((a, b) => a - b)) {
      const day = monday + night;
      if (localInstant(actor, day, 22) >= start && localInstant(actor, day, 30) < end) days.push(day);
    }
  }
  return { scenario: 'on-call-engineer', actor, days };
}

/** The last three work days of each month that ends in the period, five at a quarter's end. */
function planQuarterEnd(period: DemoPeriod, casting: Casting, dayWorkers: readonly Employee[]): InsiderPlan {
  const actor = casting.choose(
    'quarter-end-reporting',
    dayWorkers.filter((e) => e.role === 'finance'),
    dayWorkers.filter((e) => e.department === 'Finance'),
  );
  const start = period.startDay * DAY_MS;
  const end = period.endDay * DAY_MS;
  const workDays = candidateDays(actor, period, (day) => {
    const shift = shiftOn(actor, day);
    return shift.start >= start && shift.end + HOUR_MS < end;
  });
  const byMonth = new Map<string, number[]>();
  for (const day of workDays) {
    const month = formatDay(day).slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), day]);
  }
  const days: number[] = [];
  for (const [month, monthDays] of byMonth) {
    const lastOfMonth = lastDayOfMonth(month);
    if (lastOfMonth >= period.endDay) continue;
    const closing = QUARTER_END_MONTHS.includes(Number(month.slice(5, 7))) ? 5 : 3;
    days.push(...monthDays.slice(-closing));
  }
  return { scenario: 'quarter-end-reporting', actor, days };
}

/** Weeks since the Monday of 1970-01-05 (day 4). */
const weekOf = (day: number) => Math.floor((day - 4) / 7);
const mondayOf = (day: number) => 4 + weekOf(day) * 7;

function lastDayOfMonth(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return Date.UTC(year, m, 1) / DAY_MS - 1;
}

export function lookAlikeDay(plan: InsiderPlan, day: number, seed: number): PlannedDay {
  const rng = createRng(seed, 'insider', plan.scenario, plan.actor.index, day);
  switch (plan.scenario) {
    case 'timezone-traveller': {
      if (!plan.away) throw new Error('timezone-traveller needs a destination');
      const abroad = awayAs(plan.actor, plan.away);
      const events = [
        ...employeeDay(abroad, day, { seed, present: true }),
        accountPlan(rng, abroad, day, seed),
      ];
      return { events, planted: events };
    }
    case 'on-call-engineer': {
      const planted = nightPage(rng, plan.actor, day);
      return { events: [...employeeDay(plan.actor, day, { seed }), ...planted], planted };
    }
    case 'quarter-end-reporting': {
      const planted = closingExports(rng, plan.actor, day, seed);
      return { events: [...employeeDay(plan.actor, day, { seed, present: true }), ...planted], planted };
    }
    default:
      throw new Error(`${plan.scenario} is not a look-alike`);
  }
}

/** The traveller's meeting prep: an account plan for the region, downloaded in local hours. */
function accountPlan(rng: Rng, abroad: Employee, day: number, seed: number): EventDraft {
  const shift = shiftOn(abroad, day);
  const records = rng.int(150, 600);
  return draft(
    humanStamp(abroad, dayAddress(abroad, day, seed).ip),
    shift.start + rng.int(60, 300) * MINUTE_MS,
    {
      action: 'download',
      resource_type: 'report',
      source_system: 'crm',
      resource_id: `rpt-account-plan-${abroad.location.toLowerCase().replaceAll(' ', '-')}`,
      record_count: records,
      bytes: records * rng.int(300, 600),
      destination: LAPTOP_DOWNLOAD,
      details: { format: 'xlsx' },
    },
  );
}

/** One night page: VPN in, read runbooks, logs and tables under the incident, maybe pull a slice. */
function nightPage(rng: Rng, engineer: Employee, day: number): EventDraft[] {
  const actor = humanStamp(engineer, `10.8.${rng.int(0, 63)}.${rng.int(2, 254)}`);
  const incident = `INC-${rng.int(10_000, 99_999)}`;
  let at = localInstant(engineer, day, rng.int(22, 28), rng.int(0, 59)) + rng.int(0, 59_999);
  const out: EventDraft[] = [
    draft(actor, at, { action: 'login', resource_type: 'session', source_system: 'vpn' }),
    draft(actor, at + rng.int(20_000, 60_000), {
      action: 'login',
      resource_type: 'session',
      source_system: 'sso',
    }),
  ];
  const table = rng.pick(['dw.orders', 'dw.payments', 'dw.web_sessions', 'dw.order_items']);
  const steps: Step[] = [
    {
      action: 'read',
      resource_type: 'file',
      source_system: 'file-share',
      resource_id: `eng/runbooks/${rng.int(1, 40)}.md`,
      justification_id: incident,
    },
  ];
  for (let i = rng.int(2, 5); i > 0; i--) {
    const records = rng.int(100, 5_000);
    steps.push(
      rng.chance(0.5)
        ? {
            action: 'read',
            resource_type: 'file',
            source_system: 'git',
            resource_id: `${rng.pick(['billing-service', 'web-app', 'data-pipelines'])}/src/${rng.int(1, 400)}.ts`,
          }
        : {
            action: 'read',
            resource_type: 'table',
            source_system: 'data-warehouse',
            resource_id: table,
            record_count: records,
            bytes: records * rng.int(100, 400),
            justification_id: incident,
          },
    );
  }
  if (rng.chance(0.6)) {
    const records = rng.int(200, 3_000);
    steps.push({
      action: 'download',
      resource_type: 'table',
      source_system: 'data-warehouse',
      resource_id: table,
      record_count: records,
      bytes: records * rng.int(150, 400),
      destination: LAPTOP_DOWNLOAD,
      justification_id: incident,
      details: { format: 'csv', reason: 'incident' },
    });
  }
  for (const step of steps) {
    at += rng.int(2, 10) * MINUTE_MS;
    out.push(draft(actor, at, step));
  }
  out.push(
    draft(actor, at + rng.int(5, 20) * MINUTE_MS, {
      action: 'logout',
      resource_type: 'session',
      source_system: 'sso',
    }),
  );
  return out;
}

/** The close: large ledger reads and report exports, in working hours; half again as much at a quarter's end. */
function closingExports(rng: Rng, analyst: Employee, day: number, seed: number): EventDraft[] {
  const shift = shiftOn(analyst, day);
  const actor = humanStamp(analyst, dayAddress(analyst, day, seed).ip);
  const month = formatDay(day).slice(0, 7);
  const scale = QUARTER_END_MONTHS.includes(Number(month.slice(5, 7))) ? 1.5 : 1;
  const reports = ['rpt-gl-detail', 'rpt-revenue-by-customer', 'rpt-ar-aging-detail', 'rpt-accruals'];
  const out: EventDraft[] = [];
  const times = spread(rng, rng.int(3, 6), shift.start + 45 * MINUTE_MS, shift.end - 60 * MINUTE_MS);
  for (const at of times) {
    const records = Math.round(rng.int(20_000, 100_000) * scale);
    out.push(
      draft(actor, at, {
        action: 'read',
        resource_type: 'table',
        source_system: 'erp',
        resource_id: rng.pick(['erp.ledger', 'erp.invoices', 'erp.payments']),
        record_count: records,
        bytes: records * 200,
      }),
      draft(actor, at + rng.int(2, 8) * MINUTE_MS, {
        action: 'export',
        resource_type: 'report',
        source_system: 'erp',
        resource_id: rng.pick(reports),
        record_count: records,
        bytes: records * rng.int(150, 250),
        destination: rng.pick(['email_internal', LAPTOP_DOWNLOAD]),
        details: { format: 'xlsx', close_period: month },
      }),
    );
  }
  return out;
}

export function describeLookAlike(plan: InsiderPlan, perDay: readonly (readonly EventDraft[])[]): string {
  const flat = perDay.flat();
  const days = plan.days.map(formatDay);
  const moved = (events: readonly EventDraft[]) => events.filter((e) => e.destination !== null);
  const rows = (events: readonly EventDraft[]) => events.reduce((sum, e) => sum + e.record_count, 0);
  switch (plan.scenario) {
    case 'timezone-traveller': {
      const away = plan.away as Location;
      const at = (plan.days[0] as number) * DAY_MS;
      const hours = (zoneOffsetMs(at, away.timezone) - zoneOffsetMs(at, plan.actor.timezone)) / HOUR_MS;
      return `${who(plan.actor)} worked from the ${away.name} office (${away.timezone}, ${hours > 0 ? '+' : ''}${hours} h from the directory's ${plan.actor.timezone}) on ${days[0]} .. ${days.at(-1)}, keeping normal ${plan.actor.work_start_hour}–${plan.actor.work_end_hour} local hours there and downloading a customer account plan each day (${moved(flat).length} downloads/exports, ${rows(moved(flat))} records); the directory was not updated. Benign.`;
    }
    case 'on-call-engineer': {
      const downloads = moved(flat);
      return `${who(plan.actor)}, on call one week in ${ON_CALL_ROTATION}, was paged on ${days.length} nights (${days.join(', ')}) and worked 20–90 minutes between 22:00 and 06:00 local over VPN under incident ids, downloading ${downloads.length} table slices (${rows(downloads)} rows) to debug. Benign.`;
    }
    case 'quarter-end-reporting': {
      const exports = flat.filter((e) => e.action === 'export');
      return `${who(plan.actor)} exported ${exports.length} large ledger and revenue reports (${rows(exports)} records) in working hours on the closing days of each month (${days.join(', ')}). Benign.`;
    }
    default:
      throw new Error(`${plan.scenario} is not a look-alike`);
  }
}
