import { describe, expect, it } from 'vitest';
import { ParamError, renderLiteral, renderSql } from '../../lambdas/core/sql-params.ts';

describe('renderSql', () => {
  it('renders each parameter as a literal of its type', () => {
    const { sql } = renderSql('SELECT :n, :ratio, :flag, :name, :at, :list, :nums', {
      n: 42,
      ratio: 1.5,
      flag: true,
      name: 'support-db',
      at: new Date('2026-01-02T03:04:05.006Z'),
      list: ['a', 'b'],
      nums: [1, 2],
    });
    expect(sql).toBe(
      "SELECT 42, 1.5E0, TRUE, 'support-db', TIMESTAMP '2026-01-02 03:04:05.006', ARRAY['a', 'b'], ARRAY[1, 2]",
    );
  });

  it('leaves parameters inside strings, quoted identifiers and comments alone', () => {
    const source = `SELECT ':n', ":n" -- :n\n/* :n */ , :n`;
    expect(renderSql(source, { n: 1 }).sql).toBe(`SELECT ':n', ":n" -- :n\n/* :n */ , 1`);
  });

  it('does not treat a :: cast as a parameter', () => {
    expect(() => renderSql('SELECT x::varchar', {})).not.toThrow();
  });

  it('quotes a hostile string so it stays one literal', () => {
    const { sql } = renderSql('SELECT * FROM t WHERE a = :v', { v: "x' OR '1'='1' --" });
    expect(sql).toBe("SELECT * FROM t WHERE a = 'x'' OR ''1''=''1'' --'");
  });

  it('quotes hostile list items one by one', () => {
    expect(renderLiteral('l', ["a'); DROP TABLE audit_events; --"])).toBe(
      "ARRAY['a''); DROP TABLE audit_events; --']",
    );
  });

  it('rejects control characters in a string value', () => {
    expect(() => renderLiteral('v', 'a\u0000b')).toThrow(/control character/);
  });

  it('rejects a number that is not finite', () => {
    expect(() => renderLiteral('v', Number.POSITIVE_INFINITY)).toThrow(ParamError);
  });

  it('names an unknown parameter, its line and the known ones', () => {
    expect.assertions(3);
    try {
      renderSql('SELECT 1\nFROM t\nWHERE x > :limit', { min_records: 1 });
    } catch (error) {
      expect(error).toBeInstanceOf(ParamError);
      expect((error as ParamError).line).toBe(3);
      expect((error as Error).message).toBe('unknown parameter :limit (known: min_records)');
    }
  });

  it('lists the parameters the SQL used', () => {
    expect(renderSql('SELECT :b, :a, :b', { a: 1, b: 2, c: 3 }).used).toEqual(['b', 'a']);
  });
});
