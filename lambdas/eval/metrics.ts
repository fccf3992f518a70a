/**
 * Detection quality from findings and labelled ground truth. Pure: no files, no engine.
 *
 * A finding is a true positive when its actor is a `flag`-labelled scenario's actor and its
 * window overlaps the scenario's span widened by one window on each side (a daily detector may
 * fire on the day after a baseline catches up; an hourly one an hour either side). Every other
 * finding is a false positive: on someone nobody planted, on a `no-flag` look-alike, or on an
 * insider outside their scenario. An insider is caught when at least one true positive names them.
 */
import type { Finding } from '../core/finding.ts';

export type Expected = 'flag' | 'no-flag';

export interface LabelledScenario {
  readonly actor_id: string;
  readonly scenario: string;
  /** First and last planted event, ISO-8601. */
  readonly from: string;
  readonly to: string;
  readonly expected: Expected;
}

export type ScoredFinding = Pick<Finding, 'detector_id' | 'actor_id' | 'window_start' | 'window_end'> &
  Partial<Pick<Finding, 'summary'>>;

export interface EvaluationInput {
  readonly scenarios: readonly LabelledScenario[];
  readonly findings: readonly ScoredFinding[];
  /** Every detector that ran, so one without findings still gets a row. */
  readonly detectorIds: readonly string[];
  /** People in the directory and days the detectors covered: the exposure false alerts are counted against. */
  readonly employees: number;
  readonly detectionDays: number;
}

export interface DetectorScore {
  readonly detector_id: string;
  readonly findings: number;
  readonly true_positives: number;
  readonly false_positives: number;
  /** True positives over findings; null without findings. */
  readonly precision: number | null;
  readonly false_alerts_per_1000_employee_days: number;
}

export interface ScenarioScore {
  readonly actor_id: string;
  readonly scenario: string;
  readonly expected: Expected;
  readonly from: string;
  readonly to: string;
  /** A finding on the actor overlapped the scenario's span (± one window). */
  readonly flagged: boolean;
  /** Detectors with such a finding, in order of their first one. */
  readonly detectors: readonly string[];
  /** Window end of the earliest such finding: when a scheduled run could have raised it. */
  readonly first_detection: string | null;
  /**
   * For `flag` scenarios: from the first planted event to `first_detection`, in hours (0 if the
   * window closed before it). Null for look-alikes, whose span may start weeks before the window.
   */
  readonly hours_to_detection: number | null;
}

export type FalsePositiveReason = 'not planted' | 'look-alike' | 'outside scenario window';

export interface FalsePositive {
  readonly detector_id: string;
  readonly actor_id: string;
  readonly window_start: string;
  readonly reason: FalsePositiveReason;
  /** The actor's scenario, for look-alikes and insiders flagged outside their window. */
  readonly scenario: string | null;
  /** The finding's own summary, so a detector author sees what fired. */
  readonly summary: string | null;
}

export interface EvaluationTotals {
  readonly findings: number;
  readonly true_positives: number;
  readonly false_positives: number;
  readonly precision: number | null;
  readonly flag_scenarios: number;
  readonly caught: number;
  /** Caught over flag-labelled scenarios; null when none is labelled flag. */
  readonly recall: number | null;
  readonly employee_days: number;
  readonly false_alerts_per_1000_employee_days: number;
}

export interface Evaluation {
  readonly totals: EvaluationTotals;
  readonly detectors: readonly DetectorScore[];
  readonly scenarios: readonly ScenarioScore[];
  readonly false_positives: readonly FalsePositive[];
}

const HOUR_MS = 3_600_000;

/** True if the finding's window overlaps [from − window, to + window], the window being the finding's own. */
export function overlapsScenario(finding: ScoredFinding, scenario: LabelledScenario): boolean {
  const start = Date.parse(finding.window_start);
  const end = Date.parse(finding.window_end);
  const slack = end - start;
  return start <= Date.parse(scenario.to) + slack && end > Date.parse(scenario.from) - slack;
}

export function evaluateDetection(input: EvaluationInput): Evaluation {
  const byActor = new Map<string, LabelledScenario[]>();
  for (const scenario of input.scenarios) {
    byActor.set(scenario.actor_id, [...(byActor.get(scenario.actor_id) ?? []), scenario]);
  }
  const ordered = [...input.findings].sort(
    (a, b) => a.window_end.localeCompare(b.window_end) || a.detector_id.localeCompare(b.detector_id),
  );
  const employeeDays = input.employees * input.detectionDays;
  const perThousand = (falsePositives: number) =>
    employeeDays > 0 ? (falsePositives / employeeDays) * 1000 : 0;

  const truePositives = new Set<ScoredFinding>();
  const falsePositives: FalsePositive[] = [];
  for (const finding of ordered) {
    const scenarios = byActor.get(finding.actor_id) ?? [];
    const hit = scenarios.find((s) => s.expected === 'flag' && overlapsScenario(finding, s));
    if (hit) {
      truePositives.add(finding);
      continue;
    }
    const lookAlike = scenarios.find((s) => s.expected === 'no-flag');
    falsePositives.push({
      detector_id: finding.detector_id,
      actor_id: finding.actor_id,
      window_start: finding.window_start,
      reason: lookAlike ? 'look-alike' : scenarios.length > 0 ? 'outside scenario window' : 'not planted',
      scenario: (lookAlike ?? scenarios[0])?.scenario ?? null,
      summary: finding.summary ?? null,
    });
  }

  const detectorIds = [...new Set([...input.detectorIds, ...ordered.map((f) => f.detector_id)])];
  const detectors = detectorIds.map((id): DetectorScore => {
    const mine = ordered.filter((f) => f.detector_id === id);
    const tp = mine.filter((f) => truePositives.has(f)).length;
    const fp = mine.length - tp;
    return {
      detector_id: id,
      findings: mine.length,
      true_positives: tp,
      false_positives: fp,
      precision: mine.length > 0 ? tp / mine.length : null,
      false_alerts_per_1000_employee_days: perThousand(fp),
    };
  });

  const scenarios = input.scenarios.map((scenario): ScenarioScore => {
    const hits = ordered.filter((f) => f.actor_id === scenario.actor_id && overlapsScenario(f, scenario));
    const first = hits[0];
    return {
      actor_id: scenario.actor_id,
      scenario: scenario.scenario,
      expected: scenario.expected,
      from: scenario.from,
      to: scenario.to,
      flagged: first !== undefined,
      detectors: [...new Set(hits.map((f) => f.detector_id))],
      first_detection: first?.window_end ?? null,
      hours_to_detection:
        first && scenario.expected === 'flag'
          ? Math.max(0, Date.parse(first.window_end) - Date.parse(scenario.from)) / HOUR_MS
          : null,
    };
  });

  const flagScenarios = scenarios.filter((s) => s.expected === 'flag');
  const caught = flagScenarios.filter((s) => s.flagged).length;
  return {
    totals: {
      findings: ordered.length,
      true_positives: truePositives.size,
      false_positives: falsePositives.length,
      precision: ordered.length > 0 ? truePositives.size / ordered.length : null,
      flag_scenarios: flagScenarios.length,
      caught,
      recall: flagScenarios.length > 0 ? caught / flagScenarios.length : null,
      employee_days: employeeDays,
      false_alerts_per_1000_employee_days: perThousand(falsePositives.length),
    },
    detectors,
    scenarios,
    false_positives: falsePositives,
  };
}
