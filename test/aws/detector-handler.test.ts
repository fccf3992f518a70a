import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandInput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from '@aws-sdk/client-athena';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/errors.ts';
import { createDetectorHandler } from '../../lambdas/handlers/detector-handler.ts';
import { DetectorRunError } from '../../lambdas/handlers/detector-invocation.ts';
import { createDetectorRuntime } from '../../lambdas/handlers/detector-runtime.ts';
import { execution, resultPage } from './athena-mock.ts';
import { testClients, testConfig, writeTestQueries } from './detector-setup.ts';
import { lambdaContext } from './lambda-context.ts';
import { type CapturedOutput, captureOutput } from './powertools-output.ts';

const athena = mockClient(AthenaClient);
const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

const NOW = new Date('2026-03-17T03:20:00Z');
const SUMMARY = 'exported records at night';
const COLUMNS = [
  ['actor_id', 'varchar'],
  ['summary', 'varchar'],
  ['event_count', 'bigint'],
] as const;

let queries: Awaited<ReturnType<typeof writeTestQueries>>;
let output: CapturedOutput;
let started: string[];

beforeAll(async () => {
  queries = await writeTestQueries();
});
afterAll(() => queries.remove());

beforeEach(() => {
  for (const mock of [athena, ddb, sns, s3]) mock.reset();
  started = [];
  // Every query is q-<n>; the window starting 02:00 UTC flags emp-b, and emp-oncall whom a
  // suppression entry covers.
  athena.on(StartQueryExecutionCommand).callsFake((input: StartQueryExecutionCommandInput) => {
    started.push(input.QueryString ?? '');
    return { QueryExecutionId: `q-${started.length}` };
  });
  athena
    .on(GetQueryExecutionCommand)
    .callsFake((input: GetQueryExecutionCommandInput) =>
      execution(input.QueryExecutionId ?? '', 'SUCCEEDED'),
    );
  athena.on(GetQueryResultsCommand).callsFake((input: GetQueryResultsCommandInput) => {
    const sql = started[Number(input.QueryExecutionId?.slice(2)) - 1] ?? '';
    // The first TIMESTAMP literal of a detector query is its window start.
    const flagged = /TIMESTAMP '([^']+)'/.exec(sql)?.[1] === '2026-03-17 02:00:00.000';
    return resultPage(
      COLUMNS,
      flagged
        ? [
            ['emp-b', SUMMARY, '2'],
            ['emp-oncall', SUMMARY, '1'],
          ]
        : [],
    );
  });
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
    Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
    Failed: [],
  }));
  s3.on(PutObjectCommand).resolves({});
  s3.on(ListObjectsV2Command).resolves({});
  output = captureOutput();
});
afterEach(() => output.restore());

function handler(env: Record<string, string> = {}) {
  const runtime = createDetectorRuntime(testConfig(queries.detectorsDir, env), testClients(), {
    clock: () => NOW,
  });
  return createDetectorHandler(() => runtime);
}

/** One daily window whose two-day lookback reads two rollup days. */
const DAILY_BACKFILL = {
  detector: 'daily-baseline',
  from: '2026-03-16T00:00:00Z',
  to: '2026-03-17T00:00:00Z',
};

const puts = () => ddb.commandCalls(PutCommand).map((call) => call.args[0].input);
/** The detector's own queries; the others build the investigation report of a window with findings. */
const detectorQueries = () => started.filter((sql) => sql.includes(`'${SUMMARY}'`));
const snsEmails = () =>
  sns
    .commandCalls(PublishBatchCommand)
    .flatMap((call) => call.args[0].input.PublishBatchRequestEntries ?? [])
    .map((entry) => (JSON.parse(entry.Message ?? '{}') as { email: string }).email);
const watermarkPuts = () => puts().filter((input) => String(input.Item?.pk).startsWith('watermark#'));

/** The one EMF document the invocation flushed, with its metric values and dimensions. */
function flushedMetrics(): Record<string, unknown> {
  expect(output.metrics).toHaveLength(1);
  return output.metrics[0] ?? {};
}

describe('detector handler: scheduled runs', () => {
  it('makes no S3 or SNS client in a run that finds nothing and builds no rollups', async () => {
    const made: string[] = [];
    const clients = testClients();
    const runtime = createDetectorRuntime(
      testConfig(queries.detectorsDir),
      {
        ...clients,
        s3: () => {
          made.push('s3');
          return clients.s3();
        },
        sns: () => {
          made.push('sns');
          return clients.sns();
        },
      },
      { clock: () => NOW },
    );
    athena.on(GetQueryResultsCommand).resolves(resultPage(COLUMNS, []));

    const outcome = await createDetectorHandler(() => runtime)(
      { detector: 'hourly-export' },
      lambdaContext(),
    );

    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 3, published: 0 } });
    expect(made).toEqual([]);
  });

  it('runs the due windows on Athena, records findings in S3, alerts on SNS, and advances the watermark per window', async () => {
    const outcome = await handler()({ detector: 'hourly-export' }, lambdaContext());
    expect(outcome).toMatchObject({
      detector: 'hourly-export',
      status: 'ran',
      report: {
        windows: 3,
        published: 2,
        suppressed: 1,
        pendingWindows: 0,
        watermark: '2026-03-17T03:00:00.000Z',
      },
    });
    expect(detectorQueries()).toHaveLength(3);
    const [history, report] = s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
    expect(history?.Key).toMatch(
      /^audit\/findings\/dt=2026-03-17\/detector=hourly-export\/20260317T020000Z-/,
    );
    expect(report?.Key).toBe('audit/findings/reports/hourly-export/20260317T020000Z-20260317T030000Z.html');
    expect(String(history?.Body).trimEnd().split('\n')).toHaveLength(2);
    const entries = sns.commandCalls(PublishBatchCommand)[0]?.args[0].input.PublishBatchRequestEntries ?? [];
    expect(entries.map((entry) => JSON.parse(entry.Message ?? '{}').default)).toHaveLength(1);
    expect(watermarkPuts().map((input) => [input.Item?.watermark, input.ConditionExpression])).toEqual([
      ['2026-03-17T01:00:00.000Z', 'attribute_not_exists(pk)'],
      ['2026-03-17T02:00:00.000Z', '#watermark = :expected'],
      ['2026-03-17T03:00:00.000Z', '#watermark = :expected'],
    ]);
  });

  it('takes the detector lease until the invocation deadline and gives it back', async () => {
    await handler()({ detector: 'hourly-export' }, lambdaContext('req-7', 300_000));
    const lease = puts().find((input) => input.Item?.pk === 'lease#hourly-export');
    expect(lease?.Item).toMatchObject({ owner: 'req-7', until: NOW.getTime() + 300_000 });
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toMatchObject({
      Key: { pk: 'lease#hourly-export' },
      ExpressionAttributeValues: { ':owner': 'req-7' },
    });
  });

  it('exits cleanly without querying when another invocation holds the lease', async () => {
    ddb
      .on(PutCommand, { Item: { pk: 'lease#hourly-export' } })
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const outcome = await handler()({ detector: 'hourly-export' }, lambdaContext());
    expect(outcome).toEqual({
      detector: 'hourly-export',
      status: 'skipped',
      reason: 'another invocation holds the lease',
    });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
    expect(flushedMetrics()).toMatchObject({ DetectorFailed: 0 });
  });

  it('skips a deprecated detector on its schedule', async () => {
    const outcome = await handler()({ detector: 'retired' }, lambdaContext());
    expect(outcome).toEqual({ detector: 'retired', status: 'skipped', reason: 'detector is deprecated' });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('runs at most MAX_WINDOWS_PER_RUN windows and reports the rest as windows behind', async () => {
    await handler({ MAX_WINDOWS_PER_RUN: '2' })({ detector: 'hourly-export' }, lambdaContext());
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(2);
    expect(flushedMetrics()).toMatchObject({ WindowsBehind: 1 });
  });

  it('emits FindingsPublished, BytesScanned, QueryMillis, WindowsBehind and DetectorFailed per detector', async () => {
    await handler()({ detector: 'hourly-export' }, lambdaContext());
    const emf = flushedMetrics();
    expect(emf).toMatchObject({
      detector: 'hourly-export',
      service: 'auditlake',
      FindingsPublished: 1,
      FindingsSuppressed: 1,
      BytesScanned: 3 * 52_428_800,
      QueryMillis: 3 * 1840,
      WindowsBehind: 0,
      ReportsWritten: 1,
      ReportsFailed: 0,
      DetectorFailed: 0,
    });
    const directive = (
      emf._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] }
    ).CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('auditlake');
    expect(directive?.Metrics.map((metric) => metric.Name).sort()).toEqual([
      'BytesScanned',
      'DetectorFailed',
      'FindingsPublished',
      'FindingsSuppressed',
      'QueryMillis',
      'ReportsFailed',
      'ReportsWritten',
      'WindowsBehind',
    ]);
  });

  it('logs detector, windows and query ids, but never a finding summary or actor', async () => {
    await handler()({ detector: 'hourly-export' }, lambdaContext());
    const queryLogs = output.logs.filter(
      (log) => log.message === 'query done' && String(log.query).startsWith('hourly-export '),
    );
    expect(queryLogs.map((log) => log.queryId)).toEqual(['q-1', 'q-2', 'q-3']);
    // The report of the 02:00 window, the last, runs five queries after it.
    expect(
      output.logs.filter((log) => log.message === 'query done' && String(log.query).startsWith('report ')),
    ).toHaveLength(5);
    expect(output.logs.find((log) => log.message === 'report written')).toMatchObject({
      key: 'audit/findings/reports/hourly-export/20260317T020000Z-20260317T030000Z.html',
      findings: 1,
    });
    expect(queryLogs[0]).toMatchObject({
      detector: 'hourly-export',
      mode: 'incremental',
      function_request_id: 'req-1',
      link: expect.stringContaining('#/query-editor/history/q-1'),
    });
    expect(output.logs.find((log) => log.message === 'detector run finished')).toMatchObject({
      published: 2,
      windows: 3,
    });
    expect(output.text()).not.toContain(SUMMARY);
    expect(output.text()).not.toContain('emp-b');
  });

  it('builds the missing rollup days through Athena before a detector that reads them', async () => {
    const outcome = await handler({ LAKE_BUCKET: 'auditlake-lake' })(DAILY_BACKFILL, lambdaContext());
    expect(outcome).toMatchObject({ status: 'ran', report: { rollupPartitions: 2 } });
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toMatchObject({
      Bucket: 'auditlake-lake',
      Prefix: 'rollups/daily_actions/dt=',
    });
    expect(started.filter((sql) => sql.startsWith('INSERT INTO daily_actions'))).toHaveLength(2);
  });

  it('alerts without the report, says so, and counts ReportsFailed when the report cannot be put', async () => {
    s3.on(PutObjectCommand)
      .resolves({})
      .on(PutObjectCommand, {
        Key: 'audit/findings/reports/hourly-export/20260317T020000Z-20260317T030000Z.html',
      })
      .rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));

    const outcome = await handler()({ detector: 'hourly-export' }, lambdaContext());

    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 3, published: 2 } });
    expect(snsEmails()).toHaveLength(1);
    expect(snsEmails()[0]).toContain('Not written for this window');
    expect(output.logs.find((log) => log.message === 'report not written')).toMatchObject({
      level: 'WARN',
      error: 'AccessDenied',
      windowStart: '2026-03-17T02:00:00.000Z',
    });
    const [alarmed, perDetector] = output.metrics;
    // Once without the detector dimension (what the alarm watches), once with it, with the run's counts.
    expect(alarmed).toMatchObject({ ReportsFailed: 1, service: 'auditlake' });
    expect(alarmed).not.toHaveProperty('detector');
    expect(perDetector).toMatchObject({
      detector: 'hourly-export',
      ReportsWritten: 0,
      ReportsFailed: 1,
      DetectorFailed: 0,
    });
    expect(output.metrics).toHaveLength(2);
  });

  it('fails a detector that reads rollups when no lake bucket is configured', async () => {
    await expect(handler()(DAILY_BACKFILL, lambdaContext())).rejects.toThrow(
      /^daily-baseline: needs rollups, but this run has no rollup store$/,
    );
  });
});

describe('detector handler: backfills', () => {
  it('runs every window of the range without the lease or the watermark', async () => {
    const outcome = await handler()(
      { detector: 'hourly-export', from: '2026-03-16T22:00:00Z', to: '2026-03-17T03:00:00Z' },
      lambdaContext(),
    );
    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 5, published: 2 } });
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
    expect(watermarkPuts()).toEqual([]);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
    expect(output.logs.find((log) => log.message === 'detector run finished')).toMatchObject({
      mode: 'backfill',
    });
  });

  it('backfills a deprecated detector when asked to', async () => {
    const outcome = await handler()(
      { detector: 'retired', from: '2026-03-17T00:00:00Z', to: '2026-03-17T01:00:00Z' },
      lambdaContext(),
    );
    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 1 } });
  });
});

describe('detector handler: failures', () => {
  it('rejects a bad event with one error log, a DetectorFailed metric, and a throw', async () => {
    const run = handler()({ detector: 'hourly-export', from: '2026-03-17T00:00:00Z' }, lambdaContext());
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    const errors = output.logs.filter((log) => log.level === 'ERROR');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      message: 'detector invocation failed',
      error: {
        name: 'ConfigError',
        message: expect.stringContaining('to: a backfill needs both from and to'),
      },
    });
    expect(flushedMetrics()).toMatchObject({ DetectorFailed: 1 });
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('names the known detectors when asked for an unknown one', async () => {
    await expect(handler()({ detector: 'no-such-detector' }, lambdaContext())).rejects.toThrow(
      'no detector no-such-detector in the bundle (known: daily-baseline, hourly-export, retired)',
    );
  });

  it('fails on the first invocation, naming the variable, when the configuration is incomplete', async () => {
    const broken = createDetectorHandler(() =>
      createDetectorRuntime(testConfig(queries.detectorsDir, { FINDINGS_BUCKET: '' }), testClients()),
    );
    await expect(broken({ detector: 'hourly-export' }, lambdaContext())).rejects.toThrow(
      'environment variable FINDINGS_BUCKET is not set',
    );
  });

  it('throws after a failed query so the scheduler retries, leaving the watermark before the failed window', async () => {
    athena.on(GetQueryExecutionCommand).callsFake((input: GetQueryExecutionCommandInput) =>
      input.QueryExecutionId === 'q-2'
        ? execution('q-2', 'FAILED', {
            error: { ErrorCategory: 1, Retryable: true, ErrorMessage: 'S3 slow down' },
          })
        : execution(input.QueryExecutionId ?? '', 'SUCCEEDED'),
    );
    const run = handler()({ detector: 'hourly-export' }, lambdaContext());
    await expect(run).rejects.toBeInstanceOf(DetectorRunError);
    await expect(run).rejects.toThrow(
      /^hourly-export 2026-03-17T01:00:00.000Z\/2026-03-17T02:00:00.000Z: Athena query q-2 failed \(system error\): S3 slow down$/,
    );
    expect(watermarkPuts().map((input) => input.Item?.watermark)).toEqual(['2026-03-17T01:00:00.000Z']);
    expect(flushedMetrics()).toMatchObject({ DetectorFailed: 1, WindowsBehind: 2 });
    expect(output.logs.filter((log) => log.level === 'ERROR')).toHaveLength(1);
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1); // the lease is given back
  });
});
