/*
id: off-hours-export
title: Data exported outside the employee's working hours
description: >
  Exports, downloads, prints, copies, sends and uploads made outside the employee's own working
  hours and days from the directory, in their local time zone (daylight saving included).
  Shifts that cross midnight count from the day they start, so a night-shift agent exporting
  at 02:00 is working, not flagged. Weighted by volume: only exports totalling at least
  min_records records in the hour are findings.
severity: high
schedule: rate(1 hour)
window: 1h
params:
  min_records: 100
  grace_minutes: 60
  critical_records: 10000
dedup: 1d
runbook: >
  Means: the employee moved data out while they were not supposed to be working. Investigate:
  SELECT event_time, action, resource_type, source_system, destination, record_count, bytes,
  device_id, source_ip FROM audit_events WHERE actor_id = '<actor>' AND dt BETWEEN '<day-1>' AND
  '<day+1>' ORDER BY event_time; check where the data went (usb, external email, upload
  domain), whether the device and IP are the employee's usual ones, and whether on-call or a
  change ticket covers it. Known false positives: on-call work, travel across time zones with a
  stale directory entry, directory hours that are out of date. Suppress: fix the directory
  (timezone, work hours, work days), or raise min_records / grace_minutes with --param.
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
    e.timezone,
    e.work_start_hour,
    e.work_end_hour,
    e.work_days,
    at_timezone(a.event_time, e.timezone) AS local_time
  FROM audit_events a
  JOIN employees e ON e.employee_id = a.actor_id
  WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
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
off_hours AS (
  SELECT *
  FROM shifted
  WHERE NOT (within_hours AND contains(split(work_days, ','), CAST(shift_day AS varchar)))
)
SELECT
  actor_id,
  'exported ' || CAST(sum(record_count) AS varchar) || ' records in ' || CAST(count(*) AS varchar)
    || ' actions at ' || lpad(CAST(hour(min(local_time)) AS varchar), 2, '0') || ':'
    || lpad(CAST(minute(min(local_time)) AS varchar), 2, '0') || ' local time (' || arbitrary(timezone)
    || '), outside working hours ' || CAST(arbitrary(work_start_hour) AS varchar) || '-'
    || CAST(arbitrary(work_end_hour) AS varchar) || ' on days ' || arbitrary(work_days) AS summary,
  CASE WHEN sum(record_count) >= :critical_records THEN 'critical' ELSE 'high' END AS severity,
  round(ln(sum(record_count) + 1), 2) AS score,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  count(*) AS event_count,
  sum(record_count) AS records,
  sum(bytes) AS bytes,
  count(DISTINCT destination) AS destinations,
  max_by(destination, record_count) AS largest_destination,
  arbitrary(timezone) AS timezone
FROM off_hours
GROUP BY actor_id
HAVING sum(record_count) >= :min_records
ORDER BY actor_id
