/**
 * The lake access normalizer's configuration, read from its environment once per execution
 * environment and validated with zod.
 *
 * | variable           | meaning                                                   | default            |
 * |--------------------|-----------------------------------------------------------|--------------------|
 * | LAKE_BUCKET        | the lake bucket whose S3 calls are mapped                 | required           |
 * | DETECTOR_FUNCTIONS | comma-separated detector function names                   | none               |
 * | SCHEDULE_GROUP     | EventBridge Scheduler group of the detector schedules     | none               |
 * | FINDINGS_TOPIC_ARN | the findings topic                                        | none               |
 * | HUMAN_ROLES        | comma-separated role name globs whose sessions are people | `AWSReservedSSO_*` |
 */
import { z } from 'zod';
import { type Env, parseEnv } from '../aws/env.ts';
import type { LakeAccessMappingConfig } from '../watchers/cloudtrail-mapping.ts';

const list = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);

const envSchema = z.object({
  LAKE_BUCKET: z.string(),
  DETECTOR_FUNCTIONS: list.optional(),
  SCHEDULE_GROUP: z.string().optional(),
  FINDINGS_TOPIC_ARN: z.string().startsWith('arn:', { error: 'expected an SNS topic ARN' }).optional(),
  HUMAN_ROLES: list.optional(),
});

/** Reads and validates the configuration; a `ConfigError` names every bad variable. */
export function loadLakeAccessConfig(env: Env): LakeAccessMappingConfig {
  const e = parseEnv(envSchema, env);
  return {
    lakeBucket: e.LAKE_BUCKET,
    ...(e.DETECTOR_FUNCTIONS === undefined ? {} : { detectorFunctions: e.DETECTOR_FUNCTIONS }),
    ...(e.SCHEDULE_GROUP === undefined ? {} : { scheduleGroup: e.SCHEDULE_GROUP }),
    ...(e.FINDINGS_TOPIC_ARN === undefined ? {} : { findingsTopicArn: e.FINDINGS_TOPIC_ARN }),
    ...(e.HUMAN_ROLES === undefined ? {} : { humanRoles: e.HUMAN_ROLES }),
  };
}
