import { describe, expect, it } from 'vitest';
import { createRng, sampleDistinct, shuffled } from '../../lambdas/demo/prng.ts';

const draws = (rng: { next(): number }, n: number) => Array.from({ length: n }, () => rng.next());

describe('createRng', () => {
  it('repeats the same sequence for the same seed and stream', () => {
    expect(draws(createRng(42, 'day', 7, 20_000), 50)).toEqual(draws(createRng(42, 'day', 7, 20_000), 50));
  });

  it('gives a different sequence for another seed or another stream', () => {
    const base = draws(createRng(42, 'day', 7), 10);
    expect(draws(createRng(43, 'day', 7), 10)).not.toEqual(base);
    expect(draws(createRng(42, 'day', 8), 10)).not.toEqual(base);
    expect(draws(createRng(42, 'org'), 10)).not.toEqual(base);
  });

  it('draws floats in [0, 1) that are spread evenly', () => {
    const values = draws(createRng(1), 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeCloseTo(0.5, 1);
  });

  it('draws integers inside both inclusive bounds and reaches each', () => {
    const rng = createRng(5);
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(3, 6)));
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it('picks by weight', () => {
    const rng = createRng(9);
    const picks = Array.from({ length: 10_000 }, () =>
      rng.weighted([
        ['a', 0.9],
        ['b', 0.1],
      ]),
    );
    const share = picks.filter((p) => p === 'a').length / picks.length;
    expect(share).toBeGreaterThan(0.87);
    expect(share).toBeLessThan(0.93);
  });
});

describe('sampleDistinct and shuffled', () => {
  it('samples distinct values inside the population', () => {
    const values = sampleDistinct(createRng(3), 100, 60);
    expect(new Set(values).size).toBe(60);
    expect(values.every((v) => Number.isInteger(v) && v >= 0 && v < 100)).toBe(true);
  });

  it('shuffles a copy without losing items', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(createRng(4), items);
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
