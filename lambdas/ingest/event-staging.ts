/**
 * Stages validated events in DuckDB and publishes them to the lake as Parquet. The database and
 * its spill directory live on disk beside the lake so millions of events spill there instead of
 * filling memory. JSON Lines files can be staged by DuckDB itself (`stageJsonl`, the fast path),
 * other events one by one through the appender. Publishing dedups in one pass (first occurrence wins, within the batch and
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
import { acceptedLinesSql, countLines, isPlainFilePath, readLinesSql } from './fast-path.ts';

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

/** A JSON Lines file staged by the DuckDB fast path. */
export interface FastStagedFile {
  /** Events staged from the file by DuckDB. */
  readonly accepted: number;
  /** The non-empty lines DuckDB did not accept, in line order, a page at a time, for JavaScript to judge. */
  readonly fallback: AsyncIterable<readonly { readonly line: number; readonly text: string }[]>;
}

const FALLBACK_PAGE_ROWS = 10_000;

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
      // The fast path numbers lines by the order DuckDB reads them into a table.
      await connection.run('SET preserve_insertion_order = true');
      const columns = AUDIT_EVENT_COLUMNS.map((column) => `${column.name} ${PARQUET_TYPES[column.type]}`);
      // Temporary tables live in memory and spill to temp_directory (also in `dir`), so they stay
      // bounded without database-file writes (measured: 484k events took 5.2 s to insert into
      // an on-disk table, 1.1 s into a temporary one).
      await connection.run(`CREATE TEMP TABLE incoming (seq BIGINT, ${columns.join(', ')}, dt VARCHAR)`);
      const appender = await connection.createAppender('incoming', 'main', 'temp');
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

  /** Stages one event; `seq` orders events by input (file, then line) so the first occurrence of an id wins. */
  append(event: AuditEvent, seq: number): void {
    const appender = this.appender;
    appender.appendBigInt(BigInt(seq));
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

  /**
   * Stages the events of a JSON Lines file that DuckDB itself can check (see `fast-path.ts`), with
   * `seq` = `seqBase` + line number. Undefined when DuckDB cannot read the file line for line
   * (not UTF-8, a CR, a very long line …): nothing was staged and JavaScript must read it all.
   */
  async stageJsonl(
    path: string,
    options: { readonly seqBase: number; readonly now: Date; readonly onBytes?: (bytes: number) => void },
  ): Promise<FastStagedFile | undefined> {
    if (!isPlainFilePath(path)) return undefined;
    const db = this.connection;
    await db.run('DROP TABLE IF EXISTS fast_lines; DROP TABLE IF EXISTS fast_fallback');
    // JavaScript counts the file's lines while DuckDB's threads read them.
    const counted = countLines(path, options.onBytes);
    try {
      await db.run(`CREATE TEMP TABLE fast_lines AS SELECT line FROM ${readLinesSql(path)}`);
    } catch {
      // DuckDB refused the file as a whole; the JavaScript reader reports each bad line itself.
      await counted.catch(() => undefined);
      return undefined;
    }
    try {
      const read = await db.runAndReadAll('SELECT count(*) FROM fast_lines');
      if (Number(read.getRowsJS()[0]?.[0] ?? -1) !== (await counted)) return undefined;
      const names = AUDIT_EVENT_COLUMNS.map((column) => column.name);
      const values = names.map((name) => (name === 'details' ? 'NULL' : name));
      // Filter pushdown would inline the parsed fields into the filters below them, parsing
      // each line once per reference (measured: 8× slower); nothing here needs it.
      await db.run("SET disabled_optimizers = 'filter_pushdown'");
      const inserted = await db
        .runAndReadAll(
          `INSERT INTO incoming (seq, ${names.join(', ')}, dt)
           SELECT $2 + n, ${values.join(', ')}, dt FROM (${acceptedLinesSql('fast_lines')})`,
          [BigInt(options.now.getTime()), BigInt(options.seqBase)],
        )
        .finally(() => db.run('RESET disabled_optimizers'));
      const accepted = Number(inserted.getRowsJS()[0]?.[0] ?? 0);
      this.rows += accepted;
      // Every other non-empty line, in line order, for JavaScript to judge.
      await db.run(
        `CREATE TEMP TABLE fast_fallback AS
         SELECT l.n, l.line FROM (SELECT rowid + 1 AS n, line FROM fast_lines WHERE line IS NOT NULL) l
         ANTI JOIN (SELECT seq - $1 AS n FROM incoming WHERE seq > $1) a ON l.n = a.n
         ORDER BY l.n`,
        [BigInt(options.seqBase)],
      );
      return { accepted, fallback: this.fallbackPages() };
    } finally {
      await db.run('DROP TABLE IF EXISTS fast_lines');
    }
  }

  private async *fallbackPages(): AsyncGenerator<{ line: number; text: string }[]> {
    try {
      for (let from = 0; ; from += FALLBACK_PAGE_ROWS) {
        const page = await this.connection.runAndReadAll(
          `SELECT n, line FROM fast_fallback WHERE rowid >= ${from} AND rowid < ${from + FALLBACK_PAGE_ROWS} ORDER BY n`,
        );
        const rows = page.getRowsJS();
        if (rows.length === 0) return;
        yield rows.map(([n, line]) => ({ line: Number(n), text: String(line) }));
      }
    } finally {
      await this.connection.run('DROP TABLE IF EXISTS fast_fallback');
    }
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
