/**
 * A small seeded PRNG for the demo data: sfc32 (Chris Doty-Humphrey's Small Fast Counting
 * generator, from PractRand), seeded through a 32-bit string/number hash. Every random choice
 * in the demo comes from an `Rng` made here, never from Math.random, so the same seed always
 * gives the same lake.
 *
 * Streams are keyed (`createRng(seed, 'day', employeeIndex, day)`): each employee-day draws from
 * its own generator, so adding an employee or a day does not shift everybody else's data.
 */

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One item of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One item of a non-empty list, with probability proportional to its weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}

export type StreamKey = string | number;

/** A generator for `seed` and the named stream; the same arguments always give the same sequence. */
export function createRng(seed: number, ...stream: readonly StreamKey[]): Rng {
  let h = mix32(seed >>> 0);
  for (const part of stream) h = mix32(h ^ hashKey(part));
  // Four state words from splitmix32 of the hash, then a warm-up as the sfc32 author recommends.
  let s = h;
  const split = () => {
    s = (s + 0x9e3779b9) | 0;
    return mix32(s);
  };
  const next = sfc32(split(), split(), split(), split());
  for (let i = 0; i < 12; i++) next();
  return wrap(next);
}

/** sfc32: 128 bits of state, passes PractRand; returns a float in [0, 1). */
function sfc32(a0: number, b0: number, c0: number, d0: number): () => number {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  return () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

/** The murmur3 finalizer: a bijective 32-bit mix. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashKey(part: StreamKey): number {
  if (typeof part === 'number') {
    // Integers hash as themselves; anything else through its text, so 1.5 and "1.5" agree.
    if (Number.isSafeInteger(part) && part >= 0 && part <= 0xffffffff) return mix32(part ^ 0x27d4eb2f);
    return hashKey(String(part));
  }
  let h = 0x811c9dc5;
  for (let i = 0; i < part.length; i++) h = Math.imul(h ^ part.charCodeAt(i), 0x01000193);
  return mix32(h);
}

function wrap(next: () => number): Rng {
  return {
    next,
    int(min, max) {
      return min + Math.floor(next() * (max - min + 1));
    },
    chance(p) {
      return next() < p;
    },
    pick(items) {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted(items) {
      let total = 0;
      for (const [, weight] of items) total += weight;
      let target = next() * total;
      for (const [item, weight] of items) {
        target -= weight;
        if (target < 0) return item;
      }
      const last = items[items.length - 1];
      if (last === undefined) throw new RangeError('weighted pick from an empty list');
      return last[0];
    },
  };
}

/** `count` distinct integers in [0, population), in draw order. */
export function sampleDistinct(rng: Rng, population: number, count: number): number[] {
  if (count > population) throw new RangeError(`cannot draw ${count} distinct values from ${population}`);
  const seen = new Set<number>();
  const out: number[] = [];
  while (out.length < count) {
    const value = Math.floor(rng.next() * population);
    if (seen.has(value)) continue;
    seen.add(value);
    out.push(value);
  }
  return out;
}

/** A Fisher–Yates shuffled copy. */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
