import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { ChannelSecrets } from './channel-secrets.js';
import { DEFAULT_SANDBOX_PSP_URL } from './channels.js';
import type { EventConsumer, Events } from './events.js';
import { API_MEMORY_MB, type PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** A run of a million-row statement takes seconds; Lambda's limit leaves room for a slow channel. */
const RUN_TIMEOUT = Duration.minutes(15);
/** A run that failed this many times is marked failed and dead-lettered (alarm). */
const RUN_MAX_RECEIVES = 3;
/** Statements are records of what a channel said: kept a little over a year (audits, disputes). */
const STATEMENT_RETENTION = Duration.days(400);
/** An upload replaces a statement; the replaced one stays recoverable this long. */
const REPLACED_STATEMENT_RETENTION = Duration.days(90);

export interface ReconciliationProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly events: Events;
  /** The vendor channels' credentials: runs fetch each channel's statement with them. */
  readonly channelSecrets?: ChannelSecrets;
}

/**
 * Reconciliation (contract: Reconciliation (ops)): the statements bucket, the ops routes, the run
 * consumer (fed by `ReconciliationRunStarted`, which the stream publisher announces when a run is
 * created) and the daily schedule that starts yesterday's runs.
 */
export class Reconciliation extends Construct {
  readonly bucket: s3.Bucket;
  readonly runs: EventConsumer;
  readonly uploadFunction: PaymentsFunction;
  /** Releases a payment's hold: the stack lets it invoke risk's `set-holds`. */
  readonly resolveFunction: PaymentsFunction;
  readonly schedule: events.Rule;

  constructor(scope: Construct, id: string, props: ReconciliationProps) {
    super(scope, id);
    const { api, table } = props;
    const tableEnv = { TABLE_NAME: table.tableName };

    this.bucket = new s3.Bucket(this, 'StatementsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          id: 'statements',
          expiration: STATEMENT_RETENTION,
          noncurrentVersionExpiration: REPLACED_STATEMENT_RETENTION,
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // Statements are evidence in disputes with a channel: never deleted with the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Reads and writes come only from this stack’s two functions (their CloudTrail data events and logs record them); a server access log bucket would log those same requests again.',
    });

    this.uploadFunction = api.addKeyedFunction(
      'UploadStatementFunction',
      apigw.HttpMethod.POST,
      '/v1/ops/reconciliation/statements',
      {
        entry: 'api/upload-statement',
        environment: { ...tableEnv, STATEMENTS_BUCKET: this.bucket.bucketName },
      },
    );
    this.grantStatements(this.uploadFunction, ['s3:PutObject']);

    const start = api.addKeyedFunction(
      'StartReconciliationRunFunction',
      apigw.HttpMethod.POST,
      '/v1/ops/reconciliation/runs',
      {
        entry: 'api/start-reconciliation-run',
        environment: tableEnv,
      },
    );
    // One conditional PutItem at the Idempotency-Key slot is the run and its idempotency record.
    table.grantItemActions(start, 'dynamodb:PutItem');

    const getRun = api.addKeyedFunction(
      'GetReconciliationRunFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/reconciliation/runs/{id}',
      {
        entry: 'api/get-reconciliation-run',
        environment: tableEnv,
      },
    );
    // The runs' list on the same function (a route costs the stack less than a function): the entries of
    // RUNS#reconciliation, then the page's runs.
    api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/reconciliation/runs', getRun);
    table.grantItemActionsOnKeys(getRun, ['dynamodb:Query'], ['RUNS#reconciliation']);
    table.grantItemActionsOnKeys(getRun, ['dynamodb:BatchGetItem'], ['OBJ#*']);

    const list = api.addKeyedFunction(
      'ListDiscrepanciesFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/reconciliation/runs/{id}/discrepancies',
      {
        entry: 'api/list-reconciliation-discrepancies',
        environment: tableEnv,
      },
    );
    table.grantItemActions(list, 'dynamodb:Query');

    const resolve = api.addKeyedFunction(
      'ResolveDiscrepancyFunction',
      apigw.HttpMethod.POST,
      '/v1/ops/reconciliation/discrepancies/{id}/resolve',
      {
        entry: 'api/resolve-discrepancy',
        environment: tableEnv,
      },
    );
    this.resolveFunction = resolve;
    // The guarded status update, and the release of the payment it held (its `reconHolds`; risk's
    // `set-holds` releases the hold itself).
    table.grantItemActions(resolve, 'dynamodb:UpdateItem');

    this.runs = props.events.addConsumer('ReconciliationRuns', {
      entry: 'events/reconcile-run',
      description: 'ReconciliationRunStarted and the daily schedule: reconcile a channel-day',
      detailTypes: ['ReconciliationRunStarted'],
      environment: {
        ...tableEnv,
        STATEMENTS_BUCKET: this.bucket.bucketName,
        SANDBOX_PSP_URL: scope.node.tryGetContext('sandboxPspUrl') ?? DEFAULT_SANDBOX_PSP_URL,
        RUNS_MAX_RECEIVE_COUNT: String(RUN_MAX_RECEIVES),
      },
      // One run per invocation: a run may take minutes and holds a channel-day's index in memory.
      batchSize: 1,
      timeout: RUN_TIMEOUT,
      maxReceiveCount: RUN_MAX_RECEIVES,
      // Parsing and classifying a million rows is CPU work (~1 vCPU-second); the index takes ~130 MB.
      memorySize: API_MEMORY_MB,
    });
    const { fn, queue } = this.runs;
    props.channelSecrets?.grantRead(fn, { calls: true });
    // Findings (Query, GetItem), runs (Put, Update), findings (BatchWriteItem), repairs through the
    // callback's transitions (UpdateItem; a refund's is a transaction) and holds; the channel-day's
    // outcomes are the payments and refunds themselves, read from GSI3.
    table.grantIndexActions(fn, 'GSI3', 'dynamodb:Query');
    table.grantItemActions(
      fn,
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
    );
    this.grantStatements(fn, ['s3:GetObject']);
    // ListBucket on the statements prefix only: without it a missing statement answers 403, not 404, and
    // the run could not tell "none uploaded, ask the channel" from a denial.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['statements/*'] } },
      }),
    );

    this.schedule = new events.Rule(this, 'DailySchedule', {
      // 02:30 UTC is 10:30 Beijing time: Alipay's and WeChat Pay's bills of the day before are out (from
      // 10:00), and the runs still end before settlement's schedule at 03:00.
      description: 'Every day at 02:30 UTC: reconcile, per channel, the latest day its statement is ready',
      schedule: events.Schedule.cron({ minute: '30', hour: '2' }),
      targets: [new targets.SqsQueue(queue)],
    });
  }

  /** Object actions on `statements/*` only; S3 object ARNs need the wildcard, which cdk-nag is told. */
  private grantStatements(fn: PaymentsFunction, actions: string[]): void {
    fn.addToRolePolicy(
      new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects('statements/*')] }),
    );
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(fn.role as iam.Role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/statements/*]`,
      reason: `${actions.join(', ')} on the statement objects (statements/<channel>/<date>.csv) of this bucket only: an object ARN names its keys with a wildcard.`,
    });
  }
}
