/**
 * Builds auditlake's stacks into an app from an already-validated config and the parsed queries
 * registry. Reads nothing itself: `infra/app.ts` (the CLI's entry point) and the tests call it
 * with what they loaded. cdk-nag's AwsSolutions pack validates the whole app at synth.
 */
import { type App, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { AuditlakeConfig } from './config/auditlake-config.ts';
import type { HandlerSources } from './handler-sources.ts';
import type { QueriesRegistry } from './queries-registry.ts';
import { DetectionStack } from './stacks/detection-stack.ts';
import { LakeStack } from './stacks/lake-stack.ts';

export interface AuditlakeAppProps {
  readonly config: AuditlakeConfig;
  readonly registry: QueriesRegistry;
  /** Repository root and handler entry files (the queries folder comes from the registry). */
  readonly sources: HandlerSources;
}

export interface AuditlakeStacks {
  readonly lake: LakeStack;
  readonly detection: DetectionStack;
}

export function addAuditlakeStacks(app: App, props: AuditlakeAppProps): AuditlakeStacks {
  const { config, registry } = props;
  const production = config.stage === 'production';
  const removalPolicy =
    !production && config.removalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
  const env = {
    ...(config.account === undefined ? {} : { account: config.account }),
    ...(config.region === undefined ? {} : { region: config.region }),
  };
  const logRetention = config.detection.logRetentionDays as logs.RetentionDays;
  // Stack tags: CloudFormation puts them on every resource that supports tags.
  const tags = { application: 'auditlake', stage: config.stage };

  const lake = new LakeStack(app, `${config.stackPrefix}Lake`, {
    env,
    tags,
    description: 'auditlake: audit-log lake, catalog, ingestion and detection state (stateful)',
    terminationProtection: production,
    lake: config.lake,
    ingestion: config.ingestion,
    athenaResultsExpirationDays: config.athena.resultsExpirationDays,
    rollupTables: registry.rollupTables,
    logRetention,
    removalPolicy,
    sources: props.sources,
  });
  const detection = new DetectionStack(app, `${config.stackPrefix}Detection`, {
    env,
    tags,
    description: 'auditlake: Athena workgroup, scheduled detectors, alerting and operations',
    lake,
    detectors: registry.detectors,
    sources: { ...props.sources, queriesDir: registry.queriesDir },
    config,
    logRetention,
    removalPolicy,
  });
  detection.addStackDependency(lake, 'reads the lake and its state tables');

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { lake, detection };
}
