/**
 * Normal, innocent activity: what each role does on a working day, inside that person's local
 * hours, plus the service accounts' schedules. Every person-day draws from its own random stream
 * (`seed`, person, day), so a day looks the same however much else is generated.
 *
 * The noise is deliberate, because detectors must live with it: failed logins, remote days over
 * VPN, a little late work (under an hour past the shift), small in-hours exports (prints,
 * internal mail, report downloads), the odd unjustified record read, and a night shift that
 * reads records and mails reports between 22:00 and 06:00 — inside its own hours.
 */
import type { Action, Outcome } from '../core/audit-event.ts';
import type { EventDraft } from './demo-event.ts';
import { DAY_MS, HOUR_MS, isoWeekday, MINUTE_MS } from './local-time.ts';
import type { Employee, Role, ServiceAccount } from './org.ts';
import { createRng, type Rng, sampleDistinct } from './prng.ts';
import { shiftOn, worksOn } from './work-schedule.ts';

/** Customers whose records support and sales open: `cust-1` … `cust-80000`. */
export const CUSTOMER_POPULATION = 80_000;

export function customerId(index: number): string {
  return `cust-${index + 1}`;
}

/** Destination of a normal file download to the person's own laptop, via the system's API. */
export const LAPTOP_DOWNLOAD = 'api';

/** One event of a burst, before it has a time or an actor. */
export interface Step {
  readonly action: Action;
  readonly resource_type: string;
  readonly source_system: string;
  readonly resource_id?: string | null;
  readonly record_count?: number;
  readonly bytes?: number | null;
  readonly destination?: string | null;
  readonly outcome?: Outcome;
  readonly justification_id?: string | null;
  readonly details?: Readonly<Record<string, string | number | boolean>> | null;
}

/** Steps done one after another, seconds to a minute or two apart. */
interface Burst {
  readonly steps: readonly Step[];
  /** Start near this instant instead of anywhere in the session. */
  readonly near?: number;
}

export interface ActorStamp {
  readonly actor_id: string;
  readonly actor_type: 'human' | 'service';
  readonly source_ip: string;
  readonly device_id: string;
}

export function draft(actor: ActorStamp, at: number, step: Step): EventDraft {
  return {
    at,
    actor_id: actor.actor_id,
    actor_type: actor.actor_type,
    action: step.action,
    resource_type: step.resource_type,
    resource_id: step.resource_id ?? null,
    record_count: step.record_count ?? 1,
    bytes: step.bytes ?? null,
    source_system: step.source_system,
    source_ip: actor.source_ip,
    device_id: actor.device_id,
    destination: step.destination ?? null,
    outcome: step.outcome ?? 'success',
    justification_id: step.justification_id ?? null,
    details: step.details ? JSON.stringify(step.details) : null,
  };
}

/** Where a person connects from on a day: the office network, or the VPN pool on remote days. */
export function dayAddress(employee: Employee, day: number, seed: number): { ip: string; remote: boolean } {
  const rng = createRng(seed, 'address', employee.index, day);
  if (rng.chance(0.3)) return { ip: `10.8.${rng.int(0, 63)}.${rng.int(2, 254)}`, remote: true };
  return {
    ip: `10.${employee.officeSubnet}.${(employee.index >> 8) & 255}.${employee.index & 255}`,
    remote: false,
  };
}

export function humanStamp(employee: Employee, ip: string): ActorStamp {
  return {
    actor_id: employee.employee_id,
    actor_type: 'human',
    source_ip: ip,
    device_id: employee.device_id,
  };
}

/**
 * The usual number of customer records this person opens on a working day (0 for roles that
 * do not open them). Fixed per person, so a jump against it is meaningful.
 */
export function usualCustomerReads(employee: Employee, seed: number): number {
  const rng = createRng(seed, 'baseline', employee.index);
  switch (employee.role) {
    case 'support-agent':
    case 'night-agent':
      return rng.int(40, 60);
    case 'support-lead':
      return rng.int(8, 15);
    case 'sales':
      return rng.int(10, 20);
    default:
      return 0;
  }
}

/** Busier Mondays, quieter Fridays and weekends (the night shift's Sunday). */
const WEEKDAY_LOAD = [1.15, 1.05, 1, 1, 0.85, 0.8, 0.8] as const;

export interface DayOptions {
  readonly seed: number;
  /** The person works this day whatever chance says (a planted scenario needs them there). */
  readonly present?: boolean;
}

/** One person's events for the shift that starts on local `day`; empty on days off. */
export function employeeDay(employee: Employee, day: number, options: DayOptions): EventDraft[] {
  if (!worksOn(employee, day)) return [];
  const rng = createRng(options.seed, 'day', employee.index, day);
  const absent = rng.chance(0.04);
  if (absent && !options.present) return [];
  const shift = shiftOn(employee, day);
  const address = dayAddress(employee, day, options.seed);
  const actor = humanStamp(employee, address.ip);
  const load = (WEEKDAY_LOAD[isoWeekday(day) - 1] ?? 1) * (0.85 + rng.next() * 0.3);

  // Nobody starts early (failed tries and the VPN come at most 3 minutes before the login); a few
  // stay up to an hour late.
  const login = shift.start + rng.int(3, 25) * MINUTE_MS + rng.int(0, 59_999);
  const lateWork = rng.chance(0.04);
  const logout = shift.end + (lateWork ? rng.int(10, 55) : rng.int(-15, 10)) * MINUTE_MS + rng.int(0, 59_999);

  const out: EventDraft[] = [];
  if (rng.chance(0.03)) {
    const tries = rng.int(1, 2);
    for (let i = 0; i < tries; i++) {
      out.push(
        draft(actor, login - (tries - i) * rng.int(20_000, 90_000), {
          action: 'login_failed',
          resource_type: 'session',
          source_system: 'sso',
          outcome: 'failure',
          details: { reason: rng.pick(['bad_password', 'mfa_timeout', 'bad_password']) },
        }),
      );
    }
  }
  if (address.remote) {
    out.push(
      draft(actor, login - rng.int(30_000, 180_000), {
        action: 'login',
        resource_type: 'session',
        source_system: 'vpn',
      }),
    );
  }
  out.push(draft(actor, login, { action: 'login', resource_type: 'session', source_system: 'sso' }));

  const bursts = roleBursts(rng, employee, day, options.seed, load, shift.start);
  if (rng.chance(0.005)) {
    bursts.push({
      steps: [
        {
          action: 'device_connect',
          resource_type: 'removable_media',
          source_system: 'workstation',
          resource_id: `usb-${rng.int(0x1000, 0xffff).toString(16)}`,
          details: { device_class: rng.pick(['keyboard', 'headset', 'mouse']) },
        },
      ],
    });
  }
  placeBursts(rng, actor, bursts, login + 2 * MINUTE_MS, logout - 2 * MINUTE_MS, out);
  out.push(draft(actor, logout, { action: 'logout', resource_type: 'session', source_system: 'sso' }));
  return out;
}

/** Gives each burst a start in [from, to] (or near its hint) and its steps a few seconds apart. */
function placeBursts(
  rng: Rng,
  actor: ActorStamp,
  bursts: readonly Burst[],
  from: number,
  to: number,
  out: EventDraft[],
) {
  for (const burst of bursts) {
    const gaps = burst.steps.map(() => rng.int(8_000, 100_000));
    const duration = gaps.reduce((sum, gap) => sum + gap, 0);
    const latest = Math.max(from, to - duration);
    let at =
      burst.near === undefined
        ? from + Math.floor(rng.next() * (latest - from))
        : Math.min(latest, Math.max(from, burst.near + rng.int(-20, 20) * MINUTE_MS));
    burst.steps.forEach((step, i) => {
      out.push(draft(actor, at, step));
      at += gaps[i] as number;
    });
  }
}

function roleBursts(
  rng: Rng,
  employee: Employee,
  day: number,
  seed: number,
  load: number,
  shiftStart: number,
): Burst[] {
  const scaled = (n: number) => Math.max(1, Math.round(n * load));
  const reads = Math.min(80, Math.max(0, Math.round(usualCustomerReads(employee, seed) * load)));
  const role: Role = employee.role;
  switch (role) {
    case 'support-agent':
      return supportWork(rng, reads, scaled(4));
    case 'night-agent': {
      const bursts = supportWork(rng, reads, scaled(3));
      // The overnight queue summary goes to the day team's leads around 05:00 local, in-shift.
      if (rng.chance(0.8)) {
        bursts.push({
          near: shiftStart + 7 * HOUR_MS,
          steps: [
            {
              action: 'read',
              resource_type: 'report',
              source_system: 'support-db',
              resource_id: 'rpt-overnight-queue',
            },
            {
              action: 'export',
              resource_type: 'report',
              source_system: 'support-db',
              resource_id: 'rpt-overnight-queue',
              ...exported(rng, rng.int(80, 400), 180),
              destination: 'email_internal',
              details: { format: 'pdf' },
            },
          ],
        });
      }
      return bursts;
    }
    case 'support-lead': {
      const bursts = supportWork(rng, reads, scaled(6));
      for (let i = rng.int(2, 4); i > 0; i--)
        bursts.push({ steps: [readReport(rng, 'support-db', SUPPORT_REPORTS)] });
      if (isoWeekday(day) === 5 && rng.chance(0.7))
        bursts.push({ steps: [exportReport(rng, 'support-db', 'rpt-weekly-csat', 'email_internal')] });
      return bursts;
    }
    case 'engineer':
      return engineerWork(rng, scaled(rng.int(8, 18)));
    case 'sales':
      return salesWork(rng, reads, day);
    case 'finance':
      return financeWork(rng, scaled(rng.int(6, 12)));
    case 'hr':
      return hrWork(rng, scaled(rng.int(5, 12)));
    case 'it-admin':
      return itAdminWork(rng, scaled(rng.int(5, 10)));
    case 'it-support':
      return itSupportWork(rng, scaled(rng.int(6, 14)));
    case 'manager':
      return managerWork(rng, scaled(rng.int(4, 8)), employee.department === 'Finance' ? 'erp' : 'bi');
  }
}

const SUPPORT_REPORTS = [
  'rpt-queue-health',
  'rpt-sla-breaches',
  'rpt-weekly-csat',
  'rpt-agent-productivity',
] as const;
const WAREHOUSE_TABLES = [
  'dw.orders',
  'dw.order_items',
  'dw.products',
  'dw.web_sessions',
  'dw.feature_flags',
  'dw.customers',
  'dw.payments',
  'dw.support_tickets',
] as const;
const REPOS = [
  'billing-service',
  'web-app',
  'support-portal',
  'data-pipelines',
  'infra',
  'mobile-app',
] as const;

/** record_count and bytes of an export of `records` rows of about `rowBytes` each. */
function exported(rng: Rng, records: number, rowBytes: number): { record_count: number; bytes: number } {
  return { record_count: records, bytes: records * rowBytes + rng.int(500, 5_000) };
}

function readReport(rng: Rng, system: string, reports: readonly string[]): Step {
  return {
    action: 'read',
    resource_type: 'report',
    source_system: system,
    resource_id: rng.pick(reports),
    record_count: rng.int(20, 400),
  };
}

function exportReport(rng: Rng, system: string, report: string, destination: string): Step {
  return {
    action: 'export',
    resource_type: 'report',
    source_system: system,
    resource_id: report,
    ...exported(rng, rng.int(20, 800), 150),
    destination,
    details: { format: rng.pick(['pdf', 'csv', 'xlsx']) },
  };
}

/**
 * Working tickets: look at the queue, open a ticket, sometimes search for the customer, open
 * one to four of their records under the ticket's id, update the ticket. `reads` distinct
 * customer records in all.
 */
function supportWork(rng: Rng, reads: number, queueChecks: number): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < queueChecks; i++) {
    bursts.push({
      steps: [
        {
          action: 'list',
          resource_type: 'support_ticket',
          source_system: 'support-db',
          record_count: rng.int(10, 60),
        },
      ],
    });
  }
  const customers = sampleDistinct(rng, CUSTOMER_POPULATION, reads);
  let next = 0;
  while (next < customers.length) {
    const ticket = `TCK-${rng.int(100_000, 999_999)}`;
    const steps: Step[] = [
      { action: 'read', resource_type: 'support_ticket', source_system: 'support-db', resource_id: ticket },
    ];
    if (rng.chance(0.35)) {
      steps.push({
        action: 'search',
        resource_type: 'customer_record',
        source_system: 'support-db',
        record_count: rng.int(1, 12),
        justification_id: ticket,
      });
    }
    for (let k = rng.int(1, 4); k > 0 && next < customers.length; k--) {
      steps.push({
        action: 'read',
        resource_type: 'customer_record',
        source_system: 'support-db',
        resource_id: customerId(customers[next++] as number),
        bytes: rng.int(1_500, 6_000),
        // A few reads are logged without the ticket (opened from a bookmark, a colleague's link).
        justification_id: rng.chance(0.03) ? null : ticket,
      });
    }
    if (rng.chance(0.7)) {
      steps.push({
        action: 'update',
        resource_type: 'support_ticket',
        source_system: 'support-db',
        resource_id: ticket,
      });
    }
    bursts.push({ steps });
  }
  return bursts;
}

function engineerWork(rng: Rng, tasks: number): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < tasks; i++) {
    const kind = rng.weighted<'code' | 'query' | 'docs'>([
      ['code', 0.5],
      ['query', 0.35],
      ['docs', 0.15],
    ]);
    if (kind === 'code') {
      const repo = rng.pick(REPOS);
      const steps: Step[] = [];
      for (let k = rng.int(1, 4); k > 0; k--) {
        steps.push({
          action: 'read',
          resource_type: 'file',
          source_system: 'git',
          resource_id: `${repo}/src/${rng.int(1, 400)}.ts`,
        });
      }
      if (rng.chance(0.4)) {
        steps.push({
          action: 'update',
          resource_type: 'file',
          source_system: 'git',
          resource_id: `${repo}/src/${rng.int(1, 400)}.ts`,
        });
      }
      bursts.push({ steps });
    } else if (kind === 'query') {
      const table = rng.pick(WAREHOUSE_TABLES);
      const records = rng.int(10, 5_000);
      bursts.push({
        steps: [
          {
            action: 'list',
            resource_type: 'table',
            source_system: 'data-warehouse',
            record_count: rng.int(5, 60),
          },
          {
            action: 'read',
            resource_type: 'table',
            source_system: 'data-warehouse',
            resource_id: table,
            record_count: records,
            bytes: records * rng.int(100, 400),
          },
        ],
      });
    } else {
      bursts.push({
        steps: [
          {
            action: 'read',
            resource_type: 'file',
            source_system: 'file-share',
            resource_id: `eng/docs/${rng.int(1, 120)}.md`,
          },
        ],
      });
    }
  }
  // Now and then a permission the engineer does not have.
  if (rng.chance(0.02)) {
    bursts.push({
      steps: [
        {
          action: 'read',
          resource_type: 'table',
          source_system: 'data-warehouse',
          resource_id: 'dw.payroll',
          outcome: 'denied',
        },
      ],
    });
  }
  // A small extract pulled to the laptop, in hours.
  if (rng.chance(0.05)) {
    bursts.push({
      steps: [
        {
          action: 'download',
          resource_type: 'table',
          source_system: 'data-warehouse',
          resource_id: rng.pick(WAREHOUSE_TABLES),
          ...exported(rng, rng.int(50, 500), 250),
          destination: LAPTOP_DOWNLOAD,
          details: { format: 'csv' },
        },
      ],
    });
  }
  return bursts;
}

function salesWork(rng: Rng, reads: number, day: number): Burst[] {
  const bursts: Burst[] = [];
  const customers = sampleDistinct(rng, CUSTOMER_POPULATION, reads);
  let next = 0;
  while (next < customers.length) {
    const opportunity = `OPP-${rng.int(10_000, 99_999)}`;
    const steps: Step[] = [];
    if (rng.chance(0.3)) {
      steps.push({
        action: 'search',
        resource_type: 'customer_record',
        source_system: 'crm',
        record_count: rng.int(5, 40),
      });
    }
    for (let k = rng.int(1, 3); k > 0 && next < customers.length; k--) {
      steps.push({
        action: 'read',
        resource_type: 'customer_record',
        source_system: 'crm',
        resource_id: customerId(customers[next++] as number),
        bytes: rng.int(1_500, 6_000),
        justification_id: rng.chance(0.85) ? opportunity : null,
      });
    }
    steps.push({
      action: 'update',
      resource_type: 'opportunity',
      source_system: 'crm',
      resource_id: opportunity,
    });
    bursts.push({ steps });
  }
  if (rng.chance(0.1)) {
    bursts.push({
      steps: [
        {
          action: 'send',
          resource_type: 'file',
          source_system: 'email',
          resource_id: `proposal-${rng.int(1000, 9999)}.pdf`,
          bytes: rng.int(200_000, 2_000_000),
          destination: 'email_external',
        },
      ],
    });
  }
  if (isoWeekday(day) === 1 && rng.chance(0.5))
    bursts.push({ steps: [exportReport(rng, 'crm', 'rpt-pipeline', 'email_internal')] });
  return bursts;
}

function financeWork(rng: Rng, tasks: number): Burst[] {
  const bursts: Burst[] = [];
  const reports = ['rpt-ar-aging', 'rpt-monthly-close', 'rpt-revenue-by-region', 'rpt-expenses'];
  for (let i = 0; i < tasks; i++) {
    if (rng.chance(0.5)) bursts.push({ steps: [readReport(rng, 'erp', reports)] });
    else {
      const records = rng.int(50, 2_000);
      bursts.push({
        steps: [
          {
            action: 'read',
            resource_type: 'table',
            source_system: 'erp',
            resource_id: rng.pick(['erp.ledger', 'erp.invoices', 'erp.payments']),
            record_count: records,
            bytes: records * 200,
          },
        ],
      });
    }
  }
  if (rng.chance(0.25))
    bursts.push({ steps: [exportReport(rng, 'erp', rng.pick(reports), 'email_internal')] });
  if (rng.chance(0.15))
    bursts.push({ steps: [{ ...exportReport(rng, 'erp', rng.pick(reports), 'printer'), action: 'print' }] });
  return bursts;
}

function hrWork(rng: Rng, tasks: number): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < tasks; i++) {
    const record = `hr-${rng.int(1, 5_000)}`;
    const steps: Step[] = [
      { action: 'read', resource_type: 'employee_record', source_system: 'hris', resource_id: record },
    ];
    if (rng.chance(0.3))
      steps.push({
        action: 'update',
        resource_type: 'employee_record',
        source_system: 'hris',
        resource_id: record,
      });
    bursts.push({ steps });
  }
  if (rng.chance(0.1)) {
    bursts.push({
      steps: [
        {
          action: 'print',
          resource_type: 'file',
          source_system: 'workstation',
          resource_id: `offer-letter-${rng.int(100, 999)}.pdf`,
          bytes: rng.int(50_000, 400_000),
          destination: 'printer',
        },
      ],
    });
  }
  if (rng.chance(0.2)) {
    bursts.push({
      steps: [
        {
          action: 'send',
          resource_type: 'file',
          source_system: 'email',
          resource_id: `headcount-${rng.int(1, 12)}.xlsx`,
          record_count: rng.int(10, 300),
          bytes: rng.int(30_000, 500_000),
          destination: 'email_internal',
        },
      ],
    });
  }
  return bursts;
}

function itAdminWork(rng: Rng, tasks: number): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < tasks; i++) {
    const kind = rng.weighted<'logs' | 'access' | 'config'>([
      ['logs', 0.5],
      ['access', 0.3],
      ['config', 0.2],
    ]);
    if (kind === 'logs') {
      bursts.push({
        steps: [
          {
            action: 'read',
            resource_type: 'file',
            source_system: 'file-share',
            resource_id: `it/logs/${rng.int(1, 60)}.log`,
          },
        ],
      });
    } else if (kind === 'access') {
      const user = `emp-${String(rng.int(1, 9_999)).padStart(5, '0')}`;
      bursts.push({
        steps: [
          {
            action: 'list',
            resource_type: 'user_account',
            source_system: 'iam',
            record_count: rng.int(20, 500),
          },
          {
            action: rng.chance(0.7) ? 'grant' : 'revoke',
            resource_type: 'user_account',
            source_system: 'iam',
            resource_id: user,
            justification_id: `INC-${rng.int(10_000, 99_999)}`,
            details: { role: rng.pick(['support-db-reader', 'dw-analyst', 'crm-user', 'vpn-user']) },
          },
        ],
      });
    } else {
      bursts.push({
        steps: [
          {
            action: 'config_change',
            resource_type: 'config',
            source_system: rng.pick(['iam', 'vpn', 'sso']),
            resource_id: rng.pick(['password-policy', 'session-timeout', 'mfa-policy', 'split-tunnel']),
            details: { change: 'update' },
          },
        ],
      });
    }
  }
  return bursts;
}

function itSupportWork(rng: Rng, tasks: number): Burst[] {
  const bursts: Burst[] = [];
  for (let i = 0; i < tasks; i++) {
    const user = `emp-${String(rng.int(1, 9_999)).padStart(5, '0')}`;
    const incident = `INC-${rng.int(10_000, 99_999)}`;
    const steps: Step[] = [
      {
        action: 'read',
        resource_type: 'user_account',
        source_system: 'iam',
        resource_id: user,
        justification_id: incident,
      },
    ];
    if (rng.chance(0.4)) {
      steps.push({
        action: 'update',
        resource_type: 'user_account',
        source_system: 'iam',
        resource_id: user,
        justification_id: incident,
        details: { change: 'password_reset' },
      });
    }
    bursts.push({ steps });
  }
  return bursts;
}

function managerWork(rng: Rng, tasks: number, system: string): Burst[] {
  const bursts: Burst[] = [];
  const reports = ['rpt-headcount', 'rpt-okr-status', 'rpt-budget-vs-actual', 'rpt-weekly-kpis'];
  for (let i = 0; i < tasks; i++) bursts.push({ steps: [readReport(rng, system, reports)] });
  if (rng.chance(0.3)) {
    bursts.push({
      steps: [
        {
          action: 'send',
          resource_type: 'file',
          source_system: 'email',
          resource_id: `team-update-${rng.int(1, 52)}.pdf`,
          bytes: rng.int(100_000, 900_000),
          destination: 'email_internal',
        },
      ],
    });
  }
  return bursts;
}

/** A service account's events on UTC `day`: fixed schedules in UTC, every day of the week. */
export function serviceDay(account: ServiceAccount, day: number, seed: number): EventDraft[] {
  const rng = createRng(seed, 'service', account.actor_id, day);
  const actor: ActorStamp = {
    actor_id: account.actor_id,
    actor_type: 'service',
    source_ip: account.source_ip,
    device_id: account.device_id,
  };
  const midnight = day * DAY_MS;
  const out: EventDraft[] = [];
  switch (account.actor_id) {
    case 'svc-etl-nightly': {
      let at = midnight + 2 * HOUR_MS + rng.int(0, 240_000);
      for (const table of [
        'dw.orders',
        'dw.order_items',
        'dw.payments',
        'dw.customers',
        'dw.support_tickets',
      ]) {
        out.push(
          draft(actor, at, {
            action: 'export',
            resource_type: 'table',
            source_system: 'data-warehouse',
            resource_id: table,
            ...exported(rng, rng.int(100_000, 400_000), 300),
            destination: 'api',
            details: { job: 'nightly-reporting-load' },
          }),
        );
        at += rng.int(3, 12) * MINUTE_MS;
      }
      break;
    }
    case 'svc-backup': {
      let at = midnight + HOUR_MS + rng.int(0, 120_000);
      for (const share of ['share/finance', 'share/hr', 'share/sales', 'share/eng', 'share/it']) {
        out.push(
          draft(actor, at, {
            action: 'list',
            resource_type: 'file',
            source_system: 'file-share',
            resource_id: share,
            record_count: rng.int(500, 8_000),
          }),
        );
        at += rng.int(2, 9) * MINUTE_MS;
      }
      break;
    }
    default: {
      for (let hour = 0; hour < 24; hour++) {
        out.push(
          draft(actor, midnight + hour * HOUR_MS + 5 * MINUTE_MS + rng.int(0, 120_000), {
            action: 'update',
            resource_type: 'customer_record',
            source_system: 'crm',
            record_count: rng.int(20, 300),
            details: { job: 'crm-support-sync' },
          }),
        );
      }
    }
  }
  return out;
}
