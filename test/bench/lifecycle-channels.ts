/**
 * The lifecycle measured on each channel, side by side: what a payment costs on the sandbox against one
 * pinned to Stripe (its simulator's signed events, its adapter's requests), per lifecycle.
 */
import type { perLifecycle } from './lifecycle.js';

/** What `measureRuntimeLifecycles` (run.ts) returns, as far as the comparison reads it. */
export interface ChannelLifecycles {
  readonly lifecycles: { readonly measured: number; readonly perLifecycle: ReturnType<typeof perLifecycle> };
  readonly cost: { readonly totalUsd: number };
}

export interface ChannelRow {
  readonly lifecycles: number;
  readonly apiRequests: number;
  readonly lambdaInvocations: number;
  readonly dynamoWriteUnits: number;
  readonly dynamoReadUnits: number;
  readonly invocationsByFunction: Record<string, number>;
  readonly writeUnitsByFunction: Record<string, number>;
  readonly readUnitsByFunction: Record<string, number>;
  readonly usdPerMillion: number;
}

/** Per lifecycle, by channel: API requests, invocations, DynamoDB units (and by function), cost. */
export function compareChannels(
  byChannel: Readonly<Record<string, ChannelLifecycles>>,
): Record<string, ChannelRow> {
  return Object.fromEntries(
    Object.entries(byChannel).map(([channel, { lifecycles, cost }]) => {
      const p = lifecycles.perLifecycle;
      const functions = Object.entries(p.dynamodb.byFunction);
      return [
        channel,
        {
          lifecycles: lifecycles.measured,
          apiRequests: p.apiRequests,
          lambdaInvocations: p.lambdaInvocations,
          dynamoWriteUnits: p.dynamodb.writeUnits,
          dynamoReadUnits: p.dynamodb.readUnits,
          invocationsByFunction: Object.fromEntries(
            Object.entries(p.lambdaByFunction).map(([fn, t]) => [fn, t.invocations]),
          ),
          writeUnitsByFunction: Object.fromEntries(functions.map(([fn, t]) => [fn, t.writeUnits])),
          readUnitsByFunction: Object.fromEntries(functions.map(([fn, t]) => [fn, t.readUnits])),
          usdPerMillion: cost.totalUsd,
        },
      ];
    }),
  );
}

/** The comparison as a table: one column per channel, then the functions that differ. */
export function printChannelComparison(rows: Readonly<Record<string, ChannelRow>>): void {
  const channels = Object.keys(rows);
  const cell = (v: number | undefined) => String(v ?? 0).padStart(12);
  const line = (label: string, pick: (r: ChannelRow) => number | undefined) =>
    console.log(`${label.padEnd(48)}${channels.map((c) => cell(pick(rows[c] as ChannelRow))).join('')}`);
  console.log(`\nper lifecycle, by channel${' '.repeat(23)}${channels.map((c) => c.padStart(12)).join('')}`);
  line('API requests', (r) => r.apiRequests);
  line('Lambda invocations', (r) => r.lambdaInvocations);
  line('DynamoDB write units', (r) => r.dynamoWriteUnits);
  line('DynamoDB read units', (r) => r.dynamoReadUnits);
  line('$ per 1,000,000 lifecycles', (r) => r.usdPerMillion);
  const names = (pick: (r: ChannelRow) => Record<string, number>) =>
    [...new Set(channels.flatMap((c) => Object.keys(pick(rows[c] as ChannelRow))))].sort();
  const differing = (label: string, pick: (r: ChannelRow) => Record<string, number>) => {
    for (const fn of names(pick)) {
      const values = channels.map((c) => pick(rows[c] as ChannelRow)[fn] ?? 0);
      if (values.some((v) => v !== values[0])) line(`  ${label} ${fn}`, (r) => pick(r)[fn]);
    }
  };
  differing('invocations', (r) => r.invocationsByFunction);
  differing('WRU', (r) => r.writeUnitsByFunction);
  differing('RRU', (r) => r.readUnitsByFunction);
}
