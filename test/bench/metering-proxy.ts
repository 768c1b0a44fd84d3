/**
 * A metering proxy in front of DynamoDB Local: the shipped bundles talk to it as their DynamoDB endpoint;
 * it asks DynamoDB for `ReturnConsumedCapacity: INDEXES` on every call and tallies the capacity units per
 * operation, table and index. This counts exactly what the deployed code consumes, without a line of
 * measuring code inside the handlers. (DynamoDB Local does not check request signatures, so the body
 * may be rewritten; the bench only.)
 */
import { createServer, request, type Server } from 'node:http';
import { TABLE_GSIS } from '../../shared/store/table-definition.js';
import { type AttributeValue, itemSize, writeUnits } from './item-size.js';

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
}

export function emptyTally(): Tally {
  return { calls: {}, writeUnits: 0, readUnits: 0, unitsByOperation: {}, failures: {}, byCaller: {} };
}

const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

interface Consumed {
  CapacityUnits?: number;
}

type Item = Record<string, AttributeValue>;
interface TransactItem {
  Put?: { TableName: string; Item: Item };
  Update?: {
    TableName: string;
    Key: Item;
    UpdateExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
  };
  Delete?: { TableName: string; Key: Item };
  ConditionCheck?: { TableName: string; Key: Item };
}

/** GSI entries a transaction item writes (KEYS_ONLY indexes: one unit each, not doubled). */
function gsiWrites(op: TransactItem): number {
  return TABLE_GSIS.filter((g) => {
    if (op.Put)
      return op.Put.Item[g.partitionKey.name] !== undefined && op.Put.Item[g.sortKey.name] !== undefined;
    if (op.Update) {
      const names = new Set(Object.values(op.Update.ExpressionAttributeNames ?? {}));
      const expression = op.Update.UpdateExpression ?? '';
      return [g.partitionKey.name, g.sortKey.name].some((n) => names.has(n) || expression.includes(n));
    }
    return false;
  }).length;
}

/**
 * What AWS charges for a committed TransactWriteItems: 2 units per item per started KB (ConditionCheck
 * included), plus its index writes. DynamoDB Local sizes the transaction as one item, so the sizes are
 * worked out here: a Put's from its item, an Update's or ConditionCheck's from the item as committed
 * (read back, unmetered), a Delete's as one KB (its item is gone).
 */
async function transactionUnits(
  target: URL,
  headers: Record<string, string>,
  input: { TransactItems?: TransactItem[] },
): Promise<number> {
  let units = 0;
  for (const op of input.TransactItems ?? []) {
    const keyed = op.Update ?? op.ConditionCheck;
    let size = 0;
    if (op.Put) size = itemSize(op.Put.Item);
    else if (keyed) {
      const found = (await call(target, headers, 'GetItem', {
        TableName: keyed.TableName,
        Key: keyed.Key,
        ConsistentRead: true,
      })) as { Item?: Item };
      size = found.Item ? itemSize(found.Item) : 0;
    }
    units += writeUnits(size, true) + gsiWrites(op);
  }
  return units;
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

function unitsOf(consumed: Consumed | Consumed[] | undefined): number {
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
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      let body = Buffer.concat(chunks);
      let input: unknown;
      if (body.length > 0 && operation !== 'unknown') {
        const json = JSON.parse(body.toString('utf8'));
        input = json;
        json.ReturnConsumedCapacity = 'INDEXES';
        body = Buffer.from(JSON.stringify(json));
      }
      const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
      // A caller's endpoint may carry its name as the path (`endpointFor`); DynamoDB is served at `/`.
      const caller = decodeURIComponent((req.url ?? '/').split('?')[0]?.replace(/^\/+|\/+$/g, '') ?? '');
      const up = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: '/', headers },
        (upRes) => {
          const out: Buffer[] = [];
          upRes.on('data', (c: Buffer) => out.push(c));
          upRes.on('end', () => {
            const payload = Buffer.concat(out);
            const t = state.tally;
            t.calls[operation] = (t.calls[operation] ?? 0) + 1;
            if (caller && !t.byCaller[caller])
              t.byCaller[caller] = { writeUnits: 0, readUnits: 0, calls: {} };
            const by = caller ? t.byCaller[caller] : undefined;
            if (by) by.calls[operation] = (by.calls[operation] ?? 0) + 1;
            if ((upRes.statusCode ?? 500) < 300 && payload.length > 0) {
              const parsed = JSON.parse(payload.toString('utf8')) as {
                ConsumedCapacity?: Consumed | Consumed[];
              };
              const count = (units: number) => {
                t.unitsByOperation[operation] = (t.unitsByOperation[operation] ?? 0) + units;
                if (WRITE_OPERATIONS.has(operation)) {
                  t.writeUnits += units;
                  if (by) by.writeUnits += units;
                } else {
                  t.readUnits += units;
                  if (by) by.readUnits += units;
                }
              };
              if (operation === 'TransactWriteItems') {
                // Sized after the answer is sent, so the caller's latency is not the meter's.
                const authHeaders = {
                  authorization: String(req.headers.authorization ?? ''),
                  'x-amz-date': String(req.headers['x-amz-date'] ?? ''),
                };
                const sizing = transactionUnits(
                  upstream,
                  authHeaders,
                  input as { TransactItems?: TransactItem[] },
                )
                  .then(count, () => count(unitsOf(parsed.ConsumedCapacity)))
                  .finally(() => pending.delete(sizing));
                pending.add(sizing);
              } else {
                count(unitsOf(parsed.ConsumedCapacity));
              }
            } else if ((upRes.statusCode ?? 500) >= 300) {
              let type = `HTTP ${upRes.statusCode}`;
              try {
                const error = JSON.parse(payload.toString('utf8')) as { __type?: string };
                type = error.__type?.split('#').pop() ?? type;
              } catch {
                // Not JSON: keep the status.
              }
              const key = `${operation} ${type}`;
              t.failures[key] = (t.failures[key] ?? 0) + 1;
            }
            const { 'content-length': _, ...rest } = upRes.headers;
            res.writeHead(upRes.statusCode ?? 500, { ...rest, 'content-length': String(payload.length) });
            res.end(payload);
          });
        },
      );
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    endpointFor: (caller: string) => `http://127.0.0.1:${port}/${encodeURIComponent(caller)}`,
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
