/**
 * Stages validated events in a DuckDB database file and publishes them to the lake as Parquet.
 * The database lives on disk beside the lake so millions of events spill there instead of
 * filling memory. Publishing dedups in one pass (first occurrence wins, within the batch and
 * against the partitions already in the lake), writes every partition under the staging
 * directory, and only then moves each finished file into `audit_events/dt=…/` under a new name,
 * never replacing one: readers never see a half-written file.
 */
import { link, mkdir, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampMillisecondsValue,
} from '@duckdb/node-api';
import {
  AUDIT_EVENT_COLUMNS,
  AUDIT_EVENT_PARTITION,
  AUDIT_EVENTS_TABLE,
  type AuditColumnType,
  type AuditEvent,
  dtOf,
} from '../core/audit-event.ts';

/** Parquet types: TIMESTAMP_MS writes TIMESTAMP_MILLIS, which Athena reads (MICROS is not safe there). */
const PARQUET_TYPES: Readonly<Record<AuditColumnType, string>> = {
  varchar: 'VARCHAR',
  bigint: 'BIGINT',
  timestamp: 'TIMESTAMP_MS',
};

const FLUSH_EVERY_ROWS = 100_000;
/** DuckDB's share of memory; beyond it the staging database and sorts spill to disk. */
const STAGING_MEMORY_LIMIT = '512MB';
const DT = /^\d{4}-\d{2}-\d{2}$/;

export interface PublishResult {
  /** Events written: new, and not already in the lake. */
  readonly accepted: number;
  /** Partitions that received a file, sorted. */
  readonly partitions: string[];
  /** The Parquet files written, as paths under the lake. */
  readonly files: string[];
}

export class EventStaging {
  private rows = 0;

  private constructor(
    private readonly dir: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  /** Opens a staging database in `dir`, which must exist and belong to this ingest alone. */
  static async open(dir: string): Promise<EventStaging> {
    const instance = await DuckDBInstance.create(join(dir, 'staging.duckdb'), {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    try {
      const connection = await instance.connect();
      await connection.run("SET TimeZone = 'UTC'");
      await connection.run(`SET temp_directory = ${sqlString(join(dir, 'spill'))}`);
      await connection.run(`SET memory_limit = ${sqlString(STAGING_MEMORY_LIMIT)}`);
      const columns = AUDIT_EVENT_COLUMNS.map((column) => `${column.name} ${PARQUET_TYPES[column.type]}`);
      await connection.run(`CREATE TABLE incoming (seq BIGINT, ${columns.join(', ')}, dt VARCHAR)`);
      const appender = await connection.createAppender('incoming');
      return new EventStaging(dir, instance, connection, appender);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** Number of events appended so far. */
  get appended(): number {
    return this.rows;
  }

  append(event: AuditEvent): void {
    const appender = this.appender;
    appender.appendBigInt(BigInt(this.rows));
    for (const column of AUDIT_EVENT_COLUMNS) {
      const value = event[column.name];
      if (value === null) appender.appendNull();
      else if (column.type === 'timestamp') {
        appender.appendTimestampMilliseconds(new DuckDBTimestampMillisecondsValue(BigInt(value)));
      } else if (column.type === 'bigint') appender.appendBigInt(BigInt(value));
      else appender.appendVarchar(String(value));
    }
    appender.appendVarchar(dtOf(event.event_time));
    appender.endRow();
    this.rows++;
    if (this.rows % FLUSH_EVERY_ROWS === 0) appender.flushSync();
  }

  /** Dedups and writes the staged events into `<lakeDir>/audit_events/`; `name` makes file names unique. */
  async publish(lakeDir: string, name: string): Promise<PublishResult> {
    this.appender.closeSync();
    const db = this.connection;
    const tableDir = join(lakeDir, AUDIT_EVENTS_TABLE);
    await db.run('CREATE TABLE existing (event_id VARCHAR, dt VARCHAR)');
    for (const dt of await this.column('SELECT DISTINCT dt FROM incoming ORDER BY dt')) {
      const files = await parquetFilesIn(join(tableDir, `${AUDIT_EVENT_PARTITION.name}=${dt}`));
      if (files.length === 0) continue;
      const list = files.map(sqlString).join(', ');
      await db.run(`INSERT INTO existing SELECT event_id, ${sqlString(dt)} FROM read_parquet([${list}])`);
    }
    const outDir = join(this.dir, 'out');
    const names = AUDIT_EVENT_COLUMNS.map((column) => column.name).join(', ');
    // One pass: first occurrence per event_id, minus ids already in the same partition of the lake.
    const copied = await db.runAndReadAll(
      `COPY (
         WITH fresh AS (SELECT * FROM incoming QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY seq) = 1)
         SELECT ${names}, dt FROM fresh f
         ANTI JOIN existing e ON e.dt = f.dt AND e.event_id = f.event_id
         ORDER BY dt, event_time, seq
       ) TO ${sqlString(outDir)}
       (FORMAT parquet, PARTITION_BY (dt), COMPRESSION zstd, FILENAME_PATTERN 'part_{i}')`,
    );
    const accepted = Number(copied.getRowsJS()[0]?.[0] ?? 0);
    if (accepted === 0) return { accepted, partitions: [], files: [] };
    const files = await publishStaged(outDir, tableDir, name);
    const partitions = [...new Set(files.map((file) => partitionOfPath(file)))].sort();
    return { accepted, partitions, files };
  }

  close(): void {
    try {
      this.appender.closeSync();
    } catch {
      // Already closed by publish.
    }
    this.connection.closeSync();
    this.instance.closeSync();
  }

  private async column(sql: string): Promise<string[]> {
    const reader = await this.connection.runAndReadAll(sql);
    return reader.getRowsJS().map((row) => String(row[0]));
  }
}

/**
 * Moves every staged `<outDir>/dt=…/*.parquet` to `<tableDir>/dt=…/<name>-<n>.parquet`. Never
 * replaces a file; on any failure removes what it already moved, so the ingest adds all or nothing.
 */
export async function publishStaged(outDir: string, tableDir: string, name: string): Promise<string[]> {
  const moves: { from: string; to: string }[] = [];
  for (const entry of (await readdir(outDir)).sort()) {
    const dt = entry.slice(AUDIT_EVENT_PARTITION.name.length + 1);
    if (!entry.startsWith(`${AUDIT_EVENT_PARTITION.name}=`) || !DT.test(dt)) {
      throw new Error(`unexpected partition directory ${entry} in ${outDir}`);
    }
    const staged = (await readdir(join(outDir, entry))).filter((file) => file.endsWith('.parquet')).sort();
    staged.forEach((file, index) => {
      moves.push({ from: join(outDir, entry, file), to: join(tableDir, entry, `${name}-${index}.parquet`) });
    });
  }
  const moved: string[] = [];
  try {
    for (const { from, to } of moves) {
      await mkdir(dirname(to), { recursive: true });
      await moveWithoutReplacing(from, to);
      moved.push(to);
    }
  } catch (error) {
    for (const file of moved) {
      await rm(file, { force: true });
      await rmdir(dirname(file)).catch(() => undefined);
    }
    throw error;
  }
  return moved;
}

/** A hard link fails when the target exists, so an existing file can never be replaced. */
async function moveWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
    await unlink(from);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EXDEV') throw error;
    // No hard links on this file system: check, then rename (the unique name makes a race moot).
    if (await exists(to)) throw Object.assign(new Error(`${to} already exists`), { code: 'EEXIST' });
    await rename(from, to);
  }
}

async function parquetFilesIn(dir: string): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names
      .filter((file) => file.endsWith('.parquet') && !file.startsWith('.') && !file.startsWith('_'))
      .sort()
      .map((file) => join(dir, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function partitionOfPath(file: string): string {
  const match = /dt=(\d{4}-\d{2}-\d{2})[\\/][^\\/]+$/.exec(file);
  return match?.[1] ?? '';
}

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
