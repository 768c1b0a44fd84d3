/**
 * The contract between the channels (dispatcher, checks) and core's `object-states` function: the request
 * core refuses (more than one BatchGetItem's 100 keys, ids core never issues, anything not in the
 * contract) and the channels' side, which asks once for a batch's objects and answers each read from it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeParse } from 'zod/mini';
import { batchStates } from '../../../shared/channels/object-states.js';
import {
  OBJECT_STATES_MAX,
  type ObjectStatesAnswer,
  type ObjectStatesRequest,
  objectStatesAnswerSchema,
  objectStatesRequestSchema,
} from '../../../shared/internal/object-states.js';
import { InvalidPayloadError } from '../../../shared/services/internal-handler.js';

process.env.TABLE_NAME = 'payments-unit';
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const pay = (c: string) => `pay_${c.repeat(26)}`;
const re = (c: string) => `re_${c.repeat(26)}`;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
/** `n` distinct payment ids of core's form (base 32 of their index). */
const payments = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    kind: 'payment' as const,
    id: `pay_${[...i.toString(32).padStart(26, '0')].map((d) => BASE32[Number.parseInt(d, 32)]).join('')}`,
  }));
const parses = (request: unknown) => safeParse(objectStatesRequestSchema, request).success;

describe('object-states request validation', () => {
  it('takes up to 100 payments and refunds, with the read consistency asked', () => {
    assert.ok(parses({ objects: [{ kind: 'payment', id: pay('a') }], consistent: true }));
    assert.ok(parses({ objects: [{ kind: 'refund', id: re('b'), paymentId: pay('a') }], consistent: false }));
    assert.ok(parses({ objects: payments(OBJECT_STATES_MAX), consistent: true }));
  });

  it('refuses more than 100 objects, none, or no consistency', () => {
    assert.equal(parses({ objects: payments(OBJECT_STATES_MAX + 1), consistent: true }), false);
    assert.equal(parses({ objects: [], consistent: true }), false);
    assert.equal(parses({ objects: [{ kind: 'payment', id: pay('a') }] }), false);
  });

  it('refuses ids core never issues and anything beyond the contract', () => {
    const refused = [
      { kind: 'payment', id: 'pay_1' },
      { kind: 'payment', id: re('a') },
      { kind: 'refund', id: re('a') },
      { kind: 'refund', id: re('a'), paymentId: 're_x' },
      { kind: 'dispute', id: pay('a') },
      { kind: 'payment', id: pay('a'), fields: ['cardNumber'] },
    ];
    for (const object of refused)
      assert.equal(parses({ objects: [object], consistent: true }), false, JSON.stringify(object));
    assert.equal(parses({ objects: payments(1), consistent: true, projection: 'ALL' }), false);
  });

  it("has core's function refuse a request it does not parse, reading nothing", async () => {
    const { handler } = await import('../../../functions/internal/object-states.js');
    await assert.rejects(handler({ objects: payments(OBJECT_STATES_MAX + 1), consistent: true }), (e) => {
      assert.ok(e instanceof InvalidPayloadError);
      assert.match(e.message, /object-states: the payload does not match its contract: objects/);
      return true;
    });
    await assert.rejects(handler({ objects: 'OBJ#*', consistent: true }), InvalidPayloadError);
  });

  it('answers only the states, never more of the item', () => {
    const state = { status: 'processing', channel: 'sandbox', left: ['stripe'] };
    assert.ok(safeParse(objectStatesAnswerSchema, { states: [state, null] }).success);
    assert.equal(
      safeParse(objectStatesAnswerSchema, { states: [{ ...state, merchantId: 'm_1' }] }).success,
      false,
    );
  });
});

/** Core's function as the channels see it: each request kept, each object answered by `stateOf`. */
function fakeCore(stateOf: (id: string) => ObjectStatesAnswer['states'][number] = () => null) {
  const requests: ObjectStatesRequest[] = [];
  const read = async (request: ObjectStatesRequest): Promise<ObjectStatesAnswer> => {
    requests.push(request);
    return { states: request.objects.map((o) => stateOf(o.id)) };
  };
  return { requests, read };
}

describe('object-states, the channels side (batchStates)', () => {
  const open = { status: 'processing', channel: 'sandbox', left: [] };

  it("asks once for a batch's objects, each once, and answers every read from it", async () => {
    // Prepare
    const core = fakeCore((id) =>
      id === re('c') ? { status: 'pending', channel: 'sandbox', amount: 300 } : open,
    );
    const refs = [
      { kind: 'payment' as const, id: pay('a') },
      { kind: 'payment' as const, id: pay('b') },
      { kind: 'payment' as const, id: pay('a') },
      { kind: 'refund' as const, id: re('c'), paymentId: pay('a') },
    ];
    // Act
    const reads = batchStates(core.read, refs, true);
    const answers = await Promise.all([
      reads.readPayment(pay('a')),
      reads.readPayment(pay('b')),
      reads.readRefund(re('c'), pay('a')),
    ]);
    // Assess
    assert.deepEqual(core.requests, [{ objects: refs.filter((_, i) => i !== 2), consistent: true }]);
    assert.deepEqual(answers, [open, open, { status: 'pending', channel: 'sandbox', amount: 300 }]);
  });

  it('reads an absent object as absent, and an id core never issues without asking', async () => {
    const core = fakeCore();
    const reads = batchStates(
      core.read,
      [
        { kind: 'payment', id: 'pay_old' },
        { kind: 'payment', id: pay('a') },
      ],
      false,
    );
    assert.equal(await reads.readPayment(pay('a')), undefined);
    assert.equal(await reads.readPayment('pay_old'), undefined);
    assert.deepEqual(core.requests, [{ objects: [{ kind: 'payment', id: pay('a') }], consistent: false }]);
  });

  it('asks nothing for a batch with nothing to read, and asks alone for an object not announced', async () => {
    const core = fakeCore(() => open);
    const reads = batchStates(core.read, [], true);
    assert.equal(core.requests.length, 0);
    assert.deepEqual(await reads.readPayment(pay('d')), open);
    assert.deepEqual(core.requests, [{ objects: [{ kind: 'payment', id: pay('d') }], consistent: true }]);
  });

  it('splits more than 100 objects into requests of 100', async () => {
    const core = fakeCore(() => open);
    const refs = payments(OBJECT_STATES_MAX + 5);
    const reads = batchStates(core.read, refs, true);
    assert.deepEqual(await reads.readPayment(refs[OBJECT_STATES_MAX + 4]?.id ?? ''), open);
    assert.deepEqual(
      core.requests.map((r) => r.objects.length),
      [OBJECT_STATES_MAX, 5],
    );
    for (const request of core.requests) assert.ok(parses(request));
  });

  it("fails every read that waits on a failed request (the batch's records are retried)", async () => {
    const reads = batchStates(
      async () => {
        throw new Error('core unavailable');
      },
      [{ kind: 'payment', id: pay('a') }],
      true,
    );
    await assert.rejects(reads.readPayment(pay('a')), /core unavailable/);
  });
});
