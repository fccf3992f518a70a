/**
 * The DuckDB side of the investigation report: the aggregates behind each chart, for one finding.
 *
 * They are computed straight from `audit_events` with the rollups' own definitions rather than
 * read from `employee_daily` / `employee_hourly`: the raw table always covers the whole lookback,
 * while rollup partitions exist only for the days some detector needed, and building missing ones
 * would make a read-only report write into the lake. One actor over a few weeks is a small scan.
 * Every value enters the SQL through `renderSql` (typed literals), never by concatenation.
 */
import type { Finding } from '../core/finding.ts';
import type { QueryEngine, SqlRow, SqlValue } from '../core/ports.ts';
import { type ParamValues, renderSql } from '../core/sql-params.ts';
import {
  type DailyPoint,
  daysBetween,
  type FindingReportData,
  type HourCell,
  type PeerDistribution,
  type PeerDistributions,
  reportDays,
  robustBaseline,
} from './report-model.ts';

const ACCESS = "outcome = 'success' AND action IN ('read', 'search', 'list', 'export', 'download')";
const EXPORT = "outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')";

export interface DayRange {
  /** First day, `YYYY-MM-DD` (UTC), inclusive. */
  readonly fromDay: string;
  /** Last day, inclusive. */
  readonly toDay: string;
}

async function rows(
  engine: QueryEngine,
  label: string,
  sql: string,
  values: ParamValues,
): Promise<readonly SqlRow[]> {
  const result = await engine.query({ sql: renderSql(sql, values).sql, label: `report ${label}` });
  return result.rows;
}

function num(value: SqlValue | undefined): number {
  const number = typeof value === 'string' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : 0;
}

/** Records read and exported per UTC day, one point for every day of the range (0 where idle). */
export async function queryDailyActivity(
  engine: QueryEngine,
  actorId: string,
  range: DayRange,
  windowDays: ReadonlySet<string> = new Set(),
): Promise<DailyPoint[]> {
  const found = await rows(
    engine,
    'daily activity',
    `SELECT dt AS day, sum(distinct_resources) AS records_read, sum(export_records) AS records_exported
     FROM (
       SELECT dt, resource_type, source_system,
         count(DISTINCT CASE WHEN ${ACCESS} THEN resource_id END) AS distinct_resources,
         sum(CASE WHEN ${EXPORT} THEN record_count ELSE 0 END) AS export_records
       FROM audit_events
       WHERE actor_id = :actor_id AND dt BETWEEN :from_dt AND :to_dt
       GROUP BY dt, resource_type, source_system
     ) AS per_group
     GROUP BY dt`,
    { actor_id: actorId, from_dt: range.fromDay, to_dt: range.toDay },
  );
  const byDay = new Map(found.map((row) => [String(row.day), row]));
  return daysBetween(range.fromDay, range.toDay).map((day) => {
    const row = byDay.get(day);
    return {
      day,
      recordsRead: num(row?.records_read),
      recordsExported: num(row?.records_exported),
      inWindow: windowDays.has(day),
    };
  });
}

/**
 * Events per local hour of the week (the employee's time zone from `employees`, UTC when absent),
 * split into the baseline [baselineStart, windowStart) and the window [windowStart, windowEnd).
 * All 168 cells are returned, zeros included.
 */
export async function queryHourOfWeek(
  engine: QueryEngine,
  actorId: string,
  baselineStart: Date,
  windowStart: Date,
  windowEnd: Date,
): Promise<HourCell[]> {
  const found = await rows(
    engine,
    'hour of week',
    `WITH placed AS (
       SELECT a.event_time, at_timezone(a.event_time, coalesce(e.timezone, 'UTC')) AS local_time
       FROM audit_events a
       LEFT JOIN (SELECT employee_id, max(timezone) AS timezone FROM employees GROUP BY employee_id) e
         ON e.employee_id = a.actor_id
       WHERE a.actor_id = :actor_id
         AND a.dt BETWEEN :from_dt AND :to_dt
         AND a.event_time >= :baseline_start AND a.event_time < :window_end
     )
     SELECT day_of_week(local_time) AS local_day, hour(local_time) AS local_hour,
       count_if(event_time < :window_start) AS baseline_events,
       count_if(event_time >= :window_start) AS window_events
     FROM placed
     GROUP BY day_of_week(local_time), hour(local_time)`,
    {
      actor_id: actorId,
      from_dt: baselineStart.toISOString().slice(0, 10),
      to_dt: new Date(windowEnd.getTime() - 1).toISOString().slice(0, 10),
      baseline_start: baselineStart,
      window_start: windowStart,
      window_end: windowEnd,
    },
  );
  const byCell = new Map(found.map((row) => [`${num(row.local_day)}:${num(row.local_hour)}`, row]));
  const cells: HourCell[] = [];
  for (let day = 1; day <= 7; day++) {
    for (let hour = 0; hour < 24; hour++) {
      const row = byCell.get(`${day}:${hour}`);
      cells.push({
        day,
        hour,
        baselineEvents: num(row?.baseline_events),
        windowEvents: num(row?.window_events),
      });
    }
  }
  return cells;
}

/** The actor's time zone from the directory, `UTC` when the actor is not in it. */
export async function queryTimezone(engine: QueryEngine, actorId: string): Promise<string> {
  const [row] = await rows(
    engine,
    'time zone',
    'SELECT max(timezone) AS timezone FROM employees WHERE employee_id = :actor_id',
    { actor_id: actorId },
  );
  return typeof row?.timezone === 'string' && row.timezone !== '' ? row.timezone : 'UTC';
}

/**
 * The department's distributions of the highest daily records read and records exported over the
 * window's days: one anonymous value per other member of the actor's department, and the actor's
 * own values. An actor outside the directory is compared with no one, but still shown.
 */
export async function queryPeerDistributions(
  engine: QueryEngine,
  actorId: string,
  range: DayRange,
): Promise<PeerDistributions> {
  const found = await rows(
    engine,
    'peer distribution',
    `WITH dept AS (
       SELECT max(department) AS department FROM employees WHERE employee_id = :actor_id
     ),
     members AS (
       SELECT DISTINCT e.employee_id, d.department
       FROM employees e JOIN dept d ON e.department = d.department
       UNION
       SELECT :actor_id AS employee_id, (SELECT department FROM dept) AS department
     ),
     per_group AS (
       SELECT actor_id, dt,
         count(DISTINCT CASE WHEN ${ACCESS} THEN resource_id END) AS distinct_resources,
         sum(CASE WHEN ${EXPORT} THEN record_count ELSE 0 END) AS export_records
       FROM audit_events
       WHERE dt BETWEEN :from_dt AND :to_dt AND actor_id IN (SELECT employee_id FROM members)
       GROUP BY actor_id, dt, resource_type, source_system
     ),
     per_day AS (
       SELECT actor_id, dt, sum(distinct_resources) AS records_read, sum(export_records) AS records_exported
       FROM per_group GROUP BY actor_id, dt
     )
     SELECT m.department, m.employee_id = :actor_id AS is_actor,
       coalesce(max(d.records_read), 0) AS peak_read,
       coalesce(max(d.records_exported), 0) AS peak_exported
     FROM members m LEFT JOIN per_day d ON d.actor_id = m.employee_id
     GROUP BY m.employee_id, m.department`,
    { actor_id: actorId, from_dt: range.fromDay, to_dt: range.toDay },
  );
  const actor = found.find((row) => row.is_actor === true);
  const department = typeof actor?.department === 'string' ? actor.department : null;
  const peers = found.filter((row) => row.is_actor !== true);
  const distribution = (column: string): PeerDistribution => ({
    department,
    actorValue: num(actor?.[column]),
    peerValues: peers.map((row) => num(row[column])).sort((a, b) => a - b),
  });
  return { recordsRead: distribution('peak_read'), recordsExported: distribution('peak_exported') };
}

/**
 * The first day in [fromDay, toDay] that the lake holds events for (any actor), or `toDay` when
 * none: days before the lake began are unknown, not idle, and would drag the baseline to zero.
 */
export async function queryFirstLakeDay(engine: QueryEngine, range: DayRange): Promise<string> {
  const [row] = await rows(
    engine,
    'first lake day',
    'SELECT min(dt) AS first_day FROM audit_events WHERE dt BETWEEN :from_dt AND :to_dt',
    { from_dt: range.fromDay, to_dt: range.toDay },
  );
  return typeof row?.first_day === 'string' ? row.first_day : range.toDay;
}

/** Everything the report shows for one finding. */
export async function queryFindingReportData(
  engine: QueryEngine,
  finding: Finding,
  lookbackDays: number,
): Promise<FindingReportData> {
  const { baselineFrom, windowFrom, windowTo } = reportDays(finding, lookbackDays);
  const windowDays = new Set(daysBetween(windowFrom, windowTo));
  const firstDay = await queryFirstLakeDay(engine, { fromDay: baselineFrom, toDay: windowTo });
  const daily = await queryDailyActivity(
    engine,
    finding.actor_id,
    { fromDay: firstDay, toDay: windowTo },
    windowDays,
  );
  const baseline = daily.filter((point) => !point.inWindow);
  const windowStart = new Date(finding.window_start);
  const hours = await queryHourOfWeek(
    engine,
    finding.actor_id,
    new Date(`${baselineFrom}T00:00:00Z`),
    windowStart,
    new Date(finding.window_end),
  );
  return {
    finding,
    lookbackDays,
    timezone: await queryTimezone(engine, finding.actor_id),
    daily,
    readBaseline: robustBaseline(baseline.map((point) => point.recordsRead)),
    exportBaseline: robustBaseline(baseline.map((point) => point.recordsExported)),
    hours,
    peers: await queryPeerDistributions(engine, finding.actor_id, { fromDay: windowFrom, toDay: windowTo }),
  };
}
