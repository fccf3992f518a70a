/**
 * The `queries/` folder is the registry of what gets deployed: every detector file becomes a
 * typed `Detector` (its header drives its schedule), every rollup file a rollup table whose
 * columns its SQL defines. Parsed once at synth, with the runtime's own parsers; any bad file
 * stops the synth with every problem listed, one line each naming the file and field (see
 * "Broken detector files" in docs/detectors.md for why it stops rather than skips).
 * Checked here too, because the detector Lambda would otherwise meet them only at run time:
 * every `:name` in a detector's SQL renders, and `suppressions.yaml` and `redaction.yaml` parse
 * (the bundled files are read by every invocation, so a broken one would stop every detector).
 */
import { join } from 'node:path';
import { readOptionalFile } from '../lambdas/core/config-file.ts';
import type { Detector } from '../lambdas/core/detector.ts';
import { loadDetectorCatalog } from '../lambdas/core/detector-catalog.ts';
import { paramsForWindow } from '../lambdas/core/detector-params.ts';
import { ConfigError } from '../lambdas/core/errors.ts';
import { parseRedaction, REDACTION_FILE } from '../lambdas/core/redaction.ts';
import { loadRollupCatalog, type Rollup } from '../lambdas/core/rollup.ts';
import { ParamError, renderSql } from '../lambdas/core/sql-params.ts';
import { parseSuppressions, SUPPRESSIONS_FILE } from '../lambdas/core/suppressions.ts';
import { describeRollupTables, type RollupTable } from './rollup-columns.ts';

export interface QueriesRegistry {
  /** Absolute path of the folder parsed (it is bundled with the detector Lambda as is). */
  readonly queriesDir: string;
  /** Every detector, active or not, in file-name order. */
  readonly detectors: readonly Detector[];
  readonly rollups: readonly Rollup[];
  /** The table each rollup fills, with the columns its SQL returns. */
  readonly rollupTables: readonly RollupTable[];
}

export async function loadQueriesRegistry(queriesDir: string): Promise<QueriesRegistry> {
  const detectorCatalog = await loadDetectorCatalog(join(queriesDir, 'detectors'));
  const rollupCatalog = await loadRollupCatalog(join(queriesDir, 'rollups'));
  const problems = [...detectorCatalog.errors, ...rollupCatalog.errors].map((error) => error.message);
  const rollupIds = new Set(rollupCatalog.rollups.map((rollup) => rollup.id));
  for (const detector of detectorCatalog.detectors) {
    const unrenderable = renderProblem(detector);
    if (unrenderable) problems.push(unrenderable);
    for (const id of detector.rollups) {
      if (!rollupIds.has(id))
        problems.push(`${detector.file}: rollups: "${id}" is not in ${join(queriesDir, 'rollups')}`);
    }
  }
  const tables = rollupCatalog.rollups.map((rollup) => rollup.table);
  for (const [index, table] of tables.entries()) {
    if (tables.indexOf(table) !== index) problems.push(`two rollups fill the table ${table}`);
  }
  for (const [name, what, parse] of [
    [SUPPRESSIONS_FILE, 'suppressions file', parseSuppressions],
    [REDACTION_FILE, 'redaction file', parseRedaction],
  ] as const) {
    const problem = await bundledFileProblem(join(queriesDir, name), what, parse);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new ConfigError(`the queries folder ${queriesDir} has problems:\n  ${problems.join('\n  ')}`);
  }
  return {
    queriesDir,
    detectors: detectorCatalog.detectors,
    rollups: rollupCatalog.rollups,
    rollupTables: await describeRollupTables(rollupCatalog.rollups),
  };
}

/** A `:name` the SQL uses that no header parameter or built-in provides, as one line naming the file. */
function renderProblem(detector: Detector): string | undefined {
  // Any window will do: only which names exist matters, not their values.
  const end = Date.UTC(2026, 0, 1);
  const window = { start: new Date(end - detector.windowMs), end: new Date(end) };
  try {
    renderSql(detector.sql, paramsForWindow(detector, window));
    return undefined;
  } catch (error) {
    if (!(error instanceof ParamError)) throw error;
    const line = error.line === undefined ? '' : ` (line ${detector.sqlLine + error.line - 1})`;
    return `${detector.file}: sql: ${error.message}${line}`;
  }
}

/** A bundled YAML file's problem, as its one line; a missing file is none (its defaults apply). */
async function bundledFileProblem(
  file: string,
  what: string,
  parse: (file: string, text: string) => unknown,
): Promise<string | undefined> {
  try {
    const text = await readOptionalFile(file, what);
    if (text !== undefined) parse(file, text);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.message;
  }
}
