/**
 * `auditlake verify` on a local lake that three ingests wrote (one Parquet file and one digest
 * each), intact and then tampered with in each way a person with file access could.
 */
import { cp, mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { parseDigest, serializeDigest } from '../../lambdas/integrity/lake-digest.ts';
import { jsonl, NOW, rawEvent } from '../ingest/fixtures.ts';
import { runCli } from '../support/run-cli.ts';

let root: string;
let base: string;
let lake: string;
/** The Parquet file each ingest wrote, in ingest order. */
let parquet: string[];
/** The digest each ingest wrote, in ingest order. */
let digests: string[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'auditlake-verify-'));
  base = join(root, 'base');
  const days = ['2026-03-01', '2026-03-02', '2026-03-03'];
  parquet = [];
  digests = [];
  for (const [index, day] of days.entries()) {
    const input = join(root, `events-${index}.jsonl`);
    await writeFile(
      input,
      jsonl(
        rawEvent({ event_id: `e${index}a`, event_time: `${day}T09:30:00Z` }),
        rawEvent({ event_id: `e${index}b`, event_time: `${day}T10:30:00Z` }),
      ),
    );
    const report = await ingestFiles({ files: [input], lakeDir: base, now: NOW });
    const [file] = await readdir(join(base, 'audit_events', `dt=${day}`));
    parquet.push(`audit_events/dt=${day}/${file}`);
    digests.push(relativeToLake(report.digestFile ?? ''));
  }
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  lake = join(root, `lake-${Math.random().toString(16).slice(2)}`);
  await cp(base, lake, { recursive: true, preserveTimestamps: true });
});

function relativeToLake(path: string): string {
  return path.slice(base.length + 1);
}

const at = (path: string) => join(lake, ...path.split('/'));

/** The problem lines of a report as [label, path, detail]. */
function problems(stdout: string): string[][] {
  return stdout.split('\n').flatMap((line) => {
    const match =
      /^(modified|removed|inserted|not covered|pending|chain break|fork|unreadable) +(\S+) (.*)$/.exec(line);
    return match ? [[match[1] ?? '', match[2] ?? '', match[3] ?? '']] : [];
  });
}

const labels = (stdout: string) => problems(stdout).map(([label, path]) => [label, path]);

async function verify(...extra: string[]) {
  return runCli(['verify', '--lake', lake, ...extra]);
}

async function editDigest(path: string, edit: (text: string) => string): Promise<void> {
  await writeFile(at(path), edit(await readFile(at(path), 'utf8')));
}

describe('auditlake verify', () => {
  it('passes an intact lake written by ingest, naming the latest digest', async () => {
    const result = await verify();

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`  digests  3, latest ${digests[2]} (sha256 `);
    expect(result.stdout).toContain('✓ 3 files match 3 digests; the chain is intact');
    expect(problems(result.stdout)).toEqual([]);
  });

  it('reports a Parquet file with one byte changed as modified', async () => {
    const file = await open(at(parquet[1] ?? ''), 'r+');
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, 100);
    await file.write(Buffer.from([byte[0] === 0 ? 1 : 0]), 0, 1, 100);
    await file.close();

    const result = await verify();

    expect(result.code).toBe(1);
    expect(labels(result.stdout)).toEqual([['modified', parquet[1]]]);
    expect(problems(result.stdout)[0]?.[2]).toMatch(
      new RegExp(`^has sha256 [0-9a-f]{12}…, ${digests[1]} lists`),
    );
    expect(result.stdout).toContain('✗ 1 problem: the lake does not match its digests');
  });

  it('reports a deleted Parquet file as removed, naming the digest that lists it', async () => {
    await rm(at(parquet[0] ?? ''));

    const result = await verify();

    expect(result.code).toBe(1);
    expect(problems(result.stdout)).toEqual([
      ['removed', parquet[0], `is listed in ${digests[0]} but missing`],
    ]);
  });

  it('reports a file added outside ingest as inserted', async () => {
    const added = 'audit_events/dt=2026-03-02/part-extra-0.parquet';
    await cp(at(parquet[1] ?? ''), at(added));

    const result = await verify();

    expect(result.code).toBe(1);
    expect(labels(result.stdout)).toEqual([['inserted', added]]);
  });

  it('reports an edited digest through the next digest, which recorded its hash', async () => {
    // Hiding a modified file by rewriting its listing: the next link no longer holds.
    await editDigest(digests[0] ?? '', (text) => {
      const digest = parseDigest(Buffer.from(text));
      const files = digest.files.map((listed) => ({ ...listed, sha256: '0'.repeat(64) }));
      return serializeDigest({ ...digest, files });
    });

    const result = await verify();

    expect(result.code).toBe(1);
    expect(labels(result.stdout)).toEqual([
      ['chain break', digests[1]],
      ['modified', parquet[0]],
    ]);
    expect(problems(result.stdout)[0]?.[2]).toContain(
      `names ${digests[0]} as its previous digest, which has changed`,
    );
  });

  it('reports a deleted middle digest as a break in the chain, and the files only it listed as unlisted', async () => {
    await rm(at(digests[1] ?? ''));

    const result = await verify();

    expect(result.code).toBe(1);
    expect(problems(result.stdout)).toEqual([
      ['chain break', digests[2], `names ${digests[1]} as its previous digest, which is missing`],
      ['inserted', parquet[1], 'is listed in no digest: added outside ingest, or its digest was removed'],
    ]);
  });

  it('reports two digests swapped in order as breaks in the chain', async () => {
    const [first, second] = [at(digests[0] ?? ''), at(digests[1] ?? '')];
    await rename(first, `${first}.swap`);
    await rename(second, first);
    await rename(`${first}.swap`, second);

    const result = await verify();

    expect(result.code).toBe(1);
    expect(labels(result.stdout)).toEqual([
      ['chain break', digests[0]],
      ['chain break', digests[2]],
    ]);
  });

  it('reports a digest that is not JSON as unreadable', async () => {
    await editDigest(digests[2] ?? '', (text) => text.slice(0, 40));

    const result = await verify();

    expect(result.code).toBe(1);
    expect(problems(result.stdout)).toEqual([
      ['unreadable', digests[2], 'is not valid JSON'],
      ['inserted', parquet[2], 'is listed in no digest: added outside ingest, or its digest was removed'],
    ]);
  });

  it('fails on files ingested before the lake had digests unless --allow-uncovered accepts them', async () => {
    await rm(join(lake, 'digests'), { recursive: true });

    const strict = await verify();
    const lenient = await verify('--allow-uncovered');

    expect(strict.code).toBe(1);
    expect(labels(strict.stdout)).toEqual(parquet.map((path) => ['not covered', path]));
    expect(strict.stdout).toContain('--allow-uncovered accepts them');
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain(
      '✓ the lake has no digests yet (3 files from before the first digest accepted)',
    );
  });

  it('says in one line what an S3 lake URL must look like', async () => {
    const result = await runCli(['verify', '--lake', 's3://']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe('auditlake: --lake s3://: expected s3://bucket or s3://bucket/prefix\n');
  });

  it('says in one line that a lake directory does not exist', async () => {
    const result = await runCli(['verify', '--lake', join(root, 'nowhere')]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`auditlake: --lake ${join(root, 'nowhere')}: no such directory\n`);
  });
});
