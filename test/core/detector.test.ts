import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { DetectorError } from '../../lambdas/core/errors.ts';
import { detectorText } from '../support/detector-text.ts';

const FILE = 'queries/detectors/t.sql';

function parseError(text: string): DetectorError {
  try {
    parseDetector(FILE, text);
  } catch (error) {
    if (error instanceof DetectorError) return error;
    throw error;
  }
  throw new Error('expected a DetectorError');
}

describe('parseDetector', () => {
  it('reads the header into a typed detector with defaults', () => {
    const detector = parseDetector(FILE, detectorText({ lookback: '28d', params: { min_records: 100 } }));
    expect(detector).toMatchObject({
      id: 't',
      severity: 'high',
      windowMs: 3_600_000,
      lookbackMs: 28 * 86_400_000,
      dedupMs: 3_600_000,
      params: { min_records: 100 },
      status: 'experimental',
      enabled: true,
      tags: [],
    });
    expect(detector.schedule.expression).toBe('rate(1 hour)');
    expect(detector.sql).toContain('FROM audit_events');
  });

  it('knows the file line where the SQL starts', () => {
    const text = detectorText();
    const detector = parseDetector(FILE, text);
    const lines = text.split('\n');
    expect(lines[detector.sqlLine - 1]).toBe('*/');
    expect(lines[detector.sqlLine]).toMatch(/^SELECT/);
  });

  it.each([
    [
      'a missing header',
      'SELECT 1',
      'queries/detectors/t.sql: header: missing: the file must start with a /* ... */ comment holding the YAML header',
    ],
    [
      'an id that differs from the file name',
      detectorText({ id: 'other' }),
      'queries/detectors/t.sql: id: "other" must equal the file name "t"',
    ],
    [
      'a missing required field',
      detectorText({ runbook: undefined }),
      'queries/detectors/t.sql: runbook: is required (string)',
    ],
    [
      'a field of the wrong type, which is not called missing',
      detectorText({ title: 5 }),
      'queries/detectors/t.sql: title: expected string, got number',
    ],
    [
      'an unknown field',
      detectorText({ severty: 'high' }),
      'queries/detectors/t.sql: header: unknown field(s) severty',
    ],
    [
      'a bad severity',
      detectorText({ severity: 'urgent' }),
      'queries/detectors/t.sql: severity: Invalid option: expected one of "info"|"low"|"medium"|"high"|"critical"',
    ],
    [
      'a bad window',
      detectorText({ window: 'hourly' }),
      'queries/detectors/t.sql: window: expected a window like 15m, 1h, 1d or 4w',
    ],
    [
      'a bad schedule',
      detectorText({ schedule: 'cron(0 25 * * ? *)' }),
      'queries/detectors/t.sql: schedule: cron(0 25 * * ? *): "25" is not a valid hours value (0-23)',
    ],
    [
      'a window shorter than the schedule gap',
      detectorText({ schedule: 'rate(1 day)', window: '1h' }),
      'queries/detectors/t.sql: window: 1h is shorter than the longest gap between scheduled runs (1d), so some events would never be checked',
    ],
    [
      'a parameter of the wrong type',
      detectorText({ params: { limit: { nested: 1 } } }),
      'queries/detectors/t.sql: params.limit: expected a string, number, boolean, or a non-empty list of strings or of numbers',
    ],
    [
      'a parameter that redefines a built-in',
      detectorText({ params: { window_start: 1 } }),
      'queries/detectors/t.sql: params.window_start: is a built-in parameter and cannot be redefined',
    ],
    [
      'an empty body',
      detectorText({}, '-- nothing'),
      'queries/detectors/t.sql: sql: no SELECT after the header',
    ],
    [
      'an unterminated string',
      detectorText({}, "SELECT 'x AS summary"),
      'queries/detectors/t.sql: sql: unterminated string literal at line 10',
    ],
    [
      'invalid YAML',
      '/*\nid: [t\n*/\nSELECT 1',
      'queries/detectors/t.sql: header: is not valid YAML at line 3',
    ],
  ])('rejects %s with one line naming the file and field', (_case, text, message) => {
    expect(parseError(text).message).toBe(message);
  });
});
