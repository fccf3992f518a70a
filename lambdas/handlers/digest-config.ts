/**
 * The digest Lambda's configuration, read from its environment once per execution environment and
 * validated with zod.
 *
 * | variable     | meaning                                          | default        |
 * |--------------|--------------------------------------------------|----------------|
 * | LAKE_BUCKET  | the lake bucket: audit_events/ in, digests/ out  | required       |
 * | LAKE_PREFIX  | key prefix of the lake root (`''` or ending `/`) | `''`           |
 */
import { z } from 'zod';
import { type Env, parseEnv } from '../aws/env.ts';
import type { S3LakeLocation } from '../integrity/lake-store.ts';

const envSchema = z.object({
  LAKE_BUCKET: z.string(),
  LAKE_PREFIX: z.string().regex(/\/$/, { error: "expected a prefix ending in '/'" }).default(''),
});

/** Reads and validates the configuration; a `ConfigError` names every bad variable. */
export function loadDigestConfig(env: Env): S3LakeLocation {
  const e = parseEnv(envSchema, env);
  return { bucket: e.LAKE_BUCKET, prefix: e.LAKE_PREFIX };
}
