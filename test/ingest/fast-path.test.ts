/**
 * The DuckDB fast path must be invisible: for every input, ingesting with it (and its JavaScript
 * fallback) gives exactly the lake rows, quarantine entries and report that checking every line in
 * JavaScript gives. The inputs: seeded demo events, hand-written edge cases of the contract, and
 * the hostile-input corpus.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateDemoEvents, planDemo } from '../../lambdas/demo/demo-events.ts';
import { EventStaging } from '../../lambdas/ingest/event-staging.ts';
import { countLines } from '../../lambdas/ingest/fast-path.ts';
import { ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { NOW, queryLake, rawEvent, type TempDir, tempDir } from './fixtures.ts';

const CORPUS_DIR = fileURLToPath(new URL('../fixtures/hostile-events', import.meta.url));
const DAY_MS = 86_400_000;

let tmp: TempDir;

beforeEach(async () => {
  tmp = await tempDir();
});

afterEach(async () => {
  await tmp.remove();
});

interface Outcome {
  readonly report: Record<string, unknown>;
  readonly rows: Record<string, unknown>[];
  readonly quarantine: unknown[];
}

/** Ingests `files` into a fresh lake with `engine` (twice when `again`, reporting the second). */
async function outcome(engine: 'js' | 'duckdb', files: string[], again = false): Promise<Outcome> {
  const lake = join(tmp.dir, `lake-${engine}`);
  await mkdir(lake, { recursive: true });
  let report = await ingestFiles({ files, lakeDir: lake, now: NOW, engine });
  if (again) report = await ingestFiles({ files, lakeDir: lake, now: NOW, engine });
  const { quarantineFile, digestFile, ...counts } = report;
  const quarantine: unknown[] = [];
  for (const name of (await readdir(join(lake, 'quarantine')).catch(() => [])).sort()) {
    const text = await readFile(join(lake, 'quarantine', name), 'utf8');
    quarantine.push(
      ...text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as unknown),
    );
  }
  const rows = (await readdir(join(lake, 'audit_events')).catch(() => [])).length
    ? await queryLake(
        `SELECT * EXCLUDE (filename), regexp_extract(filename, '-([0-9]+)\\.parquet$', 1) AS file_index
         FROM read_parquet('${lake}/audit_events/*/*.parquet', hive_partitioning = true,
           hive_types = {'dt': VARCHAR}, filename = true)
         ORDER BY dt, file_index, event_time, event_id`,
      )
    : [];
  return {
    report: { ...counts, quarantineFile: quarantineFile !== undefined, digestFile: digestFile !== undefined },
    rows,
    quarantine,
  };
}

async function expectSameOutcome(files: string[], again = false): Promise<Outcome> {
  const js = await outcome('js', files, again);
  const fast = await outcome('duckdb', files, again);
  expect(fast.report).toEqual(js.report);
  expect(fast.quarantine).toEqual(js.quarantine);
  expect(fast.rows).toEqual(js.rows);
  return fast;
}

function demoLines(employees: number, days: number): string[] {
  const endDay = Math.floor(NOW.getTime() / DAY_MS);
  const plan = planDemo({ employees, days, seed: 7, endDay, scenarios: 'demo' });
  return [...generateDemoEvents(plan)].map((event) => JSON.stringify(event));
}

/** One event line with `overrides` (undefined removes a field), as JSON text. */
const line = (id: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify(rawEvent({ event_id: id, ...overrides }));

/** Contract edge cases: each line is one question the fast path must answer as validateEvent does. */
function edgeCaseLines(): string[] {
  const times = [
    '2026-03-01T09:30:00Z',
    '2026-03-01T09:30:00z',
    '2026-03-01t09:30:00Z',
    '2026-03-01 09:30:00Z',
    '2026-03-01T09:30Z',
    '2026-03-01T09:30:00+02:00',
    '2026-03-01T09:30:00-0530',
    '2026-03-01T09:30:00+05',
    '2026-03-01T09:30:00+19:00',
    '2026-03-01T09:30:00',
    '2026-03-01T09:30:00.1Z',
    '2026-03-01T09:30:00.12Z',
    '2026-03-01T09:30:00.123456Z',
    '2026-03-01T09:30:00.1239999Z',
    '2026-03-01T09:30:00.999999999Z',
    '2026-03-01T09:30:00,5Z',
    '2024-02-29T12:00:00Z',
    '2023-02-29T12:00:00Z',
    '2000-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-03-01T24:00:00Z',
    '2026-03-01T23:60:00Z',
    '2026-03-01T23:59:60Z',
    '1999-12-31T23:59:59.999Z',
    '2000-01-01T00:00:00Z',
    '1999-12-31T23:00:00-01:00',
    '0000-01-01T00:00:00Z',
    '2026-03-11T12:00:00Z',
    '2026-03-11T12:00:00.001Z',
    '2026-03-11T12:00:00.000999Z',
    '2099-01-01T00:00:00Z',
    '2026-3-01T09:30:00Z',
    '',
    '   ',
  ];
  const lines = times.map((time, i) => line(`time-${i}`, { event_time: time }));
  lines.push(line('time-number', { event_time: 1772357400000 }));
  const variants: Record<string, unknown>[] = [
    { resource_id: undefined, bytes: undefined, destination: undefined, details: undefined },
    { resource_id: '', source_ip: '', device_id: '', destination: '', justification_id: '' },
    { resource_id: '   ', justification_id: ' x ' },
    { actor_id: '   ' },
    { actor_id: ' emp-1' },
    { actor_id: '\u00a0emp-1' },
    { actor_id: '' },
    { actor_id: null },
    { actor_id: undefined },
    { actor_id: 123 },
    { actor_id: true },
    { resource_id: 42 },
    { resource_id: { a: 1 } },
    { actor_type: 'Human' },
    { action: 'export ' },
    { outcome: null },
    { record_count: '5' },
    { record_count: '007' },
    { record_count: '' },
    { record_count: null },
    { record_count: undefined },
    { record_count: '1.5' },
    { record_count: '-1' },
    { record_count: -1 },
    { record_count: 1.5 },
    { record_count: 0 },
    { record_count: 999_999_999_999_999 },
    { record_count: 9_007_199_254_740_991 },
    { record_count: 9_007_199_254_740_992 },
    { record_count: '99999999999999999' },
    { bytes: 0 },
    { bytes: '12' },
    { bytes: true },
    { details: { job: 'sync', n: 1 } },
    { details: '{"job":"sync"}' },
    { details: '{ "job" : "sync" }' },
    { details: 'export of 3 rows' },
    { details: '[]' },
    { details: '' },
    { details: 5 },
    { details: [] },
    { dt: '2026-03-01' },
    { dt: '2026-03-02' },
    { dt: '' },
    { dt: null },
    { dt: 20260301 },
    { dt: '2026-02-28', event_time: '2026-03-01T01:00:00+02:00' },
    { unknown: 1 },
    { unknown: null },
    { Event_id: 'x' },
    { actor_id: 'emp-😀-山田' },
    { resource_id: 'a\u2028b' },
    { resource_id: 'a\u007fb' },
    { resource_id: 'a\u0085b' },
    { resource_id: 'a\u009bb' },
    { resource_id: 'tab\there' },
    { resource_id: 'a\u0001b' },
    { resource_id: 'é/"quoted"' },
    { resource_id: 'x'.repeat(60_000) },
    { resource_id: 'x'.repeat(70_000) },
    { source_ip: '::1' },
  ];
  variants.forEach((overrides, i) => {
    lines.push(line(`variant-${i}`, overrides));
  });
  const event = line('raw-base');
  lines.push(
    '',
    '   ',
    '\t',
    '\u00a0',
    event.replace('"actor_id":"emp-0042"', '"actor_id":"emp-0042","actor_id":"emp-0043"'),
    event.replace('"actor_id":"emp-0042"', '"actor_id":"emp-0042","actor_id":null'),
    event.replace('"bytes":null', '"bytes":null,"bytes":null'),
    event.replace('"event_id":"raw-base"', '"event_id":"raw-unknown","__proto__":{}'),
    `${event.slice(0, -1)},}`.replace('raw-base', 'raw-trailing-comma'),
    event.replace('"bytes":null', '"bytes":NaN').replace('raw-base', 'raw-nan'),
    event.replace('"bytes":null', '"bytes":1e3').replace('raw-base', 'raw-exponent'),
    event.replace('"bytes":null', '"bytes":-0').replace('raw-base', 'raw-minus-zero'),
    event.replace('"bytes":null', '"bytes":1.0').replace('raw-base', 'raw-one-point-zero'),
    event.replace('"actor_id":"emp-0042"', '"actor_id":"emp-\\u0041"').replace('raw-base', 'raw-escape'),
    event.replace('"actor_id":"emp-0042"', '"actor_id":"emp\\ud800"').replace('raw-base', 'raw-surrogate'),
    event.replace('"actor_id":"emp-0042"', '"actor_id":"a\\/b"').replace('raw-base', 'raw-solidus'),
    event.replace(/,/g, ' , ').replace(/:/g, ' : ').replace('raw-base', 'raw-spaced'),
    `  ${event.replace('raw-base', 'raw-indented')}  `,
    `\uFEFF${event.replace('raw-base', 'raw-bom')}`,
    JSON.stringify({ ...rawEvent({ event_id: 'raw-count-last' }), record_count: undefined, bytes: 7 }),
    event.replace('raw-base', 'raw-nested').replace('"details":null', '"details":{"a":[1,{"b":null}]}'),
    '[1,2]',
    'null',
    '"text"',
    '42',
    '{}',
    '{"event_id":',
    "{'event_id':'x'}",
    event,
  );
  return lines;
}

/** Lines of `file` the fast path accepts itself, without JavaScript. */
async function acceptedByDuckDb(file: string): Promise<number | undefined> {
  const stagingDir = join(tmp.dir, `staging-${Math.random().toString(36).slice(2)}`);
  await mkdir(stagingDir);
  const staging = await EventStaging.open(stagingDir);
  try {
    return (await staging.stageJsonl(file, { seqBase: 0, now: NOW }))?.accepted;
  } finally {
    staging.close();
  }
}

describe('the DuckDB fast path', () => {
  it('accepts plain demo events in DuckDB and hands every line with an escape to JavaScript', async () => {
    const lines = demoLines(20, 8);
    const file = await tmp.write('demo.jsonl', `${lines.join('\n')}\n`);
    const stagingDir = join(tmp.dir, 'staging');
    await mkdir(stagingDir);
    const staging = await EventStaging.open(stagingDir);
    try {
      const staged = await staging.stageJsonl(file, { seqBase: 0, now: NOW });
      const fallback: number[] = [];
      for await (const page of staged?.fallback ?? []) fallback.push(...page.map((entry) => entry.line));
      const escaped = lines.flatMap((text, i) => (text.includes('\\') ? [i + 1] : []));
      expect(staged?.accepted).toBe(lines.length - escaped.length);
      expect(fallback).toEqual(escaped);
    } finally {
      staging.close();
    }
  });

  it('leaves a file with CRLF line ends to JavaScript as a whole', async () => {
    const file = await tmp.write('crlf.jsonl', `${line('a')}\r\n${line('b')}\r\n`);
    const stagingDir = join(tmp.dir, 'staging');
    await mkdir(stagingDir);
    const staging = await EventStaging.open(stagingDir);
    try {
      expect(await staging.stageJsonl(file, { seqBase: 0, now: NOW })).toBeUndefined();
    } finally {
      staging.close();
    }
  });

  it('leaves a file whose name DuckDB would read as a glob pattern to JavaScript', async () => {
    const file = await tmp.write('events[1].jsonl', `${line('a')}\n`);
    expect(await acceptedByDuckDb(file)).toBeUndefined();
    await expectSameOutcome([file]);
  });

  it('counts lines as the JavaScript reader numbers them', async () => {
    expect(await countLines(await tmp.write('a.jsonl', 'a\nb\n\n'))).toBe(3);
    expect(await countLines(await tmp.write('b.jsonl', 'a\nb'))).toBe(2);
    expect(await countLines(await tmp.write('c.jsonl', ''))).toBe(0);
  });
});

describe('ingest with the fast path and with JavaScript alone', () => {
  it('writes the same lake and report for seeded demo events', async () => {
    const file = await tmp.write('demo.jsonl', `${demoLines(20, 10).join('\n')}\n`);
    const fast = await expectSameOutcome([file]);
    expect(fast.rows.length).toBeGreaterThan(1000);
  });

  it('quarantines and accepts every contract edge case the same way', async () => {
    const lines = edgeCaseLines();
    const file = await tmp.write('edge.jsonl', `${lines.join('\n')}\n`);
    const fast = await expectSameOutcome([file]);
    expect(await acceptedByDuckDb(file)).toBeGreaterThan(20);
    expect(fast.quarantine.length).toBeGreaterThan(50);
    expect(fast.rows.length).toBeGreaterThan(20);
  });

  it('keeps the first occurrence of an event_id whichever path judged it, within and across files', async () => {
    // The offset sends the first occurrence to JavaScript; the later ones are plain.
    const first = await tmp.write(
      'first.jsonl',
      [
        line('dup-1', { actor_id: 'first', event_time: '2026-03-01T11:30:00+02:00' }),
        line('dup-1', { actor_id: 'second' }),
        line('dup-2', { actor_id: 'first' }),
        line('dup-2', { actor_id: 'second', details: { via: 'js' } }),
        line('dup-3', { actor_id: 'first' }),
      ].join('\n'),
    );
    const second = await tmp.write(
      'second.ndjson',
      [line('dup-3', { actor_id: 'later file' }), line('dup-4', { actor_id: 'escaped\\n' })].join('\n'),
    );
    const fast = await expectSameOutcome([first, second]);
    expect(fast.report).toMatchObject({ received: 7, accepted: 4, duplicates: 3 });
    expect(fast.rows.map((row) => row.actor_id)).toEqual(['first', 'first', 'first', 'escaped\\n']);
  });

  it('counts a second ingest of the same files as duplicates of the lake', async () => {
    const file = await tmp.write('demo.jsonl', `${demoLines(20, 8).join('\n')}\n`);
    const fast = await expectSameOutcome([file], true);
    expect(fast.report.accepted).toBe(0);
  });

  it('handles CRLF, blank lines, a byte order mark and a last line without a newline the same way', async () => {
    const crlf = await tmp.write('crlf.jsonl', `${line('c-1')}\r\n\r\n${line('c-2')}\r\n`);
    const blanks = await tmp.write('blanks.jsonl', `\n\n${line('b-1')}\n  \n\n${line('b-2')}`);
    const bom = await tmp.write('bom.jsonl', `\uFEFF${line('bom-1')}\n${line('bom-2')}\n`);
    await expectSameOutcome([crlf, blanks, bom]);
  });
});

const CORPUS_FILES = (await readdir(CORPUS_DIR).catch(() => [] as string[]))
  .filter((name) => /\.(jsonl|ndjson|json)$/.test(name))
  .sort();

describe('ingest of the hostile corpus with the fast path and with JavaScript alone', () => {
  const files = CORPUS_FILES;

  it.each(files)('gives the same outcome for %s', async (name) => {
    const path = join(CORPUS_DIR, name);
    const refused = await ingestFiles({
      files: [path],
      lakeDir: join(tmp.dir, 'probe'),
      now: NOW,
      engine: 'js',
    })
      .then(() => undefined)
      .catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
    if (refused !== undefined) {
      await expect(
        ingestFiles({ files: [path], lakeDir: join(tmp.dir, 'probe-fast'), now: NOW, engine: 'duckdb' }),
      ).rejects.toThrow(refused);
      return;
    }
    await expectSameOutcome([path]);
  });

  it('gives the same outcome for the whole corpus at once', async () => {
    const paths = [];
    for (const name of files) {
      const path = join(CORPUS_DIR, name);
      const refused = await ingestFiles({
        files: [path],
        lakeDir: join(tmp.dir, 'probe'),
        now: NOW,
        engine: 'js',
      })
        .then(() => false)
        .catch(() => true);
      if (!refused) paths.push(path);
    }
    await expectSameOutcome(paths);
  });
});
