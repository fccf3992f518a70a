/**
 * The ticketing Lambda's configuration, read from its environment once per execution environment
 * and validated with zod; everything below the handler takes this object, never `process.env`.
 * Credentials are not here: they live in the Secrets Manager secret named by TICKETING_SECRET_ID
 * (shapes in docs/alerts.md).
 *
 * | variable                          | meaning                                                  | default          |
 * |-----------------------------------|----------------------------------------------------------|------------------|
 * | TICKETING_PROVIDER                | `jira`, `servicenow` or `webhook`                        | required         |
 * | TICKETING_SECRET_ID               | name or ARN of the credentials secret                    | required         |
 * | TICKETING_SECRET_MAX_AGE_SECONDS  | reuse a fetched secret this long                         | `300`            |
 * | IDEMPOTENCY_TABLE_NAME            | DynamoDB table of idempotency records (key `id`)         | required         |
 * | IDEMPOTENCY_EXPIRES_DAYS          | a finding id stays "ticketed" this long                  | `30`             |
 * | TICKETING_HTTP_ATTEMPTS           | tries per request on 429/5xx/network errors              | `3`              |
 * | TICKETING_HTTP_TIMEOUT_MS         | per try                                                  | `10000`          |
 * | TICKETING_HTTP_BACKOFF_MS         | first retry delay, doubling                              | `500`            |
 * | TICKETING_HTTP_MAX_DELAY_MS       | longer Retry-After: leave the retry to SQS               | `10000`          |
 * | JIRA_BASE_URL                     | `https://<site>.atlassian.net`                           | required (jira)  |
 * | JIRA_PROJECT_KEY                  | project issues are created in                            | required (jira)  |
 * | JIRA_ISSUE_TYPE                   | issue type name                                          | `Task`           |
 * | JIRA_SET_PRIORITY                 | `false` for projects without a Priority field            | `true`           |
 * | SERVICENOW_INSTANCE_URL           | `https://<instance>.service-now.com`                     | required (servicenow) |
 * | SERVICENOW_ASSIGNMENT_GROUP       | group incidents are assigned to                          | none             |
 * | AWS_REGION                        | region of the Athena console link (set by Lambda)        | no link          |
 */
import { z } from 'zod';
import { type Env, parseEnv, wholeNumberEnv } from '../aws/env.ts';
import { TICKETING_PROVIDERS } from '../ticketing/ticket-adapter.ts';
import type { TicketingConfig } from '../ticketing/ticketing-service.ts';

const httpsUrl = z.url({ protocol: /^https?$/, error: 'expected an https:// URL' });

const common = {
  TICKETING_SECRET_ID: z.string(),
  TICKETING_SECRET_MAX_AGE_SECONDS: wholeNumberEnv(300, 0),
  IDEMPOTENCY_TABLE_NAME: z.string(),
  IDEMPOTENCY_EXPIRES_DAYS: wholeNumberEnv(30, 1),
  TICKETING_HTTP_ATTEMPTS: wholeNumberEnv(3, 1),
  TICKETING_HTTP_TIMEOUT_MS: wholeNumberEnv(10_000, 100),
  TICKETING_HTTP_BACKOFF_MS: wholeNumberEnv(500, 0),
  TICKETING_HTTP_MAX_DELAY_MS: wholeNumberEnv(10_000, 0),
  AWS_REGION: z.string().optional(),
};

const envSchema = z.discriminatedUnion(
  'TICKETING_PROVIDER',
  [
    z.object({
      ...common,
      TICKETING_PROVIDER: z.literal('jira'),
      JIRA_BASE_URL: httpsUrl,
      JIRA_PROJECT_KEY: z.string().regex(/^[A-Z][A-Z0-9_]+$/, { error: 'expected a project key like SEC' }),
      JIRA_ISSUE_TYPE: z.string().default('Task'),
      JIRA_SET_PRIORITY: z.enum(['true', 'false'], { error: 'expected true or false' }).default('true'),
    }),
    z.object({
      ...common,
      TICKETING_PROVIDER: z.literal('servicenow'),
      SERVICENOW_INSTANCE_URL: httpsUrl,
      SERVICENOW_ASSIGNMENT_GROUP: z.string().optional(),
    }),
    z.object({ ...common, TICKETING_PROVIDER: z.literal('webhook') }),
  ],
  { error: `expected one of ${TICKETING_PROVIDERS.join(', ')}` },
);

/** Reads and validates the configuration; a `ConfigError` names every bad variable. */
export function loadTicketingConfig(env: Env): TicketingConfig {
  const e = parseEnv(envSchema, env);
  const base = {
    provider: e.TICKETING_PROVIDER,
    secretId: e.TICKETING_SECRET_ID,
    secretMaxAgeSeconds: e.TICKETING_SECRET_MAX_AGE_SECONDS,
    idempotencyTable: e.IDEMPOTENCY_TABLE_NAME,
    idempotencyExpiresSeconds: e.IDEMPOTENCY_EXPIRES_DAYS * 86_400,
    http: {
      attempts: e.TICKETING_HTTP_ATTEMPTS,
      timeoutMs: e.TICKETING_HTTP_TIMEOUT_MS,
      backoffMs: e.TICKETING_HTTP_BACKOFF_MS,
      maxDelayMs: e.TICKETING_HTTP_MAX_DELAY_MS,
    },
    ...(e.AWS_REGION === undefined ? {} : { consoleRegion: e.AWS_REGION }),
  };
  switch (e.TICKETING_PROVIDER) {
    case 'jira':
      return {
        ...base,
        jira: {
          baseUrl: e.JIRA_BASE_URL,
          projectKey: e.JIRA_PROJECT_KEY,
          issueType: e.JIRA_ISSUE_TYPE,
          setPriority: e.JIRA_SET_PRIORITY === 'true',
        },
      };
    case 'servicenow':
      return {
        ...base,
        servicenow: {
          instanceUrl: e.SERVICENOW_INSTANCE_URL,
          ...(e.SERVICENOW_ASSIGNMENT_GROUP === undefined
            ? {}
            : { assignmentGroup: e.SERVICENOW_ASSIGNMENT_GROUP }),
        },
      };
    case 'webhook':
      return base;
  }
}
