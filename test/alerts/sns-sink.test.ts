import {
  PublishBatchCommand,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildAlertMessage, snsMessageBody } from '../../lambdas/core/alert-message.ts';
import { SnsSink } from '../../lambdas/sinks/sns-sink.ts';
import { sampleFinding } from '../support/findings.ts';

const topicArn = 'arn:aws:sns:eu-west-1:123456789012:auditlake-findings';
const sns = mockClient(SNSClient);

function findings(count: number) {
  return Array.from({ length: count }, (_, i) =>
    sampleFinding({ finding_id: `finding${String(i).padStart(3, '0')}`, actor_id: `emp-${i}` }),
  );
}

/** SNS answering every entry as published, except those `fail` says fail. */
function answer(fail: (id: string) => { Code: string; SenderFault: boolean } | undefined = () => undefined) {
  return (input: PublishBatchCommandInput): Partial<PublishBatchCommandOutput> => {
    const entries = input.PublishBatchRequestEntries ?? [];
    return {
      Successful: entries
        .filter((entry) => !fail(entry.Id ?? ''))
        .map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })),
      Failed: entries.flatMap((entry) => {
        const failure = fail(entry.Id ?? '');
        return failure ? [{ Id: entry.Id, ...failure, Message: 'boom' }] : [];
      }),
    };
  };
}

function sentIds(): string[][] {
  return sns
    .commandCalls(PublishBatchCommand)
    .map((call) => (call.args[0].input.PublishBatchRequestEntries ?? []).map((entry) => entry.Id ?? ''));
}

describe('SnsSink', () => {
  beforeEach(() => sns.reset());

  it('publishes one JSON-structured message per finding with filterable attributes', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    const finding = sampleFinding({ severity: 'critical' });
    await new SnsSink({ client: new SNSClient({}), topicArn, consoleRegion: 'eu-west-1' }).publish([finding]);

    const alert = buildAlertMessage(finding, { consoleRegion: 'eu-west-1' });
    expect(sns.commandCalls(PublishBatchCommand)[0]?.args[0].input).toEqual({
      TopicArn: topicArn,
      PublishBatchRequestEntries: [
        {
          Id: finding.finding_id,
          Subject: '[CRITICAL] Record access far above baseline - emp-0042',
          Message: snsMessageBody(alert),
          MessageStructure: 'json',
          MessageAttributes: {
            severity: { DataType: 'String', StringValue: 'critical' },
            severity_rank: { DataType: 'Number', StringValue: '4' },
            detector_id: { DataType: 'String', StringValue: 'record-access-spike' },
          },
        },
      ],
    });
  });

  it('gives email subscribers the text and queues and Lambdas the finding JSON', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    await new SnsSink({ client: new SNSClient({}), topicArn }).publish([sampleFinding()]);
    const message =
      sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries?.[0]?.Message;
    const structure = JSON.parse(message ?? '{}') as Record<string, string>;
    expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'lambda', 'sqs']);
    expect(JSON.parse(structure.sqs ?? '')).toEqual(sampleFinding());
    expect(structure.lambda).toBe(structure.sqs);
    expect(structure.default).toBe(structure.sqs);
    expect(structure.email).toMatch(
      /^HIGH finding: Record access far above baseline\n\nWHO\n {2}Actor: emp-0042\n/,
    );
  });

  it('sends at most 10 entries per PublishBatch call', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    await new SnsSink({ client: new SNSClient({}), topicArn }).publish(findings(23));
    expect(sentIds().map((ids) => ids.length)).toEqual([10, 10, 3]);
    expect(sentIds().flat()).toEqual(findings(23).map((finding) => finding.finding_id));
  });

  it('keeps each call within the 256 KB batch limit', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    const big = findings(3).map((finding) => ({
      ...finding,
      evidence: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`f${i}`, 'z'.repeat(900)])),
    }));
    await new SnsSink({ client: new SNSClient({}), topicArn }).publish(big);
    const sizes = sns
      .commandCalls(PublishBatchCommand)
      .map((call) =>
        (call.args[0].input.PublishBatchRequestEntries ?? []).reduce(
          (sum, entry) => sum + Buffer.byteLength(entry.Message ?? ''),
          0,
        ),
      );
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(262_144);
  });

  it('skips suppressed findings and calls nothing when none is left', async () => {
    const suppressed = sampleFinding({
      suppression: { reason: 'on-call rotation', owner: 'secops', expires: '2026-12-31' },
    });
    await new SnsSink({ client: new SNSClient({}), topicArn }).publish([suppressed]);
    expect(sns.commandCalls(PublishBatchCommand)).toHaveLength(0);
  });

  it('publishes a finding once when it is passed twice', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    await new SnsSink({ client: new SNSClient({}), topicArn }).publish([sampleFinding(), sampleFinding()]);
    expect(sentIds()).toEqual([[sampleFinding().finding_id]]);
  });

  it('retries only the entries SNS reports as failed, then succeeds', async () => {
    let calls = 0;
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      calls++;
      return answer((id) =>
        calls === 1 && id === 'finding001' ? { Code: 'InternalError', SenderFault: false } : undefined,
      )(input);
    });
    await new SnsSink({ client: new SNSClient({}), topicArn, backoffMs: 0 }).publish(findings(3));
    expect(sentIds()).toEqual([['finding000', 'finding001', 'finding002'], ['finding001']]);
  });

  it('throws naming how many findings were not published after the retries', async () => {
    sns
      .on(PublishBatchCommand)
      .callsFake(
        answer((id) => (id === 'finding001' ? { Code: 'InternalError', SenderFault: false } : undefined)),
      );
    const sink = new SnsSink({ client: new SNSClient({}), topicArn, backoffMs: 0 });
    await expect(sink.publish(findings(2))).rejects.toThrow(
      'SNS auditlake-findings: 1 of 2 findings were not published (1 × InternalError)',
    );
    expect(sentIds()).toEqual([['finding000', 'finding001'], ['finding001'], ['finding001']]);
  });

  it('does not retry an entry SNS rejected as the sender’s fault', async () => {
    sns
      .on(PublishBatchCommand)
      .callsFake(
        answer((id) => (id === 'finding000' ? { Code: 'InvalidParameter', SenderFault: true } : undefined)),
      );
    const sink = new SnsSink({ client: new SNSClient({}), topicArn, backoffMs: 0 });
    await expect(sink.publish(findings(1))).rejects.toThrow(/1 of 1 findings .*1 × InvalidParameter/);
    expect(sentIds()).toHaveLength(1);
  });

  it('treats an entry SNS neither confirmed nor failed as not published', async () => {
    sns.on(PublishBatchCommand).resolves({ Successful: [], Failed: [] });
    const sink = new SnsSink({ client: new SNSClient({}), topicArn, attempts: 2, backoffMs: 0 });
    await expect(sink.publish(findings(1))).rejects.toThrow(/1 × unconfirmed/);
    expect(sentIds()).toHaveLength(2);
  });

  it('groups a FIFO topic by detector and deduplicates by finding id', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    await new SnsSink({ client: new SNSClient({}), topicArn: `${topicArn}.fifo` }).publish([sampleFinding()]);
    const entry = sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries?.[0];
    expect(entry?.MessageGroupId).toBe('record-access-spike');
    expect(entry?.MessageDeduplicationId).toBe(sampleFinding().finding_id);
  });

  it('names each finding’s investigation report, as the report sink says it was written', async () => {
    sns.on(PublishBatchCommand).callsFake(answer());
    const [withReport, without] = findings(2);
    const key = 'findings/reports/record-access-spike/20260101T000000Z-20260102T000000Z.html';
    await new SnsSink({
      client: new SNSClient({}),
      topicArn,
      consoleRegion: 'eu-west-1',
      report: (finding) =>
        finding.finding_id === withReport?.finding_id ? { written: true, bucket: 'lake', key } : undefined,
    }).publish([withReport, without].filter((finding) => finding !== undefined));

    const emails = (
      sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries ?? []
    ).map((entry) => (JSON.parse(entry.Message ?? '{}') as { email: string }).email);
    expect(emails[0]).toContain(`s3://lake/${key}`);
    expect(emails[0]).toContain(
      'https://eu-west-1.console.aws.amazon.com/s3/object/lake?region=eu-west-1&prefix=',
    );
    expect(emails[1]).not.toContain('INVESTIGATION REPORT');
  });

  it('refuses something that is not a topic ARN', () => {
    expect(() => new SnsSink({ client: new SNSClient({}), topicArn: 'auditlake-findings' })).toThrow(
      /not a topic ARN/,
    );
  });
});
