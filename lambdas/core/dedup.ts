import type { DedupClaim } from './ports.ts';

/** What a store remembers per dedup key. */
export interface DedupEntry {
  readonly findingId: string;
  /** Window start of the finding that holds the key, ms since the epoch. */
  readonly at: number;
}

/**
 * The dedup decision every store shares: a key held by another finding less than `periodMs`
 * away (either direction, so an out-of-order backfill dedups too) suppresses the new one.
 */
export function decideClaim(
  existing: DedupEntry | undefined,
  findingId: string,
  at: Date,
  periodMs: number,
): DedupClaim {
  if (!existing) return 'new';
  if (existing.findingId === findingId) return 'same-finding';
  return Math.abs(at.getTime() - existing.at) < periodMs ? 'duplicate' : 'new';
}
