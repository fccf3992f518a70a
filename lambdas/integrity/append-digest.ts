/**
 * Appends a digest to a lake's chain: the next digest names the latest one (the greatest name
 * under digests/) with the SHA-256 of its bytes. One writer at a time per lake keeps the chain a
 * line: the local ingest takes a lock file (ingest-digest.ts), the digest Lambda runs with a
 * reserved concurrency of one.
 */
import { randomBytes } from 'node:crypto';
import {
  compareText,
  createDigest,
  createdOfDigestPath,
  DIGESTS_PREFIX,
  type DigestFile,
  type DigestLink,
  digestPath,
  digestRunId,
  isDigestPath,
  type LakeDigest,
  serializeDigest,
  sha256Hex,
} from './lake-digest.ts';
import type { LakeStore } from './lake-store.ts';

export interface AppendedDigest {
  /** Path of the new digest under the lake root. */
  readonly path: string;
  readonly digest: LakeDigest;
}

/** The path of the latest digest in the lake, undefined when it has none. */
export async function latestDigestPath(store: LakeStore): Promise<string | undefined> {
  const paths = (await store.list(DIGESTS_PREFIX)).map((object) => object.path).filter(isDigestPath);
  return paths.sort(compareText).at(-1);
}

export interface AppendOptions {
  /** The latest digest, when the caller has just listed them. @default listed from the store */
  readonly latest?: string | null;
  /** @default 4 random bytes */
  readonly random?: string;
}

export async function appendDigest(
  store: LakeStore,
  files: readonly DigestFile[],
  now: Date,
  options: AppendOptions = {},
): Promise<AppendedDigest> {
  const latest = options.latest === undefined ? await latestDigestPath(store) : (options.latest ?? undefined);
  let previous: DigestLink | null = null;
  let created = now;
  if (latest) {
    previous = { path: latest, sha256: sha256Hex(await store.read(latest)) };
    // Names must sort in chain order, even when this clock is behind the previous writer's.
    const latestCreated = createdOfDigestPath(latest);
    if (latestCreated && created.getTime() < latestCreated.getTime() + 1000) {
      created = new Date(latestCreated.getTime() + 1000);
    }
  }
  const random = options.random ?? randomBytes(4).toString('hex');
  const path = digestPath(created, digestRunId(created, random));
  const digest = createDigest(files, previous, created);
  await store.create(path, serializeDigest(digest));
  return { path, digest };
}
