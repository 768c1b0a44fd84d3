import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, type IConstruct } from 'constructs';
import { type StageSettings, stageOf } from '../stages.js';

/** The service a construct belongs to: its stack's id without `Payments-` (`Payments-Risk` → `Risk`). */
export function serviceOf(scope: IConstruct): string {
  return Stack.of(scope).node.id.replace(/^Payments-/, '');
}

/** Services a payment's creation and its channel go through: a bad release there fails payments. */
const PAYMENT_PATH_SERVICES: ReadonlySet<string> = new Set(['Core', 'Channels', 'Gateway']);

/**
 * How CodeDeploy shifts a function's `live` alias to a new version, per stage and service: the stage's
 * setting (infra/stages.ts: all at once in dev, 10 % more each minute in staging, a 10 % canary for 5
 * minutes in prod), except in prod off the payment path (consumers, ops, settlement), 10 % more each
 * minute: a fault that needs volume to show (a batch shape, a rare event) still meets the alarms at each
 * step before it takes all traffic.
 */
export function deploymentConfigFor(
  stage: StageSettings,
  service: string,
): codedeploy.ILambdaDeploymentConfig {
  if (stage.name === 'prod' && !PAYMENT_PATH_SERVICES.has(service))
    return codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE;
  return stage.deployment;
}

/** What a function serves decides how slow is too slow for a release. */
export type FunctionKind = 'api' | 'event';

/**
 * p99 duration of the alias, over a minute, above which a release rolls back. API: a client waits, and a
 * healthy p99 (cold starts of the new version included) is well under a second; 3 s is 30 % of the
 * 10 s timeout and 6× the create SLO's 500 ms. Event consumers: 80 % of their own timeout, a release
 * that brings batches near timing out (their durations range from milliseconds to a 15-minute run).
 */
export function p99ThresholdMs(kind: FunctionKind, timeout: Duration): number {
  return kind === 'api' ? 3_000 : Math.round(timeout.toMilliseconds() * 0.8);
}

const ONE_MINUTE = Duration.minutes(1);
/** POST /v1/payments answers below this success share (non-5xx / requests) roll a release back. */
export const CREATE_SUCCESS_RATE = 0.99;
/** Fewer requests than this in a minute say nothing about a release (1 failure would be 5 %). */
export const CREATE_SUCCESS_MIN_REQUESTS = 20;

const MANAGED_POLICY_REASON =
  "CodeDeploy's own managed policy for Lambda deployments, the limited one: it may update and read aliases, describe alarms and invoke only functions named CodeDeployHook_*. Writing it by hand would only copy it and miss AWS's updates.";

/**
 * What every deployment group of a stack shares: one CodeDeploy application (the service's) and one
 * service role, instead of one of each per function (CDK's default, two resources a function).
 */
class StackDeployments extends Construct {
  readonly application: codedeploy.LambdaApplication;
  readonly role: iam.Role;
  readonly config: codedeploy.ILambdaDeploymentConfig;

  static of(scope: IConstruct): StackDeployments {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild('Deployments');
    return existing instanceof StackDeployments ? existing : new StackDeployments(stack, 'Deployments');
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    // Named as the stack (`Payments-Risk-prod`): what ops type to find a service's deployments.
    this.application = new codedeploy.LambdaApplication(this, 'Application', {
      applicationName: Stack.of(this).stackName,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('codedeploy.amazonaws.com'),
      description: `CodeDeploy: shifts the live aliases of ${serviceOf(this)}'s functions, watching their alarms`,
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason: MANAGED_POLICY_REASON,
    });
    this.config = deploymentConfigFor(stageOf(this), serviceOf(this));
  }
}

/** Props of {@link FunctionDeployment}. */
export interface FunctionDeploymentProps {
  readonly alias: lambda.Alias;
  readonly kind: FunctionKind;
  readonly timeout: Duration;
}

/**
 * A function's release: a CodeDeploy deployment group that shifts its alias to each new version (the
 * stage's and service's config) and rolls back when the alias fails (any error in a minute) or slows
 * (p99 over the kind's threshold two minutes running), when the deployment fails or is stopped. One
 * group per function: a rollback returns that function alone to its previous version.
 */
export class FunctionDeployment extends Construct {
  readonly group: codedeploy.LambdaDeploymentGroup;
  readonly errorsAlarm: cloudwatch.Alarm;
  readonly durationAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FunctionDeploymentProps) {
    super(scope, id);
    const { alias } = props;
    const name = scope.node.id;
    // The alias's own metrics (dimension Resource = function:live): the traffic CodeDeploy is shifting.
    this.errorsAlarm = new cloudwatch.Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${name} (live alias) failed: unhandled error or timeout. Rolls back a deployment in progress.`,
      metric: alias.metricErrors({ period: ONE_MINUTE, statistic: cloudwatch.Stats.SUM }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const threshold = p99ThresholdMs(props.kind, props.timeout);
    this.durationAlarm = new cloudwatch.Alarm(this, 'DurationAlarm', {
      alarmDescription: `${name} (live alias) p99 duration above ${threshold} ms for 2 minutes. Rolls back a deployment in progress.`,
      metric: alias.metricDuration({ period: ONE_MINUTE, statistic: cloudwatch.Stats.p(99) }),
      threshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      // Two minutes: the new version's first cold starts alone do not roll it back.
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const shared = StackDeployments.of(this);
    this.group = new codedeploy.LambdaDeploymentGroup(this, 'Group', {
      application: shared.application,
      role: shared.role,
      alias,
      deploymentConfig: shared.config,
      alarms: [this.errorsAlarm, this.durationAlarm],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
  }

  /** One more alarm that rolls this function's deployment back (e.g. create-payment's success rate). */
  addRollbackAlarm(alarm: cloudwatch.IAlarm): void {
    this.group.addAlarm(alarm);
  }
}

/** Where POST /v1/payments is served: the API and stage whose per-route metrics count its answers. */
export interface CreateSuccessRateProps {
  readonly apiId: string;
  readonly stageName: string;
  /** `METHOD /path` of the route. */
  readonly route: string;
}

/**
 * The create success rate, from the route's own counts (the stage's detailed metrics): the share of
 * requests not answered 5xx, per minute, alarmed below CREATE_SUCCESS_RATE for two minutes once the
 * minute holds CREATE_SUCCESS_MIN_REQUESTS. A 5xx the function answers itself (an unexpected error it
 * caught) is no Lambda error, so the errors alarm alone would miss it. The route's counts mix both versions
 * during a canary: a new version failing every request at 10 % shows as 90 %.
 */
export function createSuccessRateAlarm(scope: Construct, id: string, props: CreateSuccessRateProps) {
  const metric = (metricName: string) =>
    new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName,
      dimensionsMap: { ApiId: props.apiId, Stage: props.stageName, Route: props.route },
      statistic: cloudwatch.Stats.SUM,
      period: ONE_MINUTE,
    });
  return new cloudwatch.Alarm(scope, id, {
    alarmDescription: `${props.route} succeeded (non-5xx) for less than ${CREATE_SUCCESS_RATE * 100} % of at least ${CREATE_SUCCESS_MIN_REQUESTS} requests a minute, 2 minutes running. Rolls back a deployment of create-payment in progress.`,
    metric: new cloudwatch.MathExpression({
      expression: `IF(requests >= ${CREATE_SUCCESS_MIN_REQUESTS}, 1 - FILL(errors, 0) / requests, 1)`,
      usingMetrics: { errors: metric('5xx'), requests: metric('Count') },
      period: ONE_MINUTE,
      label: `${props.route} success rate`,
    }),
    threshold: CREATE_SUCCESS_RATE,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: 2,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}
