/**
 * Where everything lives in the lake bucket (docs/schema.md): the key prefixes the Glue tables
 * read, Firehose and batch uploads write, and the detector Lambda writes its findings and rollups
 * to. One place, so IAM grants, table locations and Lambda environment cannot drift apart.
 */
export const LAKE_PREFIXES = {
  /** `audit_events/dt=YYYY-MM-DD/*.parquet`: Firehose and `auditlake ingest` uploads. */
  auditEvents: 'audit_events/',
  /** The employee directory as JSON lines. */
  employees: 'employees/',
  /** `rollups/<table>/dt=YYYY-MM-DD/`: daily aggregates the detector Lambda builds with Athena. */
  rollups: 'rollups/',
  /** `findings/dt=YYYY-MM-DD/detector=<id>/…jsonl`: the findings history. */
  findings: 'findings/',
  /** `flooded/dt=…/detector=<id>/…jsonl`: full lists behind flood-control summary findings. */
  flooded: 'flooded/',
  /** `quarantine/stream/dt=…/<batch>.jsonl`: streamed records the validator rejected, with reasons. */
  quarantine: 'quarantine/',
  /** Records Firehose could not convert or deliver, by error type and day. */
  ingestErrors: 'ingest-errors/',
} as const;

/** Athena query results, in their own bucket. */
export const ATHENA_RESULTS_PREFIX = 'athena/';

/** Server access logs, one prefix per logged bucket. */
export const ACCESS_LOG_PREFIXES = {
  lake: 'lake/',
  athenaResults: 'athena-results/',
} as const;
