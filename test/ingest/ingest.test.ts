import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditlakeError } from '../../lambdas/core/errors.ts';
import { publishStaged } from '../../lambdas/ingest/event-staging.ts';
import { type IngestReport, ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { InputFileError } from '../../lambdas/ingest/input-records.ts';
import { jsonl, NOW, queryLake, rawEvent, readEvents, type TempDir, tempDir } from './fixtures.ts';

let tmp: TempDir;

beforeEach(async () => {
  tmp = await tempDir();
});

afterEach(async () => {
  await tmp.remove();
});

function ingest(files: string[], extra: { onProgress?: (read: number, total: number) => void } = {}) {
  return ingestFiles({ files, lakeDir: tmp.lake, now: NOW, ...extra });
}

async function quarantined(report: IngestReport): Promise<Record<string, unknown>[]> {
  if (!report.quarantineFile) return [];
  const text = await readFile(report.quarantineFile, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function expectCountsAddUp(report: IngestReport): void {
  expect(report.received).toBe(report.accepted + report.quarantined + report.duplicates);
}

const CSV_HEADER =
  'event_id,event_time,actor_id,actor_type,action,resource_type,resource_id,record_count,bytes,source_system,source_ip,device_id,destination,outcome,justification_id,details';

describe('ingestFiles with JSONL', () => {
  it('accepts good lines, quarantines bad ones with line and reason, and counts duplicates', async () => {
    const file = await tmp.write(
      'events.jsonl',
      [
        JSON.stringify(rawEvent({ event_id: 'e1' })),
        '{"event_id": "e2", "event_time": ',
        '',
        JSON.stringify(rawEvent({ event_id: 'e3', action: 'steal' })),
        JSON.stringify(rawEvent({ event_id: 'e1', actor_id: 'someone-else' })),
        JSON.stringify(rawEvent({ event_id: 'e4', event_time: '2026-03-01T09:30:00' })),
        JSON.stringify(rawEvent({ event_id: 'e5', action: 'export', record_count: 500 })),
      ].join('\n'),
    );

    const report = await ingest([file]);

    expect(report).toMatchObject({
      received: 6,
      accepted: 2,
      quarantined: 3,
      duplicates: 1,
      files: 1,
      partitions: ['2026-03-01'],
    });
    expectCountsAddUp(report);
    expect(report.reasons).toEqual({
      'line is not valid JSON': 1,
      'action must be one of login, logout, login_failed, read, search, list, export, download, print, copy, send, upload, create, update, delete, grant, revoke, config_change, device_connect': 1,
      'event_time has no Z or offset, so its instant is unknown': 1,
    });
    const entries = await quarantined(report);
    expect(entries.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 2, field: '(record)' },
      { line: 4, field: 'action' },
      { line: 6, field: 'event_time' },
    ]);
    expect(entries[0]).toMatchObject({ file, raw: '{"event_id": "e2", "event_time": ' });
    expect(entries[1]?.reason).toContain('(got "steal")');
  });

  it('keeps the first occurrence of a repeated event_id', async () => {
    const file = await tmp.write(
      'events.jsonl',
      jsonl(
        rawEvent({ event_id: 'e1', actor_id: 'first' }),
        rawEvent({ event_id: 'e1', actor_id: 'second' }),
      ),
    );

    await ingest([file]);

    expect(await readEvents(tmp.lake, 'event_id, actor_id')).toEqual([{ event_id: 'e1', actor_id: 'first' }]);
  });

  it('keeps the first occurrence across files, in the order given', async () => {
    const a = await tmp.write('a.jsonl', jsonl(rawEvent({ event_id: 'e1', actor_id: 'from-a' })));
    const b = await tmp.write('b.jsonl', jsonl(rawEvent({ event_id: 'e1', actor_id: 'from-b' })));

    const report = await ingest([b, a]);

    expect(report).toMatchObject({ files: 2, accepted: 1, duplicates: 1 });
    expect(await readEvents(tmp.lake, 'actor_id')).toEqual([{ actor_id: 'from-b' }]);
  });

  it('quarantines a line that names a field twice, naming the field, since readers disagree on which value wins', async () => {
    const line = JSON.stringify(rawEvent({ event_id: 'e1' }));
    const file = await tmp.write('events.jsonl', `${line.slice(0, -1)},"actor_id":"emp-9999"}\n`);

    const report = await ingest([file]);

    expect(report).toMatchObject({ received: 1, accepted: 0, quarantined: 1 });
    expect(await quarantined(report)).toMatchObject([
      { line: 1, field: 'actor_id', reason: 'field actor_id appears more than once in the object' },
    ]);
  });

  it('writes Parquet with the contract columns and types, partitioned by dt and without dt inside', async () => {
    const file = await tmp.write(
      'events.jsonl',
      jsonl(
        rawEvent({ event_id: 'e1', bytes: 2048, details: { rows: 3 } }),
        rawEvent({ event_id: 'e2', event_time: '2026-03-01T01:30:00+02:00' }),
      ),
    );

    const report = await ingest([file]);

    expect(report.partitions).toEqual(['2026-02-28', '2026-03-01']);
    const files = (await tmp.lakeFiles()).filter((file) => file.startsWith('audit_events/'));
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^audit_events\/dt=2026-02-28\/part-\d{8}T\d{6}Z-[0-9a-f]{8}-0\.parquet$/);
    expect(files[1]).toMatch(/^audit_events\/dt=2026-03-01\//);
    const glob = `${tmp.lake}/audit_events/*/*.parquet`;
    const types = await queryLake(
      `DESCRIBE SELECT * FROM read_parquet('${glob}', hive_partitioning = true, hive_types = {'dt': VARCHAR})`,
    );
    expect(Object.fromEntries(types.map((row) => [row.column_name, row.column_type]))).toEqual({
      event_id: 'VARCHAR',
      event_time: 'TIMESTAMP',
      actor_id: 'VARCHAR',
      actor_type: 'VARCHAR',
      action: 'VARCHAR',
      resource_type: 'VARCHAR',
      resource_id: 'VARCHAR',
      record_count: 'BIGINT',
      bytes: 'BIGINT',
      source_system: 'VARCHAR',
      source_ip: 'VARCHAR',
      device_id: 'VARCHAR',
      destination: 'VARCHAR',
      outcome: 'VARCHAR',
      justification_id: 'VARCHAR',
      details: 'VARCHAR',
      dt: 'VARCHAR',
    });
    const stored = await queryLake(
      `SELECT DISTINCT name, converted_type FROM parquet_schema('${glob}') WHERE name IN ('event_time', 'dt')`,
    );
    expect(stored).toEqual([{ name: 'event_time', converted_type: 'TIMESTAMP_MILLIS' }]);
    expect(
      await readEvents(
        tmp.lake,
        "event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S') AS at, bytes, details, dt",
      ),
    ).toEqual([
      { event_id: 'e1', at: '2026-03-01T09:30:00', bytes: '2048', details: '{"rows":3}', dt: '2026-03-01' },
      { event_id: 'e2', at: '2026-02-28T23:30:00', bytes: null, details: null, dt: '2026-02-28' },
    ]);
  });

  it('reports every event as a duplicate when the same file is ingested again, and writes nothing', async () => {
    const file = await tmp.write(
      'events.jsonl',
      jsonl(rawEvent({ event_id: 'e1' }), rawEvent({ event_id: 'e2' })),
    );
    await ingest([file]);
    const before = await tmp.lakeFiles();

    const again = await ingest([file]);

    expect(again).toMatchObject({ received: 2, accepted: 0, duplicates: 2, quarantined: 0, partitions: [] });
    expect(await tmp.lakeFiles()).toEqual(before);
  });

  it('adds only the new events of a partition that already has files, in a new file', async () => {
    await ingest([await tmp.write('a.jsonl', jsonl(rawEvent({ event_id: 'e1' })))]);

    const report = await ingest([
      await tmp.write('b.jsonl', jsonl(rawEvent({ event_id: 'e1' }), rawEvent({ event_id: 'e2' }))),
    ]);

    expect(report).toMatchObject({ accepted: 1, duplicates: 1 });
    expect((await tmp.lakeFiles()).filter((file) => file.startsWith('audit_events/'))).toHaveLength(2);
    expect(await readEvents(tmp.lake, 'event_id')).toEqual([{ event_id: 'e1' }, { event_id: 'e2' }]);
  });

  it('quarantines a line that is not UTF-8 and keeps the rest of the file', async () => {
    const file = await tmp.write(
      'events.jsonl',
      Buffer.concat([
        Buffer.from(`${JSON.stringify(rawEvent({ event_id: 'e1' }))}\n{"event_id":"`),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(`"}\n${JSON.stringify(rawEvent({ event_id: 'e2' }))}\n`),
      ]),
    );

    const report = await ingest([file]);

    expect(report).toMatchObject({ accepted: 2, quarantined: 1, reasons: { 'line is not valid UTF-8': 1 } });
    expect((await quarantined(report))[0]).toMatchObject({ line: 2, raw: '{"event_id":"\ufffd("}' });
  });

  it('quarantines a line longer than the record limit by its first 4096 bytes, without reading it whole', async () => {
    const huge = JSON.stringify(
      rawEvent({ event_id: 'huge', details: { blob: 'x'.repeat(9 * 1024 * 1024) } }),
    );
    const file = await tmp.write(
      'events.jsonl',
      `${huge}\n${JSON.stringify(rawEvent({ event_id: 'e2' }))}\n`,
    );

    const report = await ingest([file]);

    expect(report).toMatchObject({ received: 2, accepted: 1, quarantined: 1 });
    const [entry] = await quarantined(report);
    expect(entry).toMatchObject({
      line: 1,
      reason: 'line is longer than 8388608 bytes (kept its first 4096)',
    });
    expect(entry?.raw).toHaveLength(4096);
  });

  it('reads CRLF line endings and a last line without a newline', async () => {
    const file = await tmp.write(
      'events.ndjson',
      `${JSON.stringify(rawEvent({ event_id: 'e1' }))}\r\n${JSON.stringify(rawEvent({ event_id: 'e2' }))}`,
    );

    expect(await ingest([file])).toMatchObject({ received: 2, accepted: 2 });
  });

  it('streams input larger than one read chunk and reports progress up to the total size', async () => {
    const events = Array.from({ length: 8000 }, (_, i) =>
      rawEvent({
        event_id: `e${i}`,
        event_time: `2026-03-0${1 + (i % 5)}T09:30:00Z`,
        details: { pad: 'x'.repeat(100) },
      }),
    );
    const file = await tmp.write('big.jsonl', jsonl(...events));
    const progress: [number, number][] = [];

    const report = await ingest([file], { onProgress: (read, total) => progress.push([read, total]) });

    expect(report).toMatchObject({
      received: 8000,
      accepted: 8000,
      partitions: ['2026-03-01', '2026-03-02', '2026-03-03', '2026-03-04', '2026-03-05'],
    });
    expect(progress.length).toBeGreaterThan(1);
    const [read, total] = progress.at(-1) ?? [0, 0];
    expect(read).toBe(total);
    expect((await queryLake(`SELECT count(*) AS n FROM '${tmp.lake}/audit_events/*/*.parquet'`))[0]).toEqual({
      n: '8000',
    });
  });

  it('fails as a whole, leaving no quarantine or staging files, when the lake cannot be read for dedup', async () => {
    const corrupt = join(tmp.lake, 'audit_events', 'dt=2026-03-01', 'corrupt.parquet');
    await mkdir(dirname(corrupt), { recursive: true });
    await writeFile(corrupt, 'not parquet');
    const file = await tmp.write('events.jsonl', `${JSON.stringify(rawEvent())}\nnot json\n`);

    await expect(ingest([file])).rejects.toThrow(`could not write events to the lake at ${tmp.lake}`);

    expect(await tmp.lakeFiles()).toEqual(['audit_events/dt=2026-03-01/corrupt.parquet']);
  });

  it('leaves no staging directory behind', async () => {
    await ingest([await tmp.write('events.jsonl', jsonl(rawEvent()))]);

    const other = (await tmp.lakeFiles()).filter((file) => !/^(audit_events|digests)\//.test(file));
    expect(other).toEqual([]);
  });
});

describe('ingestFiles with CSV', () => {
  it('reads a header row, quoted fields, doubled quotes and a field spanning lines', async () => {
    const file = await tmp.write(
      'events.csv',
      [
        CSV_HEADER,
        'c1,2026-03-01T09:30:00Z,emp-7,human,export,report,rep-1,250,4096,crm,10.0.0.7,pc-7,usb,success,,"{""file"":""q1, final.xlsx""}"',
        'c2,2026-03-01T10:00:00+01:00,svc-etl,service,read,table,"cust,omers",,,warehouse,,,,success,,"{',
        '  ""note"": ""two lines""}"',
      ].join('\n'),
    );

    const report = await ingest([file]);

    expect(report).toMatchObject({ received: 2, accepted: 2, quarantined: 0 });
    expect(
      await readEvents(tmp.lake, 'event_id, resource_id, record_count, bytes, destination, details'),
    ).toEqual([
      {
        event_id: 'c1',
        resource_id: 'rep-1',
        record_count: '250',
        bytes: '4096',
        destination: 'usb',
        details: '{"file":"q1, final.xlsx"}',
      },
      {
        event_id: 'c2',
        resource_id: 'cust,omers',
        record_count: '1',
        bytes: null,
        destination: null,
        details: '{\n  "note": "two lines"}',
      },
    ]);
  });

  it('ignores a byte order mark before the header', async () => {
    const file = await tmp.write(
      'events.csv',
      `\uFEFF${CSV_HEADER}\nc1,2026-03-01T09:30:00Z,emp-7,human,read,file,f,1,,crm,,,,success,,\n`,
    );

    expect(await ingest([file])).toMatchObject({ accepted: 1, quarantined: 0 });
  });

  it('accepts a header with only some optional columns, in any order', async () => {
    const file = await tmp.write(
      'events.csv',
      'outcome,event_id,event_time,actor_id,actor_type,action,resource_type,source_system\nsuccess,c1,2026-03-01T09:30:00Z,emp-7,human,login,session,vpn\n',
    );

    expect(await ingest([file])).toMatchObject({ accepted: 1 });
  });

  it('quarantines a row with the wrong number of fields and a row with a stray quote, keeping the rows after them', async () => {
    const good = (id: string) => `${id},2026-03-01T09:30:00Z,emp-7,human,read,file,f,1,,crm,,,,success,,`;
    const file = await tmp.write(
      'events.csv',
      [
        CSV_HEADER,
        good('c1'),
        'c2,2026-03-01T09:30:00Z,emp-7',
        `c3,2026-03-01T09:30:00Z,emp"7,human,read,file,f,1,,crm,,,,success,,`,
        good('c4'),
      ].join('\n'),
    );

    const report = await ingest([file]);

    expect(report).toMatchObject({ received: 4, accepted: 2, quarantined: 2 });
    expect(report.reasons).toEqual({
      'row has the wrong number of fields': 1,
      'row has an unclosed quoted field': 1,
    });
    expect((await quarantined(report)).map((entry) => entry.line)).toEqual([3, 4]);
  });

  it('fails before writing anything when the header names a column outside the contract', async () => {
    const file = await tmp.write('events.csv', `${CSV_HEADER},user_agent\n`);

    await expect(ingest([file])).rejects.toThrow(
      `${file}: line 1: header column "user_agent" is not a column of audit_events`,
    );
    expect(await tmp.lakeFiles()).toEqual([]);
  });

  it('fails when the header lacks a required column', async () => {
    const file = await tmp.write('events.csv', 'event_id,event_time\n');

    await expect(ingest([file])).rejects.toThrow(
      'header has no actor_id, actor_type, action, resource_type, source_system, outcome column (required)',
    );
  });
});

describe('ingestFiles with bad input files', () => {
  it('fails naming a missing file, and writes nothing even for the good files before it', async () => {
    const good = await tmp.write('good.jsonl', jsonl(rawEvent()));
    const missing = join(tmp.dir, 'missing.jsonl');

    const error = await ingest([good, missing]).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(InputFileError);
    expect(error).toBeInstanceOf(AuditlakeError);
    expect((error as Error).message).toBe(`${missing}: does not exist`);
    expect(await tmp.lakeFiles()).toEqual([]);
  });

  it('fails on an unsupported extension', async () => {
    const file = await tmp.write('events.xml', '<event/>');

    await expect(ingest([file])).rejects.toThrow(
      `${file}: unsupported file type; expected .jsonl, .ndjson, .json, .csv`,
    );
  });

  it('fails on a directory', async () => {
    const dir = join(tmp.dir, 'exports.jsonl');
    await mkdir(dir);

    await expect(ingest([dir])).rejects.toThrow(`${dir}: is a directory, not a file`);
  });

  it('fails on a JSON array instead of JSON Lines', async () => {
    const file = await tmp.write('events.json', JSON.stringify([rawEvent()], null, 2));

    await expect(ingest([file])).rejects.toThrow('looks like a JSON document; expected JSON Lines');
  });

  it('treats an empty file as no events', async () => {
    const file = await tmp.write('empty.jsonl', '\n\n');

    expect(await ingest([file])).toEqual({
      received: 0,
      accepted: 0,
      quarantined: 0,
      duplicates: 0,
      files: 1,
      partitions: [],
      reasons: {},
    });
  });
});

describe('publishStaged', () => {
  it('never replaces a file in the lake, and takes back what it moved when one move fails', async () => {
    const out = join(tmp.dir, 'out');
    const table = join(tmp.lake, 'audit_events');
    await mkdir(join(out, 'dt=2026-02-28'), { recursive: true });
    await mkdir(join(out, 'dt=2026-03-01'), { recursive: true });
    await mkdir(join(table, 'dt=2026-03-01'), { recursive: true });
    await writeFile(join(out, 'dt=2026-02-28', 'part_0.parquet'), 'new 1');
    await writeFile(join(out, 'dt=2026-03-01', 'part_0.parquet'), 'new 2');
    await writeFile(join(table, 'dt=2026-03-01', 'run-0.parquet'), 'already there');

    await expect(publishStaged(out, table, 'run')).rejects.toThrow();

    expect(await tmp.lakeFiles()).toEqual(['audit_events/dt=2026-03-01/run-0.parquet']);
    expect(await readFile(join(table, 'dt=2026-03-01', 'run-0.parquet'), 'utf8')).toBe('already there');
  });
});
