/** Small, hand-written audit events and lake helpers for the ingest tests. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export const NOW = new Date('2026-03-10T12:00:00Z');

/** A valid raw event as a source would send it; override or delete (undefined) any field. */
export function rawEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const event: Record<string, unknown> = {
    event_id: 'evt-1',
    event_time: '2026-03-01T09:30:00Z',
    actor_id: 'emp-0042',
    actor_type: 'human',
    action: 'read',
    resource_type: 'customer_record',
    resource_id: 'cust-981',
    record_count: 1,
    bytes: null,
    source_system: 'support-db',
    source_ip: '10.1.2.3',
    device_id: 'pc-0042',
    destination: null,
    outcome: 'success',
    justification_id: 'TCK-123456',
    details: null,
    ...overrides,
  };
  for (const [key, value] of Object.entries(event)) if (value === undefined) delete event[key];
  return event;
}

export function jsonl(...events: Record<string, unknown>[]): string {
  return `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
}

export interface TempDir {
  readonly dir: string;
  readonly lake: string;
  write(name: string, content: string | Buffer): Promise<string>;
  /** Every file under the lake, relative to it, sorted. */
  lakeFiles(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const dir = await mkdtemp(join(tmpdir(), 'auditlake-ingest-'));
  const lake = join(dir, 'lake');
  return {
    dir,
    lake,
    async write(name, content) {
      const path = join(dir, name);
      await writeFile(path, content);
      return path;
    },
    async lakeFiles() {
      const entries = await readdir(lake, { recursive: true, withFileTypes: true }).catch(() => []);
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => relative(lake, join(entry.parentPath, entry.name)))
        .sort();
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs one query with DuckDB, the way a reader of the lake would. */
export async function queryLake(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  try {
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    const reader = await connection.runAndReadAll(sql);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    instance.closeSync();
  }
}

/** The lake's events as `read_parquet` returns them with hive partitioning, ordered by event_id. */
export function readEvents(lake: string, columns = '*'): Promise<Record<string, unknown>[]> {
  return queryLake(
    `SELECT ${columns} FROM read_parquet('${lake}/audit_events/*/*.parquet', hive_partitioning = true, hive_types = {'dt': VARCHAR}) ORDER BY event_id`,
  );
}
