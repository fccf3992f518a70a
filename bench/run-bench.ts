/**
 * `npm run bench [-- --employees 5000 --days 30 | --quick]`: the scale benchmark. Generates a
 * seeded demo lake, ingests it, and measures side by side in one run: ingest against DuckDB's own
 * JSON→Parquet COPY, the detector suite against a one-scan floor, bytes an hourly run reads with
 * rollups against the same detectors rescanning raw events, backfill throughput, peak RSS per
 * phase, and the Lambda handlers' init time and bundle size. Prints a table and writes
 * bench/results.json. Not part of `npm test`: it reports ratios, it asserts nothing.
 */
import { mkdir, mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_EVENT_COLUMNS } from '../lambdas/core/audit-event.ts';
import { isActive } from '../lambdas/core/detector.ts';
import { loadDetectorCatalog } from '../lambdas/core/detector-catalog.ts';
import { loadRollupCatalog, renderRollupDay } from '../lambdas/core/rollup.ts';
import { type RunMode, type RunReport, runDetectors } from '../lambdas/core/runner.ts';
import { measureLakeSizes } from '../lambdas/cost/lake-sizes.ts';
import { generateDemoEvents, planDemo } from '../lambdas/demo/demo-events.ts';
import { formatEmployeesCsv } from '../lambdas/demo/employee-csv.ts';
import { DAY_MS } from '../lambdas/demo/local-time.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../lambdas/engines/duckdb-engine.ts';
import { localRollups } from '../lambdas/engines/duckdb-rollup-store.ts';
import { sqlString } from '../lambdas/engines/lake-tables.ts';
import { ingestFiles } from '../lambdas/ingest/ingest.ts';
import { MemoryStateStore } from '../lambdas/stores/memory-state-store.ts';
import {
  bundle,
  emptyTally,
  measurePhase,
  moduleInitMillis,
  profileEngine,
  type ScanTally,
} from './bench-probes.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const QUERIES = path.join(ROOT, 'queries', 'detectors');
const ROLLUPS = path.join(ROOT, 'queries', 'rollups');
const END = new Date('2026-04-06T00:00:00Z');
const SEED = 42;
/** The demo lake's detection window: the last 7 days, where the planted insiders act. */
const DETECTION_DAYS = 7;
const HOUR_MS = 3_600_000;

const { values: args } = parseArgs({
  options: {
    employees: { type: 'string', default: '5000' },
    days: { type: 'string', default: '30' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results.json') },
  },
});
const employees = args.quick ? 500 : Number(args.employees);
const days = args.quick ? 30 : Number(args.days);
if (!Number.isInteger(employees) || !Number.isInteger(days) || days < 8) {
  throw new Error(`--employees and --days must be whole numbers, days ≥ 8 (got ${employees} × ${days})`);
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const root = await mkdtemp(path.join(tmpdir(), 'auditlake-bench-'));
try {
  const results = await bench(root);
  await writeFile(args.out, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${formatTable(results)}\n\nwritten to ${path.relative(process.cwd(), args.out)}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}

async function bench(root: string) {
  const lakeDir = path.join(root, 'lake');
  const jsonl = path.join(root, 'events.jsonl');
  const plan = planDemo({ employees, days, seed: SEED, endDay: END.getTime() / DAY_MS, scenarios: 'demo' });
  await mkdir(path.join(lakeDir, 'employees'), { recursive: true });
  await writeFile(path.join(lakeDir, 'employees', 'employees.csv'), formatEmployeesCsv(plan.employees));

  log(`generating ${employees} employees × ${days} days`);
  const generate = await measurePhase(() => writeJsonl(plan, jsonl));
  const events = generate.value;
  const jsonlBytes = (await stat(jsonl)).size;

  log(`ingesting ${events} events`);
  const ingest = await measurePhase(() => ingestFiles({ files: [jsonl], lakeDir, now: END }));
  log('DuckDB COPY floor');
  const copyFloor = await measurePhase(() => copyJsonToParquet(jsonl, path.join(root, 'copy-floor')));
  await rm(jsonl);
  const rawParquetBytes = await treeBytes(path.join(lakeDir, 'audit_events'));

  const catalog = await loadDetectorCatalog(QUERIES);
  const detectors = catalog.detectors.filter(isActive);
  const from = new Date(END.getTime() - DETECTION_DAYS * DAY_MS);
  const engine = await openDuckDbEngine({ lakeDir });
  const profileFile = path.join(root, 'profile.json');
  let tally: ScanTally | undefined;
  try {
    const rollups = await localRollups(engine, lakeDir, ROLLUPS);
    const suite = (mode: RunMode, clock: Date) =>
      runDetectors(
        { detectors, mode },
        {
          engine,
          watermarks: new MemoryStateStore(),
          dedup: new MemoryStateStore(),
          sinks: [],
          rollups,
          clock: () => clock,
        },
      );
    const backfill: RunMode = { kind: 'backfill', from, to: END };

    log(`backfill, rollups cold: ${detectors.length} detectors over the last ${DETECTION_DAYS} days`);
    const cold = await measurePhase(() => suite(backfill, END));
    log('one-scan floor');
    const columns = suiteColumns(detectors.map((d) => d.sql));
    const floor = await measurePhase(() => oneScan(engine, columns, from, END));
    log('suite again, rollups warm');
    const warm = await measurePhase(() => suite(backfill, END));

    const lakeSizes = await measureLakeSizes(engine, lakeDir);
    await profileEngine(engine, profileFile, () => tally);
    // A mid-day hour: the hourly detectors are due, the daily ones are not.
    const hourlyAt = new Date(END.getTime() - 6 * HOUR_MS);
    const hourly: RunMode = { kind: 'incremental', lateDelayMs: 0, initialBackfillMs: HOUR_MS };
    log('hourly run with rollups (profiled)');
    const incrementalTally = emptyTally();
    tally = incrementalTally;
    const incremental = await suite(hourly, hourlyAt);
    tally = undefined;
    log('hourly run rescanning raw events (profiled)');
    await replaceRollupsWithRawViews(engine, lakeDir);
    const naiveTally = emptyTally();
    tally = naiveTally;
    const naive = await suite(hourly, hourlyAt);
    tally = undefined;

    log('Lambda handlers: init and bundles');
    const handlers = await handlerStats();
    const windowsOf = (report: RunReport) => report.detectors.reduce((sum, run) => sum + run.windows, 0);
    const failures = [cold.value, warm.value, incremental, naive].flatMap((report) =>
      report.detectors.flatMap((run) => (run.error ? [`${run.detectorId}: ${run.error}`] : [])),
    );
    for (const failure of failures) log(`failed: ${failure}`);
    return {
      settings: {
        employees,
        days,
        seed: SEED,
        end: END.toISOString(),
        events,
        detectors: detectors.map((d) => d.id),
        detection_days: DETECTION_DAYS,
        hourly_run_at: hourlyAt.toISOString(),
        node: process.version,
      },
      sizes: {
        jsonl_bytes: jsonlBytes,
        raw_parquet_bytes: rawParquetBytes,
        parquet_bytes_per_event: rawParquetBytes / events,
        /** The cost model's inputs; lambdas/cost/default-sizes.ts holds a copy from a documented run. */
        cost_model: lakeSizes,
      },
      generate: {
        ms: generate.millis,
        events_per_s: events / (generate.millis / 1000),
        peak_rss: generate.peakRssBytes,
      },
      ingest: {
        ms: ingest.millis,
        events_per_s: events / (ingest.millis / 1000),
        peak_rss: ingest.peakRssBytes,
        copy_floor_ms: copyFloor.millis,
        copy_floor_events_per_s: events / (copyFloor.millis / 1000),
        copy_floor_peak_rss: copyFloor.peakRssBytes,
        ratio_to_floor: copyFloor.millis / ingest.millis,
      },
      detection: {
        windows: windowsOf(warm.value),
        cold_ms: cold.millis,
        cold_peak_rss: cold.peakRssBytes,
        rollup_partitions_built: cold.value.detectors.reduce((sum, run) => sum + run.rollupPartitions, 0),
        backfill_windows_per_s: windowsOf(cold.value) / (cold.millis / 1000),
        warm_ms: warm.millis,
        warm_peak_rss: warm.peakRssBytes,
        warm_windows_per_s: windowsOf(warm.value) / (warm.millis / 1000),
        one_scan_floor_ms: floor.millis,
        one_scan_columns: columns,
        suite_to_floor_cold: cold.millis / floor.millis,
        suite_to_floor_warm: warm.millis / floor.millis,
        failures,
      },
      hourly: {
        windows: windowsOf(incremental),
        incremental: incrementalTally,
        naive: naiveTally,
        naive_windows: windowsOf(naive),
        bytes_ratio: incrementalTally.bytesRead / naiveTally.bytesRead,
        files_ratio: incrementalTally.files / naiveTally.files,
      },
      handlers,
    };
  } finally {
    await engine.close();
  }
}

async function writeJsonl(plan: ReturnType<typeof planDemo>, file: string): Promise<number> {
  const handle = await open(file, 'w');
  try {
    let chunk: string[] = [];
    let length = 0;
    let count = 0;
    for (const event of generateDemoEvents(plan)) {
      const line = JSON.stringify(event);
      chunk.push(line);
      length += line.length + 1;
      count++;
      if (length >= 4_000_000) {
        await handle.write(`${chunk.join('\n')}\n`);
        chunk = [];
        length = 0;
      }
    }
    if (chunk.length > 0) await handle.write(`${chunk.join('\n')}\n`);
    return count;
  } finally {
    await handle.close();
  }
}

/** The floor for ingest: DuckDB converting the same JSONL to dt-partitioned Parquet, no checks. */
async function copyJsonToParquet(jsonl: string, outDir: string): Promise<void> {
  const engine = await openDuckDbEngine();
  try {
    await engine.run(
      `SET TimeZone = 'UTC'; COPY (SELECT *, strftime(CAST(event_time AS TIMESTAMPTZ), '%Y-%m-%d') AS dt FROM read_json(${sqlString(jsonl)}, format = 'newline_delimited')) TO ${sqlString(outDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (dt))`,
    );
  } finally {
    await engine.close();
  }
}

/** audit_events columns any detector names: what a shared scan would have to read. */
function suiteColumns(sqls: readonly string[]): string[] {
  const text = sqls.join('\n').toLowerCase();
  return AUDIT_EVENT_COLUMNS.map((c) => c.name).filter((name) => new RegExp(`\\b${name}\\b`).test(text));
}

/** One query reading every column the suite needs over the window's partitions, once. */
async function oneScan(engine: DuckDbEngine, columns: readonly string[], from: Date, to: Date) {
  const dt = (at: Date) => at.toISOString().slice(0, 10);
  const aggregates = columns.map((c) => `count(DISTINCT ${c})`).join(', ');
  return engine.query({
    sql: `SELECT ${aggregates} FROM audit_events WHERE dt >= '${dt(from)}' AND dt < '${dt(to)}'`,
    label: 'one-scan floor',
  });
}

/**
 * The naive run: each rollup table becomes a view computing the same rows from raw events, one
 * UNION ALL branch per day, so a detector's dt filter keeps the branches (and partitions) of its
 * whole lookback and every one of them is rescanned from audit_events.
 */
async function replaceRollupsWithRawViews(engine: DuckDbEngine, lakeDir: string): Promise<void> {
  const { rollups } = await loadRollupCatalog(ROLLUPS);
  const dts = (await readdir(path.join(lakeDir, 'audit_events')))
    .filter((name) => name.startsWith('dt='))
    .map((name) => name.slice(3))
    .sort();
  for (const rollup of rollups) {
    const branches = dts.map((dt) => `SELECT *, '${dt}' AS dt FROM (${renderRollupDay(rollup, dt)})`);
    await engine.run(`CREATE OR REPLACE VIEW ${rollup.table} AS ${branches.join('\nUNION ALL\n')}`);
  }
}

/**
 * Init of each handler imported from source under tsx (transpiling included, as the brief asks)
 * and of its bundle under plain Node (what Lambda loads). The bundle is written under
 * node_modules/.cache so its external `@aws-sdk/*` imports resolve.
 */
async function handlerStats() {
  const stats: Record<string, { init_ms: number; bundled_init_ms: number; bundle_bytes: number }> = {};
  const cache = path.join(ROOT, 'node_modules', '.cache', 'auditlake-bench');
  await mkdir(cache, { recursive: true });
  try {
    for (const name of [
      'detector-handler',
      'ticketing-handler',
      'stream-validation-handler',
      'digest-handler',
    ]) {
      const entry = path.join(ROOT, 'lambdas', 'handlers', `${name}.ts`);
      const code = await bundle(entry);
      const bundled = path.join(cache, `${name}.mjs`);
      await writeFile(bundled, code);
      stats[name] = {
        init_ms: await moduleInitMillis(entry),
        bundled_init_ms: await moduleInitMillis(bundled),
        bundle_bytes: code.byteLength,
      };
    }
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
  return stats;
}

async function treeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(path.join(entry.parentPath, entry.name))).size;
  }
  return total;
}

type Results = Awaited<ReturnType<typeof bench>>;

function formatTable(r: Results): string {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const peakAll = Math.max(
    r.generate.peak_rss,
    r.ingest.peak_rss,
    r.ingest.copy_floor_peak_rss,
    r.detection.cold_peak_rss,
    r.detection.warm_peak_rss,
  );
  const h = r.handlers;
  const handlerRows = Object.entries(h).map(
    ([name, stat]) =>
      [
        `${name}: init tsx / bundled, size`,
        `${stat.init_ms.toFixed(0)} ms / ${stat.bundled_init_ms.toFixed(0)} ms, ${(stat.bundle_bytes / 1024).toFixed(0)} KiB`,
        '≤ 300 ms, ≤ 1 MB',
        `${verdict(stat.bundled_init_ms <= 300)} (bundled; tsx ${verdict(stat.init_ms <= 300)}), size ${verdict(stat.bundle_bytes <= 1_048_576)}`,
      ] as const,
  );
  const rows: (readonly [string, string, string, string])[] = [
    ['lake', `${n(r.settings.employees)} × ${r.settings.days} d, ${n(r.settings.events)} events`, '', ''],
    [
      'raw Parquet',
      `${mb(r.sizes.raw_parquet_bytes)}, ${r.sizes.parquet_bytes_per_event.toFixed(1)} B/event`,
      '',
      '',
    ],
    [
      'generate',
      `${s(r.generate.ms)}, ${n(r.generate.events_per_s)} events/s, RSS ${mb(r.generate.peak_rss)}`,
      '',
      '',
    ],
    [
      'ingest',
      `${s(r.ingest.ms)}, ${n(r.ingest.events_per_s)} events/s, RSS ${mb(r.ingest.peak_rss)}`,
      '',
      '',
    ],
    [
      'COPY floor',
      `${s(r.ingest.copy_floor_ms)}, ${n(r.ingest.copy_floor_events_per_s)} events/s, RSS ${mb(r.ingest.copy_floor_peak_rss)}`,
      '',
      '',
    ],
    [
      'ingest / COPY floor (speed)',
      r.ingest.ratio_to_floor.toFixed(2),
      '≥ 0.5',
      verdict(r.ingest.ratio_to_floor >= 0.5),
    ],
    [
      'suite, rollups cold',
      `${s(r.detection.cold_ms)}, ${r.detection.rollup_partitions_built} rollup days built, RSS ${mb(r.detection.cold_peak_rss)}`,
      '',
      '',
    ],
    [
      'suite, rollups warm',
      `${s(r.detection.warm_ms)}, ${n(r.detection.windows)} windows, RSS ${mb(r.detection.warm_peak_rss)}`,
      '',
      '',
    ],
    [
      'one-scan floor',
      `${s(r.detection.one_scan_floor_ms)} (${r.detection.one_scan_columns.length} columns)`,
      '',
      '',
    ],
    [
      'suite / floor (warm)',
      r.detection.suite_to_floor_warm.toFixed(1),
      '≤ 2',
      verdict(r.detection.suite_to_floor_warm <= 2),
    ],
    ['suite / floor (cold)', r.detection.suite_to_floor_cold.toFixed(1), '', ''],
    [
      'backfill',
      `${r.detection.backfill_windows_per_s.toFixed(1)} detector-windows/s (cold), ${r.detection.warm_windows_per_s.toFixed(1)} warm`,
      '',
      '',
    ],
    [
      'hourly run, rollups',
      `${mb(r.hourly.incremental.bytesRead)} read, ${r.hourly.incremental.files} files, ${r.hourly.windows} windows`,
      '',
      '',
    ],
    [
      'hourly run, raw rescan',
      `${mb(r.hourly.naive.bytesRead)} read, ${r.hourly.naive.files} files, ${r.hourly.naive_windows} windows`,
      '',
      '',
    ],
    [
      'incremental / naive bytes',
      `1/${(1 / r.hourly.bytes_ratio).toFixed(1)} (files 1/${(1 / r.hourly.files_ratio).toFixed(1)})`,
      '≤ 1/20',
      verdict(r.hourly.bytes_ratio <= 1 / 20),
    ],
    ['peak RSS, any phase', mb(peakAll), '≤ 2 GB', verdict(peakAll <= 2e9)],
    ...handlerRows,
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
