/**
 * A metering observer on the DynamoDB proxy (test/support/dynamo-proxy.ts) in front of DynamoDB Local: the
 * shipped bundles talk to it as their DynamoDB endpoint; it asks DynamoDB for
 * `ReturnConsumedCapacity: INDEXES` on every call and tallies the capacity units per operation, table and
 * index. This counts exactly what the deployed code consumes, without a line of
 * measuring code inside the handlers. (DynamoDB Local does not check request signatures, so the body
 * may be rewritten; the bench only.)
 */
import { request } from 'node:http';
import { type ProxiedCall, startDynamoProxy } from '../support/dynamo-proxy.js';
import {
  type ConsumedCapacity,
  type Item,
  type KeyAccess,
  keyAccesses,
  keysToReadBack,
  minimumReadUnits,
  transactionAccesses,
} from './partition-keys.js';

export interface Tally {
  calls: Record<string, number>;
  writeUnits: number;
  readUnits: number;
  /** Capacity units by operation, including index units. */
  unitsByOperation: Record<string, number>;
  /**
   * Calls DynamoDB refused, by `operation error` (e.g. `PutItem ConditionalCheckFailedException`). A
   * failed conditional write still consumes write units in AWS; DynamoDB does not report them.
   */
  failures: Record<string, number>;
  /** Units and calls by caller, when the caller's endpoint carries a `/<caller>` path (see `endpointFor`). */
  byCaller: Record<string, { writeUnits: number; readUnits: number; calls: Record<string, number> }>;
  /**
   * Units by partition key (`<pk>` on the table, `<index> <pk>` on a GSI): what DynamoDB's per-partition
   * limits apply to (hot-keys.ts reduces them to key patterns).
   */
  keys: Record<string, KeyTally>;
}

export interface KeyTally {
  writeUnits: number;
  readUnits: number;
  writes: number;
  reads: number;
  /** Units by calling function: a key's load scales with what drives each caller (hot-keys.ts). */
  byCaller?: Record<string, { writeUnits: number; readUnits: number }>;
}

export function emptyTally(): Tally {
  return {
    calls: {},
    writeUnits: 0,
    readUnits: 0,
    unitsByOperation: {},
    failures: {},
    byCaller: {},
    keys: {},
  };
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

/**
 * The partition keys of a call (partition-keys.ts), after reading back (unmetered) the committed items it
 * needs: an Update's index entry whose key it did not set, a transaction's Updates and ConditionChecks.
 */
async function accessesOf(
  target: URL,
  headers: Record<string, string>,
  operation: string,
  input: Parameters<typeof keyAccesses>[1],
  consumed: ConsumedCapacity | ConsumedCapacity[] | undefined,
): Promise<KeyAccess[]> {
  const committed = new Map<string, Item | undefined>();
  const id = (table: string, key: Item) => `${table} ${JSON.stringify(key)}`;
  for (const k of keysToReadBack(operation, input, consumed)) {
    const found = (await call(target, headers, 'GetItem', { ...k, ConsistentRead: true })) as { Item?: Item };
    committed.set(id(k.TableName, k.Key), found.Item);
  }
  const after = (table: string, key: Item) => committed.get(id(table, key));
  return operation === 'TransactWriteItems'
    ? transactionAccesses((input as { TransactItems?: [] }).TransactItems ?? [], after)
    : keyAccesses(operation, input, consumed, after);
}

/** One unmetered DynamoDB call (JSON protocol) straight to the upstream. */
function call(
  target: URL,
  headers: Record<string, string>,
  operation: string,
  input: unknown,
): Promise<unknown> {
  const body = Buffer.from(JSON.stringify(input));
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        method: 'POST',
        path: '/',
        headers: {
          ...headers,
          'x-amz-target': `DynamoDB_20120810.${operation}`,
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
          host: target.host,
        },
      },
      (res) => {
        const out: Buffer[] = [];
        res.on('data', (c: Buffer) => out.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(out).toString('utf8') || '{}')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function unitsOf(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (!consumed) return 0;
  const list = Array.isArray(consumed) ? consumed : [consumed];
  return list.reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
}

export interface MeteringProxy {
  readonly endpoint: string;
  /** The endpoint for one caller: its calls are tallied under `byCaller[caller]` too. */
  endpointFor(caller: string): string;
  tally: Tally;
  /** Waits for the sizing of committed transactions still being worked out (see `transactionUnits`). */
  settled(): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

/** Starts the proxy on a random loopback port, forwarding to `target` (e.g. http://127.0.0.1:8000). */
export async function startMeteringProxy(target: string): Promise<MeteringProxy> {
  const upstream = new URL(target);
  const state = { tally: emptyTally() };
  const pending = new Set<Promise<void>>();
  const observe = (c: ProxiedCall) => {
    if (c.error) return;
    const { caller, operation } = c;
    const input = operation !== 'unknown' ? c.input : undefined;
    const t = state.tally;
    t.calls[operation] = (t.calls[operation] ?? 0) + 1;
    if (caller && !t.byCaller[caller]) t.byCaller[caller] = { writeUnits: 0, readUnits: 0, calls: {} };
    const by = caller ? t.byCaller[caller] : undefined;
    if (by) by.calls[operation] = (by.calls[operation] ?? 0) + 1;
    if (c.status < 300 && c.response.length > 0) {
      const parsed = JSON.parse(c.response.toString('utf8')) as {
        ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
        UnprocessedKeys?: Record<string, { Keys?: unknown[] }>;
      };
      // What AWS bills: the units reported, or a read's minimum for keys not found (minimumReadUnits).
      const billedUnits = () =>
        Math.max(
          unitsOf(parsed.ConsumedCapacity),
          minimumReadUnits(operation, (input ?? {}) as Parameters<typeof minimumReadUnits>[1], parsed),
        );
      const write = WRITE_OPERATIONS.has(operation);
      const count = (units: number) => {
        t.unitsByOperation[operation] = (t.unitsByOperation[operation] ?? 0) + units;
        if (write) {
          t.writeUnits += units;
          if (by) by.writeUnits += units;
        } else {
          t.readUnits += units;
          if (by) by.readUnits += units;
        }
      };
      const byKey = (accesses: KeyAccess[]) => {
        for (const a of accesses) {
          const name = a.index === 'table' ? a.pk : `${a.index} ${a.pk}`;
          t.keys[name] ??= { writeUnits: 0, readUnits: 0, writes: 0, reads: 0 };
          const k = t.keys[name];
          k.byCaller ??= {};
          k.byCaller[caller || '?'] ??= { writeUnits: 0, readUnits: 0 };
          const kc = k.byCaller[caller || '?'];
          if (a.write) {
            k.writeUnits += a.units;
            k.writes += 1;
            if (kc) kc.writeUnits += a.units;
          } else {
            k.readUnits += a.units;
            k.reads += 1;
            if (kc) kc.readUnits += a.units;
          }
        }
      };
      // Attributed after the answer is sent (items may be read back), so the caller's latency is not
      // the meter's.
      const authHeaders = {
        authorization: String(c.requestHeaders.authorization ?? ''),
        'x-amz-date': String(c.requestHeaders['x-amz-date'] ?? ''),
      };
      const attributing = accessesOf(
        upstream,
        authHeaders,
        operation,
        input as Parameters<typeof keyAccesses>[1],
        parsed.ConsumedCapacity,
      )
        .then(
          (accesses) => {
            byKey(accesses);
            // DynamoDB Local sizes a transaction as one item: its units are worked out per item.
            count(
              operation === 'TransactWriteItems' ? accesses.reduce((s, a) => s + a.units, 0) : billedUnits(),
            );
          },
          () => count(billedUnits()),
        )
        .finally(() => pending.delete(attributing));
      pending.add(attributing);
    } else if (c.status >= 300) {
      let type = `HTTP ${c.status}`;
      try {
        const error = JSON.parse(c.response.toString('utf8')) as { __type?: string };
        type = error.__type?.split('#').pop() ?? type;
      } catch {
        // Not JSON: keep the status.
      }
      const key = `${operation} ${type}`;
      t.failures[key] = (t.failures[key] ?? 0) + 1;
    }
  };
  const proxy = await startDynamoProxy(target, {
    rewrite: (operation, input) =>
      operation === 'unknown' ? input : { ...input, ReturnConsumedCapacity: 'INDEXES' },
    observe,
  });
  return {
    endpoint: proxy.endpoint,
    endpointFor: proxy.endpointFor,
    get tally() {
      return state.tally;
    },
    set tally(t: Tally) {
      state.tally = t;
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    reset() {
      state.tally = emptyTally();
    },
    close: proxy.close,
  };
}
