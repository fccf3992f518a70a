/**
 * The wiring behind `auditlake run` and `auditlake demo --run`: the shipped core runner with the
 * local DuckDB engine, a state file (or memory) and the terminal/JSONL/webhook sinks.
 */

import { isActive } from '../core/detector.ts';
import { loadDetectorCatalog, selectDetectors } from '../core/detector-catalog.ts';
import { parseParamOverrides } from '../core/detector-params.ts';
import type { DedupStore, FindingSink, WatermarkStore } from '../core/ports.ts';
import { type DetectorRunReport, type RunMode, type RunReport, runDetectors } from '../core/runner.ts';
import { JsonlSink } from '../sinks/jsonl-sink.ts';
import { formatAppliedSuppression, SuppressionLogSink } from '../sinks/suppression-log-sink.ts';
import { TerminalSink } from '../sinks/terminal-sink.ts';
import { WebhookSink } from '../sinks/webhook-sink.ts';
import { FileStateStore } from '../stores/file-state-store.ts';
import { MemoryStateStore } from '../stores/memory-state-store.ts';
import { DEFAULT_REDACTION_FILE, readRedactionFile } from './redaction-file.ts';
import { readSuppressionsFile } from './suppressions-file.ts';

export interface DetectionRunOptions {
  readonly lakeDir: string;
  readonly queriesDir: string;
  readonly rollupsDir: string;
  readonly suppressionsFile: string;
  /** Evidence columns never shown. @default the shipped queries/redaction.yaml */
  readonly redactionFile?: string;
  /** Rebuild the rollup days the run reads even where they exist (after a rollup change or late data). */
  readonly rebuildRollups?: boolean;
  /** Empty: every enabled, non-deprecated detector. */
  readonly detectorIds: readonly string[];
  readonly mode: RunMode;
  /** Where watermarks and dedup claims live; undefined keeps them in memory for this run only. */
  readonly statePath: string | undefined;
  readonly outPath: string | undefined;
  readonly webhook: { readonly url: string; readonly secret: string } | undefined;
  readonly params: readonly string[];
  readonly print: (text: string) => void;
  /** Where broken detector files are reported, apart from the findings. @default print */
  readonly printError?: (text: string) => void;
  readonly clock?: () => Date;
}

export interface DetectionRunResult {
  readonly report: RunReport;
  /** Detector files that could not be loaded, plus detectors that failed while running. */
  readonly problems: number;
}

export async function runDetection(options: DetectionRunOptions): Promise<DetectionRunResult> {
  const catalog = await loadDetectorCatalog(options.queriesDir);
  const printError = options.printError ?? options.print;
  for (const error of catalog.errors) printError(`error: ${error.message} (detector skipped)\n`);
  const detectors =
    options.detectorIds.length > 0
      ? selectDetectors(catalog.detectors, options.detectorIds)
      : catalog.detectors.filter(isActive);
  const overrides = parseParamOverrides(detectors, options.params);
  const suppressions = await readSuppressionsFile(options.suppressionsFile);
  const redaction = await readRedactionFile(options.redactionFile ?? DEFAULT_REDACTION_FILE);
  const state: WatermarkStore & DedupStore = options.statePath
    ? new FileStateStore(options.statePath)
    : new MemoryStateStore();
  const terminal = new TerminalSink(options.print, process.stdout.columns || 120);
  // Every applied suppression is printed, so muting a detector is visible to whoever runs it.
  const suppressionLog = new SuppressionLogSink((entry) =>
    options.print(`${formatAppliedSuppression(entry)}\n`),
  );
  const sinks: FindingSink[] = [suppressionLog, terminal];
  if (options.outPath) sinks.push(new JsonlSink(options.outPath));
  if (options.webhook) sinks.push(new WebhookSink(options.webhook));
  const { openDuckDbEngine } = await import('../engines/duckdb-engine.ts');
  const { localRollups } = await import('../engines/duckdb-rollup-store.ts');
  const engine = await openDuckDbEngine({ lakeDir: options.lakeDir });
  let report: RunReport;
  try {
    const rollups = await localRollups(engine, options.lakeDir, options.rollupsDir, options.rebuildRollups);
    report = await runDetectors(
      { detectors, mode: options.mode, overrides },
      {
        engine,
        watermarks: state,
        dedup: state,
        sinks,
        rollups,
        suppressions,
        redaction,
        clock: options.clock ?? (() => new Date()),
      },
    );
  } finally {
    await engine.close();
  }
  for (const sink of sinks) await sink.close?.();
  options.print(`\n${report.detectors.map(formatDetectorLine).join('\n')}\n`);
  return { report, problems: catalog.errors.length + report.failed };
}

function formatDetectorLine(run: DetectorRunReport): string {
  if (run.error) return `✗ ${run.detectorId}: ${run.error}`;
  if (run.skippedByConflict) return `- ${run.detectorId}: another run is processing this detector; skipped`;
  const parts = [
    `${run.windows} window${run.windows === 1 ? '' : 's'}`,
    `${run.published} finding${run.published === 1 ? '' : 's'}`,
  ];
  if (run.duplicates > 0) parts.push(`${run.duplicates} deduplicated`);
  if (run.suppressed > 0) parts.push(`${run.suppressed} suppressed`);
  if (run.belowThreshold > 0) parts.push(`${run.belowThreshold} below threshold`);
  if (run.pendingWindows > 0) parts.push(`${run.pendingWindows} windows left for the next run`);
  if (run.watermark) parts.push(`watermark ${run.watermark}`);
  parts.push(`${(run.engineMillis / 1000).toFixed(1)} s in the engine`);
  return `✓ ${run.detectorId}: ${parts.join(', ')}`;
}
