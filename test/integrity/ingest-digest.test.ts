import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { DIGEST_LOCK, writeIngestDigest } from '../../lambdas/integrity/ingest-digest.ts';
import { parseDigest, sha256Hex } from '../../lambdas/integrity/lake-digest.ts';
import { LocalLakeStore } from '../../lambdas/integrity/local-lake-store.ts';
import { verifyLake } from '../../lambdas/integrity/verify-lake.ts';
import { jsonl, NOW, rawEvent, type TempDir, tempDir } from '../ingest/fixtures.ts';

let tmp: TempDir;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

async function ingestEvents(name: string, ...ids: string[]) {
  const file = await tmp.write(name, jsonl(...ids.map((id) => rawEvent({ event_id: id }))));
  return ingestFiles({ files: [file], lakeDir: tmp.lake, now: NOW });
}

describe('the digest ingest writes', () => {
  it('lists each Parquet file it published with its hash and size, and the report names it', async () => {
    const report = await ingestEvents('a.jsonl', 'e1', 'e2');

    const [parquet] = (await tmp.lakeFiles()).filter((file) => file.startsWith('audit_events/'));
    const bytes = await readFile(join(tmp.lake, parquet ?? ''));
    const digest = parseDigest(await readFile(report.digestFile ?? ''));
    expect(digest.files).toEqual([{ path: parquet, sha256: sha256Hex(bytes), bytes: bytes.length }]);
    expect(digest.previousDigest).toBeNull();
  });

  it('is not written when nothing new reached the lake', async () => {
    await ingestEvents('a.jsonl', 'e1');

    const again = await ingestEvents('b.jsonl', 'e1');

    expect(again.digestFile).toBeUndefined();
    expect((await tmp.lakeFiles()).filter((file) => file.startsWith('digests/'))).toHaveLength(1);
  });

  it('keeps the events and the quarantine file when the digest cannot be written, and says so', async () => {
    await mkdir(tmp.lake, { recursive: true });
    // A file where the digests folder belongs: the digest write fails after the events are published.
    await writeFile(join(tmp.lake, 'digests'), 'not a folder');
    const file = await tmp.write('a.jsonl', `${jsonl(rawEvent({ event_id: 'e1' }))}{"broken":\n`);

    await expect(ingestFiles({ files: [file], lakeDir: tmp.lake, now: NOW })).rejects.toThrow(
      /^wrote 1 files to the lake at .* but not their digest/,
    );

    const files = await tmp.lakeFiles();
    expect(files.filter((name) => name.startsWith('audit_events/'))).toHaveLength(1);
    expect(files.filter((name) => name.startsWith('quarantine/'))).toHaveLength(1);
  });

  it('chains concurrent ingests one after the other instead of forking', async () => {
    await Promise.all([
      ingestEvents('a.jsonl', 'a1'),
      ingestEvents('b.jsonl', 'b1'),
      ingestEvents('c.jsonl', 'c1'),
    ]);

    const result = await verifyLake(new LocalLakeStore(tmp.lake));

    expect(result).toMatchObject({ digests: 3, files: 3, problems: [] });
  });

  it('takes over a lock file left behind by an ingest that died', async () => {
    const lock = join(tmp.lake, DIGEST_LOCK);
    await mkdir(join(tmp.lake, '.auditlake'), { recursive: true });
    await writeFile(lock, '12345\n');
    const longAgo = new Date('2026-01-01T00:00:00Z');
    await utimes(lock, longAgo, longAgo);

    const written = await writeIngestDigest(tmp.lake, []);

    expect(written.digest.files).toEqual([]);
    expect((await tmp.lakeFiles()).filter((file) => file.startsWith('.auditlake/'))).toEqual([]);
  });
});
