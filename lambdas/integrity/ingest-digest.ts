/**
 * The digest `auditlake ingest` writes after publishing its files: their hashes, chained to the
 * lake's latest digest. Concurrent ingests into one lake take turns through a lock file, so two
 * digests never name the same previous one (a fork, which `auditlake verify` reports).
 */
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditlakeError } from '../core/errors.ts';
import { type AppendedDigest, appendDigest } from './append-digest.ts';
import type { DigestFile } from './lake-digest.ts';
import { LocalLakeStore } from './local-lake-store.ts';

/** The lock lives with the lake's other bookkeeping, outside the digests it guards. */
export const DIGEST_LOCK = path.join('.auditlake', 'digest.lock');
/** Holding the lock takes milliseconds; one older than this was left by a process that died. */
const STALE_LOCK_MS = 120_000;
const WAIT_FOR_LOCK_MS = 60_000;
const RETRY_MS = 50;

/** Hashes `files` (paths inside `lakeDir`) and appends their digest; returns it. */
export async function writeIngestDigest(
  lakeDir: string,
  files: readonly string[],
  now: Date = new Date(),
): Promise<AppendedDigest> {
  const store = new LocalLakeStore(lakeDir);
  const listed: DigestFile[] = [];
  for (const file of files) {
    const relative = path.relative(lakeDir, file).split(path.sep).join('/');
    const info = await stat(file);
    listed.push({ path: relative, sha256: await store.sha256(relative), bytes: info.size });
  }
  return withDigestLock(lakeDir, () => appendDigest(store, listed, now));
}

async function withDigestLock<T>(lakeDir: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(lakeDir, DIGEST_LOCK);
  await mkdir(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + WAIT_FOR_LOCK_MS;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        const owner = (await readFile(lock, 'utf8').catch(() => '')).trim();
        throw new AuditlakeError(
          `another ingest${owner ? ` (process ${owner})` : ''} holds ${lock}; remove it if no ingest is running`,
        );
      }
      await sleep(RETRY_MS);
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}
