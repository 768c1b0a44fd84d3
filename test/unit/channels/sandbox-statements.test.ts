import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type SandboxPsp, startSandboxPsp } from '../../../local/src/sandbox/psp-simulator.js';
import { sandboxFee } from '../../../local/src/sandbox/statements.js';
import { createSandboxAdapter } from '../../../shared/channels/adapters.js';
import type { SubmissionResult } from '../../../shared/channels/protocol.js';
import type { ChannelAdapter } from '../../../shared/channels/types.js';
import { parseStatement, type StatementRow } from '../../../shared/domain/reconciliation/index.js';
import { eventually } from '../../support/eventually.js';

interface Callback {
  type: string;
  data: { reference: string; channelReference: string; amount: number; currency: string; occurredAt: string };
}

describe('sandbox PSP statements', () => {
  const callbacks: Callback[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      callbacks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(200).end('{}');
    });
  });
  let psp: SandboxPsp;
  let adapter: ChannelAdapter;
  /** The day of the outcomes, and what each reference's statement row must say. */
  let date = '';
  const rows = new Map<string, StatementRow>();
  const channelReferences = new Map<string, string>();

  before(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    psp = await startSandboxPsp({
      callbackUrl: `http://127.0.0.1:${port}/v1/channels/sandbox/callbacks`,
      secret: 'whsec_test',
      delayMs: 5,
    });
    adapter = createSandboxAdapter({ pspUrl: psp.url });
    const payments = [
      { reference: 'pay_ok', amount: 1050, currency: 'USD' },
      { reference: 'pay_fails', amount: 2013, currency: 'USD' },
      { reference: 'pay_yen', amount: 500, currency: 'JPY' },
      { reference: 'pay_quiet', amount: 700, currency: 'EUR', outcome: 'none' },
    ];
    const accepted = (result: SubmissionResult) => {
      assert.equal(result.kind, 'accepted');
      return result.kind === 'accepted' ? (result.channelReference ?? '') : '';
    };
    for (const p of payments) {
      channelReferences.set(p.reference, accepted(await adapter.submitPayment(p)));
    }
    const refunds = [
      { reference: 're_ok', paymentReference: 'pay_ok', paymentAmount: 1050, amount: 400, currency: 'USD' },
      {
        reference: 're_fails',
        paymentReference: 'pay_yen',
        paymentAmount: 500,
        amount: 500,
        currency: 'JPY',
        outcome: 'fail',
      },
    ];
    for (const r of refunds) {
      channelReferences.set(r.reference, accepted(await adapter.submitRefund(r)));
    }
    await eventually(() => (callbacks.length >= 5 ? true : undefined), 5000, 'five callbacks', 10);
    date = callbacks[0]?.data.occurredAt.slice(0, 10) ?? '';
    for (const { type, data } of callbacks) {
      const [kind, status] = type.split('.') as [StatementRow['type'], StatementRow['status']];
      const outcome = { ...data, type: kind, status };
      rows.set(data.reference, { ...outcome, fee: sandboxFee(outcome) });
    }
  });
  after(async () => {
    await psp.close();
    receiver.close();
  });
  beforeEach(async () => {
    await fetch(`${psp.url}/statements/${date}/discrepancies`, { method: 'DELETE' });
  });

  /** The day's statement, fetched through the adapter and parsed, without line numbers. */
  async function statement(day = date): Promise<StatementRow[]> {
    const out: StatementRow[] = [];
    for await (const { line: _, ...row } of parseStatement(adapter.fetchStatement(day), {
      channel: 'sandbox',
      date: day,
    })) {
      out.push(row);
    }
    return out;
  }

  const recorded = (...references: string[]) => references.map((r) => rows.get(r) as StatementRow);
  const byReference = (a: StatementRow[]) =>
    [...a].sort((x, y) => `${x.reference}`.localeCompare(`${y.reference}`));

  async function inject(body: unknown, day = date) {
    const response = await fetch(`${psp.url}/statements/${day}/discrepancies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  it('lists every outcome it reported, with its fee, and nothing it never reported', async () => {
    // Act
    const listed = await statement();
    // Assess
    assert.equal(listed.length, 5);
    assert.deepEqual(byReference(listed), recorded('pay_fails', 'pay_ok', 'pay_yen', 're_fails', 're_ok'));
    assert.deepEqual(rows.get('pay_ok'), {
      channelReference: channelReferences.get('pay_ok'),
      reference: 'pay_ok',
      type: 'payment',
      amount: 1050,
      currency: 'USD',
      status: 'succeeded',
      fee: 60,
      occurredAt: rows.get('pay_ok')?.occurredAt,
    });
    assert.equal(rows.get('pay_fails')?.status, 'failed');
    assert.equal(rows.get('pay_fails')?.fee, 0);
    assert.equal(rows.get('pay_yen')?.fee, 45);
    assert.equal(rows.get('re_ok')?.fee, 0);
    assert.equal(rows.get('re_fails')?.status, 'failed');
  });

  it('serves the contract CSV, header first, CRLF lines', async () => {
    // Act
    const response = await fetch(`${psp.url}/statements/${date}.csv`);
    const text = await response.text();
    // Assess
    assert.equal(response.status, 200);
    assert.match(String(response.headers.get('content-type')), /^text\/csv/);
    const lines = text.split('\r\n');
    assert.equal(lines[0], 'channel_reference,reference,type,amount,currency,status,fee,occurred_at');
    assert.equal(lines.length, 7);
    assert.equal(lines[6], '');
  });

  it('serves an empty statement (the header only) for a day without outcomes', async () => {
    // Act & Assess
    assert.deepEqual(await statement('2001-02-03'), []);
  });

  it('leaves out the rows it is told to drop', async () => {
    // Act
    const answer = await inject({ drop: ['pay_ok', 're_fails'] });
    // Assess
    assert.equal(answer.status, 200);
    assert.deepEqual(byReference(await statement()), recorded('pay_fails', 'pay_yen', 're_ok'));
  });

  it('shows altered values in the rows it is told to alter', async () => {
    // Act
    await inject({ alter: [{ reference: 'pay_ok', amount: 999, currency: 'EUR' }] });
    await inject({
      alter: [
        { reference: 'pay_ok', status: 'failed', fee: 0 },
        { reference: 're_ok', fee: 7 },
      ],
    });
    // Assess
    const altered = {
      ...rows.get('pay_ok')!,
      amount: 999,
      currency: 'EUR',
      status: 'failed' as const,
      fee: 0,
    };
    assert.deepEqual(
      byReference(await statement()),
      [
        altered,
        ...recorded('pay_yen', 'pay_fails'),
        rows.get('re_fails')!,
        { ...rows.get('re_ok')!, fee: 7 },
      ].sort((x, y) => `${x.reference}`.localeCompare(`${y.reference}`)),
    );
  });

  it('repeats a row once per mention in duplicate', async () => {
    // Act
    await inject({ duplicate: ['pay_yen'] });
    await inject({ duplicate: ['pay_yen', 're_ok'] });
    // Assess
    const listed = await statement();
    assert.equal(listed.length, 8);
    assert.deepEqual(
      byReference(listed),
      byReference([
        ...recorded('pay_ok', 'pay_fails', 're_fails'),
        ...recorded('pay_yen', 'pay_yen', 'pay_yen', 're_ok', 're_ok'),
      ]),
    );
  });

  it('adds rows as given: an unknown payment, and the outcome of a callback that never came', async () => {
    // Prepare
    const unknown: StatementRow = {
      channelReference: 'sbx_stranger',
      reference: 'pay_stranger',
      type: 'payment',
      amount: 4200,
      currency: 'GBP',
      status: 'succeeded',
      fee: 152,
      occurredAt: `${date}T00:00:01+00:00`,
    };
    const missed: StatementRow = {
      channelReference: channelReferences.get('pay_quiet')!,
      reference: 'pay_quiet',
      type: 'payment',
      amount: 700,
      currency: 'EUR',
      status: 'succeeded',
      fee: sandboxFee({ type: 'payment', status: 'succeeded', amount: 700 }),
      occurredAt: `${date}T23:59:59.999Z`,
    };
    // Act
    const answer = await inject({ add: [unknown, missed] });
    // Assess
    assert.equal(answer.status, 200);
    const listed = await statement();
    assert.deepEqual(listed.slice(-2), [unknown, missed]);
    assert.deepEqual(
      byReference(listed.slice(0, -2)),
      recorded('pay_fails', 'pay_ok', 'pay_yen', 're_fails', 're_ok'),
    );
  });

  it('blanks the reference of the rows it is told to, as a channel that does not know our id', async () => {
    // Act
    await inject({ blankReference: ['pay_fails'] });
    // Assess
    const listed = await statement();
    assert.deepEqual(
      listed.filter((r) => r.reference === null),
      [{ ...rows.get('pay_fails')!, reference: null }],
    );
    assert.deepEqual(
      byReference(listed.filter((r) => r.reference !== null)),
      recorded('pay_ok', 'pay_yen', 're_fails', 're_ok'),
    );
  });

  it('accumulates injections per day, answers them, and clears them on DELETE', async () => {
    // Act
    await inject({ drop: ['pay_ok'] });
    const second = await inject({ duplicate: ['re_ok'] });
    const shown = await (await fetch(`${psp.url}/statements/${date}/discrepancies`)).json();
    const injected = await statement();
    const cleared = await fetch(`${psp.url}/statements/${date}/discrepancies`, { method: 'DELETE' });
    // Assess
    const expected = { drop: ['pay_ok'], alter: [], duplicate: ['re_ok'], add: [], blankReference: [] };
    assert.deepEqual(second.body, expected);
    assert.deepEqual(shown, expected);
    assert.equal(injected.length, 5);
    assert.equal(cleared.status, 204);
    assert.deepEqual(
      byReference(await statement()),
      recorded('pay_fails', 'pay_ok', 'pay_yen', 're_fails', 're_ok'),
    );
  });

  it('streams a long statement in several chunks', async () => {
    // Prepare
    const added = Array.from({ length: 3000 }, (_, i) => ({
      ...rows.get('pay_ok')!,
      channelReference: `sbx_bulk_${i}`,
      reference: `pay_bulk_${i}`,
    }));
    await inject({ add: added });
    // Act
    const response = await fetch(`${psp.url}/statements/${date}.csv`);
    let chunks = 0;
    for await (const _ of response.body!) chunks += 1;
    const listed = await statement();
    // Assess
    assert.ok(chunks > 1, `${chunks} chunk(s)`);
    assert.equal(listed.length, 3005);
    assert.deepEqual(listed.slice(5), added);
  });

  it('refuses an invalid injection with 400, naming the field, and injects nothing', async () => {
    // Prepare
    const row = { ...rows.get('pay_ok')!, reference: 'pay_new' };
    const cases: [unknown, string][] = [
      [{ drops: ['pay_ok'] }, 'drops'],
      [{ drop: 'pay_ok' }, 'drop'],
      [{ drop: [''] }, 'drop[0]'],
      [{ alter: [{ amount: 5 }] }, 'alter[0].reference'],
      [{ alter: [{ reference: 'pay_ok', amount: -5 }] }, 'alter[0].amount'],
      [{ alter: [{ reference: 'pay_ok', status: 'lost' }] }, 'alter[0].status'],
      [{ alter: [{ reference: 'pay_ok', currency: 'usd' }] }, 'alter[0].currency'],
      [{ alter: [{ reference: 'pay_ok', channelReference: 'x' }] }, 'alter[0].channelReference'],
      [{ add: [{ ...row, fee: 1.5 }] }, 'add[0].fee'],
      [{ add: [{ ...row, occurredAt: 'yesterday' }] }, 'add[0].occurredAt'],
      [{ add: [{ ...row, occurredAt: '2001-02-03T10:00:00Z' }] }, 'add[0].occurredAt'],
      [{ add: [{ ...row, extra: 1 }] }, 'add[0].extra'],
    ];
    for (const [body, path] of cases) {
      // Act
      const answer = await inject(body);
      // Assess
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.ok(
        answer.body.errors.some((e: { path: string }) => e.path === path),
        `${JSON.stringify(body)} → ${JSON.stringify(answer.body)}`,
      );
    }
    assert.equal((await inject('{ not json')).status, 400);
    assert.equal((await inject({}, '2026-02-30')).status, 400);
    assert.equal((await statement()).length, 5);
  });

  it('refuses with 422 injections naming a reference not recorded that day, and injects none of them', async () => {
    // Act
    const answer = await inject({ drop: ['pay_ok'], blankReference: ['pay_quiet', 'pay_nope'] });
    // Assess
    assert.equal(answer.status, 422);
    assert.deepEqual(answer.body.references, ['pay_quiet', 'pay_nope']);
    assert.equal((await statement()).length, 5);
  });
});
