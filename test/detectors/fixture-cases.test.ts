/**
 * Every fixture case under queries/tests/ as its own test: detector behaviour is specified there,
 * in YAML, and `auditlake test` runs the same cases through the same library.
 */
import { describe, expect, it } from 'vitest';
import { loadDetectorCatalog } from '../../lambdas/core/detector-catalog.ts';
import { caseCoverage, insufficientCoverage } from '../../lambdas/fixtures/case-coverage.ts';
import {
  type CaseContext,
  DEFAULT_CASE_CONCURRENCY,
  describeCaseFailure,
  runFixtureCase,
} from '../../lambdas/fixtures/case-runner.ts';
import { createLimiter } from '../../lambdas/fixtures/concurrency-limit.ts';
import { loadFixtureCases } from '../../lambdas/fixtures/detector-tests.ts';
import { CASES_DIR, DETECTORS_DIR, ROLLUPS_DIR } from '../support/fixture-lake.ts';

const catalog = await loadDetectorCatalog(DETECTORS_DIR);
const { cases, errors } = await loadFixtureCases(CASES_DIR);
const context: CaseContext = { catalog, rollupsDir: ROLLUPS_DIR };
// Each case opens its own one-thread DuckDB; at most two at a time, as `auditlake test` runs them.
const limit = createLimiter(DEFAULT_CASE_CONCURRENCY);

describe('detector fixture cases', () => {
  for (const fixtureCase of cases) {
    // Concurrent tests assert through their own `expect`.
    it.concurrent(`${fixtureCase.detectorId}: ${fixtureCase.description}`, async ({ expect }) => {
      const result = await limit(() => runFixtureCase(fixtureCase, context));
      if (!result.passed) expect.fail(describeCaseFailure(result).join('\n'));
    });
  }

  it('has only valid case files', () => {
    expect(errors.map((error) => error.message)).toEqual([]);
  });

  it('gives every stable detector at least 3 cases that must fire and 3 that must not', () => {
    expect(insufficientCoverage(caseCoverage(catalog.detectors, cases))).toEqual([]);
  });
});
