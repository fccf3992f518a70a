/**
 * Input files: checked up front (type, existence, readable, a usable CSV header or JSON Lines)
 * so a bad argument fails before anything is written, then streamed through their parser.
 */
import { stat } from 'node:fs/promises';
import {
  createRecordParser,
  InputFileError,
  type InputFormat,
  type InputItem,
  inputFormatOf,
  type RecordParser,
  SUPPORTED_EXTENSIONS,
} from './input-records.ts';
import { type PhysicalLine, readLines } from './line-reader.ts';

export interface InputFile {
  /** As given by the caller; used in messages and quarantine entries. */
  readonly path: string;
  readonly format: InputFormat;
  readonly bytes: number;
}

export interface ReadInputOptions {
  /** Longest line (JSONL) or record (CSV) kept whole; longer ones are rejected. */
  readonly maxRecordBytes: number;
  readonly emit: (item: InputItem) => void;
  /** Called with the size of each chunk read. */
  readonly onBytes?: (bytes: number) => void;
  /** Awaited after each chunk's lines are parsed: where callers apply back-pressure. */
  readonly afterBatch?: () => Promise<void>;
}

/** Checks every file; throws `InputFileError` naming the first that cannot be ingested. */
export async function checkInputFiles(
  files: readonly string[],
  maxRecordBytes: number,
): Promise<InputFile[]> {
  const inputs: InputFile[] = [];
  for (const path of files) {
    const format = inputFormatOf(path);
    if (!format) {
      throw new InputFileError(path, `unsupported file type; expected ${SUPPORTED_EXTENSIONS.join(', ')}`);
    }
    const info = await stat(path).catch((error: unknown) => {
      throw readError(path, error);
    });
    if (info.isDirectory()) throw new InputFileError(path, 'is a directory, not a file');
    if (!info.isFile()) throw new InputFileError(path, 'is not a regular file');
    const input = { path, format, bytes: info.size };
    // Reads only until the file's shape is known: the CSV header, or the first JSON line.
    await streamFile(input, { maxRecordBytes, emit: () => undefined }, (parser) => parser.started);
    inputs.push(input);
  }
  return inputs;
}

/** Streams a whole file through its parser. */
export async function readInputFile(input: InputFile, options: ReadInputOptions): Promise<void> {
  await streamFile(input, options, () => false);
}

async function streamFile(
  input: InputFile,
  options: ReadInputOptions,
  stop: (parser: RecordParser) => boolean,
): Promise<void> {
  const parser = createRecordParser(input.format, {
    file: input.path,
    maxRecordBytes: options.maxRecordBytes,
    emit: options.emit,
  });
  const lines = readLines(input.path, { maxLineBytes: options.maxRecordBytes, onBytes: options.onBytes });
  try {
    for (;;) {
      let batch: IteratorResult<PhysicalLine[], void>;
      try {
        batch = await lines.next();
      } catch (error) {
        throw readError(input.path, error);
      }
      if (batch.done) break;
      for (const line of batch.value) {
        parser.push(line);
        if (stop(parser)) return;
      }
      await options.afterBatch?.();
    }
    parser.end();
  } finally {
    await lines.return(undefined);
  }
}

function readError(path: string, error: unknown): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new InputFileError(path, 'does not exist');
  if (code === 'EACCES' || code === 'EPERM')
    return new InputFileError(path, 'cannot be read (permission denied)');
  if (code === 'EISDIR') return new InputFileError(path, 'is a directory, not a file');
  const message = error instanceof Error ? error.message : String(error);
  return new InputFileError(path, `cannot be read: ${message}`);
}
