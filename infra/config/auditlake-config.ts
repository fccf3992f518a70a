/**
 * The deployment's one config object: typed, with defaults, validated once at the app's entry
 * point. Sources, later ones winning key by key: the built-in defaults, the `auditlake` object in
 * `cdk.json` context (or `-c auditlake='{"…"}'`), then the JSON file named by the context key
 * `auditlakeConfigFile`. Every problem is reported in one `ConfigError`, each line naming the key,
 * the source it came from and what was expected. Pure: the caller reads the files.
 */
import { z } from 'zod';
import { SEVERITIES } from '../../lambdas/core/detector.ts';
import { parseDuration } from '../../lambdas/core/duration.ts';
import { ConfigError } from '../../lambdas/core/errors.ts';

/** CloudWatch Logs accepts only these retention periods. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Athena refuses a per-query cutoff below 10 MB. */
export const MIN_BYTES_SCANNED_CUTOFF = 10_000_000;

const whole = (min: number, fallback: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected at least ${min}` })
    .max(max, { error: `expected at most ${max}` })
    .default(fallback);

const duration = (fallback: string) =>
  z
    .string({ error: 'expected a duration like 15m, 1h or 1d' })
    .refine((text) => parseDuration(text) !== undefined, {
      error: 'expected a duration like 15m, 1h or 1d',
    })
    .default(fallback);

const severity = z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(', ')}` });

const httpsUrl = z.url({ protocol: /^https$/, error: 'expected an https:// URL' });

const secretName = z
  .string({ error: 'expected the name of a Secrets Manager secret' })
  .regex(/^[\w/+=.@-]{1,512}$/, { error: 'expected a Secrets Manager secret name like auditlake/ticketing' });

const ticketingCommon = {
  secretName,
  /** Findings below this severity get no ticket. */
  minSeverity: severity.default('high'),
};

const ticketingSchema = z.discriminatedUnion(
  'provider',
  [
    z.strictObject({
      provider: z.literal('jira'),
      ...ticketingCommon,
      jira: z.strictObject({
        baseUrl: httpsUrl,
        projectKey: z.string().regex(/^[A-Z][A-Z0-9_]+$/, { error: 'expected a project key like SEC' }),
        issueType: z.string().min(1).default('Task'),
        setPriority: z.boolean({ error: 'expected true or false' }).default(true),
      }),
    }),
    z.strictObject({
      provider: z.literal('servicenow'),
      ...ticketingCommon,
      servicenow: z.strictObject({
        instanceUrl: httpsUrl,
        assignmentGroup: z.string().min(1).optional(),
      }),
    }),
    z.strictObject({ provider: z.literal('webhook'), ...ticketingCommon }),
  ],
  { error: 'expected provider to be one of jira, servicenow, webhook' },
);

export const configSchema = z.strictObject({
  /** Stack names are `<stackPrefix>Lake` and `<stackPrefix>Detection`; one prefix per deployment in an account. */
  stackPrefix: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, {
      error: 'expected letters, digits and hyphens, starting with a letter',
    })
    .default('Auditlake'),
  /** Deploy to this account; when absent the stacks are environment-agnostic (the CLI's credentials decide). */
  account: z
    .string()
    .regex(/^\d{12}$/, { error: 'expected a 12-digit AWS account id' })
    .optional(),
  /** Deploy to this region; when absent, the CLI's region. */
  region: z
    .string()
    .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region like eu-west-1' })
    .optional(),
  /** `production` keeps every stateful resource on stack deletion, whatever `removalPolicy` says. */
  stage: z
    .enum(['production', 'non-production'], { error: 'expected production or non-production' })
    .default('production'),
  /** What `cdk destroy` does to stateful resources of a non-production deployment. */
  removalPolicy: z.enum(['retain', 'destroy'], { error: 'expected retain or destroy' }).default('retain'),
  /** Who gets findings by email, each from a minimum severity up. */
  alertEmails: z
    .array(
      z.strictObject({
        address: z.email({ error: 'expected an email address' }),
        minSeverity: severity.default('high'),
      }),
    )
    .default([]),
  /** Who gets operational alarms (failures, lag, cost) by email. */
  opsEmails: z.array(z.email({ error: 'expected an email address' })).default([]),
  /** Ticket filing for findings; no ticketing resources are created without it. */
  ticketing: ticketingSchema.optional(),
  lake: z
    .strictObject({
      /** Audit data is deleted this many days after it was written. */
      retentionDays: whole(1, 400),
      objectLock: z
        .strictObject({
          mode: z
            .enum(['GOVERNANCE', 'COMPLIANCE'], { error: 'expected GOVERNANCE or COMPLIANCE' })
            .default('GOVERNANCE'),
          days: whole(1, 365),
        })
        .prefault({}),
      /** Objects move to S3 Standard-IA after this many days (S3 needs at least 30). */
      infrequentAccessAfterDays: whole(30, 30),
      /** …and to Glacier Instant Retrieval (still queryable by Athena) after this many (30 more at least). */
      instantRetrievalAfterDays: whole(60, 90),
    })
    .prefault({}),
  ingestion: z
    .strictObject({
      /** Firehose buffers this long before writing a Parquet file (60–900). */
      bufferSeconds: whole(60, 300, 900),
    })
    .prefault({}),
  athena: z
    .strictObject({
      /** A query that would scan more is cancelled by Athena. */
      bytesScannedCutoffPerQuery: whole(MIN_BYTES_SCANNED_CUTOFF, 10_000_000_000),
      /** Query results are deleted after this many days. */
      resultsExpirationDays: whole(1, 7),
    })
    .prefault({}),
  detection: z
    .strictObject({
      /** Windows end at least this long before now, so events still in flight are not missed. */
      lateDataDelay: duration('15m'),
      /** With no watermark yet, a detector starts this far back. */
      initialBackfill: duration('1d'),
      maxWindowsPerRun: whole(1, 24),
      /** More findings than this in one window become one summary finding plus an S3 archive. */
      maxFindingsPerWindow: whole(1, 25),
      /** Concurrent detector runs at most; leaves the rest of the account's Lambda concurrency alone. */
      reservedConcurrency: whole(1, 5),
      /** Lambda and EventBridge Scheduler retries of a failed run before it goes to the dead-letter queue. */
      retryAttempts: whole(0, 2, 2),
      logRetentionDays: z
        .number()
        .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
          error: `expected one of ${LOG_RETENTION_DAYS.join(', ')}`,
        })
        .default(365),
    })
    .prefault({}),
  alarms: z
    .strictObject({
      /** Alarm when one detector's queries scan more than this in a day. */
      bytesScannedPerDetectorPerDay: whole(1, 100_000_000_000),
      /** Alarm when a detector is more than this many windows behind. */
      windowsBehind: whole(1, 2),
    })
    .prefault({}),
});

export type AuditlakeConfig = z.output<typeof configSchema>;
export type AlertEmail = AuditlakeConfig['alertEmails'][number];
export type TicketingSettings = NonNullable<AuditlakeConfig['ticketing']>;

/** One place a piece of config came from, for error messages. */
export interface ConfigSource {
  /** E.g. `cdk.json context "auditlake"` or the config file's path. */
  readonly name: string;
  readonly value: unknown;
}

/**
 * Merges the sources (later wins, key by key), validates once, then checks the keys that must
 * agree with each other. Throws one `ConfigError` listing every problem.
 */
export function parseAuditlakeConfig(sources: readonly ConfigSource[]): AuditlakeConfig {
  const problems: string[] = [];
  let merged: Record<string, unknown> = {};
  for (const source of sources) {
    if (source.value === undefined) continue;
    if (!isPlainObject(source.value)) {
      problems.push(`${source.name}: expected a JSON object`);
      continue;
    }
    merged = deepMerge(merged, source.value);
  }
  if (problems.length > 0) throw configError(problems);
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    throw configError(
      parsed.error.issues.map((issue) => {
        const key = issue.path.join('.');
        // An unknown key's issue points at its parent object; look the key itself up.
        const lookup = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
        const where = sourceOf(sources, lookup);
        return `${key || '(root)'}${where ? ` (from ${where})` : ''}: ${describeIssue(issue)}`;
      }),
    );
  }
  const conflicts = findConflicts(parsed.data);
  if (conflicts.length > 0) throw configError(conflicts);
  return parsed.data;
}

/** Keys that are valid alone but not together. */
export function findConflicts(config: AuditlakeConfig): string[] {
  const conflicts: string[] = [];
  if (config.stage === 'production' && config.removalPolicy === 'destroy') {
    conflicts.push(
      'removalPolicy: "destroy" is for non-production only; set stage to "non-production" or removalPolicy to "retain"',
    );
  }
  if (config.lake.objectLock.days > config.lake.retentionDays) {
    conflicts.push(
      `lake.objectLock.days (${config.lake.objectLock.days}) must not exceed lake.retentionDays (${config.lake.retentionDays}): objects would outlive their retention`,
    );
  }
  const { infrequentAccessAfterDays: ia, instantRetrievalAfterDays: gir, retentionDays } = config.lake;
  if (gir < ia + 30) {
    conflicts.push(
      `lake.instantRetrievalAfterDays (${gir}) must be at least 30 more than lake.infrequentAccessAfterDays (${ia}): S3 keeps objects in Standard-IA for 30 days`,
    );
  }
  if (retentionDays <= gir) {
    conflicts.push(
      `lake.retentionDays (${retentionDays}) must be greater than lake.instantRetrievalAfterDays (${gir})`,
    );
  }
  const lateMs = parseDuration(config.detection.lateDataDelay) ?? 0;
  if (lateMs <= config.ingestion.bufferSeconds * 1000) {
    conflicts.push(
      `detection.lateDataDelay (${config.detection.lateDataDelay}) must be longer than ingestion.bufferSeconds (${config.ingestion.bufferSeconds}s), or detectors read windows Firehose has not written yet`,
    );
  }
  const seen = new Set<string>();
  for (const [index, { address }] of config.alertEmails.entries()) {
    const key = address.toLowerCase();
    if (seen.has(key)) conflicts.push(`alertEmails.${index}.address: ${address} is listed twice`);
    seen.add(key);
  }
  return conflicts;
}

function configError(problems: readonly string[]): ConfigError {
  return new ConfigError(`invalid auditlake config:\n  ${problems.join('\n  ')}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`;
  return issue.message;
}

/** The last source that sets the key, i.e. the one whose value won. */
function sourceOf(sources: readonly ConfigSource[], path: readonly PropertyKey[]): string | undefined {
  if (path.length === 0) return undefined;
  for (const source of [...sources].reverse()) {
    if (valueAt(source.value, path) !== undefined) return source.name;
  }
  return undefined;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = result[key];
    result[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return result;
}
