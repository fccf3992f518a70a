/**
 * The detector Lambda's configuration, read from its environment once per execution environment
 * and validated with zod; everything below the handler takes this object, never `process.env`.
 *
 * | variable                    | meaning                                             | default                     |
 * |-----------------------------|-----------------------------------------------------|-----------------------------|
 * | ATHENA_WORKGROUP            | workgroup the detector queries run in               | required                    |
 * | ATHENA_DATABASE             | Glue database of `audit_events` and `employees`     | required                    |
 * | ATHENA_OUTPUT_LOCATION      | `s3://…` for query results                          | the workgroup's             |
 * | STATE_TABLE_NAME            | DynamoDB table of watermarks, dedup claims, leases  | required                    |
 * | DEDUP_TABLE_NAME            | separate DynamoDB table for dedup claims            | STATE_TABLE_NAME            |
 * | FINDINGS_TOPIC_ARN          | SNS topic findings are raised on                    | required                    |
 * | FINDINGS_BUCKET             | bucket of the findings history and flood archives   | required                    |
 * | FINDINGS_PREFIX             | key prefix in that bucket (`''` or ending in `/`)   | `''`                        |
 * | FINDINGS_KMS_KEY_ID         | KMS key for SSE-KMS of finding objects              | the bucket's encryption     |
 * | DETECTORS_DIR               | folder of the bundled detector `.sql` files         | `queries/detectors` beside the bundle |
 * | LAKE_BUCKET                 | lake bucket holding the rollup tables               | none: rollup detectors fail |
 * | ROLLUPS_PREFIX              | key prefix of the rollup tables in that bucket      | `rollups/`                  |
 * | LATE_DATA_DELAY             | windows end at least this long before now           | `15m`                       |
 * | INITIAL_BACKFILL            | with no watermark yet, start this far back          | `1d`                        |
 * | MAX_WINDOWS_PER_RUN         | windows per detector per invocation                 | `24`                        |
 * | MAX_FINDINGS_PER_WINDOW     | more than this becomes one summary + S3 archive     | `25`                        |
 * | MAX_RESULT_ROWS             | a query returning more rows fails                   | `10000`                     |
 * | QUERY_SAFETY_MARGIN_SECONDS | stop waiting for Athena this long before the timeout| `30`                        |
 * | AWS_REGION                  | region of console links (set by Lambda)             | the SDK's region            |
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SNS_TOPIC_ARN } from '../aws/arns.ts';
import { type Env, parseEnv, wholeNumberEnv } from '../aws/env.ts';
import { parseDuration } from '../core/duration.ts';

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((text) => parseDuration(text) !== undefined, {
      message: 'expected a duration like 15m, 1h or 1d',
    })
    .transform((text) => parseDuration(text) as number);

const envSchema = z.object({
  ATHENA_WORKGROUP: z.string(),
  ATHENA_DATABASE: z.string(),
  ATHENA_OUTPUT_LOCATION: z
    .string()
    .startsWith('s3://', { error: 'expected s3://bucket/prefix/' })
    .optional(),
  STATE_TABLE_NAME: z.string(),
  DEDUP_TABLE_NAME: z.string().optional(),
  FINDINGS_TOPIC_ARN: z.string().regex(SNS_TOPIC_ARN, { error: 'expected an SNS topic ARN' }),
  FINDINGS_BUCKET: z.string(),
  FINDINGS_PREFIX: z.string().regex(/\/$/, { error: "expected a prefix ending in '/'" }).default(''),
  FINDINGS_KMS_KEY_ID: z.string().optional(),
  DETECTORS_DIR: z.string().optional(),
  LAKE_BUCKET: z.string().optional(),
  ROLLUPS_PREFIX: z.string().regex(/\/$/, { error: "expected a prefix ending in '/'" }).default('rollups/'),
  LATE_DATA_DELAY: duration('15m'),
  INITIAL_BACKFILL: duration('1d'),
  MAX_WINDOWS_PER_RUN: wholeNumberEnv(24, 1),
  MAX_FINDINGS_PER_WINDOW: wholeNumberEnv(25, 1),
  MAX_RESULT_ROWS: wholeNumberEnv(10_000, 1),
  QUERY_SAFETY_MARGIN_SECONDS: wholeNumberEnv(30, 0),
  AWS_REGION: z.string().optional(),
});

export interface DetectorConfig {
  readonly athena: {
    readonly workGroup: string;
    readonly database: string;
    readonly outputLocation: string | undefined;
    readonly maxRows: number;
    /** Stop waiting for a query this long before the invocation's timeout. */
    readonly safetyMarginMs: number;
  };
  readonly state: { readonly tableName: string; readonly dedupTableName: string | undefined };
  readonly findings: {
    readonly topicArn: string;
    readonly bucket: string;
    readonly prefix: string;
    readonly kmsKeyId: string | undefined;
    readonly maxPerWindow: number;
  };
  /** `suppressions.yaml`, `redaction.yaml` and `rollups/` are read from beside it. */
  readonly detectorsDir: string;
  /** Where baseline rollups are built; without it detectors that name rollups fail. */
  readonly rollups: { readonly bucket: string; readonly prefix: string } | undefined;
  readonly lateDelayMs: number;
  readonly initialBackfillMs: number;
  readonly maxWindowsPerRun: number;
  readonly region: string | undefined;
}

/** Where the detector files sit when none is configured: `queries/detectors` beside the bundled handler. */
export const BUNDLED_DETECTORS_DIR = fileURLToPath(new URL('./queries/detectors', import.meta.url));

/** Reads and validates the configuration; a `ConfigError` names every bad variable. */
export function loadDetectorConfig(env: Env): DetectorConfig {
  const e = parseEnv(envSchema, env);
  return {
    athena: {
      workGroup: e.ATHENA_WORKGROUP,
      database: e.ATHENA_DATABASE,
      outputLocation: e.ATHENA_OUTPUT_LOCATION,
      maxRows: e.MAX_RESULT_ROWS,
      safetyMarginMs: e.QUERY_SAFETY_MARGIN_SECONDS * 1000,
    },
    state: { tableName: e.STATE_TABLE_NAME, dedupTableName: e.DEDUP_TABLE_NAME },
    findings: {
      topicArn: e.FINDINGS_TOPIC_ARN,
      bucket: e.FINDINGS_BUCKET,
      prefix: e.FINDINGS_PREFIX,
      kmsKeyId: e.FINDINGS_KMS_KEY_ID,
      maxPerWindow: e.MAX_FINDINGS_PER_WINDOW,
    },
    detectorsDir: e.DETECTORS_DIR ?? BUNDLED_DETECTORS_DIR,
    rollups: e.LAKE_BUCKET === undefined ? undefined : { bucket: e.LAKE_BUCKET, prefix: e.ROLLUPS_PREFIX },
    lateDelayMs: e.LATE_DATA_DELAY,
    initialBackfillMs: e.INITIAL_BACKFILL,
    maxWindowsPerRun: e.MAX_WINDOWS_PER_RUN,
    region: e.AWS_REGION,
  };
}
