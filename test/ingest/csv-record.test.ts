import { describe, expect, it } from 'vitest';
import { CsvRecordFramer, type FramedCsv, splitCsvRecord } from '../../lambdas/ingest/csv-record.ts';
import type { PhysicalLine } from '../../lambdas/ingest/line-reader.ts';

describe('splitCsvRecord', () => {
  it.each([
    ['plain fields', 'a,b,c', ['a', 'b', 'c']],
    ['empty fields', ',,', ['', '', '']],
    ['a quoted comma', 'a,"b,c",d', ['a', 'b,c', 'd']],
    ['a doubled quote', '"say ""hi""",x', ['say "hi"', 'x']],
    ['a quoted newline', '"line 1\nline 2",x', ['line 1\nline 2', 'x']],
    ['JSON in a quoted field', '"{""a"":1}"', ['{"a":1}']],
    ['a quoted empty field', '"",x', ['', 'x']],
  ])('splits %s', (_, text, fields) => {
    expect(splitCsvRecord(text)).toEqual({ ok: true, fields });
  });

  it.each([
    ['text after a closing quote', 'a,"b"c,d', 'a closing quote must be followed by a comma'],
    ['a quote inside an unquoted field', 'a,b"c,d', 'a quote inside an unquoted field'],
    ['an unclosed quote', 'a,"b,c', 'row has an unclosed quoted field'],
  ])('rejects %s', (_, text, reason) => {
    const result = splitCsvRecord(text);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});

function frame(text: string, expectedFields = 3): FramedCsv[] {
  const out: FramedCsv[] = [];
  const framer = new CsvRecordFramer({ maxRecordBytes: 1024, emit: (item) => out.push(item) });
  framer.expectedFields = expectedFields;
  text.split('\n').forEach((line, index) => {
    framer.push({ number: index + 1, bytes: Buffer.from(line), overlong: false } satisfies PhysicalLine);
  });
  framer.end();
  return out;
}

const summary = (items: FramedCsv[]) =>
  items.map((item) =>
    item.kind === 'record' ? `${item.line}: ${item.fields.join('|')}` : `${item.line}! ${item.reason}`,
  );

describe('CsvRecordFramer', () => {
  it('joins the lines of a quoted multi-line field into one record that starts on its first line', () => {
    expect(summary(frame('a,"x\ny",c\nd,e,f'))).toEqual(['1: a|x\ny|c', '3: d|e|f']);
  });

  it('skips blank lines between records', () => {
    expect(summary(frame('a,b,c\n\n  \nd,e,f'))).toEqual(['1: a|b|c', '4: d|e|f']);
  });

  it('rejects a row with the wrong number of fields on its own', () => {
    expect(summary(frame('a,b\nd,e,f'))).toEqual([
      '1! row has the wrong number of fields (2, the header has 3)',
      '2: d|e|f',
    ]);
  });

  it('rejects only the line with a stray quote and keeps the good rows after it', () => {
    expect(summary(frame('a,b"x,c\nd,e,f\ng,h,i'))).toEqual([
      '1! row has an unclosed quoted field',
      '2: d|e|f',
      '3: g|h|i',
    ]);
  });

  it('recovers when a stray quote pairs with a quote on a later line', () => {
    expect(summary(frame('a,"b,c\nd,e,f\ng,h"i,j\nk,l,m'))).toEqual([
      '1! row has an unclosed quoted field',
      '2: d|e|f',
      '3! row has an unclosed quoted field',
      '4: k|l|m',
    ]);
  });

  it('gives up on a quote left open past the record size limit', () => {
    const long = Array.from({ length: 200 }, (_, i) => `r${i},x,y`).join('\n');
    const items = frame(`a,"open,c\n${long}`);
    expect(summary(items).slice(0, 2)).toEqual(['1! row has an unclosed quoted field', '2: r0|x|y']);
    expect(items.filter((item) => item.kind === 'record')).toHaveLength(200);
  });

  it('rejects a line that is not UTF-8 and keeps its text with replacement characters', () => {
    const out: FramedCsv[] = [];
    const framer = new CsvRecordFramer({ maxRecordBytes: 1024, emit: (item) => out.push(item) });
    framer.push({ number: 1, bytes: Buffer.from([0x61, 0x2c, 0xff, 0x2c, 0x62]), overlong: false });
    expect(out).toEqual([
      { kind: 'rejected', line: 1, reason: 'line is not valid UTF-8', raw: 'a,\ufffd,b' },
    ]);
  });
});
