import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR } from '../../lambdas/cli/project-paths.ts';
import { DEMO_SCENARIOS, SCENARIOS } from '../../lambdas/demo/scenario.ts';
import { type EvalResult, runEvaluation } from '../../lambdas/eval/run-eval.ts';

/**
 * The evaluation of `npm run eval`, small: 100 employees × 30 days with every detector in
 * queries/detectors, run over the last 7 days (where the demo's three insiders act) to stay
 * well under a minute. It holds the shipped detectors to those three, and the two detectors no
 * other scenario exercises to the directory scenarios written for them (which also act in the
 * last 7 days); the other scenarios are measured by `npm run eval` and reported in the README.
 */
describe('auditlake eval on 100 employees × 30 days, detectors over the last 7', () => {
  let workDir: string;
  let result: EvalResult;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'auditlake-eval-test-'));
    result = await runEvaluation({
      employees: 100,
      days: 30,
      seed: 7,
      end: new Date('2026-04-06T00:00:00Z'),
      detectionDays: 7,
      queriesDir: DEFAULT_QUERIES_DIR,
      rollupsDir: DEFAULT_ROLLUPS_DIR,
      workDir,
    });
  }, 180_000);

  afterAll(() => rm(workDir, { recursive: true, force: true }));

  it('runs every detector without a problem', () => {
    expect(result.problems).toEqual([]);
    expect(result.detector_runs.length).toBeGreaterThan(0);
  });

  it('flags each of the demo’s three insiders inside their window', () => {
    const demo = result.evaluation.scenarios.filter((s) =>
      (DEMO_SCENARIOS as readonly string[]).includes(s.scenario),
    );
    expect(demo.map((s) => [s.scenario, s.flagged])).toEqual(DEMO_SCENARIOS.map((name) => [name, true]));
  });

  it('flags the leaver’s unrevoked token with activity-after-termination and the HR snooper with first-time-sensitive-access', () => {
    const byScenario = (name: string) => result.evaluation.scenarios.find((s) => s.scenario === name);
    expect(byScenario('post-termination-access')?.detectors).toContain('activity-after-termination');
    expect(byScenario('hr-record-snooping')?.detectors).toContain('first-time-sensitive-access');
  });

  it('leaves the leaver who worked through their last local day alone', () => {
    const lastDay = result.evaluation.scenarios.find((s) => s.scenario === 'last-day-leaver');
    expect(lastDay?.flagged).toBe(false);
    const onLeaver = result.evaluation.false_positives.filter((f) => f.scenario === 'last-day-leaver');
    expect(onLeaver).toEqual([]);
  });

  it('scores every planted scenario that reaches into the window, and names the rest', () => {
    const scored = result.evaluation.scenarios.map((s) => s.scenario);
    expect([...scored, ...result.settings.not_evaluated].sort()).toEqual([...SCENARIOS].sort());
    expect(scored).toContain('slow-exfiltration');
  });

  it('has metrics that add up: true plus false positives are the findings, per detector and in total', () => {
    const { detectors, totals, false_positives } = result.evaluation;
    for (const d of detectors) expect(d.true_positives + d.false_positives).toBe(d.findings);
    expect(totals.findings).toBe(detectors.reduce((sum, d) => sum + d.findings, 0));
    expect(totals.true_positives + totals.false_positives).toBe(totals.findings);
    expect(false_positives).toHaveLength(totals.false_positives);
    expect(totals.employee_days).toBe(100 * 7);
  });

  it('removes its temporary lake', async () => {
    expect(await readdir(workDir)).toEqual([]);
  });
});
