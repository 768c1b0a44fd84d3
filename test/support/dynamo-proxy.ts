/**
 * One HTTP proxy between the shipped functions and DynamoDB Local, for whatever needs to see their calls:
 * the data-ownership e2e test records each call as IAM would authorize it (dynamo-recorder.ts), the bench
 * meters the capacity each consumes (test/bench/metering-proxy.ts). Each function talks to it at its own
 * path (`endpointFor(<logical id>)`), so every call is known by its caller; the proxy parses the JSON
 * request once, lets the observer rewrite it (DynamoDB Local checks no signature), forwards it to `/` and
 * hands the observer the call with DynamoDB's answer before passing that answer back, so a caller that
 * goes on after its call finds it observed.
 */
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';

/** One DynamoDB request (JSON protocol) and its answer. */
export interface ProxiedCall {
  /** The caller's name from the endpoint's path (`endpointFor`); '' at the bare endpoint. */
  readonly caller: string;
  /** From `x-amz-target` (`DynamoDB_20120810.PutItem` → `PutItem`); `unknown` without one. */
  readonly operation: string;
  /** The request body, parsed (after `rewrite`), when there was one. */
  readonly input: Record<string, any> | undefined;
  readonly requestHeaders: IncomingHttpHeaders;
  /** DynamoDB's HTTP status; 502 when it could not be reached (`error`). */
  readonly status: number;
  readonly response: Buffer;
  readonly error?: Error;
}

export interface DynamoObserver {
  /** Changes the request before it goes to DynamoDB (e.g. asks for `ReturnConsumedCapacity`). */
  rewrite?(operation: string, input: Record<string, any>): Record<string, any>;
  observe(call: ProxiedCall): void;
}

export interface DynamoProxy {
  readonly endpoint: string;
  /** The endpoint for one caller: its calls are observed with `caller` set. */
  endpointFor(caller: string): string;
  close(): Promise<void>;
}

const collect = (stream: NodeJS.ReadableStream, done: (body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(Buffer.concat(chunks)));
};

/** Starts the proxy on a random loopback port, forwarding to `target` (DynamoDB Local). */
export async function startDynamoProxy(target: string, observer: DynamoObserver): Promise<DynamoProxy> {
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    collect(req, (received) => {
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
      const caller = decodeURIComponent((req.url ?? '/').split('?')[0]?.replace(/^\/+|\/+$/g, '') ?? '');
      let body = received;
      let input: Record<string, any> | undefined;
      if (body.length > 0) {
        input = JSON.parse(body.toString('utf8')) as Record<string, any>;
        if (observer.rewrite) {
          input = observer.rewrite(operation, input);
          body = Buffer.from(JSON.stringify(input));
        }
      }
      const call = { caller, operation, input, requestHeaders: req.headers };
      const headers = { ...req.headers, 'content-length': String(body.length), host: upstream.host };
      const up = request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: '/', headers },
        (upRes) =>
          collect(upRes, (payload) => {
            observer.observe({ ...call, status: upRes.statusCode ?? 500, response: payload });
            const { 'content-length': _, ...rest } = upRes.headers;
            res.writeHead(upRes.statusCode ?? 500, { ...rest, 'content-length': String(payload.length) });
            res.end(payload);
          }),
      );
      up.on('error', (error) => {
        observer.observe({ ...call, status: 502, response: Buffer.alloc(0), error });
        res.writeHead(502);
        res.end(String(error));
      });
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    endpointFor: (caller) => `http://127.0.0.1:${port}/${encodeURIComponent(caller)}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
