/*
id: new-after-hours-login
title: Login at an hour the employee has never logged in at, outside their working hours
description: >
  A successful login at a local hour (the employee's time zone, daylight saving included) at
  which they did not log in on any day of the previous 28 days (the login profile from the hourly
  rollup), and outside their directory hours (early_minutes before the start and grace_minutes
  after the end count as in hours; a shift that crosses midnight counts from the day it starts).
  A planned off-hours session, the kind that precedes an export at 03:00 or a USB copy in the
  evening, usually starts with a login like this. A session that works under a ticket, case or
  incident id in the same hour (any successful access with a justification_id) is accountable
  work, such as an on-call page, and is not flagged while excuse_ticketed_sessions is on. Needs
  min_history_days active days of history: with less, every hour is new and the detector stays
  silent (cold start).
severity: medium
schedule: rate(1 hour)
window: 1h
lookback: 28d
rollups: [employee-hourly]
params:
  min_history_days: 14
  early_minutes: 60
  grace_minutes: 60
  excuse_ticketed_sessions: true
dedup: 1d
runbook: >
  Means: the employee logged in at an hour of the day they have not logged in at in the last
  28 days, outside their directory hours; high when the account is privileged. On its own it is
  weak: read it with what followed. Investigate: SELECT event_time, action, outcome,
  resource_type, resource_id, source_system, destination, record_count, source_ip, device_id FROM
  audit_events WHERE actor_id = '<actor>' AND dt BETWEEN '<day-1>' AND '<day+1>' AND event_time
  >= TIMESTAMP '<login time>' ORDER BY event_time LIMIT 200; look for exports, USB devices or
  access to systems they do not usually use after the login, and for a source IP or device that
  is not theirs. Known false positives: a first on-call night that does not start with ticketed
  work, travel (every hour shifts until the profile learns the new zone), a one-off late
  deployment or deadline. Cold start: employees with fewer than min_history_days active days are
  never flagged. Suppress: fix the directory hours or time zone, add a suppression entry with an
  expiry for a trip or an on-call week, or raise min_history_days with --param.
tags: [T1078, initial-access, defense-evasion]
owner: detection-engineering
status: experimental
*/
WITH logins AS (
  SELECT
    a.actor_id,
    a.event_time,
    a.source_system,
    a.source_ip,
    e.timezone,
    e.work_start_hour,
    e.work_end_hour,
    e.work_days,
    e.is_privileged,
    at_timezone(a.event_time, coalesce(e.timezone, 'UTC')) AS local_time
  FROM audit_events a
  JOIN employees e ON e.employee_id = a.actor_id
  WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
    AND a.actor_type = 'human'
    AND a.action = 'login'
    AND a.outcome = 'success'
),
placed AS (
  SELECT
    *,
    hour(local_time) * 60 + minute(local_time) AS local_minute,
    work_end_hour < work_start_hour AS wraps_midnight
  FROM logins
),
shifted AS (
  SELECT
    *,
    CASE
      WHEN wraps_midnight AND local_minute < work_end_hour * 60 + :grace_minutes
        THEN day_of_week(date_add('day', -1, local_time))
      ELSE day_of_week(local_time)
    END AS shift_day,
    CASE
      WHEN wraps_midnight
        THEN local_minute >= work_start_hour * 60 - :early_minutes OR local_minute < work_end_hour * 60 + :grace_minutes
      ELSE local_minute >= work_start_hour * 60 - :early_minutes AND local_minute < work_end_hour * 60 + :grace_minutes
    END AS within_hours
  FROM placed
),
-- Only logins outside directory hours (or with no directory hours) need the profile.
candidates AS (
  SELECT *
  FROM shifted
  WHERE NOT coalesce(within_hours AND contains(split(work_days, ','), CAST(shift_day AS varchar)), false)
),
activity AS (
  SELECT actor_id, local_hour, logins, dt
  FROM employee_hourly
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND events > 0
    AND actor_id IN (SELECT actor_id FROM candidates)
),
-- Local hours of the day (any day of the week) at which the employee logged in.
login_hours AS (
  SELECT actor_id, local_hour, count(DISTINCT dt) AS login_days
  FROM activity
  WHERE logins > 0
  GROUP BY actor_id, local_hour
),
history AS (
  SELECT actor_id, count(DISTINCT dt) AS history_days, count(DISTINCT CASE WHEN logins > 0 THEN local_hour END) AS usual_login_hours
  FROM activity
  GROUP BY actor_id
),
-- Work under a ticket, case or incident id in the same hour: an on-call page, not a private session.
ticketed AS (
  SELECT actor_id
  FROM audit_events
  WHERE dt BETWEEN :window_start_dt AND :window_end_dt
    AND event_time >= :window_start
    AND event_time < :window_end
    AND outcome = 'success'
    AND justification_id IS NOT NULL
    AND actor_id IN (SELECT actor_id FROM candidates)
  GROUP BY actor_id
),
new_logins AS (
  SELECT s.*, h.history_days, h.usual_login_hours
  FROM candidates s
  JOIN history h ON h.actor_id = s.actor_id
  LEFT JOIN login_hours l ON l.actor_id = s.actor_id AND l.local_hour = hour(s.local_time)
  LEFT JOIN ticketed t ON t.actor_id = s.actor_id
  WHERE l.actor_id IS NULL
    AND h.history_days >= :min_history_days
    AND NOT (:excuse_ticketed_sessions AND t.actor_id IS NOT NULL)
)
SELECT
  actor_id,
  'logged in at ' || lpad(CAST(hour(min(local_time)) AS varchar), 2, '0') || ':'
    || lpad(CAST(minute(min(local_time)) AS varchar), 2, '0') || ' local time (' || coalesce(arbitrary(timezone), 'UTC')
    || ') on ' || min_by(source_system, event_time) || ' from ' || coalesce(min_by(source_ip, event_time), 'an unknown address')
    || ', an hour they have not logged in at in ' || CAST(arbitrary(history_days) AS varchar)
    || ' active days, outside working hours '
    || coalesce(CAST(arbitrary(work_start_hour) AS varchar) || '-' || CAST(arbitrary(work_end_hour) AS varchar)
      || ' on days ' || arbitrary(work_days), '(none in the directory)') AS summary,
  CASE WHEN bool_or(is_privileged) THEN 'high' ELSE 'medium' END AS severity,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  count(*) AS event_count,
  min_by(source_ip, event_time) AS source_ip,
  count(DISTINCT source_system) AS source_systems,
  arbitrary(history_days) AS history_days,
  arbitrary(usual_login_hours) AS usual_login_hours,
  coalesce(arbitrary(timezone), 'UTC') AS timezone,
  bool_or(is_privileged) AS is_privileged
FROM new_logins
GROUP BY actor_id
ORDER BY actor_id
