/**
 * Builds the investigation report for a lake and its findings: the data per finding from DuckDB,
 * the charts as static SVG, the page as one HTML file. The CLI and `demo --run` call this.
 */
import { writeFile } from 'node:fs/promises';
import { loadDetectorCatalog } from '../core/detector-catalog.ts';
import type { Finding } from '../core/finding.ts';
import type { QueryEngine } from '../core/ports.ts';
import { renderChartSvg } from './chart-svg.ts';
import { readFindingsFile } from './findings-file.ts';
import { dailyChart, hourOfWeekChart, peerChart } from './report-charts.ts';
import { queryFindingReportData } from './report-data.ts';
import { buildReportHtml, type FindingSection, type RenderedChart } from './report-html.ts';

export const DEFAULT_LOOKBACK_DAYS = 30;
const DAY_MS = 86_400_000;

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
  let sections: FindingSection[];
  try {
    sections = await findingSections(engine, findings, (id) => lookbacks.get(id) ?? DEFAULT_LOOKBACK_DAYS);
  } finally {
    await engine.close();
  }
  const html = buildReportHtml({
    generatedAt: (options.clock ?? (() => new Date()))(),
    source: options.findingsPath,
    sections,
  });
  await writeFile(options.outPath, html);
  return { outPath: options.outPath, findings: findings.length };
}

/** One section per finding; a finding whose data cannot be queried keeps its section, without charts. */
export async function findingSections(
  engine: QueryEngine,
  findings: readonly Finding[],
  lookbackDays: (detectorId: string) => number,
): Promise<FindingSection[]> {
  const sections: FindingSection[] = [];
  for (const [index, finding] of findings.entries()) {
    const days = lookbackDays(finding.detector_id);
    try {
      sections.push({
        finding,
        lookbackDays: days,
        charts: await findingCharts(engine, finding, days, `f${index}`),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sections.push({ finding, lookbackDays: days, charts: [], chartsError: message });
    }
  }
  return sections;
}

async function findingCharts(
  engine: QueryEngine,
  finding: Finding,
  lookbackDays: number,
  idPrefix: string,
): Promise<RenderedChart[]> {
  const data = await queryFindingReportData(engine, finding, lookbackDays);
  const specs = [
    dailyChart(finding.actor_id, 'recordsRead', data.daily, data.readBaseline),
    dailyChart(finding.actor_id, 'recordsExported', data.daily, data.exportBaseline),
    hourOfWeekChart(finding.actor_id, data.timezone, lookbackDays, data.hours),
    peerChart(finding.actor_id, data.peers),
  ];
  const charts: RenderedChart[] = [];
  for (const [index, chart] of specs.entries()) {
    charts.push({
      svg: await renderChartSvg(chart, `${idPrefix}-c${index}`),
      title: chart.title,
      summary: chart.summary,
    });
  }
  return charts;
}

async function detectorLookbackDays(queriesDir: string | undefined): Promise<ReadonlyMap<string, number>> {
  if (queriesDir === undefined) return new Map();
  const { detectors } = await loadDetectorCatalog(queriesDir);
  return new Map(
    detectors
      .filter((detector) => detector.lookbackMs !== undefined)
      .map((detector) => [detector.id, Math.ceil((detector.lookbackMs ?? 0) / DAY_MS)]),
  );
}
