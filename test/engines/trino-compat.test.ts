import { describe, expect, it } from 'vitest';
import { translateTrinoSql } from '../../lambdas/engines/trino-compat.ts';

describe('translateTrinoSql', () => {
  it('leaves SQL without rewritten calls byte for byte', () => {
    const sql =
      "SELECT date_diff('day', a, b) AS d -- max_by(x, y)\nFROM t WHERE s = 'if(a, b)' /* arbitrary(x) */";

    expect(translateTrinoSql(sql)).toBe(sql);
  });

  it('renames max_by, min_by and arbitrary to the DuckDB aggregates with Trino semantics', () => {
    expect(translateTrinoSql('SELECT max_by(x, y), MIN_BY(x, y), arbitrary(z) FROM t')).toBe(
      'SELECT arg_max_null(x, y), arg_min_null(x, y), any_value(z) FROM t',
    );
  });

  it('keeps FILTER and OVER after a rewritten aggregate', () => {
    expect(
      translateTrinoSql(
        'SELECT max_by(x, y) FILTER (WHERE y > 0), max_by(x, y) OVER (PARTITION BY k) FROM t',
      ),
    ).toBe('SELECT arg_max_null(x, y) FILTER (WHERE y > 0), arg_max_null(x, y) OVER (PARTITION BY k) FROM t');
  });

  it('counts distinct values exactly for approx_distinct', () => {
    expect(translateTrinoSql('SELECT approx_distinct(actor_id) FROM t')).toBe(
      'SELECT count(DISTINCT actor_id) FROM t',
    );
  });

  it('adds the missing NULL to a two-argument if', () => {
    expect(translateTrinoSql("SELECT if(a > 1, 'x'), if(a > 1, 'x', 'y') FROM t")).toBe(
      "SELECT if(a > 1, 'x', NULL), if(a > 1, 'x', 'y') FROM t",
    );
  });

  it('reads approx_percentile from the other end, spaced so a preceding minus cannot start a comment', () => {
    expect(translateTrinoSql('SELECT 1-approx_percentile(x, 0.95) FROM t')).toBe(
      'SELECT 1- -quantile_disc(-(x), 1 - ( 0.95)) FROM t',
    );
  });

  it('renames the extract fields DuckDB calls differently, keeping the rest', () => {
    expect(
      translateTrinoSql(
        'SELECT EXTRACT(DOW FROM a), extract(day_of_week FROM b), extract(YEAR FROM c) FROM t',
      ),
    ).toBe('SELECT extract(isodow FROM a), extract(isodow FROM b), extract(YEAR FROM c) FROM t');
  });

  it('rewrites calls nested in the arguments of other calls', () => {
    expect(translateTrinoSql('SELECT max_by(if(a, b), arbitrary(c)) FROM t')).toBe(
      'SELECT arg_max_null(if(a, b, NULL), any_value(c)) FROM t',
    );
  });

  it('splits arguments only at top-level commas', () => {
    expect(translateTrinoSql("SELECT if(contains(ARRAY['a', 'b'], x), concat(x, ',')) FROM t")).toBe(
      "SELECT if(contains(ARRAY['a', 'b'], x), concat(x, ','), NULL) FROM t",
    );
  });

  it('does not touch qualified names, column names or forms it does not rewrite', () => {
    const sql = 'SELECT t.max_by, s.arbitrary(x), max_by, approx_percentile(x, 2, 0.5), if(a, b, c) FROM t';

    expect(translateTrinoSql(sql)).toBe(sql);
  });

  it('leaves unbalanced calls for DuckDB to report', () => {
    expect(translateTrinoSql('SELECT max_by(x, y FROM t')).toBe('SELECT max_by(x, y FROM t');
  });

  it('rejects an unterminated string', () => {
    expect(() => translateTrinoSql("SELECT 'oops")).toThrow(/unterminated string literal/);
  });
});
