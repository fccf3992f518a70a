/**
 * `auditlake demo`'s library: writes a seeded demo lake — the employee directory, a month of
 * audit events with three planted insiders (or, for `auditlake eval`, the evaluation set of
 * insiders and benign look-alikes), their ground truth and a manifest. The data comes
 * from the pure generator in `demo-events.ts`; this module is the thin edge that writes it and
 * loads the events through the same ingest path as real data, so the demo lake is exactly what
 * a real one looks like.
 *
 *   <lake>/employees/employees.csv
 *   <lake>/audit_events/dt=YYYY-MM-DD/*.parquet   (written by ingest)
 *   <lake>/ground-truth.json                       the planted scenarios, each labelled flag / no-flag
 *   <lake>/demo.json                               the manifest; written last, so it marks a finished lake
 */
import { mkdir, open, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { AuditlakeError, ConfigError } from '../core/errors.ts';
import { type IngestReport, ingestFiles } from '../ingest/ingest.ts';
import { type DemoPlan, GENERATOR_VERSION, generateDemoEvents, planDemo } from './demo-events.ts';
import { formatEmployeesCsv } from './employee-csv.ts';
import { DAY_MS } from './local-time.ts';
import { MIN_EMPLOYEES } from './org.ts';
import {
  EVALUATION_MIN_DAYS,
  EVALUATION_MIN_EMPLOYEES,
  SCENARIO_SETS,
  type ScenarioSet,
} from './scenario.ts';

export interface DemoLakeOptions {
  readonly lakeDir: string;
  /** People in the generated org. @default 200 */
  readonly employees?: number;
  /** Days of activity before `end`. @default 30 */
  readonly days?: number;
  /** Same seed and options, byte-identical employees and events. @default 42 */
  readonly seed?: number;
  /** Exclusive end of the period: a UTC midnight. */
  readonly end: Date;
  /** `evaluation`: add the slower insiders and benign look-alikes over the last 21 days. @default 'demo' */
  readonly scenarios?: ScenarioSet;
  readonly onProgress?: (message: string) => void;
}

/** demo.json. */
export interface DemoManifest {
  readonly generator_version: string;
  readonly seed: number;
  readonly employees: number;
  readonly days: number;
  /** Which planted scenarios the lake holds. */
  readonly scenarios: ScenarioSet;
  /** First instant of the period (UTC midnight), ISO-8601. */
  readonly start: string;
  /** Exclusive end of the period, ISO-8601. */
  readonly end: string;
  /** First day of the detection window (the last 7 days, 21 for `evaluation`): where the planted scenarios act and detectors are run. */
  readonly detection_from: string;
  readonly event_count: number;
  /** Actors with `actor_type: service`; they are not in employees.csv. */
  readonly service_accounts: readonly string[];
  /** People whose unusual-looking activity is normal for them; a detector should not flag them. */
  readonly negative_controls: readonly { readonly actor_id: string; readonly description: string }[];
}

export interface DemoSummary extends DemoManifest {
  readonly received: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly duplicates: number;
  /** Wall-clock time spent generating the events (to JSONL) and ingesting them (to Parquet). */
  readonly millis: { readonly generate: number; readonly ingest: number };
}

export const DEMO_DEFAULTS = { employees: 200, days: 30, seed: 42, scenarios: 'demo' } as const;

const optionsSchema = z
  .object({
    lakeDir: z.string().min(1, 'expected a directory'),
    employees: z
      .int()
      .min(MIN_EMPLOYEES, `expected at least ${MIN_EMPLOYEES}, so every planted insider has a cast`)
      .max(100_000),
    days: z
      .int()
      .min(8, 'expected at least 8: the last 7 hold the insiders, the days before are their baseline')
      .max(3_660),
    seed: z.int().min(0).max(0xffff_ffff),
    end: z
      .date()
      .refine((end) => end.getTime() % DAY_MS === 0, 'expected a UTC midnight such as 2026-03-01T00:00:00Z'),
    scenarios: z.enum(SCENARIO_SETS),
  })
  .refine((o) => o.scenarios !== 'evaluation' || o.days >= EVALUATION_MIN_DAYS, {
    path: ['days'],
    message: `expected at least ${EVALUATION_MIN_DAYS} with the evaluation scenarios: they act over the last 21 days and need a week of baseline`,
  })
  .refine((o) => o.scenarios !== 'evaluation' || o.employees >= EVALUATION_MIN_EMPLOYEES, {
    path: ['employees'],
    message: `expected at least ${EVALUATION_MIN_EMPLOYEES} with the evaluation scenarios, so each has its own cast member`,
  });

export async function generateDemoLake(options: DemoLakeOptions): Promise<DemoSummary> {
  const parsed = optionsSchema.safeParse({ ...DEMO_DEFAULTS, ...withoutUndefined(options) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`demo ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'invalid'}`);
  }
  const { lakeDir, employees, days, seed, end, scenarios } = parsed.data;
  const progress = options.onProgress ?? (() => {});

  const plan = planDemo({ employees, days, seed, endDay: end.getTime() / DAY_MS, scenarios });
  progress(`Generating ${employees} employees × ${days} days (seed ${seed}) into ${lakeDir}`);
  await mkdir(join(lakeDir, 'employees'), { recursive: true });
  await writeFile(join(lakeDir, 'employees', 'employees.csv'), formatEmployeesCsv(plan.employees));

  // Under the lake's shared `.staging/` (ingest stages there too), in a folder of our own.
  const stagingRoot = join(lakeDir, '.staging');
  const staging = join(stagingRoot, `demo-${seed}-${process.pid}`);
  const eventsFile = join(staging, 'events.jsonl');
  let report: IngestReport;
  let eventCount: number;
  const started = performance.now();
  let generated = started;
  try {
    await mkdir(staging, { recursive: true });
    eventCount = await writeEventsJsonl(plan, eventsFile, progress);
    generated = performance.now();
    progress(`Ingesting ${eventCount} events`);
    report = await ingestFiles({ files: [eventsFile], lakeDir, now: end });
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rmdir(stagingRoot).catch(() => undefined);
  }
  if (report.quarantined > 0) {
    throw new AuditlakeError(
      `demo generator bug: ingest quarantined ${report.quarantined} of ${report.received} generated events (${JSON.stringify(report.reasons)})`,
    );
  }

  const manifest = manifestOf(plan, { employees, days, eventCount });
  await writeFile(join(lakeDir, 'ground-truth.json'), `${JSON.stringify(plan.groundTruth, null, 2)}\n`);
  await writeFile(join(lakeDir, 'demo.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    ...manifest,
    received: report.received,
    accepted: report.accepted,
    quarantined: report.quarantined,
    duplicates: report.duplicates,
    millis: { generate: Math.round(generated - started), ingest: Math.round(performance.now() - generated) },
  };
}

function manifestOf(
  plan: DemoPlan,
  counts: { employees: number; days: number; eventCount: number },
): DemoManifest {
  const iso = (day: number) => new Date(day * DAY_MS).toISOString();
  return {
    generator_version: GENERATOR_VERSION,
    seed: plan.seed,
    employees: counts.employees,
    days: counts.days,
    scenarios: plan.scenarios,
    start: iso(plan.period.startDay),
    end: iso(plan.period.endDay),
    detection_from: iso(plan.period.detectionFromDay),
    event_count: counts.eventCount,
    service_accounts: plan.serviceAccounts.map((account) => account.actor_id),
    negative_controls: [
      ...plan.employees
        .filter((e) => e.role === 'night-agent')
        .map((e) => ({
          actor_id: e.employee_id,
          description: `night-shift support (${e.work_start_hour}:00→${e.work_end_hour}:00 ${e.timezone}) exporting the overnight report inside their own hours`,
        })),
      ...plan.groundTruth
        .filter((t) => t.expected === 'no-flag')
        .map((t) => ({ actor_id: t.actor_id, description: `${t.scenario}: ${t.description}` })),
    ],
  };
}

/** Streams the events to JSONL in ~4 MB writes; returns how many were written. */
async function writeEventsJsonl(
  plan: DemoPlan,
  file: string,
  progress: (message: string) => void,
): Promise<number> {
  const handle = await open(file, 'w');
  try {
    let chunk: string[] = [];
    let chunkLength = 0;
    let count = 0;
    for (const event of generateDemoEvents(plan)) {
      const line = JSON.stringify(event);
      chunk.push(line);
      chunkLength += line.length + 1;
      count++;
      if (chunkLength >= 4_000_000) {
        await handle.write(`${chunk.join('\n')}\n`);
        chunk = [];
        chunkLength = 0;
      }
      if (count % 250_000 === 0) progress(`  ${count} events (up to ${event.event_time.slice(0, 10)})`);
    }
    if (chunk.length > 0) await handle.write(`${chunk.join('\n')}\n`);
    return count;
  } finally {
    await handle.close();
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
