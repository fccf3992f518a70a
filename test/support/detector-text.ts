/** Builds detector file text for tests: a valid header with overrides, and a SQL body. */
import { stringify } from 'yaml';

export const SAMPLE_SQL = `SELECT actor_id, 'x' AS summary
FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt
GROUP BY actor_id`;

export function detectorText(header: Record<string, unknown> = {}, sql = SAMPLE_SQL): string {
  const fields = {
    id: 't',
    title: 'Test detector',
    description: 'Finds things in tests.',
    severity: 'high',
    schedule: 'rate(1 hour)',
    window: '1h',
    runbook: 'Look at it.',
    ...header,
  };
  const yaml = stringify(
    Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)),
  );
  return `/*\n${yaml}*/\n${sql}\n`;
}
