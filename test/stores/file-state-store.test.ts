import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WatermarkConflictError } from '../../lambdas/core/errors.ts';
import { FileStateStore } from '../../lambdas/stores/file-state-store.ts';

const DAY = 86_400_000;
let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-state-'));
  path = join(dir, '.auditlake', 'state.json');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('FileStateStore', () => {
  it('keeps the watermark for the next run', async () => {
    await new FileStateStore(path).advance('a', undefined, new Date('2026-01-01T10:00:00Z'));
    expect((await new FileStateStore(path).get('a'))?.toISOString()).toBe('2026-01-01T10:00:00.000Z');
  });

  it('refuses to move a watermark another run has moved', async () => {
    const first = new FileStateStore(path);
    const second = new FileStateStore(path);
    await first.advance('a', undefined, new Date('2026-01-01T10:00:00Z'));
    await expect(second.advance('a', undefined, new Date('2026-01-01T10:00:00Z'))).rejects.toBeInstanceOf(
      WatermarkConflictError,
    );
  });

  it('lets only one of two simultaneous runs take a window', async () => {
    const next = new Date('2026-01-01T10:00:00Z');
    const results = await Promise.allSettled([
      new FileStateStore(path).advance('a', undefined, next),
      new FileStateStore(path).advance('a', undefined, next),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('remembers dedup claims across runs', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(await new FileStateStore(path).claim('a#emp-1', 'f1', at, DAY)).toBe('new');
    const later = new Date(at.getTime() + DAY / 2);
    expect(await new FileStateStore(path).claim('a#emp-1', 'f2', later, DAY)).toBe('duplicate');
    expect(await new FileStateStore(path).claim('a#emp-1', 'f1', at, DAY)).toBe('same-finding');
    expect(await new FileStateStore(path).claim('a#emp-1', 'f3', new Date(at.getTime() + DAY), DAY)).toBe(
      'new',
    );
  });

  it('forgets dedup claims long past their period', async () => {
    const store = new FileStateStore(path, 10 * DAY);
    await store.claim('a#old', 'f1', new Date('2026-01-01T00:00:00Z'), DAY);
    await store.claim('a#new', 'f2', new Date('2026-03-01T00:00:00Z'), DAY);
    const saved = JSON.parse(await readFile(path, 'utf8'));
    expect(Object.keys(saved.dedup)).toEqual(['a#new']);
  });

  it('names the file when it is not valid JSON', async () => {
    await new FileStateStore(path).advance('a', undefined, new Date());
    await writeFile(path, '{ broken');
    await expect(new FileStateStore(path).get('a')).rejects.toThrow(
      `${path}: the state file is not valid JSON; fix or delete it`,
    );
  });

  it('names the field when the file has the wrong shape', async () => {
    await new FileStateStore(path).advance('a', undefined, new Date());
    await writeFile(path, JSON.stringify({ version: 1, watermarks: { a: 'yesterday' }, dedup: {} }));
    await expect(new FileStateStore(path).get('a')).rejects.toThrow(`${path}: watermarks.a:`);
  });
});
