import { describe, expect, it } from 'vitest';
import {
  FixtureCaseError,
  isNegativeCase,
  isPositiveCase,
  parseFixtureCase,
} from '../../lambdas/fixtures/fixture-case.ts';

const FILE = 'queries/tests/off-hours-export/night-export.yaml';

/** A valid case with `body` appended (YAML), for one field under test at a time. */
function caseText(
  body: string,
  head = 'description: a case\nrun: { from: 2026-03-17T02:00:00Z, to: run.from+1h }\n',
) {
  return `${head}${body}`;
}

function parse(text: string, file = FILE) {
  return parseFixtureCase(file, text);
}

/** The one-line message a bad case file gives. */
function problem(text: string, file = FILE): string {
  try {
    parseFixtureCase(file, text);
  } catch (error) {
    expect(error).toBeInstanceOf(FixtureCaseError);
    const message = (error as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    return message;
  }
  throw new Error('expected the case to be refused');
}

describe('fixture case files', () => {
  it('takes the detector from the folder name and the name from the file', () => {
    const parsed = parse(caseText('expect: {}\n'));
    expect(parsed).toMatchObject({
      detectorId: 'off-hours-export',
      name: 'night-export',
      description: 'a case',
    });
  });

  it('resolves run.to relative to run.from', () => {
    const parsed = parse(caseText('expect: {}\n'));
    expect(parsed.run.to.toISOString()).toBe('2026-03-17T03:00:00.000Z');
  });

  it('fills in a day-shift Berlin support agent for each employee', () => {
    const parsed = parse(
      caseText('employees: [{ employee_id: emp-b, department: Engineering }]\nexpect: {}\n'),
    );
    expect(parsed.employees).toEqual([{ employee_id: 'emp-b', department: 'Engineering' }]);
  });

  it('fills in a successful human read of one customer record for each event', () => {
    const parsed = parse(
      caseText('events: [{ actor_id: emp-b, at: run.from+10m, action: export }]\nexpect: {}\n'),
    );
    expect(parsed.events).toEqual([
      {
        origin: 'events[0]',
        record: {
          event_id: 'fixture-1',
          actor_id: 'emp-b',
          action: 'export',
          actor_type: 'human',
          resource_type: 'customer_record',
          resource_id: null,
          record_count: 1,
          source_system: 'support-db',
          outcome: 'success',
          event_time: '2026-03-17T02:10:00.000Z',
        },
      },
    ]);
  });

  it('expands repeat into copies one second apart with {i} counting from 0', () => {
    const parsed = parse(
      caseText(
        'events: [{ actor_id: emp-a, at: run.from, action: read, repeat: 3, resource_id: "cust-{i}" }]\nexpect: {}\n',
      ),
    );
    expect(parsed.events.map((e) => [e.origin, e.record.resource_id, e.record.event_time])).toEqual([
      ['events[0] copy 0', 'cust-0', '2026-03-17T02:00:00.000Z'],
      ['events[0] copy 1', 'cust-1', '2026-03-17T02:00:01.000Z'],
      ['events[0] copy 2', 'cust-2', '2026-03-17T02:00:02.000Z'],
    ]);
  });

  it('spaces copies by every and repeats the block on consecutive days with {d}', () => {
    const parsed = parse(
      caseText(
        'events: [{ actor_id: emp-a, at: "run.from-2d@10:00", action: read, days: 2, repeat: 2, every: 5m, resource_id: "c-{d}-{i}" }]\nexpect: {}\n',
      ),
    );
    expect(parsed.events.map((e) => [e.record.resource_id, e.record.event_time])).toEqual([
      ['c-0-0', '2026-03-15T10:00:00.000Z'],
      ['c-0-1', '2026-03-15T10:05:00.000Z'],
      ['c-1-0', '2026-03-16T10:00:00.000Z'],
      ['c-1-1', '2026-03-16T10:05:00.000Z'],
    ]);
  });

  it('reads expected findings with a /regex/ summary and times in the same grammar', () => {
    const parsed = parse(
      caseText(
        'expect:\n  findings:\n    - { actor_id: emp-b, summary: "/at 0\\\\d:\\\\d\\\\d local/", first_seen: run.from+10m }\n',
      ),
    );
    const [finding] = parsed.expect.findings;
    expect(finding?.summary).toEqual({ kind: 'regex', regex: /at 0\d:\d\d local/ });
    expect(finding?.first_seen?.toISOString()).toBe('2026-03-17T02:10:00.000Z');
  });

  it('counts a case that expects findings as positive, and one that expects none or names absent actors as negative', () => {
    const positive = parse(caseText('expect: { findings: [{ actor_id: a }] }\n'));
    const negative = parse(caseText('expect: {}\n'));
    const both = parse(caseText('expect: { findings: [{ actor_id: a }], absent: [b] }\n'));
    expect([isPositiveCase(positive), isNegativeCase(positive)]).toEqual([true, false]);
    expect([isPositiveCase(negative), isNegativeCase(negative)]).toEqual([false, true]);
    expect([isPositiveCase(both), isNegativeCase(both)]).toEqual([true, true]);
  });

  it('accepts the same case as JSON', () => {
    const json = JSON.stringify({
      description: 'a case',
      run: { from: '2026-03-17T02:00:00Z', to: '2026-03-17T03:00:00Z' },
      expect: { absent: ['emp-b'] },
    });
    expect(parse(json, 'queries/tests/off-hours-export/night.json').expect.absent).toEqual(['emp-b']);
  });
});

describe('a bad fixture case file gives one line naming the file and the field', () => {
  it('for a time that is not in the grammar', () => {
    expect(
      problem(caseText('events: [{ actor_id: a, at: "run.from+10:00", action: read }]\nexpect: {}\n')),
    ).toBe(
      `${FILE}: events[0].at: "run.from+10:00": +HH:MM is ambiguous; write @HH:MM for that UTC time of day, or a step like +10h`,
    );
  });

  it('for an unknown field, with a hint when it is event_time', () => {
    expect(
      problem(caseText('events: [{ actor_id: a, event_time: run.from, action: read }]\nexpect: {}\n')),
    ).toBe(`${FILE}: events[0]: unknown field(s) event_time (write the time as at:)`);
  });

  it('for an action outside the contract', () => {
    expect(
      problem(caseText('events: [{ actor_id: a, at: run.from, action: teleport }]\nexpect: {}\n')),
    ).toMatch(
      new RegExp(`^${FILE}: events\\[0\\]\\.action: expected one of login, .* \\(got "teleport"\\)$`),
    );
  });

  it('for a missing required field', () => {
    expect(problem('description: a case\nexpect: {}\n')).toBe(`${FILE}: run: is required (object)`);
  });

  it('for a time zone that does not exist', () => {
    expect(problem(caseText('employees: [{ employee_id: a, timezone: Europe/Berln }]\nexpect: {}\n'))).toBe(
      `${FILE}: employees[0].timezone: expected an IANA time zone like Europe/Berlin or Asia/Tokyo`,
    );
  });

  it('for an actor expected both flagged and absent', () => {
    expect(problem(caseText('expect: { findings: [{ actor_id: a }], absent: [a] }\n'))).toBe(
      `${FILE}: expect.findings[0].actor_id: a is also listed in expect.absent`,
    );
  });

  it('for repeated copies that would share one event_id', () => {
    expect(
      problem(
        caseText(
          'events: [{ actor_id: a, at: run.from, action: read, event_id: x, repeat: 2 }]\nexpect: {}\n',
        ),
      ),
    ).toBe(
      `${FILE}: events[0].event_id: "x" is also the id of events[0] copy 0; add {i} (or {d}) to make repeated ids unique`,
    );
  });

  it('for a range that ends before it starts', () => {
    expect(
      problem('description: a case\nrun: { from: 2026-03-17T02:00:00Z, to: run.from-1h }\nexpect: {}\n'),
    ).toBe(`${FILE}: run.to: must be after run.from`);
  });

  it('for text that is not YAML', () => {
    expect(problem('description: [unclosed\n')).toMatch(
      new RegExp(`^${FILE}: is not valid YAML at line \\d+`),
    );
  });
});
