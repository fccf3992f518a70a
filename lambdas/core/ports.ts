/**
 * The seams between the pure core and its edges. Engines (DuckDB locally, Athena in AWS), state
 * stores (a local file, DynamoDB) and sinks (terminal, JSONL, webhook, SNS) implement these and
 * are passed into the runner; the core never constructs one.
 */
import type { Finding } from './finding.ts';

/**
 * A value as every engine returns it, so findings are identical whichever engine ran the query:
 * integers that fit a double are numbers (larger ones are decimal strings), timestamps are
 * ISO-8601 UTC strings with milliseconds (`2026-01-02T03:04:05.000Z`), dates are `YYYY-MM-DD`.
 */
export type SqlValue = string | number | boolean | null;

export type SqlRow = Readonly<Record<string, SqlValue>>;

/** Engine-neutral column type, mapped from DuckDB types or Athena `ColumnInfo`. */
export type ColumnType = 'varchar' | 'bigint' | 'double' | 'boolean' | 'date' | 'timestamp' | 'other';

export interface QueryColumn {
  readonly name: string;
  readonly type: ColumnType;
}

export interface QueryStats {
  /** Time the engine reports for the query (or wall time where it reports none). */
  readonly engineMillis: number;
  readonly bytesScanned?: number;
  readonly queryId?: string;
  /** Where a person can look at the query (e.g. the Athena console). */
  readonly link?: string;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly SqlRow[];
  readonly stats: QueryStats;
}

export interface QueryRequest {
  /** Fully rendered SQL: parameters are already typed literals. */
  readonly sql: string;
  /** What the query is for, for logs and statistics, e.g. `off-hours-export 2026-01-01T00:00Z`. */
  readonly label: string;
  /** Same token, same query: lets an engine with idempotent starts (Athena) avoid duplicates. */
  readonly idempotencyToken?: string;
}

export interface QueryEngine {
  readonly name: string;
  query(request: QueryRequest): Promise<QueryResult>;
  close(): Promise<void>;
}

/** Last window end each detector has fully processed (findings published). */
export interface WatermarkStore {
  get(detectorId: string): Promise<Date | undefined>;
  /**
   * Moves the watermark from `expected` to `next`. Rejects with `WatermarkConflictError` when the
   * stored value is not `expected` (another run got there first), so two runs never both own a window.
   */
  advance(detectorId: string, expected: Date | undefined, next: Date): Promise<void>;
}

/** Outcome of claiming a dedup key for a finding. */
export type DedupClaim =
  /** No finding with this key inside the dedup period: publish. */
  | 'new'
  /** This very finding was claimed before (a re-run of the same window): publish again, sinks are idempotent on `finding_id`. */
  | 'same-finding'
  /** Another finding with this key inside the period: suppress. */
  | 'duplicate';

export interface DedupStore {
  /**
   * Claims `key` for `findingId` at time `at` (the window start, so backfills dedup the same way
   * as live runs). A key already claimed by another finding less than `periodMs` away is a duplicate.
   */
  claim(key: string, findingId: string, at: Date, periodMs: number): Promise<DedupClaim>;
}

export interface FindingSink {
  readonly name: string;
  publish(findings: readonly Finding[]): Promise<void>;
  close?(): Promise<void>;
}
