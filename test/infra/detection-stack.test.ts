import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../lambdas/core/detector.ts';
import { loadDetectorConfig } from '../../lambdas/handlers/detector-config.ts';
import { loadTicketingConfig } from '../../lambdas/handlers/ticketing-config.ts';
import { buildAuditlakeApp, logicalIdOf, Template, type TestApp } from './support/infra-app.ts';

const CONFIG = {
  alertEmails: [
    { address: 'secops@example.com', minSeverity: 'high' },
    { address: 'lead@example.com', minSeverity: 'critical' },
  ],
  opsEmails: ['platform@example.com'],
  ticketing: {
    provider: 'jira',
    secretName: 'auditlake/jira',
    minSeverity: 'medium',
    jira: { baseUrl: 'https://example.atlassian.net', projectKey: 'SEC' },
  },
  athena: { bytesScannedCutoffPerQuery: 5_000_000_000 },
  detection: { lateDataDelay: '20m', maxFindingsPerWindow: 40, reservedConcurrency: 3 },
};

let built: TestApp;
let template: Template;
beforeAll(async () => {
  built = await buildAuditlakeApp({ config: CONFIG });
  template = Template.fromStack(built.detection);
});

/** A function's environment with CloudFormation references replaced by plausible values. */
function environmentOf(functionLogicalId: string): Record<string, string> {
  const variables = template.toJSON().Resources[functionLogicalId].Properties.Environment.Variables as Record<
    string,
    unknown
  >;
  return Object.fromEntries(
    Object.entries(variables).map(([name, value]) => [
      name,
      typeof value === 'string'
        ? value
        : name.endsWith('_ARN')
          ? 'arn:aws:sns:eu-west-1:123456789012:findings'
          : `resolved-${name}`,
    ]),
  );
}

describe('the Athena workgroup', () => {
  it('runs engine v3 with its configuration enforced, encrypted results, the scan cutoff and metrics', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 5_000_000_000,
        RequesterPaysEnabled: false,
        ResultConfiguration: Match.objectLike({
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: Match.anyValue() },
          OutputLocation: Match.anyValue(),
        }),
      },
    });
  });
});

describe('the detector Lambda', () => {
  const detectorId = () => logicalIdOf(built.detection.runner.function.function);

  it('runs Node.js 22 on ARM64 with reserved concurrency and a 15-minute timeout', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      ReservedConcurrentExecutions: 3,
      Timeout: 900,
    });
  });

  it('gets an environment the runtime accepts, carrying the config', () => {
    const config = loadDetectorConfig(environmentOf(detectorId()));

    expect(config.lateDelayMs).toBe(20 * 60_000);
    expect(config.findings.maxPerWindow).toBe(40);
    expect(config.findings.prefix).toBe('');
    expect(config.detectorsDir).toMatch(/queries[\\/]detectors$/);
  });

  it('sends runs that fail every retry to the dead-letter queue', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: detectorId() },
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: {
          Destination: { 'Fn::GetAtt': [logicalIdOf(built.detection.runner.deadLetterQueue), 'Arn'] },
        },
      },
    });
  });

  it("attaches the lake stack's access policy to its role", () => {
    const role = template.toJSON().Resources[logicalIdOf(built.detection.runner.function.role)];

    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      logicalIdOf(built.lake.access.detectorPolicy),
    );
  });
});

describe('alerting', () => {
  it('encrypts the findings topic with a rotating customer-managed key and requires TLS', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      DisplayName: 'auditlake findings',
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(built.detection.alertsKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('subscribes each address with a filter from its minimum severity up', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'secops@example.com',
      FilterPolicy: { severity_rank: [{ numeric: ['>=', 3] }], severity: ['high', 'critical'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'lead@example.com',
      FilterPolicy: {
        severity_rank: [{ numeric: ['>=', SEVERITIES.indexOf('critical')] }],
        severity: ['critical'],
      },
    });
  });

  it('queues medium-and-up findings for the ticketing Lambda, with a dead-letter queue', () => {
    const ticketing = built.detection.ticketing;
    if (!ticketing) throw new Error('ticketing was configured');

    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'sqs',
      RawMessageDelivery: true,
      Endpoint: { 'Fn::GetAtt': [logicalIdOf(ticketing.queue), 'Arn'] },
      FilterPolicy: { severity_rank: [{ numeric: ['>=', 2] }], severity: ['medium', 'high', 'critical'] },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(ticketing.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(ticketing.function.function) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('gives the ticketing Lambda an environment the runtime accepts', () => {
    const ticketing = built.detection.ticketing;
    if (!ticketing) throw new Error('ticketing was configured');

    const config = loadTicketingConfig(environmentOf(logicalIdOf(ticketing.function.function)));

    expect(config.provider).toBe('jira');
    expect(config.secretId).toBe('auditlake/jira');
    expect(config.jira).toMatchObject({ baseUrl: 'https://example.atlassian.net', projectKey: 'SEC' });
  });
});

describe('operations', () => {
  const alarmsOn = (metricName: string) =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.MetricName === metricName,
    );

  it('alarms on detector errors, both dead-letter queues and ingestion conversion failures', () => {
    expect(alarmsOn('Errors')).toHaveLength(2);
    expect(alarmsOn('ApproximateNumberOfMessagesVisible')).toHaveLength(2);
    expect(alarmsOn('FailedConversion.Records')).toHaveLength(1);
    for (const alarm of [...alarmsOn('Errors'), ...alarmsOn('ApproximateNumberOfMessagesVisible')]) {
      expect(alarm.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
    }
  });

  it('alarms when the stream validator fails a batch or quarantines records', () => {
    expect(alarmsOn('ExecuteProcessing.Success').map((alarm) => alarm.Properties)).toEqual([
      expect.objectContaining({
        Statistic: 'Minimum',
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
      }),
    ]);
    expect(alarmsOn('StreamRecordsQuarantined').map((alarm) => alarm.Properties)).toEqual([
      expect.objectContaining({ Namespace: 'auditlake', Threshold: 1 }),
    ]);
  });

  it('alarms when a window with findings got no investigation report', () => {
    expect(alarmsOn('ReportsFailed').map((alarm) => alarm.Properties)).toEqual([
      expect.objectContaining({
        Namespace: 'auditlake',
        Dimensions: [{ Name: 'service', Value: 'auditlake' }],
      }),
    ]);
  });

  it('alarms when the digest chain stops growing: a failed run, or no run for three hours', () => {
    const digest = alarmsOn('DigestFailed').map((alarm) => alarm.Properties);
    expect(digest).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
        expect.objectContaining({
          Statistic: 'SampleCount',
          Period: 10_800,
          ComparisonOperator: 'LessThanThreshold',
          TreatMissingData: 'breaching',
        }),
      ]),
    );
    expect(digest).toHaveLength(2);
  });

  it('alarms on schedule target failures', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'FILL(errors, 0) + FILL(dropped, 0) + FILL(undelivered, 0)' }),
        Match.objectLike({
          Id: 'errors',
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'TargetErrorCount' }) }),
        }),
      ]),
    });
  });

  it('alarms when a detector scans more than the daily threshold', () => {
    expect(alarmsOn('BytesScanned').map((alarm) => alarm.Properties)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Namespace: 'auditlake',
          Statistic: 'Sum',
          Period: 86_400,
          Threshold: 100_000_000_000,
        }),
      ]),
    );
  });

  it('sends every alarm to the encrypted ops topic, which CloudWatch may use the key for', () => {
    const opsTopic = logicalIdOf(built.detection.operations.topic);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: opsTopic }]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'platform@example.com',
      TopicArn: { Ref: opsTopic },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
  });

  it('draws findings, lag, bytes scanned and cost per detector on the dashboard', () => {
    const dashboard = Object.values(template.findResources('AWS::CloudWatch::Dashboard'))[0];
    const body = JSON.stringify(dashboard?.Properties.DashboardBody);

    for (const title of [
      'Findings published per detector',
      'Windows behind',
      'Bytes scanned per detector',
      'Athena cost, USD',
    ]) {
      expect(body).toContain(title);
    }
    expect(body).toContain('FILL(b0, 0) / 200000000000');
  });
});
