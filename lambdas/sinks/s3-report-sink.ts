/**
 * The investigation report of each window with alerting findings, as one HTML object in S3 under
 * `<prefix>findings/reports/<detector>/<window start>-<window end>.html` (`report-location.ts`),
 * SSE-KMS with the findings' key when one is configured. The key depends on detector and window
 * only, so a retried window overwrites its report instead of adding another.
 *
 * It runs after the findings history and before SNS, so an alert names a report that exists: the
 * SNS sink asks `status` for each finding. A report that cannot be built or written is reported
 * through `onFailure` and does not fail the publish: the findings are recorded already and must
 * still be alerted, and failing would re-run the window for a chart. The report's code (and its
 * queries) is loaded only when a window has findings, not at cold start.
 */
import { s3Sdk } from '../aws/lazy-sdk.ts';
import type { ReportStatus } from '../core/alert-message.ts';
import { type Finding, isAlerting } from '../core/finding.ts';
import { MANY_ACTORS } from '../core/flood-control.ts';
import type { FindingSink, QueryEngine } from '../core/ports.ts';
import { reportKey } from '../report/report-location.ts';
import { byDetectorWindow, type S3FindingsLocation, serverSideEncryption } from './s3-finding-history.ts';

export interface S3ReportSinkOptions extends S3FindingsLocation {
  /** Runs the report's queries (the invocation's Athena engine). */
  readonly engine: QueryEngine;
  /** Days of history the charts show before the window, per detector. */
  readonly lookbackDays: (detectorId: string) => number;
  readonly clock: () => Date;
  /** A report was written: its key, how many findings it covers and how many of them lack charts. */
  readonly onWritten?: (
    key: string,
    counts: { readonly findings: number; readonly withoutCharts: number },
  ) => void;
  /** A report could not be built or written; the publish goes on without it. */
  readonly onFailure: (error: unknown, detectorId: string, windowStart: string) => void;
}

export class S3ReportSink implements FindingSink {
  readonly name = 's3-report';
  /** What each published finding's alert says about its report, by finding id. */
  private readonly statuses = new Map<string, ReportStatus>();

  constructor(private readonly options: S3ReportSinkOptions) {}

  async publish(findings: readonly Finding[]): Promise<void> {
    // A flood summary stands for many actors: it has no one activity to chart.
    const charted = findings.filter((finding) => isAlerting(finding) && finding.actor_id !== MANY_ACTORS);
    for (const batch of byDetectorWindow(charted)) {
      const [first] = batch;
      if (!first) continue;
      const status = await this.write(first, batch);
      for (const finding of batch) this.statuses.set(finding.finding_id, status);
    }
  }

  /** The report of the finding's window; undefined when none was attempted for it. */
  status(finding: Pick<Finding, 'finding_id'>): ReportStatus | undefined {
    return this.statuses.get(finding.finding_id);
  }

  private async write(first: Finding, batch: readonly Finding[]): Promise<ReportStatus> {
    const { client, bucket, kmsKeyId, engine, clock } = this.options;
    const key = reportKey(this.options.prefix, first.detector_id, first.window_start, first.window_end);
    try {
      const { buildInvestigationReport } = await import('../report/investigation-report.ts');
      const { html, withoutCharts } = await buildInvestigationReport({
        engine,
        findings: batch,
        lookbackDays: this.options.lookbackDays,
        source: `${first.detector_id}, window ${first.window_start} to ${first.window_end}`,
        generatedAt: clock(),
      });
      const { PutObjectCommand } = await s3Sdk();
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: html,
          ContentType: 'text/html; charset=utf-8',
          ...serverSideEncryption({ kmsKeyId }),
        }),
      );
      this.options.onWritten?.(key, { findings: batch.length, withoutCharts });
      return { written: true, bucket, key };
    } catch (error) {
      this.options.onFailure(error, first.detector_id, first.window_start);
      return { written: false };
    }
  }
}
