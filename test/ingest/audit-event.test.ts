import { describe, expect, it } from 'vitest';
import {
  ACTIONS,
  AUDIT_EVENT_COLUMNS,
  dtOf,
  type EventValidation,
  EXPORT_ACTIONS,
  reasonKind,
  validateEvent,
} from '../../lambdas/core/audit-event.ts';
import { NOW, rawEvent } from './fixtures.ts';

function accept(overrides: Record<string, unknown>) {
  const result = validateEvent(rawEvent(overrides), { now: NOW });
  if (!result.ok) throw new Error(`expected acceptance, got ${result.field}: ${result.reason}`);
  return result.event;
}

function reject(raw: unknown): Extract<EventValidation, { ok: false }> {
  const result = validateEvent(raw, { now: NOW });
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

describe('validateEvent', () => {
  it('accepts a complete event and converts event_time to epoch milliseconds', () => {
    const event = accept({});
    expect(event).toEqual({
      ...rawEvent(),
      event_time: Date.parse('2026-03-01T09:30:00Z'),
    });
  });

  it('fills defaults: record_count 1 and null for absent optional fields', () => {
    const event = accept({
      record_count: undefined,
      resource_id: undefined,
      bytes: undefined,
      details: undefined,
    });
    expect(event).toMatchObject({ record_count: 1, resource_id: null, bytes: null, details: null });
  });

  describe.each([
    'event_id',
    'event_time',
    'actor_id',
    'actor_type',
    'action',
    'resource_type',
    'source_system',
    'outcome',
  ])('required field %s', (field) => {
    it.each([
      ['absent', undefined],
      ['null', null],
      ['empty', ''],
      ['blank', '   '],
    ])('rejects it when %s', (_, value) => {
      expect(reject(rawEvent({ [field]: value }))).toEqual({
        ok: false,
        field,
        reason: `${field} is required (a non-empty string)`,
      });
    });
  });

  it('rejects a required field that is not a string', () => {
    expect(reject(rawEvent({ actor_id: 42 }))).toMatchObject({
      field: 'actor_id',
      reason: 'actor_id must be a string (got number)',
    });
  });

  it.each([
    ['actor_type', 'robot', 'actor_type must be one of human, service (got "robot")'],
    ['outcome', 'ok', 'outcome must be one of success, failure, denied (got "ok")'],
    ['action', 'steal', `action must be one of ${ACTIONS.join(', ')} (got "steal")`],
  ])('rejects %s outside its allowed values, listing them', (field, value, reason) => {
    expect(reject(rawEvent({ [field]: value }))).toEqual({ ok: false, field, reason });
  });

  it.each(ACTIONS)('accepts the action %s', (action) => {
    expect(accept({ action }).action).toBe(action);
  });

  describe('event_time', () => {
    it.each([
      ['Z', '2026-03-01T09:30:00Z', '2026-03-01T09:30:00.000Z'],
      ['milliseconds', '2026-03-01T09:30:00.250Z', '2026-03-01T09:30:00.250Z'],
      ['microseconds (truncated)', '2026-03-01T09:30:00.123456Z', '2026-03-01T09:30:00.123Z'],
      ['a positive offset', '2026-03-01T01:30:00+02:00', '2026-02-28T23:30:00.000Z'],
      ['a negative offset', '2026-02-28T20:30:00-05:00', '2026-03-01T01:30:00.000Z'],
      ['an offset without colon', '2026-03-01T11:00:00+0130', '2026-03-01T09:30:00.000Z'],
      ['a space instead of T', '2026-03-01 09:30:00Z', '2026-03-01T09:30:00.000Z'],
      ['no seconds', '2026-03-01T09:30Z', '2026-03-01T09:30:00.000Z'],
      ['a leap day', '2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
      ['the earliest allowed instant', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00.000Z'],
      ['exactly 1 day after now', '2026-03-11T12:00:00Z', '2026-03-11T12:00:00.000Z'],
    ])('accepts %s', (_, text, utc) => {
      expect(new Date(accept({ event_time: text }).event_time).toISOString()).toBe(utc);
    });

    it('puts an offset time into the partition of its UTC date', () => {
      expect(dtOf(accept({ event_time: '2026-03-01T01:30:00+02:00' }).event_time)).toBe('2026-02-28');
    });

    it.each([
      ['a naive time', '2026-03-01T09:30:00', 'has no Z or offset'],
      ['a date only', '2026-03-01', 'is not an ISO-8601 time like 2026-03-01T09:30:00Z'],
      ['free text', 'yesterday', 'is not an ISO-8601 time'],
      ['29 February in a common year', '2026-02-29T09:30:00Z', 'is not a real calendar date and time'],
      ['31 April', '2026-04-31T09:30:00Z', 'is not a real calendar date and time'],
      ['hour 24', '2026-03-01T24:00:00Z', 'is not a real calendar date and time'],
      ['a leap second', '2026-03-01T23:59:60Z', 'is not a real calendar date and time'],
      ['an offset beyond 18 hours', '2026-03-01T09:30:00+19:00', 'has an offset beyond'],
      ['a time before 2000', '1999-12-31T23:59:59Z', 'is before 2000-01-01'],
      ['an offset that moves it before 2000', '2000-01-01T00:30:00+01:00', 'is before 2000-01-01'],
      ['a time more than 1 day after now', '2026-03-11T12:00:00.001Z', 'is more than 1 day after now'],
    ])('rejects %s', (_, text, reason) => {
      const result = reject(rawEvent({ event_time: text }));
      expect(result.field).toBe('event_time');
      expect(result.reason).toContain(`event_time ${reason}`);
    });

    it('rejects epoch numbers: the contract input is ISO-8601 text', () => {
      expect(reject(rawEvent({ event_time: 1772357400000 })).reason).toBe(
        'event_time must be a string (got number)',
      );
    });
  });

  describe.each(['record_count', 'bytes'])('%s', (field) => {
    it.each([
      ['a JSON integer', 2048, 2048],
      ['zero', 0, 0],
      ['digits from CSV', '2048', 2048],
    ])('accepts %s', (_, value, expected) => {
      expect(accept({ [field]: value })[field as 'bytes']).toBe(expected);
    });

    it.each([
      ['negative', -1],
      ['fractional', 1.5],
      ['text', 'many'],
      ['exponent text', '1e3'],
      ['signed text', '+5'],
      ['beyond the safe integer range', '9007199254740993'],
      ['a boolean', true],
    ])('rejects %s', (_, value) => {
      const result = reject(rawEvent({ [field]: value }));
      expect(result.field).toBe(field);
      expect(result.reason).toMatch(
        new RegExp(`^${field} must be a whole number from 0 to 9007199254740991 \\(got `),
      );
    });
  });

  it('defaults an empty record_count (CSV) to 1 and an empty bytes to null', () => {
    expect(accept({ record_count: '', bytes: '' })).toMatchObject({ record_count: 1, bytes: null });
  });

  it.each(['resource_id', 'source_ip', 'device_id', 'destination', 'justification_id'])(
    'stores an empty %s as null',
    (field) => {
      expect(accept({ [field]: '' })[field as 'resource_id']).toBeNull();
    },
  );

  it('rejects an unknown top-level field, naming it', () => {
    expect(reject(rawEvent({ user_agent: 'curl/8' }))).toEqual({
      ok: false,
      field: 'user_agent',
      reason: 'unknown field "user_agent" (not a column of audit_events)',
    });
  });

  it('accepts a dt that matches the UTC date of event_time (lake exports round-trip)', () => {
    expect(accept({ dt: '2026-03-01' }).event_id).toBe('evt-1');
  });

  it('rejects a dt that does not match event_time', () => {
    expect(reject(rawEvent({ dt: '2026-03-02' }))).toMatchObject({
      field: 'dt',
      reason: 'dt must equal the UTC date of event_time, 2026-03-01 (got "2026-03-02")',
    });
  });

  describe('details', () => {
    it('stores an object as its JSON text', () => {
      expect(accept({ details: { rows: 3, note: 'a\tb' } }).details).toBe('{"rows":3,"note":"a\\tb"}');
    });

    it('keeps JSON text as given, including tabs and newlines between tokens', () => {
      const text = '{\n\t"rows": 3\r\n}';
      expect(accept({ details: text }).details).toBe(text);
    });

    it.each([
      ['text that is not JSON', 'export of 3 rows', 'got "export of 3 rows"'],
      ['JSON that is not an object', '[1,2]', 'got JSON array'],
      ['an array', [1, 2], 'got array'],
      ['a number', 3, 'got number'],
    ])('rejects %s', (_, value, got) => {
      expect(reject(rawEvent({ details: value }))).toMatchObject({
        field: 'details',
        reason: `details must be a JSON object or the JSON text of one (${got})`,
      });
    });

    it('rejects a C1 control character in details text, which JSON whitespace never is', () => {
      expect(reject(rawEvent({ details: '{"note":"next\u0085line"}' })).reason).toBe(
        'details contains a control character (U+0085)',
      );
    });

    it('rejects a NUL byte even in details', () => {
      expect(reject(rawEvent({ details: '{"a":1}\u0000' })).reason).toBe(
        'details contains a control character (U+0000)',
      );
    });
  });

  it.each([
    ['a NUL', 'emp\u00000042', 'U+0000'],
    ['a tab', 'emp\t0042', 'U+0009'],
    ['a newline', 'emp\n0042', 'U+000A'],
    ['an escape', 'emp\u001b[31m', 'U+001B'],
    ['a DEL', 'emp\u007f0042', 'U+007F'],
    ['a C1 control sequence introducer', 'emp\u009b2J', 'U+009B'],
  ])('rejects %s in a plain string field', (_, value, code) => {
    expect(reject(rawEvent({ actor_id: value }))).toMatchObject({
      field: 'actor_id',
      reason: `actor_id contains a control character (${code})`,
    });
  });

  it('rejects an unpaired surrogate, which is not valid UTF-8 in Parquet', () => {
    expect(reject(rawEvent({ resource_id: 'a\ud800b' })).reason).toBe(
      'resource_id contains an unpaired UTF-16 surrogate',
    );
  });

  it('accepts a string of exactly 65536 characters and rejects one longer', () => {
    expect(accept({ resource_id: 'x'.repeat(65_536) }).resource_id).toHaveLength(65_536);
    expect(reject(rawEvent({ resource_id: 'x'.repeat(65_537) }))).toMatchObject({
      field: 'resource_id',
      reason: 'field resource_id is longer than 65536 characters',
    });
  });

  it('applies the length cap to details given as an object', () => {
    expect(reject(rawEvent({ details: { text: 'x'.repeat(65_536) } })).reason).toBe(
      'field details is longer than 65536 characters',
    );
  });

  it('echoes at most 40 characters of a bad value', () => {
    const reason = reject(rawEvent({ action: `exfiltrate-${'a'.repeat(500)}` })).reason;
    expect(reason).toContain(`(got "exfiltrate-${'a'.repeat(29)}…")`);
    expect(reason.length).toBeLessThan(300);
  });

  it.each([
    ['actor_id', "emp-1'; DROP TABLE audit_events; --"],
    ['resource_id', "' OR 1=1 --"],
    ['details', '{"q":"SELECT * FROM employees WHERE 1=1; --"}'],
    ['destination', 'web_upload:evil.example/?q=\'"\\'],
  ])('accepts SQL fragments in %s as plain data', (field, value) => {
    expect(accept({ [field]: value })[field as 'actor_id']).toBe(value);
  });

  it.each([
    ['an array', [rawEvent()], 'array'],
    ['null', null, 'null'],
    ['a string', 'evt-1', 'string'],
  ])('rejects %s as a whole record', (_, raw, type) => {
    expect(reject(raw)).toEqual({
      ok: false,
      field: '(record)',
      reason: `event is not a JSON object (got ${type})`,
    });
  });
});

describe('reasonKind', () => {
  it.each([
    ['action must be one of login, logout (got "x (y)")', 'action must be one of login, logout'],
    ['unknown field "foo" (not a column of audit_events)', 'unknown field "…"'],
    [
      'event_time has no Z or offset, so its instant is unknown (got "2026-01-01T00:00:00")',
      'event_time has no Z or offset, so its instant is unknown',
    ],
    ['field details is longer than 65536 characters', 'field details is longer than 65536 characters'],
  ])('groups %s as %s', (reason, kind) => {
    expect(reasonKind(reason)).toBe(kind);
  });
});

describe('the contract', () => {
  it('lists every field of a validated event as a column, in order', () => {
    expect(AUDIT_EVENT_COLUMNS.map((column) => column.name)).toEqual(Object.keys(accept({})));
  });

  it('types event_time as timestamp and the counts as bigint', () => {
    const types = Object.fromEntries(AUDIT_EVENT_COLUMNS.map((column) => [column.name, column.type]));
    expect(types).toMatchObject({
      event_time: 'timestamp',
      record_count: 'bigint',
      bytes: 'bigint',
      event_id: 'varchar',
    });
  });

  it('makes every export action an action', () => {
    expect(EXPORT_ACTIONS.every((action) => (ACTIONS as readonly string[]).includes(action))).toBe(true);
    expect(EXPORT_ACTIONS).toEqual(['export', 'download', 'print', 'copy', 'send', 'upload']);
  });
});
