import { afterEach, describe, expect, it } from 'vitest';
import { dayAt, type EmployeeRow, event, FixtureLake } from '../support/fixture-lake.ts';

// The window under test is 2026-03-17 (a Tuesday); history is the 14 days before it.
const START = '2026-03-03';
const WINDOW_DAY = 14;
const windowFrom = dayAt(START, WINDOW_DAY, '00:00:00');
const windowTo = dayAt(START, WINDOW_DAY + 1, '00:00:00');

/** `count` reads of distinct customer records by `actor` on day `day` (offset from START). */
function reads(actor: string, day: number, count: number, extra: Record<string, unknown> = {}) {
  return Array.from({ length: count }, (_, i) =>
    event({
      actor_id: actor,
      event_time: dayAt(
        START,
        day,
        `10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`,
      ),
      action: 'read',
      resource_id: `cust-${day}-${i}`,
      justification_id: 'TCK-1',
      ...extra,
    }),
  );
}

/** `perDay` reads on each of the `days` days before the window. */
function history(actor: string, perDay: number, days = WINDOW_DAY) {
  return Array.from({ length: days }, (_, d) => reads(actor, WINDOW_DAY - days + d, perDay)).flat();
}

const support = (id: string): EmployeeRow => ({ employee_id: id });

let lake: FixtureLake | undefined;
afterEach(() => lake?.remove());

async function findings(employees: EmployeeRow[], events: Record<string, unknown>[]) {
  lake = await FixtureLake.create(employees, events);
  return lake.run('record-access-spike', windowFrom, windowTo);
}

describe('record-access-spike', () => {
  it('flags an agent reading twenty times their usual number of distinct records', async () => {
    const result = await findings(
      [support('emp-a')],
      [...history('emp-a', 40), ...reads('emp-a', WINDOW_DAY, 800)],
    );
    expect(result).toHaveLength(1);
    expect(result[0]).toMatchObject({
      actor_id: 'emp-a',
      severity: 'high',
      summary: 'read 800 distinct records in the day, 20.0x the own history median of 40',
      evidence: {
        distinct_records: 800,
        baseline_source: 'own history',
        baseline_median: 40,
        history_days: 14,
      },
    });
  });

  it('does not flag an ordinary day', async () => {
    const result = await findings(
      [support('emp-a')],
      [...history('emp-a', 40), ...reads('emp-a', WINDOW_DAY, 60)],
    );
    expect(result).toEqual([]);
  });

  it('does not flag a heavy reader whose volume is normal for them', async () => {
    const result = await findings(
      [support('emp-a')],
      [...history('emp-a', 900), ...reads('emp-a', WINDOW_DAY, 1000)],
    );
    expect(result).toEqual([]);
  });

  it('stays under the absolute floor even at a large ratio', async () => {
    const result = await findings(
      [support('emp-a')],
      [...history('emp-a', 5), ...reads('emp-a', WINDOW_DAY, 150)],
    );
    expect(result).toEqual([]);
  });

  it('compares a new hire with their department instead of staying silent', async () => {
    const result = await findings(
      [support('emp-new'), support('emp-p1'), support('emp-p2')],
      [
        ...history('emp-p1', 40),
        ...history('emp-p2', 45),
        ...history('emp-new', 30, 2),
        ...reads('emp-new', WINDOW_DAY, 900),
      ],
    );
    expect(result.map((f) => f.actor_id)).toEqual(['emp-new']);
    expect(result[0]?.evidence).toMatchObject({ baseline_source: 'department peers', history_days: 2 });
  });

  it('does not flag a new hire reading as much as their peers', async () => {
    const result = await findings(
      [support('emp-new'), support('emp-p1')],
      [...history('emp-p1', 40), ...reads('emp-new', WINDOW_DAY, 45)],
    );
    expect(result).toEqual([]);
  });

  it('ignores denied reads and service accounts', async () => {
    const result = await findings(
      [support('emp-a')],
      [
        ...history('emp-a', 40),
        ...reads('emp-a', WINDOW_DAY, 800, { outcome: 'denied' }),
        ...reads('svc-etl', WINDOW_DAY, 800, { actor_type: 'service' }),
      ],
    );
    expect(result).toEqual([]);
  });

  it('marks a spike ten times over the floor as critical', async () => {
    const result = await findings(
      [support('emp-a')],
      [...history('emp-a', 40), ...reads('emp-a', WINDOW_DAY, 2500)],
    );
    expect(result[0]?.severity).toBe('critical');
  });
});
