/**
 * The lake's digest files (docs/tamper-evidence.md): each lists lake files with their SHA-256 and
 * size and names the digest before it with that file's SHA-256, so the digests form a hash chain
 * like CloudTrail's log-file validation (without its signatures). Pure: documents, their one
 * serialisation, their names; reading and writing them is the stores' job.
 *
 *   digests/YYYY/MM/DD/auditlake-digest-YYYYMMDDTHH0000Z-<run>.json
 *
 * `<run>` starts with the creation time (`YYYYMMDDTHHMMSSZ-<random>`), so digest names sort in
 * the order the digests were written.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const DIGEST_VERSION = 1;

/** Where digests live, under the lake root. */
export const DIGESTS_PREFIX = 'digests/';

/**
 * Prefixes whose every file must be listed in a digest: the events detectors read. Rollups are
 * derived and rebuilt from them; quarantine holds what was rejected; the employee directory is
 * replaced by design.
 */
export const COVERED_PREFIXES: readonly string[] = ['audit_events/'];

export interface DigestFile {
  /** Path under the lake root, `/`-separated: `audit_events/dt=2026-11-28/part-….parquet`. */
  readonly path: string;
  /** Lower-case hex SHA-256 of the file's bytes. */
  readonly sha256: string;
  readonly bytes: number;
}

export interface DigestLink {
  /** Path of the previous digest under the lake root. */
  readonly path: string;
  /** SHA-256 of the previous digest file's bytes, as stored. */
  readonly sha256: string;
}

export interface LakeDigest {
  readonly version: typeof DIGEST_VERSION;
  /** The UTC hour the digest was written in, `2026-11-28T20:00:00Z`; its file name carries it too. */
  readonly hour: string;
  /** When the digest was written, ISO-8601 UTC. */
  readonly created: string;
  /** Files added to the lake since the previous digest, sorted by path. */
  readonly files: readonly DigestFile[];
  /** The digest this one follows; null only for the first digest of a lake. */
  readonly previousDigest: DigestLink | null;
}

const SHA256 = /^[0-9a-f]{64}$/;
const ISO_SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const DIGEST_NAME =
  /^digests\/(\d{4})\/(\d{2})\/(\d{2})\/auditlake-digest-(\d{8}T\d{2})0000Z-([0-9A-Za-z-]+)\.json$/;
const RUN = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;

const lakePath = z
  .string()
  .min(1)
  .refine(
    (path) => !path.startsWith('/') && !path.split('/').includes('..'),
    'expected a path inside the lake',
  );

const digestSchema = z.strictObject({
  version: z.literal(DIGEST_VERSION),
  hour: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/, 'expected an hour like 2026-11-28T20:00:00Z'),
  created: z.string().regex(ISO_SECOND, 'expected an ISO-8601 UTC time'),
  files: z.array(
    z.strictObject({
      path: lakePath,
      sha256: z.string().regex(SHA256, 'expected 64 lower-case hex digits'),
      bytes: z.int().min(0),
    }),
  ),
  previousDigest: z
    .strictObject({ path: lakePath, sha256: z.string().regex(SHA256, 'expected 64 lower-case hex digits') })
    .nullable(),
});

/** Builds the digest that follows `previous` (null for a lake's first) with `files`, sorted. */
export function createDigest(
  files: readonly DigestFile[],
  previous: DigestLink | null,
  created: Date,
): LakeDigest {
  return {
    version: DIGEST_VERSION,
    hour: `${created.toISOString().slice(0, 13)}:00:00Z`,
    created: created.toISOString(),
    files: [...files].sort((a, b) => compareText(a.path, b.path)),
    previousDigest: previous,
  };
}

/**
 * The one serialisation of a digest: keys sorted at every level, two-space indent, a final
 * newline. The chain hashes these bytes, so the same digest always hashes the same.
 */
export function serializeDigest(digest: LakeDigest): string {
  return `${JSON.stringify(sortedKeys(digest), null, 2)}\n`;
}

/** Parses a digest file; a `DigestFormatError` names what is wrong (the caller adds the path). */
export function parseDigest(bytes: Uint8Array): LakeDigest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new DigestFormatError('is not valid JSON');
  }
  const parsed = digestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new DigestFormatError(`${where}${issue?.message ?? 'is not a digest'}`);
  }
  return parsed.data;
}

export class DigestFormatError extends Error {
  override readonly name = 'DigestFormatError';
}

/** `digests/2026/11/28/auditlake-digest-20261128T200000Z-<run>.json` for a digest created at `created`. */
export function digestPath(created: Date, run: string): string {
  if (!RUN.test(run)) throw new Error(`digest run id ${run} is not <YYYYMMDDTHHMMSSZ>-<8 hex>`);
  const iso = created.toISOString();
  const [year, month, day] = [iso.slice(0, 4), iso.slice(5, 7), iso.slice(8, 10)];
  const hour = compactTime(created).slice(0, 11);
  return `${DIGESTS_PREFIX}${year}/${month}/${day}/auditlake-digest-${hour}0000Z-${run}.json`;
}

/** A run id for a digest written at `at`: sortable by time, unique by its random part. */
export function digestRunId(at: Date, random: string): string {
  return `${compactTime(at)}-${random}`;
}

/** The hour in a digest's file name, `2026-11-28T20:00:00Z`; undefined when the name is not a digest's. */
export function hourOfDigestPath(path: string): string | undefined {
  const match = DIGEST_NAME.exec(path);
  if (!match) return undefined;
  const [, year, month, day, hour] = match;
  if (`${year}${month}${day}` !== hour?.slice(0, 8)) return undefined;
  return `${year}-${month}-${day}T${hour.slice(9, 11)}:00:00Z`;
}

/** When the digest at `path` was written, from the run id in its name (to the second). */
export function createdOfDigestPath(path: string): Date | undefined {
  const run = DIGEST_NAME.exec(path)?.[5];
  const match = run && /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(run);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  return new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}Z`);
}

export function isDigestPath(path: string): boolean {
  return hourOfDigestPath(path) !== undefined;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Whether `path` is in a prefix every file of which must be listed in a digest. */
export function isCoveredPath(path: string): boolean {
  return COVERED_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/** `20260301T013000Z`: sortable and safe in file names. */
export function compactTime(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** Code-point order, the order S3 lists keys in, independent of the locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => compareText(a, b))
        .map(([key, inner]) => [key, sortedKeys(inner)]),
    );
  }
  return value;
}
