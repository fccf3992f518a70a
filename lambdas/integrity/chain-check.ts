/**
 * Checks a lake against its digests (docs/tamper-evidence.md), without reading anything itself:
 * the caller lists the lake, reads the digests and hashes the files this module asks for. The
 * chain: every digest names an existing earlier digest whose bytes still hash as recorded, one
 * digest starts the chain, no two continue the same one. The files: every listed file is present
 * with its size and hash; every file in a covered prefix is listed somewhere.
 */
import {
  compareText,
  type DigestLink,
  hourOfDigestPath,
  isCoveredPath,
  isDigestPath,
  type LakeDigest,
} from './lake-digest.ts';

/** A file in the lake as its store lists it. */
export interface LakeObject {
  /** Path under the lake root, `/`-separated. */
  readonly path: string;
  readonly bytes: number;
  /** Modification time (local) or LastModified (S3). */
  readonly modified: Date;
}

/** A digest file as read: its path, the SHA-256 of its bytes and its content, or why it has none. */
export type LoadedDigest =
  | { readonly path: string; readonly sha256: string; readonly digest: LakeDigest }
  | { readonly path: string; readonly sha256: string; readonly error: string };

export type ProblemKind =
  /** A listed file's size or hash differs from its digest's. */
  | 'modified'
  /** A listed file is missing. */
  | 'removed'
  /** A file in a covered prefix that no digest lists, written after the first digest. */
  | 'inserted'
  /** A file no digest lists, older than the first digest: ingested before digests existed. */
  | 'uncovered'
  /** A file no digest lists yet, newer than the latest digest of a lake digested on a schedule. */
  | 'pending'
  /** A digest's link to the previous one does not hold. */
  | 'chain-break'
  /** Two or more digests name the same previous digest. */
  | 'fork'
  /** A file under digests/ that is not a readable digest. */
  | 'digest-unreadable';

export interface IntegrityProblem {
  readonly kind: ProblemKind;
  /** The file or digest the problem is about, under the lake root. */
  readonly path: string;
  /** One line saying what was found. */
  readonly detail: string;
}

/** Where a file is listed: by which digest, with what size and hash. */
export interface Listing {
  readonly digest: string;
  readonly sha256: string;
  readonly bytes: number;
}

export interface ChainCheck {
  readonly problems: IntegrityProblem[];
  /** Every listing of every file, by file path. */
  readonly listed: ReadonlyMap<string, readonly Listing[]>;
  /** Creation time of the earliest readable digest. */
  readonly firstCreated?: Date;
  /** The digest with the greatest name (the latest written), the one the next digest follows. */
  readonly latest?: DigestLink & { readonly created?: Date };
}

export function verifyChain(digests: readonly LoadedDigest[]): ChainCheck {
  const problems: IntegrityProblem[] = [];
  const byPath = new Map(digests.map((loaded) => [loaded.path, loaded]));
  const listed = new Map<string, Listing[]>();
  const followers = new Map<string, string[]>();
  const starts: string[] = [];
  let firstCreated: Date | undefined;
  const sorted = [...digests].sort((a, b) => compareText(a.path, b.path));

  for (const loaded of sorted) {
    if (!isDigestPath(loaded.path)) {
      problems.push(
        unreadable(loaded.path, 'is not named like a digest (auditlake-digest-<hour>-<run>.json)'),
      );
      continue;
    }
    if ('error' in loaded) {
      problems.push(unreadable(loaded.path, loaded.error));
      continue;
    }
    const { digest, path } = loaded;
    const created = new Date(digest.created);
    if (!firstCreated || created < firstCreated) firstCreated = created;
    if (hourOfDigestPath(path) !== digest.hour) {
      problems.push(
        chainBreak(path, `covers hour ${digest.hour}, which its name does not: it was moved or renamed`),
      );
    }
    for (const file of digest.files) {
      if (!isCoveredPath(file.path)) continue;
      const listings = listed.get(file.path) ?? [];
      listings.push({ digest: path, sha256: file.sha256, bytes: file.bytes });
      listed.set(file.path, listings);
    }
    const previous = digest.previousDigest;
    if (previous === null) {
      starts.push(path);
      continue;
    }
    followers.set(previous.path, [...(followers.get(previous.path) ?? []), path]);
    const target = byPath.get(previous.path);
    if (compareText(previous.path, path) >= 0) {
      problems.push(
        chainBreak(
          path,
          `names ${previous.path} as its previous digest, which is not an earlier one: digests were swapped or renamed`,
        ),
      );
    } else if (!target) {
      problems.push(chainBreak(path, `names ${previous.path} as its previous digest, which is missing`));
    } else if (target.sha256 !== previous.sha256) {
      problems.push(
        chainBreak(
          path,
          `names ${previous.path} as its previous digest, which has changed (sha256 ${short(target.sha256)}, recorded ${short(previous.sha256)})`,
        ),
      );
    }
  }
  for (const extra of starts.slice(1)) {
    problems.push(chainBreak(extra, `starts a second chain (no previous digest) after ${starts[0]}`));
  }
  for (const [previous, next] of followers) {
    if (next.length > 1) {
      problems.push({
        kind: 'fork',
        path: previous,
        detail: `is the previous digest of ${next.length} digests (${next.join(', ')}): two writers appended at once`,
      });
    }
  }
  const last = sorted.filter((loaded) => isDigestPath(loaded.path)).at(-1);
  const latest = last && {
    path: last.path,
    sha256: last.sha256,
    ...('digest' in last ? { created: new Date(last.digest.created) } : {}),
  };
  return {
    problems,
    listed,
    ...(firstCreated ? { firstCreated } : {}),
    ...(latest ? { latest } : {}),
  };
}

/** Present files whose size matches a listing: only these need hashing. */
export function filesToHash(
  listed: ReadonlyMap<string, readonly Listing[]>,
  present: readonly LakeObject[],
): LakeObject[] {
  return present.filter((file) => listed.get(file.path)?.some((listing) => listing.bytes === file.bytes));
}

export interface CompareOptions {
  /** From `verifyChain`: unlisted files older than this are `uncovered`, not `inserted`. */
  readonly firstCreated?: Date;
  /** Unlisted files modified at or after this are `pending` (a scheduled digest will list them). */
  readonly pendingSince?: Date;
}

/** Compares the covered files present with their listings; `hashes` holds those `filesToHash` named. */
export function compareFiles(
  listed: ReadonlyMap<string, readonly Listing[]>,
  present: readonly LakeObject[],
  hashes: ReadonlyMap<string, string>,
  options: CompareOptions = {},
): IntegrityProblem[] {
  const problems: IntegrityProblem[] = [];
  const presentByPath = new Map(present.map((file) => [file.path, file]));
  for (const file of [...present].sort((a, b) => compareText(a.path, b.path))) {
    if (!isCoveredPath(file.path)) continue;
    const listings = listed.get(file.path);
    if (!listings) {
      problems.push(unlisted(file, options));
      continue;
    }
    for (const listing of listings) {
      if (listing.bytes !== file.bytes) {
        problems.push({
          kind: 'modified',
          path: file.path,
          detail: `is ${file.bytes} bytes, ${listing.digest} lists ${listing.bytes}`,
        });
        continue;
      }
      const sha256 = hashes.get(file.path);
      if (sha256 !== listing.sha256) {
        problems.push({
          kind: 'modified',
          path: file.path,
          detail: `has sha256 ${short(sha256 ?? 'unknown')}, ${listing.digest} lists ${short(listing.sha256)}`,
        });
      }
    }
  }
  const missing = [...listed.keys()].filter((path) => !presentByPath.has(path)).sort(compareText);
  for (const path of missing) {
    for (const listing of listed.get(path) ?? []) {
      problems.push({ kind: 'removed', path, detail: `is listed in ${listing.digest} but missing` });
    }
  }
  return problems;
}

export interface FailureOptions {
  /** Files ingested before digests existed do not fail the check. @default false */
  readonly allowUncovered?: boolean;
}

/** Whether a problem makes the lake fail verification. Pending files never do. */
export function isFailure(problem: IntegrityProblem, options: FailureOptions = {}): boolean {
  if (problem.kind === 'pending') return false;
  if (problem.kind === 'uncovered') return !options.allowUncovered;
  return true;
}

function unlisted(file: LakeObject, options: CompareOptions): IntegrityProblem {
  if (options.pendingSince && file.modified >= options.pendingSince) {
    return {
      kind: 'pending',
      path: file.path,
      detail: 'was added after the latest digest; the next one lists it',
    };
  }
  if (!options.firstCreated || file.modified < options.firstCreated) {
    return {
      kind: 'uncovered',
      path: file.path,
      detail: 'was written before the first digest; no digest lists it',
    };
  }
  return {
    kind: 'inserted',
    path: file.path,
    detail: 'is listed in no digest: added outside ingest, or its digest was removed',
  };
}

function chainBreak(path: string, detail: string): IntegrityProblem {
  return { kind: 'chain-break', path, detail };
}

function unreadable(path: string, detail: string): IntegrityProblem {
  return { kind: 'digest-unreadable', path, detail };
}

/** Enough of a hash to tell two apart in a one-line message. */
function short(sha256: string): string {
  return `${sha256.slice(0, 12)}…`;
}
