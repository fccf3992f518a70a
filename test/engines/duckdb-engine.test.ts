import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditlakeError, ConfigError, QueryFailedError } from '../../lambdas/core/errors.ts';
import type { QueryResult } from '../../lambdas/core/ports.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';

const AUDIT_EVENTS_SCHEMA = [
  ['event_id', 'VARCHAR'],
  ['event_time', 'TIMESTAMP'],
  ['actor_id', 'VARCHAR'],
  ['actor_type', 'VARCHAR'],
  ['action', 'VARCHAR'],
  ['resource_type', 'VARCHAR'],
  ['resource_id', 'VARCHAR'],
  ['record_count', 'BIGINT'],
  ['bytes', 'BIGINT'],
  ['source_system', 'VARCHAR'],
  ['source_ip', 'VARCHAR'],
  ['device_id', 'VARCHAR'],
  ['destination', 'VARCHAR'],
  ['outcome', 'VARCHAR'],
  ['justification_id', 'VARCHAR'],
  ['details', 'VARCHAR'],
  ['dt', 'VARCHAR'],
];

const EMPLOYEES_SCHEMA = [
  ['employee_id', 'VARCHAR'],
  ['email', 'VARCHAR'],
  ['display_name', 'VARCHAR'],
  ['department', 'VARCHAR'],
  ['title', 'VARCHAR'],
  ['manager_id', 'VARCHAR'],
  ['location', 'VARCHAR'],
  ['timezone', 'VARCHAR'],
  ['work_start_hour', 'INTEGER'],
  ['work_end_hour', 'INTEGER'],
  ['work_days', 'VARCHAR'],
  ['employment_status', 'VARCHAR'],
  ['hire_date', 'DATE'],
  ['termination_date', 'DATE'],
  ['is_privileged', 'BOOLEAN'],
];

const EMPLOYEES_CSV_HEADER =
  'employee_id,email,display_name,department,title,manager_id,location,timezone,work_start_hour,work_end_hour,work_days,employment_status,hire_date,termination_date,is_privileged';

async function single(engine: DuckDbEngine, sql: string) {
  const result = await engine.query({ sql, label: 'test' });
  return { value: result.rows[0]?.v, type: result.columns[0]?.type };
}

async function schemaOf(engine: DuckDbEngine, table: string): Promise<string[][]> {
  const result = await engine.query({ sql: `DESCRIBE ${table}`, label: 'test' });
  return result.rows.map((row) => [String(row.column_name), String(row.column_type)]);
}

describe('DuckDbEngine values and types', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDbEngine({});
  });
  afterAll(async () => {
    await engine.close();
  });

  it('returns integers that fit a double as numbers', async () => {
    expect(await single(engine, 'SELECT CAST(9007199254740991 AS BIGINT) AS v')).toEqual({
      value: 9007199254740991,
      type: 'bigint',
    });
  });

  it('returns integers beyond 2^53 as decimal strings', async () => {
    expect(await single(engine, 'SELECT CAST(9007199254740993 AS BIGINT) AS v')).toEqual({
      value: '9007199254740993',
      type: 'bigint',
    });
    expect(
      (await single(engine, 'SELECT CAST(-170141183460469231731687303715884105727 AS HUGEINT) AS v')).value,
    ).toBe('-170141183460469231731687303715884105727');
  });

  it('returns timestamps as ISO-8601 UTC with milliseconds', async () => {
    expect(await single(engine, "SELECT TIMESTAMP '2026-01-02 03:04:05.678901' AS v")).toEqual({
      value: '2026-01-02T03:04:05.678Z',
      type: 'timestamp',
    });
  });

  it('returns timestamps with time zone as the UTC instant', async () => {
    expect(await single(engine, "SELECT TIMESTAMPTZ '2026-01-02 05:04:05+02:00' AS v")).toEqual({
      value: '2026-01-02T03:04:05.000Z',
      type: 'timestamp',
    });
  });

  it('truncates sub-millisecond digits toward the past, also before 1970', async () => {
    expect((await single(engine, "SELECT TIMESTAMP '1969-12-31 23:59:59.9995' AS v")).value).toBe(
      '1969-12-31T23:59:59.999Z',
    );
  });

  it('returns dates as YYYY-MM-DD', async () => {
    expect(await single(engine, "SELECT DATE '2026-01-02' AS v")).toEqual({
      value: '2026-01-02',
      type: 'date',
    });
  });

  it('tells NULL from the empty string', async () => {
    const result = await engine.query({ sql: "SELECT CAST(NULL AS VARCHAR) AS a, '' AS b", label: 'test' });

    expect(result.rows).toEqual([{ a: null, b: '' }]);
    expect(result.columns).toEqual([
      { name: 'a', type: 'varchar' },
      { name: 'b', type: 'varchar' },
    ]);
  });

  it('returns lists, structs and maps as JSON text with their values normalized', async () => {
    const result = await engine.query({
      sql: `SELECT [1, 2, 3] AS list, {'a': 1, 'b': 'x'} AS struct, MAP(['k'], [2]) AS map,
              [TIMESTAMP '2026-01-02 03:04:05'] AS times, [CAST(NULL AS INTEGER)] AS nulls`,
      label: 'test',
    });

    expect(result.rows[0]).toEqual({
      list: '[1,2,3]',
      struct: '{"a":1,"b":"x"}',
      map: '{"k":2}',
      times: '["2026-01-02T03:04:05.000Z"]',
      nulls: '[null]',
    });
    expect(result.columns.map((column) => column.type)).toEqual([
      'other',
      'other',
      'other',
      'other',
      'other',
    ]);
  });

  it('returns booleans, doubles and decimals as JavaScript values with engine-neutral types', async () => {
    const result = await engine.query({
      sql: 'SELECT true AS b, 1.5E0 AS d, CAST(2.25 AS DECIMAL(10, 2)) AS dec, CAST(7 AS INTEGER) AS i',
      label: 'test',
    });

    expect(result.rows[0]).toEqual({ b: true, d: 1.5, dec: 2.25, i: 7 });
    expect(result.columns.map((column) => column.type)).toEqual(['boolean', 'double', 'double', 'bigint']);
  });

  it('maps types without an engine-neutral form to other', async () => {
    expect(await single(engine, "SELECT INTERVAL '1' DAY AS v")).toEqual({ value: '1 day', type: 'other' });
  });

  it('reports the wall time of the query', async () => {
    const result = await engine.query({ sql: 'SELECT 1 AS v', label: 'test' });

    expect(result.stats.engineMillis).toBeGreaterThanOrEqual(0);
  });

  it('runs queries issued together one after another', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => engine.query({ sql: `SELECT ${n} AS v`, label: `q${n}` })),
    );

    expect(results.map((result) => result.rows[0]?.v)).toEqual([1, 2, 3, 4]);
  });

  it('turns a failing query into a one-line QueryFailedError that starts with the label', async () => {
    const failure = engine.query({
      sql: 'SELECT * FROM no_such_table',
      label: 'off-hours-export 2026-01-01T00:00Z',
    });

    await expect(failure).rejects.toBeInstanceOf(QueryFailedError);
    const error = (await failure.catch((e: unknown) => e)) as QueryFailedError;
    expect(error.message).toMatch(/^off-hours-export 2026-01-01T00:00Z: .*no_such_table/);
    expect(error.message).not.toContain('\n');
    expect(error.retryable).toBe(false);
  });

  it('keeps working after a failed query', async () => {
    await engine.query({ sql: 'SELECT nope(', label: 'broken' }).catch(() => undefined);

    expect((await single(engine, 'SELECT 2 AS v')).value).toBe(2);
  });
});

describe('openDuckDbEngine', () => {
  it('runs statements for their effect through run()', async () => {
    const engine = await openDuckDbEngine({});
    await engine.run('CREATE TABLE t AS SELECT 41 + 1 AS v');

    expect((await single(engine, 'SELECT v FROM t')).value).toBe(42);
    await engine.close();
  });

  it('sets the session to UTC and to integer division', async () => {
    const engine = await openDuckDbEngine({});
    const result = await engine.query({
      sql: "SELECT current_setting('TimeZone') AS zone, 7 / 2 AS q, current_setting('autoload_known_extensions') AS autoload",
      label: 'test',
    });

    expect(result.rows[0]).toEqual({ zone: 'UTC', q: 3, autoload: false });
    await engine.close();
  });

  it('applies the thread and memory options', async () => {
    const engine = await openDuckDbEngine({ threads: 2, memoryLimit: '1GB' });
    const result = await engine.query({
      sql: "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory",
      label: 'test',
    });

    expect(result.rows[0]?.threads).toBe(2);
    expect(String(result.rows[0]?.memory)).toMatch(/^953\.6 MiB$/);
    await engine.close();
  });

  it('rejects a thread count that is not a positive whole number', async () => {
    await expect(openDuckDbEngine({ threads: 0 })).rejects.toBeInstanceOf(ConfigError);
  });

  it('refuses queries once closed', async () => {
    const engine = await openDuckDbEngine({});
    await engine.close();

    await expect(engine.query({ sql: 'SELECT 1', label: 'late' })).rejects.toThrow(/^late: .*closed/);
  });
});

describe('lake tables', () => {
  let root: string;
  let lake: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'auditlake-engine-'));
    lake = root;
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** `days` × `perDay` events, one an hour from midnight, with every contract column. */
  function eventsSql(days: readonly string[], perDay = 2): string {
    return `SELECT 'evt-' || d.dt || '-' || n AS event_id,
        CAST(d.dt AS TIMESTAMP) + to_hours(n) AS event_time,
        'emp-0001' AS actor_id, 'human' AS actor_type, 'export' AS action, 'report' AS resource_type,
        'r-' || n AS resource_id, CAST(n + 1 AS INTEGER) AS record_count, CAST(NULL AS BIGINT) AS bytes,
        'crm' AS source_system, '10.0.0.1' AS source_ip, 'pc-1' AS device_id, 'usb' AS destination,
        'success' AS outcome, CAST(NULL AS VARCHAR) AS justification_id, '{"rows": 1}' AS details, d.dt AS dt
      FROM (VALUES ${days.map((day) => `('${day}')`).join(', ')}) AS d(dt), range(${perDay}) AS r(n)`;
  }

  async function copyTo(select: string, target: string, options: string): Promise<void> {
    const writer = await openDuckDbEngine({});
    await writer.run(`COPY (${select}) TO '${target.replaceAll("'", "''")}' (${options})`);
    await writer.close();
  }

  /** Writes the events as hive-partitioned Parquet, the way ingest lays them out. */
  async function writeEvents(days: readonly string[]): Promise<void> {
    await copyTo(eventsSql(days), path.join(lake, 'audit_events'), 'FORMAT parquet, PARTITION_BY (dt)');
  }

  async function withLake<T>(work: (engine: DuckDbEngine) => Promise<T>): Promise<T> {
    const engine = await openDuckDbEngine({ lakeDir: lake });
    try {
      return await work(engine);
    } finally {
      await engine.close();
    }
  }

  async function writeEmployees(name: string, content: string): Promise<string> {
    await mkdir(path.join(lake, 'employees'), { recursive: true });
    const file = path.join(lake, 'employees', name);
    await writeFile(file, content);
    return file;
  }

  it('exposes the partitions as audit_events with the contract types', async () => {
    await writeEvents(['2026-01-01', '2026-01-02']);

    await withLake(async (engine) => {
      expect(await schemaOf(engine, 'audit_events')).toEqual(AUDIT_EVENTS_SCHEMA);
      const result = await engine.query({
        sql: "SELECT event_time, record_count, dt, action FROM audit_events WHERE event_id = 'evt-2026-01-02-1'",
        label: 'test',
      });
      expect(result.rows).toEqual([
        { event_time: '2026-01-02T01:00:00.000Z', record_count: 2, dt: '2026-01-02', action: 'export' },
      ]);
    });
  });

  it('reads only the partitions a dt filter names', async () => {
    await writeEvents(['2026-01-01', '2026-01-02', '2026-01-03']);
    const other = path.join(lake, 'audit_events', 'dt=2026-01-02');
    const [file] = await readdir(other);
    await writeFile(path.join(other, file as string), 'not parquet'); // any read of it fails

    await withLake(async (engine) => {
      const filtered = await engine.query({
        sql: "SELECT count(*) AS n FROM audit_events WHERE dt BETWEEN '2026-01-03' AND '2026-01-04'",
        label: 'test',
      });
      expect(filtered.rows).toEqual([{ n: 2 }]);
      const plan = await engine.query({
        sql: "EXPLAIN ANALYZE SELECT event_id FROM audit_events WHERE dt = '2026-01-01'",
        label: 'test',
      });
      expect(String(plan.rows[0]?.explain_value)).toContain('Scanning Files: 1/3');
      await expect(engine.query({ sql: 'SELECT count(*) FROM audit_events', label: 'all' })).rejects.toThrow(
        /dt=2026-01-02/,
      );
    });
  });

  it('stores event times written with a time zone as the UTC instant', async () => {
    const dir = path.join(lake, 'audit_events', 'dt=2026-01-01');
    await mkdir(dir, { recursive: true });
    const select = `SELECT * EXCLUDE (dt) REPLACE (TIMESTAMPTZ '2026-01-01 10:00:00+02:00' AS event_time)
      FROM (${eventsSql(['2026-01-01'], 1)})`;
    await copyTo(select, path.join(dir, 'part.parquet'), 'FORMAT parquet');

    await withLake(async (engine) => {
      expect((await single(engine, 'SELECT event_time AS v FROM audit_events')).value).toBe(
        '2026-01-01T08:00:00.000Z',
      );
    });
  });

  it('reads employees from a CSV file with a header, keeping ids as text', async () => {
    await writeEmployees(
      'directory.csv',
      `${EMPLOYEES_CSV_HEADER}\n007,jane@example.com,"Doe, Jane",engineering,Developer,,Berlin,Europe/Berlin,9,17,"1,2,3,4,5",active,2020-01-02,,true\n`,
    );

    await withLake(async (engine) => {
      expect(await schemaOf(engine, 'employees')).toEqual(EMPLOYEES_SCHEMA);
      const result = await engine.query({ sql: 'SELECT * FROM employees', label: 'test' });
      expect(result.rows).toEqual([
        {
          employee_id: '007',
          email: 'jane@example.com',
          display_name: 'Doe, Jane',
          department: 'engineering',
          title: 'Developer',
          manager_id: null,
          location: 'Berlin',
          timezone: 'Europe/Berlin',
          work_start_hour: 9,
          work_end_hour: 17,
          work_days: '1,2,3,4,5',
          employment_status: 'active',
          hire_date: '2020-01-02',
          termination_date: null,
          is_privileged: true,
        },
      ]);
    });
  });

  it('reads employees from JSON lines, turning a work_days list into the text form', async () => {
    const row = {
      employee_id: 'emp-0002',
      email: 'sam@example.com',
      display_name: 'Sam',
      department: 'operations',
      title: 'Night operator',
      manager_id: '007',
      location: 'New York',
      timezone: 'America/New_York',
      work_start_hour: 22,
      work_end_hour: 6,
      work_days: [7, 1, 2, 3, 4],
      employment_status: 'terminated',
      hire_date: '2019-05-01',
      termination_date: '2026-01-10',
      is_privileged: false,
    };
    await writeEmployees('directory.jsonl', `${JSON.stringify(row)}\n`);

    await withLake(async (engine) => {
      expect(await schemaOf(engine, 'employees')).toEqual(EMPLOYEES_SCHEMA);
      const result = await engine.query({ sql: 'SELECT * FROM employees', label: 'test' });
      expect(result.rows).toEqual([{ ...row, work_days: '7,1,2,3,4' }]);
    });
  });

  it('combines every employees file there is', async () => {
    await writeEmployees(
      'a.csv',
      `${EMPLOYEES_CSV_HEADER}\ne1,,,,,,,UTC,9,17,"1,2,3,4,5",active,2020-01-02,,false\n`,
    );
    await writeEmployees('b.jsonl', '{"employee_id": "e2", "timezone": "Asia/Kolkata"}\n');

    await withLake(async (engine) => {
      const result = await engine.query({
        sql: 'SELECT employee_id FROM employees ORDER BY 1',
        label: 'test',
      });
      expect(result.rows).toEqual([{ employee_id: 'e1' }, { employee_id: 'e2' }]);
    });
  });

  it('gives an empty lake empty views with the contract columns', async () => {
    await withLake(async (engine) => {
      expect(await schemaOf(engine, 'audit_events')).toEqual(AUDIT_EVENTS_SCHEMA);
      expect(await schemaOf(engine, 'employees')).toEqual(EMPLOYEES_SCHEMA);
      const counts: QueryResult = await engine.query({
        sql: 'SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM employees) AS employees',
        label: 'test',
      });
      expect(counts.rows).toEqual([{ events: 0, employees: 0 }]);
    });
  });

  it('names the employees file whose values do not fit the contract', async () => {
    const file = await writeEmployees(
      'directory.csv',
      `${EMPLOYEES_CSV_HEADER}\ne1,,,,,,,UTC,9,17,"1,2,3,4,5",active,last tuesday,,false\n`,
    );

    const failure = openDuckDbEngine({ lakeDir: lake });

    await expect(failure).rejects.toBeInstanceOf(AuditlakeError);
    await expect(failure).rejects.toThrow(`employees file ${file}: `);
  });

  it('names the employees file that lacks contract columns', async () => {
    const file = await writeEmployees('directory.csv', 'id,name\n1,Jane\n');

    await expect(openDuckDbEngine({ lakeDir: lake })).rejects.toThrow(
      `employees file ${file}: missing column(s) employee_id, email`,
    );
  });

  it('names the employees file that is not readable as its type', async () => {
    const file = await writeEmployees('directory.parquet', 'PAR1 but not really');

    await expect(openDuckDbEngine({ lakeDir: lake })).rejects.toThrow(`employees file ${file}: `);
  });

  it('names an employees file of an unsupported type', async () => {
    const file = await writeEmployees('directory.xlsx', 'binary');

    await expect(openDuckDbEngine({ lakeDir: lake })).rejects.toThrow(
      `employees file ${file}: unsupported file type`,
    );
  });

  it('names the employees file with a time zone that is not an IANA name', async () => {
    const file = await writeEmployees(
      'directory.jsonl',
      '{"employee_id": "e1", "timezone": "Mars/Olympus"}\n',
    );

    await expect(openDuckDbEngine({ lakeDir: lake })).rejects.toThrow(
      `employees file ${file}: unknown time zone "Mars/Olympus"`,
    );
  });

  it('accepts a lake path with a single quote in it', async () => {
    lake = path.join(lake, "o'brien");
    await mkdir(lake);
    await writeEvents(['2026-01-01']);

    await withLake(async (engine) => {
      expect((await single(engine, 'SELECT count(*) AS v FROM audit_events')).value).toBe(2);
    });
  });

  it('rejects a lake directory that does not exist', async () => {
    await expect(openDuckDbEngine({ lakeDir: path.join(lake, 'missing') })).rejects.toBeInstanceOf(
      ConfigError,
    );
  });
});
