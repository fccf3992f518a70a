import { describe, expect, it } from 'vitest';
import {
  type EvaluationInput,
  evaluateDetection,
  type LabelledScenario,
  type ScoredFinding,
} from '../../lambdas/eval/metrics.ts';

const insider: LabelledScenario = {
  actor_id: 'emp-1',
  scenario: 'bulk-record-access',
  from: '2026-03-10T09:30:00.000Z',
  to: '2026-03-11T16:00:00.000Z',
  expected: 'flag',
};
const quietInsider: LabelledScenario = {
  actor_id: 'emp-2',
  scenario: 'ticketless-browsing',
  from: '2026-03-05T09:00:00.000Z',
  to: '2026-03-06T17:00:00.000Z',
  expected: 'flag',
};
const traveller: LabelledScenario = {
  actor_id: 'emp-3',
  scenario: 'timezone-traveller',
  from: '2026-03-02T14:00:00.000Z',
  to: '2026-03-06T22:00:00.000Z',
  expected: 'no-flag',
};

function daily(detector: string, actor: string, day: string): ScoredFinding {
  const start = `${day}T00:00:00.000Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString();
  return { detector_id: detector, actor_id: actor, window_start: start, window_end: end };
}

function hourly(detector: string, actor: string, start: string): ScoredFinding {
  const end = new Date(Date.parse(start) + 3_600_000).toISOString();
  return { detector_id: detector, actor_id: actor, window_start: start, window_end: end };
}

function evaluate(findings: readonly ScoredFinding[], overrides: Partial<EvaluationInput> = {}) {
  return evaluateDetection({
    scenarios: [insider, quietInsider, traveller],
    findings,
    detectorIds: ['spike', 'off-hours'],
    employees: 100,
    detectionDays: 10,
    ...overrides,
  });
}

describe('evaluateDetection', () => {
  it('counts a finding on a flag-labelled insider inside their window as a true positive and the insider as caught', () => {
    const result = evaluate([daily('spike', 'emp-1', '2026-03-10')]);
    expect(result.totals).toMatchObject({ findings: 1, true_positives: 1, false_positives: 0, caught: 1 });
    expect(result.scenarios[0]).toMatchObject({ flagged: true, detectors: ['spike'] });
  });

  it('accepts a finding up to one window after the scenario ends, and not two', () => {
    const dayAfter = evaluate([daily('spike', 'emp-1', '2026-03-12')]);
    const twoDaysAfter = evaluate([daily('spike', 'emp-1', '2026-03-13')]);
    expect(dayAfter.totals.true_positives).toBe(1);
    expect(twoDaysAfter.totals.true_positives).toBe(0);
    expect(twoDaysAfter.false_positives).toEqual([
      {
        detector_id: 'spike',
        actor_id: 'emp-1',
        window_start: '2026-03-13T00:00:00.000Z',
        reason: 'outside scenario window',
        scenario: 'bulk-record-access',
        summary: null,
      },
    ]);
  });

  it('widens the window by the finding’s own length: an hourly finding a day early is false', () => {
    const result = evaluate([hourly('off-hours', 'emp-1', '2026-03-09T08:00:00.000Z')]);
    expect(result.totals.false_positives).toBe(1);
    expect(result.scenarios[0]?.flagged).toBe(false);
  });

  it('counts a finding on a no-flag look-alike as a false positive and reports the look-alike as flagged', () => {
    const result = evaluate([hourly('off-hours', 'emp-3', '2026-03-03T20:00:00.000Z')]);
    expect(result.totals).toMatchObject({ true_positives: 0, false_positives: 1 });
    expect(result.false_positives[0]).toMatchObject({ reason: 'look-alike', scenario: 'timezone-traveller' });
    expect(result.scenarios[2]).toMatchObject({
      expected: 'no-flag',
      flagged: true,
      detectors: ['off-hours'],
    });
  });

  it('counts a finding on someone nobody planted as a false positive', () => {
    const result = evaluate([daily('spike', 'emp-99', '2026-03-10')]);
    expect(result.false_positives[0]).toMatchObject({ reason: 'not planted', scenario: null });
  });

  it('computes recall over flag-labelled scenarios only', () => {
    const result = evaluate([daily('spike', 'emp-1', '2026-03-10')]);
    expect(result.totals).toMatchObject({ flag_scenarios: 2, caught: 1, recall: 0.5 });
  });

  it('computes false alerts per 1,000 employee-days overall and per detector', () => {
    const result = evaluate([
      daily('spike', 'emp-98', '2026-03-10'),
      daily('spike', 'emp-99', '2026-03-10'),
      hourly('off-hours', 'emp-3', '2026-03-03T20:00:00.000Z'),
    ]);
    // 100 employees × 10 days = 1,000 employee-days.
    expect(result.totals.employee_days).toBe(1000);
    expect(result.totals.false_alerts_per_1000_employee_days).toBe(3);
    expect(result.detectors.map((d) => [d.detector_id, d.false_alerts_per_1000_employee_days])).toEqual([
      ['spike', 2],
      ['off-hours', 1],
    ]);
  });

  it('gives every detector that ran a row, with no precision when it found nothing', () => {
    const result = evaluate([daily('spike', 'emp-1', '2026-03-10')]);
    expect(result.detectors).toEqual([
      {
        detector_id: 'spike',
        findings: 1,
        true_positives: 1,
        false_positives: 0,
        precision: 1,
        false_alerts_per_1000_employee_days: 0,
      },
      {
        detector_id: 'off-hours',
        findings: 0,
        true_positives: 0,
        false_positives: 0,
        precision: null,
        false_alerts_per_1000_employee_days: 0,
      },
    ]);
  });

  it('reports the time to first detection from the first planted event to the earliest window end', () => {
    const result = evaluate([
      daily('spike', 'emp-1', '2026-03-11'),
      hourly('off-hours', 'emp-1', '2026-03-10T12:00:00.000Z'),
    ]);
    expect(result.scenarios[0]).toMatchObject({
      detectors: ['off-hours', 'spike'],
      first_detection: '2026-03-10T13:00:00.000Z',
      hours_to_detection: 3.5,
    });
  });

  it('leaves a missed insider unflagged with no detection time', () => {
    const result = evaluate([]);
    expect(result.scenarios[1]).toMatchObject({
      flagged: false,
      detectors: [],
      first_detection: null,
      hours_to_detection: null,
    });
    expect(result.totals).toMatchObject({ findings: 0, precision: null, recall: 0 });
  });
});
