/*
id: off-hours-export
title: Data exported outside the employee's working hours
description: >
  Exports, downloads, prints, copies, sends and uploads made at a time the employee does not
  work, in their local time zone (daylight saving included). Two sources say when someone works:
  the directory (work hours and days; a shift that crosses midnight counts from the day it starts,
  so a night-shift agent exporting at 02:00 is working) and what the employee actually did: the
  hour-of-week profile of their activity over the last 28 days. An export in a local hour of the
  week in which the employee was active on at least min_profile_days days is not flagged even if
  the directory says off-hours (on-call rotations, night workers whose directory entry is stale);
  with no directory hours, an export in an hour of the week they have not worked is flagged once
  they have min_history_days of history. With no history the directory alone decides. Weighted by
  volume and destination: exports leaving the company (usb, external mail, web uploads, printers,
  unknown destinations) are findings from min_records records in the hour; exports that stay
  inside (internal mail, downloads through a company API to a managed laptop) only from
  min_internal_records, so an on-call engineer pulling a table slice to debug or a traveller
  downloading an account plan is not an alert. Service accounts run on schedules, not working
  hours, and are left out.
severity: high
schedule: rate(1 hour)
window: 1h
lookback: 28d
rollups: [employee-hourly]
params:
  min_records: 100
  min_internal_records: 5000
  grace_minutes: 60
  critical_records: 10000
  min_profile_days: 2
  min_history_days: 14
dedup: 1d
runbook: >
  Means: the employee moved data out at a time they do not work: outside their directory hours
  and not in an hour of the week they have worked in the last 28 days (evidence: decided_by,
  profile_days, history_days). Investigate: SELECT event_time, action, resource_type,
  source_system, destination, record_count, bytes, device_id, source_ip FROM audit_events WHERE
  actor_id = '<actor>' AND dt BETWEEN '<day-1>' AND '<day+1>' ORDER BY event_time; check where the
  data went (usb, external email, upload domain), whether the device and IP are the employee's
  usual ones, what they did just before (a VPN login minutes earlier is typical of a planned
  session), and whether on-call or a change ticket covers it. Known false positives: travel
  across time zones with a stale directory entry (every hour is shifted until the profile
  learns it, which takes min_profile_days weeks) when the traveller sends data outbound, a first
  on-call night that ends in an outbound or very large export, directory hours that are out of
  date for someone with little history. A weekly repeated export at the same hour is
  learned after min_profile_days weeks and stops firing: that is by design for rotations, so
  review the first findings. Suppress: fix the directory (timezone, work hours, work days), raise
  min_records / min_internal_records / grace_minutes or lower min_profile_days with --param, or
  add a suppression entry with an expiry for a trip.
tags: [T1048, T1052, T1567, exfiltration]
owner: detection-engineering
status: stable
*/
WITH exports AS (
  SELECT
    a.actor_id,
    a.event_time,
    a.record_count,
    a.bytes,
    a.destination,
    -- Internal mail and company APIs keep the data inside; everything else (unknown too) leaves.
    coalesce(a.destination, '') IN ('email_internal', 'api') AS internal,
    e.employee_id IS NOT NULL AND e.timezone IS NOT NULL AND e.work_start_hour IS NOT NULL
      AND e.work_end_hour IS NOT NULL AND e.work_days IS NOT NULL AS directory_known,
    -- The profile is in the directory zone, or UTC for actors not in the directory (as the rollup).
    coalesce(e.timezone, 'UTC') AS timezone,
    e.work_start_hour,
    e.work_end_hour,
    e.work_days,
    at_timezone(a.event_time, coalesce(e.timezone, 'UTC')) AS local_time
  FROM audit_events a
  LEFT JOIN employees e ON e.employee_id = a.actor_id
  WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
    AND a.actor_type = 'human'
    AND a.outcome = 'success'
    AND a.action IN ('export', 'download', 'print', 'copy', 'send', 'upload')
),
placed AS (
  SELECT
    *,
    hour(local_time) * 60 + minute(local_time) AS local_minute,
    work_end_hour < work_start_hour AS wraps_midnight
  FROM exports
),
shifted AS (
  SELECT
    *,
    -- A time before the end of a shift that wrapped past midnight belongs to the previous day's shift.
    CASE
      WHEN wraps_midnight AND local_minute < work_end_hour * 60 + :grace_minutes
        THEN day_of_week(date_add('day', -1, local_time))
      ELSE day_of_week(local_time)
    END AS shift_day,
    CASE
      WHEN wraps_midnight
        THEN local_minute >= work_start_hour * 60 OR local_minute < work_end_hour * 60 + :grace_minutes
      ELSE local_minute >= work_start_hour * 60 AND local_minute < work_end_hour * 60 + :grace_minutes
    END AS within_hours
  FROM placed
),
-- What the employee actually did: on how many days of the lookback they were active in each
-- local hour of the week. The window's own day is not in it, so a session cannot excuse itself.
activity AS (
  SELECT actor_id, local_day, local_hour, dt
  FROM employee_hourly
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND events > 0
    AND actor_id IN (SELECT actor_id FROM exports)
),
profile AS (
  SELECT actor_id, local_day, local_hour, count(DISTINCT dt) AS profile_days
  FROM activity
  GROUP BY actor_id, local_day, local_hour
),
history AS (
  SELECT actor_id, count(DISTINCT dt) AS history_days
  FROM activity
  GROUP BY actor_id
),
judged AS (
  SELECT
    s.*,
    coalesce(p.profile_days, 0) AS profile_days,
    coalesce(h.history_days, 0) AS history_days,
    CASE
      WHEN coalesce(p.profile_days, 0) >= :min_profile_days THEN 'profile'
      WHEN s.directory_known THEN 'directory'
      WHEN coalesce(h.history_days, 0) >= :min_history_days THEN 'profile'
      ELSE 'nothing'
    END AS decided_by,
    CASE
      WHEN coalesce(p.profile_days, 0) >= :min_profile_days THEN false
      WHEN s.directory_known THEN NOT (s.within_hours AND contains(split(s.work_days, ','), CAST(s.shift_day AS varchar)))
      -- No directory hours: an hour of the week they have (almost) never worked is off-hours.
      WHEN coalesce(h.history_days, 0) >= :min_history_days THEN true
      ELSE false
    END AS off_hours
  FROM shifted s
  LEFT JOIN profile p
    ON p.actor_id = s.actor_id
    AND p.local_day = day_of_week(s.local_time)
    AND p.local_hour = hour(s.local_time)
  LEFT JOIN history h ON h.actor_id = s.actor_id
),
off_hours AS (
  SELECT * FROM judged WHERE off_hours
)
SELECT
  actor_id,
  'exported ' || CAST(sum(record_count) AS varchar) || ' records in ' || CAST(count(*) AS varchar)
    || ' actions at ' || lpad(CAST(hour(min(local_time)) AS varchar), 2, '0') || ':'
    || lpad(CAST(minute(min(local_time)) AS varchar), 2, '0') || ' local time (' || arbitrary(timezone) || '), '
    || CASE
      WHEN bool_and(directory_known)
        THEN 'outside working hours ' || CAST(arbitrary(work_start_hour) AS varchar) || '-'
          || CAST(arbitrary(work_end_hour) AS varchar) || ' on days ' || arbitrary(work_days)
      ELSE 'with no working hours in the directory'
    END
    || CASE
      WHEN max(history_days) >= :min_history_days
        THEN ', in an hour of the week they were active on ' || CAST(max(profile_days) AS varchar)
          || ' of their ' || CAST(max(history_days) AS varchar) || ' active days since '
          || CAST(date(:baseline_start) AS varchar)
      ELSE ''
    END AS summary,
  CASE WHEN sum(record_count) >= :critical_records THEN 'critical' ELSE 'high' END AS severity,
  round(ln(sum(record_count) + 1), 2) AS score,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  count(*) AS event_count,
  sum(record_count) AS records,
  sum(bytes) AS bytes,
  sum(CASE WHEN internal THEN 0 ELSE record_count END) AS outbound_records,
  count(DISTINCT destination) AS destinations,
  max_by(destination, record_count) AS largest_destination,
  arbitrary(timezone) AS timezone,
  max_by(decided_by, record_count) AS decided_by,
  max(profile_days) AS profile_days,
  max(history_days) AS history_days
FROM off_hours
GROUP BY actor_id
HAVING sum(CASE WHEN internal THEN 0 ELSE record_count END) >= :min_records
  OR sum(record_count) >= greatest(:min_internal_records, :min_records)
ORDER BY actor_id
