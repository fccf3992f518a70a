/**
 * Suppressions: known, accepted findings (an on-call engineer's night exports, a migration) that
 * should not alert. Each entry names a detector and/or an actor, optionally evidence values that
 * must match, and always a reason, an owner and an expiry date, so nothing is muted forever by
 * accident. A suppressed finding is still recorded, marked with the entry; alerting sinks skip it.
 */
import { z } from 'zod';
import { parseYamlFile } from './config-file.ts';
import { ConfigError } from './errors.ts';
import type { Finding, Suppression } from './finding.ts';
import { describeZodIssue } from './sql-file.ts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const entrySchema = z
  .strictObject({
    detector: z.string().min(1).optional(),
    actor: z.string().min(1).optional(),
    match: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    reason: z.string().min(1),
    owner: z.string().min(1),
    expires: z
      .union([z.string(), z.date()])
      .transform((value) => (value instanceof Date ? value.toISOString().slice(0, 10) : value))
      .refine(
        (value) => DATE.test(value) && !Number.isNaN(Date.parse(value)),
        'expected a date like 2026-12-31',
      ),
  })
  .refine((entry) => entry.detector !== undefined || entry.actor !== undefined, {
    message: 'needs a detector, an actor, or both',
  });

/** The file of accepted findings, bundled beside the detectors folder. */
export const SUPPRESSIONS_FILE = 'suppressions.yaml';

const fileSchema = z.strictObject({ suppressions: z.array(entrySchema).default([]) });

export type SuppressionEntry = z.output<typeof entrySchema>;

/** Parses a suppressions file; every error names the file, the entry and the field. */
export function parseSuppressions(file: string, text: string): SuppressionEntry[] {
  const raw = parseYamlFile(file, text);
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [list, index, ...rest] = issue?.path ?? [];
    const where =
      list === 'suppressions' && typeof index === 'number'
        ? `entry ${index + 1}${rest.length ? `: ${rest.join('.')}` : ''}`
        : issue?.path.join('.') || 'file';
    throw new ConfigError(`${file}: ${where}: ${describeZodIssue(issue)}`);
  }
  return parsed.data.suppressions;
}

/**
 * The first entry that applies to the finding: an entry applies to windows starting on or before
 * its expiry day and, given the run's time `now`, only while it has not expired (UTC day), so a
 * backfill of old windows is not muted by an entry that has since lapsed.
 */
export function findSuppression(
  entries: readonly SuppressionEntry[],
  finding: Finding,
  now?: Date,
): Suppression | null {
  const day = finding.window_start.slice(0, 10);
  const today = now?.toISOString().slice(0, 10) ?? day;
  const entry = entries.find(
    (candidate) =>
      candidate.expires >= day &&
      candidate.expires >= today &&
      (candidate.detector === undefined || candidate.detector === finding.detector_id) &&
      (candidate.actor === undefined || candidate.actor === finding.actor_id) &&
      Object.entries(candidate.match ?? {}).every(([field, value]) => finding.evidence[field] === value),
  );
  return entry ? { reason: entry.reason, owner: entry.owner, expires: entry.expires } : null;
}

/** Entries whose expiry day is before `today` (`YYYY-MM-DD`): they no longer apply to new windows. */
export function expiredSuppressions(entries: readonly SuppressionEntry[], today: string): SuppressionEntry[] {
  return entries.filter((entry) => entry.expires < today);
}
