import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { type CaseContext, describeCaseFailure, runFixtureCase } from '../../lambdas/fixtures/case-runner.ts';
import { parseFixtureCase } from '../../lambdas/fixtures/fixture-case.ts';
import { ROLLUPS_DIR } from '../support/fixture-lake.ts';

// A detector written for these tests, so they do not move when a shipped detector changes.
const detector = parseDetector(
  'detectors/bulk-exports.sql',
  `/*
id: bulk-exports
title: Bulk exports
description: Exports of at least min_records records in the hour.
severity: high
schedule: rate(1 hour)
window: 1h
params: { min_records: 100 }
runbook: Look at it.
*/
SELECT actor_id, 'exported ' || CAST(sum(record_count) AS varchar) || ' records' AS summary,
  CASE WHEN sum(record_count) >= 10000 THEN 'critical' ELSE 'high' END AS severity,
  sum(record_count) AS records
FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt
  AND event_time >= :window_start AND event_time < :window_end
  AND action = 'export'
GROUP BY actor_id
HAVING sum(record_count) >= :min_records
`,
);
const context: CaseContext = { catalog: { detectors: [detector], errors: [] }, rollupsDir: ROLLUPS_DIR };
const FILE = 'cases/bulk-exports/case.yaml';

/** Runs a case of bulk-exports in which emp-b exports 5000 records, with `extra` YAML appended. */
async function run(extra: string) {
  const text = `description: a case
run: { from: 2026-03-17T02:00:00Z, to: 2026-03-17T03:00:00Z }
events:
  - { actor_id: emp-b, at: run.from+10m, action: export, record_count: 5000 }
${extra}`;
  return runFixtureCase(parseFixtureCase(FILE, text), context);
}

describe('running a fixture case', () => {
  it('passes when the findings are exactly the expected ones', async () => {
    const result = await run(
      'expect: { findings: [{ actor_id: emp-b, severity: high, evidence: { records: 5000 } }] }',
    );
    expect(result).toMatchObject({ passed: true, differences: [] });
    expect(result.findings.map((f) => f.actor_id)).toEqual(['emp-b']);
  });

  it('names an expected actor that was not flagged', async () => {
    const result = await run(
      'expect: { findings: [{ actor_id: emp-b }, { actor_id: emp-x, severity: high }] }',
    );
    expect(result.passed).toBe(false);
    expect(describeCaseFailure(result)).toEqual([
      FILE,
      'findings (- expected but missing, + produced but not expected, ~ different):',
      '- emp-x  high  (expected, not found)',
    ]);
  });

  it('names a flagged actor that no finding expected, with its severity, summary and evidence', async () => {
    const result = await run('expect: {}');
    expect(describeCaseFailure(result).slice(2)).toEqual([
      '+ emp-b  high  "exported 5000 records"  evidence { records: 5000 }  (not expected)',
    ]);
  });

  it('says when a flagged actor was listed as absent', async () => {
    const result = await run('expect: { absent: [emp-b] }');
    expect(describeCaseFailure(result).slice(2)).toEqual([
      '+ emp-b  high  "exported 5000 records"  evidence { records: 5000 }  (listed in expect.absent)',
    ]);
  });

  it('lists each field of a finding that differs from the expected one', async () => {
    const result = await run(
      'expect: { findings: [{ actor_id: emp-b, severity: critical, summary: "/^exported \\\\d+ rows$/", evidence: { records: 20000 } }] }',
    );
    expect(describeCaseFailure(result).slice(2)).toEqual([
      '~ emp-b  severity: expected critical, got high',
      '         summary: expected to match /^exported \\d+ rows$/, got "exported 5000 records"',
      '         evidence.records: expected 20000, got 5000',
    ]);
  });

  it('applies parameter overrides from the case', async () => {
    const result = await run('params: { min_records: 10000 }\nexpect: { absent: [emp-b] }');
    expect(result.passed).toBe(true);
  });

  it('fails with one line naming a parameter the detector does not have', async () => {
    const result = await run('params: { max_records: 10 }\nexpect: {}');
    expect(result.error).toBe(
      `${FILE}: params.max_records: bulk-exports has no such parameter (it has: min_records)`,
    );
  });

  it('fails with the ingest reason when an event is quarantined', async () => {
    const result = await run('  - { actor_id: emp-c, at: 1999-12-31T00:00:00Z, action: read }\nexpect: {}');
    expect(result.error).toBe(
      `${FILE}: events[1]: quarantined by ingest: event_time is before 2000-01-01 (got "1999-12-31T00:00:00.000Z")`,
    );
  });

  it('fails a case whose range holds no complete window, rather than passing it vacuously', async () => {
    const text = `description: a case
run: { from: 2026-03-17T02:30:00Z, to: 2026-03-17T03:15:00Z }
expect: {}`;
    const result = await runFixtureCase(parseFixtureCase(FILE, text), context);
    expect(result.error).toBe(
      `${FILE}: run: no complete 1h window of bulk-exports (rate(1 hour)) lies inside 2026-03-17T02:30:00.000Z .. 2026-03-17T03:15:00.000Z`,
    );
  });

  it('fails a case whose detector does not exist, listing the known ones', async () => {
    const text =
      'description: a case\ndetector: no-such-thing\nrun: { from: 2026-03-17T02:00:00Z, to: run.from+1h }\nexpect: {}';
    const result = await runFixtureCase(parseFixtureCase(FILE, text), context);
    expect(result.error).toBe(`${FILE}: detector: no detector no-such-thing (known: bulk-exports)`);
  });
});
