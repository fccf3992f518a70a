import { describe, expect, it } from 'vitest';
import { athenaColumnType, athenaValue } from '../../lambdas/engines/athena-values.ts';

const value = (type: string, text: string | undefined) =>
  athenaValue(text === undefined ? {} : { VarCharValue: text }, { Type: type });

describe('athenaValue', () => {
  it('reads NULL as a datum without VarCharValue, whatever the type', () => {
    expect(value('bigint', undefined)).toBeNull();
    expect(value('varchar', undefined)).toBeNull();
    expect(value('varchar', '')).toBe('');
  });

  it('keeps integers exact: numbers up to 2^53 - 1, decimal text beyond', () => {
    expect(value('bigint', '9007199254740991')).toBe(9007199254740991);
    expect(value('bigint', '9007199254740992')).toBe('9007199254740992');
    expect(value('bigint', '-9223372036854775808')).toBe('-9223372036854775808');
    expect(value('tinyint', '-3')).toBe(-3);
  });

  it('reads doubles, reals and decimals with precision in the type name', () => {
    expect(value('double', '1.0E10')).toBe(1e10);
    expect(value('real', '0.5')).toBe(0.5);
    expect(value('decimal(10,2)', '12.50')).toBe(12.5);
    expect(value('double', 'NaN')).toBeNaN();
  });

  it('cuts timestamps below milliseconds and writes them in UTC', () => {
    expect(value('timestamp', '2026-01-02 03:04:05')).toBe('2026-01-02T03:04:05.000Z');
    expect(value('timestamp(6)', '2026-01-02 03:04:05.678999')).toBe('2026-01-02T03:04:05.678Z');
  });

  it('moves zoned timestamps to UTC: named zones across daylight saving, fixed offsets and UTC', () => {
    expect(value('timestamp with time zone', '2026-01-02 03:04:05.000 Europe/Berlin')).toBe(
      '2026-01-02T02:04:05.000Z',
    );
    expect(value('timestamp(3) with time zone', '2026-07-02 03:04:05.000 Europe/Berlin')).toBe(
      '2026-07-02T01:04:05.000Z',
    );
    expect(value('timestamp with time zone', '2026-01-02 03:04:05.000 -05:00')).toBe(
      '2026-01-02T08:04:05.000Z',
    );
    expect(value('timestamp with time zone', '2026-01-02 03:04:05.120 UTC')).toBe('2026-01-02T03:04:05.120Z');
  });

  it('keeps text it cannot read as its type rather than guessing', () => {
    expect(value('timestamp with time zone', '2026-01-02 03:04:05.000 Mars/Olympus')).toBe(
      '2026-01-02 03:04:05.000 Mars/Olympus',
    );
    expect(value('boolean', 'maybe')).toBe('maybe');
    expect(value('array(varchar)', '[a, b]')).toBe('[a, b]');
    expect(value('map(varchar,integer)', '{a=1}')).toBe('{a=1}');
  });
});

describe('athenaColumnType', () => {
  it('maps Athena type names to engine-neutral column types', () => {
    const types = [
      'varchar',
      'char(3)',
      'integer',
      'bigint',
      'decimal(38,9)',
      'boolean',
      'date',
      'timestamp(3)',
      'timestamp(3) with time zone',
      'array(varchar)',
      'row(a integer)',
    ].map((Type) => athenaColumnType({ Type }));
    expect(types).toEqual([
      'varchar',
      'varchar',
      'bigint',
      'bigint',
      'double',
      'boolean',
      'date',
      'timestamp',
      'timestamp',
      'other',
      'other',
    ]);
  });
});
