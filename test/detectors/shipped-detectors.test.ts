import { describe, expect, it } from 'vitest';
import { loadDetectorCatalog } from '../../lambdas/core/detector-catalog.ts';
import { formatLintIssue, lintDetector } from '../../lambdas/lint/detector-lint.ts';
import { DETECTORS_DIR } from '../support/fixture-lake.ts';

const catalog = await loadDetectorCatalog(DETECTORS_DIR);

describe('the shipped detectors', () => {
  it('all parse', () => {
    expect(catalog.errors.map((error) => error.message)).toEqual([]);
    expect(catalog.detectors.map((d) => d.id)).toEqual(['off-hours-export', 'record-access-spike']);
  });

  it.each(catalog.detectors.map((d) => [d.id, d] as const))(
    '%s passes lint without warnings',
    (_id, detector) => {
      expect(lintDetector(detector).map(formatLintIssue)).toEqual([]);
    },
  );

  it.each(catalog.detectors.map((d) => [d.id, d] as const))(
    '%s has a runbook with an investigation query',
    (_id, detector) => {
      expect(detector.runbook).toMatch(/SELECT .+ FROM audit_events/s);
      expect(detector.runbook).toMatch(/false positives/i);
    },
  );
});
