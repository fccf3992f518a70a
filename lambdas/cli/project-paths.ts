import { fileURLToPath } from 'node:url';

/** The shipped detectors, found from this file so the CLI works from any directory. */
export const DEFAULT_QUERIES_DIR = fileURLToPath(new URL('../../queries/detectors', import.meta.url));

/** The shipped rollups that baseline detectors read for history. */
export const DEFAULT_ROLLUPS_DIR = fileURLToPath(new URL('../../queries/rollups', import.meta.url));

/** Known, accepted findings: recorded but not alerted. */
export const DEFAULT_SUPPRESSIONS_FILE = fileURLToPath(
  new URL('../../queries/suppressions.yaml', import.meta.url),
);

/** Where `run` keeps watermarks and dedup claims unless told otherwise. */
export function defaultStatePath(lakeDir: string): string {
  return `${lakeDir.replace(/\/+$/, '')}/.auditlake/state.json`;
}
