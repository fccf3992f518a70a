/**
 * Measuring helpers for the scale benchmark: peak RSS of a phase, bytes and files a DuckDB
 * statement read (from DuckDB's JSON profile), handler module init in a fresh Node, and
 * esbuild bundle sizes. Nothing here asserts: the bench reports, people judge.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import type { DuckDbEngine } from '../lambdas/engines/duckdb-engine.ts';

export interface PhaseResult<T> {
  readonly value: T;
  readonly millis: number;
  readonly peakRssBytes: number;
}

/** Runs `work`, sampling RSS every 50 ms; the peak includes DuckDB's native memory. */
export async function measurePhase<T>(work: () => Promise<T>): Promise<PhaseResult<T>> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, millis: performance.now() - started, peakRssBytes: peak };
  } finally {
    clearInterval(timer);
  }
}

export interface ScanTally {
  statements: number;
  /** Parquet files the statements' scans opened (DuckDB's "Total Files Read"), summed. */
  files: number;
  /**
   * Bytes the process read from files while the statements ran (`rchar` of /proc/self/io): the
   * column chunks and footers DuckDB fetched, the closest local measure of what Athena bills.
   */
  bytesRead: number;
}

export function emptyTally(): ScanTally {
  return { statements: 0, files: 0, bytesRead: 0 };
}

/** Bytes read by this process so far (Linux); DuckDB's threads read with pread, which counts. */
export async function processBytesRead(): Promise<number> {
  const io = await readFile('/proc/self/io', 'utf8');
  const match = /^rchar:\s*(\d+)$/m.exec(io);
  if (!match?.[1]) throw new Error('/proc/self/io has no rchar line: the byte measure needs Linux');
  return Number(match[1]);
}

/**
 * Makes every statement of `engine` (detector queries and rollup COPYs alike) add what it read to
 * `tally()`'s current tally: bytes from /proc/self/io around the statement, files from DuckDB's
 * JSON profile. DuckDB's own `total_bytes_read` metric is not used: it undercounts Parquet reads.
 */
export async function profileEngine(
  engine: DuckDbEngine,
  profileFile: string,
  tally: () => ScanTally | undefined,
): Promise<void> {
  await engine.run(
    `SET enable_external_file_cache = false; PRAGMA enable_profiling = 'json'; PRAGMA profiling_output = '${profileFile}'; SET custom_profiling_settings = '{"EXTRA_INFO": "true"}'`,
  );
  const measured = async <T>(work: () => Promise<T>): Promise<T> => {
    const before = await processBytesRead();
    const result = await work();
    const bytes = (await processBytesRead()) - before;
    const current = tally();
    if (current) {
      const profile = JSON.parse(await readFile(profileFile, 'utf8')) as ProfileNode;
      current.statements++;
      current.bytesRead += bytes;
      current.files += filesRead(profile);
    }
    return result;
  };
  const query = engine.query.bind(engine);
  const run = engine.run.bind(engine);
  engine.query = (request) => measured(() => query(request));
  engine.run = (sql) => measured(() => run(sql));
}

interface ProfileNode {
  readonly extra_info?: Record<string, unknown>;
  readonly children?: readonly ProfileNode[];
}

function filesRead(node: ProfileNode): number {
  const own = Number(node.extra_info?.['Total Files Read'] ?? 0);
  return own + (node.children ?? []).reduce((sum, child) => sum + filesRead(child), 0);
}

const run = promisify(execFile);

/**
 * Milliseconds to `import()` a module in a fresh Node, the median of `repeats`: with `tsx` for
 * TypeScript sources (transpiling included), plain Node for a bundle (what Lambda runs).
 */
export async function moduleInitMillis(modulePath: string, repeats = 3): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(modulePath)}); console.log(performance.now() - t);`;
  const loader = modulePath.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const { stdout } = await run(process.execPath, [...loader, '--input-type=module', '-e', script]);
    samples.push(Number(stdout.trim().split('\n').pop()));
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** Minified ESM bundle for Node with the AWS SDK external (the Lambda runtime provides it). */
export async function bundle(entry: string): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    minify: true,
    target: 'node20',
    external: ['@aws-sdk/*'],
    // CommonJS dependencies call require(); an ESM bundle needs one (as NodejsFunction's banner does).
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'silent',
  });
  const [output] = result.outputFiles;
  if (!output || result.outputFiles.length !== 1) throw new Error(`${entry}: expected one bundled file`);
  return output.contents;
}
