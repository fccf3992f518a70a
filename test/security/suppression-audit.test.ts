/**
 * Muting is itself visible: every applied suppression is logged with the finding id, detector,
 * actor, window and the entry's owner, reason and expiry (never the summary or evidence), by the
 * CLI and by the detector Lambda, which also counts them; expired entries mute nothing.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandInput,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { REDACTED } from '../../lambdas/core/redaction.ts';
import { runDetectors } from '../../lambdas/core/runner.ts';
import { parseSuppressions } from '../../lambdas/core/suppressions.ts';
import { FixtureLake } from '../../lambdas/fixtures/fixture-lake.ts';
import { createDetectorHandler } from '../../lambdas/handlers/detector-handler.ts';
import { createDetectorRuntime } from '../../lambdas/handlers/detector-runtime.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { execution, resultPage } from '../aws/athena-mock.ts';
import { testClients, testConfig, writeTestQueries } from '../aws/detector-setup.ts';
import { lambdaContext } from '../aws/lambda-context.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';
import { detectorText } from '../support/detector-text.ts';
import { CaptureSink, FakeEngine } from '../support/fake-engine.ts';
import { event } from '../support/fixture-lake.ts';
import { runCli } from '../support/run-cli.ts';

describe('expired suppressions', () => {
  const detector = parseDetector(
    'queries/detectors/record-access-spike.sql',
    detectorText({ id: 'record-access-spike', schedule: 'rate(1 day)', window: '1d' }),
  );
  const entries = parseSuppressions(
    'queries/suppressions.yaml',
    `suppressions:
  - { actor: emp-lapsed, reason: Migration CHG-7, owner: secops, expires: 2026-01-15 }
  - { actor: emp-current, reason: On call CHG-8, owner: secops, expires: 2026-06-30 }
`,
  );

  async function backfillJanuaryTenth(now: string) {
    const engine = new FakeEngine(() => [
      { actor_id: 'emp-lapsed', summary: 'x' },
      { actor_id: 'emp-current', summary: 'y' },
    ]);
    const state = new MemoryStateStore();
    const sink = new CaptureSink();
    await runDetectors(
      {
        detectors: [detector],
        mode: {
          kind: 'backfill',
          from: new Date('2026-01-10T00:00:00Z'),
          to: new Date('2026-01-11T00:00:00Z'),
        },
      },
      {
        engine,
        watermarks: state,
        dedup: state,
        sinks: [sink],
        suppressions: entries,
        clock: () => new Date(now),
      },
    );
    return sink.published.map((finding) => [finding.actor_id, finding.suppression?.reason ?? null]);
  }

  it('do not mute a backfilled window from before their expiry once they have lapsed', async () => {
    expect(await backfillJanuaryTenth('2026-02-01T00:00:00Z')).toEqual([
      ['emp-lapsed', null],
      ['emp-current', 'On call CHG-8'],
    ]);
  });

  it('still mute windows while the run is on or before their expiry day', async () => {
    expect(await backfillJanuaryTenth('2026-01-15T23:00:00Z')).toEqual([
      ['emp-lapsed', 'Migration CHG-7'],
      ['emp-current', 'On call CHG-8'],
    ]);
  });
});

describe('the detector Lambda', () => {
  const athena = mockClient(AthenaClient);
  const ddb = mockClient(DynamoDBDocumentClient);
  const sns = mockClient(SNSClient);
  const s3 = mockClient(S3Client);
  const ACCOUNT = 'ACCT-991-204';
  let queries: Awaited<ReturnType<typeof writeTestQueries>>;
  let output: CapturedOutput;

  beforeAll(async () => {
    queries = await writeTestQueries();
    // The bundle's own list: a column the built-in defaults would not catch.
    await writeFile(join(queries.root, 'redaction.yaml'), 'redact: [customer_*, account_ref]\n');
  });
  afterAll(() => queries.remove());

  beforeEach(() => {
    for (const mock of [athena, ddb, sns, s3]) mock.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .callsFake((input: GetQueryExecutionCommandInput) =>
        execution(input.QueryExecutionId ?? '', 'SUCCEEDED'),
      );
    athena.on(GetQueryResultsCommand).resolves(
      resultPage(
        [
          ['actor_id', 'varchar'],
          ['summary', 'varchar'],
          ['account_ref', 'varchar'],
          ['customer_email', 'varchar'],
        ],
        [
          ['emp-b', `exported ${ACCOUNT}`, ACCOUNT, 'ada@customer.example'],
          ['emp-oncall', 'exported at night', ACCOUNT, 'ada@customer.example'],
        ],
      ),
    );
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((entry) => ({ Id: entry.Id, MessageId: 'm' })),
      Failed: [],
    }));
    s3.on(PutObjectCommand).resolves({});
    output = captureOutput();
  });
  afterEach(() => output.restore());

  async function invoke() {
    const runtime = createDetectorRuntime(testConfig(queries.detectorsDir), testClients(), {
      clock: () => new Date('2026-03-17T03:20:00Z'),
    });
    return createDetectorHandler(() => runtime)(
      { detector: 'hourly-export', from: '2026-03-17T02:00:00Z', to: '2026-03-17T03:00:00Z' },
      lambdaContext(),
    );
  }

  it('logs which suppression muted which finding, without its summary or evidence, and counts it', async () => {
    const outcome = await invoke();

    expect(outcome).toMatchObject({ status: 'ran', report: { published: 2, suppressed: 1 } });
    const applied = output.logs.filter((log) => log.message === 'suppression applied');
    expect(applied).toHaveLength(1);
    expect(applied[0]).toMatchObject({
      findingId: expect.stringMatching(/^[0-9a-f]{32}$/),
      detector: 'hourly-export',
      actor: 'emp-oncall',
      windowStart: '2026-03-17T02:00:00.000Z',
      owner: 'secops@corp.example',
      reason: 'On-call rotation (CHG-1)',
      expires: '2099-12-31',
    });
    expect(JSON.stringify(applied[0])).not.toContain('exported at night');
    const [metrics] = output.metrics;
    expect(metrics?.FindingsSuppressed).toBe(1);
  });

  it('redacts with the redaction list bundled beside the detectors', async () => {
    await invoke();

    const history = s3.commandCalls(PutObjectCommand).map((call) => String(call.args[0].input.Body));
    const alerts = JSON.stringify(sns.commandCalls(PublishBatchCommand).map((call) => call.args[0].input));
    for (const text of [...history, alerts, output.text()]) {
      expect(text).not.toContain(ACCOUNT);
      expect(text).not.toContain('ada@customer.example');
    }
    expect(history.join('\n')).toContain(`"account_ref":"${REDACTED}"`);
    expect(history.join('\n')).toContain(`"summary":"exported ${REDACTED}"`);
  });
});

describe('auditlake run', () => {
  let dir: string;
  let lake: FixtureLake;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'auditlake-suppression-audit-'));
    lake = await FixtureLake.create(
      [{ employee_id: 'emp-a' }],
      [event({ actor_id: 'emp-a', event_time: '2026-03-02T10:00:00Z', action: 'read' })],
    );
  });
  afterAll(async () => {
    await lake.remove();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints every applied suppression with the finding id, owner, reason and expiry', async () => {
    await mkdir(join(dir, 'detectors'));
    await writeFile(
      join(dir, 'detectors', 'any-read.sql'),
      detectorText(
        { id: 'any-read', schedule: 'rate(1 day)', window: '1d' },
        `SELECT actor_id, 'read something' AS summary
FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt
  AND event_time >= :window_start AND event_time < :window_end
GROUP BY actor_id`,
      ),
    );
    await writeFile(
      join(dir, 'suppressions.yaml'),
      'suppressions:\n  - { detector: any-read, actor: emp-a, reason: Pen test PT-3, owner: secops@corp.example, expires: 2099-01-31 }\n',
    );

    const result = await runCli([
      'run',
      ...[
        '--lake',
        lake.dir,
        '--queries',
        join(dir, 'detectors'),
        '--suppressions',
        join(dir, 'suppressions.yaml'),
      ],
      ...['--from', '2026-03-02', '--to', '2026-03-03', '--state', join(dir, 'state.json')],
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^suppression applied: finding [0-9a-f]{32} \(any-read, emp-a, window 2026-03-02T00:00:00\.000Z\) muted by secops@corp\.example until 2099-01-31: Pen test PT-3$/m,
    );
    expect(result.stdout).toContain('1 suppressed');
  });
});
