/**
 * The sandbox PSP with a journal (the local runtime's `--persist`): what it accepted, reported and paid
 * out outlives a stop, like a real PSP's books. A callback due while it was stopped is sent soon after
 * it starts again; one reported but not accepted by us is sent again with the same event id; its
 * statement and its bank's payouts are still there, and a resubmission keeps its channel reference.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openJournal } from '../src/durable-log.js';
import type { PspJournalEntry } from '../src/sandbox/journal.js';
import { type SandboxPsp, startSandboxPsp } from '../src/sandbox/psp-simulator.js';

describe('sandbox PSP simulator with a journal', () => {
  const bodies: string[] = [];
  let refuse = false;
  let receiverUrl = '';
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(refuse ? 503 : 200).end('{}');
    });
  });
  const dir = mkdtempSync(join(tmpdir(), 'psp-journal-'));
  const file = join(dir, 'sandbox-psp.jsonl');
  const open = (delayMs: number): Promise<SandboxPsp> =>
    startSandboxPsp({
      callbackUrl: () => receiverUrl,
      secret: 'whsec_test',
      delayMs,
      retryBaseMs: 20,
      journal: openJournal<PspJournalEntry>(file),
    });

  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callbacks`;
  });
  after(() => {
    receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (psp: SandboxPsp, path: string, body: object) => {
    const response = await fetch(`${psp.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(response.status, 200, await response.clone().text());
    return (await response.json()) as Record<string, string>;
  };
  const until = async (predicate: () => boolean, ms = 3000) => {
    const deadline = Date.now() + ms;
    while (!predicate() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };
  const statement = async (psp: SandboxPsp) => {
    const day = new Date().toISOString().slice(0, 10);
    return (await (await fetch(`${psp.url}/statements/${day}.csv`)).text()).trim().split('\n').slice(1);
  };

  it('sends after a restart a callback that fell due while it was stopped, and keeps its books', async () => {
    // Prepare: accepted with a callback due in 300 ms, then stopped at once; a payout paid
    const first = await open(300);
    const { channelReference } = await post(first, '/payments', {
      reference: 'pay_a',
      amount: 1000,
      currency: 'USD',
    });
    await post(first, '/payouts', { id: 'stl_1', merchantId: 'm_1', amount: 500, currency: 'USD' });
    await first.close();
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(bodies.length, 0);

    // Act
    const second = await open(300);
    await until(() => bodies.length >= 1);

    // Assess: sent, on the statement, and nothing owed or paid twice
    assert.equal(bodies.length, 1);
    const event = JSON.parse(bodies[0] as string);
    assert.equal(event.type, 'payment.succeeded');
    assert.equal(event.data.channelReference, channelReference);
    assert.equal(
      (await post(second, '/payments', { reference: 'pay_a', amount: 1000, currency: 'USD' }))
        .channelReference,
      channelReference,
    );
    assert.equal((await statement(second)).length, 1);
    const payouts = (await (await fetch(`${second.url}/payouts`)).json()) as { data: unknown[] };
    assert.equal(payouts.data.length, 1);
    await second.close();
  });

  it('sends again, with the same event id, a callback reported but never accepted', async () => {
    // Prepare: the receiver refuses, so the callback is owed when the PSP stops
    bodies.length = 0;
    refuse = true;
    const first = await open(10);
    await post(first, '/refunds', { reference: 're_b', amount: 100, currency: 'USD' });
    await until(() => bodies.length >= 1);
    await first.close();
    refuse = false;
    const owed = JSON.parse(bodies[0] as string).id;
    bodies.length = 0;

    // Act
    const second = await open(10);
    await until(() => bodies.length >= 1);
    await new Promise((r) => setTimeout(r, 100));

    // Assess
    assert.deepEqual(
      bodies.map((b) => JSON.parse(b).id),
      [owed],
    );
    assert.equal((await statement(second)).length, 2, 'the refund is on the statement once');
    await second.close();

    // A third start owes nothing
    bodies.length = 0;
    const third = await open(10);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(bodies.length, 0);
    await third.close();
  });
});
