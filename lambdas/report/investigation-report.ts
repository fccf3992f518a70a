/**
 * The investigation report for findings, whatever engine holds the lake: the data per finding
 * through the `QueryEngine` port, the charts as SVG, the page as one HTML string. `build-report.ts`
 * runs it on DuckDB and writes a file; the detector Lambda runs it on Athena and puts the page in
 * S3 (`lambdas/sinks/s3-report-sink.ts`). No engine, file or AWS code here.
 */
import type { Finding } from '../core/finding.ts';
import type { QueryEngine } from '../core/ports.ts';
import { renderChartSvg } from './chart-svg.ts';
import { dailyChart, hourOfWeekChart, peerChart } from './report-charts.ts';
import { queryFindingReportData } from './report-data.ts';
import { buildReportHtml, type FindingSection, type RenderedChart } from './report-html.ts';

export interface InvestigationReportInput {
  /** Runs the report's queries: DuckDB over a local lake, Athena in the detector Lambda. */
  readonly engine: QueryEngine;
  readonly findings: readonly Finding[];
  readonly lookbackDays: (detectorId: string) => number;
  /** Where the findings came from, shown in the header. */
  readonly source: string;
  readonly generatedAt: Date;
}

export interface InvestigationReport {
  readonly html: string;
  /** Sections whose charts could not be queried (each says why in the page). */
  readonly withoutCharts: number;
}

/** The report page for `findings`, with the charts' data queried through `engine`. */
export async function buildInvestigationReport(
  input: InvestigationReportInput,
): Promise<InvestigationReport> {
  const sections = await findingSections(input.engine, input.findings, input.lookbackDays);
  return {
    html: buildReportHtml({ generatedAt: input.generatedAt, source: input.source, sections }),
    withoutCharts: sections.filter((section) => section.chartsError !== undefined).length,
  };
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
    peerChart(finding.actor_id, 'recordsRead', data.peers.recordsRead),
    peerChart(finding.actor_id, 'recordsExported', data.peers.recordsExported),
  ];
  return specs.map((chart, index) => ({
    svg: renderChartSvg(chart, `${idPrefix}-c${index}`),
    title: chart.title,
    summary: chart.summary,
  }));
}
