import path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  AuditlakeFunction,
  METRICS_NAMESPACE,
  POWERTOOLS_SERVICE,
} from '../../infra/constructs/auditlake-function.ts';
import { METRICS_NAMESPACE as RUNTIME_NAMESPACE, SERVICE_NAME } from '../../lambdas/aws/powertools.ts';
import { constructStack, HANDLER_SOURCES, logicalIdOf, PROJECT_ROOT, Template } from './support/infra-app.ts';

function synth(props: Partial<ConstructorParameters<typeof AuditlakeFunction>[2]> = {}) {
  const stack = constructStack();
  const fn = new AuditlakeFunction(stack, 'Fn', {
    entry: HANDLER_SOURCES.detectorEntry,
    projectRoot: PROJECT_ROOT,
    description: 'test function',
    ...props,
  });
  return { fn, template: Template.fromStack(stack) };
}

describe('AuditlakeFunction', () => {
  it('runs Node.js 22 on ARM64 with active tracing', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Timeout: 30,
      MemorySize: 512,
    });
  });

  it('logs to its own log group, kept one year', () => {
    const { fn, template } = synth();

    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: { Ref: logicalIdOf(fn.logGroup) } },
    });
  });

  it('has a role without AWS managed policies', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Principal: { Service: 'lambda.amazonaws.com' } })],
      }),
      ManagedPolicyArns: Match.absent(),
    });
  });

  it('sets the Powertools service and namespace the runtime uses', () => {
    const { template } = synth({ environment: { EXTRA: 'yes' } });

    expect(POWERTOOLS_SERVICE).toBe(SERVICE_NAME);
    expect(METRICS_NAMESPACE).toBe(RUNTIME_NAMESPACE);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
          POWERTOOLS_METRICS_NAMESPACE: RUNTIME_NAMESPACE,
          NODE_OPTIONS: '--enable-source-maps',
          EXTRA: 'yes',
        }),
      },
    });
  });

  it('reserves concurrency and limits async retries when asked', () => {
    const { template } = synth({
      reservedConcurrentExecutions: 3,
      retryAttempts: 1,
      timeout: Duration.minutes(15),
    });

    template.hasResourceProperties('AWS::Lambda::Function', {
      ReservedConcurrentExecutions: 3,
      Timeout: 900,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 1 });
  });

  it('reports every bad prop in one error', () => {
    expect(() =>
      synth({
        entry: 'lambdas/handlers/detector-handler.ts',
        retryAttempts: 5,
        bundledPaths: [{ from: path.join(PROJECT_ROOT, 'queries'), to: '../outside' }],
      }),
    ).toThrow(
      /entry .* must be an absolute path.*bundledPaths: \.\.\/outside must be a path inside the bundle.*retryAttempts \(5\)/,
    );
  });
});
