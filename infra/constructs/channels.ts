import { Duration, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import { CHANNEL_RECORDS, OUTCOME_COUNTS } from './channel-health.js';
import { ChannelSecrets } from './channel-secrets.js';
import { EVENT_MEMORY_MB, PaymentsFunction, STREAM_TIMEOUT } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** Name of the secret holding the sandbox channel's webhook signing secret(s), comma-separated. */
export const SANDBOX_WEBHOOK_SECRET_NAME = 'payments/channels/sandbox/webhook-secrets';

/**
 * Default sandbox PSP endpoint when the `sandboxPspUrl` context is not set. `.invalid` (RFC 2606) never
 * resolves, so a deployment that forgot to configure the PSP fails loudly instead of calling a stranger;
 * the local runtime overrides the variable with its simulator's URL.
 */
export const DEFAULT_SANDBOX_PSP_URL = 'https://sandbox-psp.invalid';

/**
 * Seconds after a submission before its channel is asked about it, per channel (context
 * `channelCheckDelays` overrides): a sandbox payment settles in about a second; real channels notify
 * within minutes, and a QR-code payment (Alipay, WeChat Pay) waits for its customer to scan.
 */
export const CHANNEL_CHECK_DELAYS = 'sandbox=120,stripe=600,alipay=900,wechatpay=900';

const CALLBACK_IS_PUBLIC =
  'Channel webhooks carry no merchant credentials by contract; the handler authenticates each delivery by the channel signature (HMAC-SHA256 over timestamp and raw body, 300 s tolerance) before changing anything.';

/** Props of {@link Channels}. */
export interface ChannelsProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
}

/**
 * Everything between us and the payment channels (PSPs): the signed webhook endpoint that applies
 * their outcomes, and the stream consumer that submits new payments and refunds to them.
 */
export class Channels extends Construct {
  readonly callbackFunction: PaymentsFunction;
  readonly dispatchFunction: PaymentsFunction;
  /** Stream batches that failed every retry land here (as pointers to the stream records). */
  readonly dispatchDeadLetterQueue: sqs.Queue;
  readonly sandboxWebhookSecret: secretsmanager.Secret;
  /** The vendor channels' credentials (Stripe, Alipay, WeChat Pay), read at run time. */
  readonly secrets: ChannelSecrets;
  /** Delayed status checks of submissions a channel has not settled (docs/architecture.md "Channel checks"). */
  readonly checkFunction: PaymentsFunction;
  readonly checksQueue: sqs.Queue;
  /** Checks still unresolved after every retry: ops look, and a redrive asks the channel again. */
  readonly checksDeadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ChannelsProps) {
    super(scope, id);
    const { api, table } = props;

    this.secrets = new ChannelSecrets(this, 'Secrets');
    this.sandboxWebhookSecret = new secretsmanager.Secret(this, 'SandboxWebhookSecrets', {
      secretName: SANDBOX_WEBHOOK_SECRET_NAME,
      description: 'Sandbox channel webhook signing secrets, comma-separated (several during a rotation)',
      // No punctuation: the value is a comma-separated list, so a generated comma would split a secret.
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.sandboxWebhookSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'A webhook signing secret is shared with the channel, so it cannot be rotated by a Lambda alone: rotation is a coordinated procedure (append the new value, redeploy, switch the channel, remove the old value).',
    });

    this.callbackFunction = new PaymentsFunction(this, 'CallbackFunction', {
      entry: 'channels/callback',
      description: 'POST /v1/channels/{channel}/callbacks: verify the signature, apply the outcome',
      // The consumers' size, not the API's: its time is the wait on core's function (about 40 ms, billed at
      // this size) against 2-3 ms of CPU (a signature check), and the channel on the other end waits
      // seconds for an answer, not milliseconds. At 256 MB a notification costs a third of its price at
      // 1,024 MB (test/bench's model: 0.014 against 0.043 GB-s), for about 15 ms more CPU time and a
      // cold start of about 0.4 s that no channel's retry policy notices.
      memorySize: EVENT_MEMORY_MB,
      environment: {
        // A CloudFormation dynamic reference, resolved at deploy time into the function's configuration.
        // Trade-off: the secret is visible to whoever can read the function configuration, and a rotation
        // means appending the new value to the secret and redeploying; in exchange the hot path makes no
        // Secrets Manager call, bundles no Secrets Manager client and cannot fail on it.
        SANDBOX_WEBHOOK_SECRETS: this.sandboxWebhookSecret.secretValue.unsafeUnwrap(),
      },
    });
    // Every vendor's notifications are verified with that vendor's keys.
    this.secrets.grantRead(this.callbackFunction, { calls: false });
    // No table access: the outcome is applied by core's function (ChannelsStack's useFunction), an Alipay
    // refund notify's cumulative amount included.
    api.addPublicRoute(
      apigw.HttpMethod.POST,
      '/v1/channels/{channel}/callbacks',
      this.callbackFunction,
      CALLBACK_IS_PUBLIC,
    );

    this.dispatchDeadLetterQueue = new sqs.Queue(this, 'DispatchDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time for ops to notice the alarm and redrive.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.dispatchDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself a dead-letter queue: the on-failure destination of the dispatch event source mapping (cdk-nag only recognises redrive-policy DLQs).',
    });

    this.checksDeadLetterQueue = new sqs.Queue(this, 'ChannelChecksDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.checksQueue = new sqs.Queue(this, 'ChannelChecksQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // 6 × the checker's timeout (AWS's recommendation for a Lambda event source).
      visibilityTimeout: Duration.seconds(STREAM_TIMEOUT.toSeconds() * 6),
      deadLetterQueue: { queue: this.checksDeadLetterQueue, maxReceiveCount: 5 },
    });
    const checks = {
      CHANNEL_CHECKS_QUEUE_URL: this.checksQueue.queueUrl,
      // Seconds after a submission before the channel is asked (SQS delays up to 900 s).
      CHANNEL_CHECK_DELAYS: scope.node.tryGetContext('channelCheckDelays') ?? CHANNEL_CHECK_DELAYS,
    };

    this.dispatchFunction = new PaymentsFunction(this, 'DispatchFunction', {
      entry: 'channels/dispatch',
      description: 'Table stream: submit new payments and refunds to their channel',
      timeout: STREAM_TIMEOUT,
      memorySize: EVENT_MEMORY_MB,
      otherWildcardResourceReason:
        "The DynamoDB stream event source needs dynamodb:ListStreams, which does not support resource-level permissions; reading records is limited to this table's stream ARN.",
      environment: {
        TABLE_NAME: table.tableName,
        SANDBOX_PSP_URL: scope.node.tryGetContext('sandboxPspUrl') ?? DEFAULT_SANDBOX_PSP_URL,
        ...checks,
      },
    });
    this.secrets.grantRead(this.dispatchFunction, { calls: true });
    // Alipay's and WeChat Pay's requests name where they notify us: this API's callback route.
    this.dispatchFunction.addEnvironment('CHANNEL_CALLBACK_BASE_URL', api.url);
    // No item of core's: where a payment stands is asked of core's object-states function (once per batch),
    // and its failover, its failure and a status query's outcome are written by core's apply-channel-outcomes
    // (both through ChannelsStack's useFunction).
    this.checksQueue.grantSendMessages(this.dispatchFunction);
    // The channels' breakers and settings (read in one BatchGetItem, a breaker stepped by a conditional
    // PutItem) and the per-batch unavailability counts (UpdateItem ADD).
    table.grantItemActionsOnKeys(
      this.dispatchFunction,
      ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
      [CHANNEL_RECORDS],
    );
    table.grantItemActionsOnKeys(this.dispatchFunction, ['dynamodb:UpdateItem'], [OUTCOME_COUNTS]);
    this.dispatchFunction.invocable.addEventSource(
      new DynamoEventSource(table, {
        // Never skip a record: each new payment must reach its channel exactly as committed.
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 25,
        // Submit as soon as a payment is written: the client is waiting for the channel's outcome.
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: 5,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.dispatchDeadLetterQueue),
        // Only new payments and refunds need a channel; status updates and idempotency records do not
        // cost an invocation, and neither does a payment stored failed at create (no channel could take
        // it: it is inserted `failed`, not `processing`).
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: {
              NewImage: {
                entity: { S: lambda.FilterRule.or('payment', 'refund') },
                status: { S: lambda.FilterRule.or('processing', 'pending') },
              },
            },
          }),
        ],
      }),
    );

    this.checkFunction = new PaymentsFunction(this, 'CheckFunction', {
      entry: 'channels/check',
      description:
        'Channel checks queue: ask the channel about a submission still processing, apply what it says',
      timeout: STREAM_TIMEOUT,
      memorySize: EVENT_MEMORY_MB,
      environment: {
        SANDBOX_PSP_URL: scope.node.tryGetContext('sandboxPspUrl') ?? DEFAULT_SANDBOX_PSP_URL,
        ...checks,
        CHANNEL_CHECKS_DEAD_LETTER_QUEUE_URL: this.checksDeadLetterQueue.queueUrl,
        CHANNEL_CHECK_MAX: '3',
      },
    });
    // No table access: the object checked is read by core's object-states function (once per batch), and
    // failing a lost submission or applying a found outcome is core's apply-channel-outcomes' write (both
    // through ChannelsStack's useFunction).
    // It asks each vendor channel about its submissions, with that vendor's credentials.
    this.secrets.grantRead(this.checkFunction, { calls: true });
    this.checkFunction.addEnvironment('CHANNEL_CALLBACK_BASE_URL', api.url);
    this.checksQueue.grantSendMessages(this.checkFunction);
    this.checksDeadLetterQueue.grantSendMessages(this.checkFunction);
    this.checkFunction.invocable.addEventSource(
      // A check is due minutes after its submission: waiting up to 5 s more to fill a batch costs nobody
      // anything and, at volume, one invocation and one delete per 10 checks.
      new SqsEventSource(this.checksQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
      }),
    );
  }
}
