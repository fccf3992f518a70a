/** The query an investigator runs next: the actor's raw events over the finding's window. */
import type { Finding } from '../core/finding.ts';
import { renderLiteral } from '../core/sql-params.ts';

export function investigationQuery(
  finding: Pick<Finding, 'actor_id' | 'window_start' | 'window_end'>,
): string {
  const start = new Date(finding.window_start);
  const end = new Date(finding.window_end);
  const firstDay = start.toISOString().slice(0, 10);
  const lastDay = new Date(end.getTime() - 1).toISOString().slice(0, 10);
  return [
    'SELECT event_time, action, resource_type, resource_id, record_count, bytes,',
    '       source_system, source_ip, device_id, destination, outcome, justification_id',
    'FROM audit_events',
    `WHERE actor_id = ${renderLiteral('actor_id', finding.actor_id)}`,
    `  AND dt BETWEEN ${renderLiteral('from_dt', firstDay)} AND ${renderLiteral('to_dt', lastDay)}`,
    `  AND event_time >= ${renderLiteral('window_start', start)}`,
    `  AND event_time < ${renderLiteral('window_end', end)}`,
    'ORDER BY event_time',
  ].join('\n');
}
