/**
 * Reads a file as raw lines, a chunk at a time, so input of any size streams through in bounded
 * memory. Lines stay bytes: each is decoded on its own (with `fatal` UTF-8) by the parser, so one
 * bad byte sequence costs one line, not the file.
 */
import { createReadStream } from 'node:fs';

export interface PhysicalLine {
  /** 1-based line number in the file. */
  readonly number: number;
  /** The line without its `\n` or `\r\n`; for an over-long line only its first `rawPrefixBytes`. */
  readonly bytes: Buffer;
  /** The line was longer than `maxLineBytes` and was not kept whole. */
  readonly overlong: boolean;
}

export interface LineReaderOptions {
  /** Longest line kept whole; longer ones are cut to a prefix and flagged `overlong`. */
  readonly maxLineBytes: number;
  /** @default 4096 */
  readonly rawPrefixBytes?: number;
  /** @default 1 MiB */
  readonly chunkBytes?: number;
  /** Called with the size of each chunk read, for progress. */
  readonly onBytes?: (bytes: number) => void;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Yields the lines of a file in batches, one batch per chunk read. A final line without `\n` is included. */
export async function* readLines(path: string, options: LineReaderOptions): AsyncGenerator<PhysicalLine[]> {
  const prefixBytes = options.rawPrefixBytes ?? 4096;
  let number = 0;
  let parts: Buffer[] = [];
  let length = 0;
  let overlong = false;

  const keep = (piece: Buffer) => {
    if (piece.length === 0 || overlong) return;
    if (length + piece.length > options.maxLineBytes) {
      overlong = true;
      parts = [Buffer.concat([...parts, piece.subarray(0, prefixBytes)]).subarray(0, prefixBytes)];
      return;
    }
    parts.push(piece);
    length += piece.length;
  };
  const finish = (): PhysicalLine => {
    let bytes = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
    if (!overlong && bytes.at(-1) === CARRIAGE_RETURN) bytes = bytes.subarray(0, -1);
    const line = { number: ++number, bytes, overlong };
    parts = [];
    length = 0;
    overlong = false;
    return line;
  };

  const stream = createReadStream(path, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    options.onBytes?.(chunk.length);
    const lines: PhysicalLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end >= 0; end = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, end));
      lines.push(finish());
      start = end + 1;
    }
    keep(chunk.subarray(start));
    if (lines.length > 0) yield lines;
  }
  if (length > 0 || overlong) yield [finish()];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');

/** The line as text, or undefined when it is not valid UTF-8. A leading BOM is dropped. */
export function decodeStrict(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The line as text with bad byte sequences replaced by U+FFFD: for quarantine, never for data. */
export function decodeLenient(bytes: Uint8Array): string {
  return lenientUtf8.decode(bytes);
}
