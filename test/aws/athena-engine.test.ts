import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { QueryFailedError } from '../../lambdas/core/errors.ts';
import {
  AthenaEngine,
  type AthenaEngineOptions,
  QueryTimeoutError,
} from '../../lambdas/engines/athena-engine.ts';
import { execution, resultPage } from './athena-mock.ts';

const athena = mockClient(AthenaClient);
beforeEach(() => athena.reset());

const REQUEST = {
  sql: 'SELECT actor_id, summary FROM audit_events',
  label: 'off-hours-export 2026-01-01T09:00:00.000Z/2026-01-01T10:00:00.000Z',
  idempotencyToken: 'off-hours-export 2026-01-01T09:00:00.000Z/2026-01-01T10:00:00.000Z',
};
const COLUMNS = [
  ['actor_id', 'varchar'],
  ['summary', 'varchar'],
] as const;
const NOW = new Date('2026-01-01T10:20:00Z');

function engine(options: Partial<AthenaEngineOptions> = {}) {
  const sleeps: number[] = [];
  const instance = new AthenaEngine({
    client: new AthenaClient({ region: 'eu-central-1' }),
    workGroup: 'auditlake',
    database: 'auditlake_lake',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    clock: () => NOW,
    ...options,
  });
  return { engine: instance, sleeps };
}

function succeedsWith(pages = [resultPage(COLUMNS, [['emp-1', 'exported 5000 records']])]) {
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(execution('q-1', 'SUCCEEDED'));
  athena.on(GetQueryResultsCommand).callsFake((input: GetQueryResultsCommandInput) => {
    const index = input.NextToken === undefined ? 0 : Number(input.NextToken.slice('page-'.length));
    return pages[index];
  });
}

async function failureOf(promise: Promise<unknown>): Promise<QueryFailedError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof QueryFailedError))
    throw new Error(`expected a QueryFailedError, got ${String(error)}`);
  return error;
}

describe('AthenaEngine', () => {
  it('starts the query in the workgroup and database with result reuse off and a derived request token', async () => {
    succeedsWith();
    const { engine: athenaEngine } = engine({ outputLocation: 's3://results/auditlake/' });
    await athenaEngine.query(REQUEST);
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input).toEqual({
      QueryString: REQUEST.sql,
      WorkGroup: 'auditlake',
      QueryExecutionContext: { Database: 'auditlake_lake' },
      ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
      ClientRequestToken: expect.stringMatching(/^[0-9a-f]{64}$/),
      ResultConfiguration: { OutputLocation: 's3://results/auditlake/' },
    });
  });

  it('derives the same request token for the same token and SQL, so a retried Lambda re-attaches to its query', async () => {
    succeedsWith();
    await engine().engine.query(REQUEST);
    await engine().engine.query(REQUEST);
    await engine().engine.query({ ...REQUEST, idempotencyToken: 'off-hours-export another window' });
    await engine().engine.query({ ...REQUEST, sql: `${REQUEST.sql} WHERE true` });
    const tokens = athena
      .commandCalls(StartQueryExecutionCommand)
      .map((call) => call.args[0].input.ClientRequestToken);
    expect(tokens[0]).toBe(tokens[1]);
    expect(new Set(tokens).size).toBe(3);
    for (const token of tokens) expect(token?.length).toBeGreaterThanOrEqual(32);
  });

  it('lets the SDK choose a request token when the request has no idempotency token', async () => {
    succeedsWith();
    await engine().engine.query({ sql: REQUEST.sql, label: REQUEST.label });
    expect(
      athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.ClientRequestToken,
    ).toBeUndefined();
  });

  it('polls QUEUED → RUNNING → SUCCEEDED with growing, capped, jittered delays', async () => {
    succeedsWith();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('q-1', 'QUEUED'))
      .resolvesOnce(execution('q-1', 'QUEUED'))
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolves(execution('q-1', 'SUCCEEDED'));
    const { engine: athenaEngine, sleeps } = engine({ initialPollMs: 500, maxPollMs: 5000 });
    const result = await athenaEngine.query(REQUEST);
    // Half of each step fixed, half random (0.5 here): 500, 1000, 2000, 4000, then capped at 5000.
    expect(sleeps).toEqual([375, 750, 1500, 3000, 3750, 3750]);
    expect(result.rows).toEqual([{ actor_id: 'emp-1', summary: 'exported 5000 records' }]);
  });

  it('spreads the delays with the random source', async () => {
    succeedsWith();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolves(execution('q-1', 'SUCCEEDED'));
    const low = engine({ random: () => 0 });
    await low.engine.query(REQUEST);
    athena.reset();
    succeedsWith();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('q-1', 'RUNNING'))
      .resolves(execution('q-1', 'SUCCEEDED'));
    const high = engine({ random: () => 0.999 });
    await high.engine.query(REQUEST);
    expect(low.sleeps).toEqual([250]);
    expect(high.sleeps).toEqual([500]);
  });

  it('reports scanned bytes, engine time, the query id and a console link', async () => {
    succeedsWith();
    const result = await engine().engine.query(REQUEST);
    expect(result.stats).toEqual({
      engineMillis: 1840,
      bytesScanned: 52_428_800,
      queryId: 'q-1',
      link: 'https://eu-central-1.console.aws.amazon.com/athena/home?region=eu-central-1#/query-editor/history/q-1',
    });
    expect(result.columns).toEqual([
      { name: 'actor_id', type: 'varchar' },
      { name: 'summary', type: 'varchar' },
    ]);
  });

  it('fails a FAILED system error as retryable, in one line naming the request and the query', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena.on(GetQueryExecutionCommand).resolves(
      execution('q-9', 'FAILED', {
        error: {
          ErrorCategory: 1,
          Retryable: true,
          ErrorMessage: 'Query exhausted resources\nat this scale',
        },
      }),
    );
    const error = await failureOf(engine().engine.query(REQUEST));
    expect(error.message).toBe(
      `${REQUEST.label}: Athena query q-9 failed (system error): Query exhausted resources`,
    );
    expect(error.retryable).toBe(true);
    expect(error.queryId).toBe('q-9');
  });

  it('fails a FAILED user error as not retryable', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena.on(GetQueryExecutionCommand).resolves(
      execution('q-9', 'FAILED', {
        error: {
          ErrorCategory: 2,
          Retryable: false,
          ErrorMessage: "COLUMN_NOT_FOUND: line 1:8: Column 'actor' cannot be resolved",
        },
      }),
    );
    const error = await failureOf(engine().engine.query(REQUEST));
    expect(error.message).toBe(
      `${REQUEST.label}: Athena query q-9 failed (user error): COLUMN_NOT_FOUND: line 1:8: Column 'actor' cannot be resolved`,
    );
    expect(error.retryable).toBe(false);
  });

  it('fails a CANCELLED query with its state change reason', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-9' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(execution('q-9', 'CANCELLED', { reason: 'Query was cancelled by user' }));
    const error = await failureOf(engine().engine.query(REQUEST));
    expect(error.message).toBe(
      `${REQUEST.label}: Athena query q-9 was cancelled: Query was cancelled by user`,
    );
    expect(error).not.toBeInstanceOf(QueryTimeoutError);
  });

  it('starts a new query when the request token hands back one that failed in an earlier invocation', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .resolvesOnce({ QueryExecutionId: 'q-old' })
      .resolves({ QueryExecutionId: 'q-new' });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-old' })
      .resolves(execution('q-old', 'CANCELLED', { submitted: new Date(NOW.getTime() - 15 * 60_000) }));
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: 'q-new' })
      .resolves(execution('q-new', 'SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves(resultPage(COLUMNS, []));
    const result = await engine().engine.query(REQUEST);
    const tokens = athena
      .commandCalls(StartQueryExecutionCommand)
      .map((call) => call.args[0].input.ClientRequestToken);
    expect(result.stats.queryId).toBe('q-new');
    expect(tokens).toHaveLength(2);
    expect(tokens[1]).not.toBe(tokens[0]);
    expect(tokens[1]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('retries a throttled start with backoff', async () => {
    succeedsWith();
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ QueryExecutionId: 'q-1' });
    const { engine: athenaEngine, sleeps } = engine();
    const result = await athenaEngine.query(REQUEST);
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(sleeps).toEqual([375, 750]);
    expect(result.stats.queryId).toBe('q-1');
  });

  it('retries throttled polls and result pages too', async () => {
    succeedsWith();
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    athena.on(GetQueryExecutionCommand).rejectsOnce(throttled).resolves(execution('q-1', 'SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves(resultPage(COLUMNS, []));
    await engine().engine.query(REQUEST);
    expect(athena.commandCalls(GetQueryExecutionCommand)).toHaveLength(2);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(2);
  });

  it('gives up on throttling after the configured retries with a retryable error', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    const error = await failureOf(engine({ throttleRetries: 2 }).engine.query(REQUEST));
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(3);
    expect(error.message).toBe(
      `${REQUEST.label}: Athena StartQueryExecution failed after 3 attempts: TooManyRequestsException: Rate exceeded`,
    );
    expect(error.retryable).toBe(true);
  });

  it('does not retry a rejected request', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'WorkGroup auditlake is not found', $metadata: {} }));
    const error = await failureOf(engine().engine.query(REQUEST));
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(1);
    expect(error.message).toBe(
      `${REQUEST.label}: Athena StartQueryExecution failed: InvalidRequestException: WorkGroup auditlake is not found`,
    );
    expect(error.retryable).toBe(false);
  });

  it('stops the query and throws a retryable timeout when the next poll would pass the deadline', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
    athena.on(GetQueryExecutionCommand).resolves(execution('q-slow', 'RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    let remaining = 2000;
    const { engine: athenaEngine, sleeps } = engine({
      remainingMs: () => remaining,
      sleep: async (ms) => {
        sleeps.push(ms);
        remaining -= ms;
      },
    });
    const error = await failureOf(athenaEngine.query(REQUEST));
    expect(sleeps).toEqual([375, 750]); // 875 ms left, the next poll would wait 1500
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]?.args[0].input).toEqual({
      QueryExecutionId: 'q-slow',
    });
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error.retryable).toBe(true);
    expect(error.queryId).toBe('q-slow');
    expect(error.message).toBe(
      `${REQUEST.label}: Athena query q-slow was still RUNNING at the invocation's deadline; stopped it`,
    );
  });

  it('reads results across three pages, skipping the header row of the first page only', async () => {
    succeedsWith([
      resultPage(COLUMNS, [['emp-1', 'a']], { nextToken: 'page-1' }),
      // A later page whose first row looks like the header is data, not a header.
      resultPage(COLUMNS, [['actor_id', 'summary']], { first: false, nextToken: 'page-2' }),
      resultPage(COLUMNS, [['emp-3', 'c']], { first: false }),
    ]);
    const result = await engine().engine.query(REQUEST);
    expect(result.rows).toEqual([
      { actor_id: 'emp-1', summary: 'a' },
      { actor_id: 'actor_id', summary: 'summary' },
      { actor_id: 'emp-3', summary: 'c' },
    ]);
    const pages = athena.commandCalls(GetQueryResultsCommand).map((call) => call.args[0].input);
    expect(pages).toEqual([
      { QueryExecutionId: 'q-1', NextToken: undefined, MaxResults: 1000 },
      { QueryExecutionId: 'q-1', NextToken: 'page-1', MaxResults: 1000 },
      { QueryExecutionId: 'q-1', NextToken: 'page-2', MaxResults: 1000 },
    ]);
  });

  it('fails a result larger than the row cap, naming the cap', async () => {
    succeedsWith([
      resultPage(
        COLUMNS,
        [
          ['emp-1', 'a'],
          ['emp-2', 'b'],
        ],
        { nextToken: 'page-1' },
      ),
      resultPage(COLUMNS, [['emp-3', 'c']], { first: false }),
    ]);
    const error = await failureOf(engine({ maxRows: 2 }).engine.query(REQUEST));
    expect(error.message).toMatch(/^off-hours-export .*: Athena query q-1 returned more than 2 rows; /);
    expect(error.retryable).toBe(false);
  });

  it('keeps NULL and the empty string apart', async () => {
    succeedsWith([
      resultPage(COLUMNS, [
        ['emp-1', null],
        ['emp-2', ''],
      ]),
    ]);
    const result = await engine().engine.query(REQUEST);
    expect(result.rows).toEqual([
      { actor_id: 'emp-1', summary: null },
      { actor_id: 'emp-2', summary: '' },
    ]);
  });
});
