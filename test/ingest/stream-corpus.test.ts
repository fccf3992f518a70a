/**
 * The streaming path must not let in what the batch path keeps out. Every JSON Lines file of the
 * hostile-input corpus is sent through the stream validator (one Firehose record per non-blank
 * line) and through `ingestFiles`; both must accept the same number of events, quarantine the same
 * lines with the same field and reason, and drop the same duplicates.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { validateStreamRecords } from '../../lambdas/ingest/stream-validation.ts';
import { NOW, type TempDir, tempDir } from './fixtures.ts';

const CORPUS_DIR = fileURLToPath(new URL('../fixtures/hostile-events', import.meta.url));
/** Whole documents, which ingest refuses as a file; a Firehose record is one object by contract. */
const NOT_JSON_LINES = new Set(['json-array.jsonl', 'pretty-printed.json']);

const corpus = (await readdir(CORPUS_DIR)).filter(
  (file) => /\.(jsonl|json)$/.test(file) && !NOT_JSON_LINES.has(file),
);

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

/** The file's lines as Firehose records: the record id is the 1-based line number. */
function asStreamRecords(bytes: Buffer) {
  const records: { recordId: string; data: string }[] = [];
  let start = 0;
  let line = 1;
  while (start <= bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end < 0 ? bytes.length : end;
    const body = bytes.subarray(start, stop);
    if (body.toString('latin1').trim() !== '') {
      records.push({ recordId: String(line), data: body.toString('base64') });
    }
    if (end < 0) break;
    start = end + 1;
    line++;
  }
  return records;
}

async function quarantineOf(lakeDir: string): Promise<[number, string, string][]> {
  const dir = join(lakeDir, 'quarantine');
  const files = await readdir(dir).catch(() => []);
  const entries: [number, string, string][] = [];
  for (const file of files) {
    for (const text of (await readFile(join(dir, file), 'utf8')).split('\n').filter(Boolean)) {
      const entry = JSON.parse(text) as { line: number; field: string; reason: string };
      entries.push([entry.line, entry.field, entry.reason]);
    }
  }
  return entries.sort((a, b) => a[0] - b[0]);
}

describe('the stream validator and auditlake ingest agree on the hostile corpus', () => {
  it('covers the corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
  });

  it.each(corpus)('%s', async (file) => {
    const path = join(CORPUS_DIR, file);
    const report = await ingestFiles({ files: [path], lakeDir: tmp.lake, now: NOW });

    const stream = validateStreamRecords(asStreamRecords(await readFile(path)), { now: NOW });

    expect(stream.accepted).toBe(report.accepted);
    expect(stream.duplicates).toBe(report.duplicates);
    const rejected = stream.quarantined
      .filter((entry) => !entry.reason.startsWith('duplicate event_id'))
      .map((entry): [number, string, string] => [Number(entry.record_id), entry.field, entry.reason]);
    expect(rejected).toEqual(await quarantineOf(tmp.lake));
  });
});
