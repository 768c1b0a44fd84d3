/**
 * A merchant's webhook endpoint for tests: an HTTP server on 127.0.0.1 that answers `statuses` in turn
 * (then 200) and records each delivery with whether its `Payments-Signature` verifies against the secret
 * set after registering.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPayload } from '../../shared/webhooks/signature.js';

export interface Delivery {
  readonly at: number;
  readonly body: any;
  readonly verified: boolean;
  readonly status: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly deliveries: Delivery[];
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(statuses: number[] = []): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let secret = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = req.headers['payments-signature'] as string | undefined;
      const status = statuses.shift() ?? 200;
      deliveries.push({
        at: Date.now(),
        body: JSON.parse(raw),
        verified: verifyPayload(signature, raw, secret, Math.floor(Date.now() / 1000)).ok,
        status,
      });
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`,
    deliveries,
    setSecret(s: string) {
      secret = s;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
