/**
 * Redaction: evidence columns that may hold customer personal data (`customer_email`, a phone
 * number) never leave the runner with their values. `queries/redaction.yaml` lists column names
 * and glob patterns (`customer_*`, `*email*`); the runner applies them once, to every finding, as
 * soon as the row becomes a finding, so no sink, dedup claim, suppression match or flood archive
 * ever holds the value. The column name stays, with the value `[redacted]`, so an analyst knows
 * something was there and can look it up in the lake under their own access.
 *
 * Values of redacted columns are also cut out of the summary and the other text evidence: a
 * detector that selects `customer_email` is likely to say it in its summary too
 * (`'exported ' || customer_email`), and redacting the column while the sentence repeats it would
 * leak it anyway. Only exact values are found; a summary that builds personal data from columns
 * it does not return is the detector author's mistake, which review and the lint warning catch.
 *
 * Pure: no I/O. The file is read by the CLI and the Lambda bundle loader.
 */
import { z } from 'zod';
import { parseYamlFile } from './config-file.ts';
import { ConfigError } from './errors.ts';
import type { Finding } from './finding.ts';
import type { SqlValue } from './ports.ts';
import { describeZodIssue } from './sql-file.ts';

/** What a redacted value becomes, everywhere a finding goes. */
export const REDACTED = '[redacted]';

/** The file beside the detectors folder that holds the redaction list. */
export const REDACTION_FILE = 'redaction.yaml';

/**
 * Applied when no redaction file exists, so a missing file fails closed. The shipped
 * `queries/redaction.yaml` starts from the same list.
 */
export const DEFAULT_REDACT_PATTERNS: readonly string[] = [
  'customer_*',
  'patient_*',
  '*email*',
  '*phone*',
  '*mobile*',
  '*ssn*',
  '*tax_id*',
  '*birth*',
  '*street*',
  '*postal*',
  '*card_number*',
  '*iban*',
];

/** The employee's own contact columns are their identity, which findings are allowed to carry. */
export const DEFAULT_KEEP_PATTERNS: readonly string[] = ['employee_*', 'actor_*'];

/** Summary and evidence text is searched only for values at least this long: a 1–3 character value would cut words apart. */
const MIN_SCANNED_VALUE_LENGTH = 4;

const PATTERN = /^[A-Za-z0-9_*?]+$/;

const patternSchema = z
  .string()
  .regex(PATTERN, { error: 'expected a column name or a glob like customer_* (letters, digits, _, *, ?)' })
  .refine((value) => /[A-Za-z0-9_]/.test(value), {
    message: 'a pattern of only wildcards would redact every column; list the columns instead',
  });

const fileSchema = z.strictObject({
  redact: z.array(patternSchema),
  keep: z.array(patternSchema).default([]),
});

/** The redaction list as configured: patterns that redact, and patterns that exempt a column from them. */
export interface RedactionPolicy {
  readonly redact: readonly string[];
  readonly keep: readonly string[];
}

export const DEFAULT_REDACTION_POLICY: RedactionPolicy = {
  redact: DEFAULT_REDACT_PATTERNS,
  keep: DEFAULT_KEEP_PATTERNS,
};

/** Parses a redaction file; every error is one line naming the file and the field. */
export function parseRedaction(file: string, text: string): RedactionPolicy {
  const raw = parseYamlFile(file, text);
  const parsed = fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [list, index] = issue?.path ?? [];
    const where =
      typeof list === 'string' && typeof index === 'number'
        ? `${list} entry ${index + 1}`
        : issue?.path.join('.') || 'file';
    throw new ConfigError(`${file}: ${where}: ${describeZodIssue(issue)}`);
  }
  return parsed.data;
}

/** A compiled policy: which column names are redacted. */
export interface Redaction {
  readonly policy: RedactionPolicy;
  isRedacted(column: string): boolean;
}

export function compileRedaction(policy: RedactionPolicy): Redaction {
  const redact = policy.redact.map(globToRegExp);
  const keep = policy.keep.map(globToRegExp);
  return {
    policy,
    isRedacted: (column) =>
      redact.some((pattern) => pattern.test(column)) && !keep.some((pattern) => pattern.test(column)),
  };
}

export const DEFAULT_REDACTION: Redaction = compileRedaction(DEFAULT_REDACTION_POLICY);

/** The columns of `columns` the policy redacts, in order. */
export function redactedColumns(redaction: Redaction, columns: Iterable<string>): string[] {
  return [...columns].filter((column) => redaction.isRedacted(column));
}

/**
 * The finding with every redacted evidence value replaced by `[redacted]`, and those values cut
 * out of the summary and the remaining text evidence. Returns the same object when nothing matched.
 */
export function redactFinding(finding: Finding, redaction: Redaction): Finding {
  const secrets: string[] = [];
  const evidence: Record<string, SqlValue> = {};
  let changed = false;
  for (const [name, value] of Object.entries(finding.evidence)) {
    if (!redaction.isRedacted(name)) {
      evidence[name] = value;
      continue;
    }
    changed = true;
    evidence[name] = value === null ? null : REDACTED;
    if (value !== null && typeof value !== 'boolean') secrets.push(String(value));
  }
  if (!changed) return finding;
  // Longest first, so a value that contains another is replaced whole.
  const scanned = secrets
    .filter((secret) => secret.length >= MIN_SCANNED_VALUE_LENGTH)
    .sort((a, b) => b.length - a.length);
  const scrub = (text: string) =>
    scanned.reduce((result, secret) => result.replaceAll(secret, REDACTED), text);
  for (const [name, value] of Object.entries(evidence)) {
    if (typeof value === 'string' && value !== REDACTED) evidence[name] = scrub(value);
  }
  return { ...finding, summary: scrub(finding.summary), evidence };
}

/** `customer_*` → /^customer_.*$/i; column names are compared case-insensitively. */
function globToRegExp(glob: string): RegExp {
  const source = [...glob].map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char)).join('');
  return new RegExp(`^${source}$`, 'i');
}
