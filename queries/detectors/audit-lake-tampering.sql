/*
id: audit-lake-tampering
title: Someone reached into the audit lake or its detectors
description: >
  Watches the watchers. The lake's own CloudTrail events (S3 data events on the lake bucket and
  management events on the bucket, the detector function, its schedules and the findings topic,
  normalized into audit_events as docs/watch-the-watchers.md describes) are checked for a person
  downloading raw audit data directly instead of through Athena, any attempt to delete lake
  objects or the bucket (refused ones too: Object Lock refusing a delete is the attempt we want
  to see), changes to the bucket's policy, lifecycle, versioning, Object Lock or encryption, to
  the trail, rules and stream that bring these events into the lake (stopping them blinds this
  detector, so the last event before the silence is the alert), and
  changes to what the detectors run, when, and who hears about it (the detector bundle with its
  suppressions, the schedules, the alert subscriptions). Anyone able to do these can hide an
  insider, themselves included, so every one of them is an alert.
severity: high
schedule: rate(1 hour)
window: 1h
params:
  sources: [aws-cloudtrail]
  # Read paths that are investigation, not exfiltration: Athena queries, which its workgroup and query history record.
  allowed_read_paths: [athena]
  raw_data_types: [audit_raw_events, audit_directory, audit_findings, audit_rollups, audit_ingest_errors]
  lake_types: [audit_raw_events, audit_directory, audit_findings, audit_rollups, audit_ingest_errors, audit_lake_object, audit_lake_bucket, audit_trail]
  control_types: [detector_bundle, detector_schedule, alert_routing]
runbook: >
  Means: the audit trail or the detection that watches it was read around the sanctioned path,
  touched destructively, or reconfigured. Critical when a delete or a bucket configuration change
  succeeded. Investigate: SELECT event_time, action, outcome, resource_type, resource_id,
  destination, source_ip, details FROM audit_events WHERE source_system = 'aws-cloudtrail' AND
  actor_id = '<actor>' AND dt BETWEEN '<day>' AND '<day>' ORDER BY event_time; compare with the
  change calendar and the deployment pipeline's runs (a deployment updates the detector bundle and
  schedules: expected after a merged change to queries/, medium when a service role did it); for a
  delete, check the object's versions and Object Lock retention (compliance mode refuses deletes
  even to administrators); for a bucket change, diff the policy or lifecycle against the
  CloudFormation template and revert drift. A person reading raw Parquet directly, a suppression
  or subscription filter changed outside a reviewed deployment, or a retention shortened are
  escalations to the security lead, not to the person's own team. Known false positives: a
  planned deployment, an incident responder exporting evidence under a ticket, AWS support
  working a case. Suppress: never by actor alone; a suppression entry for a named deployment role
  with an expiry, reviewed like any change to queries/.
tags: [T1070, T1562, T1562.008, T1530, defense-evasion]
owner: detection-engineering
status: experimental
*/
WITH events AS (
  SELECT
    actor_id,
    actor_type,
    event_time,
    action,
    outcome,
    resource_type,
    resource_id,
    (
      actor_type = 'human'
      AND action = 'read'
      AND contains(:raw_data_types, resource_type)
      AND NOT contains(:allowed_read_paths, coalesce(destination, 'api'))
    ) AS raw_read,
    (action = 'delete' AND contains(:lake_types, resource_type)) AS lake_delete,
    (action = 'config_change' AND contains(:lake_types, resource_type)) AS lake_change,
    (contains(:control_types, resource_type) AND action IN ('create', 'update', 'delete', 'config_change'))
      AS control_change
  FROM audit_events
  WHERE dt BETWEEN :window_start_dt AND :window_end_dt
    AND event_time >= :window_start
    AND event_time < :window_end
    AND contains(:sources, source_system)
),
flagged AS (
  SELECT *
  FROM events
  WHERE raw_read OR lake_delete OR lake_change OR control_change
)
SELECT
  actor_id,
  CASE
    WHEN count_if((lake_delete OR lake_change) AND outcome = 'success') > 0 THEN 'critical'
    WHEN count_if(raw_read OR lake_delete OR lake_change) > 0 OR arbitrary(actor_type) = 'human' THEN 'high'
    ELSE 'medium'
  END AS severity,
  arbitrary(actor_type) || ' ' || actor_id || ': '
    -- Each part starts with ', '; substr drops the first one.
    || substr(
      CASE WHEN count_if(raw_read) > 0
        THEN ', ' || CAST(count_if(raw_read) AS varchar) || ' direct reads of raw audit data' ELSE '' END
      || CASE WHEN count_if(lake_delete) > 0
        THEN ', ' || CAST(count_if(lake_delete) AS varchar) || ' delete attempts ('
          || CAST(count_if(lake_delete AND outcome <> 'success') AS varchar) || ' refused)' ELSE '' END
      || CASE WHEN count_if(lake_change) > 0
        THEN ', ' || CAST(count_if(lake_change) AS varchar) || ' lake, retention or trail changes' ELSE '' END
      || CASE WHEN count_if(control_change) > 0
        THEN ', ' || CAST(count_if(control_change) AS varchar) || ' detector, schedule or alert routing changes' ELSE '' END,
      3
    )
    || ', first on ' || min_by(resource_id, event_time) AS summary,
  count(*) AS score,
  min(event_time) AS first_seen,
  max(event_time) AS last_seen,
  count(*) AS event_count,
  arbitrary(actor_type) AS actor_type,
  count_if(raw_read) AS raw_reads,
  count_if(lake_delete) AS delete_attempts,
  count_if(lake_delete AND outcome = 'success') AS deletes_succeeded,
  count_if(lake_change) AS lake_changes,
  count_if(control_change) AS control_changes,
  min_by(resource_type, event_time) AS first_resource_type
FROM flagged
GROUP BY actor_id
ORDER BY actor_id
