import { describe, expect, it } from 'vitest';
import { AuditlakeError } from '../../lambdas/core/errors.ts';
import {
  formatEvaluationMarkdown,
  formatEvaluationText,
  replaceReadmeBlock,
} from '../../lambdas/eval/eval-report.ts';
import { evaluateDetection } from '../../lambdas/eval/metrics.ts';
import type { EvalResult } from '../../lambdas/eval/run-eval.ts';

const result: EvalResult = {
  settings: {
    employees: 100,
    days: 30,
    seed: 7,
    start: '2026-03-07T00:00:00.000Z',
    end: '2026-04-06T00:00:00.000Z',
    detection_from: '2026-03-16T00:00:00.000Z',
    detection_days: 21,
    events: 1234,
    not_evaluated: [],
  },
  evaluation: evaluateDetection({
    scenarios: [
      {
        actor_id: 'emp-1',
        scenario: 'bulk-record-access',
        from: '2026-03-30T09:00:00.000Z',
        to: '2026-03-31T17:00:00.000Z',
        expected: 'flag',
      },
      {
        actor_id: 'emp-2',
        scenario: 'ticketless-browsing',
        from: '2026-03-20T09:00:00.000Z',
        to: '2026-03-27T17:00:00.000Z',
        expected: 'flag',
      },
    ],
    findings: [
      {
        detector_id: 'spike',
        actor_id: 'emp-1',
        window_start: '2026-03-30T00:00:00.000Z',
        window_end: '2026-03-31T00:00:00.000Z',
      },
      {
        detector_id: 'spike',
        actor_id: 'emp-9',
        window_start: '2026-03-30T00:00:00.000Z',
        window_end: '2026-03-31T00:00:00.000Z',
      },
    ],
    detectorIds: ['spike'],
    employees: 100,
    detectionDays: 21,
  }),
  detector_runs: [{ detector_id: 'spike', windows: 21, engine_ms: 900, error: null }],
  problems: [],
  timings_ms: { generate: 1000, ingest: 2000, detect: 3000, total: 6500 },
};

describe('replaceReadmeBlock', () => {
  it('replaces only the text between the markers', () => {
    const readme = '# x\n\n<!-- eval:start -->\nold table\n<!-- eval:end -->\n\n## Next\n';
    expect(replaceReadmeBlock(readme, 'new table')).toBe(
      '# x\n\n<!-- eval:start -->\nnew table\n<!-- eval:end -->\n\n## Next\n',
    );
  });

  it('refuses a README without the markers', () => {
    expect(() => replaceReadmeBlock('# x\n', 'table')).toThrow(AuditlakeError);
  });
});

describe('the evaluation tables', () => {
  it('shows a missed insider and an unmet target in Markdown', () => {
    const markdown = formatEvaluationMarkdown(result, 'npm run eval -- --update-readme');
    expect(markdown).toContain('`npm run eval -- --update-readme`');
    expect(markdown).toContain(
      '| every flag-labelled insider flagged inside their window | 1 of 2 (recall 50 %) | NO |',
    );
    expect(markdown).toContain('| spike | 2 | 1 | 1 | 50 % | 0.48 |');
    expect(markdown).toContain('| ticketless-browsing | flag | emp-2 | MISSED | — | — |');
    expect(markdown).toContain('| spike | emp-9 | not planted | 1 |');
  });

  it('prints aligned text tables with the timings for the terminal', () => {
    const text = formatEvaluationText(result);
    expect(text).toMatch(/^DETECTOR +FINDINGS +TRUE POS\. +FALSE POS\. +PRECISION/m);
    expect(text).toMatch(/^bulk-record-access +flag +emp-1 +caught +spike +15 h$/m);
    expect(text).toContain('Timings: generate 1.0 s, ingest 2.0 s, detect 3.0 s');
  });
});
