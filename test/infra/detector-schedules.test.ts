import { Match } from 'aws-cdk-lib/assertions';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAuditlakeApp, copyFixtureQueries, logicalIdOf, Template } from './support/infra-app.ts';

interface ScheduleResource {
  Properties: {
    Description: string;
    ScheduleExpression: string;
    ScheduleExpressionTimezone: string;
    State: string;
    Target: {
      Arn: unknown;
      Input: string;
      RetryPolicy: Record<string, number>;
      DeadLetterConfig: { Arn: unknown };
    };
  };
}

async function schedulesFor(queriesDir?: string) {
  const built = await buildAuditlakeApp(queriesDir === undefined ? {} : { queriesDir });
  const template = Template.fromStack(built.detection);
  const schedules = template.findResources('AWS::Scheduler::Schedule') as Record<string, ScheduleResource>;
  const byDetector = new Map(
    Object.values(schedules).map((schedule) => [
      JSON.parse(schedule.Properties.Target.Input).detector,
      schedule,
    ]),
  );
  return { built, template, byDetector };
}

const NEW_DETECTOR = `/*
id: brand-new
title: A detector added to the folder
description: Added by the test.
severity: high
schedule: cron(0 6 * * ? *)
window: 1d
runbook: Test only.
*/
SELECT actor_id, 'new' AS summary FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt GROUP BY actor_id
`;

describe('detector schedules', () => {
  let queries: ReturnType<typeof copyFixtureQueries> | undefined;
  afterEach(() => queries?.remove());

  it('creates one schedule per active detector, none for disabled or deprecated ones', async () => {
    const { byDetector } = await schedulesFor();

    expect([...byDetector.keys()].sort()).toEqual(['daily-baseline', 'hourly-export']);
  });

  it("takes each schedule from the detector's header, in UTC", async () => {
    const { byDetector } = await schedulesFor();

    expect(byDetector.get('hourly-export')?.Properties).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      State: 'ENABLED',
    });
    expect(byDetector.get('daily-baseline')?.Properties.ScheduleExpression).toBe('cron(30 2 * * ? *)');
  });

  it('invokes the detector Lambda with {"detector": "<id>"}, retrying into the dead-letter queue', async () => {
    const { built, byDetector } = await schedulesFor();
    const target = byDetector.get('hourly-export')?.Properties.Target;

    expect(JSON.parse(target?.Input ?? '')).toEqual({ detector: 'hourly-export' });
    expect(target?.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(built.detection.runner.function.function), 'Arn'],
    });
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 });
    expect(target?.DeadLetterConfig).toEqual({
      Arn: { 'Fn::GetAtt': [logicalIdOf(built.detection.runner.deadLetterQueue), 'Arn'] },
    });
  });

  it('adds a schedule when a detector file is added', async () => {
    queries = copyFixtureQueries();
    queries.write('detectors/brand-new.sql', NEW_DETECTOR);

    const { byDetector } = await schedulesFor(queries.dir);

    expect([...byDetector.keys()].sort()).toEqual(['brand-new', 'daily-baseline', 'hourly-export']);
    expect(byDetector.get('brand-new')?.Properties.ScheduleExpression).toBe('cron(0 6 * * ? *)');
  });

  it('removes the schedule of a detector that is disabled', async () => {
    queries = copyFixtureQueries();
    const file = 'detectors/hourly-export.sql';
    queries.write(file, queries.read(file).replace('status: stable', 'status: stable\nenabled: false'));

    const { byDetector } = await schedulesFor(queries.dir);

    expect([...byDetector.keys()]).toEqual(['daily-baseline']);
  });

  it('keeps a schedule under the same logical id when other detectors come and go', async () => {
    queries = copyFixtureQueries();
    const before = await schedulesFor(queries.dir);
    queries.write('detectors/aaa-first.sql', NEW_DETECTOR.replaceAll('brand-new', 'aaa-first'));

    const after = await schedulesFor(queries.dir);

    const idOf = (result: Awaited<ReturnType<typeof schedulesFor>>) => {
      const schedule = result.built.detection.runner.schedules.get('hourly-export');
      if (!schedule) throw new Error('hourly-export has no schedule');
      return logicalIdOf(schedule);
    };
    expect(idOf(after)).toBe(idOf(before));
  });

  it('fails the synth with every broken detector file named', async () => {
    queries = copyFixtureQueries();
    queries.write('detectors/broken.sql', '/*\nid: broken\n*/\nSELECT 1');
    queries.write(
      'detectors/needs-rollup.sql',
      NEW_DETECTOR.replaceAll('brand-new', 'needs-rollup').replace(
        'window: 1d',
        'window: 1d\nrollups: [missing]',
      ),
    );

    await expect(buildAuditlakeApp({ queriesDir: queries.dir })).rejects.toThrow(
      /broken\.sql: title: is required[\s\S]*needs-rollup\.sql: rollups: "missing" is not in/,
    );
  });

  it('gives every scheduled detector a lag alarm', async () => {
    const { template } = await schedulesFor();

    for (const detector of ['hourly-export', 'daily-baseline']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'WindowsBehind',
        Namespace: 'auditlake',
        Dimensions: Match.arrayWith([{ Name: 'detector', Value: detector }]),
        Threshold: 2,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });
});
