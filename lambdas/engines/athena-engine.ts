/**
 * The AWS query engine: Amazon Athena. Starts the rendered SQL in a workgroup, polls until it ends
 * (with backoff, inside the caller's deadline), reads the paginated results and normalizes them to
 * `SqlValue` exactly as the DuckDB engine does.
 *
 * Idempotent starts: the `ClientRequestToken` is a hash of the request's idempotency token, the SQL,
 * workgroup and database, so a retried Lambda re-attaches to the query the first attempt started
 * (still running, or finished with its results in S3) instead of paying for a second scan. Athena
 * remembers a token for a while, so the same token would also hand back a query that FAILED or was
 * CANCELLED (e.g. stopped at our own deadline) on an earlier invocation; such a stale failure is
 * retried with a token chained from the failed query's id, which is just as deterministic.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleepFor } from 'node:timers/promises';
import {
  type AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { QueryFailedError } from '../core/errors.ts';
import type { QueryColumn, QueryEngine, QueryRequest, QueryResult, SqlRow, SqlValue } from '../core/ports.ts';
import { athenaColumnType, athenaValue } from './athena-values.ts';

/** The query did not finish inside the caller's deadline; it was stopped and may succeed next time. */
export class QueryTimeoutError extends QueryFailedError {
  override readonly name: string = 'QueryTimeoutError';

  constructor(message: string, queryId: string | undefined) {
    super(message, true, queryId);
  }
}

export interface AthenaEngineOptions {
  readonly client: AthenaClient;
  readonly workGroup: string;
  readonly database: string;
  /** Where results go. @default the workgroup's result location */
  readonly outputLocation?: string;
  /**
   * Milliseconds the engine may still wait, e.g. the Lambda's remaining time minus a safety margin.
   * When a poll would outlast it, the query is stopped and a `QueryTimeoutError` thrown.
   * @default no deadline
   */
  readonly remainingMs?: () => number;
  /** More result rows than this is an error: detectors return findings, not data. @default 10000 */
  readonly maxRows?: number;
  /** First poll delay; doubles up to `maxPollMs`, with jitter. @default 500 */
  readonly initialPollMs?: number;
  /** @default 5000 */
  readonly maxPollMs?: number;
  /** Retries of one throttled API call (TooManyRequestsException, throttling). @default 6 */
  readonly throttleRetries?: number;
  /** A failed or cancelled query submitted this long before our call belongs to an earlier run. @default 30000 */
  readonly staleAfterMs?: number;
  /** Region of the console links. @default the client's region */
  readonly consoleRegion?: string;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Math.random */
  readonly random?: () => number;
  /** @default the system clock */
  readonly clock?: () => Date;
}

const DEFAULT_MAX_ROWS = 10_000;
/** GetQueryResults returns at most this many rows per page. */
const PAGE_SIZE = 1000;
/** How many stale failures in a row are retried with a chained token before giving up. */
const MAX_TOKEN_CHAIN = 5;

const CATEGORY: Readonly<Record<number, string>> = { 1: 'system error', 2: 'user error', 3: 'other error' };

export class AthenaEngine implements QueryEngine {
  readonly name = 'athena';
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly clock: () => Date;
  private readonly remainingMs: () => number;

  constructor(private readonly options: AthenaEngineOptions) {
    this.sleep = options.sleep ?? ((ms) => sleepFor(ms).then(() => undefined));
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? (() => new Date());
    this.remainingMs = options.remainingMs ?? (() => Number.POSITIVE_INFINITY);
  }

  async query(request: QueryRequest): Promise<QueryResult> {
    const calledAt = this.clock().getTime();
    const token =
      request.idempotencyToken === undefined
        ? undefined
        : this.clientRequestToken(request.idempotencyToken, request.sql);
    let id = await this.start(request, token);
    let execution = await this.describe(request, id);
    for (let link = 0; token !== undefined && this.isStaleFailure(execution, calledAt); link++) {
      if (link === MAX_TOKEN_CHAIN) throw this.failure(request, id, execution);
      id = await this.start(request, chainToken(token, id));
      execution = await this.describe(request, id);
    }
    execution = await this.waitUntilDone(request, id, execution);
    const { columns, rows } = await this.readResults(request, id);
    const statistics = execution.Statistics;
    return {
      columns,
      rows,
      stats: {
        engineMillis: statistics?.EngineExecutionTimeInMillis ?? this.clock().getTime() - calledAt,
        bytesScanned: statistics?.DataScannedInBytes ?? 0,
        queryId: id,
        link: await this.consoleLink(id),
      },
    };
  }

  async close(): Promise<void> {}

  /** 64 hex characters (Athena accepts 32–128): same token and SQL, same query. */
  clientRequestToken(idempotencyToken: string, sql: string): string {
    const { workGroup, database } = this.options;
    return sha256(JSON.stringify([idempotencyToken, sql, workGroup, database]));
  }

  private async start(request: QueryRequest, token: string | undefined): Promise<string> {
    const output = await this.call(request, undefined, 'StartQueryExecution', () =>
      this.options.client.send(
        new StartQueryExecutionCommand({
          QueryString: request.sql,
          WorkGroup: this.options.workGroup,
          QueryExecutionContext: { Database: this.options.database },
          ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
          ...(token === undefined ? {} : { ClientRequestToken: token }),
          ...(this.options.outputLocation === undefined
            ? {}
            : { ResultConfiguration: { OutputLocation: this.options.outputLocation } }),
        }),
      ),
    );
    if (!output.QueryExecutionId) {
      throw new QueryFailedError(`${request.label}: Athena started no query (no QueryExecutionId)`, true);
    }
    return output.QueryExecutionId;
  }

  private async describe(request: QueryRequest, id: string): Promise<QueryExecution> {
    const output = await this.call(request, id, 'GetQueryExecution', () =>
      this.options.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
    );
    return output.QueryExecution ?? {};
  }

  private isStaleFailure(execution: QueryExecution, calledAt: number): boolean {
    const state = execution.Status?.State;
    const submitted = execution.Status?.SubmissionDateTime?.getTime();
    const staleAfter = this.options.staleAfterMs ?? 30_000;
    return (
      (state === 'FAILED' || state === 'CANCELLED') &&
      submitted !== undefined &&
      submitted < calledAt - staleAfter
    );
  }

  private async waitUntilDone(
    request: QueryRequest,
    id: string,
    first: QueryExecution,
  ): Promise<QueryExecution> {
    let execution = first;
    for (let attempt = 0; ; attempt++) {
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') throw this.failure(request, id, execution);
      const delay = this.backoff(attempt);
      if (this.remainingMs() <= delay) throw await this.stopAtDeadline(request, id, state);
      await this.sleep(delay);
      execution = await this.describe(request, id);
    }
  }

  private failure(request: QueryRequest, id: string, execution: QueryExecution): QueryFailedError {
    const status = execution.Status;
    const error = status?.AthenaError;
    const category = error?.ErrorCategory === undefined ? undefined : CATEGORY[error.ErrorCategory];
    const reason = firstLine(error?.ErrorMessage ?? status?.StateChangeReason ?? 'no reason given');
    const what =
      status?.State === 'CANCELLED' ? 'was cancelled' : `failed${category ? ` (${category})` : ''}`;
    // Athena says whether a retry may help; without its word, only system errors are worth one.
    const retryable = error?.Retryable ?? error?.ErrorCategory === 1;
    return new QueryFailedError(`${request.label}: Athena query ${id} ${what}: ${reason}`, retryable, id);
  }

  private async stopAtDeadline(
    request: QueryRequest,
    id: string,
    state: string | undefined,
  ): Promise<QueryTimeoutError> {
    let stopped = 'stopped it';
    try {
      await this.options.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    } catch (error) {
      stopped = `could not stop it (${errorName(error)})`;
    }
    return new QueryTimeoutError(
      `${request.label}: Athena query ${id} was still ${state ?? 'pending'} at the invocation's deadline; ${stopped}`,
      id,
    );
  }

  private async readResults(
    request: QueryRequest,
    id: string,
  ): Promise<{ columns: QueryColumn[]; rows: SqlRow[] }> {
    const maxRows = this.options.maxRows ?? DEFAULT_MAX_ROWS;
    let infos: readonly ColumnInfo[] | undefined;
    let columns: QueryColumn[] = [];
    const rows: SqlRow[] = [];
    let nextToken: string | undefined;
    let firstPage = true;
    do {
      const token = nextToken;
      const page = await this.call(request, id, 'GetQueryResults', () =>
        this.options.client.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: PAGE_SIZE }),
        ),
      );
      if (infos === undefined) {
        infos = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
        columns = columnsOf(infos);
      }
      // The first row of the first page repeats the column names.
      const data = (page.ResultSet?.Rows ?? []).slice(firstPage ? 1 : 0);
      firstPage = false;
      if (rows.length + data.length > maxRows) {
        throw new QueryFailedError(
          `${request.label}: Athena query ${id} returned more than ${maxRows} rows; a detector returns one row per flagged actor, so aggregate or tighten it`,
          false,
          id,
        );
      }
      for (const row of data) {
        const record: Record<string, SqlValue> = {};
        columns.forEach((column, i) => {
          record[column.name] = athenaValue(row.Data?.[i], infos?.[i] ?? {});
        });
        rows.push(record);
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns, rows };
  }

  /** One API call; throttling is retried with backoff, anything else becomes a `QueryFailedError`. */
  private async call<T>(
    request: QueryRequest,
    id: string | undefined,
    operation: string,
    send: () => Promise<T>,
  ): Promise<T> {
    const retries = this.options.throttleRetries ?? 6;
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const throttled = isThrottling(error);
        const delay = this.backoff(attempt);
        if (!throttled || attempt >= retries || this.remainingMs() <= delay) {
          const query = id === undefined ? '' : ` (query ${id})`;
          const gaveUp = throttled ? ` after ${attempt + 1} attempts` : '';
          throw new QueryFailedError(
            `${request.label}: Athena ${operation}${query} failed${gaveUp}: ${errorName(error)}: ${firstLine(errorMessage(error))}`,
            throttled || isServerFault(error),
            id,
          );
        }
        await this.sleep(delay);
      }
    }
  }

  /** Capped exponential backoff with equal jitter: half the step fixed, half random. */
  private backoff(attempt: number): number {
    const initial = this.options.initialPollMs ?? 500;
    const cap = this.options.maxPollMs ?? 5000;
    const step = Math.min(cap, initial * 2 ** Math.min(attempt, 30));
    return Math.round(step / 2 + (this.random() * step) / 2);
  }

  private async consoleLink(id: string): Promise<string> {
    const region = this.options.consoleRegion ?? (await this.options.client.config.region());
    return `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor/history/${id}`;
  }
}

function columnsOf(infos: readonly ColumnInfo[]): QueryColumn[] {
  const seen = new Map<string, number>();
  return infos.map((info, i) => {
    const base = info.Name ?? info.Label ?? `_col${i}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return { name: count === 0 ? base : `${base}_${count}`, type: athenaColumnType(info) };
  });
}

function chainToken(token: string, failedQueryId: string): string {
  return sha256(`${token}\n${failedQueryId}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return (
    name === 'TooManyRequestsException' ||
    name === 'ThrottlingException' ||
    (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable?.throttling === true
  );
}

function isServerFault(error: unknown): boolean {
  return (
    errorName(error) === 'InternalServerException' ||
    (error as { $fault?: string } | undefined)?.$fault === 'server'
  );
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'Error';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string): string {
  return text.split('\n').find((line) => line.trim() !== '') ?? text;
}
