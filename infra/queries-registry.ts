/**
 * The `queries/` folder is the registry of what gets deployed: every detector file becomes a
 * typed `Detector` (its header drives its schedule), every rollup file a rollup table whose
 * columns its SQL defines. Parsed once
 * at synth, with the runtime's own parsers; any bad file stops the synth with all problems listed.
 */
import { join } from 'node:path';
import type { Detector } from '../lambdas/core/detector.ts';
import { loadDetectorCatalog } from '../lambdas/core/detector-catalog.ts';
import { ConfigError } from '../lambdas/core/errors.ts';
import { loadRollupCatalog, type Rollup } from '../lambdas/core/rollup.ts';
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
    for (const id of detector.rollups) {
      if (!rollupIds.has(id))
        problems.push(`${detector.file}: rollups: "${id}" is not in ${join(queriesDir, 'rollups')}`);
    }
  }
  const tables = rollupCatalog.rollups.map((rollup) => rollup.table);
  for (const [index, table] of tables.entries()) {
    if (tables.indexOf(table) !== index) problems.push(`two rollups fill the table ${table}`);
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
