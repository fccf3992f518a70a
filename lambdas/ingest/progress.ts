/**
 * A progress bar for long ingests. It draws on stderr, so stdout stays clean for the report, and
 * only when stderr is a terminal and the input is big enough to be worth watching.
 */
import cliProgress from 'cli-progress';

export interface IngestProgress {
  /** Pass as `ingestFiles({ onProgress })`. The first call decides whether a bar is shown. */
  readonly onProgress: (bytesRead: number, totalBytes: number) => void;
  /** Stops and leaves the bar drawn; call when the ingest ends, whether or not it succeeded. */
  stop(): void;
}

export interface IngestProgressOptions {
  /** @default process.stderr */
  readonly stream?: NodeJS.WriteStream;
  /** Inputs at most this large show no bar. @default 20 MiB */
  readonly minBytes?: number;
}

export const DEFAULT_MIN_PROGRESS_BYTES = 20 * 1024 * 1024;

export function createIngestProgress(options: IngestProgressOptions = {}): IngestProgress {
  const stream = options.stream ?? process.stderr;
  const minBytes = options.minBytes ?? DEFAULT_MIN_PROGRESS_BYTES;
  let decided = false;
  let bar: cliProgress.SingleBar | undefined;
  return {
    onProgress(bytesRead, totalBytes) {
      if (!decided) {
        decided = true;
        if (stream.isTTY !== true || totalBytes <= minBytes) return;
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: 'ingest [{bar}] {percentage}% | {read} of {size} | ETA {eta_formatted}',
            hideCursor: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(totalBytes, 0, { read: formatBytes(0), size: formatBytes(totalBytes) });
      }
      bar?.update(Math.min(bytesRead, totalBytes), { read: formatBytes(bytesRead) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** `512 KB`, `20.0 MB`, `1.25 GB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}
