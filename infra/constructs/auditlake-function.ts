/**
 * Every auditlake Lambda, built one way. Defaults, each overridable only where a prop says so:
 *
 * - Node.js 22 (`Runtime.NODEJS_22_X`) on ARM64 (Graviton: cheaper per millisecond);
 * - bundled locally by esbuild as one minified ES module (`index.mjs`) with source maps and
 *   `NODE_OPTIONS=--enable-source-maps`, the AWS SDK included so the pinned versions from
 *   package-lock.json run, not the runtime's; `require` shimmed for CommonJS dependencies;
 * - X-Ray active tracing;
 * - an explicit log group (retention one year, retained) instead of the implicit one;
 * - its own role with no AWS managed policy: log writing is granted on its log group only;
 * - Powertools settings: `POWERTOOLS_SERVICE_NAME=auditlake`, metrics namespace `auditlake`,
 *   log level INFO;
 * - timeout 30 s, 512 MB.
 */
import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNag } from './nag.ts';

/**
 * Powertools service name and metrics namespace, as lambdas/aws/powertools.ts sets them (a test
 * keeps the two equal; importing that module here would build a Logger at synth).
 */
export const POWERTOOLS_SERVICE = 'auditlake';
export const METRICS_NAMESPACE = 'auditlake';

/** A file or folder copied next to the bundled handler after esbuild ran (skipped when absent). */
export interface BundledPath {
  /** Absolute path on the machine that synthesizes. */
  readonly from: string;
  /** Path inside the bundle, e.g. `queries`. */
  readonly to: string;
}

export interface AuditlakeFunctionProps {
  /** Absolute path of the TypeScript file exporting the handler. */
  readonly entry: string;
  /** Absolute path of the repository root: where package-lock.json and tsconfig.json are. */
  readonly projectRoot: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /**
   * Exported handler name.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * Environment variables, added to the Powertools ones.
   * @default none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What stack deletion does to the log group.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Concurrent executions reserved for (and capping) this function.
   * @default no reservation
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Retries of a failed asynchronous invocation (0–2).
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * Where an asynchronous invocation goes when its retries are used up.
   * @default nowhere
   */
  readonly onFailure?: lambda.IDestination;
  /**
   * Files and folders to copy into the bundle (read at run time relative to the handler file).
   * @default none
   */
  readonly bundledPaths?: readonly BundledPath[];
}

/** Makes CommonJS dependencies' `require` work inside the ES module bundle. */
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export class AuditlakeFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditlakeFunctionProps) {
    super(scope, id);
    const problems: string[] = [];
    if (!path.isAbsolute(props.entry)) problems.push(`entry ${props.entry} must be an absolute path`);
    if (!path.isAbsolute(props.projectRoot))
      problems.push(`projectRoot ${props.projectRoot} must be an absolute path`);
    for (const copied of props.bundledPaths ?? []) {
      if (!path.isAbsolute(copied.from))
        problems.push(`bundledPaths: ${copied.from} must be an absolute path`);
      if (path.isAbsolute(copied.to) || copied.to.split(/[\\/]/).includes('..')) {
        problems.push(`bundledPaths: ${copied.to} must be a path inside the bundle`);
      }
    }
    const retryAttempts = props.retryAttempts ?? 2;
    if (!Number.isInteger(retryAttempts) || retryAttempts < 0 || retryAttempts > 2) {
      problems.push(`retryAttempts (${retryAttempts}) must be 0, 1 or 2`);
    }
    if (problems.length > 0) throw new Error(`AuditlakeFunction ${id}: ${problems.join('; ')}`);

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      description: props.description,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    this.logGroup.grantWrite(this.role);

    const copies = props.bundledPaths ?? [];
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      retryAttempts,
      onFailure: props.onFailure,
      environment: {
        POWERTOOLS_SERVICE_NAME: POWERTOOLS_SERVICE,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_SHIM,
        minify: true,
        sourceMap: true,
        bundleAwsSDK: true,
        tsconfig: path.join(props.projectRoot, 'tsconfig.json'),
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // Paths relative to the project root work for local and Docker bundling alike.
          afterBundling: (inputDir, outputDir) =>
            copies.map((copied) =>
              copyCommand(
                path.join(inputDir, path.relative(props.projectRoot, copied.from)),
                path.join(outputDir, copied.to),
              ),
            ),
        },
      },
    });
    acknowledgeNag(
      this.function,
      'L1',
      'auditlake runs on Node.js 22, the runtime its code and tests target; moving to a newer runtime is a deliberate upgrade, not a synth-time default.',
    );
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      acknowledgeNag(
        policy,
        'IAM5[Resource::*]',
        'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions.',
      );
    }
  }
}

/** A portable recursive copy that skips a missing source: Node is there wherever esbuild runs. */
function copyCommand(from: string, to: string): string {
  const script =
    "const fs = require('node:fs'); const [from, to] = process.argv.slice(1); if (fs.existsSync(from)) fs.cpSync(from, to, { recursive: true })";
  return `node -e "${script}" ${JSON.stringify(from)} ${JSON.stringify(to)}`;
}
