/**
 * EventBridge schedule expressions (`rate(...)`, `cron(...)`), evaluated in UTC. The runner uses
 * them to know where windows end; the CDK app passes the same expression to EventBridge Scheduler.
 */
const MINUTE = 60_000;

export interface Schedule {
  readonly expression: string;
  /** Fire times t with from < t <= to, ascending. */
  ticksBetween(from: Date, to: Date): Date[];
  /** The latest fire time at or before `at`. */
  previousTick(at: Date): Date;
}

export class ScheduleError extends Error {}

export function parseSchedule(expression: string): Schedule {
  const text = expression.trim();
  const rate = /^rate\((\d+)\s+(minutes?|hours?|days?)\)$/.exec(text);
  if (rate) return rateSchedule(text, Number(rate[1]), rate[2] as string);
  const cron = /^cron\((.*)\)$/.exec(text);
  if (cron) return cronSchedule(text, cron[1] as string);
  throw new ScheduleError(
    `"${expression}" is not an EventBridge schedule: write rate(1 hour) or cron(0 * * * ? *)`,
  );
}

function rateSchedule(expression: string, amount: number, unit: string): Schedule {
  if (amount < 1) throw new ScheduleError(`${expression}: the rate must be at least 1`);
  const singular = unit.replace(/s$/, '');
  if ((amount === 1) !== (singular === unit)) {
    throw new ScheduleError(`${expression}: EventBridge wants "1 ${singular}" and "${amount} ${singular}s"`);
  }
  const unitMs = singular === 'minute' ? MINUTE : singular === 'hour' ? 60 * MINUTE : 1440 * MINUTE;
  const periodMs = amount * unitMs;
  // Ticks sit on multiples of the period since the Unix epoch, so windows line up across runs.
  const previousTick = (at: Date) => new Date(Math.floor(at.getTime() / periodMs) * periodMs);
  return {
    expression,
    previousTick,
    ticksBetween(from, to) {
      const ticks: Date[] = [];
      for (let t = previousTick(from).getTime() + periodMs; t <= to.getTime(); t += periodMs)
        ticks.push(new Date(t));
      return ticks;
    },
  };
}

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const MINUTES: CronField = { name: 'minutes', min: 0, max: 59 };
const HOURS: CronField = { name: 'hours', min: 0, max: 23 };
const DAYS_OF_MONTH: CronField = { name: 'day-of-month', min: 1, max: 31 };
const MONTHS: CronField = {
  name: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
// EventBridge numbers days of the week 1-7 from Sunday.
const DAYS_OF_WEEK: CronField = {
  name: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
};
const YEARS: CronField = { name: 'year', min: 1970, max: 2199 };

function cronSchedule(expression: string, body: string): Schedule {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(
      `${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year)`,
    );
  }
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ScheduleError(`${expression}: exactly one of day-of-month and day-of-week must be "?"`);
  }
  const sets = {
    minutes: parseCronField(expression, minutes, MINUTES),
    hours: parseCronField(expression, hours, HOURS),
    dom: dom === '?' ? undefined : parseCronField(expression, dom, DAYS_OF_MONTH),
    month: parseCronField(expression, month, MONTHS),
    dow: dow === '?' ? undefined : parseCronField(expression, dow, DAYS_OF_WEEK),
    year: parseCronField(expression, year, YEARS),
  };
  const matchesDay = (d: Date) =>
    sets.year.has(d.getUTCFullYear()) &&
    sets.month.has(d.getUTCMonth() + 1) &&
    (sets.dom ? sets.dom.has(d.getUTCDate()) : (sets.dow as Set<number>).has(d.getUTCDay() + 1));
  const dayTicks = (dayStart: number): number[] => {
    if (!matchesDay(new Date(dayStart))) return [];
    const ticks: number[] = [];
    for (const h of [...sets.hours].sort((a, b) => a - b)) {
      for (const m of [...sets.minutes].sort((a, b) => a - b)) ticks.push(dayStart + (h * 60 + m) * MINUTE);
    }
    return ticks;
  };
  const DAY = 1440 * MINUTE;
  const lastYear = Math.max(...sets.year);
  return {
    expression,
    ticksBetween(from, to) {
      const ticks: Date[] = [];
      for (let day = Math.floor(from.getTime() / DAY) * DAY; day <= to.getTime(); day += DAY) {
        for (const t of dayTicks(day)) if (t > from.getTime() && t <= to.getTime()) ticks.push(new Date(t));
      }
      return ticks;
    },
    previousTick(at) {
      // Walk back day by day; bounded so an expression that never fires again cannot loop forever.
      for (let day = Math.floor(at.getTime() / DAY) * DAY, n = 0; n < 366 * 8; day -= DAY, n++) {
        const candidates = dayTicks(day).filter((t) => t <= at.getTime());
        const last = candidates[candidates.length - 1];
        if (last !== undefined) return new Date(last);
        if (new Date(day).getUTCFullYear() < 1970 || lastYear < 1970) break;
      }
      throw new ScheduleError(`${expression}: does not fire in the 8 years before ${at.toISOString()}`);
    },
  };
}

function parseCronField(expression: string, text: string, field: CronField): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(',')) {
    const [rangeText, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw badField(expression, field, item);
    let low: number;
    let high: number;
    if (rangeText === '*') {
      low = field.min;
      high = field.max;
    } else if (rangeText.includes('-')) {
      const [a, b] = rangeText.split('-') as [string, string];
      low = cronValue(expression, a, field);
      high = cronValue(expression, b, field);
    } else {
      low = cronValue(expression, rangeText, field);
      high = stepText === undefined ? low : field.max;
    }
    if (low > high) throw badField(expression, field, item);
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return values;
}

function cronValue(expression: string, text: string, field: CronField): number {
  const named = field.names?.indexOf(text.toUpperCase()) ?? -1;
  const value = named >= 0 ? named + field.min : /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= field.min && value <= field.max)) throw badField(expression, field, text);
  return value;
}

function badField(expression: string, field: CronField, text: string): ScheduleError {
  const hint = /[LW#]/.test(text) ? ' (L, W and # are not supported)' : '';
  return new ScheduleError(
    `${expression}: "${text}" is not a valid ${field.name} value (${field.min}-${field.max})${hint}`,
  );
}
