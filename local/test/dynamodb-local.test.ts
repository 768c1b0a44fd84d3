/**
 * DynamoDB Local as the runtime and the tests start it: on 127.0.0.1 only. Its own entry point listens on
 * every interface; local/java/LoopbackDynamoDbLocal.class binds it to the loopback address.
 */
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { localClient } from '../../test/support/dynamodb.js';
import { type DynamoDbLocal, startDynamoDbLocal } from '../src/dynamodb-local.js';

/** Resolves with the error code of a TCP connection to host:port, or 'connected'. */
function connectOutcome(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** The machine's addresses that are not loopback (link-local IPv6 left out: it needs a scope). */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && !a.address.startsWith('fe80:'))
    .map((a) => (a as { address: string }).address);
}

describe('DynamoDB Local as started by the runtime', () => {
  let local: DynamoDbLocal;
  before(async () => {
    local = await startDynamoDbLocal();
  });
  after(async () => local.stop());

  it('answers on 127.0.0.1', async () => {
    assert.equal(new URL(local.endpoint).hostname, '127.0.0.1');
    const client = localClient(local.endpoint);
    try {
      const tables = await client.send(new ListTablesCommand({}));
      assert.deepEqual(tables.TableNames, []);
    } finally {
      client.destroy();
    }
  });

  it("refuses connections on the machine's other addresses", async (t) => {
    const addresses = externalAddresses();
    if (addresses.length === 0) {
      t.skip('this machine has no address but loopback');
      return;
    }
    for (const address of addresses)
      assert.equal(await connectOutcome(address, local.port), 'ECONNREFUSED', `${address}:${local.port}`);
    // The same probe reaches the loopback listener, so a refusal above is not the probe's own failure.
    assert.equal(await connectOutcome('127.0.0.1', local.port), 'connected');
  });
});

describe('DynamoDB Local started several times at once', () => {
  it('gives each its own port and database: the system picks the port as Java binds', async () => {
    const locals = await Promise.all([startDynamoDbLocal(), startDynamoDbLocal(), startDynamoDbLocal()]);
    const clients = locals.map((l) => localClient(l.endpoint));
    try {
      assert.equal(new Set(locals.map((l) => l.port)).size, 3, locals.map((l) => l.port).join(', '));
      await clients[0]?.send(
        new CreateTableCommand({
          TableName: 'only-in-the-first',
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [{ AttributeName: 'PK', AttributeType: 'S' }],
          KeySchema: [{ AttributeName: 'PK', KeyType: 'HASH' }],
        }),
      );
      const tables = await Promise.all(clients.map((c) => c.send(new ListTablesCommand({}))));
      assert.deepEqual(
        tables.map((t) => t.TableNames),
        [['only-in-the-first'], [], []],
      );
    } finally {
      for (const c of clients) c.destroy();
      await Promise.all(locals.map((l) => l.stop()));
    }
  });

  it('fails, naming the exit, when the port it is given is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      await assert.rejects(
        startDynamoDbLocal({ port }),
        /DynamoDB Local exited with code 1[\s\S]*Failed to bind/,
      );
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
