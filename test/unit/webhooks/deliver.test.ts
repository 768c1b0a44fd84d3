/**
 * A delivery connects only to an address the policy checked at connect time: a name that resolved to a
 * public address at registration and to an internal one now (DNS rebinding) reaches nothing.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deliver } from '../../../shared/webhooks/deliver.js';

let server: Server;
let port: number;
const received: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('webhook delivery', () => {
  it('refuses to connect when the name now resolves to an internal address', async () => {
    // Prepare
    received.length = 0;
    const rebound = async () => [{ address: '127.0.0.1', family: 4 }];
    // Act
    const result = await deliver({ url: `http://rebind.example:${port}/h`, secret: 's' }, '{}', {
      lookup: rebound,
    });
    // Assess
    assert.equal(result.ok, false);
    assert.equal(result.responseStatus, null);
    assert.match(result.error ?? '', /non-public address/);
    assert.deepEqual(received, []);
  });

  it('refuses when any of the addresses is internal, even if the first is public', async () => {
    // Prepare
    received.length = 0;
    const mixed = async () => [
      { address: '93.184.215.14', family: 4 },
      { address: '169.254.169.254', family: 4 },
    ];
    // Act
    const result = await deliver({ url: `http://mixed.example:${port}/h`, secret: 's' }, '{}', {
      lookup: mixed,
    });
    // Assess
    assert.equal(result.ok, false);
    assert.deepEqual(received, []);
  });

  it('reaches the local runtime receiver on 127.0.0.1 when the policy allows it, signed', async () => {
    // Prepare
    received.length = 0;
    // Act
    const result = await deliver({ url: `http://127.0.0.1:${port}/h`, secret: 's' }, '{"a":1}', {
      urlPolicy: { allowLoopback: true },
    });
    // Assess
    assert.deepEqual(result.ok, true, result.error ?? '');
    assert.equal(result.responseStatus, 204);
    assert.deepEqual(received, ['{"a":1}']);
  });

  it('does not reach 127.0.0.1 as a literal without the local policy', async () => {
    // Prepare
    received.length = 0;
    // Act
    const byName = await deliver({ url: `http://localhost:${port}/h`, secret: 's' }, '{}');
    const literal = await deliver({ url: `http://127.0.0.1:${port}/h`, secret: 's' }, '{}');
    // Assess
    assert.equal(byName.ok, false);
    assert.equal(literal.ok, false);
    assert.match(literal.error ?? '', /non-public address/);
    assert.deepEqual(received, []);
  });
});
