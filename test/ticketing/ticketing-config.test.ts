import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { loadTicketingConfig } from '../../lambdas/handlers/ticketing-config.ts';

const base = { TICKETING_SECRET_ID: 'auditlake/ticketing', IDEMPOTENCY_TABLE_NAME: 'auditlake-idempotency' };

describe('loadTicketingConfig', () => {
  it('reads a Jira configuration with its defaults', () => {
    const config = loadTicketingConfig({
      ...base,
      TICKETING_PROVIDER: 'jira',
      JIRA_BASE_URL: 'https://example.atlassian.net',
      JIRA_PROJECT_KEY: 'SEC',
    });
    expect(config).toEqual({
      provider: 'jira',
      secretId: 'auditlake/ticketing',
      secretMaxAgeSeconds: 300,
      idempotencyTable: 'auditlake-idempotency',
      idempotencyExpiresSeconds: 30 * 86_400,
      http: { attempts: 3, timeoutMs: 10_000, backoffMs: 500, maxDelayMs: 10_000 },
      jira: {
        baseUrl: 'https://example.atlassian.net',
        projectKey: 'SEC',
        issueType: 'Task',
        setPriority: true,
      },
    });
  });

  it('reads a ServiceNow configuration with an assignment group and the console region', () => {
    const config = loadTicketingConfig({
      ...base,
      TICKETING_PROVIDER: 'servicenow',
      SERVICENOW_INSTANCE_URL: 'https://example.service-now.com',
      SERVICENOW_ASSIGNMENT_GROUP: 'Security Operations',
      AWS_REGION: 'eu-west-1',
      TICKETING_SECRET_MAX_AGE_SECONDS: '60',
    });
    expect(config).toMatchObject({
      provider: 'servicenow',
      secretMaxAgeSeconds: 60,
      consoleRegion: 'eu-west-1',
      servicenow: { instanceUrl: 'https://example.service-now.com', assignmentGroup: 'Security Operations' },
    });
  });

  it('needs nothing more for a webhook: URL and signing secret are in the secret', () => {
    expect(loadTicketingConfig({ ...base, TICKETING_PROVIDER: 'webhook' }).provider).toBe('webhook');
  });

  it('names every missing or bad variable in one error', () => {
    const load = () =>
      loadTicketingConfig({
        TICKETING_PROVIDER: 'jira',
        JIRA_BASE_URL: 'example',
        TICKETING_HTTP_ATTEMPTS: '0',
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/TICKETING_SECRET_ID is not set/);
    expect(load).toThrow(/IDEMPOTENCY_TABLE_NAME is not set/);
    expect(load).toThrow(/JIRA_BASE_URL is invalid/);
    expect(load).toThrow(/JIRA_PROJECT_KEY is not set/);
    expect(load).toThrow(/TICKETING_HTTP_ATTEMPTS is invalid: expected at least 1/);
  });

  it('names the provider variable when it holds an unknown provider', () => {
    expect(() => loadTicketingConfig({ ...base, TICKETING_PROVIDER: 'pagerduty' })).toThrow(
      /TICKETING_PROVIDER is invalid: expected one of jira, servicenow, webhook/,
    );
  });
});
