import { Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_QUEUE_NAME } from '../../shared/dead-letters/env.js';
import type { PaymentsApi } from './api.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** A dead-letter queue ops may inspect, and the queues whose redrive policy feeds it. */
export interface DeadLetterQueueEntry {
  /** Ops name in routes (`/v1/ops/dead-letter-queues/{name}`): lower-case, hyphenated. */
  readonly name: string;
  readonly queue: sqs.IQueue;
  /** Empty for a stream event source mapping's on-failure destination (SQS cannot redrive those). */
  readonly sources: readonly sqs.IQueue[];
  /**
   * The queue a redrive names as its destination, for a DLQ whose messages Lambda put there (asynchronous
   * invocation): they carry no source queue for SQS to send them back to.
   */
  readonly redriveTo?: sqs.IQueue;
}

export interface DeadLettersProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  /**
   * Every DLQ of the app, imported from the stacks that own them (SSM parameters): the stream on-failure
   * destinations (dispatch, publisher), the channel checks' (a redrive asks the channel again), each
   * event consumer's, named after it (deadLetterQueueName), and the usage aggregator's.
   */
  readonly queues: readonly DeadLetterQueueEntry[];
}

/** `ReconciliationRunsDeadLetterQueue` → `reconciliation-runs`, `MerchantWebhooksDeadLetterQueue` → `merchant-webhooks`. */
export function deadLetterQueueName(constructId: string): string {
  return constructId
    .replace(/DeadLetterQueue$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

const BASE = '/v1/ops/dead-letter-queues';

/**
 * Ops routes over the app's dead-letter queues: list them with their depth, peek at messages, redrive a
 * DLQ to its source queues with an SQS move task, list its move tasks. One function per route, each granted
 * only the SQS actions it calls, on exactly these queues:
 * - list: GetQueueAttributes on the DLQs;
 * - messages: ReceiveMessage on the DLQs (a peek with visibility 0; never DeleteMessage);
 * - redrive: StartMessageMoveTask on the redrivable DLQs, plus what the move task does on the caller's
 *   behalf (SQS Developer Guide, DLQ redrive permissions): ReceiveMessage, DeleteMessage and
 *   GetQueueAttributes on the DLQ, SendMessage on the destination, here the source queues; and
 *   ListMessageMoveTasks, to tell a refusal because a task already runs (409) from any other;
 * - redrives: ListMessageMoveTasks on the DLQs.
 * The queues reach the functions as `DEAD_LETTER_QUEUES` (JSON: name → { url, arn, sources }), so no
 * function lists queues (sqs:ListQueues has no resource-level permission).
 */
export class DeadLetters extends Construct {
  readonly listQueuesFunction: PaymentsFunction;
  readonly peekMessagesFunction: PaymentsFunction;
  readonly redriveFunction: PaymentsFunction;
  readonly listRedrivesFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: DeadLettersProps) {
    super(scope, id);
    const { api, table } = props;
    const queues = props.queues;
    const names = new Set<string>();
    for (const q of queues) {
      if (!DEAD_LETTER_QUEUE_NAME.test(q.name))
        throw new Error(`dead-letter queue name ${q.name} is not valid`);
      if (names.has(q.name)) throw new Error(`two dead-letter queues are named ${q.name}`);
      names.add(q.name);
    }
    const registry = Object.fromEntries(
      queues.map((q) => [
        q.name,
        {
          url: q.queue.queueUrl,
          arn: q.queue.queueArn,
          sources: q.sources.map((s) => s.queueName),
          ...(q.redriveTo ? { redriveTo: q.redriveTo.queueArn } : {}),
        },
      ]),
    );
    const environment = {
      TABLE_NAME: table.tableName,
      DEAD_LETTER_QUEUES: Stack.of(this).toJsonString(registry),
    };
    const allDlqs = queues.map((q) => q.queue.queueArn);
    const redrivable = queues.filter((q) => q.sources.length > 0);
    const grant = (fn: PaymentsFunction, actions: string[], resources: string[]) => {
      if (resources.length > 0) fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources }));
    };
    const route = (functionId: string, entry: string, method: apigw.HttpMethod, path: string) =>
      api.addKeyedFunction(functionId, method, path, { entry, environment });

    this.listQueuesFunction = route(
      'ListDeadLetterQueuesFunction',
      'api/list-dead-letter-queues',
      apigw.HttpMethod.GET,
      BASE,
    );
    grant(this.listQueuesFunction, ['sqs:GetQueueAttributes'], allDlqs);
    // The ops overview on the same function (its dead-letter depths are these queues'); its other figures
    // are asked of their owners' functions, which the console's stack lets it invoke (shared/ops/overview.ts).
    api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/overview', this.listQueuesFunction);

    this.peekMessagesFunction = route(
      'ListDeadLetterMessagesFunction',
      'api/list-dead-letter-messages',
      apigw.HttpMethod.GET,
      `${BASE}/{name}/messages`,
    );
    grant(this.peekMessagesFunction, ['sqs:ReceiveMessage'], allDlqs);

    this.redriveFunction = route(
      'RedriveDeadLetterQueueFunction',
      'api/redrive-dead-letter-queue',
      apigw.HttpMethod.POST,
      `${BASE}/{name}/redrive`,
    );
    grant(
      this.redriveFunction,
      [
        'sqs:StartMessageMoveTask',
        'sqs:ListMessageMoveTasks',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
      ],
      redrivable.map((q) => q.queue.queueArn),
    );
    grant(
      this.redriveFunction,
      ['sqs:SendMessage'],
      [...new Set(redrivable.flatMap((q) => q.sources.map((s) => s.queueArn)))],
    );

    this.listRedrivesFunction = route(
      'ListDeadLetterRedrivesFunction',
      'api/list-dead-letter-redrives',
      apigw.HttpMethod.GET,
      `${BASE}/{name}/redrives`,
    );
    grant(this.listRedrivesFunction, ['sqs:ListMessageMoveTasks'], allDlqs);
  }
}
