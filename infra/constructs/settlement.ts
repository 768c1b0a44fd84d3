import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { EVENT_SOURCE } from '../../shared/schemas/events.js';
import { stageOf } from '../stages.js';
import type { PaymentsApi } from './api.js';
import { DEFAULT_SANDBOX_PSP_URL } from './channels.js';
import type { Events } from './events.js';
import type { Monitoring } from './monitoring.js';
import { PaymentsFunction, STREAM_TIMEOUT } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

/** Merchants settled at once: bounded, so a run never floods the table or the bank. */
const MERCHANT_CONCURRENCY = 10;
const PAYOUT_CONCURRENCY = 5;
/** A merchant-day of a million line items is read and summed in well under this. */
const SETTLE_TIMEOUT = Duration.minutes(10);
/**
 * A merchant's day is summed in the function (hundreds of thousands of line items: CPU work), and it
 * runs once per merchant a day, so the tasks keep twice the event consumers' memory (EVENT_MEMORY_MB).
 */
const SETTLEMENT_MEMORY_MB = 512;

export interface SettlementProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
  readonly events: Events;
  readonly monitoring: Monitoring;
}

/**
 * Settlement (contract: Settlement): a Standard state machine, started by the ops route and a daily
 * schedule. Transitions grow with merchants and their currencies, never with payments:
 *
 * StartRun → EachMerchant (Map, ≤ 10 at once) [SettleMerchant → EachSettlement (Map) [PayOut (retried;
 * Catch → RecordPayoutFailure) → PublishSettlementCompleted (EventBridge, no Lambda)]] → FinishRun;
 * a failure of the run → FailRun → Fail.
 */
export class Settlement extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: PaymentsFunction[] = [];
  /** The task that lists a run's merchants, the one that settles a merchant, and the CSV's route. */
  readonly startFunction: PaymentsFunction;
  readonly settleFunction: PaymentsFunction;
  readonly getSettlementFunction: PaymentsFunction;

  constructor(scope: Construct, id: string, props: SettlementProps) {
    super(scope, id);
    const { api, table, monitoring } = props;
    const tableEnv = { TABLE_NAME: table.tableName };
    const task = (
      name: string,
      entry: string,
      description: string,
      environment: Record<string, string> = tableEnv,
    ) => {
      const fn = new PaymentsFunction(this, `${name}Function`, {
        entry: `settlement/${entry}`,
        description,
        timeout: name === 'SettleMerchant' ? SETTLE_TIMEOUT : STREAM_TIMEOUT,
        memorySize: SETTLEMENT_MEMORY_MB,
        environment,
      });
      monitoring.watchFunction(fn);
      this.functions.push(fn);
      return fn;
    };
    const startFn = task('StartRun', 'start-run', 'Settlement: the merchants a run settles');
    this.startFunction = startFn;
    const settleFn = task('SettleMerchant', 'settle-merchant', 'Settlement: settle one merchant');
    this.settleFunction = settleFn;
    const payOutFn = task('PayOut', 'pay-out', 'Settlement: pay a settlement out', {
      ...tableEnv,
      SANDBOX_PSP_URL: scope.node.tryGetContext('sandboxPspUrl') ?? DEFAULT_SANDBOX_PSP_URL,
    });
    const failureFn = task(
      'RecordPayoutFailure',
      'record-payout-failure',
      'Settlement: a payout that failed',
    );
    const finishFn = task('FinishRun', 'finish-run', 'Settlement: how a run ended');
    // The run (GetItem; PutItem for the schedule's); the merchants are the gateway's (SettlementStack).
    table.grantItemActions(startFn, 'dynamodb:GetItem', 'dynamodb:PutItem');
    table.grantItemActions(
      settleFn,
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:ConditionCheckItem',
    );
    // Both read the settlement with one GetItem (settlementAt) before they pay it out or record a failure.
    table.grantItemActions(
      payOutFn,
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
    );
    table.grantItemActions(failureFn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem');
    table.grantItemActions(finishFn, 'dynamodb:GetItem', 'dynamodb:UpdateItem');

    const invoke = (name: string, fn: PaymentsFunction, props: Partial<tasks.LambdaInvokeProps> = {}) =>
      new tasks.LambdaInvoke(this, name, {
        lambdaFunction: fn.invocable,
        payloadResponseOnly: true,
        // Each task states its own retries below (the default retries every Lambda service error 6×).
        retryOnServiceExceptions: false,
        ...props,
      });
    const transient = { interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 3 };

    const failRun = invoke('FailRun', finishFn, {
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        error: sfn.JsonPath.objectAt('$.error'),
      }),
    }).next(new sfn.Fail(this, 'RunFailed', { error: 'SettlementRunFailed' }));

    const publish = new tasks.EventBridgePutEvents(this, 'PublishSettlementCompleted', {
      entries: [
        {
          eventBus: props.events.bus,
          source: EVENT_SOURCE,
          detailType: 'SettlementCompleted',
          detail: sfn.TaskInput.fromJsonPathAt('$.event'),
        },
      ],
      resultPath: sfn.JsonPath.DISCARD,
    });
    publish.addRetry({ errors: ['States.ALL'], ...transient });
    const payOut = invoke('PayOut', payOutFn);
    payOut.addRetry({
      errors: ['States.ALL'],
      interval: Duration.seconds(5),
      backoffRate: 2,
      maxAttempts: 3,
    });
    payOut.addCatch(
      invoke('RecordPayoutFailure', failureFn, {
        payload: sfn.TaskInput.fromObject({
          id: sfn.JsonPath.stringAt('$.id'),
          merchantId: sfn.JsonPath.stringAt('$.merchantId'),
          currency: sfn.JsonPath.stringAt('$.currency'),
          periodEnd: sfn.JsonPath.stringAt('$.periodEnd'),
          netAmount: sfn.JsonPath.numberAt('$.netAmount'),
          error: sfn.JsonPath.objectAt('$.error'),
        }),
      }),
      { errors: ['States.ALL'], resultPath: '$.error' },
    );
    const eachSettlement = new sfn.Map(this, 'EachSettlement', {
      itemsPath: '$.settled.settlements',
      maxConcurrency: PAYOUT_CONCURRENCY,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(payOut.next(publish));

    const settle = invoke('SettleMerchant', settleFn, { resultPath: '$.settled' });
    settle.addRetry({ errors: ['States.ALL'], ...transient });
    const eachMerchant = new sfn.Map(this, 'EachMerchant', {
      itemsPath: '$.merchants',
      maxConcurrency: MERCHANT_CONCURRENCY,
      itemSelector: {
        runId: sfn.JsonPath.stringAt('$.runId'),
        date: sfn.JsonPath.stringAt('$.date'),
        startedAt: sfn.JsonPath.stringAt('$.startedAt'),
        merchantId: sfn.JsonPath.stringAt('$$.Map.Item.Value.merchantId'),
      },
      resultPath: '$.results',
    }).itemProcessor(settle.next(eachSettlement));
    eachMerchant.addCatch(failRun, { errors: ['States.ALL'], resultPath: '$.error' });

    const start = invoke('StartRun', startFn);
    start.addRetry({ errors: ['States.ALL'], ...transient });
    const finish = invoke('FinishRun', finishFn, {
      payload: sfn.TaskInput.fromObject({
        runId: sfn.JsonPath.stringAt('$.runId'),
        results: sfn.JsonPath.objectAt('$.results'),
      }),
    });

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      retention: stageOf(this).logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(start.next(eachMerchant).next(finish)),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      comment: 'Settle every merchant for a date: figures, ledger, payout, SettlementCompleted',
    });

    // The tasks invoke the functions' `live` aliases: the grant names each alias's ARN, no wildcard.
    Validations.of(this.stateMachine.role as iam.Role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) and CloudWatch Logs delivery for the state machine (logs:CreateLogDelivery and the like) do not support resource-level permissions.',
    });

    monitoring.watchCount(
      'SettlementRunsFailedAlarm',
      this.stateMachine.metricFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
      'A settlement run failed: merchants of that date may be unsettled. See the execution and FailRun.',
    );
    monitoring.watchCount(
      'PayoutFailedAlarm',
      new cloudwatch.Metric({
        namespace: 'Payments',
        metricName: 'PayoutFailed',
        dimensionsMap: { service: 'settlement' },
        period: Duration.minutes(5),
        statistic: cloudwatch.Stats.SUM,
      }),
      'A settlement payout failed after every retry: the settlement is payout_failed; its net stays payable.',
    );

    new events.Rule(this, 'DailySchedule', {
      description: 'Every day at 03:00 UTC: settle yesterday',
      schedule: events.Schedule.cron({ minute: '0', hour: '3' }),
      targets: [
        new targets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject({ time: events.EventField.time }),
        }),
      ],
    });

    // Routes.
    const startRun = api.addKeyedFunction(
      'StartSettlementRunFunction',
      apigw.HttpMethod.POST,
      '/v1/ops/settlements/runs',
      {
        entry: 'api/start-settlement-run',
        environment: { ...tableEnv, SETTLEMENT_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
      },
    );
    table.grantItemActions(startRun, 'dynamodb:PutItem');
    this.stateMachine.grantStartExecution(startRun);
    const getRun = api.addKeyedFunction(
      'GetSettlementRunFunction',
      apigw.HttpMethod.GET,
      '/v1/ops/settlements/runs/{id}',
      { entry: 'api/get-settlement-run', environment: tableEnv },
    );
    // The runs' list on the same function (a route costs the stack less than a function): the entries of
    // RUNS#settlement, then the page's runs.
    api.addKeyedRoute(apigw.HttpMethod.GET, '/v1/ops/settlements/runs', getRun);
    table.grantItemActionsOnKeys(getRun, ['dynamodb:Query'], ['RUNS#settlement']);
    table.grantItemActionsOnKeys(getRun, ['dynamodb:BatchGetItem'], ['OBJ#*']);
    const list = api.addKeyedFunction('ListSettlementsFunction', apigw.HttpMethod.GET, '/v1/settlements', {
      entry: 'api/list-settlements',
      environment: tableEnv,
    });
    table.grantItemActions(list, 'dynamodb:Query');
    const get = api.addKeyedFunction('GetSettlementFunction', apigw.HttpMethod.GET, '/v1/settlements/{id}', {
      entry: 'api/get-settlement',
      environment: tableEnv,
    });
    table.grantItemActions(get, 'dynamodb:Query');
    this.getSettlementFunction = get;
  }
}
