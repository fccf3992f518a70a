import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { EMPLOYEE_COLUMNS, formatEmployeesCsv } from '../../lambdas/demo/employee-csv.ts';
import { dayNumberOf, isValidTimeZone } from '../../lambdas/demo/local-time.ts';
import { DEPARTMENTS, generateOrg, MIN_EMPLOYEES, SERVICE_ACCOUNTS } from '../../lambdas/demo/org.ts';

const period = { startDay: dayNumberOf('2026-02-28'), endDay: dayNumberOf('2026-03-30') };
const org = generateOrg({ employees: 200, seed: 42, ...period });
const rows = parse(formatEmployeesCsv(org), { columns: true }) as Record<string, string>[];

describe('generateOrg', () => {
  it('makes exactly the requested number of people with unique ids and emails', () => {
    expect(org).toHaveLength(200);
    expect(new Set(org.map((e) => e.employee_id)).size).toBe(200);
    expect(new Set(org.map((e) => e.email)).size).toBe(200);
  });

  it('makes Support the largest department and staffs every department', () => {
    const sizes = new Map(DEPARTMENTS.map((d) => [d, org.filter((e) => e.department === d).length]));
    for (const size of sizes.values()) expect(size).toBeGreaterThan(0);
    const largest = [...sizes].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(largest).toBe('Support');
  });

  it('gives everyone but the department heads a manager who is in the directory', () => {
    const ids = new Set(org.map((e) => e.employee_id));
    const heads = org.filter((e) => e.manager_id === null);
    expect(heads.map((e) => e.department).sort()).toEqual([...DEPARTMENTS].sort());
    for (const e of org) if (e.manager_id !== null) expect(ids.has(e.manager_id)).toBe(true);
  });

  it('places people in offices on several continents', () => {
    const zones = new Set(org.map((e) => e.timezone));
    for (const zone of [
      'America/New_York',
      'America/Los_Angeles',
      'Europe/Berlin',
      'Asia/Kolkata',
      'Australia/Sydney',
    ]) {
      expect(zones).toContain(zone);
    }
  });

  it('has a night-shift support team whose shift wraps past midnight', () => {
    const night = org.filter((e) => e.work_start_hour === 22 && e.work_end_hour === 6);
    expect(night.length).toBeGreaterThanOrEqual(2);
    expect(night.every((e) => e.department === 'Support')).toBe(true);
  });

  it('has a few privileged IT admins, a few people on notice, and no service accounts', () => {
    const privileged = org.filter((e) => e.is_privileged);
    expect(privileged.length).toBeGreaterThan(0);
    expect(privileged.every((e) => e.department === 'IT/Security')).toBe(true);
    expect(org.some((e) => e.employment_status === 'notice')).toBe(true);
    const ids = new Set(org.map((e) => e.employee_id));
    for (const account of SERVICE_ACCOUNTS) expect(ids.has(account.actor_id)).toBe(false);
  });

  it('is the same org for the same seed and a different one for another seed', () => {
    expect(generateOrg({ employees: 200, seed: 42, ...period })).toEqual(org);
    expect(generateOrg({ employees: 200, seed: 7, ...period })).not.toEqual(org);
  });

  it(`refuses fewer than ${MIN_EMPLOYEES} people, too few for every role the demo needs`, () => {
    expect(() => generateOrg({ employees: MIN_EMPLOYEES - 1, seed: 42, ...period })).toThrow(/at least/);
    expect(generateOrg({ employees: MIN_EMPLOYEES, seed: 42, ...period })).toHaveLength(MIN_EMPLOYEES);
  });
});

describe('employees.csv', () => {
  it('has exactly the directory columns in order', () => {
    const header = formatEmployeesCsv(org).split('\n')[0];
    expect(header).toBe(
      'employee_id,email,display_name,department,title,manager_id,location,timezone,work_start_hour,work_end_hour,work_days,employment_status,hire_date,termination_date,is_privileged',
    );
    expect(EMPLOYEE_COLUMNS.join(',')).toBe(header);
  });

  it('holds valid IANA time zones, hours 0–24 and ISO work days', () => {
    for (const row of rows) {
      expect(isValidTimeZone(row.timezone ?? '')).toBe(true);
      for (const hour of [row.work_start_hour, row.work_end_hour]) {
        expect(hour).toMatch(/^\d{1,2}$/);
        expect(Number(hour)).toBeLessThanOrEqual(24);
      }
      const days = (row.work_days ?? '').split(',').map(Number);
      expect(days.length).toBeGreaterThan(0);
      expect(new Set(days).size).toBe(days.length);
      for (const day of days) expect(day >= 1 && day <= 7 && Number.isInteger(day)).toBe(true);
    }
  });

  it('quotes work_days, writes dates as YYYY-MM-DD, empty termination dates and true/false', () => {
    expect(formatEmployeesCsv(org)).toContain(',"1,2,3,4,5",');
    for (const row of rows) {
      expect(row.hire_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row.termination_date).toMatch(/^(\d{4}-\d{2}-\d{2})?$/);
      expect(row.termination_date === '').toBe(row.employment_status === 'active');
      expect(['true', 'false']).toContain(row.is_privileged);
      expect(['active', 'notice', 'terminated']).toContain(row.employment_status);
    }
  });
});
