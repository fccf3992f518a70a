/**
 * Publishes each alerting finding to an SNS topic, one message per finding, in `PublishBatch`
 * calls of at most 10 entries and 256 KB. The message is protocol-specific (`MessageStructure:
 * 'json'`): email subscribers get the plain-text body, queues and Lambdas the finding JSON. The
 * `severity`, `severity_rank` and `detector_id` message attributes let each subscription filter
 * (e.g. email only `severity_rank >= 3`).
 *
 * Entries SNS reports as failed are retried; any still failing make `publish` throw, so the runner
 * keeps the watermark and the next run publishes the window again. Subscribers therefore see a
 * finding more than once and must be idempotent on `finding_id` (the ticketing Lambda is).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MessageAttributeValue, PublishBatchRequestEntry, SNSClient } from '@aws-sdk/client-sns';
import { SNS_TOPIC_ARN } from '../aws/arns.ts';
import { snsSdk } from '../aws/lazy-sdk.ts';
import {
  type AlertMessageOptions,
  buildAlertMessage,
  type ReportStatus,
  SNS_MESSAGE_LIMIT_BYTES,
  severityRank,
  snsMessageBody,
} from '../core/alert-message.ts';
import { AuditlakeError } from '../core/errors.ts';
import { type Finding, isAlerting } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

export interface SnsSinkOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** Region of the Athena console linked from the email. @default no link */
  readonly consoleRegion?: string;
  /**
   * The investigation report of a finding's window, asked for as each message is built (the
   * report sink runs just before this one). @default no report section
   */
  readonly report?: (finding: Finding) => ReportStatus | undefined;
  /** PublishBatch calls per batch: the first plus retries of failed entries. @default 3 */
  readonly attempts?: number;
  /** Wait before the first retry; doubles each time. @default 200 */
  readonly backoffMs?: number;
}

/** SNS accepts at most 10 entries per PublishBatch. */
export const SNS_BATCH_SIZE = 10;

export class SnsSink implements FindingSink {
  readonly name = 'sns';
  private readonly fifo: boolean;
  private readonly alertOptions: AlertMessageOptions;

  constructor(private readonly options: SnsSinkOptions) {
    if (!SNS_TOPIC_ARN.test(options.topicArn)) {
      throw new AuditlakeError(`SNS topic ARN "${options.topicArn}" is not a topic ARN`);
    }
    this.fifo = options.topicArn.endsWith('.fifo');
    this.alertOptions = options.consoleRegion === undefined ? {} : { consoleRegion: options.consoleRegion };
  }

  async publish(findings: readonly Finding[]): Promise<void> {
    // One entry per finding id: batch entry ids must be unique, and a repeat adds nothing.
    const unique = new Map(findings.filter(isAlerting).map((finding) => [finding.finding_id, finding]));
    const entries = [...unique.values()].map((finding) => this.entry(finding));
    const failures: string[] = [];
    for (const batch of batches(entries)) failures.push(...(await this.sendBatch(batch)));
    if (failures.length > 0) {
      throw new AuditlakeError(
        `SNS ${topicName(this.options.topicArn)}: ${failures.length} of ${entries.length} findings ` +
          `were not published (${summarize(failures)})`,
      );
    }
  }

  private entry(finding: Finding): PublishBatchRequestEntry {
    const report = this.options.report?.(finding);
    const message = buildAlertMessage(
      finding,
      report === undefined ? this.alertOptions : { ...this.alertOptions, report },
    );
    return {
      Id: finding.finding_id,
      Subject: message.subject,
      Message: snsMessageBody(message),
      MessageStructure: 'json',
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: finding.severity },
        severity_rank: { DataType: 'Number', StringValue: String(severityRank(finding.severity)) },
        detector_id: { DataType: 'String', StringValue: finding.detector_id },
      },
      ...(this.fifo
        ? { MessageGroupId: finding.detector_id, MessageDeduplicationId: finding.finding_id }
        : {}),
    };
  }

  /** Sends one batch, retrying the entries SNS reports as failed; returns the codes of those that never made it. */
  private async sendBatch(batch: readonly PublishBatchRequestEntry[]): Promise<string[]> {
    const { attempts = 3, backoffMs = 200 } = this.options;
    const permanent: string[] = [];
    let pending = batch;
    let codes = new Map<string | undefined, string>();
    for (let attempt = 1; attempt <= attempts && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(backoffMs * 2 ** (attempt - 2));
      const { PublishBatchCommand } = await snsSdk();
      const output = await this.options.client.send(
        new PublishBatchCommand({
          TopicArn: this.options.topicArn,
          PublishBatchRequestEntries: [...pending],
        }),
      );
      const published = new Set((output.Successful ?? []).map((entry) => entry.Id));
      const failed = new Map((output.Failed ?? []).map((entry) => [entry.Id, entry]));
      codes = new Map([...failed].map(([id, entry]) => [id, entry.Code ?? 'unknown']));
      const retry: PublishBatchRequestEntry[] = [];
      for (const entry of pending) {
        if (published.has(entry.Id)) continue;
        // A sender fault (bad parameter, too large) fails the same way every time: not retried.
        if (failed.get(entry.Id)?.SenderFault) permanent.push(codes.get(entry.Id) ?? 'unknown');
        // An entry in neither list was not confirmed: retried rather than assumed published.
        else retry.push(entry);
      }
      pending = retry;
    }
    return [...permanent, ...pending.map((entry) => codes.get(entry.Id) ?? 'unconfirmed')];
  }
}

/** At most 10 entries and 256 KB (bodies and attributes) per PublishBatch call. */
function batches(entries: readonly PublishBatchRequestEntry[]): PublishBatchRequestEntry[][] {
  const result: PublishBatchRequestEntry[][] = [];
  let current: PublishBatchRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length === SNS_BATCH_SIZE || (current.length > 0 && bytes + size > SNS_MESSAGE_LIMIT_BYTES)) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function entrySize(entry: PublishBatchRequestEntry): number {
  const attributes = Object.entries(entry.MessageAttributes ?? {}).reduce(
    (sum, [name, value]: [string, MessageAttributeValue]) =>
      sum + byteLength(name) + byteLength(value.DataType ?? '') + byteLength(value.StringValue ?? ''),
    0,
  );
  return byteLength(entry.Message ?? '') + byteLength(entry.Subject ?? '') + attributes;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function topicName(arn: string): string {
  return arn.slice(arn.lastIndexOf(':') + 1);
}

/** `3 × InternalError, 1 × Throttled`: error codes only, never message content. */
function summarize(codes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const code of codes) counts.set(code, (counts.get(code) ?? 0) + 1);
  return [...counts].map(([code, count]) => `${count} × ${code}`).join(', ');
}
