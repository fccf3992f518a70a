/**
 * The demo company: departments, teams with leads, offices on several continents, work hours in
 * each person's local time, and a few service accounts. Pure: the same options give the same org.
 *
 * Service accounts are deliberately NOT in the employee directory: the directory is the HR view
 * of people, and a nightly ETL has no manager, hire date or working hours. Their events carry
 * `actor_type: 'service'` and ids starting with `svc-`, which is how detectors tell them apart
 * (a join to the directory finds no row for them).
 */
import { formatDay } from './local-time.ts';
import { createRng, type Rng, shuffled } from './prng.ts';

export const DEPARTMENTS = ['Support', 'Engineering', 'Sales', 'Finance', 'HR', 'IT/Security'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export type EmploymentStatus = 'active' | 'notice' | 'terminated';

/** What a person does all day; drives the activity generator. */
export type Role =
  | 'support-agent'
  | 'night-agent'
  | 'support-lead'
  | 'engineer'
  | 'sales'
  | 'finance'
  | 'hr'
  | 'it-admin'
  | 'it-support'
  | 'manager';

export interface Location {
  readonly name: string;
  readonly timezone: string;
  /** Second octet of the office network, so source IPs say where someone sits. */
  readonly subnet: number;
}

export const LOCATIONS = {
  newYork: { name: 'New York', timezone: 'America/New_York', subnet: 10 },
  sanFrancisco: { name: 'San Francisco', timezone: 'America/Los_Angeles', subnet: 11 },
  london: { name: 'London', timezone: 'Europe/London', subnet: 12 },
  berlin: { name: 'Berlin', timezone: 'Europe/Berlin', subnet: 13 },
  bangalore: { name: 'Bangalore', timezone: 'Asia/Kolkata', subnet: 14 },
  singapore: { name: 'Singapore', timezone: 'Asia/Singapore', subnet: 15 },
  sydney: { name: 'Sydney', timezone: 'Australia/Sydney', subnet: 16 },
} as const satisfies Record<string, Location>;

export interface Employee {
  readonly employee_id: string;
  readonly email: string;
  readonly display_name: string;
  readonly department: Department;
  readonly title: string;
  readonly manager_id: string | null;
  readonly location: string;
  readonly timezone: string;
  /** Local hour the shift starts, 0–24. */
  readonly work_start_hour: number;
  /** Local hour the shift ends, 0–24; below the start hour when the shift runs past midnight. */
  readonly work_end_hour: number;
  /** ISO weekdays (1 = Monday … 7 = Sunday) on which a shift *starts*, in the team's week order. */
  readonly work_days: readonly number[];
  readonly employment_status: EmploymentStatus;
  readonly hire_date: string;
  readonly termination_date: string | null;
  readonly is_privileged: boolean;
  // Generator-only, not in employees.csv:
  /** 1-based position in the directory; keys this person's random streams. */
  readonly index: number;
  readonly role: Role;
  readonly officeSubnet: number;
  /** The person's laptop, e.g. `LT-00042`. */
  readonly device_id: string;
}

export interface ServiceAccount {
  readonly actor_id: string;
  readonly description: string;
  readonly source_ip: string;
  readonly device_id: string;
}

export const SERVICE_ACCOUNTS: readonly ServiceAccount[] = [
  {
    actor_id: 'svc-etl-nightly',
    description: 'nightly ETL: exports warehouse tables to the reporting API at 02:00 UTC',
    source_ip: '10.0.5.21',
    device_id: 'srv-etl-01',
  },
  {
    actor_id: 'svc-backup',
    description: 'file-share backup: lists and reads shares at 01:00 UTC',
    source_ip: '10.0.5.22',
    device_id: 'srv-backup-01',
  },
  {
    actor_id: 'svc-crm-sync',
    description: 'hourly CRM ↔ support-db sync of customer records',
    source_ip: '10.0.5.23',
    device_id: 'srv-integration-01',
  },
];

export interface OrgOptions {
  readonly employees: number;
  readonly seed: number;
  /** First day (day number) of the generated period; hire dates lie before it. */
  readonly startDay: number;
  /** Exclusive last day of the period; notice periods end after it. */
  readonly endDay: number;
}

/** Share of headcount and the smallest headcount that still has every role the demo needs. */
const HEADCOUNT: readonly (readonly [Department, number, number])[] = [
  ['Support', 0.4, 8],
  ['Engineering', 0.25, 5],
  ['Sales', 0.15, 3],
  ['Finance', 0.07, 1],
  ['HR', 0.05, 1],
  ['IT/Security', 0.08, 2],
];

export const MIN_EMPLOYEES = HEADCOUNT.reduce((sum, [, , min]) => sum + min, 0);

const OFFICES: Readonly<Record<Department, readonly (readonly [Location, number])[]>> = {
  Support: [
    [LOCATIONS.bangalore, 0.35],
    [LOCATIONS.newYork, 0.25],
    [LOCATIONS.london, 0.15],
    [LOCATIONS.berlin, 0.15],
    [LOCATIONS.sydney, 0.1],
  ],
  Engineering: [
    [LOCATIONS.sanFrancisco, 0.35],
    [LOCATIONS.berlin, 0.25],
    [LOCATIONS.bangalore, 0.2],
    [LOCATIONS.london, 0.1],
    [LOCATIONS.singapore, 0.1],
  ],
  Sales: [
    [LOCATIONS.newYork, 0.35],
    [LOCATIONS.london, 0.25],
    [LOCATIONS.singapore, 0.2],
    [LOCATIONS.sydney, 0.2],
  ],
  Finance: [
    [LOCATIONS.newYork, 0.6],
    [LOCATIONS.london, 0.4],
  ],
  HR: [
    [LOCATIONS.newYork, 0.6],
    [LOCATIONS.berlin, 0.4],
  ],
  'IT/Security': [
    [LOCATIONS.newYork, 0.4],
    [LOCATIONS.bangalore, 0.3],
    [LOCATIONS.berlin, 0.3],
  ],
};

interface Titles {
  readonly head: string;
  readonly lead: string;
  /** Individual contributors' titles with their role and weight. */
  readonly members: readonly (readonly [readonly [string, Role, boolean], number])[];
}

const TITLES: Readonly<Record<Department, Titles>> = {
  Support: {
    head: 'VP of Customer Support',
    lead: 'Support Team Lead',
    members: [
      [['Customer Support Agent', 'support-agent', false], 0.7],
      [['Senior Customer Support Agent', 'support-agent', false], 0.3],
    ],
  },
  Engineering: {
    head: 'VP of Engineering',
    lead: 'Engineering Manager',
    members: [
      [['Software Engineer', 'engineer', false], 0.45],
      [['Senior Software Engineer', 'engineer', false], 0.3],
      [['Data Engineer', 'engineer', false], 0.15],
      [['Site Reliability Engineer', 'engineer', false], 0.1],
    ],
  },
  Sales: {
    head: 'VP of Sales',
    lead: 'Sales Manager',
    members: [
      [['Account Executive', 'sales', false], 0.6],
      [['Sales Development Representative', 'sales', false], 0.4],
    ],
  },
  Finance: {
    head: 'Finance Director',
    lead: 'Finance Manager',
    members: [
      [['Financial Analyst', 'finance', false], 0.6],
      [['Accountant', 'finance', false], 0.4],
    ],
  },
  HR: {
    head: 'HR Director',
    lead: 'HR Manager',
    members: [
      [['HR Business Partner', 'hr', false], 0.6],
      [['Recruiter', 'hr', false], 0.4],
    ],
  },
  'IT/Security': {
    head: 'Head of IT & Security',
    lead: 'IT Manager',
    members: [
      [['IT Support Specialist', 'it-support', false], 0.5],
      [['Systems Administrator', 'it-admin', true], 0.3],
      [['Security Engineer', 'it-admin', true], 0.2],
    ],
  },
};

const FIRST_NAMES = (
  'Aisha Alejandro Amelia Ananya Arjun Ben Carlos Chen Chloe Daniel Diego Elena Emma Fatima Felix ' +
  'Grace Hannah Hiroshi Ines Isaac Jack Jana Jonas Julia Kai Karan Kavya Laura Leon Liam Lina Lucas ' +
  'Maya Mei Mohammed Nadia Noah Olivia Omar Oscar Priya Rahul Rosa Ryan Sakura Samuel Sara Sofia ' +
  'Tariq Thomas Valentina Vikram Wei Yusuf Zara Zoe Ethan Mia Lars Nia'
).split(' ');
const LAST_NAMES = (
  'Adams Ahmed Alvarez Becker Brown Chen Costa Das Davies Evans Fischer Garcia Gupta Hall Hoffmann ' +
  'Iyer Jones Kapoor Kim Klein Kumar Lee Lim Lopez Martin Meyer Miller Moreno Muller Nair Nguyen ' +
  'Okafor Patel Reddy Rossi Santos Schmidt Schulz Shah Singh Smith Suzuki Tan Taylor Thomas Turner ' +
  'Wagner Walker Wang Weber White Williams Wilson Wong Wright Yadav Young Zhang Novak Silva'
).split(' ');

const EMAIL_DOMAIN = 'acme.example';

/** Hours a day team works, by weight: mostly 9→17, some 8→16 or 10→18. */
const DAY_HOURS: readonly (readonly [readonly [number, number], number])[] = [
  [[9, 17], 0.6],
  [[8, 16], 0.25],
  [[10, 18], 0.15],
];
const NIGHT_HOURS = [22, 6] as const;
const NINE_TO_FIVE = [9, 17] as const;
const WEEKDAYS = [1, 2, 3, 4, 5] as const;
const SUNDAY_TO_THURSDAY = [7, 1, 2, 3, 4] as const;

interface Seat {
  readonly department: Department;
  readonly title: string;
  readonly role: Role;
  readonly privileged: boolean;
  readonly location: Location;
  readonly hours: readonly [number, number];
  readonly workDays: readonly number[];
  /** Index in the seat list of this person's manager. */
  readonly managerSeat: number | null;
  readonly rank: 'head' | 'lead' | 'member';
}

/** Generates the employee directory. Throws RangeError below `MIN_EMPLOYEES`. */
export function generateOrg(options: OrgOptions): Employee[] {
  if (!Number.isInteger(options.employees) || options.employees < MIN_EMPLOYEES) {
    throw new RangeError(`employees must be an integer of at least ${MIN_EMPLOYEES}`);
  }
  const rng = createRng(options.seed, 'org');
  const seats: Seat[] = [];
  for (const [department, count] of departmentHeadcounts(options.employees)) {
    addDepartment(rng, seats, department, count);
  }
  const names = nameSeats(rng, seats.length);
  const statuses = employmentStatuses(rng, seats, options);
  return seats.map((seat, index) => {
    const name = names[index] as { display: string; email: string };
    const status = statuses[index] as { status: EmploymentStatus; hire: string; termination: string | null };
    const number = index + 1;
    return {
      employee_id: employeeId(number),
      email: name.email,
      display_name: name.display,
      department: seat.department,
      title: seat.title,
      manager_id: seat.managerSeat === null ? null : employeeId(seat.managerSeat + 1),
      location: seat.location.name,
      timezone: seat.location.timezone,
      work_start_hour: seat.hours[0],
      work_end_hour: seat.hours[1],
      work_days: seat.workDays,
      employment_status: status.status,
      hire_date: status.hire,
      termination_date: status.termination,
      is_privileged: seat.privileged,
      index: number,
      role: seat.role,
      officeSubnet: seat.location.subnet,
      device_id: `LT-${String(number).padStart(5, '0')}`,
    };
  });
}

export function employeeId(number: number): string {
  return `emp-${String(number).padStart(5, '0')}`;
}

/** Headcount per department by largest remainder, each at least its minimum. */
function departmentHeadcounts(total: number): [Department, number][] {
  const counts = HEADCOUNT.map(([department, share, min]) => ({
    department,
    exact: total * share,
    count: Math.max(min, Math.floor(total * share)),
  }));
  const left = total - counts.reduce((sum, c) => sum + c.count, 0);
  const fraction = (c: (typeof counts)[number]) => c.exact - Math.floor(c.exact);
  const byRemainder = [...counts].sort((a, b) => fraction(b) - fraction(a));
  // From MIN_EMPLOYEES up, the floors plus the raised minimums never exceed the total, so `left`
  // is 0…5 and goes one each to the departments with the largest remainders.
  for (let i = 0; i < left; i++) (byRemainder[i % byRemainder.length] as (typeof counts)[number]).count++;
  return counts.map((c) => [c.department, c.count]);
}

const TEAM_SIZE = 8;

function addDepartment(rng: Rng, seats: Seat[], department: Department, count: number): void {
  const titles = TITLES[department];
  const offices = OFFICES[department];
  const headSeat = seats.length;
  const headOffice = (offices[0] as readonly [Location, number])[0];
  seats.push({
    department,
    title: titles.head,
    role: 'manager',
    privileged: department === 'IT/Security',
    location: headOffice,
    hours: [9, 17],
    workDays: WEEKDAYS,
    managerSeat: null,
    rank: 'head',
  });
  let remaining = count - 1;
  if (department === 'Support') {
    // The night shift: 22:00→06:00 New York time, answering APAC customers. About half of it
    // starts its week on Sunday night. Its reports go out at night, inside its own hours.
    const nightSize = Math.min(remaining - 2, Math.max(2, Math.round(count * 0.12)));
    addTeam(rng, seats, department, headSeat, nightSize, {
      location: LOCATIONS.newYork,
      night: true,
    });
    remaining -= nightSize;
  }
  const teams = Math.ceil(remaining / TEAM_SIZE);
  const locations = teamLocations(rng, offices, teams);
  for (let t = 0; t < teams; t++) {
    const size = Math.floor(remaining / (teams - t));
    addTeam(rng, seats, department, headSeat, size, { location: locations[t] as Location, night: false });
    remaining -= size;
  }
}

/** Offices for `teams` teams in proportion to the weights (largest remainder), in shuffled order. */
function teamLocations(
  rng: Rng,
  offices: readonly (readonly [Location, number])[],
  teams: number,
): Location[] {
  const total = offices.reduce((sum, [, weight]) => sum + weight, 0);
  const quotas = offices.map(([location, weight]) => ({ location, exact: (teams * weight) / total }));
  const counts = quotas.map((q) => Math.floor(q.exact));
  const byRemainder = quotas
    .map((q, i) => ({ i, fraction: q.exact - Math.floor(q.exact) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  let left = teams - counts.reduce((sum, n) => sum + n, 0);
  for (const { i } of byRemainder) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return shuffled(
    rng,
    quotas.flatMap((q, i) => Array.from({ length: counts[i] ?? 0 }, () => q.location)),
  );
}

function addTeam(
  rng: Rng,
  seats: Seat[],
  department: Department,
  headSeat: number,
  size: number,
  team: { location: Location; night: boolean },
): void {
  const titles = TITLES[department];
  const leadSeat = seats.length;
  const teamHours = team.night ? NIGHT_HOURS : rng.weighted(DAY_HOURS);
  let pinnedEngineer = false;
  for (let i = 0; i < size; i++) {
    const lead = i === 0 && size > 1;
    const [title, role, privileged] = lead
      ? [titles.lead, leadRole(department), false]
      : rng.weighted(titles.members);
    // People mostly keep their team's hours; some day workers have their own arrangement. The
    // first engineer of each team keeps 9→17, so the off-hours scenario always has a candidate.
    let hours: readonly [number, number] = teamHours;
    if (role === 'engineer' && !pinnedEngineer) {
      hours = NINE_TO_FIVE;
      pinnedEngineer = true;
    } else if (!team.night && rng.chance(0.2)) {
      hours = rng.weighted(DAY_HOURS);
    }
    seats.push({
      department,
      title: team.night ? (lead ? 'Night Shift Team Lead' : 'Night Support Agent') : title,
      role: team.night ? (lead ? 'support-lead' : 'night-agent') : role,
      privileged,
      location: team.location,
      hours,
      workDays: team.night && rng.chance(0.5) ? SUNDAY_TO_THURSDAY : WEEKDAYS,
      managerSeat: lead ? headSeat : size > 1 ? leadSeat : headSeat,
      rank: lead ? 'lead' : 'member',
    });
  }
}

function leadRole(department: Department): Role {
  return department === 'Support' ? 'support-lead' : 'manager';
}

function nameSeats(rng: Rng, count: number): { display: string; email: string }[] {
  const used = new Map<string, number>();
  const out: { display: string; email: string }[] = [];
  for (let i = 0; i < count; i++) {
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const local = `${first}.${last}`.toLowerCase();
    const seen = (used.get(local) ?? 0) + 1;
    used.set(local, seen);
    out.push({ display: `${first} ${last}`, email: `${local}${seen > 1 ? seen : ''}@${EMAIL_DOMAIN}` });
  }
  return out;
}

/**
 * Hire dates, a few people serving their notice (who behave normally) and a few leavers who
 * stay in the directory with a termination date before the period and produce no events.
 */
function employmentStatuses(
  rng: Rng,
  seats: readonly Seat[],
  options: OrgOptions,
): { status: EmploymentStatus; hire: string; termination: string | null }[] {
  const out = seats.map((seat) => {
    const earliest = seat.rank === 'head' ? 365 * 9 : 365 * 6;
    return {
      status: 'active' as EmploymentStatus,
      hire: formatDay(options.startDay - rng.int(60, earliest)),
      termination: null as string | null,
    };
  });
  const members = shuffled(
    rng,
    seats.flatMap((seat, index) => (seat.rank === 'member' ? [index] : [])),
  );
  const noticeCount = Math.max(1, Math.round(seats.length * 0.015));
  const leaverCount = Math.round(seats.length * 0.01);
  for (const index of members.slice(0, noticeCount)) {
    const person = out[index] as (typeof out)[number];
    person.status = 'notice';
    person.termination = formatDay(options.endDay + rng.int(10, 40));
  }
  for (const index of members.slice(noticeCount, noticeCount + leaverCount)) {
    const person = out[index] as (typeof out)[number];
    const leftDay = options.startDay - rng.int(10, 120);
    person.status = 'terminated';
    person.termination = formatDay(leftDay);
    person.hire = formatDay(leftDay - rng.int(200, 2000));
  }
  return out;
}
