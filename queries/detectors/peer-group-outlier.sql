/*
id: peer-group-outlier
title: Record access far above the employee's peer group
description: >
  Distinct records and records touched by an employee in the day, compared with what people with
  the same department and title touch on a day: the median and median absolute deviation of the
  peers' daily values over the last 28 days (from the daily rollup), or of the whole department
  when fewer than min_peer_group people share the title. It needs no history of the employee
  themself, so it sees a new hire or a freshly moved employee pulling far more than anyone in
  their role, which the employee's own baseline cannot. When the whole group is busier than
  usual today (a campaign, a quarter end), today's group median raises the bar for everyone.
  Record-level resource types only by default: rows touched by a warehouse or ledger query
  depend on how the query was written and compare badly between people (bulk-export-volume
  watches what leaves).
severity: high
schedule: rate(1 day)
window: 1d
lookback: 28d
rollups: [employee-daily]
params:
  resource_types: [customer_record, support_ticket, employee_record]
  min_distinct_records: 200
  min_records: 5000
  min_ratio: 5
  mad_multiplier: 6
  min_peer_group: 5
  critical_ratio: 20
dedup: 3d
runbook: >
  Means: the employee touched many times more records in the day than people in the same role
  (the evidence says whether the peer group is the title group or, for small titles, the
  department, and which metric stood out). Investigate: what did they touch and for which case,
  e.g. SELECT date_trunc('hour', event_time) AS hour, resource_type, source_system, action,
  count(DISTINCT resource_id) AS distinct_records, sum(record_count) AS records,
  count_if(justification_id IS NULL) AS without_ticket FROM audit_events WHERE actor_id =
  '<actor>' AND dt = '<day>' GROUP BY 1, 2, 3, 4 ORDER BY 1; compare with a colleague of the same
  title on the same day, and ask the manager whether the person has a role the title does not
  show (team lead duties, a migration, an audit). Known false positives: a stale title in the
  directory (someone moved into a data-heavy role), one person of a team assigned a bulk
  clean-up, titles shared by very different jobs. Suppress: fix the title in the directory, raise
  min_ratio or min_distinct_records with --param, or add a suppression entry for the person and
  project with an expiry.
tags: [T1213, T1530, collection]
owner: detection-engineering
status: stable
*/
WITH current_by_system AS (
  SELECT
    actor_id,
    resource_type,
    source_system,
    count(DISTINCT resource_id) AS distinct_records,
    sum(record_count) AS records,
    count(*) AS event_count,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen
  FROM audit_events
  WHERE dt BETWEEN :window_start_dt AND :window_end_dt
    AND event_time >= :window_start
    AND event_time < :window_end
    AND actor_type = 'human'
    AND outcome = 'success'
    AND action IN ('read', 'search', 'list', 'export', 'download')
    AND contains(:resource_types, resource_type)
  GROUP BY actor_id, resource_type, source_system
),
-- Counted per resource type and source system, as the rollup counts them.
current_day AS (
  SELECT
    c.actor_id,
    e.department,
    e.title,
    sum(c.distinct_records) AS distinct_records,
    sum(c.records) AS records,
    sum(c.event_count) AS event_count,
    min(c.first_seen) AS first_seen,
    max(c.last_seen) AS last_seen,
    max_by(c.resource_type || ':' || c.source_system, c.distinct_records) AS top_system
  FROM current_by_system c
  JOIN employees e ON e.employee_id = c.actor_id
  GROUP BY c.actor_id, e.department, e.title
),
peer_days AS (
  SELECT h.actor_id, h.dt, e.department, e.title,
    sum(h.distinct_resources) AS distinct_records,
    sum(h.access_records) AS records
  FROM employee_daily h
  JOIN employees e ON e.employee_id = h.actor_id
  WHERE h.dt >= :baseline_start_dt
    AND h.dt < :window_start_dt
    AND h.actor_type = 'human'
    AND contains(:resource_types, h.resource_type)
  GROUP BY h.actor_id, h.dt, e.department, e.title
  HAVING sum(h.access_events) > 0
),
-- Each peer-day counted once in its title group and once in its department.
grouped_days AS (
  SELECT 'title' AS group_kind, department || ' / ' || title AS group_key, actor_id, distinct_records, records
  FROM peer_days
  UNION ALL
  SELECT 'department' AS group_kind, department AS group_key, actor_id, distinct_records, records
  FROM peer_days
),
group_median AS (
  SELECT group_kind, group_key,
    count(DISTINCT actor_id) AS peers,
    count(*) AS peer_days,
    approx_percentile(distinct_records, 0.5) AS median_distinct,
    approx_percentile(records, 0.5) AS median_records
  FROM grouped_days
  GROUP BY group_kind, group_key
),
group_baseline AS (
  SELECT g.group_kind, g.group_key, m.peers, m.peer_days, m.median_distinct, m.median_records,
    approx_percentile(abs(g.distinct_records - m.median_distinct), 0.5) AS mad_distinct,
    approx_percentile(abs(g.records - m.median_records), 0.5) AS mad_records
  FROM grouped_days g
  JOIN group_median m ON m.group_kind = g.group_kind AND m.group_key = g.group_key
  GROUP BY g.group_kind, g.group_key, m.peers, m.peer_days, m.median_distinct, m.median_records
),
-- Today's values of everyone in the group: when the whole group is busy, the bar rises with it.
today_title AS (
  SELECT department, title,
    approx_percentile(distinct_records, 0.5) AS median_distinct,
    approx_percentile(records, 0.5) AS median_records
  FROM current_day
  GROUP BY department, title
  HAVING count(*) >= :min_peer_group
),
today_department AS (
  SELECT department,
    approx_percentile(distinct_records, 0.5) AS median_distinct,
    approx_percentile(records, 0.5) AS median_records
  FROM current_day
  GROUP BY department
  HAVING count(*) >= :min_peer_group
),
chosen AS (
  SELECT
    c.*,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group THEN 'title' ELSE 'department' END AS peer_group,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group THEN t.peers ELSE d.peers END AS peers,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group THEN t.peer_days ELSE d.peer_days END AS peer_days,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group
      THEN greatest(t.median_distinct, coalesce(tt.median_distinct, 0))
      ELSE greatest(d.median_distinct, coalesce(td.median_distinct, 0)) END AS baseline_distinct,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group
      THEN greatest(t.median_records, coalesce(tt.median_records, 0))
      ELSE greatest(d.median_records, coalesce(td.median_records, 0)) END AS baseline_records,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group THEN t.mad_distinct ELSE d.mad_distinct END AS mad_distinct,
    CASE WHEN coalesce(t.peers, 0) >= :min_peer_group THEN t.mad_records ELSE d.mad_records END AS mad_records
  FROM current_day c
  LEFT JOIN group_baseline t ON t.group_kind = 'title' AND t.group_key = c.department || ' / ' || c.title
  LEFT JOIN group_baseline d ON d.group_kind = 'department' AND d.group_key = c.department
  LEFT JOIN today_title tt ON tt.department = c.department AND tt.title = c.title
  LEFT JOIN today_department td ON td.department = c.department
),
scored AS (
  SELECT
    *,
    distinct_records >= :min_distinct_records
      AND distinct_records >= :min_ratio * greatest(baseline_distinct, 1)
      AND distinct_records > baseline_distinct + :mad_multiplier * 1.4826E0 * greatest(mad_distinct, 1) AS distinct_outlier,
    records >= :min_records
      AND records >= :min_ratio * greatest(baseline_records, 1)
      AND records > baseline_records + :mad_multiplier * 1.4826E0 * greatest(mad_records, 1) AS records_outlier,
    (distinct_records - baseline_distinct) / (1.4826E0 * greatest(mad_distinct, 1)) AS distinct_score,
    (records - baseline_records) / (1.4826E0 * greatest(mad_records, 1)) AS records_score
  FROM chosen
  -- Without enough peers there is no group to stand out from.
  WHERE peers >= :min_peer_group
)
SELECT
  actor_id,
  CASE WHEN distinct_outlier
    THEN 'read ' || CAST(distinct_records AS varchar) || ' distinct records in the day, '
      || CAST(round(CAST(distinct_records AS double) / greatest(baseline_distinct, 1), 1) AS varchar)
      || 'x the median of ' || CAST(CAST(baseline_distinct AS bigint) AS varchar)
    ELSE 'touched ' || CAST(records AS varchar) || ' records in the day, '
      || CAST(round(CAST(records AS double) / greatest(baseline_records, 1), 1) AS varchar)
      || 'x the median of ' || CAST(CAST(baseline_records AS bigint) AS varchar)
  END || ' in their peer group (' || CASE WHEN peer_group = 'title' THEN department || ' / ' || title ELSE department END
    || ', ' || CAST(peers AS varchar) || ' people)' AS summary,
  CASE
    WHEN (distinct_outlier AND distinct_records >= :critical_ratio * greatest(baseline_distinct, 1))
      OR (records_outlier AND records >= :critical_ratio * greatest(baseline_records, 1)) THEN 'critical'
    ELSE 'high'
  END AS severity,
  round(greatest(CASE WHEN distinct_outlier THEN distinct_score ELSE 0 END, CASE WHEN records_outlier THEN records_score ELSE 0 END), 1) AS score,
  first_seen,
  last_seen,
  event_count,
  distinct_records,
  records,
  top_system,
  department,
  title,
  peer_group,
  peers,
  peer_days,
  baseline_distinct,
  mad_distinct,
  baseline_records,
  mad_records
FROM scored
WHERE distinct_outlier OR records_outlier
ORDER BY actor_id
