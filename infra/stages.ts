import { RemovalPolicy } from 'aws-cdk-lib';
import * as codedeploy from 'aws-cdk-lib/aws-codedeploy';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

/** The isolated copies of the system: `-c stage=dev|staging|prod` (default `dev`). */
export const STAGES = ['dev', 'staging', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** What differs between stages; everything else is the same template. */
export interface StageSettings {
  readonly name: StageName;
  /** Lambda's application log level (Powertools follows it); a function can be raised for an investigation. */
  readonly applicationLogLevel: lambda.ApplicationLogLevel;
  /** Retention of every function's logs; access logs keep three times as long (see access log retention). */
  readonly logRetention: logs.RetentionDays;
  readonly accessLogRetention: logs.RetentionDays;
  /**
   * What a stack deletion does to stores of record (the table, reconciliation statements). Logs are
   * diagnostic and destroyed in every stage.
   */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB deletion protection of the table: only prod refuses a `DeleteTable`. */
  readonly tableDeletionProtection: boolean;
  /** Point-in-time recovery of the table: on in every stage (a restore is how a bad release is undone). */
  readonly pointInTimeRecovery: boolean;
  /** Whether alarms notify the alarm topic (on-call subscribes to it). */
  readonly alarmActions: boolean;
  /**
   * How CodeDeploy shifts a function's `live` alias to a new version: at once in dev (fast feedback),
   * linearly in staging (the release rehearsal), canary in prod (10 % for 5 minutes, rolled back on alarm).
   */
  readonly deployment: codedeploy.ILambdaDeploymentConfig;
}

const SETTINGS: Record<StageName, StageSettings> = {
  dev: {
    name: 'dev',
    applicationLogLevel: lambda.ApplicationLogLevel.WARN,
    logRetention: logs.RetentionDays.ONE_MONTH,
    accessLogRetention: logs.RetentionDays.THREE_MONTHS,
    // A developer's copy holds test data only: deleting the stack deletes it.
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    pointInTimeRecovery: true,
    // Alarms of dev still notify: whoever deploys dev subscribes to learn what their change breaks.
    alarmActions: true,
    deployment: codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
  },
  staging: {
    name: 'staging',
    // Release rehearsal: INFO keeps each refused request's line for comparing with prod.
    applicationLogLevel: lambda.ApplicationLogLevel.INFO,
    logRetention: logs.RetentionDays.TWO_WEEKS,
    accessLogRetention: logs.RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
    tableDeletionProtection: false,
    pointInTimeRecovery: true,
    alarmActions: true,
    deployment: codedeploy.LambdaDeploymentConfig.LINEAR_10PERCENT_EVERY_1MINUTE,
  },
  prod: {
    name: 'prod',
    applicationLogLevel: lambda.ApplicationLogLevel.WARN,
    logRetention: logs.RetentionDays.ONE_MONTH,
    accessLogRetention: logs.RetentionDays.THREE_MONTHS,
    // Payment records and statements must survive a stack deletion or an accidental replacement.
    removalPolicy: RemovalPolicy.RETAIN,
    tableDeletionProtection: true,
    pointInTimeRecovery: true,
    alarmActions: true,
    deployment: codedeploy.LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
  },
};

/** The settings of a stage name, refusing anything but dev, staging or prod. */
export function stageSettings(name: unknown = 'dev'): StageSettings {
  if (typeof name !== 'string' || !(STAGES as readonly string[]).includes(name))
    throw new Error(`stage must be one of ${STAGES.join(', ')} (-c stage=<stage>), not "${String(name)}"`);
  return SETTINGS[name as StageName];
}

/** The stage a construct is synthesized for, from the `stage` context (default dev). */
export function stageOf(scope: IConstruct): StageSettings {
  return stageSettings(scope.node.tryGetContext('stage') ?? 'dev');
}
