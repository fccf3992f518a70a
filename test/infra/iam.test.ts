import { beforeAll, describe, expect, it } from 'vitest';
import { buildAuditlakeApp, logicalIdOf, Template, type TestApp } from './support/infra-app.ts';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Sid?: string;
}

interface PolicyStatement extends Statement {
  /** Logical id of the policy (or role) that holds the statement. */
  readonly policy: string;
}

/** Every statement of every IAM identity policy in a template: policies, managed policies, inline role policies. */
function identityStatements(template: Template): PolicyStatement[] {
  const statements: PolicyStatement[] = [];
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown> }
  >;
  for (const [id, resource] of Object.entries(resources)) {
    const documents: { Statement: Statement[] }[] = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties.PolicyDocument as { Statement: Statement[] });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of (resource.Properties.Policies ?? []) as {
        PolicyDocument: { Statement: Statement[] };
      }[]) {
        documents.push(policy.PolicyDocument);
      }
    }
    for (const document of documents) {
      for (const statement of document.Statement) statements.push({ ...statement, policy: id });
    }
  }
  return statements;
}

const actionsOf = (statement: Statement) => [statement.Action].flat();
const resourcesOf = (statement: Statement) => [statement.Resource].flat();

let built: TestApp;
let lake: Template;
let detection: Template;
let all: PolicyStatement[];
beforeAll(async () => {
  built = await buildAuditlakeApp({
    config: {
      ticketing: { provider: 'webhook', secretName: 'auditlake/webhook' },
      alertEmails: [{ address: 'a@example.com', minSeverity: 'low' }],
    },
  });
  lake = Template.fromStack(built.lake);
  detection = Template.fromStack(built.detection);
  all = [...identityStatements(lake), ...identityStatements(detection)];
});

describe('IAM', () => {
  it('spells out every action: no wildcard in any identity policy', () => {
    const wildcards = all.flatMap((statement) =>
      actionsOf(statement).filter((action) => action.includes('*')),
    );

    expect(wildcards).toEqual([]);
  });

  it('uses Resource "*" only for the X-Ray calls that have no resource-level permissions', () => {
    const starred = all.filter((statement) => resourcesOf(statement).includes('*'));

    expect(starred.length).toBeGreaterThan(0);
    for (const statement of starred) {
      expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
    }
  });

  it('lets only ingestion, the lake-access stream, the runner and the digest Lambda write to the lake, each to its own prefixes', () => {
    const bucket = logicalIdOf(built.lake.storage.bucket);
    const writers = new Map<string, string[]>();
    for (const statement of all.filter((candidate) => candidate.Effect === 'Allow')) {
      if (!actionsOf(statement).includes('s3:PutObject')) continue;
      for (const resource of resourcesOf(statement)) {
        const text = JSON.stringify(resource);
        if (!text.includes(bucket)) continue;
        const suffix = /"(\/[^"]*)"\]\]\}$/.exec(text)?.[1] ?? text;
        writers.set(statement.policy, [...(writers.get(statement.policy) ?? []), suffix].sort());
      }
    }

    expect(Object.fromEntries(writers)).toEqual({
      [logicalIdOf(
        built.lake.ingestion.deliveryRole.node.findChild('DefaultPolicy').node.findChild('Resource'),
      )]: ['/audit_events/*', '/ingest-errors/*'],
      [logicalIdOf(built.lake.ingestion.batchUploadPolicy)]: ['/audit_events/dt=*/*.parquet', '/employees/*'],
      [logicalIdOf(
        built.lake.ingestion.validator.role.node.findChild('DefaultPolicy').node.findChild('Resource'),
      )]: ['/quarantine/stream/*'],
      [logicalIdOf(built.lake.access.detectorPolicy)]: ['/findings/*', '/flooded/*', '/rollups/*'],
      [logicalIdOf(
        built.lake.accessTrail.deliveryRole.node.findChild('DefaultPolicy').node.findChild('Resource'),
      )]: ['/audit_events/*', '/ingest-errors/*'],
      [logicalIdOf(
        built.lake.digests.function.role.node.findChild('DefaultPolicy').node.findChild('Resource'),
      )]: ['/digests/*'],
    });
  });

  it('grants no one s3:DeleteObject on audit data; the runner may delete rollup partitions only', () => {
    const deletes = all.filter((statement) =>
      actionsOf(statement).some(
        (action) => action.startsWith('s3:Delete') || action === 's3:PutLifecycleConfiguration',
      ),
    );

    expect(deletes.map((statement) => statement.policy)).toEqual([
      logicalIdOf(built.lake.access.detectorPolicy),
    ]);
    for (const statement of deletes) {
      for (const resource of resourcesOf(statement))
        expect(JSON.stringify(resource)).toMatch(/\/rollups\/\*"\]\]\}$/);
    }
  });

  it('gives the stateless stack no S3 permissions of its own: lake access comes from the lake stack', () => {
    const s3 = identityStatements(detection).filter((statement) =>
      actionsOf(statement).some((action) => action.startsWith('s3:')),
    );

    expect(s3).toEqual([]);
  });

  it('allows nothing in the audit bucket policy: it only denies', () => {
    const policies = Object.values(lake.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) =>
        JSON.stringify(policy.Properties.Bucket) ===
        JSON.stringify({ Ref: logicalIdOf(built.lake.storage.bucket) }),
    );

    expect(policies).toHaveLength(1);
    for (const statement of policies[0]?.Properties.PolicyDocument.Statement ?? [])
      expect(statement.Effect).toBe('Deny');
  });

  it('lets producers put records into the stream and nothing else', () => {
    const producer = identityStatements(lake).filter(
      (statement) => statement.policy === logicalIdOf(built.lake.ingestion.producerPolicy),
    );

    expect(producer.flatMap(actionsOf)).toEqual(['firehose:PutRecord', 'firehose:PutRecordBatch']);
  });
});
