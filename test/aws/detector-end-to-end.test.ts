/**
 * The detector Lambda end to end: the real handler, runtime, runner and the shipped
 * off-hours-export detector with its rollup, on the DuckDB engine over a fixture lake ingested
 * through the real path (the investigation report's queries too, translated from Trino as on
 * Athena); SNS and S3 are mocked clients, state is in memory.
 */
import { PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { DuckDbRollupStore } from '../../lambdas/engines/duckdb-rollup-store.ts';
import { createDetectorHandler } from '../../lambdas/handlers/detector-handler.ts';
import { createDetectorRuntime } from '../../lambdas/handlers/detector-runtime.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { DETECTORS_DIR, event, FixtureLake } from '../support/fixture-lake.ts';
import { testClients, testConfig } from './detector-setup.ts';
import { lambdaContext } from './lambda-context.ts';
import { type CapturedOutput, captureOutput } from './powertools-output.ts';

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);

function nightExport(actor: string, eventTime: string, records: number) {
  return event({
    actor_id: actor,
    event_time: eventTime,
    action: 'export',
    resource_type: 'table',
    source_system: 'support-db',
    record_count: records,
    bytes: records * 200,
    destination: 'web_upload:filedrop.example',
  });
}

let lake: FixtureLake;
let duckdb: DuckDbEngine;

beforeAll(async () => {
  // Tuesday 2026-03-17: 02:10 UTC is 03:10 in Berlin, 04:10 UTC is 05:10; both agents work 9-17.
  lake = await FixtureLake.create(
    [{ employee_id: 'emp-b' }, { employee_id: 'emp-c' }],
    [nightExport('emp-b', '2026-03-17T02:10:00Z', 5000), nightExport('emp-c', '2026-03-17T04:10:00Z', 68000)],
  );
  duckdb = await openDuckDbEngine({ lakeDir: lake.dir, threads: 1 });
});
afterAll(async () => {
  await duckdb?.close();
  await lake?.remove();
});

/** A fresh Lambda runtime over the shared lake: memory state, mocked SNS that can go down, a movable clock. */
function setup(now: string) {
  const published: string[] = [];
  const emails: string[] = [];
  /** S3 keys and SNS publishes in the order they happened. */
  const calls: string[] = [];
  const control = { snsDown: false, now: new Date(now) };
  sns.reset();
  sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
    calls.push('sns');
    if (control.snsDown)
      throw Object.assign(new Error('Service unavailable'), { name: 'InternalErrorException' });
    const entries = input.PublishBatchRequestEntries ?? [];
    published.push(...entries.map((entry) => entry.Id ?? ''));
    emails.push(...entries.map((entry) => (JSON.parse(entry.Message ?? '{}') as { email: string }).email));
    return { Successful: entries.map((entry) => ({ Id: entry.Id, MessageId: `m-${entry.Id}` })), Failed: [] };
  });
  s3.reset();
  s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
    calls.push(`s3:${input.Key}`);
    return {};
  });
  const puts = () => s3.commandCalls(PutObjectCommand).map((call) => call.args[0].input);
  const state = new MemoryStateStore();
  const runtime = createDetectorRuntime(testConfig(DETECTORS_DIR), testClients(), {
    openEngine: async () => ({
      name: duckdb.name,
      query: (request) => duckdb.query(request),
      close: async () => undefined, // shared by every invocation, closed after the tests
    }),
    rollups: (_engine, catalog) => ({ catalog, store: new DuckDbRollupStore(duckdb, lake.dir) }),
    state,
    clock: () => control.now,
  });
  const handler = createDetectorHandler(() => runtime);
  return {
    published,
    emails,
    calls,
    control,
    invoke: () => handler({ detector: 'off-hours-export' }, lambdaContext()),
    watermark: async () => (await state.get('off-hours-export'))?.toISOString(),
    setWatermark: (iso: string) => state.watermarks.set('off-hours-export', Date.parse(iso)),
    historyKeys: () => puts().flatMap((input) => (input.Key?.includes('/dt=') ? [input.Key] : [])),
    reports: () => puts().filter((input) => input.Key?.includes('/reports/')),
  };
}

let output: CapturedOutput;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

describe('detector Lambda end to end', () => {
  it('publishes a night export once, records it in S3, and advances the watermark', async () => {
    // The run at 03:20 covers 00:00-03:00 UTC (15 minutes of late-data delay).
    const lambda = setup('2026-03-17T03:20:00Z');
    const outcome = await lambda.invoke();
    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 3, published: 1 } });
    expect(lambda.published).toHaveLength(1);
    expect(lambda.historyKeys()).toEqual([
      expect.stringMatching(/detector=off-hours-export\/20260317T020000Z-/),
    ]);
    expect(await lambda.watermark()).toBe('2026-03-17T03:00:00.000Z');
  });

  it('puts the window’s investigation report before the alert, and the email names its S3 console page', async () => {
    const lambda = setup('2026-03-17T03:20:00Z');
    await lambda.invoke();

    const key = 'audit/findings/reports/off-hours-export/20260317T020000Z-20260317T030000Z.html';
    const [report] = lambda.reports();
    expect(report).toMatchObject({
      Bucket: 'auditlake-findings',
      Key: key,
      ContentType: 'text/html; charset=utf-8',
    });
    const html = String(report?.Body);
    expect(html).toContain(`id="finding-${lambda.published[0]}"`);
    expect(html).toContain('emp-b');
    // Every chart's data came back: the report's Trino SQL ran (translated) on DuckDB.
    expect(html.match(/<svg class="chart"/g)).toHaveLength(5);
    expect(html).not.toContain('Charts unavailable');
    expect(lambda.calls.indexOf(`s3:${key}`)).toBeLessThan(lambda.calls.indexOf('sns'));
    const [email] = lambda.emails;
    expect(email).toContain(`Object: s3://auditlake-findings/${key}`);
    expect(email).toContain(
      `S3 console: https://eu-central-1.console.aws.amazon.com/s3/object/auditlake-findings?region=eu-central-1&prefix=${encodeURIComponent(key)}`,
    );
  });

  it('publishes nothing new when invoked again before another window is due', async () => {
    const lambda = setup('2026-03-17T03:20:00Z');
    await lambda.invoke();
    const again = await lambda.invoke();
    expect(again).toMatchObject({ status: 'ran', report: { windows: 0, published: 0 } });
    expect(lambda.published).toHaveLength(1);
  });

  it('keeps the watermark before a window whose SNS publish failed, and publishes it on the next invocation', async () => {
    const lambda = setup('2026-03-17T05:20:00Z');
    lambda.setWatermark('2026-03-17T03:00:00.000Z');
    lambda.control.snsDown = true;
    await expect(lambda.invoke()).rejects.toThrow(/^off-hours-export: /);
    // The quiet 03:00-04:00 window moved the watermark; emp-c's 04:00-05:00 window did not.
    expect(await lambda.watermark()).toBe('2026-03-17T04:00:00.000Z');
    expect(lambda.published).toEqual([]);

    lambda.control.snsDown = false;
    const retried = await lambda.invoke();
    expect(retried).toMatchObject({ status: 'ran', report: { windows: 1, published: 1 } });
    expect(lambda.published).toHaveLength(1);
    expect(await lambda.watermark()).toBe('2026-03-17T05:00:00.000Z');
    // The retried window's history object was overwritten under the same key, not duplicated.
    const [failedAttempt, retry] = lambda.historyKeys();
    expect(retry).toBe(failedAttempt);
    expect(retry).toMatch(/detector=off-hours-export\/20260317T040000Z-/);
    // So was its report: the retry's email names the object the retry wrote.
    const [firstReport, retriedReport] = lambda.reports().map((input) => input.Key);
    expect(retriedReport).toBe(firstReport);
    expect(lambda.emails[0]).toContain(`s3://auditlake-findings/${retriedReport}`);
  });

  it('writes no finding content to the logs', async () => {
    const lambda = setup('2026-03-17T05:20:00Z');
    await lambda.invoke();
    expect(lambda.published).toHaveLength(2);
    expect(output.text()).not.toContain('68000');
    expect(output.text()).not.toContain('emp-c');
    expect(output.text()).toContain('off-hours-export');
  });
});
