import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { PaymentsApi } from './constructs/api.js';
import { Channels } from './constructs/channels.js';
import { Monitoring } from './constructs/monitoring.js';
import { PaymentsTable } from './constructs/table.js';

/**
 * The whole payments system in one stack: table, HTTP API, channel callbacks and dispatch, alarms.
 * One stack keeps cross-references plain `Ref`/`GetAtt` that the local runtime can resolve itself.
 */
export class PaymentsStack extends Stack {
  readonly table: PaymentsTable;
  readonly api: PaymentsApi;
  readonly channels: Channels;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.table = new PaymentsTable(this, 'Table');
    this.api = new PaymentsApi(this, 'Api', { table: this.table });
    this.channels = new Channels(this, 'Channels', { api: this.api, table: this.table });
    new Monitoring(this, 'Monitoring', {
      httpApi: this.api.httpApi,
      functions: [...this.api.functions, this.channels.callbackFunction, this.channels.dispatchFunction],
      streamConsumer: this.channels.dispatchFunction,
      deadLetterQueues: [this.channels.dispatchDeadLetterQueue],
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the payments API' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName, description: 'The payments table' });
  }
}
