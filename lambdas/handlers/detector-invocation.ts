/**
 * One invocation of the detector Lambda: pick the detector, take its lease (scheduled runs), run
 * the shipped core runner over the due windows, and report through Powertools. Logs carry the
 * detector id, windows, counts and Athena query ids, never a finding's summary or evidence (they
 * name people and what they touched); those go only to the sinks.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type Detector, isActive } from '../core/detector.ts';
import type { DetectorCatalog } from '../core/detector-catalog.ts';
import { AuditlakeError } from '../core/errors.ts';
import type { QueryEngine, QueryRequest, QueryResult } from '../core/ports.ts';
import { type DetectorRunReport, type RunMode, runDetectors } from '../core/runner.ts';
import { reportLookbackDays } from '../report/report-model.ts';
import type { DetectorEvent } from './detector-event.ts';
import type { DetectorRuntime, Invocation, ReportContext } from './detector-runtime.ts';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

export type InvocationOutcome =
  | { readonly detector: string; readonly status: 'ran'; readonly report: DetectorRunReport }
  | { readonly detector: string; readonly status: 'skipped'; readonly reason: string };

/** The detector's run failed; its watermark is where it was, so the retry starts from there. */
export class DetectorRunError extends AuditlakeError {
  override readonly name = 'DetectorRunError';
}

export async function runDetectorInvocation(
  runtime: DetectorRuntime,
  event: DetectorEvent,
  invocation: Invocation,
  { logger, metrics }: Observability,
): Promise<InvocationOutcome> {
  const { catalog, rollups, suppressions, redaction } = await runtime.loadBundle();
  const detector = findDetector(catalog, event.detector);
  logger.appendKeys({ detector: detector.id, mode: event.backfill ? 'backfill' : 'incremental' });
  metrics.addDimension('detector', detector.id);
  if (!event.backfill && !isActive(detector)) {
    return skipped(logger, detector, `detector is ${detector.enabled ? detector.status : 'disabled'}`);
  }
  const mode: RunMode = event.backfill
    ? { kind: 'backfill', ...event.backfill }
    : {
        kind: 'incremental',
        lateDelayMs: runtime.config.lateDelayMs,
        initialBackfillMs: runtime.config.initialBackfillMs,
        maxWindows: runtime.config.maxWindowsPerRun,
      };
  // Backfills leave the watermark alone, so only scheduled runs need the detector to themselves.
  const lease = event.backfill ? undefined : runtime.lease;
  if (lease) {
    const now = runtime.clock();
    const until = new Date(now.getTime() + invocation.remainingMs());
    if (!(await lease.acquire(detector.id, invocation.requestId, now, until))) {
      return skipped(logger, detector, 'another invocation holds the lease');
    }
  }
  let engine: QueryEngine | undefined;
  let report: DetectorRunReport | undefined;
  const reports = { written: 0, failed: 0 };
  try {
    engine = await runtime.openEngine(invocation);
    const logged = loggingEngine(engine, logger);
    const rollupStore = runtime.rollups(logged, rollups);
    const run = await runDetectors(
      { detectors: [detector], mode },
      {
        engine: logged,
        ...(rollupStore ? { rollups: rollupStore } : {}),
        watermarks: runtime.watermarks,
        dedup: runtime.dedup,
        sinks: runtime.sinks(reportContext(logged, detector, logger, reports)),
        floodControl: runtime.floodControl,
        suppressions,
        redaction,
        clock: runtime.clock,
        onProgress: (progress) => {
          if (progress.kind !== 'window') return;
          logger.info('window done', {
            windowStart: progress.window.start.toISOString(),
            windowEnd: progress.window.end.toISOString(),
            findings: progress.findings,
          });
        },
      },
    );
    report = run.detectors[0];
  } finally {
    await engine?.close();
    // The lease lapses by itself at the invocation's deadline; a failed release must not hide the run's outcome.
    await lease?.release(detector.id, invocation.requestId).catch((error: unknown) => {
      logger.warn('could not release the lease', { error: error instanceof Error ? error.name : 'unknown' });
    });
  }
  if (!report) throw new DetectorRunError(`${detector.id}: the runner returned no report`);
  recordRun(metrics, report);
  metrics.addMetric('ReportsWritten', MetricUnit.Count, reports.written);
  metrics.addMetric('ReportsFailed', MetricUnit.Count, reports.failed);
  // Also without the detector dimension, so one alarm covers every detector.
  if (reports.failed > 0) metrics.singleMetric().addMetric('ReportsFailed', MetricUnit.Count, reports.failed);
  // Counts only; the error itself is logged once, by the handler, when it rethrows.
  const { error, ...counts } = report;
  logger.info('detector run finished', { ...counts, failed: error !== undefined });
  if (error !== undefined) {
    // Most runner errors name the detector already (query labels, output contract); others get it.
    const named = error.startsWith(`${detector.id} `) || error.startsWith(`${detector.id}:`);
    throw new DetectorRunError(named ? error : `${detector.id}: ${error}`);
  }
  if (report.skippedByConflict) return skipped(logger, detector, 'another run moved the watermark');
  return { detector: detector.id, status: 'ran', report };
}

function findDetector(catalog: DetectorCatalog, id: string): Detector {
  const detector = catalog.detectors.find((candidate) => candidate.id === id);
  if (detector) return detector;
  const broken = catalog.errors.find((error) => /([^\\/]+)\.sql$/.exec(error.file)?.[1] === id);
  if (broken) throw broken;
  const known = catalog.detectors.map((candidate) => candidate.id).join(', ') || 'none';
  throw new AuditlakeError(`no detector ${id} in the bundle (known: ${known})`);
}

/**
 * The investigation report of each window with findings: built on the invocation's engine and
 * counted. A failed report is a warning, not a failed run: its findings are already recorded and
 * still alerted, and the alert says the report is missing. Logs carry keys, counts and the
 * error (S3, KMS or Athena's), never finding content.
 */
function reportContext(
  engine: QueryEngine,
  detector: Detector,
  logger: Logger,
  counts: { written: number; failed: number },
): ReportContext {
  return {
    engine,
    lookbackDays: () => reportLookbackDays(detector),
    onWritten: (key, { findings, withoutCharts }) => {
      counts.written++;
      logger.info('report written', { key, findings, withoutCharts });
    },
    onFailure: (error, _detectorId, windowStart) => {
      counts.failed++;
      logger.warn('report not written', {
        windowStart,
        error: error instanceof Error ? error.name : 'unknown',
        reason: error instanceof Error ? error.message : String(error),
      });
    },
  };
}

function skipped(logger: Logger, detector: Detector, reason: string): InvocationOutcome {
  logger.info('detector run skipped', { reason });
  return { detector: detector.id, status: 'skipped', reason };
}

function recordRun(metrics: Metrics, report: DetectorRunReport): void {
  // Suppressed findings are recorded (history) but raise no alert: they are not "published" here.
  metrics.addMetric('FindingsPublished', MetricUnit.Count, report.published - report.suppressed);
  metrics.addMetric('FindingsSuppressed', MetricUnit.Count, report.suppressed);
  metrics.addMetric('BytesScanned', MetricUnit.Bytes, report.bytesScanned);
  metrics.addMetric('QueryMillis', MetricUnit.Milliseconds, report.engineMillis);
  metrics.addMetric('WindowsBehind', MetricUnit.Count, report.pendingWindows);
}

/** Logs every query's id, bytes and time; the label names detector and window, nothing more. */
function loggingEngine(engine: QueryEngine, logger: Logger): QueryEngine {
  return {
    name: engine.name,
    close: () => engine.close(),
    async query(request: QueryRequest): Promise<QueryResult> {
      const result = await engine.query(request);
      logger.info('query done', {
        query: request.label,
        queryId: result.stats.queryId,
        rows: result.rows.length,
        bytesScanned: result.stats.bytesScanned,
        engineMillis: result.stats.engineMillis,
        link: result.stats.link,
      });
      return result;
    },
  };
}
