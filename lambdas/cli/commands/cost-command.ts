import type { Command } from 'commander';
import { isActive } from '../../core/detector.ts';
import { loadDetectorCatalog } from '../../core/detector-catalog.ts';
import { loadRollupCatalog } from '../../core/rollup.ts';
import { estimateCosts, type LakeSizes } from '../../cost/athena-cost.ts';
import { formatCostReport } from '../../cost/cost-table.ts';
import { DEFAULT_LAKE_SIZES } from '../../cost/default-sizes.ts';
import { parseCountOption, parseDurationOption } from '../cli-options.ts';
import { DEFAULT_QUERIES_DIR, DEFAULT_ROLLUPS_DIR } from '../project-paths.ts';

export function registerCostCommand(program: Command): void {
  program
    .command('cost')
    .description('estimate what Athena would scan and bill per detector, with and without rollups')
    .option('--employees <n>', 'employees whose activity is logged', '1000')
    .option('--events-per-day <m>', 'events per employee per day (default: as measured)')
    .option('--cadence <duration>', 'how often the scheduler runs the detectors', '1h')
    .option('--lake <dir>', 'measure Parquet sizes on this lake instead of the bench-measured defaults')
    .option('--queries <dir>', 'detectors folder', DEFAULT_QUERIES_DIR)
    .option('--rollups <dir>', 'rollups folder', DEFAULT_ROLLUPS_DIR)
    .action(async (options) => {
      const employees = parseCountOption('--employees', options.employees, 1, 10_000_000);
      const events = options.eventsPerDay
        ? parseCountOption('--events-per-day', options.eventsPerDay, 1, 1_000_000)
        : undefined;
      const cadenceMs = parseDurationOption('--cadence', options.cadence);
      const detectors = (await loadDetectorCatalog(options.queries)).detectors.filter(isActive);
      const { rollups } = await loadRollupCatalog(options.rollups);
      const sizes = options.lake ? await lakeSizes(options.lake) : DEFAULT_LAKE_SIZES;
      const report = estimateCosts(detectors, rollups, sizes, {
        employees,
        ...(events === undefined ? {} : { eventsPerEmployeeDay: events }),
        cadenceMs,
      });
      const perDay = events ?? sizes.eventsPerEmployeeDay;
      const heading = `${employees} employees × ${perDay.toFixed(0)} events/day, detectors every ${options.cadence} at most; sizes ${sizes.source}`;
      process.stdout.write(`${formatCostReport(report, heading)}\n`);
    });
}

async function lakeSizes(lakeDir: string): Promise<LakeSizes> {
  const { openDuckDbEngine } = await import('../../engines/duckdb-engine.ts');
  const { measureLakeSizes } = await import('../../cost/lake-sizes.ts');
  const engine = await openDuckDbEngine({ lakeDir });
  try {
    return await measureLakeSizes(engine, lakeDir);
  } finally {
    await engine.close();
  }
}
