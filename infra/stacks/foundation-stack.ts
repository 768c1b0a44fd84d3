import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PaymentsHttpApi } from '../constructs/api.js';
import { EventBackbone } from '../constructs/events.js';
import { AlarmTopic } from '../constructs/monitoring.js';
import { PaymentsTable } from '../constructs/table.js';
import { FOUNDATION, writeParameter } from './parameters.js';

/**
 * What every service stands on, deployed first: the one table (each service owns its key prefixes), the
 * `payments` bus and its archive, the HTTP API and its auto-deployed `$default` stage (services add their
 * routes from their own stacks), the alarm topic. Everything the services need is written to SSM
 * parameters (parameters.ts), which they read by name: no export ties a service to this stack's values.
 */
export class FoundationStack extends Stack {
  readonly table: PaymentsTable;
  readonly api: PaymentsHttpApi;
  readonly events: EventBackbone;
  readonly monitoring: AlarmTopic;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.table = new PaymentsTable(this, 'Table');
    this.api = new PaymentsHttpApi(this, 'Api');
    this.events = new EventBackbone(this, 'Events');
    this.monitoring = new AlarmTopic(this, 'Monitoring');

    const write = (name: string, value: string, description: string) =>
      writeParameter(this, 'foundation', name, value, description);
    write(FOUNDATION.tableName, this.table.tableName, 'The payments table');
    write(FOUNDATION.tableArn, this.table.tableArn, 'ARN of the payments table');
    write(FOUNDATION.tableStreamArn, this.table.tableStreamArn as string, 'The table stream (the outbox)');
    write(FOUNDATION.busName, this.events.bus.eventBusName, 'The payments event bus');
    write(FOUNDATION.busArn, this.events.bus.eventBusArn, 'ARN of the payments event bus');
    write(FOUNDATION.httpApiId, this.api.httpApi.apiId, 'The payments HTTP API');
    write(FOUNDATION.apiEndpoint, this.api.httpApi.apiEndpoint, 'The HTTP API endpoint');
    write(FOUNDATION.apiUrl, this.api.url, 'Base URL of the payments API ($default stage)');
    write(FOUNDATION.accessLogGroupName, this.api.accessLogs.logGroupName, 'The API access logs');
    write(
      FOUNDATION.alarmTopicArn,
      this.monitoring.alarmTopic.topicArn,
      'Every alarm of the stage notifies it',
    );
    write(FOUNDATION.alarmKeyArn, this.monitoring.key.keyArn, 'The KMS key of the alarm topic');

    // For people and scripts (no Export: nothing imports them).
    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the payments API' });
    new CfnOutput(this, 'EventBusName', {
      value: this.events.bus.eventBusName,
      description: 'The payments event bus',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The payments table' });
  }
}
