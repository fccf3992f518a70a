/*
id: first-time-sensitive-access
title: First access to a sensitive system in the lookback
description: >
  An employee used a sensitive resource type in a source system (sensitive_systems, written
  resource_type:source_system) in the day without having used it once in the previous 28 days
  (from the daily rollup). Insiders who sell data often reach for a system their job does not
  need: a salesperson opening the support database, an engineer reading HR files. Cold start:
  employees with fewer than min_history_days active days in the lookback are not flagged, since
  everything is new to a new hire. A first use is high severity when nobody else in the
  employee's department used that system in the lookback either, medium when colleagues do (a
  likely new task).
severity: medium
schedule: rate(1 day)
window: 1d
lookback: 28d
rollups: [employee-daily]
params:
  sensitive_systems:
    - customer_record:support-db
    - customer_record:crm
    - table:data-warehouse
    - table:erp
    - employee_record:hris
    - file:hr-share
  min_history_days: 14
  min_events: 1
dedup: 7d
runbook: >
  Means: the employee used a sensitive system for the first time in at least 28 days (evidence:
  first_system, new_systems, department_users = colleagues in their department who used it in the
  lookback; zero makes it high). Investigate: SELECT event_time, action, resource_type,
  resource_id, source_system, record_count, justification_id, outcome, source_ip FROM
  audit_events WHERE actor_id = '<actor>' AND dt = '<day>' AND source_system = '<system>' ORDER BY
  event_time; then check who granted the access and when (SELECT event_time, actor_id, details FROM
  audit_events WHERE dt BETWEEN '<day-30>' AND '<day>' AND action = 'grant' AND resource_id =
  '<actor>'), and ask the manager whether a new task or team change explains it. Known false
  positives: a change of role or team, covering for an absent colleague, returning from leave
  longer than the lookback, a new hire just past min_history_days. New hires (fewer than
  min_history_days active days) are not flagged at all: record-access-spike and
  peer-group-outlier watch them. Suppress: add a suppression entry for the person with an expiry
  while the new duty lasts, or take the system out of sensitive_systems with --param.
tags: [T1213, T1530, T1078, discovery, collection]
owner: detection-engineering
status: stable
*/
WITH current_use AS (
  SELECT
    actor_id,
    resource_type || ':' || source_system AS system,
    count(*) AS events,
    count(DISTINCT resource_id) AS distinct_resources,
    sum(record_count) AS records,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen
  FROM audit_events
  WHERE dt BETWEEN :window_start_dt AND :window_end_dt
    AND event_time >= :window_start
    AND event_time < :window_end
    AND actor_type = 'human'
    AND outcome = 'success'
    AND contains(:sensitive_systems, resource_type || ':' || source_system)
  GROUP BY actor_id, resource_type || ':' || source_system
  HAVING count(*) >= :min_events
),
-- Successful use of each system in the lookback, per actor.
past_use AS (
  SELECT actor_id, resource_type || ':' || source_system AS system
  FROM employee_daily
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND events > failed_events
    AND contains(:sensitive_systems, resource_type || ':' || source_system)
  GROUP BY actor_id, resource_type || ':' || source_system
),
history AS (
  SELECT actor_id, count(DISTINCT dt) AS history_days
  FROM employee_daily
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND actor_id IN (SELECT actor_id FROM current_use)
  GROUP BY actor_id
),
department_use AS (
  SELECT e.department, p.system, count(DISTINCT p.actor_id) AS users
  FROM past_use p
  JOIN employees e ON e.employee_id = p.actor_id
  GROUP BY e.department, p.system
),
first_uses AS (
  SELECT
    c.*,
    e.department,
    h.history_days,
    coalesce(d.users, 0) AS department_users
  FROM current_use c
  JOIN history h ON h.actor_id = c.actor_id
  LEFT JOIN employees e ON e.employee_id = c.actor_id
  LEFT JOIN past_use p ON p.actor_id = c.actor_id AND p.system = c.system
  LEFT JOIN department_use d ON d.department = e.department AND d.system = c.system
  WHERE p.actor_id IS NULL
    -- Cold start: with too little history everything is new, so say nothing.
    AND h.history_days >= :min_history_days
)
SELECT
  actor_id,
  'used ' || min_by(system, department_users) || CASE WHEN count(*) > 1 THEN ' and ' || CAST(count(*) - 1 AS varchar) || ' more sensitive system(s)' ELSE '' END
    || ' for the first time in ' || CAST(date_diff('day', :baseline_start, :window_start) AS varchar) || ' days: '
    || CAST(sum(events) AS varchar) || ' events, ' || CAST(sum(distinct_resources) AS varchar) || ' distinct resources; '
    || CASE WHEN min(department_users) = 0 THEN 'nobody in ' || coalesce(arbitrary(department), 'their department') || ' used it'
      ELSE CAST(min(department_users) AS varchar) || ' colleague(s) in ' || coalesce(arbitrary(department), 'their department') || ' used it' END
    || ' in that time' AS summary,
  CASE WHEN min(department_users) = 0 THEN 'high' ELSE 'medium' END AS severity,
  round(ln(sum(records) + 1), 2) AS score,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen,
  sum(events) AS event_count,
  min_by(system, department_users) AS first_system,
  count(*) AS new_systems,
  sum(distinct_resources) AS distinct_resources,
  sum(records) AS records,
  min(department_users) AS department_users,
  arbitrary(history_days) AS history_days,
  arbitrary(department) AS department
FROM first_uses
GROUP BY actor_id
ORDER BY actor_id
