/**
 * The detection run, shared by the CLI and the Lambda: for each detector, every window due
 * (incremental from the watermark, or a backfill range) is rendered, queried, turned into
 * findings, deduplicated and published; the watermark moves only after a window's findings are
 * published. One failing detector never stops the others.
 */
import type { Detector } from './detector.ts';
import { type ParamOverrides, paramsForWindow } from './detector-params.ts';
import { AuditlakeError, OutputContractError, WatermarkConflictError } from './errors.ts';
import { checkOutputColumns, dedupKey, type Finding, isAlerting, toFinding } from './finding.ts';
import { type FloodControl, floodSummary } from './flood-control.ts';
import type { DedupStore, FindingSink, QueryEngine, WatermarkStore } from './ports.ts';
import { DEFAULT_REDACTION, type Redaction, redactFinding } from './redaction.ts';
import { buildRollups, type Rollups } from './rollup.ts';
import { renderSql } from './sql-params.ts';
import { findSuppression, type SuppressionEntry } from './suppressions.ts';
import { type TimeWindow, windowsEndingIn, windowsInside } from './windows.ts';

export interface RunnerDeps {
  readonly engine: QueryEngine;
  readonly watermarks: WatermarkStore;
  readonly dedup: DedupStore;
  readonly sinks: readonly FindingSink[];
  readonly clock: () => Date;
  readonly onProgress?: (event: RunProgress) => void;
  /** Without it, every finding of a window is published however many there are. */
  readonly floodControl?: FloodControl;
  /** Rollup definitions and where their partitions live; needed by detectors that name rollups. */
  readonly rollups?: Rollups;
  /** Entries of queries/suppressions.yaml: matching findings are recorded but marked, not alerted. */
  readonly suppressions?: readonly SuppressionEntry[];
  /**
   * Evidence columns (queries/redaction.yaml) whose values are replaced before anything else sees
   * the finding. @default DEFAULT_REDACTION, so a caller that forgets it still fails closed
   */
  readonly redaction?: Redaction;
}

/** Incremental: every complete window since the watermark. Backfill: every window inside a range. */
export type RunMode =
  | {
      readonly kind: 'incremental';
      /** Windows end at least this long before now, so late events have arrived. */
      readonly lateDelayMs: number;
      /** With no watermark yet, start this far back. */
      readonly initialBackfillMs: number;
      /** At most this many windows per detector per run; the rest wait for the next run. */
      readonly maxWindows?: number;
    }
  | { readonly kind: 'backfill'; readonly from: Date; readonly to: Date };

export interface RunRequest {
  readonly detectors: readonly Detector[];
  readonly mode: RunMode;
  readonly overrides?: ParamOverrides;
}

export interface DetectorRunReport {
  readonly detectorId: string;
  windows: number;
  /** Windows due but left for a later run (bounded runs, or stopped by an error). */
  pendingWindows: number;
  rows: number;
  published: number;
  duplicates: number;
  belowThreshold: number;
  /** Findings of flooded windows, kept in the archive behind one summary finding. */
  archived: number;
  /** Findings recorded but not alerted because a suppression entry matched them. */
  suppressed: number;
  /** Rollup partitions (table × day) built for this detector's baselines. */
  rollupPartitions: number;
  bytesScanned: number;
  engineMillis: number;
  /** Watermark after the run (incremental mode). */
  watermark?: string;
  /** Another run held this detector's window; this run left it alone. */
  skippedByConflict: boolean;
  error?: string;
}

export interface RunReport {
  readonly detectors: readonly DetectorRunReport[];
  readonly findings: readonly Finding[];
  readonly failed: number;
}

export type RunProgress =
  | {
      readonly kind: 'window';
      readonly detectorId: string;
      readonly window: TimeWindow;
      readonly findings: number;
    }
  | { readonly kind: 'failed'; readonly detectorId: string; readonly error: unknown };

export async function runDetectors(request: RunRequest, deps: RunnerDeps): Promise<RunReport> {
  const reports: DetectorRunReport[] = [];
  const findings: Finding[] = [];
  for (const detector of request.detectors) {
    const report = emptyReport(detector.id);
    reports.push(report);
    try {
      await runDetector(detector, request, deps, report, findings);
    } catch (error) {
      if (error instanceof WatermarkConflictError) {
        report.skippedByConflict = true;
        continue;
      }
      report.error = error instanceof Error ? error.message : String(error);
      deps.onProgress?.({ kind: 'failed', detectorId: detector.id, error });
    }
  }
  return {
    detectors: reports,
    findings,
    failed: reports.filter((report) => report.error !== undefined).length,
  };
}

async function runDetector(
  detector: Detector,
  request: RunRequest,
  deps: RunnerDeps,
  report: DetectorRunReport,
  sink: Finding[],
): Promise<void> {
  const { mode } = request;
  let watermark: Date | undefined;
  let due: TimeWindow[];
  let windows: TimeWindow[];
  if (mode.kind === 'backfill') {
    due = windowsInside(detector.schedule, detector.windowMs, mode.from, mode.to);
    windows = due;
  } else {
    watermark = await deps.watermarks.get(detector.id);
    const until = new Date(deps.clock().getTime() - mode.lateDelayMs);
    const after =
      watermark ?? detector.schedule.previousTick(new Date(until.getTime() - mode.initialBackfillMs));
    due = windowsEndingIn(detector.schedule, detector.windowMs, { after, until });
    windows = mode.maxWindows === undefined ? due : due.slice(0, mode.maxWindows);
  }
  if (detector.rollups.length > 0 && windows.length > 0) {
    if (!deps.rollups)
      throw new AuditlakeError(`${detector.id}: needs rollups, but this run has no rollup store`);
    report.rollupPartitions += await buildRollups(detector, windows, deps.rollups);
  }
  try {
    for (const window of windows) {
      const published = await runWindow(detector, window, request, deps, report);
      if (mode.kind === 'incremental') {
        await deps.watermarks.advance(detector.id, watermark, window.end);
        watermark = window.end;
      }
      report.windows++;
      sink.push(...published);
      deps.onProgress?.({ kind: 'window', detectorId: detector.id, window, findings: published.length });
    }
  } finally {
    report.pendingWindows = due.length - report.windows;
    if (watermark) report.watermark = watermark.toISOString();
  }
}

async function runWindow(
  detector: Detector,
  window: TimeWindow,
  request: RunRequest,
  deps: RunnerDeps,
  report: DetectorRunReport,
): Promise<Finding[]> {
  const { sql } = renderSql(detector.sql, paramsForWindow(detector, window, request.overrides));
  const label = `${detector.id} ${window.start.toISOString()}/${window.end.toISOString()}`;
  const result = await deps.engine.query({ sql, label, idempotencyToken: label });
  report.rows += result.rows.length;
  report.bytesScanned += result.stats.bytesScanned ?? 0;
  report.engineMillis += result.stats.engineMillis;
  checkOutputColumns(detector, result.columns);
  const detectedAt = deps.clock();
  const redaction = deps.redaction ?? DEFAULT_REDACTION;
  const seen = new Set<string>();
  const toPublish: Finding[] = [];
  for (const row of result.rows) {
    // Redacted here, once: dedup, suppressions, flood archives and every sink see only this.
    const finding = redactFinding(toFinding(detector, window, row, detectedAt), redaction);
    if (seen.has(finding.actor_id)) {
      throw new OutputContractError(
        `${detector.id}: returned more than one row for actor ${finding.actor_id} in one window; aggregate to one row per actor`,
      );
    }
    seen.add(finding.actor_id);
    if (
      detector.threshold !== undefined &&
      (finding.score ?? Number.NEGATIVE_INFINITY) < detector.threshold
    ) {
      report.belowThreshold++;
      continue;
    }
    const claim = await deps.dedup.claim(
      dedupKey(finding),
      finding.finding_id,
      window.start,
      detector.dedupMs,
    );
    if (claim === 'duplicate') {
      report.duplicates++;
      continue;
    }
    const suppression = findSuppression(deps.suppressions ?? [], finding, detectedAt);
    if (suppression) report.suppressed++;
    toPublish.push(suppression ? { ...finding, suppression } : finding);
  }
  const flood = deps.floodControl;
  const alerting = toPublish.filter(isAlerting);
  if (flood && alerting.length > flood.maxFindingsPerWindow) {
    const location = await flood.archive.write(detector.id, window, alerting);
    report.archived += alerting.length;
    const suppressed = toPublish.filter((finding) => !isAlerting(finding));
    toPublish.splice(
      0,
      toPublish.length,
      floodSummary(detector, window, alerting, location, detectedAt),
      ...suppressed,
    );
  }
  if (toPublish.length > 0) {
    for (const sink of deps.sinks) await sink.publish(toPublish);
  }
  report.published += toPublish.length;
  return toPublish;
}

function emptyReport(detectorId: string): DetectorRunReport {
  return {
    detectorId,
    windows: 0,
    pendingWindows: 0,
    rows: 0,
    published: 0,
    duplicates: 0,
    belowThreshold: 0,
    archived: 0,
    suppressed: 0,
    rollupPartitions: 0,
    bytesScanned: 0,
    engineMillis: 0,
    skippedByConflict: false,
  };
}
