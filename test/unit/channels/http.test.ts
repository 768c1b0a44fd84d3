import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { failureOf, send } from '../../../shared/channels/http.js';

const fetchFailed = (cause: unknown) => Object.assign(new TypeError('fetch failed'), { cause });
const request = { method: 'POST' as const, url: 'https://vendor.example/pay', headers: {}, body: '{}' };

describe('sending a vendor request', () => {
  it('is unavailable when the connection was never made (refused, no DNS answer, several addresses refused)', () => {
    assert.equal(failureOf(fetchFailed({ code: 'ECONNREFUSED' }), 'V').code, 'connection_refused');
    assert.equal(failureOf(fetchFailed({ code: 'ECONNREFUSED' }), 'V').kind, 'unavailable');
    assert.equal(failureOf(fetchFailed({ code: 'ENOTFOUND' }), 'V').kind, 'unavailable');
    const several = new AggregateError([{ code: 'ECONNREFUSED' }, { code: 'ECONNREFUSED' }]);
    assert.equal(failureOf(fetchFailed(several), 'V').kind, 'unavailable');
    assert.equal(failureOf(fetchFailed({ code: 'UND_ERR_CONNECT_TIMEOUT' }), 'V').kind, 'unavailable');
  });

  it('is unknown when the vendor may have it: a timeout, a connection cut once the request was sent', () => {
    const timeout = failureOf(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      'V',
    );
    assert.deepEqual([timeout.kind, timeout.code], ['unknown', 'timeout']);
    assert.equal(failureOf(fetchFailed({ code: 'ECONNRESET' }), 'V').kind, 'unknown');
    assert.equal(failureOf(fetchFailed({ code: 'UND_ERR_SOCKET' }), 'V').kind, 'unknown');
    assert.equal(failureOf(new Error('odd'), 'V').code, 'network_error');
  });

  it('hands any HTTP answer back as it came, and never throws', async () => {
    const answered = await send(request, 'V', {
      timeoutMs: 1000,
      fetch: async () => new Response('{"code":"SYSTEM_ERROR"}', { status: 500, headers: { 'X-A': '1' } }),
    });
    assert.deepEqual(answered, {
      ok: true,
      reply: {
        status: 500,
        headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-a': '1' },
        body: '{"code":"SYSTEM_ERROR"}',
      },
    });
    const refused = await send(request, 'V', {
      timeoutMs: 1000,
      fetch: async () => {
        throw fetchFailed({ code: 'ECONNREFUSED' });
      },
    });
    assert.equal(!refused.ok && refused.kind, 'unavailable');
  });

  it('gives up after timeoutMs', async () => {
    // AbortSignal.timeout's timer does not hold the process open on its own.
    const keepAlive = setTimeout(() => {}, 2000);
    const started = Date.now();
    const sent = await send(request, 'V', {
      timeoutMs: 50,
      fetch: (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    });
    assert.equal(!sent.ok && sent.code, 'timeout');
    assert.ok(Date.now() - started < 1000);
    clearTimeout(keepAlive);
  });
});
