/**
 * A detector is one `queries/detectors/<id>.sql` file: a YAML header in a leading `/* ... *\/`
 * comment, then one Athena (Trino) SELECT. The file is the registry entry: this module parses and
 * validates it once into a typed `Detector` that the runner, the linter and the CDK app share.
 */
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.ts';
import { DetectorError } from './errors.ts';
import { parseSchedule, type Schedule, ScheduleError } from './schedule.ts';
import { readSqlFile } from './sql-file.ts';
import { PARAM_NAME, type ParamValue } from './sql-params.ts';
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
  /** Ids of the rollups (queries/rollups) whose tables the SQL reads for history. */
  readonly rollups: readonly string[];
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
  rollups: z.array(z.string()).default([]),
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
  const { header, sql, sqlLine } = readSqlFile(file, text, headerSchema);
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
  return {
    id: header.id,
    title: header.title,
    description: header.description.trim(),
    severity: header.severity,
    schedule,
    windowMs,
    lookbackMs: header.lookback === undefined ? undefined : parseDuration(header.lookback),
    params: header.params,
    rollups: header.rollups,
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
