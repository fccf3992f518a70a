/**
 * A detector is one `queries/detectors/<id>.sql` file: a YAML header in a leading `/* ... *\/`
 * comment, then one Athena (Trino) SELECT. The file is the registry entry: this module parses and
 * validates it once into a typed `Detector` that the runner, the linter and the CDK app share.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.ts';
import { DetectorError } from './errors.ts';
import { parseSchedule, type Schedule, ScheduleError } from './schedule.ts';
import { hasSqlBody, PARAM_NAME, type ParamValue } from './sql-params.ts';
import { SqlLexError } from './sql-tokens.ts';
import { BUILT_IN_PARAMS, longestGapMs } from './windows.ts';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ['experimental', 'stable', 'deprecated'] as const;
export type DetectorStatus = (typeof STATUSES)[number];

export interface Detector {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly schedule: Schedule;
  readonly windowMs: number;
  readonly lookbackMs: number | undefined;
  /** Header parameters with their typed defaults (built-ins are added per window). */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly dedupMs: number;
  /** Rows whose `score` is below this are not findings. */
  readonly threshold: number | undefined;
  readonly runbook: string;
  readonly tags: readonly string[];
  readonly owner: string | undefined;
  readonly status: DetectorStatus;
  readonly enabled: boolean;
  /** The SELECT after the header, unrendered. */
  readonly sql: string;
  /** 1-based line of the file where `sql` begins, to map SQL line numbers back to the file. */
  readonly sqlLine: number;
  /** Path the detector was read from, for messages. */
  readonly file: string;
}

const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

const duration = (what: string) =>
  z.string().refine((text) => parseDuration(text) !== undefined, {
    message: `expected a ${what} like 15m, 1h, 1d or 4w`,
  });

const scalar = z.union([z.string(), z.number(), z.boolean()]);

const paramValue = z.union(
  [
    scalar,
    z.array(z.string()).min(1, 'a list parameter needs at least one item'),
    z.array(z.number()).min(1, 'a list parameter needs at least one item'),
  ],
  { error: 'expected a string, number, boolean, or a non-empty list of strings or of numbers' },
);

const headerSchema = z.strictObject({
  id: z.string().regex(ID, 'expected kebab-case like off-hours-export'),
  title: z.string().min(1),
  description: z.string().min(1),
  severity: z.enum(SEVERITIES),
  schedule: z.string(),
  window: duration('window'),
  lookback: duration('lookback').optional(),
  params: z.record(z.string(), paramValue).default({}),
  dedup: duration('dedup period').optional(),
  threshold: z.number().optional(),
  runbook: z.string().min(1),
  tags: z.array(z.string()).default([]),
  owner: z.string().optional(),
  status: z.enum(STATUSES).default('experimental'),
  enabled: z.boolean().default(true),
});

export type DetectorHeader = z.input<typeof headerSchema>;

/** Parses one detector file. `file` is its path; the id must equal its base name. */
export function parseDetector(file: string, text: string): Detector {
  const { yamlText, sql, sqlLine } = splitHeader(file, text);
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    const where = error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
    throw new DetectorError(file, 'header', `is not valid YAML${where}`);
  }
  const parsed = headerSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'header';
    throw new DetectorError(file, field, describeIssue(issue));
  }
  const header = parsed.data;
  const expectedId = baseName(file);
  if (header.id !== expectedId) {
    throw new DetectorError(file, 'id', `"${header.id}" must equal the file name "${expectedId}"`);
  }
  for (const name of Object.keys(header.params)) {
    if (!PARAM_NAME.test(name)) throw new DetectorError(file, `params.${name}`, 'expected a snake_case name');
    if ((BUILT_IN_PARAMS as readonly string[]).includes(name)) {
      throw new DetectorError(file, `params.${name}`, 'is a built-in parameter and cannot be redefined');
    }
  }
  let schedule: Schedule;
  try {
    schedule = parseSchedule(header.schedule);
  } catch (error) {
    if (error instanceof ScheduleError) throw new DetectorError(file, 'schedule', error.message);
    throw error;
  }
  const windowMs = parseDuration(header.window) as number;
  const gap = longestGapMs(schedule, new Date(Date.UTC(2026, 0, 1)));
  if (windowMs < gap) {
    throw new DetectorError(
      file,
      'window',
      `${header.window} is shorter than the longest gap between scheduled runs (${formatDuration(gap)}), so some events would never be checked`,
    );
  }
  let hasBody: boolean;
  try {
    hasBody = hasSqlBody(sql);
  } catch (error) {
    if (!(error instanceof SqlLexError)) throw error;
    throw new DetectorError(file, 'sql', `${error.message} at line ${sqlLine + error.line - 1}`);
  }
  if (!hasBody) throw new DetectorError(file, 'sql', 'no SELECT after the header');
  return {
    id: header.id,
    title: header.title,
    description: header.description.trim(),
    severity: header.severity,
    schedule,
    windowMs,
    lookbackMs: header.lookback === undefined ? undefined : parseDuration(header.lookback),
    params: header.params,
    dedupMs: header.dedup === undefined ? windowMs : (parseDuration(header.dedup) as number),
    threshold: header.threshold,
    runbook: header.runbook.trim(),
    tags: header.tags,
    owner: header.owner,
    status: header.status,
    enabled: header.enabled,
    sql,
    sqlLine,
    file,
  };
}

/** True if the detector should be scheduled and run by default. */
export function isActive(detector: Detector): boolean {
  return detector.enabled && detector.status !== 'deprecated';
}

function splitHeader(file: string, text: string): { yamlText: string; sql: string; sqlLine: number } {
  const body = text.replace(/^\uFEFF/, '');
  const leading = /^\s*/.exec(body)?.[0] ?? '';
  if (!body.startsWith('/*', leading.length)) {
    throw new DetectorError(
      file,
      'header',
      'missing: the file must start with a /* ... */ comment holding the YAML header',
    );
  }
  const close = body.indexOf('*/', leading.length + 2);
  if (close < 0) throw new DetectorError(file, 'header', 'the /* header comment is never closed with */');
  const yamlText = body.slice(leading.length + 2, close);
  const sqlStart = close + 2;
  const sqlLine = body.slice(0, sqlStart).split('\n').length;
  return { yamlText, sql: body.slice(sqlStart), sqlLine };
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.sql$/, '');
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is invalid';
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`;
  return issue.message;
}
