/** Watermarks and dedup claims held in memory: for tests and one-off runs such as the demo. */
import { type DedupEntry, decideClaim } from '../core/dedup.ts';
import { WatermarkConflictError } from '../core/errors.ts';
import type { DedupClaim, DedupStore, WatermarkStore } from '../core/ports.ts';

export class MemoryStateStore implements WatermarkStore, DedupStore {
  readonly watermarks = new Map<string, number>();
  readonly claims = new Map<string, DedupEntry>();

  async get(detectorId: string): Promise<Date | undefined> {
    const value = this.watermarks.get(detectorId);
    return value === undefined ? undefined : new Date(value);
  }

  async advance(detectorId: string, expected: Date | undefined, next: Date): Promise<void> {
    if (this.watermarks.get(detectorId) !== expected?.getTime()) {
      throw new WatermarkConflictError(`${detectorId}: watermark moved during the run`);
    }
    this.watermarks.set(detectorId, next.getTime());
  }

  async claim(key: string, findingId: string, at: Date, periodMs: number): Promise<DedupClaim> {
    const decision = decideClaim(this.claims.get(key), findingId, at, periodMs);
    if (decision === 'new') this.claims.set(key, { findingId, at: at.getTime() });
    return decision;
  }
}
