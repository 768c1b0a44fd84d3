/** A callback receiver for the channel simulators' tests: records what arrives, answers `status`. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery {
  /** The path it was posted to. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface Receiver {
  readonly url: string;
  readonly deliveries: Delivery[];
  /** Answers this many deliveries with a 500 before answering `ok`. */
  failNext(n: number): void;
  /** Resolves with the first delivery (from `from` on) that `match` accepts, or rejects after `ms`. */
  next(match: (d: Delivery) => boolean, ms?: number, from?: number): Promise<Delivery>;
  close(): Promise<void>;
}

export async function startReceiver(ok: { status: number; body: string }): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (failures-- > 0) res.writeHead(500).end();
      else res.writeHead(ok.status).end(ok.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`;
  return {
    url,
    deliveries,
    failNext: (n) => {
      failures = n;
    },
    async next(match, ms = 3000, from = 0) {
      const until = Date.now() + ms;
      for (;;) {
        const found = deliveries.slice(from).find(match);
        if (found) return found;
        if (Date.now() > until) throw new Error('no matching callback arrived');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
