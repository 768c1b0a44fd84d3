/**
 * A metering proxy in front of DynamoDB Local: the shipped bundles talk to it as their DynamoDB endpoint;
 * it asks DynamoDB for `ReturnConsumedCapacity: INDEXES` on every call and tallies the capacity units per
 * operation, table and index. This counts exactly what the deployed code consumes, without a line of
 * measuring code inside the handlers. (DynamoDB Local does not check request signatures, so the body
 * may be rewritten; the bench only.)
 */
import { createServer, request, type Server } from 'node:http';

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
  reset(): void;
  close(): Promise<void>;
}

/** Starts the proxy on a random loopback port, forwarding to `target` (e.g. http://127.0.0.1:8000). */
export async function startMeteringProxy(target: string): Promise<MeteringProxy> {
  const upstream = new URL(target);
  const state = { tally: emptyTally() };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      let body = Buffer.concat(chunks);
      if (body.length > 0 && operation !== 'unknown') {
        const json = JSON.parse(body.toString('utf8'));
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
              const units = unitsOf(parsed.ConsumedCapacity);
              t.unitsByOperation[operation] = (t.unitsByOperation[operation] ?? 0) + units;
              if (WRITE_OPERATIONS.has(operation)) {
                t.writeUnits += units;
                if (by) by.writeUnits += units;
              } else {
                t.readUnits += units;
                if (by) by.readUnits += units;
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
    reset() {
      state.tally = emptyTally();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
