/**
 * `auditlake verify` as a library: reads a lake's digests, checks their chain, lists the covered
 * prefixes, hashes the listed files (streaming, a few at a time) and compares. What is wrong comes
 * back as typed problems (chain-check.ts); nothing here decides the exit code.
 */
import { createLimiter } from '../fixtures/concurrency-limit.ts';
import {
  compareFiles,
  filesToHash,
  type IntegrityProblem,
  type LakeObject,
  type LoadedDigest,
  verifyChain,
} from './chain-check.ts';
import { COVERED_PREFIXES, DIGESTS_PREFIX, type DigestLink, parseDigest, sha256Hex } from './lake-digest.ts';
import type { LakeStore } from './lake-store.ts';

export interface VerifyOptions {
  /**
   * The lake is digested on a schedule (the digest Lambda), so files newer than the latest digest
   * are `pending`, not `inserted`. A local lake is digested by each ingest as it publishes.
   * @default false
   */
  readonly scheduledDigests?: boolean;
  /** Files hashed at once. @default 4 */
  readonly concurrency?: number;
}

export interface LakeVerification {
  readonly location: string;
  /** Files under digests/. */
  readonly digests: number;
  /** Files in the covered prefixes. */
  readonly files: number;
  readonly problems: readonly IntegrityProblem[];
  /** The latest digest: record its hash elsewhere to pin the chain's end. */
  readonly latest?: DigestLink;
}

export async function verifyLake(store: LakeStore, options: VerifyOptions = {}): Promise<LakeVerification> {
  const limit = createLimiter(options.concurrency ?? 4);
  const digestObjects = await store.list(DIGESTS_PREFIX);
  const loaded = await Promise.all(
    digestObjects.map((object) => limit(() => loadDigest(store, object.path))),
  );
  const chain = verifyChain(loaded);

  const present: LakeObject[] = [];
  for (const prefix of COVERED_PREFIXES) present.push(...(await store.list(prefix)));
  const hashes = new Map<string, string>();
  await Promise.all(
    filesToHash(chain.listed, present).map((file) =>
      limit(async () => {
        hashes.set(file.path, await store.sha256(file.path));
      }),
    ),
  );
  // The latest digest's own write time, as the store records it.
  const latestWritten = digestObjects.find((object) => object.path === chain.latest?.path)?.modified;
  const problems = [
    ...chain.problems,
    ...compareFiles(chain.listed, present, hashes, {
      ...(chain.firstCreated ? { firstCreated: chain.firstCreated } : {}),
      ...(options.scheduledDigests && latestWritten ? { pendingSince: latestWritten } : {}),
    }),
  ];
  return {
    location: store.location,
    digests: digestObjects.length,
    files: present.length,
    problems,
    ...(chain.latest ? { latest: { path: chain.latest.path, sha256: chain.latest.sha256 } } : {}),
  };
}

async function loadDigest(store: LakeStore, path: string): Promise<LoadedDigest> {
  const bytes = await store.read(path);
  const sha256 = sha256Hex(bytes);
  try {
    return { path, sha256, digest: parseDigest(bytes) };
  } catch (error) {
    return { path, sha256, error: error instanceof Error ? error.message : String(error) };
  }
}
