/**
 * `auditlake eval`: generate a seeded lake with the evaluation scenarios in a temporary
 * directory, run every enabled detector over its detection window exactly as `auditlake run`
 * would (same runner, DuckDB engine, rollups, dedup in memory), score the findings against the
 * labelled ground truth, and remove the lake. Whatever detectors `queries/detectors` holds are
 * measured; nothing here knows them by name.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { runDetection } from '../cli/detection-run.ts';
import { loadDetectorCatalog } from '../core/detector-catalog.ts';
import { AuditlakeError, ConfigError } from '../core/errors.ts';
import { generateDemoLake } from '../demo/demo-lake.ts';
import { DAY_MS } from '../demo/local-time.ts';
import { EVALUATION_DAYS } from '../demo/scenario.ts';
import { type Evaluation, evaluateDetection } from './metrics.ts';

export const EVAL_DEFAULTS = {
  employees: 1000,
  days: 60,
  seed: 7,
  end: '2026-04-06',
  detectionDays: EVALUATION_DAYS,
} as const;

export interface EvalOptions {
  readonly employees: number;
  readonly days: number;
  readonly seed: number;
  /** Exclusive end of the generated period, a UTC midnight. */
  readonly end: Date;
  /**
   * Run the detectors over only the last this-many days, for a quicker measurement; scenarios
   * wholly before them are left out of the scores and listed in `settings.not_evaluated`.
   * @default EVALUATION_DAYS (21: every scenario acts inside)
   */
  readonly detectionDays?: number;
  readonly queriesDir: string;
  readonly rollupsDir: string;
  /** Where the temporary lake is made (and removed). @default os.tmpdir() */
  readonly workDir?: string;
  readonly onProgress?: (message: string) => void;
}

export interface DetectorRun {
  readonly detector_id: string;
  readonly windows: number;
  readonly engine_ms: number;
  readonly error: string | null;
}

export interface EvalResult {
  readonly settings: {
    readonly employees: number;
    readonly days: number;
    readonly seed: number;
    readonly start: string;
    readonly end: string;
    readonly detection_from: string;
    readonly detection_days: number;
    readonly events: number;
    /** Planted scenarios that lie wholly before the detection window (only with a shorter window). */
    readonly not_evaluated: readonly string[];
  };
  readonly evaluation: Evaluation;
  /** One per detector the runner tried, with its error if it failed. */
  readonly detector_runs: readonly DetectorRun[];
  /** Detector files that did not load, and detectors that failed: the measurement is incomplete. */
  readonly problems: readonly string[];
  readonly timings_ms: {
    readonly generate: number;
    readonly ingest: number;
    readonly detect: number;
    readonly total: number;
  };
}

const groundTruthSchema = z.array(
  z.object({
    actor_id: z.string(),
    scenario: z.string(),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    expected: z.enum(['flag', 'no-flag']).default('flag'),
  }),
);

export async function runEvaluation(options: EvalOptions): Promise<EvalResult> {
  const progress = options.onProgress ?? (() => {});
  const detectionDays = options.detectionDays ?? EVALUATION_DAYS;
  if (!Number.isInteger(detectionDays) || detectionDays < 1 || detectionDays > options.days) {
    throw new ConfigError(
      `detection days: expected a whole number from 1 to the ${options.days} days generated (got ${detectionDays})`,
    );
  }
  const started = performance.now();
  // Read once up front: a missing folder fails before minutes of generation, and bad files are named.
  const catalog = await loadDetectorCatalog(options.queriesDir);
  const root = await mkdtemp(join(options.workDir ?? tmpdir(), 'auditlake-eval-'));
  try {
    const lakeDir = join(root, 'lake');
    // The lake's people are made up: the deployment's suppressions name real people and must not apply.
    const suppressionsFile = join(root, 'suppressions.yaml');
    await writeFile(suppressionsFile, 'suppressions: []\n');
    const lake = await generateDemoLake({
      lakeDir,
      employees: options.employees,
      days: options.days,
      seed: options.seed,
      end: options.end,
      scenarios: 'evaluation',
      onProgress: progress,
    });
    const planted = groundTruthSchema.parse(await readJson(join(lakeDir, 'ground-truth.json')));
    const to = new Date(lake.end);
    const from = new Date(to.getTime() - detectionDays * DAY_MS);
    const scenarios = planted.filter((s) => Date.parse(s.to) >= from.getTime());
    progress(
      `Running every enabled detector over the last ${detectionDays} days, from ${from.toISOString().slice(0, 10)}`,
    );

    const detectStarted = performance.now();
    const { report } = await runDetection({
      lakeDir,
      queriesDir: options.queriesDir,
      rollupsDir: options.rollupsDir,
      suppressionsFile,
      detectorIds: [],
      mode: { kind: 'backfill', from, to },
      statePath: undefined,
      outPath: undefined,
      webhook: undefined,
      params: [],
      // The runner's findings table and run lines are not printed: eval prints its own summary.
      print: () => {},
    });
    const detect = Math.round(performance.now() - detectStarted);

    const evaluation = evaluateDetection({
      scenarios,
      findings: report.findings,
      detectorIds: report.detectors.map((run) => run.detectorId),
      employees: lake.employees,
      detectionDays,
    });
    const loadErrors = catalog.errors.map((error) => `${error.message} (detector skipped)`);
    const runErrors = report.detectors.flatMap((run) =>
      run.error ? [`${run.detectorId}: ${run.error}`] : [],
    );
    return {
      settings: {
        employees: lake.employees,
        days: lake.days,
        seed: lake.seed,
        start: lake.start,
        end: lake.end,
        detection_from: from.toISOString(),
        detection_days: detectionDays,
        events: lake.event_count,
        not_evaluated: planted.filter((s) => !scenarios.includes(s)).map((s) => s.scenario),
      },
      evaluation,
      detector_runs: report.detectors.map((run) => ({
        detector_id: run.detectorId,
        windows: run.windows,
        engine_ms: run.engineMillis,
        error: run.error ?? null,
      })),
      problems: [...loadErrors, ...runErrors],
      timings_ms: {
        generate: lake.millis.generate,
        ingest: lake.millis.ingest,
        detect,
        total: Math.round(performance.now() - started),
      },
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AuditlakeError(`${path}: cannot read the generated lake's file (${String(error)})`);
  }
}
