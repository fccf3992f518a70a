import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { paramsForWindow } from '../../lambdas/core/detector-params.ts';
import { renderSql } from '../../lambdas/core/sql-params.ts';
import {
  formatLintIssue,
  LINT_RULES,
  type LintIssue,
  lintDetector,
  lintDetectorWith,
} from '../../lambdas/lint/detector-lint.ts';
import { DetectorSql, sampleWindow } from '../../lambdas/lint/detector-sql.ts';
import { detectorWith, FILE, FIRST_SQL_LINE, lint, SCAN, TEST_PORTABLE_FUNCTIONS } from './lint-fixture.ts';

/** The example from the brief: a complete, compliant detector file. */
const EXAMPLE = `/*
id: t
title: Test
description: A test detector.
severity: high
schedule: rate(1 hour)
window: 1h
lookback: 28d
params:
  min_records: 100
runbook: Check it.
*/
SELECT actor_id, 'x' AS summary FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt AND record_count >= :min_records GROUP BY actor_id
`;

describe('lintDetector', () => {
  it('finds nothing wrong with a compliant detector, using the compatibility layer’s portable set', () => {
    expect(lintDetector(parseDetector(FILE, EXAMPLE))).toEqual([]);
  });

  it('reports the file line, counting the header, not the line within the SQL', () => {
    const text = EXAMPLE.replace(
      'GROUP BY actor_id',
      'AND event_time < current_timestamp\nGROUP BY actor_id\n-- a comment with current_timestamp\nHAVING max(event_time) < now()',
    );

    const issues = lintDetector(parseDetector(FILE, text));

    expect(issues.map((issue) => [issue.rule, issue.line])).toEqual([
      ['no-wall-clock', 13],
      ['no-wall-clock', 16],
    ]);
  });

  it('keeps lines and quotes right after text outside the Basic Multilingual Plane', () => {
    const sql = `SELECT actor_id, '🚨🚨' AS summary,\n  7/2 AS x ${SCAN}`;

    const issues = lint(sql);

    expect(issues).toMatchObject([{ rule: 'integer-division', line: FIRST_SQL_LINE + 1 }]);
    expect(issues[0]?.message).toMatch(/^7\/2 divides two integers/);
  });

  it('starts fixture SQL on the line the fixture helper promises', () => {
    expect(detectorWith('SELECT 1').sqlLine + 1).toBe(FIRST_SQL_LINE);
  });

  it('lists issues by line, issues without a line first', () => {
    const sql = `SELECT actor_id,\n  7/2 AS x,\n  now() AS y\nFROM audit_events`;

    const issues = lint(sql, { params: { unused: 1 } });

    expect(issues.map((issue) => issue.rule)).toEqual([
      'unused-param',
      'integer-division',
      'no-wall-clock',
      'partition-filter',
    ]);
  });

  it('reports an unterminated string as a syntax error on its line', () => {
    const detector = { ...detectorWith(`SELECT actor_id ${SCAN}`), sql: "\nSELECT actor_id,\n  'oops" };

    const issues = lintDetectorWith(detector, { portableFunctions: TEST_PORTABLE_FUNCTIONS });

    expect(issues).toEqual([
      expect.objectContaining({ rule: 'trino-syntax', line: FIRST_SQL_LINE + 1, severity: 'error' }),
    ]);
    expect(issues[0]?.message).toContain('unterminated string literal');
  });

  it('renders parameters exactly as a run does', () => {
    const detector = detectorWith(`SELECT actor_id ${SCAN} AND x IN (:kinds) AND n > :min_ratio`, {
      params: { kinds: ['a', "it's"], min_ratio: 1.5 },
    });

    const prepared = DetectorSql.prepare(detector, TEST_PORTABLE_FUNCTIONS);

    expect(prepared.rendered).toBe(
      renderSql(detector.sql, paramsForWindow(detector, sampleWindow(detector))).sql,
    );
  });
});

describe('the rule set', () => {
  it('names each rule after its file in lambdas/lint/rules, once', () => {
    const files = readdirSync(new URL('../../lambdas/lint/rules/', import.meta.url))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => name.replace(/\.ts$/, ''));

    expect(LINT_RULES.map((rule) => rule.id).sort()).toEqual(files.sort());
  });
});

describe('formatLintIssue', () => {
  const issue: LintIssue = {
    file: 'queries/detectors/x.sql',
    line: 12,
    rule: 'no-wall-clock',
    severity: 'error',
    message: 'now() reads the wall clock',
  };

  it('writes file:line: severity [rule] message', () => {
    expect(formatLintIssue(issue)).toBe(
      'queries/detectors/x.sql:12: error [no-wall-clock] now() reads the wall clock',
    );
  });

  it('leaves out the line when the issue has none', () => {
    expect(formatLintIssue({ ...issue, line: undefined, severity: 'warning' })).toBe(
      'queries/detectors/x.sql: warning [no-wall-clock] now() reads the wall clock',
    );
  });
});
