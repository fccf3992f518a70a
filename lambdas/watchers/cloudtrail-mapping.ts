/**
 * Watch the watchers: CloudTrail records about the lake itself (S3 data events on the lake bucket,
 * management events on the bucket, the detector function, its schedules and the findings topic)
 * become `audit_events` rows, so the same detectors that watch employees watch whoever reads,
 * deletes or reconfigures the audit data. docs/watch-the-watchers.md is the human-readable form of
 * this mapping; the tables below are its single source.
 *
 * Pure: a record in (a CloudTrail record, or the EventBridge "AWS API Call via CloudTrail" event
 * that wraps one), an audit event JSON record out, in the form producers send to Firehose
 * (docs/schema.md), or `undefined` for calls the mapping leaves out (they say nothing about the
 * lake: e.g. `GetBucketLocation`).
 */
import { z } from 'zod';

/** eventName → audit action, for S3 calls on the lake bucket and its objects. */
export const S3_ACTIONS: Readonly<Record<string, LakeAccessAction>> = {
  GetObject: 'read',
  SelectObjectContent: 'read',
  RestoreObject: 'read',
  GetObjectAttributes: 'list',
  HeadObject: 'list',
  ListObjects: 'list',
  ListObjectsV2: 'list',
  ListObjectVersions: 'list',
  PutObject: 'create',
  CopyObject: 'create',
  CompleteMultipartUpload: 'create',
  DeleteObject: 'delete',
  DeleteObjects: 'delete',
  DeleteBucket: 'delete',
  // Object Lock on one object: shortening retention or lifting a legal hold precedes a delete.
  PutObjectRetention: 'config_change',
  PutObjectLegalHold: 'config_change',
  PutObjectLockConfiguration: 'config_change',
  PutBucketPolicy: 'config_change',
  DeleteBucketPolicy: 'config_change',
  PutBucketLifecycle: 'config_change',
  PutBucketLifecycleConfiguration: 'config_change',
  DeleteBucketLifecycle: 'config_change',
  PutBucketVersioning: 'config_change',
  PutBucketAcl: 'config_change',
  PutBucketOwnershipControls: 'config_change',
  PutBucketPublicAccessBlock: 'config_change',
  DeleteBucketPublicAccessBlock: 'config_change',
  PutBucketEncryption: 'config_change',
  DeleteBucketEncryption: 'config_change',
  PutBucketLogging: 'config_change',
  PutBucketReplication: 'config_change',
  DeleteBucketReplication: 'config_change',
  PutBucketNotification: 'config_change',
  PutBucketNotificationConfiguration: 'config_change',
};

/**
 * Management calls that change what the detectors run, when, and who hears about it. Suppressions
 * ship inside the detector bundle, so a suppression change is an `UpdateFunctionCode` too.
 */
export const CONTROL_PLANE_ACTIONS: Readonly<
  Record<string, { readonly resourceType: LakeAccessResourceType; readonly action: LakeAccessAction }>
> = {
  'lambda:UpdateFunctionCode': { resourceType: 'detector_bundle', action: 'config_change' },
  'lambda:UpdateFunctionConfiguration': { resourceType: 'detector_bundle', action: 'config_change' },
  // Reserved concurrency 0 stops every detector without deleting anything.
  'lambda:PutFunctionConcurrency': { resourceType: 'detector_bundle', action: 'config_change' },
  'lambda:DeleteFunctionConcurrency': { resourceType: 'detector_bundle', action: 'config_change' },
  'lambda:DeleteFunction': { resourceType: 'detector_bundle', action: 'delete' },
  'scheduler:CreateSchedule': { resourceType: 'detector_schedule', action: 'create' },
  'scheduler:UpdateSchedule': { resourceType: 'detector_schedule', action: 'config_change' },
  'scheduler:DeleteSchedule': { resourceType: 'detector_schedule', action: 'delete' },
  'sns:Subscribe': { resourceType: 'alert_routing', action: 'config_change' },
  'sns:Unsubscribe': { resourceType: 'alert_routing', action: 'config_change' },
  // A filter policy on the security team's subscription mutes alerts as surely as a suppression.
  'sns:SetSubscriptionAttributes': { resourceType: 'alert_routing', action: 'config_change' },
  'sns:SetTopicAttributes': { resourceType: 'alert_routing', action: 'config_change' },
  'sns:DeleteTopic': { resourceType: 'alert_routing', action: 'delete' },
  // The path that brings these very events into the lake: stopping it blinds this detector.
  'cloudtrail:StopLogging': { resourceType: 'audit_trail', action: 'config_change' },
  'cloudtrail:DeleteTrail': { resourceType: 'audit_trail', action: 'delete' },
  'cloudtrail:UpdateTrail': { resourceType: 'audit_trail', action: 'config_change' },
  'cloudtrail:PutEventSelectors': { resourceType: 'audit_trail', action: 'config_change' },
  'events:DisableRule': { resourceType: 'audit_trail', action: 'config_change' },
  'events:PutRule': { resourceType: 'audit_trail', action: 'config_change' },
  'events:RemoveTargets': { resourceType: 'audit_trail', action: 'config_change' },
  'events:DeleteRule': { resourceType: 'audit_trail', action: 'delete' },
  'firehose:UpdateDestination': { resourceType: 'audit_trail', action: 'config_change' },
  'firehose:DeleteDeliveryStream': { resourceType: 'audit_trail', action: 'delete' },
};

export type LakeAccessAction = 'read' | 'list' | 'create' | 'delete' | 'config_change';

/** Lake key prefixes (infra/constructs/lake-layout.ts) → resource type of the objects under them. */
export const OBJECT_RESOURCE_TYPES = {
  'audit_events/': 'audit_raw_events',
  'employees/': 'audit_directory',
  'rollups/': 'audit_rollups',
  'findings/': 'audit_findings',
  'flooded/': 'audit_findings',
  'ingest-errors/': 'audit_ingest_errors',
} as const;

export type LakeAccessResourceType =
  | (typeof OBJECT_RESOURCE_TYPES)[keyof typeof OBJECT_RESOURCE_TYPES]
  | 'audit_lake_object'
  | 'audit_lake_bucket'
  | 'detector_bundle'
  | 'detector_schedule'
  | 'alert_routing'
  | 'audit_trail';

/** The `source_system` of every mapped event. */
export const LAKE_ACCESS_SOURCE = 'aws-cloudtrail';

export interface LakeAccessMappingConfig {
  /** The lake bucket; S3 calls on any other bucket are left out. */
  readonly lakeBucket: string;
  /**
   * Names of the detector functions; Lambda calls on others are left out.
   * @default any function: the EventBridge rule that delivers the events has chosen them
   */
  readonly detectorFunctions?: readonly string[];
  /** EventBridge Scheduler group of the detector schedules. @default any group, as chosen by the rule */
  readonly scheduleGroup?: string;
  /** ARN of the findings topic. @default any topic, as chosen by the rule */
  readonly findingsTopicArn?: string;
  /**
   * Names (or ARNs) of the trail, rules and stream that bring these events into the lake.
   * @default any, as chosen by the rule
   */
  readonly trailResources?: readonly string[];
  /**
   * Role names (globs, `*` any run) whose sessions are people, so `actor_type` is `human` and the
   * session name is the actor. @default ['AWSReservedSSO_*'] (IAM Identity Center permission sets)
   */
  readonly humanRoles?: readonly string[];
}

/** An `audit_events` row as producers send it (docs/schema.md), ready for Firehose. */
export interface LakeAccessEvent {
  readonly event_id: string;
  readonly event_time: string;
  readonly actor_id: string;
  readonly actor_type: 'human' | 'service';
  readonly action: LakeAccessAction;
  readonly resource_type: LakeAccessResourceType;
  readonly resource_id: string;
  readonly record_count: number;
  readonly bytes: number | null;
  readonly source_system: string;
  readonly source_ip: string | null;
  readonly device_id: null;
  /**
   * Where read data went: the AWS service that read for the caller (`athena`), or `api` for a
   * direct download. Null for calls that move no data.
   */
  readonly destination: string | null;
  readonly outcome: 'success' | 'failure' | 'denied';
  readonly justification_id: null;
  readonly details: string;
}

const identitySchema = z.looseObject({
  type: z.string().optional(),
  arn: z.string().optional(),
  principalId: z.string().optional(),
  userName: z.string().optional(),
  invokedBy: z.string().optional(),
  sessionContext: z
    .looseObject({
      sessionIssuer: z
        .looseObject({ type: z.string().optional(), userName: z.string().optional() })
        .optional(),
    })
    .optional(),
  onBehalfOf: z.looseObject({ userId: z.string().optional() }).optional(),
});

const recordSchema = z.looseObject({
  eventID: z.string().min(1),
  eventTime: z.string().min(1),
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  userIdentity: identitySchema,
  sourceIPAddress: z.string().optional(),
  errorCode: z.string().optional(),
  readOnly: z.boolean().optional(),
  requestParameters: z.record(z.string(), z.unknown()).nullable().optional(),
  additionalEventData: z.record(z.string(), z.unknown()).nullable().optional(),
  resources: z.array(z.looseObject({ ARN: z.string().optional(), type: z.string().optional() })).optional(),
});

export type CloudTrailRecord = z.output<typeof recordSchema>;

/** The record is not a CloudTrail record: it names the first field at fault. */
export class CloudTrailRecordError extends Error {
  override readonly name = 'CloudTrailRecordError';
}

/** The CloudTrail record itself, from a bare record or an EventBridge event that wraps one in `detail`. */
export function cloudTrailRecord(input: unknown): CloudTrailRecord {
  const wrapped =
    typeof input === 'object' && input !== null && 'detail-type' in input && 'detail' in input
      ? (input as { detail: unknown }).detail
      : input;
  const parsed = recordSchema.safeParse(wrapped);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CloudTrailRecordError(
      `not a CloudTrail record: ${issue?.path.join('.') || 'record'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

/** Maps one record; `undefined` for a call outside the mapping (another bucket, an unlisted API). */
export function mapCloudTrailRecord(
  input: unknown,
  config: LakeAccessMappingConfig,
): LakeAccessEvent | undefined {
  const record = cloudTrailRecord(input);
  const target = classify(record, config);
  if (!target) return undefined;
  const time = Date.parse(record.eventTime);
  if (Number.isNaN(time)) throw new CloudTrailRecordError(`not a CloudTrail record: eventTime: not a time`);
  const actor = actorOf(record.userIdentity, config.humanRoles ?? ['AWSReservedSSO_*']);
  const bytesOut = numberField(record.additionalEventData, 'bytesTransferredOut');
  const details: Record<string, unknown> = {
    event_name: record.eventName,
    event_source: record.eventSource,
    identity_type: record.userIdentity.type ?? null,
    principal_arn: record.userIdentity.arn ?? null,
  };
  if (record.userIdentity.invokedBy) details.invoked_by = record.userIdentity.invokedBy;
  if (record.errorCode) details.error_code = record.errorCode;
  return {
    event_id: `cloudtrail-${record.eventID}`,
    event_time: new Date(time).toISOString(),
    actor_id: actor.id,
    actor_type: actor.type,
    action: target.action,
    resource_type: target.resourceType,
    resource_id: target.resourceId,
    record_count: target.recordCount,
    bytes: bytesOut !== undefined && bytesOut > 0 ? bytesOut : null,
    source_system: LAKE_ACCESS_SOURCE,
    source_ip: ipAddress(record.sourceIPAddress),
    device_id: null,
    destination: target.action === 'read' ? readPath(record.userIdentity.invokedBy) : null,
    outcome: outcomeOf(record.errorCode),
    justification_id: null,
    details: JSON.stringify(details),
  };
}

interface Target {
  readonly action: LakeAccessAction;
  readonly resourceType: LakeAccessResourceType;
  readonly resourceId: string;
  readonly recordCount: number;
}

function classify(record: CloudTrailRecord, config: LakeAccessMappingConfig): Target | undefined {
  const service = record.eventSource.replace(/\.amazonaws\.com$/, '');
  if (service === 's3') return classifyS3(record, config);
  const control = CONTROL_PLANE_ACTIONS[`${service}:${record.eventName.replace(/\d{8}(v\d+)?$/, '')}`];
  if (!control) return undefined;
  const request = record.requestParameters ?? {};
  const name = textField(request, 'functionName') ?? textField(request, 'name');
  switch (control.resourceType) {
    case 'detector_bundle': {
      // Lambda logs the function as a name or an ARN (with a version-dated event name, e.g. UpdateFunctionCode20150331v2).
      const functionName = name?.split(':').at(name.startsWith('arn:') ? 6 : 0);
      if (!functionName) return undefined;
      if (config.detectorFunctions !== undefined && !config.detectorFunctions.includes(functionName))
        return undefined;
      return { ...control, resourceId: functionName, recordCount: 1 };
    }
    case 'detector_schedule': {
      const group = textField(request, 'groupName') ?? 'default';
      if (!name || (config.scheduleGroup !== undefined && group !== config.scheduleGroup)) return undefined;
      return { ...control, resourceId: `${group}/${name}`, recordCount: 1 };
    }
    case 'audit_trail': {
      const resource = name ?? textField(request, 'deliveryStreamName');
      if (!resource || (config.trailResources !== undefined && !config.trailResources.includes(resource)))
        return undefined;
      return { ...control, resourceId: resource, recordCount: 1 };
    }
    default: {
      const topic = textField(request, 'topicArn') ?? textField(request, 'subscriptionArn');
      const topicArn = topic?.split(':').slice(0, 6).join(':');
      if (!topicArn || (config.findingsTopicArn !== undefined && topicArn !== config.findingsTopicArn))
        return undefined;
      return { ...control, resourceId: topicArn, recordCount: 1 };
    }
  }
}

function classifyS3(record: CloudTrailRecord, config: LakeAccessMappingConfig): Target | undefined {
  const action = S3_ACTIONS[record.eventName];
  const request = record.requestParameters ?? {};
  if (!action || textField(request, 'bucketName') !== config.lakeBucket) return undefined;
  const objectPrefix = `arn:aws:s3:::${config.lakeBucket}/`;
  const keys = [
    ...(record.resources ?? [])
      .filter((resource) => resource.type === 'AWS::S3::Object' && resource.ARN?.startsWith(objectPrefix))
      .map((resource) => (resource.ARN ?? '').slice(objectPrefix.length)),
  ];
  const key = textField(request, 'key');
  if (keys.length === 0 && key !== undefined) keys.push(key);
  const [first] = keys;
  if (first === undefined) {
    const prefix = textField(request, 'prefix');
    // A listing under one prefix is about that prefix's data; anything else is about the bucket.
    const listed = prefix === undefined ? undefined : objectType(prefix);
    return {
      action,
      resourceType: listed ?? 'audit_lake_bucket',
      resourceId: prefix === undefined ? config.lakeBucket : `${config.lakeBucket}/${prefix}`,
      recordCount: 1,
    };
  }
  return {
    action,
    resourceType: objectType(first) ?? 'audit_lake_object',
    resourceId: `${config.lakeBucket}/${first}`,
    recordCount: keys.length,
  };
}

function objectType(key: string): LakeAccessResourceType | undefined {
  const match = Object.entries(OBJECT_RESOURCE_TYPES).find(([prefix]) => key.startsWith(prefix));
  return match?.[1];
}

interface Actor {
  readonly id: string;
  readonly type: 'human' | 'service';
}

/**
 * Who made the call. People: IAM users, the root user, Identity Center users, and sessions of
 * roles listed as human (the session name is the person, e.g. `jane.doe`). Everything else is a
 * service: AWS services by their host name, other role sessions by `role/<name>` (their session
 * names are random).
 */
function actorOf(identity: CloudTrailRecord['userIdentity'], humanRoles: readonly string[]): Actor {
  switch (identity.type) {
    case 'Root':
      return { id: 'root', type: 'human' };
    case 'IAMUser':
      return { id: identity.userName ?? lastPart(identity.arn) ?? 'unknown', type: 'human' };
    case 'IdentityCenterUser':
      return { id: identity.onBehalfOf?.userId ?? identity.principalId ?? 'unknown', type: 'human' };
    case 'AWSService':
      return { id: identity.invokedBy ?? 'aws-service', type: 'service' };
    case 'AssumedRole':
    case 'FederatedUser': {
      const role = identity.sessionContext?.sessionIssuer?.userName ?? roleOf(identity.arn) ?? 'unknown';
      const session = lastPart(identity.arn) ?? identity.principalId?.split(':')[1];
      const human = humanRoles.some((pattern) => globMatches(pattern, role));
      return human && session ? { id: session, type: 'human' } : { id: `role/${role}`, type: 'service' };
    }
    default:
      return { id: identity.arn ?? identity.principalId ?? 'unknown', type: 'human' };
  }
}

function roleOf(arn: string | undefined): string | undefined {
  return /:assumed-role\/([^/]+)\//.exec(arn ?? '')?.[1];
}

function lastPart(arn: string | undefined): string | undefined {
  const last = arn?.split('/').at(-1);
  return last === '' ? undefined : last;
}

function globMatches(glob: string, text: string): boolean {
  const source = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*');
  return new RegExp(`^${source}$`).test(text);
}

/** `athena.amazonaws.com` → `athena`: the service that read on the caller's behalf; `api` when the caller read directly. */
function readPath(invokedBy: string | undefined): string {
  return invokedBy === undefined ? 'api' : invokedBy.replace(/\.amazonaws\.com$/, '');
}

/** AccessDenied and its kin are `denied`, so "deletes attempted" include the refused ones. */
function outcomeOf(errorCode: string | undefined): LakeAccessEvent['outcome'] {
  if (errorCode === undefined || errorCode === '') return 'success';
  return /AccessDenied|Unauthorized|Forbidden|ObjectLocked|InvalidRetentionPeriod/i.test(errorCode)
    ? 'denied'
    : 'failure';
}

/** Calls AWS services make for a caller carry the service's host name, not an address. */
function ipAddress(value: string | undefined): string | null {
  return value !== undefined && /^[0-9a-f.:]+$/i.test(value) ? value : null;
}

function textField(
  fields: Readonly<Record<string, unknown>> | null | undefined,
  name: string,
): string | undefined {
  const value = fields?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function numberField(
  fields: Readonly<Record<string, unknown>> | null | undefined,
  name: string,
): number | undefined {
  const value = fields?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
