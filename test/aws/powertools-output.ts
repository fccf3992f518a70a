/**
 * Captures what the Powertools logger and metrics write (JSON lines on stdout and stderr), so tests
 * can assert on structured logs and on the EMF metrics documents.
 */
import { vi } from 'vitest';

export interface CapturedOutput {
  /** Log items (objects with a `message`). */
  readonly logs: Record<string, unknown>[];
  /** EMF documents (objects with an `_aws` key). */
  readonly metrics: Record<string, unknown>[];
  /** Everything written, for "never appears anywhere" assertions. */
  text(): string;
  restore(): void;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const record = (chunk: unknown) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(record);
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(record);
  const parsed = () =>
    chunks
      .join('')
      .split('\n')
      .flatMap((line) => {
        try {
          const value: unknown = JSON.parse(line);
          return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
        } catch {
          return [];
        }
      });
  return {
    get logs() {
      return parsed().filter((item) => !('_aws' in item) && 'message' in item);
    },
    get metrics() {
      return parsed().filter((item) => '_aws' in item);
    },
    text: () => chunks.join(''),
    restore: () => {
      stdout.mockRestore();
      stderr.mockRestore();
    },
  };
}
