/*
id: access-without-justification
title: Customer records opened without a ticket, far more often than peers
description: >
  Customer-record access (read, search, list, export, download) without a justification_id (the
  ticket or case it was for) in the day, as a share of the employee's customer-record access,
  compared with the same share for their department peers over the last 28 days (median and
  median absolute deviation across the peers' rates, from the daily rollup). This is the pattern
  of the support-database breach: an agent whose colleagues open records from tickets opening
  thousands without one. A minimum count keeps a handful of bookmark clicks from being a
  finding; comparing with the department keeps sales (who often browse accounts without a case)
  from being judged by support's ticket discipline. With fewer than min_peers peers the company
  median is used instead.
severity: high
schedule: rate(1 day)
window: 1d
lookback: 28d
rollups: [employee-daily]
params:
  resource_types: [customer_record]
  min_unjustified: 50
  min_ratio: 2
  mad_multiplier: 6
  min_rate_spread: 0.02
  min_peer_access: 20
  min_peers: 3
  critical_unjustified: 1000
dedup: 3d
runbook: >
  Means: the employee opened many customer records without a ticket, at a rate several times
  their department's (evidence: unjustified, rate, peer_rate, peer_source). Investigate: which
  records, when and from where, e.g. SELECT date_trunc('hour', event_time) AS hour, action,
  source_system, count(*) AS accesses, count(DISTINCT resource_id) AS distinct_records,
  count_if(justification_id IS NULL) AS without_ticket FROM audit_events WHERE actor_id =
  '<actor>' AND dt = '<day>' AND resource_type = 'customer_record' GROUP BY 1, 2, 3 ORDER BY 1;
  then check whether the records belong to the person's queue or accounts, and whether any of
  them were exported (bulk-export-volume). Known false positives: a ticketing outage or a client
  that stopped sending the ticket id (many people fire at once), a quality review or audit
  assigned to one person, a new tool that opens records without a case. Suppress: fix the client
  that drops justification ids, raise min_unjustified or min_ratio with --param, or add a
  suppression entry with an expiry for an assigned review.
tags: [T1213, T1530, collection]
owner: detection-engineering
status: stable
*/
WITH current_day AS (
  SELECT
    actor_id,
    count(*) AS accesses,
    count_if(justification_id IS NULL) AS unjustified,
    count(DISTINCT CASE WHEN justification_id IS NULL THEN resource_id END) AS unjustified_records,
    max_by(source_system, CASE WHEN justification_id IS NULL THEN 1 ELSE 0 END) AS source_system,
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
  HAVING count_if(justification_id IS NULL) >= :min_unjustified
),
-- Each peer's share of unjustified access over the lookback (enough access to be a rate).
peer_rates AS (
  SELECT h.actor_id, e.department,
    CAST(sum(h.unjustified_access_events) AS double) / sum(h.access_events) AS rate
  FROM employee_daily h
  JOIN employees e ON e.employee_id = h.actor_id
  WHERE h.dt >= :baseline_start_dt
    AND h.dt < :window_start_dt
    AND h.actor_type = 'human'
    AND contains(:resource_types, h.resource_type)
  GROUP BY h.actor_id, e.department
  HAVING sum(h.access_events) >= :min_peer_access
),
grouped_rates AS (
  SELECT department AS group_key, actor_id, rate FROM peer_rates
  UNION ALL
  SELECT '*' AS group_key, actor_id, rate FROM peer_rates
),
group_median AS (
  SELECT group_key, count(*) AS peers, approx_percentile(rate, 0.5) AS median_rate
  FROM grouped_rates
  GROUP BY group_key
),
group_baseline AS (
  SELECT g.group_key, m.peers, m.median_rate, approx_percentile(abs(g.rate - m.median_rate), 0.5) AS mad_rate
  FROM grouped_rates g
  JOIN group_median m ON m.group_key = g.group_key
  GROUP BY g.group_key, m.peers, m.median_rate
),
compared AS (
  SELECT
    c.*,
    e.department,
    CAST(c.unjustified AS double) / c.accesses AS rate,
    CASE WHEN coalesce(d.peers, 0) >= :min_peers THEN 'department' ELSE 'company' END AS peer_source,
    CASE WHEN coalesce(d.peers, 0) >= :min_peers THEN d.peers ELSE a.peers END AS peers,
    CASE WHEN coalesce(d.peers, 0) >= :min_peers THEN d.median_rate ELSE a.median_rate END AS peer_rate,
    CASE WHEN coalesce(d.peers, 0) >= :min_peers THEN d.mad_rate ELSE a.mad_rate END AS peer_mad
  FROM current_day c
  LEFT JOIN employees e ON e.employee_id = c.actor_id
  LEFT JOIN group_baseline d ON d.group_key = e.department
  LEFT JOIN group_baseline a ON a.group_key = '*'
)
SELECT
  actor_id,
  'opened customer records ' || CAST(unjustified AS varchar) || ' times without a ticket in the day ('
    || CAST(round(100 * rate, 1) AS varchar) || '% of ' || CAST(accesses AS varchar) || ' accesses), against '
    || CAST(round(100 * coalesce(peer_rate, 0), 1) AS varchar) || '% for '
    || CASE WHEN peer_source = 'department' THEN coalesce(department, '?') || ' peers' ELSE 'the company' END
    || ' (' || CAST(coalesce(peers, 0) AS varchar) || ' people)' AS summary,
  CASE WHEN unjustified >= :critical_unjustified THEN 'critical' ELSE 'high' END AS severity,
  round((rate - coalesce(peer_rate, 0)) / (1.4826E0 * greatest(coalesce(peer_mad, 0), :min_rate_spread)), 1) AS score,
  first_seen,
  last_seen,
  accesses AS event_count,
  unjustified,
  unjustified_records,
  round(rate, 3) AS rate,
  round(peer_rate, 3) AS peer_rate,
  round(peer_mad, 3) AS peer_mad,
  peer_source,
  peers,
  department,
  source_system
FROM compared
-- No peer rate at all (nobody else opens these records) counts as a rate of zero.
WHERE rate >= :min_ratio * coalesce(peer_rate, 0)
  AND rate > coalesce(peer_rate, 0) + :mad_multiplier * 1.4826E0 * greatest(coalesce(peer_mad, 0), :min_rate_spread)
ORDER BY actor_id
