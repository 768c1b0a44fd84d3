/**
 * The HTTP API on 127.0.0.1: matches the template's routes, invokes the integration's function with a payload 2.0 event and maps its answer, as API Gateway does.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RouteTarget } from './api-routes.js';
import { type ApiContext, buildHttpEvent, type IncomingRequest, newRequestId } from './http-event.js';
import { gatewayError, type HttpResponse, INTERNAL_SERVER_ERROR, mapLambdaResult } from './http-response.js';
import type { InvokeResult } from './lambda-runner.js';
import type { Logger } from './log.js';
import type { LocalMetering } from './metering.js';
import { type Route, RouteTable } from './routes.js';

/** API Gateway's payload limit for HTTP APIs. */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface HttpApiOptions {
  readonly routes: readonly Route<RouteTarget>[];
  readonly invoke: (functionLogicalId: string, event: unknown) => Promise<InvokeResult>;
  readonly log: Logger;
  readonly port: number;
  readonly apiId: string;
  readonly accountId: string;
  readonly region: string;
  /** Counts requests per route when given (the bench). */
  readonly metering?: LocalMetering;
}

export interface HttpApi {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

class PayloadTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new PayloadTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string]);
  return out;
}

function send(res: ServerResponse, response: HttpResponse, requestId: string): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    // Framing is ours to decide, as it is API Gateway's.
    if (name === 'content-length' || name === 'transfer-encoding' || name === 'connection') continue;
    const existing = headers[name];
    if (name === 'set-cookie') headers[name] = [...((existing as string[] | undefined) ?? []), value];
    else headers[name] = existing ? `${existing as string},${value}` : value;
  }
  headers['apigw-requestid'] = requestId;
  headers['content-length'] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(response.body);
}

/** Starts the server; resolves once it listens. */
export async function startHttpApi(options: HttpApiOptions): Promise<HttpApi> {
  const table = new RouteTable(options.routes);
  let api: ApiContext = {
    apiId: options.apiId,
    accountId: options.accountId,
    region: options.region,
    localPort: options.port,
  };

  async function handle(req: IncomingMessage, requestId: string): Promise<HttpResponse> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const rawQueryString = q >= 0 ? url.slice(q + 1) : '';
    const method = req.method ?? 'GET';
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof PayloadTooLarge) return gatewayError(413, 'Request Entity Too Large');
      throw error;
    }
    const request: IncomingRequest = {
      method,
      rawPath,
      rawQueryString,
      headers: pairs(req.rawHeaders),
      body,
      sourceIp: req.socket.remoteAddress?.replace(/^::ffff:/, '') ?? '127.0.0.1',
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      timeEpoch: Date.now(),
    };
    const match = table.match(method, rawPath);
    if (!match) return gatewayError(404, 'Not Found');
    const { routeKey, target } = match.route;
    options.metering?.apiRequest(routeKey);

    const event = buildHttpEvent(request, api, routeKey, match.pathParameters, undefined);
    const result = await options.invoke(target.functionLogicalId, event);
    if (!result.ok) return INTERNAL_SERVER_ERROR();
    const response = mapLambdaResult(result.payload);
    if (!response) {
      options.log.error(
        `${routeKey}: malformed Lambda response ${JSON.stringify(result.payload).slice(0, 500)}`,
      );
      return INTERNAL_SERVER_ERROR();
    }
    return response;
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const requestId = newRequestId();
    // The path only, as API Gateway's access log has no query string: a query may carry what must never
    // be logged (a card number the function refuses).
    const path = (req.url ?? '/').split('?')[0];
    handle(req, requestId)
      .catch((error: unknown) => {
        options.log.error(`${req.method} ${path}: ${(error as Error).stack ?? String(error)}`);
        return INTERNAL_SERVER_ERROR();
      })
      .then((response) => {
        send(res, response, requestId);
        options.log.info(
          `${req.method} ${path} → ${response.statusCode} (${Math.round(performance.now() - started)} ms)`,
        );
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  api = { ...api, localPort: port };
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
