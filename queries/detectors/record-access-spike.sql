/*
id: record-access-spike
title: Record access far above the employee's own baseline
description: >
  Distinct customer records and support tickets an employee read in the day, compared with
  the same count on each active day of their previous 28 days (median and median absolute
  deviation, so one busy day in the history does not hide the next one). An employee with too
  little history is compared with their department instead of staying silent. This is the
  pattern of a support agent who normally opens fifty records quietly pulling thousands to
  sell them.
severity: high
schedule: rate(1 day)
window: 1d
lookback: 28d
rollups: [employee-daily]
params:
  resource_types: [customer_record, support_ticket]
  min_records: 200
  min_ratio: 5
  mad_multiplier: 6
  min_history_days: 7
dedup: 3d
runbook: >
  Means: the employee read many times more distinct records than on a normal day for them
  (or for their department, when they are new). Investigate: list their reads for the day by
  hour, source system and justification, e.g.
  SELECT date_trunc('hour', event_time) AS hour, source_system, count(DISTINCT resource_id),
  count_if(justification_id IS NULL) FROM audit_events WHERE actor_id = '<actor>' AND dt = '<day>'
  GROUP BY 1, 2 ORDER BY 1; then ask their manager whether a project explains it.
  Known false positives: data migrations, audits and bulk clean-up assigned to one person;
  a new hire in their first weeks (peer comparison). Suppress: raise min_records or
  mad_multiplier with --param, or disable for a service identity by excluding it upstream.
tags: [T1213, T1530, collection]
owner: detection-engineering
status: stable
*/
WITH current_day AS (
  SELECT
    actor_id,
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
  GROUP BY actor_id
),
-- History comes from the daily rollup: the run scans raw events only for its own window.
history_days AS (
  SELECT actor_id, dt, sum(distinct_resources) AS distinct_records
  FROM employee_daily
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND actor_type = 'human'
    AND contains(:resource_types, resource_type)
  GROUP BY actor_id, dt
  HAVING sum(access_events) > 0
),
own_median AS (
  SELECT actor_id, count(*) AS active_days, approx_percentile(distinct_records, 0.5) AS median_records
  FROM history_days
  GROUP BY actor_id
),
own_baseline AS (
  SELECT h.actor_id, m.active_days, m.median_records,
    approx_percentile(abs(h.distinct_records - m.median_records), 0.5) AS mad_records
  FROM history_days h
  JOIN own_median m ON m.actor_id = h.actor_id
  GROUP BY h.actor_id, m.active_days, m.median_records
),
peer_days AS (
  SELECT e.department, h.distinct_records
  FROM history_days h
  JOIN employees e ON e.employee_id = h.actor_id
),
peer_median AS (
  SELECT department, approx_percentile(distinct_records, 0.5) AS median_records
  FROM peer_days
  GROUP BY department
),
peer_baseline AS (
  SELECT p.department, m.median_records,
    approx_percentile(abs(p.distinct_records - m.median_records), 0.5) AS mad_records
  FROM peer_days p
  JOIN peer_median m ON m.department = p.department
  GROUP BY p.department, m.median_records
),
compared AS (
  SELECT
    c.*,
    e.department,
    coalesce(o.active_days, 0) AS history_days,
    CASE WHEN coalesce(o.active_days, 0) >= :min_history_days THEN 'own history' ELSE 'department peers' END AS baseline_source,
    CASE WHEN coalesce(o.active_days, 0) >= :min_history_days THEN o.median_records ELSE p.median_records END AS baseline_median,
    CASE WHEN coalesce(o.active_days, 0) >= :min_history_days THEN o.mad_records ELSE p.mad_records END AS baseline_mad
  FROM current_day c
  LEFT JOIN own_baseline o ON o.actor_id = c.actor_id
  LEFT JOIN employees e ON e.employee_id = c.actor_id
  LEFT JOIN peer_baseline p ON p.department = e.department
)
SELECT
  actor_id,
  'read ' || CAST(distinct_records AS varchar) || ' distinct records in the day, '
    || CAST(round(CAST(distinct_records AS double) / greatest(coalesce(baseline_median, 0), 1), 1) AS varchar)
    || 'x the ' || baseline_source || ' median of ' || CAST(coalesce(baseline_median, 0) AS varchar) AS summary,
  round((distinct_records - coalesce(baseline_median, 0)) / (1.4826E0 * greatest(coalesce(baseline_mad, 0), 1)), 1) AS score,
  CASE WHEN distinct_records >= 10 * :min_records THEN 'critical' ELSE 'high' END AS severity,
  first_seen,
  last_seen,
  event_count,
  distinct_records,
  records,
  baseline_source,
  baseline_median,
  baseline_mad,
  history_days,
  department
FROM compared
WHERE distinct_records >= :min_records
  AND distinct_records >= :min_ratio * greatest(coalesce(baseline_median, 0), 1)
  AND distinct_records > coalesce(baseline_median, 0) + :mad_multiplier * 1.4826E0 * greatest(coalesce(baseline_mad, 0), 1)
ORDER BY actor_id
