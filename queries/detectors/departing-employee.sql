/*
id: departing-employee
title: Employee on their way out accessing or exporting more than usual
description: >
  People who are leaving take data with them more often than anyone else, so for them the bar is
  lower than in the general detectors. Covers employees with employment_status notice or
  terminated, or a termination_date within departure_days of the window (either side). Compares
  the day's distinct records accessed, records exported and bytes exported with the employee's
  own median over the previous 28 days (daily rollup): a day at min_ratio times the usual, above a
  small floor, is a finding. Exports leaving the company (usb, external mail, web uploads,
  printers) above min_export_records make it critical.
severity: high
schedule: rate(1 day)
window: 1d
lookback: 28d
rollups: [employee-daily]
params:
  departure_days: 30
  min_ratio: 3
  min_distinct_records: 50
  min_export_records: 1000
  min_export_bytes: 100000000
dedup: 1d
runbook: >
  Means: someone serving notice, recently terminated or about to leave touched or moved out
  several times their usual volume (evidence: which metric, their median, termination_date,
  employment_status). Investigate: SELECT event_time, action, resource_type, resource_id,
  source_system, destination, record_count, bytes, device_id, source_ip FROM audit_events WHERE
  actor_id = '<actor>' AND dt BETWEEN '<day-7>' AND '<day>' AND (action IN ('export', 'download',
  'print', 'copy', 'send', 'upload', 'device_connect') OR resource_type = 'customer_record') ORDER
  BY event_time; look for removable media (device_connect), personal email or upload domains,
  customer lists and source code; involve HR and the manager before contacting the employee.
  Known false positives: handover work (exporting their own documents for a successor), an
  employee whose notice period starts with a busy project, a termination_date entered in error.
  Suppress: correct the directory, raise min_ratio with --param, or add a suppression entry with
  an expiry once HR confirms a handover.
tags: [T1052, T1048, T1567, T1213, exfiltration, insider-departure]
owner: detection-engineering
status: stable
*/
WITH leavers AS (
  SELECT employee_id, department, employment_status, termination_date
  FROM employees
  WHERE employment_status IN ('notice', 'terminated')
    OR (termination_date >= date(date_add('day', -:departure_days, :window_start))
      AND termination_date <= date(date_add('day', :departure_days, :window_end)))
),
current_day AS (
  SELECT
    a.actor_id,
    count(DISTINCT CASE WHEN a.action IN ('read', 'search', 'list', 'export', 'download')
      THEN a.resource_type || ':' || a.source_system || ':' || a.resource_id END) AS distinct_records,
    sum(CASE WHEN a.action IN ('export', 'download', 'print', 'copy', 'send', 'upload') THEN a.record_count ELSE 0 END) AS export_records,
    sum(CASE WHEN a.action IN ('export', 'download', 'print', 'copy', 'send', 'upload') THEN coalesce(a.bytes, 0) ELSE 0 END) AS export_bytes,
    -- Outbound: anywhere but internal mail and company APIs (usb, external mail, uploads, printers).
    sum(CASE WHEN a.action IN ('export', 'download', 'print', 'copy', 'send', 'upload')
      AND coalesce(a.destination, '') NOT IN ('email_internal', 'api')
      THEN a.record_count ELSE 0 END) AS outbound_records,
    max_by(a.destination, CASE WHEN a.destination IS NULL THEN 0 ELSE a.record_count END) AS largest_destination,
    count(*) AS event_count,
    min(a.event_time) AS first_seen,
    max(a.event_time) AS last_seen
  FROM audit_events a
  JOIN leavers l ON l.employee_id = a.actor_id
  WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
    AND a.actor_type = 'human'
    AND a.outcome = 'success'
  GROUP BY a.actor_id
),
history_days AS (
  SELECT actor_id, dt,
    sum(distinct_resources) AS distinct_records,
    sum(export_records) AS export_records,
    sum(export_bytes) AS export_bytes
  FROM employee_daily
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND actor_id IN (SELECT actor_id FROM current_day)
  GROUP BY actor_id, dt
),
baseline AS (
  SELECT actor_id, count(*) AS active_days,
    approx_percentile(distinct_records, 0.5) AS median_distinct,
    approx_percentile(export_records, 0.5) AS median_export_records,
    approx_percentile(export_bytes, 0.5) AS median_export_bytes
  FROM history_days
  GROUP BY actor_id
),
compared AS (
  SELECT
    c.*,
    l.department,
    l.employment_status,
    l.termination_date,
    coalesce(b.active_days, 0) AS history_days,
    coalesce(b.median_distinct, 0) AS median_distinct,
    coalesce(b.median_export_records, 0) AS median_export_records,
    coalesce(b.median_export_bytes, 0) AS median_export_bytes
  FROM current_day c
  JOIN leavers l ON l.employee_id = c.actor_id
  LEFT JOIN baseline b ON b.actor_id = c.actor_id
),
scored AS (
  SELECT
    *,
    distinct_records >= :min_distinct_records
      AND distinct_records >= :min_ratio * greatest(median_distinct, 1) AS access_high,
    export_records >= :min_export_records
      AND export_records >= :min_ratio * greatest(median_export_records, 1) AS export_records_high,
    export_bytes >= :min_export_bytes
      AND export_bytes >= :min_ratio * greatest(median_export_bytes, 1) AS export_bytes_high
  FROM compared
)
SELECT
  actor_id,
  CASE WHEN employment_status IN ('notice', 'terminated') THEN employment_status ELSE 'leaving' END
    || CASE WHEN termination_date IS NULL THEN '' ELSE ' (termination date ' || CAST(termination_date AS varchar) || ')' END
    || ': '
    || CASE WHEN export_records_high OR export_bytes_high
      THEN 'exported ' || CAST(export_records AS varchar) || ' records (' || CAST(round(export_bytes / 1E6, 1) AS varchar)
        || ' MB), ' || CAST(outbound_records AS varchar) || ' of them outbound, against a median of '
        || CAST(CAST(median_export_records AS bigint) AS varchar) || ' records a day'
      ELSE '' END
    || CASE WHEN (export_records_high OR export_bytes_high) AND access_high THEN '; ' ELSE '' END
    || CASE WHEN access_high
      THEN 'accessed ' || CAST(distinct_records AS varchar) || ' distinct records, '
        || CAST(round(CAST(distinct_records AS double) / greatest(median_distinct, 1), 1) AS varchar)
        || 'x their median of ' || CAST(CAST(median_distinct AS bigint) AS varchar)
      ELSE '' END AS summary,
  CASE WHEN outbound_records >= :min_export_records THEN 'critical' ELSE 'high' END AS severity,
  -- Volume on a log scale, comparable across employees whatever their baseline.
  round(ln(distinct_records + export_records + 1), 2) AS score,
  first_seen,
  last_seen,
  event_count,
  employment_status,
  CAST(termination_date AS varchar) AS termination_date,
  department,
  distinct_records,
  median_distinct,
  export_records,
  export_bytes,
  outbound_records,
  median_export_records,
  largest_destination,
  history_days
FROM scored
WHERE access_high OR export_records_high OR export_bytes_high
ORDER BY actor_id
