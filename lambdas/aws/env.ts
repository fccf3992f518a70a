/**
 * Environment variables, read only at a Lambda's entry point and validated at once: every bad or
 * missing variable is named in one `ConfigError`, so a misconfigured function fails on its first
 * invocation with a message that says what to fix. Empty values count as unset (CDK and consoles
 * write `''` for "nothing").
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

export type Env = Readonly<Record<string, string | undefined>>;

/** Validates `env` against a schema keyed by variable names. */
export function parseEnv<Schema extends z.ZodType>(schema: Schema, env: Env): z.output<Schema> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = schema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join('.') || 'environment';
    const missing = issue.code === 'invalid_type' && !(name in present);
    return `environment variable ${name} ${missing ? 'is not set' : `is invalid: ${issue.message}`}`;
  });
  throw new ConfigError(problems.join('; '));
}

/** One required variable. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new ConfigError(`environment variable ${name} is not set`);
  return value;
}

/** A whole-number variable of at least `min`, `fallback` when unset; for `parseEnv` schemas. */
export function wholeNumberEnv(fallback: number, min: number) {
  return z.coerce
    .number({ error: 'expected a whole number' })
    .int({ error: 'expected a whole number' })
    .min(min, { error: `expected at least ${min}` })
    .default(fallback);
}
