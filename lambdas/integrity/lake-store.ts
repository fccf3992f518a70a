/**
 * What the digest code needs of a lake's storage, so the same code runs over a local directory
 * and an S3 bucket: list a prefix, read a small file, hash a large one by streaming, and create a
 * file that must not exist yet.
 */
import { ConfigError } from '../core/errors.ts';
import type { LakeObject } from './chain-check.ts';

export interface LakeStore {
  /** The lake as a person names it: `./lake` or `s3://bucket/prefix/`. */
  readonly location: string;
  /** Every file under `prefix` (a `/`-terminated path under the lake root), in any order. */
  list(prefix: string): Promise<LakeObject[]>;
  /** A whole file's bytes; for digests, which are small. */
  read(path: string): Promise<Uint8Array>;
  /** SHA-256 (lower-case hex) of a file, read as a stream. */
  sha256(path: string): Promise<string>;
  /** Creates `path` with `body`; fails, and changes nothing, when it exists. */
  create(path: string, body: string): Promise<void>;
}

export interface S3LakeLocation {
  readonly bucket: string;
  /** Key prefix of the lake root: '' or ending in `/`. */
  readonly prefix: string;
}

/** Parses `s3://bucket` or `s3://bucket/prefix`; the prefix gets a trailing `/`. */
export function parseS3Url(url: string): S3LakeLocation {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!match?.[1]) throw new ConfigError(`--lake ${url}: expected s3://bucket or s3://bucket/prefix`);
  const prefix = (match[2] ?? '').replace(/^\/+|\/+$/g, '');
  return { bucket: match[1], prefix: prefix === '' ? '' : `${prefix}/` };
}
