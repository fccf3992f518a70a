/**
 * Watermarks and dedup claims in a local JSON file, so a second `auditlake run` continues where
 * the first stopped. Every change re-reads the file under an exclusive lock file and replaces it
 * atomically (write, then rename), so two runs on one machine cannot both take a window and a
 * crash never leaves half a file.
 */
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { decideClaim } from '../core/dedup.ts';
import { AuditlakeError, WatermarkConflictError } from '../core/errors.ts';
import type { DedupClaim, DedupStore, WatermarkStore } from '../core/ports.ts';

const stateSchema = z.object({
  version: z.literal(1),
  watermarks: z.record(z.string(), z.iso.datetime()),
  dedup: z.record(z.string(), z.object({ findingId: z.string(), at: z.number(), until: z.number() })),
});

type State = z.infer<typeof stateSchema>;

/** A lock older than this belongs to a run that died; it is taken over. */
const STALE_LOCK_MS = 60_000;
const LOCK_WAIT_MS = 10_000;

export class FileStateStore implements WatermarkStore, DedupStore {
  constructor(
    readonly path: string,
    /** Dedup claims whose period ended this long before the newest claim are forgotten. */
    private readonly retainMs = 90 * 86_400_000,
  ) {}

  async get(detectorId: string): Promise<Date | undefined> {
    const value = (await this.read()).watermarks[detectorId];
    return value === undefined ? undefined : new Date(value);
  }

  async advance(detectorId: string, expected: Date | undefined, next: Date): Promise<void> {
    await this.update((state) => {
      const current = state.watermarks[detectorId];
      if (current !== expected?.toISOString()) {
        throw new WatermarkConflictError(`${detectorId}: the watermark in ${this.path} moved during the run`);
      }
      state.watermarks[detectorId] = next.toISOString();
    });
  }

  async claim(key: string, findingId: string, at: Date, periodMs: number): Promise<DedupClaim> {
    let decision: DedupClaim = 'new';
    await this.update((state) => {
      decision = decideClaim(state.dedup[key], findingId, at, periodMs);
      if (decision !== 'new') return;
      state.dedup[key] = { findingId, at: at.getTime(), until: at.getTime() + periodMs };
      const horizon = at.getTime() - this.retainMs;
      for (const [oldKey, entry] of Object.entries(state.dedup))
        if (entry.until < horizon) delete state.dedup[oldKey];
    });
    return decision;
  }

  private async read(): Promise<State> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { version: 1, watermarks: {}, dedup: {} };
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new AuditlakeError(`${this.path}: the state file is not valid JSON; fix or delete it`);
    }
    const parsed = stateSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AuditlakeError(
        `${this.path}: ${issue?.path.join('.') || 'state'}: ${issue?.message ?? 'invalid'}`,
      );
    }
    return parsed.data;
  }

  private async update(change: (state: State) => void): Promise<void> {
    const release = await this.lock();
    try {
      const state = await this.read();
      change(state);
      const temp = `${this.path}.${process.pid}.tmp`;
      await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
      await rename(temp, this.path);
    } finally {
      await release();
    }
  }

  private async lock(): Promise<() => Promise<void>> {
    const lockPath = `${this.path}.lock`;
    await mkdir(dirname(this.path), { recursive: true });
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.close();
        return () => rm(lockPath, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lockPath).then(
          (s) => Date.now() - s.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await rm(lockPath, { force: true });
        else if (Date.now() > deadline) {
          throw new AuditlakeError(
            `${lockPath}: another auditlake run holds the state lock; try again when it ends`,
          );
        } else await sleep(20);
      }
    }
  }
}
