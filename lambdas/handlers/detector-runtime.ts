/**
 * Everything the detector Lambda runs with, built once per execution environment from the config
 * and the AWS clients: the Athena engine (one per invocation, for its deadline), the DynamoDB state
 * store, the sinks (per invocation: the investigation report queries through its engine) and flood
 * control, and the bundled detectors and suppressions. Tests build it with mocked clients, or swap
 * the engine for DuckDB and the store for memory.
 */
import { join } from 'node:path';
import { logger } from '../aws/powertools.ts';
import { readOptionalFile } from '../core/config-file.ts';
import { type DetectorCatalog, loadDetectorCatalog } from '../core/detector-catalog.ts';
import type { FloodControl } from '../core/flood-control.ts';
import type { DedupStore, FindingSink, QueryEngine, WatermarkStore } from '../core/ports.ts';
import {
  compileRedaction,
  DEFAULT_REDACTION,
  parseRedaction,
  REDACTION_FILE,
  type Redaction,
} from '../core/redaction.ts';
import { loadRollupCatalog, type Rollup, type Rollups } from '../core/rollup.ts';
import { parseSuppressions, SUPPRESSIONS_FILE, type SuppressionEntry } from '../core/suppressions.ts';
import { AthenaEngine } from '../engines/athena-engine.ts';
import type { S3FindingsLocation } from '../sinks/s3-finding-history.ts';
import type { S3ReportSink, S3ReportSinkOptions } from '../sinks/s3-report-sink.ts';
import { SuppressionLogSink } from '../sinks/suppression-log-sink.ts';
import { type DetectorLease, DynamoDbStateStore } from '../stores/dynamodb-state-store.ts';
import { type AwsClients, loadOnce } from './aws-clients.ts';
import type { DetectorConfig } from './detector-config.ts';

/** What an invocation tells the runtime about itself. */
export interface Invocation {
  /** The Lambda request id: owner of the detector's lease. */
  readonly requestId: string;
  /** Milliseconds until the Lambda is stopped (`context.getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
}

/** The detectors, rollups and suppressions bundled with the function, read once. */
export interface DetectorBundle {
  readonly catalog: DetectorCatalog;
  readonly rollups: readonly Rollup[];
  readonly suppressions: readonly SuppressionEntry[];
  /** From `redaction.yaml` beside the detectors folder; the built-in defaults when it is absent. */
  readonly redaction: Redaction;
}

export interface DetectorRuntime {
  readonly config: DetectorConfig;
  loadBundle(): Promise<DetectorBundle>;
  /** An engine for one invocation; closed when the invocation ends. */
  openEngine(invocation: Invocation): Promise<QueryEngine>;
  /** Where the invocation's engine builds the rollups detectors read; undefined when none is configured. */
  rollups(engine: QueryEngine, catalog: readonly Rollup[]): Rollups | undefined;
  readonly watermarks: WatermarkStore;
  readonly dedup: DedupStore;
  /** Without one, concurrent invocations rely on the watermark's conditional write alone. */
  readonly lease: DetectorLease | undefined;
  /**
   * The sinks of one invocation, in publish order: the idempotent history first (a failure after
   * it leaves nothing that a retry would duplicate), then the window's investigation report, then
   * SNS, whose alerts name the report just written (or say it could not be).
   */
  sinks(reports: ReportContext): readonly FindingSink[];
  readonly floodControl: FloodControl;
  readonly clock: () => Date;
}

/** What the invocation gives the report sink: its engine, the detector's lookback, and where to say how it went. */
export type ReportContext = Pick<S3ReportSinkOptions, 'engine' | 'lookbackDays' | 'onWritten' | 'onFailure'>;

/** Parts a test may replace. */
export interface RuntimeOverrides {
  readonly openEngine?: (invocation: Invocation) => Promise<QueryEngine>;
  readonly rollups?: (engine: QueryEngine, catalog: readonly Rollup[]) => Rollups | undefined;
  /** Replaces the DynamoDB store; the lease goes with it unless `lease` is given too. */
  readonly state?: WatermarkStore & DedupStore;
  readonly lease?: DetectorLease;
  readonly clock?: () => Date;
}

/** The rollups folder, bundled next to the detectors folder (with the suppressions and redaction files). */
export const ROLLUPS_DIR = 'rollups';

export function createDetectorRuntime(
  config: DetectorConfig,
  clients: AwsClients,
  overrides: RuntimeOverrides = {},
): DetectorRuntime {
  const clock = overrides.clock ?? (() => new Date());
  const store = new DynamoDbStateStore({
    client: clients.dynamo,
    tableName: config.state.tableName,
    ...(config.state.dedupTableName === undefined ? {} : { dedupTableName: config.state.dedupTableName }),
    clock,
  });
  const state = overrides.state ?? store;
  // The S3 and SNS outputs load their SDK packages when first used (aws-clients.ts says why).
  const location = loadOnce(
    async (): Promise<S3FindingsLocation> => ({
      client: await clients.s3(),
      bucket: config.findings.bucket,
      prefix: config.findings.prefix,
      ...(config.findings.kmsKeyId === undefined ? {} : { kmsKeyId: config.findings.kmsKeyId }),
    }),
  );
  const snsOptions = async () => ({
    client: await clients.sns(),
    topicArn: config.findings.topicArn,
    ...(config.region === undefined ? {} : { consoleRegion: config.region }),
  });
  const archive = loadOnce(
    async () => new (await import('../sinks/s3-finding-archive.ts')).S3FindingArchive(await location()),
  );
  return {
    config,
    // Read once; a failed read is retried by the next invocation.
    loadBundle: loadOnce(() => readBundle(config.detectorsDir)),
    openEngine:
      overrides.openEngine ??
      (async (invocation) =>
        new AthenaEngine({
          client: clients.athena,
          workGroup: config.athena.workGroup,
          database: config.athena.database,
          ...(config.athena.outputLocation === undefined
            ? {}
            : { outputLocation: config.athena.outputLocation }),
          ...(config.region === undefined ? {} : { consoleRegion: config.region }),
          maxRows: config.athena.maxRows,
          remainingMs: () => invocation.remainingMs() - config.athena.safetyMarginMs,
          clock,
        })),
    rollups:
      overrides.rollups ??
      ((engine, catalog) => {
        if (!config.rollups) return undefined;
        const { bucket, prefix } = config.rollups;
        const store = loadOnce(async () => {
          const { AthenaRollupStore } = await import('../engines/athena-rollup-store.ts');
          return new AthenaRollupStore({ engine, s3: await clients.s3(), bucket, prefix });
        });
        return {
          catalog,
          store: {
            existingPartitions: async (...args) => (await store()).existingPartitions(...args),
            writePartition: async (...args) => (await store()).writePartition(...args),
          },
        };
      }),
    watermarks: state,
    dedup: state,
    lease: overrides.lease ?? (overrides.state ? undefined : store),
    sinks: (reports) => {
      let report: S3ReportSink | undefined;
      return [
        lazySink(
          's3-history',
          async () => new (await import('../sinks/s3-finding-history.ts')).S3FindingHistory(await location()),
        ),
        // Applied suppressions are logged (ids, owner, reason, expiry) so muting is itself visible.
        new SuppressionLogSink((entry) => logger.info('suppression applied', { ...entry })),
        lazySink('s3-report', async () => {
          const { S3ReportSink } = await import('../sinks/s3-report-sink.ts');
          report = new S3ReportSink({ ...(await location()), ...reports, clock });
          return report;
        }),
        // Publishes after the report sink, which has loaded by then and knows each report's fate.
        lazySink('sns', async () => {
          const { SnsSink } = await import('../sinks/sns-sink.ts');
          return new SnsSink({ ...(await snsOptions()), report: (finding) => report?.status(finding) });
        }),
      ];
    },
    floodControl: {
      maxFindingsPerWindow: config.findings.maxPerWindow,
      archive: { write: async (...args) => (await archive()).write(...args) },
    },
    clock,
  };
}

/** A sink whose module loads on its first publish, which comes only with findings. */
function lazySink(name: string, load: () => Promise<FindingSink>): FindingSink {
  const sink = loadOnce(load);
  return { name, publish: async (findings) => (await sink()).publish(findings) };
}

async function readBundle(detectorsDir: string): Promise<DetectorBundle> {
  const catalog = await loadDetectorCatalog(detectorsDir);
  const rollups = await loadRollupCatalog(join(detectorsDir, '..', ROLLUPS_DIR));
  // A broken rollup file surfaces when a detector that names it runs (the runner cannot find it).
  const file = join(detectorsDir, '..', SUPPRESSIONS_FILE);
  const text = await readOptionalFile(file, 'suppressions file');
  const redactionFile = join(detectorsDir, '..', REDACTION_FILE);
  const redactionText = await readOptionalFile(redactionFile, 'redaction file');
  return {
    catalog,
    rollups: rollups.rollups,
    suppressions: text === undefined ? [] : parseSuppressions(file, text),
    redaction:
      redactionText === undefined
        ? DEFAULT_REDACTION
        : compileRedaction(parseRedaction(redactionFile, redactionText)),
  };
}
