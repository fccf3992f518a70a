/**
 * The stream validation Lambda's configuration, read from its environment once per execution
 * environment and validated with zod.
 *
 * | variable           | meaning                                                | default              |
 * |--------------------|--------------------------------------------------------|----------------------|
 * | LAKE_BUCKET        | the lake bucket: rejected records go under it          | required             |
 * | QUARANTINE_PREFIX  | key prefix of the stream's quarantine (ending `/`)     | `quarantine/stream/` |
 * | LAKE_KMS_KEY_ID    | KMS key for SSE-KMS of quarantine objects              | the bucket default   |
 */
import { z } from 'zod';
import { type Env, parseEnv } from '../aws/env.ts';

export interface StreamValidationConfig {
  readonly bucket: string;
  readonly quarantinePrefix: string;
  readonly kmsKeyId?: string;
}

const envSchema = z.object({
  LAKE_BUCKET: z.string(),
  QUARANTINE_PREFIX: z
    .string()
    .regex(/^[^/].*\/$/, { error: "expected a key prefix ending in '/'" })
    .default('quarantine/stream/'),
  LAKE_KMS_KEY_ID: z.string().optional(),
});

/** Reads and validates the configuration; a `ConfigError` names every bad variable. */
export function loadStreamValidationConfig(env: Env): StreamValidationConfig {
  const e = parseEnv(envSchema, env);
  return {
    bucket: e.LAKE_BUCKET,
    quarantinePrefix: e.QUARANTINE_PREFIX,
    ...(e.LAKE_KMS_KEY_ID === undefined ? {} : { kmsKeyId: e.LAKE_KMS_KEY_ID }),
  };
}
