/*
id: activity-after-termination
title: Activity by an identity that should no longer exist
description: >
  Anything a terminated employee's identity does after their termination_date (in their local
  time zone), or at any time when the directory says terminated without a date. Successful
  activity is critical: the account was not disabled, or someone else is using it. Failed or
  denied attempts only (failed logins count) are medium: the account is disabled but someone is
  still trying it. The termination_date decides when there is one, so backfilling a window before
  the person left does not flag their normal work because today's directory says terminated.
severity: critical
schedule: rate(1 hour)
window: 1h
dedup: 1d
runbook: >
  Means: the identity of someone who has left was used, successfully (critical) or in attempts
  (medium). Investigate: SELECT event_time, action, outcome, resource_type, resource_id,
  source_system, record_count, destination, source_ip, device_id FROM audit_events WHERE actor_id
  = '<actor>' AND dt BETWEEN '<termination_date>' AND '<day>' ORDER BY event_time; disable the
  account and revoke its sessions, API keys and tokens at once if anything succeeded; check the
  source IPs and devices against the person's old ones (a colleague reusing shared credentials
  looks different from the leaver logging in from home), and what was read or exported. Known
  false positives: a termination_date entered too early, a rehire or contractor conversion not
  yet in the directory, delayed log delivery of events from before the last day, automated
  mailbox rules or scheduled jobs left under the person's account. Suppress: correct the
  directory; move scheduled jobs to a service account; a suppression entry only for a confirmed
  rehire, with an expiry.
tags: [T1078, T1078.004, initial-access, persistence]
owner: detection-engineering
status: stable
*/
WITH events AS (
  SELECT
    a.actor_id,
    a.event_time,
    a.action,
    a.outcome,
    a.source_system,
    a.source_ip,
    a.record_count,
    e.employment_status,
    e.termination_date,
    date(at_timezone(a.event_time, coalesce(e.timezone, 'UTC'))) AS local_day
  FROM audit_events a
  JOIN employees e ON e.employee_id = a.actor_id
  WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt
    AND a.event_time >= :window_start
    AND a.event_time < :window_end
    AND (e.employment_status = 'terminated' OR e.termination_date IS NOT NULL)
),
after_termination AS (
  SELECT
    *,
    outcome = 'success' AND action <> 'login_failed' AS succeeded
  FROM events
  -- The last day is still a working day; a terminated status without a date covers everything.
  WHERE (termination_date IS NOT NULL AND local_day > termination_date)
    OR (termination_date IS NULL AND employment_status = 'terminated')
)
SELECT
  actor_id,
  CASE
    WHEN count_if(succeeded) > 0
      THEN CAST(count_if(succeeded) AS varchar) || ' successful actions'
        || CASE WHEN count_if(NOT succeeded) > 0 THEN ' and ' || CAST(count_if(NOT succeeded) AS varchar) || ' failed attempts' ELSE '' END
    ELSE CAST(count(*) AS varchar) || ' failed or denied attempts (' || CAST(count_if(action IN ('login', 'login_failed')) AS varchar) || ' logins)'
  END
    || ' by an identity ' || CASE
      WHEN arbitrary(termination_date) IS NULL THEN 'marked terminated in the directory'
      ELSE 'terminated on ' || CAST(arbitrary(termination_date) AS varchar) || ' (' || arbitrary(employment_status) || ')'
    END
    || ', first ' || min_by(action, event_time) || ' on ' || min_by(source_system, event_time)
    || ' from ' || coalesce(min_by(source_ip, event_time), 'an unknown address') AS summary,
  CASE WHEN count_if(succeeded) > 0 THEN 'critical' ELSE 'medium' END AS severity,
  count_if(succeeded) AS score,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  count(*) AS event_count,
  count_if(succeeded) AS successful_events,
  count_if(NOT succeeded) AS failed_events,
  count_if(action IN ('login', 'login_failed')) AS login_attempts,
  sum(CASE WHEN succeeded AND action IN ('read', 'search', 'list', 'export', 'download', 'print', 'copy', 'send', 'upload')
    THEN record_count ELSE 0 END) AS records,
  count(DISTINCT source_ip) AS source_ips,
  count(DISTINCT source_system) AS source_systems,
  arbitrary(employment_status) AS employment_status,
  CAST(arbitrary(termination_date) AS varchar) AS termination_date
FROM after_termination
GROUP BY actor_id
ORDER BY actor_id
