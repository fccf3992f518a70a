import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { BUNDLED_DETECTORS_DIR, loadDetectorConfig } from '../../lambdas/handlers/detector-config.ts';
import { parseDetectorEvent } from '../../lambdas/handlers/detector-event.ts';
import { TEST_ENV } from './detector-setup.ts';

const REQUIRED = {
  ATHENA_WORKGROUP: 'auditlake',
  ATHENA_DATABASE: 'auditlake_lake',
  STATE_TABLE_NAME: 'auditlake-state',
  FINDINGS_TOPIC_ARN: TEST_ENV.FINDINGS_TOPIC_ARN ?? '',
  FINDINGS_BUCKET: 'auditlake-findings',
};

describe('loadDetectorConfig', () => {
  it('fills every optional setting with its default', () => {
    const config = loadDetectorConfig(REQUIRED);
    expect(config).toEqual({
      athena: {
        workGroup: 'auditlake',
        database: 'auditlake_lake',
        outputLocation: undefined,
        maxRows: 10_000,
        safetyMarginMs: 30_000,
      },
      state: { tableName: 'auditlake-state', dedupTableName: undefined },
      findings: {
        topicArn: REQUIRED.FINDINGS_TOPIC_ARN,
        bucket: 'auditlake-findings',
        prefix: '',
        kmsKeyId: undefined,
        maxPerWindow: 25,
      },
      detectorsDir: BUNDLED_DETECTORS_DIR,
      rollups: undefined,
      lateDelayMs: 15 * 60_000,
      initialBackfillMs: 86_400_000,
      maxWindowsPerRun: 24,
      region: undefined,
    });
    expect(BUNDLED_DETECTORS_DIR).toMatch(/queries[\\/]detectors$/);
  });

  it('reads durations, numbers and the rollup location', () => {
    const config = loadDetectorConfig({
      ...REQUIRED,
      LATE_DATA_DELAY: '30m',
      MAX_WINDOWS_PER_RUN: '6',
      QUERY_SAFETY_MARGIN_SECONDS: '45',
      LAKE_BUCKET: 'auditlake-lake',
    });
    expect(config).toMatchObject({
      lateDelayMs: 30 * 60_000,
      maxWindowsPerRun: 6,
      athena: { safetyMarginMs: 45_000 },
      rollups: { bucket: 'auditlake-lake', prefix: 'rollups/' },
    });
  });

  it('names every missing or invalid variable in one error, treating empty values as unset', () => {
    const read = () =>
      loadDetectorConfig({
        ...REQUIRED,
        ATHENA_WORKGROUP: '',
        FINDINGS_BUCKET: undefined as unknown as string,
        MAX_WINDOWS_PER_RUN: 'many',
        LATE_DATA_DELAY: '15 minutes',
      });
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(
      'environment variable ATHENA_WORKGROUP is not set; ' +
        'environment variable FINDINGS_BUCKET is not set; ' +
        'environment variable LATE_DATA_DELAY is invalid: expected a duration like 15m, 1h or 1d; ' +
        'environment variable MAX_WINDOWS_PER_RUN is invalid: expected a whole number',
    );
  });

  it('rejects a findings topic that is not an SNS topic ARN at the first invocation, not the first finding', () => {
    expect(() =>
      loadDetectorConfig({ ...REQUIRED, FINDINGS_TOPIC_ARN: 'arn:aws:sqs:eu-central-1:123456789012:q' }),
    ).toThrow('environment variable FINDINGS_TOPIC_ARN is invalid: expected an SNS topic ARN');
  });

  it('rejects a findings prefix without its trailing slash', () => {
    expect(() => loadDetectorConfig({ ...REQUIRED, FINDINGS_PREFIX: 'audit' })).toThrow(
      "environment variable FINDINGS_PREFIX is invalid: expected a prefix ending in '/'",
    );
  });
});

describe('parseDetectorEvent', () => {
  it('reads a scheduled run', () => {
    expect(parseDetectorEvent({ detector: 'off-hours-export' })).toEqual({ detector: 'off-hours-export' });
  });

  it('reads a backfill range', () => {
    expect(
      parseDetectorEvent({
        detector: 'off-hours-export',
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-02T00:00:00+01:00',
      }),
    ).toEqual({
      detector: 'off-hours-export',
      backfill: { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T23:00:00Z') },
    });
  });

  it.each([
    [{}, 'detector: is required'],
    [{ detector: 'Off Hours' }, 'detector: expected a detector id like off-hours-export'],
    [{ detector: 'a', from: '2026-01-01T00:00:00Z' }, 'to: a backfill needs both from and to'],
    [
      { detector: 'a', from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' },
      'from: from must be before to',
    ],
    [{ detector: 'a', from: 'yesterday', to: '2026-01-01T00:00:00Z' }, 'from: expected an ISO-8601 time'],
    [{ detector: 'a', form: '2026-01-01T00:00:00Z' }, 'event: unknown field(s) form'],
    ['off-hours-export', 'event: '],
  ])('rejects %j', (event, problem) => {
    expect(() => parseDetectorEvent(event)).toThrow(`invalid detector event: ${problem}`);
  });
});
