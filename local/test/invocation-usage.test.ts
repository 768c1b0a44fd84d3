import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LambdaFunction } from '../src/lambda-runner.js';
import { LocalMetering } from '../src/metering.js';

const file = fileURLToPath(new URL('./fixtures/invocation-usage.fixture.mjs', import.meta.url));
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{}'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
// Another host that answers after 100 ms, as a merchant's endpoint might: long enough to see calls overlap.
const other = createServer((req, res) => {
  req.resume();
  req.on('end', () => setTimeout(() => res.end('ok'), 100));
});
await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
const otherHost = `127.0.0.1:${(other.address() as AddressInfo).port}`;
const opened: LambdaFunction[] = [];
after(async () => {
  await Promise.all(opened.map((f) => f.close()));
  server.close();
  other.close();
});

describe('invocation usage (metered runtime)', () => {
  it("measures each invocation's CPU time, not its waits, and counts its calls by service and host", async () => {
    // Prepare
    const metering = new LocalMetering();
    const f = new LambdaFunction(
      {
        logicalId: 'Usage',
        functionName: 'usage',
        file,
        exportName: 'handler',
        timeoutSeconds: 5,
        memorySize: 512,
        environment: { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}/Usage` },
      },
      {
        log: { info: () => {}, error: () => {}, fn: () => {} },
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:usage',
        metering,
      },
    );
    opened.push(f);

    // Act
    const r = await f.invoke({ spinMs: 40, sleepMs: 200, external: `http://${otherHost}/hook` });

    // Assess
    assert.ok(r.ok);
    const [usage] = metering.snapshot().lambda.Usage?.usage ?? [];
    assert.ok(usage, 'usage recorded');
    assert.ok(usage.cpuMs >= 30 && usage.cpuMs < 200, `cpu ${usage.cpuMs} ms`);
    assert.deepEqual(usage.calls, { 'dynamodb.GetItem': 1, [`http ${otherHost}`]: 1 });
    // One call after the other: some call was in flight for all of their time.
    assert.ok((usage.callMs ?? 0) >= 100, `calls ${usage.callMs} ms`);
    assert.ok((usage.callBusyMs ?? 0) >= (usage.callMs ?? 0) * 0.99, `busy ${usage.callBusyMs} ms`);
  });

  it('measures how far an invocation overlaps its calls', async () => {
    // Prepare
    const metering = new LocalMetering();
    const f = new LambdaFunction(
      {
        logicalId: 'Overlap',
        functionName: 'overlap',
        file,
        exportName: 'handler',
        timeoutSeconds: 5,
        memorySize: 512,
        environment: { AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${port}/Overlap` },
      },
      {
        log: { info: () => {}, error: () => {}, fn: () => {} },
        invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:overlap',
        metering,
      },
    );
    opened.push(f);

    // Act: four deliveries side by side.
    const r = await f.invoke({ parallel: 4, external: `http://${otherHost}/hook` });

    // Assess: four calls of about 100 ms each, in flight together for about 100 ms.
    assert.ok(r.ok);
    const [usage] = metering.snapshot().lambda.Overlap?.usage ?? [];
    assert.ok(usage, 'usage recorded');
    assert.deepEqual(usage.calls, { [`http ${otherHost}`]: 4 });
    assert.ok((usage.callMs ?? 0) >= 400, `calls ${usage.callMs} ms`);
    assert.ok((usage.callBusyMs ?? 0) < (usage.callMs ?? 0) / 2, `busy ${usage.callBusyMs} ms`);
  });
});
