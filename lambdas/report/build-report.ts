/**
 * Writes the investigation report of a local lake's findings file to an HTML file, with the
 * charts' data from DuckDB (`investigation-report.ts` builds the page). The CLI and `demo --run`
 * call this.
 */
import { writeFile } from 'node:fs/promises';
import { loadDetectorCatalog } from '../core/detector-catalog.ts';
import { readFindingsFile } from './findings-file.ts';
import { buildInvestigationReport } from './investigation-report.ts';
import { DEFAULT_LOOKBACK_DAYS, reportLookbackDays } from './report-model.ts';

export interface ReportOptions {
  readonly lakeDir: string;
  readonly findingsPath: string;
  readonly outPath: string;
  /** Detectors folder, for each detector's lookback. @default every finding uses `DEFAULT_LOOKBACK_DAYS` */
  readonly queriesDir?: string;
  readonly clock?: () => Date;
}

export interface ReportResult {
  readonly outPath: string;
  readonly findings: number;
}

export async function writeInvestigationReport(options: ReportOptions): Promise<ReportResult> {
  const findings = await readFindingsFile(options.findingsPath);
  const lookbacks = await detectorLookbackDays(options.queriesDir);
  const { openDuckDbEngine } = await import('../engines/duckdb-engine.ts');
  const engine = await openDuckDbEngine({ lakeDir: options.lakeDir });
  let html: string;
  try {
    ({ html } = await buildInvestigationReport({
      engine,
      findings,
      lookbackDays: (id) => lookbacks.get(id) ?? DEFAULT_LOOKBACK_DAYS,
      source: options.findingsPath,
      generatedAt: (options.clock ?? (() => new Date()))(),
    }));
  } finally {
    await engine.close();
  }
  await writeFile(options.outPath, html);
  return { outPath: options.outPath, findings: findings.length };
}

async function detectorLookbackDays(queriesDir: string | undefined): Promise<ReadonlyMap<string, number>> {
  if (queriesDir === undefined) return new Map();
  const { detectors } = await loadDetectorCatalog(queriesDir);
  return new Map(
    detectors
      .filter((detector) => detector.lookbackMs !== undefined)
      .map((detector) => [detector.id, reportLookbackDays(detector)]),
  );
}
