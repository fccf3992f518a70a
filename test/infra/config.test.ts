import { describe, expect, it } from 'vitest';
import { parseAuditlakeConfig } from '../../infra/config/auditlake-config.ts';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { CDK_CONTEXT } from './support/infra-app.ts';

const fromContext = (value: unknown) => [{ name: 'context "auditlake"', value }];

function problemsOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('auditlake config', () => {
  it('fills every key with its secure default when nothing is given', () => {
    const config = parseAuditlakeConfig([]);

    expect(config).toMatchObject({
      stackPrefix: 'Auditlake',
      stage: 'production',
      removalPolicy: 'retain',
      alertEmails: [],
      lake: { retentionDays: 400, objectLock: { mode: 'GOVERNANCE', days: 365 } },
      athena: { bytesScannedCutoffPerQuery: 10_000_000_000 },
      detection: { lateDataDelay: '15m', maxFindingsPerWindow: 25 },
    });
    expect(config.ticketing).toBeUndefined();
  });

  it('accepts the config checked into cdk.json', () => {
    expect(() => parseAuditlakeConfig(fromContext(CDK_CONTEXT.auditlake))).not.toThrow();
  });

  it('lets the config file override context key by key', () => {
    const config = parseAuditlakeConfig([
      { name: 'context', value: { lake: { retentionDays: 800, objectLock: { days: 30 } } } },
      { name: 'prod.json', value: { lake: { objectLock: { mode: 'COMPLIANCE' } } } },
    ]);

    expect(config.lake.retentionDays).toBe(800);
    expect(config.lake.objectLock).toEqual({ mode: 'COMPLIANCE', days: 30 });
  });

  it('names the bad key, the source it came from and what was expected', () => {
    const message = problemsOf(() =>
      parseAuditlakeConfig([
        { name: 'context', value: {} },
        { name: 'prod.json', value: { lake: { objectLock: { mode: 'STRICT' } } } },
      ]),
    );

    expect(message).toContain('lake.objectLock.mode (from prod.json): expected GOVERNANCE or COMPLIANCE');
  });

  it('reports every bad key at once', () => {
    const message = problemsOf(() =>
      parseAuditlakeConfig(
        fromContext({
          alertEmails: [{ address: 'not-an-email', minSeverity: 'urgent' }],
          athena: { bytesScannedCutoffPerQuery: 1000 },
          detection: { lateDataDelay: 'soon' },
          colour: 'blue',
        }),
      ),
    );

    expect(message).toContain('alertEmails.0.address');
    expect(message).toContain('alertEmails.0.minSeverity');
    expect(message).toContain('athena.bytesScannedCutoffPerQuery');
    expect(message).toContain('detection.lateDataDelay');
    expect(message).toContain('unknown key(s) colour');
  });

  it('requires the provider settings of the chosen ticketing provider', () => {
    const message = problemsOf(() =>
      parseAuditlakeConfig(fromContext({ ticketing: { provider: 'jira', secretName: 'auditlake/jira' } })),
    );

    expect(message).toContain('ticketing.jira');
  });

  it('refuses a destroy removal policy for production', () => {
    const message = problemsOf(() => parseAuditlakeConfig(fromContext({ removalPolicy: 'destroy' })));

    expect(message).toContain('removalPolicy: "destroy" is for non-production only');
  });

  it('reports keys that contradict each other together', () => {
    const message = problemsOf(() =>
      parseAuditlakeConfig(
        fromContext({
          lake: {
            retentionDays: 100,
            objectLock: { days: 200 },
            infrequentAccessAfterDays: 60,
            instantRetrievalAfterDays: 70,
          },
          ingestion: { bufferSeconds: 900 },
          detection: { lateDataDelay: '10m' },
        }),
      ),
    );

    expect(message).toContain('lake.objectLock.days (200) must not exceed lake.retentionDays (100)');
    expect(message).toContain('lake.instantRetrievalAfterDays (70) must be at least 30 more');
    expect(message).toContain(
      'detection.lateDataDelay (10m) must be longer than ingestion.bufferSeconds (900s)',
    );
  });

  it('refuses a non-object source with its name', () => {
    const message = problemsOf(() => parseAuditlakeConfig(fromContext('{not json')));

    expect(message).toContain('context "auditlake": expected a JSON object');
  });
});
