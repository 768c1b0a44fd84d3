import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChannelLifecycles, compareChannels } from '../../bench/lifecycle-channels.js';

function measured(invocations: Record<string, number>, units: Record<string, [number, number]>, usd: number) {
  const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
  return {
    lifecycles: {
      measured: 10,
      perLifecycle: {
        apiRequests: 2,
        lambdaInvocations: sum(Object.values(invocations)),
        lambdaByFunction: Object.fromEntries(
          Object.entries(invocations).map(([fn, n]) => [fn, { invocations: n }]),
        ),
        dynamodb: {
          writeUnits: sum(Object.values(units).map(([w]) => w)),
          readUnits: sum(Object.values(units).map(([, r]) => r)),
          byFunction: Object.fromEntries(
            Object.entries(units).map(([fn, [w, r]]) => [fn, { writeUnits: w, readUnits: r, calls: {} }]),
          ),
        },
      },
    },
    cost: { totalUsd: usd },
  } as unknown as ChannelLifecycles;
}

describe('lifecycles compared by channel', () => {
  it('puts each channel’s invocations, units and cost per lifecycle side by side, by function', () => {
    const rows = compareChannels({
      sandbox: measured({ Dispatch: 0.6, Callback: 1 }, { Callback: [3, 0], Risk: [6, 5] }, 19.96),
      stripe: measured({ Dispatch: 0.6, Callback: 2 }, { Callback: [3, 1], Risk: [6, 5] }, 21.5),
    });
    assert.deepEqual(rows.stripe, {
      lifecycles: 10,
      apiRequests: 2,
      lambdaInvocations: 2.6,
      dynamoWriteUnits: 9,
      dynamoReadUnits: 6,
      invocationsByFunction: { Dispatch: 0.6, Callback: 2 },
      writeUnitsByFunction: { Callback: 3, Risk: 6 },
      readUnitsByFunction: { Callback: 1, Risk: 5 },
      usdPerMillion: 21.5,
    });
    assert.equal(rows.sandbox?.lambdaInvocations, 1.6);
    assert.equal(rows.sandbox?.dynamoReadUnits, 5);
  });
});
