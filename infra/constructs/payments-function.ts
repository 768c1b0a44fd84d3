import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { stageOf } from '../stages.js';
import { FunctionDeployment } from './canary.js';
import { bundledCode } from './function-bundles.js';

/**
 * Absolute path of a handler file under `functions/`, e.g. `functionEntry('api/health')`.
 * Resolved from this file rather than the working directory so that tests and `cdk synth` agree.
 */
export function functionEntry(relativePath: string): string {
  return fileURLToPath(new URL(`../../functions/${relativePath}.ts`, import.meta.url));
}

/** Request/response handlers answer a client that is waiting: fail fast, well under API Gateway's 30 s. */
export const API_TIMEOUT = Duration.seconds(10);
/** Stream consumers call a channel over the network for a batch of records: allow more headroom. */
export const STREAM_TIMEOUT = Duration.seconds(30);

const XRAY_WILDCARD_REASON =
  'X-Ray active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so their resource must be "*".';

/** What varies between payments Lambdas; everything else is a house default. */
export interface PaymentsFunctionProps {
  /** Handler file path relative to `functions/`, without extension (e.g. `api/create-payment`). */
  readonly entry: string;
  /** One line for the console and the template. */
  readonly description: string;
  /** @default API_TIMEOUT (10 s) */
  readonly timeout?: Duration;
  /** Function-specific environment, merged over the shared Powertools/source-map variables. */
  readonly environment?: Record<string, string>;
  /**
   * Why this function also needs actions whose resource must be `*` (beyond X-Ray), e.g. a stream
   * consumer's `dynamodb:ListStreams`. Recorded in the cdk-nag IAM5 acknowledgement of its role.
   */
  readonly otherWildcardResourceReason?: string;
  /** @default API_MEMORY_MB; event consumers take EVENT_MEMORY_MB */
  readonly memorySize?: number;
  /** A log group shared with other functions (the API's); @default one of its own */
  readonly logGroup?: logs.ILogGroup;
  /** Writes more files next to the bundle at bundling time (function-bundles.ts); @default none */
  readonly addFiles?: (outputDir: string) => void;
}

/** API functions: a client waits, so CPU (init, hashing, HMAC) is bought with memory. */
export const API_MEMORY_MB = 1024;
/**
 * Stream and queue consumers: nobody waits on them to the millisecond, and their time goes to DynamoDB,
 * EventBridge and HTTP round trips that more CPU does not shorten. Below 1,769 MB a function's CPU work
 * costs the same GB-seconds at any size (it runs longer on a smaller share) while every wait is billed
 * at the function's size: a quarter of the API size halves the waits' cost of 512 MB (the dispatcher's
 * PSP call and the webhook consumer's deliveries wait about 100 ms each) for 7× the CPU time per ms of
 * work, a few tens of ms per batch that nobody waits on.
 */
export const EVENT_MEMORY_MB = 256;

/**
 * "A payments Lambda": one place for the defaults every function of this system shares, so that
 * a handler's wiring only states what is special about it (entry, timeout, environment, grants).
 *
 * - nodejs22.x on arm64 (Graviton: ~20% cheaper per GB-second than x86 for the same work).
 * - 1024 MB for API functions: Lambda allocates CPU in proportion to memory; at 1 GB the init phase
 *   (parsing a ~100-300 KB bundle with the SDK inside) and crypto work (SHA-256, HMAC) run roughly twice
 *   as fast as at 512 MB, and a client is waiting. Event consumers take 256 MB (EVENT_MEMORY_MB). Revisit
 *   both with Lambda Power Tuning once real traffic exists.
 * - esbuild: minified ESM `index.mjs` (handler `index.handler`) with source maps, AWS SDK v3
 *   bundled rather than taken from the runtime, so the version is pinned by our lock file and the
 *   bundle size we measure is the size we ship. All functions are bundled by one esbuild build
 *   (function-bundles.ts), not one per function.
 * - X-Ray active tracing; a log group created here with one-month retention (no log-retention
 *   custom resource), or the one given (the API's functions share one), and an execution role that may
 *   write to that log group only.
 * - Released through an alias `live` that CodeDeploy shifts from the running version to each new one
 *   (canary.ts: per stage and service, rolled back on the alias's alarms). Invokers target
 *   {@link invocable}, never the function itself, or they would run every new version at once.
 */
export class PaymentsFunction extends lambda.Function {
  /** Its handler (`api/create-payment`): which service it belongs to, so which items it may touch. */
  readonly entry: string;
  /** The version this synthesis publishes (a new one whenever the code or configuration changes). */
  readonly version: lambda.Version;
  /** `live`: the version traffic goes to, moved by CodeDeploy. */
  readonly alias: lambda.Alias;
  /** The deployment group that moves `live`, and its rollback alarms. */
  readonly deployment: FunctionDeployment;

  constructor(scope: Construct, id: string, props: PaymentsFunctionProps) {
    const logGroup =
      props.logGroup ??
      new logs.LogGroup(scope, `${id}Logs`, {
        retention: stageOf(scope).logRetention,
        // Logs are diagnostic, not records of payments: the table and its PITR are the system of record.
        removalPolicy: RemovalPolicy.DESTROY,
      });
    // An explicit role instead of the AWSLambdaBasicExecutionRole managed policy, whose
    // logs:* statements apply to every log group of the account.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });

    super(scope, id, {
      code: bundledCode(functionEntry(props.entry), props.addFiles),
      handler: 'index.handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? API_MEMORY_MB,
      timeout: props.timeout ?? API_TIMEOUT,
      tracing: lambda.Tracing.ACTIVE,
      logGroup,
      // Lambda filters by level before CloudWatch ingests (billed per GB), so a healthy payment writes no
      // log line at all: JSON format, application logs from WARN (Powertools Logger follows
      // AWS_LAMBDA_LOG_LEVEL, which Lambda sets from this), and system logs from WARN, which drops the
      // START and REPORT lines of every invocation (duration and memory stay in the Lambda metrics).
      // Per function, for an investigation: `aws lambda update-function-configuration --logging-config
      // ApplicationLogLevel=DEBUG` (or `npm start -- --log-level INFO` locally).
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: stageOf(scope).applicationLogLevel,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'payments',
        ...props.environment,
      },
    });

    this.entry = props.entry;
    logGroup.grantWrite(role);

    this.version = this.currentVersion;
    this.alias = new lambda.Alias(this, 'Live', { aliasName: 'live', version: this.version });
    // Every API function runs with the API's timeout, and every consumer with a longer one.
    const timeout = props.timeout ?? API_TIMEOUT;
    this.deployment = new FunctionDeployment(this, 'Deployment', {
      alias: this.alias,
      kind: timeout.toSeconds() <= API_TIMEOUT.toSeconds() ? 'api' : 'event',
      timeout,
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: [XRAY_WILDCARD_REASON, props.otherWildcardResourceReason].filter(Boolean).join(' '),
    });
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose: it is the runtime the local runtime, tests and bundles (target node22) are verified against; moving to a newer runtime is a deliberate, tested change.',
    });
  }

  /**
   * The invocable target of this function, for integrations, event source mappings, Step Functions
   * tasks, subscription filters and invoke permissions: the `live` alias.
   */
  get invocable(): lambda.Alias {
    return this.alias;
  }
}
