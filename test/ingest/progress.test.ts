import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createIngestProgress, formatBytes } from '../../lambdas/ingest/progress.ts';

const MB = 1024 * 1024;

/** A stand-in for stderr that records what is drawn on it. */
function fakeStderr(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100 });
  let output = '';
  stream.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return { stream: stream as unknown as NodeJS.WriteStream, output: () => output };
}

describe('createIngestProgress', () => {
  it('draws a bar on a terminal for a large input', () => {
    const stderr = fakeStderr(true);
    const progress = createIngestProgress({ stream: stderr.stream });

    progress.onProgress(10 * MB, 40 * MB);
    progress.onProgress(40 * MB, 40 * MB);
    progress.stop();

    expect(stderr.output()).toContain('ingest [');
    expect(stderr.output()).toContain('40.0 MB of 40.0 MB');
  });

  it('draws nothing for an input of 20 MB or less', () => {
    const stderr = fakeStderr(true);
    const progress = createIngestProgress({ stream: stderr.stream });

    progress.onProgress(20 * MB, 20 * MB);
    progress.stop();

    expect(stderr.output()).toBe('');
  });

  it('draws nothing when stderr is not a terminal (piped or in CI)', () => {
    const stderr = fakeStderr(false);
    const progress = createIngestProgress({ stream: stderr.stream });

    progress.onProgress(100 * MB, 400 * MB);
    progress.stop();

    expect(stderr.output()).toBe('');
  });
});

describe('formatBytes', () => {
  it.each([
    [512 * 1024, '512 KB'],
    [20 * MB, '20.0 MB'],
    [1.25 * 1024 * MB, '1.25 GB'],
  ])('formats %d as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
