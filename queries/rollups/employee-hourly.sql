/*
id: employee-hourly
table: employee_hourly
description: >
  One row per actor and local hour of the week per UTC day, in the employee's time zone from the
  directory (UTC for actors not in it): events, logins and exports. Summed over the lookback it
  is the hour-of-week profile that tells a night-shift worker working nights from a day worker
  exporting at 03:00.
*/
WITH placed AS (
  SELECT
    a.actor_id,
    a.action,
    a.outcome,
    a.record_count,
    at_timezone(a.event_time, coalesce(e.timezone, 'UTC')) AS local_time
  FROM audit_events a
  LEFT JOIN employees e ON e.employee_id = a.actor_id
  WHERE a.dt = :window_start_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
)
SELECT
  actor_id,
  day_of_week(local_time) AS local_day,
  hour(local_time) AS local_hour,
  count(*) AS events,
  count_if(action = 'login' AND outcome = 'success') AS logins,
  count_if(outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')) AS export_events,
  sum(CASE WHEN outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload') THEN record_count ELSE 0 END) AS export_records
FROM placed
GROUP BY actor_id, day_of_week(local_time), hour(local_time)
