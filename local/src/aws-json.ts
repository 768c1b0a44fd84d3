/**
 * A tiny server for the AWS JSON protocols (awsJson1_0 for SQS, awsJson1_1 for EventBridge) as the SDK v3
 * clients speak them: `POST /` with `X-Amz-Target: <Service>.<Action>` and a JSON body; answers 200 with
 * a JSON body, or 4xx with `{ "__type", "message" }` (plus SQS's `x-amzn-query-error` header, which the
 * query-compatible SQS client reads to name the error). Requests are not signature-checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './log.js';

/** An error the service answers with, shaped as AWS does. */
export class AwsError extends Error {
  constructor(
    /** The error shape's name (`QueueDoesNotExist`, `ValidationException`, …). */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** SQS only: the awsQuery error code (`AWS.SimpleQueueService.NonExistentQueue`). */
    readonly queryCode?: string,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export interface AwsJsonServerOptions {
  /** `AmazonSQS` or `AWSEvents`. */
  readonly targetPrefix: string;
  /** `1.0` or `1.1`. */
  readonly jsonVersion: '1.0' | '1.1';
  /** Prefix of `__type` (`com.amazonaws.sqs#`), empty for EventBridge. */
  readonly typePrefix: string;
  /** Whether to send `x-amzn-query-error` (SQS, a query-compatible service). */
  readonly queryCompatible: boolean;
  readonly handle: (action: string, input: Record<string, unknown>) => Promise<unknown> | unknown;
  readonly log: Logger;
  readonly name: string;
  readonly port?: number;
}

export interface AwsJsonServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startAwsJsonServer(options: AwsJsonServerOptions): Promise<AwsJsonServer> {
  const contentType = `application/x-amz-json-${options.jsonVersion}`;
  const reply = (res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': String(Buffer.byteLength(text)),
      'x-amzn-requestid': randomUUID(),
      ...extra,
    });
    res.end(text);
  };
  const fail = (res: ServerResponse, error: AwsError) => {
    const extra: Record<string, string> = {};
    if (options.queryCompatible)
      extra['x-amzn-query-error'] = `${error.queryCode ?? error.code};${error.fault}`;
    reply(res, error.status, { __type: `${options.typePrefix}${error.code}`, message: error.message }, extra);
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const text = await readBody(req);
      if (req.method !== 'POST' || !target.startsWith(`${options.targetPrefix}.`)) {
        fail(res, new AwsError('UnknownOperationException', `Unknown operation ${target || '(none)'}`));
        return;
      }
      const action = target.slice(options.targetPrefix.length + 1);
      let input: Record<string, unknown>;
      try {
        const parsed = text ? (JSON.parse(text) as unknown) : {};
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
          throw new Error('not an object');
        input = parsed as Record<string, unknown>;
      } catch {
        fail(
          res,
          new AwsError('SerializationException', 'Start of structure or map found where not expected.'),
        );
        return;
      }
      try {
        reply(res, 200, (await options.handle(action, input)) ?? {});
      } catch (error) {
        if (error instanceof AwsError) {
          fail(res, error);
          return;
        }
        options.log.error(`${options.name} ${action}: ${(error as Error).stack ?? String(error)}`);
        fail(
          res,
          new AwsError('InternalFailure', 'The request processing has failed.', 500, undefined, 'Receiver'),
        );
      }
    })().catch((error: unknown) => {
      options.log.error(`${options.name}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
