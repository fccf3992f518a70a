/**
 * The detector Lambda's test setup: a configuration, AWS clients (mocked by the tests), and a small
 * bundle of queries written for the tests (detectors, a rollup, suppressions) laid out as the
 * function bundles them, so handler tests do not move when the shipped detectors change.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AwsClients } from '../../lambdas/handlers/aws-clients.ts';
import { type DetectorConfig, loadDetectorConfig } from '../../lambdas/handlers/detector-config.ts';
import { detectorText } from '../support/detector-text.ts';

export const TOPIC_ARN = 'arn:aws:sns:eu-central-1:123456789012:auditlake-findings';

export const TEST_ENV: Readonly<Record<string, string>> = {
  ATHENA_WORKGROUP: 'auditlake',
  ATHENA_DATABASE: 'auditlake_lake',
  STATE_TABLE_NAME: 'auditlake-state',
  FINDINGS_TOPIC_ARN: TOPIC_ARN,
  FINDINGS_BUCKET: 'auditlake-findings',
  FINDINGS_PREFIX: 'audit/',
  INITIAL_BACKFILL: '3h',
  AWS_REGION: 'eu-central-1',
};

export function testConfig(detectorsDir: string, env: Record<string, string> = {}): DetectorConfig {
  return loadDetectorConfig({ ...TEST_ENV, DETECTORS_DIR: detectorsDir, ...env });
}

export function testClients(): AwsClients {
  const region = 'eu-central-1';
  return {
    athena: new AthenaClient({ region }),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({ region })),
    sns: async () => new SNSClient({ region }),
    s3: async () => new S3Client({ region }),
  };
}

const HOURLY_SQL = `SELECT actor_id, 'exported records at night' AS summary, count(*) AS event_count
FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt
  AND event_time >= :window_start AND event_time < :window_end
GROUP BY actor_id`;

const BASELINE_SQL = `SELECT d.actor_id, 'far above baseline' AS summary
FROM daily_actions d
WHERE d.dt >= :baseline_start_dt AND d.dt < :window_start_dt
GROUP BY d.actor_id`;

const ROLLUP = `/*
id: daily-actions
table: daily_actions
description: Actions per actor and UTC day.
*/
SELECT actor_id, count(*) AS actions
FROM audit_events
WHERE dt = :window_start_dt AND event_time >= :window_start AND event_time < :window_end
GROUP BY actor_id
`;

const SUPPRESSIONS = `suppressions:
  - detector: hourly-export
    actor: emp-oncall
    reason: On-call rotation (CHG-1)
    owner: secops@corp.example
    expires: 2099-12-31
`;

/** Writes `<root>/detectors/*.sql`, `<root>/rollups/*.sql` and `<root>/suppressions.yaml`. */
export async function writeTestQueries(): Promise<{
  root: string;
  detectorsDir: string;
  remove(): Promise<void>;
}> {
  const root = await mkdtemp(join(tmpdir(), 'auditlake-queries-'));
  const detectorsDir = join(root, 'detectors');
  await mkdir(detectorsDir);
  await mkdir(join(root, 'rollups'));
  await writeFile(join(detectorsDir, 'hourly-export.sql'), detectorText({ id: 'hourly-export' }, HOURLY_SQL));
  await writeFile(
    join(detectorsDir, 'daily-baseline.sql'),
    detectorText(
      {
        id: 'daily-baseline',
        schedule: 'rate(1 day)',
        window: '1d',
        lookback: '2d',
        rollups: ['daily-actions'],
      },
      BASELINE_SQL,
    ),
  );
  await writeFile(
    join(detectorsDir, 'retired.sql'),
    detectorText({ id: 'retired', status: 'deprecated' }, HOURLY_SQL),
  );
  await writeFile(join(root, 'rollups', 'daily-actions.sql'), ROLLUP);
  await writeFile(join(root, 'suppressions.yaml'), SUPPRESSIONS);
  return { root, detectorsDir, remove: () => rm(root, { recursive: true, force: true }) };
}
