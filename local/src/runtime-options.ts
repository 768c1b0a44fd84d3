/**
 * What `startLocalRuntime` (runtime.ts) takes, the running runtime it answers, and the one account
 * and region every emulated resource lives in.
 */
import type { LocalConfig } from './config.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import type { StepFunctionsExecutor } from './stepfunctions.js';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export interface LocalRuntimeOptions {
  /** The system's configuration (seed items, secrets, simulators); default: read from `configFile`. */
  readonly config?: LocalConfig;
  /** Default: `local.config.json` at the project root. */
  readonly configFile?: string;
  /** HTTP port; 0 picks a free one. Default: `PORT` or 3000. */
  readonly port?: number;
  /**
   * Keep what AWS and a real PSP would keep across restarts, under `dataDir`: DynamoDB Local's data and
   * the stream positions, queue messages, Step Functions executions, the sandbox PSP's books and pending
   * callbacks, S3 objects and the event archive.
   */
  readonly persist?: boolean;
  /** Where `persist` keeps its data. Default: `.local` in the project. */
  readonly dataDir?: string;
  /**
   * Run `cdk synth` first: true always, false never (the existing `cdk.out`), default only when the
   * sources differ from those `cdk.out` was synthesized from (their content hash, see synth.ts).
   */
  readonly synth?: boolean;
  /** Print only errors: no banner, no request log, no function logs. */
  readonly quiet?: boolean;
  /** Application log level of every function (e.g. `INFO`); default: the template's (WARN). */
  readonly logLevel?: string;
  /** Variables added to every function's environment (tests only). */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /** Sandbox PSP callback delay. Default: `SANDBOX_CALLBACK_DELAY_MS` or 1000. */
  readonly callbackDelayMs?: number;
  /**
   * Caps every queue's visibility timeout (seconds), for tests that need a failing message dead-lettered in
   * seconds rather than after maxReceiveCount × the template's minutes. Default: the template's values.
   */
  readonly maxVisibilityTimeoutSeconds?: number;
  /** Scales state machines' retry intervals and waits (tests: 0.01 turns seconds into tens of ms). Default 1. */
  readonly stepFunctionsTimeScale?: number;
  /**
   * Log subscription filters (CloudWatch Logs → Lambda): how long lines wait for their batch (default
   * 1000 ms), retry delay, and `deliverTwice` to deliver every batch twice (at-least-once, for tests).
   */
  readonly logSubscriptions?: {
    readonly batchWindowMs?: number;
    readonly retryDelayMs?: number;
    readonly deliverTwice?: boolean;
  };
  /**
   * Execution environments a function may have at once (Lambda's concurrency per function). Beyond it an
   * invocation waits for an environment to be free, where Lambda would start one more. Default:
   * `LOCAL_LAMBDA_CONCURRENCY` or DEFAULT_LAMBDA_CONCURRENCY (lambda-runner.ts).
   */
  readonly lambdaConcurrency?: number;
  /**
   * How long a stream or queue poller may wait for a moment with no API request in flight before it
   * fetches its next batch (request-gate.ts); 0 never waits. Default: `LOCAL_BACKGROUND_DEFER_MS` or 1000.
   */
  readonly backgroundDeferMs?: number;
  /** Caps every SQS mapping's batching window (seconds), for the same kind of test. Default: the template's. */
  readonly maxBatchingWindowSeconds?: number;
  readonly assemblyDir?: string;
  /** Load only this stack of the assembly (an artifact id); default: every stack. */
  readonly stackName?: string;
  /**
   * Run only these stacks' functions and wiring (and the foundation's) against every stack's resources
   * (`--only`, only.ts). Default: all of them.
   */
  readonly only?: readonly string[];
  readonly log?: Logger;
  /**
   * Counts what the emulated services would bill (API requests, invocations and durations, PutEvents
   * entries, SQS requests); the bench passes one. Absent, nothing is counted.
   */
  readonly metering?: LocalMetering;
  /**
   * Puts something between the functions and DynamoDB Local: given DynamoDB Local's endpoint and a
   * function, returns the endpoint that function uses (the bench's capacity-metering proxy). The
   * runtime's own clients (tables, seeding, stream polling) keep the direct endpoint.
   */
  readonly functionsDynamoEndpoint?: (dynamoEndpoint: string, functionLogicalId: string) => Promise<string>;
}

export interface LocalRuntime {
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly tableName: string;
  /** The system's name (configuration): the ready line is `<name> API listening on <url>`. */
  readonly name: string;
  /** The sandbox PSP's URL, or '' when the configuration starts no sandbox PSP. */
  readonly pspUrl: string;
  /** The channel simulators' URLs by channel (`stripe`, `alipay`, `wechatpay`), those configured. */
  readonly channelUrls: Readonly<Record<string, string>>;
  /** The local SQS endpoint (AWS JSON protocol); queue URLs are `<sqsEndpoint>/000000000000/<name>`. */
  readonly sqsEndpoint: string;
  /** The local EventBridge endpoint (PutEvents). */
  readonly eventBridgeEndpoint: string;
  /** The local S3 endpoint (path-style: `<s3Endpoint>/<bucket>/<key>`). */
  readonly s3Endpoint: string;
  /** The local Step Functions endpoint (AWS JSON 1.0); state machine ARNs are `arn:aws:states:us-east-1:000000000000:stateMachine:<name>`. */
  readonly stepFunctionsEndpoint: string;
  /** The template's state machines, with their local ARNs, and the executor that runs them. */
  readonly stepFunctions: StepFunctionsExecutor;
  /** The template's buckets by logical id, with their local names. */
  readonly buckets: readonly { readonly logicalId: string; readonly name: string }[];
  /** Milliseconds from the call to ready (synthesis included). */
  readonly startupMs: number;
  /** The stacks whose functions run (artifact ids, dependency order). */
  readonly stacks: readonly string[];
  /** Delivers the log lines waiting for their subscription batch now, and waits for every delivery. */
  flushLogs(): Promise<void>;
  /** Stops everything this runtime started; safe to call twice. */
  stop(): Promise<void>;
}
