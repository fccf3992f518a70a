/*
id: employee-daily
table: employee_daily
description: >
  One row per actor, resource type and source system per UTC day: record access (read, search,
  list, export, download) with distinct resources and records, accesses without a
  justification, exports with records and bytes (in all, and outbound: to anywhere but internal
  mail and company APIs, so usb, external mail, web uploads, printers and unknown destinations),
  failures and logins. Baseline detectors read
  their history here instead of rescanning weeks of raw events. A resource read through two
  source systems counts once per system.
*/
SELECT
  actor_id,
  actor_type,
  resource_type,
  source_system,
  count(*) AS events,
  count_if(outcome = 'success' AND action IN ('read', 'search', 'list', 'export', 'download')) AS access_events,
  sum(CASE WHEN outcome = 'success' AND action IN ('read', 'search', 'list', 'export', 'download') THEN record_count ELSE 0 END) AS access_records,
  count(DISTINCT CASE WHEN outcome = 'success' AND action IN ('read', 'search', 'list', 'export', 'download') THEN resource_id END) AS distinct_resources,
  count_if(outcome = 'success' AND action IN ('read', 'search', 'list', 'export', 'download') AND justification_id IS NULL) AS unjustified_access_events,
  count_if(outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')) AS export_events,
  sum(CASE WHEN outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload') THEN record_count ELSE 0 END) AS export_records,
  sum(CASE WHEN outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload') THEN coalesce(bytes, 0) ELSE 0 END) AS export_bytes,
  count_if(outcome IN ('failure', 'denied')) AS failed_events,
  count_if(action = 'login' AND outcome = 'success') AS logins,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  sum(CASE WHEN outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')
    AND coalesce(destination, '') NOT IN ('email_internal', 'api') THEN record_count ELSE 0 END) AS outbound_export_records,
  sum(CASE WHEN outcome = 'success' AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')
    AND coalesce(destination, '') NOT IN ('email_internal', 'api') THEN coalesce(bytes, 0) ELSE 0 END) AS outbound_export_bytes
FROM audit_events
WHERE dt = :window_start_dt
  AND event_time >= :window_start
  AND event_time < :window_end
GROUP BY actor_id, actor_type, resource_type, source_system
