/**
 * Where the detector Lambda puts each window's investigation report: beside the findings history,
 * under `findings/`, so the lake's grants for findings cover it as they stand (the detector may
 * put there, encrypting with the lake key; nothing else of the function's changes). The findings
 * table projects `findings/dt=…/` partitions only, so Athena never reads these pages.
 */

/** The folder of the reports, under the findings prefix. */
export const REPORTS_FOLDER = 'findings/reports/';

/**
 * `<prefix>findings/reports/<detector>/<window start>-<window end>.html`, times as compact UTC,
 * e.g. `findings/reports/off-hours-export/20260317T020000Z-20260317T030000Z.html`.
 */
export function reportKey(
  prefix: string | undefined,
  detectorId: string,
  windowStart: string,
  windowEnd: string,
): string {
  const compact = (iso: string) => `${new Date(iso).toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  const folder = !prefix || prefix.endsWith('/') ? (prefix ?? '') : `${prefix}/`;
  return `${folder}${REPORTS_FOLDER}${detectorId}/${compact(windowStart)}-${compact(windowEnd)}.html`;
}
