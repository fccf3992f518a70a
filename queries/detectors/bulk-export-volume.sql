/*
id: bulk-export-volume
title: Export volume far above the employee's own baseline
description: >
  Records and bytes an employee exported in the last 24 hours, compared with what they export on
  a day they export (median and median absolute deviation over those days of the previous six
  weeks, from the daily rollup): someone who prints a report once a week is judged by their
  report days, and someone who never exports has no baseline, so only the floors apply. Two volumes are judged: everything exported (any
  destination), and what went outbound, to anywhere but internal mail and company APIs (usb,
  external mail, web uploads, printers, unknown destinations), which has lower floors because
  that data has left the company's control. A total the employee already reached on some day of
  the lookback (within peak_ratio) is a known pattern such as a monthly close, not a finding;
  outbound volume gets no such allowance. Above the absolute limits it is a finding whatever the
  baseline. Runs every hour over a sliding day, so a copy to USB is seen within the hour. Service
  accounts move data in bulk by design and are left out unless include_service_accounts is set.
severity: high
schedule: rate(1 hour)
window: 1d
lookback: 42d
rollups: [employee-daily]
params:
  min_records: 5000
  min_bytes: 1000000000
  min_outbound_records: 1000
  min_outbound_bytes: 100000000
  min_ratio: 10
  mad_multiplier: 6
  peak_ratio: 3
  absolute_records: 1000000
  absolute_bytes: 20000000000
  absolute_outbound_records: 50000
  include_service_accounts: false
dedup: 1d
runbook: >
  Means: in the last 24 hours the employee moved out much more data than on a normal day for
  them (outbound: to usb, external mail, uploads or printers; or in total, beyond anything they
  exported in the last six weeks), or more than an absolute limit. Critical when the volume went
  outbound or passed a limit. Evidence: records, outbound_records, usb_records,
  largest_destination, baseline and peak. Investigate: SELECT event_time, action, resource_type,
  resource_id, source_system, destination, record_count, bytes, device_id, source_ip FROM
  audit_events WHERE actor_id = '<actor>' AND dt BETWEEN '<day-1>' AND '<day>' AND action IN
  ('export', 'download', 'print', 'copy', 'send', 'upload') ORDER BY event_time; check whether the
  destination is a company system, whether a ticket or project explains the volume, and whether
  the person is leaving (see departing-employee). Known false positives: a first period-end
  close or audit extract (the next one is within the peak allowance if it falls in the lookback),
  a data migration handed to one person, an integration run under a personal account instead of
  a service account. Suppress: move scheduled jobs to a service account, raise min_records /
  min_outbound_records / min_ratio with --param, or add a suppression entry with an expiry for
  the project.
tags: [T1048, T1052, T1567, T1020, exfiltration]
owner: detection-engineering
status: stable
*/
WITH current_exports AS (
  SELECT
    actor_id,
    arbitrary(actor_type) AS actor_type,
    sum(record_count) AS records,
    sum(coalesce(bytes, 0)) AS bytes,
    -- Outbound: anywhere but internal mail and company APIs, as in the rollup.
    sum(CASE WHEN coalesce(destination, '') NOT IN ('email_internal', 'api') THEN record_count ELSE 0 END) AS outbound_records,
    sum(CASE WHEN coalesce(destination, '') NOT IN ('email_internal', 'api') THEN coalesce(bytes, 0) ELSE 0 END) AS outbound_bytes,
    sum(CASE WHEN destination = 'usb' THEN record_count ELSE 0 END) AS usb_records,
    count(DISTINCT destination) AS destinations,
    max_by(destination, record_count) AS largest_destination,
    count(*) AS event_count,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen
  FROM audit_events
  WHERE dt BETWEEN :window_start_dt AND :window_end_dt
    AND event_time >= :window_start
    AND event_time < :window_end
    AND outcome = 'success'
    AND action IN ('export', 'download', 'print', 'copy', 'send', 'upload')
    AND (:include_service_accounts OR actor_type = 'human')
  GROUP BY actor_id
),
-- The days of the lookback the employee exported on (outbound separately): what a day with
-- exports usually looks like for them. Someone who prints a report once a week is judged by
-- their report days, not by a median of zero; someone who never exports has no such days.
history_days AS (
  SELECT actor_id, dt,
    sum(export_records) AS records,
    sum(export_bytes) AS bytes,
    sum(coalesce(outbound_export_records, 0)) AS outbound_records,
    sum(coalesce(outbound_export_bytes, 0)) AS outbound_bytes
  FROM employee_daily
  WHERE dt >= :baseline_start_dt
    AND dt < :window_start_dt
    AND actor_id IN (SELECT actor_id FROM current_exports)
  GROUP BY actor_id, dt
),
own_median AS (
  SELECT actor_id,
    count(*) AS active_days,
    count_if(records > 0) AS export_days,
    count_if(outbound_records > 0) AS outbound_days,
    approx_percentile(CASE WHEN records > 0 THEN records END, 0.5) AS median_records,
    approx_percentile(CASE WHEN records > 0 THEN bytes END, 0.5) AS median_bytes,
    approx_percentile(CASE WHEN outbound_records > 0 THEN outbound_records END, 0.5) AS median_outbound_records,
    approx_percentile(CASE WHEN outbound_records > 0 THEN outbound_bytes END, 0.5) AS median_outbound_bytes,
    max(records) AS peak_records,
    max(bytes) AS peak_bytes
  FROM history_days
  GROUP BY actor_id
),
own_baseline AS (
  SELECT m.*,
    approx_percentile(CASE WHEN h.records > 0 THEN abs(h.records - m.median_records) END, 0.5) AS mad_records,
    approx_percentile(CASE WHEN h.records > 0 THEN abs(h.bytes - m.median_bytes) END, 0.5) AS mad_bytes,
    approx_percentile(CASE WHEN h.outbound_records > 0 THEN abs(h.outbound_records - m.median_outbound_records) END, 0.5) AS mad_outbound_records,
    approx_percentile(CASE WHEN h.outbound_records > 0 THEN abs(h.outbound_bytes - m.median_outbound_bytes) END, 0.5) AS mad_outbound_bytes
  FROM history_days h
  JOIN own_median m ON m.actor_id = h.actor_id
  GROUP BY m.actor_id, m.active_days, m.export_days, m.outbound_days, m.median_records, m.median_bytes,
    m.median_outbound_records, m.median_outbound_bytes, m.peak_records, m.peak_bytes
),
compared AS (
  SELECT
    c.*,
    coalesce(b.active_days, 0) AS history_days,
    coalesce(b.export_days, 0) AS export_days,
    coalesce(b.outbound_days, 0) AS outbound_days,
    coalesce(b.median_records, 0) AS baseline_records,
    coalesce(b.mad_records, 0) AS mad_records,
    coalesce(b.median_bytes, 0) AS baseline_bytes,
    coalesce(b.mad_bytes, 0) AS mad_bytes,
    coalesce(b.median_outbound_records, 0) AS baseline_outbound_records,
    coalesce(b.mad_outbound_records, 0) AS mad_outbound_records,
    coalesce(b.median_outbound_bytes, 0) AS baseline_outbound_bytes,
    coalesce(b.mad_outbound_bytes, 0) AS mad_outbound_bytes,
    coalesce(b.peak_records, 0) AS peak_records,
    coalesce(b.peak_bytes, 0) AS peak_bytes
  FROM current_exports c
  LEFT JOIN own_baseline b ON b.actor_id = c.actor_id
),
scored AS (
  SELECT
    *,
    (records >= :min_records
      AND records >= :min_ratio * greatest(baseline_records, 1)
      AND records > baseline_records + :mad_multiplier * 1.4826E0 * greatest(mad_records, 1)
      AND records > :peak_ratio * peak_records)
    OR (bytes >= :min_bytes
      AND bytes >= :min_ratio * greatest(baseline_bytes, 1)
      AND bytes > baseline_bytes + :mad_multiplier * 1.4826E0 * greatest(mad_bytes, 1)
      AND bytes > :peak_ratio * peak_bytes) AS total_outlier,
    (outbound_records >= :min_outbound_records
      AND outbound_records >= :min_ratio * greatest(baseline_outbound_records, 1)
      AND outbound_records > baseline_outbound_records + :mad_multiplier * 1.4826E0 * greatest(mad_outbound_records, 1))
    OR (outbound_bytes >= :min_outbound_bytes
      AND outbound_bytes >= :min_ratio * greatest(baseline_outbound_bytes, 1)
      AND outbound_bytes > baseline_outbound_bytes + :mad_multiplier * 1.4826E0 * greatest(mad_outbound_bytes, 1)) AS outbound_outlier,
    records >= :absolute_records OR bytes >= :absolute_bytes OR outbound_records >= :absolute_outbound_records AS over_limit
  FROM compared
)
SELECT
  actor_id,
  'exported ' || CAST(records AS varchar) || ' records (' || CAST(round(bytes / 1E6, 1) AS varchar) || ' MB) in '
    || CAST(event_count AS varchar) || ' actions in 24 hours, ' || CAST(outbound_records AS varchar)
    || ' of them outbound, mostly to ' || coalesce(largest_destination, 'no destination')
    || CASE
      WHEN outbound_outlier
        THEN '; ' || CASE WHEN outbound_days = 0 THEN 'nothing outbound'
            ELSE 'typically ' || CAST(CAST(baseline_outbound_records AS bigint) AS varchar) || ' records outbound on '
              || CAST(outbound_days AS varchar) || ' days' END
          || ' in ' || CAST(history_days AS varchar) || ' active days'
      WHEN total_outlier
        THEN '; ' || CASE WHEN export_days = 0 THEN 'no exports'
            ELSE 'typically ' || CAST(CAST(baseline_records AS bigint) AS varchar) || ' records on '
              || CAST(export_days AS varchar) || ' export days, at most ' || CAST(CAST(peak_records AS bigint) AS varchar) END
          || ' in ' || CAST(history_days AS varchar) || ' active days'
      ELSE '; above the absolute limits (' || CAST(:absolute_records AS varchar) || ' records, '
        || CAST(round(:absolute_bytes / 1E9, 1) AS varchar) || ' GB, ' || CAST(:absolute_outbound_records AS varchar) || ' records outbound)'
    END AS summary,
  CASE WHEN over_limit OR outbound_outlier THEN 'critical' ELSE 'high' END AS severity,
  -- Volume on a log scale, comparable across employees whatever their baseline.
  round(ln(records + 1), 2) AS score,
  first_seen,
  last_seen,
  event_count,
  records,
  bytes,
  outbound_records,
  outbound_bytes,
  usb_records,
  destinations,
  largest_destination,
  actor_type,
  history_days,
  export_days,
  outbound_days,
  baseline_records,
  mad_records,
  baseline_outbound_records,
  peak_records,
  outbound_outlier,
  over_limit
FROM scored
WHERE total_outlier OR outbound_outlier OR over_limit
ORDER BY actor_id
