import { describe, expect, it } from 'vitest';
import { repeatedTopLevelKey } from '../../lambdas/ingest/input-records.ts';

/** As the JSONL parser calls it: with the number of keys JSON.parse kept. */
function repeated(text: string): string | undefined {
  return repeatedTopLevelKey(text, Object.keys(JSON.parse(text) as object).length);
}

describe('repeatedTopLevelKey', () => {
  it('finds nothing in an object whose keys are all different', () => {
    expect(repeated('{"event_id":"e1","actor_id":"emp-1","details":{"a":1}}')).toBeUndefined();
  });

  it('names the first field that appears twice', () => {
    expect(repeated('{"event_id":"e1","actor_id":"emp-1","outcome":"success","actor_id":"emp-2"}')).toBe(
      'actor_id',
    );
  });

  it('ignores repeats inside nested objects and arrays', () => {
    expect(repeated('{"details":{"a":1,"a":2},"list":[{"b":1},{"b":2}]}')).toBeUndefined();
  });

  it('is not misled by colons, braces and escaped quotes inside strings', () => {
    expect(repeated('{"a":"x:{\\"a\\":1}","b":"}:{","c":"\\\\"}')).toBeUndefined();
    expect(repeated('{"a\\"b" : 1, "a\\"b" : 2}')).toBe('a"b');
  });

  it('compares decoded names, so an escaped spelling of a field is the same field', () => {
    expect(repeated('{"actor_id":"emp-1","actor\\u005fid":"emp-2"}')).toBe('actor_id');
  });
});
