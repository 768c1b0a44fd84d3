import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createSandboxAdapter } from '../../../shared/channels/adapters.js';
import { ChannelError, StatementFetchError } from '../../../shared/channels/errors.js';
import { parseStatement } from '../../../shared/domain/reconciliation/index.js';

const HEADER = 'channel_reference,reference,type,amount,currency,status,fee,occurred_at';
const encoder = new TextEncoder();

/** A fetch that answers `response` and records the URLs it was asked for. */
function stubFetch(response: () => Response) {
  const urls: string[] = [];
  const fetch = (async (input: string | URL | Request) => {
    urls.push(String(input));
    return response();
  }) as typeof globalThis.fetch;
  return { urls, fetch };
}

function streamOf(chunks: Uint8Array[], then?: Error): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const chunk = chunks.shift();
      if (chunk) controller.enqueue(chunk);
      else if (then) controller.error(then);
      else controller.close();
    },
  });
}

async function drain(source: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const chunk of source) out.push(chunk);
  return out;
}

describe('sandbox adapter fetchStatement', () => {
  it("streams the day's CSV chunk by chunk from the PSP's statement URL, for parseStatement", async () => {
    // Prepare: a row cut in two, mid-character (é is two bytes)
    const bytes = encoder.encode(
      `${HEADER}\r\nsbx_é,pay_1,payment,1000,USD,succeeded,59,2026-03-01T10:00:00Z\r\n`,
    );
    const cut = bytes.indexOf(0xa9);
    const { urls, fetch } = stubFetch(
      () => new Response(streamOf([bytes.subarray(0, cut), bytes.subarray(cut, 90), bytes.subarray(90)])),
    );
    const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch });
    // Act
    const rows = await drain(
      parseStatement(adapter.fetchStatement('2026-03-01'), { channel: 'sandbox', date: '2026-03-01' }),
    );
    // Assess
    assert.deepEqual(urls, ['http://psp.test/statements/2026-03-01.csv']);
    assert.equal(rows.length, 1);
    assert.equal((rows[0] as { channelReference: string }).channelReference, 'sbx_é');
  });

  it('asks nothing of the PSP until iterated', async () => {
    // Prepare
    const { urls, fetch } = stubFetch(() => new Response(HEADER));
    const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch });
    // Act
    const statement = adapter.fetchStatement('2026-03-01');
    // Assess
    assert.equal(urls.length, 0);
    assert.equal((await drain(statement)).length, 1);
  });

  for (const [status, retryable] of [
    [503, true],
    [429, true],
    [404, false],
    [400, false],
  ] as const) {
    it(`fails with StatementFetchError (retryable: ${retryable}) when the PSP answers ${status}`, async () => {
      // Prepare
      const { fetch } = stubFetch(() => new Response('{"error":"nope"}', { status }));
      const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch });
      // Act & Assess
      await assert.rejects(drain(adapter.fetchStatement('2026-03-01')), (error: unknown) => {
        assert.ok(error instanceof StatementFetchError);
        assert.equal(error.name, 'StatementFetchError');
        assert.equal(error.code, 'statement_unavailable');
        assert.equal(error.status, status);
        assert.equal(error.retryable, retryable);
        assert.equal(error.channel, 'sandbox');
        assert.equal(error.date, '2026-03-01');
        assert.match(error.message, /nope/);
        return true;
      });
    });
  }

  it('fails with a retryable StatementFetchError when the PSP cannot be reached', async () => {
    // Prepare: a port that was just free
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const adapter = createSandboxAdapter({ pspUrl: `http://127.0.0.1:${port}` });
    // Act & Assess
    await assert.rejects(
      drain(adapter.fetchStatement('2026-03-01')),
      (error: unknown) =>
        error instanceof StatementFetchError && error.status === undefined && error.retryable,
    );
  });

  it('fails with a retryable StatementFetchError when the statement breaks off', async () => {
    // Prepare
    const { fetch } = stubFetch(
      () => new Response(streamOf([encoder.encode(`${HEADER}\r\n`)], new Error('connection reset'))),
    );
    const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch });
    // Act & Assess
    await assert.rejects(
      drain(adapter.fetchStatement('2026-03-01')),
      (error: unknown) =>
        error instanceof StatementFetchError &&
        error.status === 200 &&
        error.retryable &&
        /broke off/.test(error.message),
    );
  });

  it('gives up on a PSP that stays silent longer than the timeout', async () => {
    // Prepare: headers come, then nothing
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv' });
      res.write(`${HEADER}\r\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const adapter = createSandboxAdapter({
      pspUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      timeoutMs: 50,
    });
    try {
      // Act & Assess
      await assert.rejects(
        drain(adapter.fetchStatement('2026-03-01')),
        (error: unknown) => error instanceof StatementFetchError && error.retryable,
      );
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('does not take a slow consumer for a silent PSP', async () => {
    // Prepare
    const { fetch } = stubFetch(
      () => new Response(streamOf([encoder.encode(`${HEADER}\r\n`), encoder.encode('\r\n')])),
    );
    const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch, timeoutMs: 20 });
    // Act
    let chunks = 0;
    for await (const _ of adapter.fetchStatement('2026-03-01')) {
      chunks += 1;
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    // Assess
    assert.equal(chunks, 2);
  });

  it('refuses a date that is not a day without asking the PSP', async () => {
    // Prepare
    const { urls, fetch } = stubFetch(() => new Response(HEADER));
    const adapter = createSandboxAdapter({ pspUrl: 'http://psp.test', fetch });
    // Act & Assess
    await assert.rejects(
      drain(adapter.fetchStatement('../payments')),
      (error: unknown) =>
        error instanceof ChannelError && error.code === 'channel_rejected' && !error.retryable,
    );
    assert.equal(urls.length, 0);
  });
});
