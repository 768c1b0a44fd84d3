/**
 * The event backbone on the local runtime: a payment's state changes leave the table's stream through the
 * publisher (PutEvents on the local EventBridge endpoint), the bus rules route them to the reconciliation
 * queue (local SQS endpoint), and its event source mapping runs the consumer, whose effect lands in
 * DynamoDB Local. Skipped while the synthesized template has no event bus.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { ASSEMBLY_DIR } from '../../local/src/synth.js';
import { loadTemplate, resourcesOfType } from '../../local/src/template.js';
import { localClient } from '../support/dynamodb.js';
import { useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';

let hasBus = false;
let reconciliationQueue: string | undefined;

const e2e = useLocalRuntime({ maxBatchingWindowSeconds: 2 });
before(() => {
  const { template } = loadTemplate(ASSEMBLY_DIR);
  hasBus = resourcesOfType(template, 'AWS::Events::EventBus').length > 0;
  reconciliationQueue = resourcesOfType(template, 'AWS::SQS::Queue')
    .map(([id, r]) => (typeof r.Properties?.QueueName === 'string' ? r.Properties.QueueName : id))
    .find((name) => /Reconciliation/.test(name) && !/DeadLetter/.test(name));
});

async function queueDepth(name: string): Promise<number> {
  const { QueueUrl } = await e2e.sqs.send(new GetQueueUrlCommand({ QueueName: name }));
  const { Attributes } = await e2e.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

describe('local event backbone', () => {
  it('carries a succeeded payment through the bus and the reconciliation queue to its consumer', async (t) => {
    if (!hasBus || !reconciliationQueue) {
      t.skip('the synthesized template has no event bus or reconciliation queue yet');
      return;
    }
    // Prepare
    const created = await e2e.api.createPayment({
      amount: 4_200,
      currency: 'USD',
      description: 'events e2e',
    });
    assert.equal(created.status, 201, created.text);
    const id: string = created.body.id;

    // Act: the sandbox PSP calls back; the payment succeeds
    await e2e.api.waitForPayment(id, (p) => p.status === 'succeeded');

    // Assess: the consumer recorded the expected outcome of this payment
    const dynamo = localClient(e2e.runtime.dynamoEndpoint);
    try {
      const outcome = await eventually(async () => {
        const page = await dynamo.send(
          new ScanCommand({
            TableName: e2e.runtime.tableName,
            FilterExpression: 'entity = :e AND #ref = :id',
            ExpressionAttributeNames: { '#ref': 'reference' },
            ExpressionAttributeValues: { ':e': { S: 'expectedOutcome' }, ':id': { S: id } },
          }),
        );
        return page.Items?.[0] ? unmarshall(page.Items[0]) : undefined;
      });
      assert.equal(outcome.status, 'succeeded');
      assert.equal(outcome.amount, 4_200);
    } finally {
      dynamo.destroy();
    }
    // The queue is drained (the mapping deleted the message) and nothing was dead-lettered.
    await eventually(async () =>
      (await queueDepth(reconciliationQueue as string)) === 0 ? true : undefined,
    );
  });
});
