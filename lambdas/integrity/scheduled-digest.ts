/**
 * The hourly digest of an S3 lake (the digest Lambda's work): files that reached the covered
 * prefixes since the latest digest, by Firehose or by batch upload, hashed and appended to the
 * chain. A digest is written every hour even when nothing arrived, as CloudTrail does, so a gap in
 * the hours is itself visible.
 *
 * "Since the latest digest" is decided by LastModified, which S3 sets and nobody can choose: files
 * modified from LOOKBACK before the latest digest on, minus those the digests written in that
 * span already list. The overlap covers multipart uploads, whose LastModified is when they began.
 * The first digest of a lake lists every file present.
 */
import { createLimiter } from '../fixtures/concurrency-limit.ts';
import { type AppendedDigest, appendDigest } from './append-digest.ts';
import type { LakeObject } from './chain-check.ts';
import {
  COVERED_PREFIXES,
  compareText,
  DIGESTS_PREFIX,
  type DigestFile,
  isDigestPath,
  parseDigest,
} from './lake-digest.ts';
import type { LakeStore } from './lake-store.ts';

/** How far before the latest digest to look again for files it could not have seen. */
export const LOOKBACK_MS = 2 * 60 * 60 * 1000;

export interface ScheduledDigest extends AppendedDigest {
  /** Recent digests that could not be read: files they list may be listed again (harmless). */
  readonly unreadableRecent: number;
}

export async function writeScheduledDigest(
  store: LakeStore,
  now: Date,
  options: { readonly concurrency?: number } = {},
): Promise<ScheduledDigest> {
  const limit = createLimiter(options.concurrency ?? 4);
  const digests = (await store.list(DIGESTS_PREFIX))
    .filter((object) => isDigestPath(object.path))
    .sort((a, b) => compareText(a.path, b.path));
  const latest = digests.at(-1);
  const since = latest ? new Date(latest.modified.getTime() - LOOKBACK_MS) : undefined;

  const alreadyListed = new Set<string>();
  let unreadableRecent = 0;
  if (since) {
    for (const recent of digests.filter((object) => object.modified >= since)) {
      try {
        for (const file of parseDigest(await store.read(recent.path)).files) alreadyListed.add(file.path);
      } catch {
        unreadableRecent++;
      }
    }
  }
  const present: LakeObject[] = [];
  for (const prefix of COVERED_PREFIXES) present.push(...(await store.list(prefix)));
  const fresh = undigested(present, alreadyListed, since);
  const files: DigestFile[] = await Promise.all(
    fresh.map((object) =>
      limit(async () => ({
        path: object.path,
        sha256: await store.sha256(object.path),
        bytes: object.bytes,
      })),
    ),
  );
  const appended = await appendDigest(store, files, now, { latest: latest?.path ?? null });
  return { ...appended, unreadableRecent };
}

/** Files modified at or after `since` (all, without it) that no recent digest lists. */
export function undigested(
  present: readonly LakeObject[],
  alreadyListed: ReadonlySet<string>,
  since: Date | undefined,
): LakeObject[] {
  return present
    .filter((object) => (!since || object.modified >= since) && !alreadyListed.has(object.path))
    .sort((a, b) => compareText(a.path, b.path));
}
