import { describe, expect, it } from 'vitest';
import { loadDetectorCatalog } from '../../lambdas/core/detector-catalog.ts';
import { loadRollupCatalog, rollupAsDetector } from '../../lambdas/core/rollup.ts';
import { formatLintIssue, lintDetector } from '../../lambdas/lint/detector-lint.ts';
import { DETECTORS_DIR, ROLLUPS_DIR } from '../support/fixture-lake.ts';

const catalog = await loadDetectorCatalog(DETECTORS_DIR);
const rollups = await loadRollupCatalog(ROLLUPS_DIR);

describe('the shipped detectors', () => {
  it('all parse', () => {
    expect(catalog.errors.map((error) => error.message)).toEqual([]);
    expect(catalog.detectors.map((d) => d.id)).toEqual([
      'access-without-justification',
      'activity-after-termination',
      'audit-lake-tampering',
      'bulk-export-volume',
      'departing-employee',
      'first-time-sensitive-access',
      'new-after-hours-login',
      'off-hours-export',
      'peer-group-outlier',
      'record-access-spike',
    ]);
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

describe('the shipped rollups', () => {
  it('all parse', () => {
    expect(rollups.errors.map((error) => error.message)).toEqual([]);
  });

  it.each(rollups.rollups.map((r) => [r.id, r] as const))(
    '%s passes lint without warnings',
    (_id, rollup) => {
      expect(lintDetector(rollupAsDetector(rollup)).map(formatLintIssue)).toEqual([]);
    },
  );

  it('cover every rollup a detector names', () => {
    const ids = new Set(rollups.rollups.map((r) => r.id));
    const missing = catalog.detectors.flatMap((d) =>
      d.rollups.filter((id) => !ids.has(id)).map((id) => `${d.id} → ${id}`),
    );
    expect(missing).toEqual([]);
  });
});
