/**
 * The local query engine: embedded DuckDB with the Trino compatibility layer, and the lake's
 * tables as views when a lake directory is given. Results come back normalized to `SqlValue`
 * exactly as the Athena engine returns them, so findings do not depend on where a detector ran.
 */
import { performance } from 'node:perf_hooks';
import {
  DuckDBArrayValue,
  type DuckDBConnection,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBInstance,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  type DuckDBType,
  DuckDBTypeId,
  type DuckDBValue,
} from '@duckdb/node-api';
import { ConfigError, QueryFailedError } from '../core/errors.ts';
import type {
  ColumnType,
  QueryColumn,
  QueryEngine,
  QueryRequest,
  QueryResult,
  SqlRow,
  SqlValue,
} from '../core/ports.ts';
import { createRollupViews } from './duckdb-rollup-store.ts';
import { createLakeViews } from './lake-tables.ts';
import { applyTrinoCompat, translateTrinoSql } from './trino-compat.ts';

export interface DuckDbEngineOptions {
  /** Lake root with `audit_events/` and `employees/`; its tables become views. @default no tables */
  readonly lakeDir?: string;
  /** Worker threads. @default DuckDB's choice (the number of cores) */
  readonly threads?: number;
  /** DuckDB `memory_limit`, e.g. `'2GB'`. @default DuckDB's choice (80% of RAM) */
  readonly memoryLimit?: string;
}

export async function openDuckDbEngine(options: DuckDbEngineOptions = {}): Promise<DuckDbEngine> {
  const config: Record<string, string> = {
    // Nothing may be fetched at run time: parquet, json and icu are linked in.
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  };
  if (options.threads !== undefined) {
    if (!Number.isInteger(options.threads) || options.threads < 1) {
      throw new ConfigError(`threads must be a whole number of at least 1 (got ${options.threads})`);
    }
    config.threads = String(options.threads);
  }
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(':memory:', config);
  } catch (error) {
    throw new ConfigError(`cannot start DuckDB with ${JSON.stringify(config)}: ${oneLine(error)}`);
  }
  const engine = new DuckDbEngine(instance, await instance.connect());
  try {
    await applyTrinoCompat((sql) => engine.run(sql));
    if (options.lakeDir !== undefined) {
      await createLakeViews(engine, options.lakeDir);
      await createRollupViews(engine, options.lakeDir);
    }
  } catch (error) {
    await engine.close();
    throw error;
  }
  return engine;
}

export class DuckDbEngine implements QueryEngine {
  readonly name = 'duckdb';
  /** One statement at a time on the one connection; later calls wait their turn. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  async query(request: QueryRequest): Promise<QueryResult> {
    return this.exclusive(request.label, async () => {
      const started = performance.now();
      const reader = await this.connection.runAndReadAll(translateTrinoSql(request.sql));
      const engineMillis = Math.round(performance.now() - started);
      const names = reader.deduplicatedColumnNames();
      const types = reader.columnTypes();
      const rows = reader.getRows().map((values) => {
        const row: Record<string, SqlValue> = {};
        names.forEach((name, i) => {
          row[name] = toSqlValue(values[i] ?? null);
        });
        return row as SqlRow;
      });
      const columns: QueryColumn[] = names.map((name, i) => ({ name, type: columnType(types[i]) }));
      return { columns, rows, stats: { engineMillis } };
    });
  }

  /** Runs SQL for its effect (settings, views, fixtures), one or more statements. */
  async run(sql: string): Promise<void> {
    await this.exclusive('duckdb', () => this.connection.run(sql));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.queue.catch(() => undefined);
    this.connection.closeSync();
    this.instance.closeSync();
  }

  /** Runs `work` after every earlier call; a DuckDB error becomes a `QueryFailedError` naming `label`. */
  private exclusive<T>(label: string, work: () => Promise<T>): Promise<T> {
    const turn = this.queue.then(async () => {
      if (this.closed) throw new QueryFailedError(`${label}: the DuckDB engine is closed`, false);
      try {
        return await work();
      } catch (error) {
        throw new QueryFailedError(`${label}: ${oneLine(error)}`, false);
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

/** DuckDB messages span lines (a caret under the query text); a person needs the first. */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
}

function columnType(type: DuckDBType | undefined): ColumnType {
  switch (type?.typeId) {
    case DuckDBTypeId.VARCHAR:
    case DuckDBTypeId.ENUM:
    case DuckDBTypeId.UUID:
      return 'varchar';
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.UHUGEINT:
      return 'bigint';
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return 'double';
    case DuckDBTypeId.BOOLEAN:
      return 'boolean';
    case DuckDBTypeId.DATE:
      return 'date';
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_TZ:
      return 'timestamp';
    default:
      return 'other';
  }
}

const MS_PER_DAY = 86_400_000;

/**
 * One value as `SqlValue`: integers as numbers while exact (else decimal strings), timestamps as
 * ISO-8601 UTC with milliseconds, dates as `YYYY-MM-DD`, lists, structs and maps as JSON text.
 */
export function toSqlValue(value: DuckDBValue): SqlValue {
  const plain = toPlain(value);
  if (plain === null || typeof plain !== 'object') return plain;
  return JSON.stringify(plain);
}

type Plain = SqlValue | readonly Plain[] | { readonly [key: string]: Plain };

function toPlain(value: DuckDBValue): Plain {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof DuckDBDecimalValue) return value.toDouble();
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) {
    return isoFromMillis(floorDiv(value.micros, 1000n), value);
  }
  if (value instanceof DuckDBTimestampMillisecondsValue) return isoFromMillis(value.millis, value);
  if (value instanceof DuckDBTimestampSecondsValue) return isoFromMillis(value.seconds * 1000n, value);
  if (value instanceof DuckDBTimestampNanosecondsValue)
    return isoFromMillis(floorDiv(value.nanos, 1_000_000n), value);
  if (value instanceof DuckDBDateValue) {
    const date = new Date(value.days * MS_PER_DAY);
    return Number.isNaN(date.getTime()) ? value.toString() : date.toISOString().slice(0, 10);
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toPlain);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([key, item]) => [key, toPlain(item)]));
  }
  if (value instanceof DuckDBMapValue) {
    return Object.fromEntries(
      value.entries.map(({ key, value: item }) => [String(toPlain(key)), toPlain(item)]),
    );
  }
  return value.toString(); // time, interval, uuid, blob, …: DuckDB's own text
}

/** Infinite or out-of-range timestamps keep DuckDB's text ('infinity'). */
function isoFromMillis(millis: bigint, original: { toString(): string }): string {
  const date = new Date(Number(millis));
  return Number.isNaN(date.getTime()) ? original.toString() : date.toISOString();
}

/** Division rounding toward negative infinity, so 1969 instants keep their millisecond. */
function floorDiv(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return a % b !== 0n && a < 0n ? quotient - 1n : quotient;
}
