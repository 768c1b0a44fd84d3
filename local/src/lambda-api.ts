/**
 * The Lambda endpoint: the `Invoke` operation (REST-JSON, `POST /2015-03-31/functions/<name or ARN>/invocations`)
 * as the SDK v3 LambdaClient speaks it, so a function that asks another service's function to act
 * (`AWS_ENDPOINT_URL_LAMBDA`) runs unchanged. Which functions it serves: those some IAM policy of the
 * template grants `lambda:InvokeFunction` on ({@link invokedFunctionIds}).
 *
 * - `RequestResponse` (default): 200 with the answer; a function error is still 200, with
 *   `X-Amz-Function-Error: Unhandled` and `{ errorType, errorMessage, stackTrace }`, as Lambda answers.
 * - `Event`: 202 at once; the invocation runs after, and a failed one is retried twice (Lambda's async
 *   retries, here after 1 s and 2 s instead of about 1 and 2 minutes), then logged as dropped.
 * - `DryRun`: 204.
 * An unknown function is 404 `ResourceNotFoundException`. Requests are not signature-checked.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InvokeResult } from './lambda-runner.js';
import type { Logger } from './log.js';
import { physicalName, type ResolveContext, resolveValue } from './resolve.js';
import { type CfnValue, resourcesOfType } from './template.js';

/** What the endpoint needs of a function: the runner's `invoke`. */
export interface InvocableFunction {
  invoke(event: unknown, requestId?: string, traceHeader?: string): Promise<InvokeResult>;
}

export interface LambdaEndpointOptions {
  /** Functions by name (the part after `:function:` of their ARN), looked up at each request. */
  readonly functions: ReadonlyMap<string, InvocableFunction>;
  readonly log: Logger;
  /** Delays between the async retries; default Lambda's two retries, shortened to 1 s and 2 s. */
  readonly asyncRetryDelaysMs?: readonly number[];
  readonly port?: number;
}

export interface LambdaEndpoint {
  readonly url: string;
  /** Resolves when every queued (`Event`) invocation has run, retries included. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** `name`, `name:qualifier`, a function ARN or a qualified one → the function's name. */
export function functionNameOf(nameOrArn: string): string {
  const decoded = decodeURIComponent(nameOrArn);
  const afterFunction = decoded.includes(':function:') ? (decoded.split(':function:')[1] ?? '') : decoded;
  return afterFunction.split(':')[0] ?? '';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    'x-amzn-requestid': headers['x-amzn-requestid'] ?? randomUUID(),
    ...headers,
  });
  res.end(body);
}

function fail(res: ServerResponse, status: number, type: string, message: string) {
  send(res, status, JSON.stringify({ Type: 'User', message }), { 'x-amzn-errortype': type });
}

export async function startLambdaEndpoint(options: LambdaEndpointOptions): Promise<LambdaEndpoint> {
  const delays = options.asyncRetryDelaysMs ?? [1000, 2000];
  const queued = new Set<Promise<void>>();
  let closed = false;

  const runQueued = async (
    name: string,
    fn: InvocableFunction,
    event: unknown,
    requestId: string,
    trace: string | undefined,
  ) => {
    for (let attempt = 0; ; attempt++) {
      if (closed) return;
      const result = await fn.invoke(event, requestId, trace);
      if (result.ok) return;
      const delay = delays[attempt];
      if (delay === undefined) {
        options.log.error(
          `${name} ${requestId}: asynchronous invocation dropped after ${attempt + 1} attempts: ` +
            `${result.error.errorType}: ${result.error.errorMessage}`,
        );
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      const match = req.method === 'POST' ? INVOKE_PATH.exec(url.pathname) : null;
      if (!match?.[1]) {
        fail(res, 404, 'UnknownOperationException', `${req.method} ${url.pathname} is not served locally`);
        return;
      }
      const name = functionNameOf(match[1]);
      const fn = options.functions.get(name);
      if (!fn) {
        fail(res, 404, 'ResourceNotFoundException', `Function not found: ${decodeURIComponent(match[1])}`);
        return;
      }
      let event: unknown;
      try {
        event = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as unknown);
      } catch {
        fail(res, 400, 'InvalidRequestContentException', 'Could not parse request body into json');
        return;
      }
      const requestId = randomUUID();
      // The caller's trace (the SDK clients send their invocation's): the function continues it.
      const trace = req.headers['x-amzn-trace-id'];
      const traceHeader = typeof trace === 'string' ? trace : undefined;
      const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      if (type === 'DryRun') {
        send(res, 204, '', { 'x-amzn-requestid': requestId });
        return;
      }
      if (type === 'Event') {
        const run = runQueued(name, fn, event, requestId, traceHeader).finally(() => queued.delete(run));
        queued.add(run);
        send(res, 202, '', { 'x-amzn-requestid': requestId });
        return;
      }
      if (type !== 'RequestResponse') {
        fail(res, 400, 'InvalidParameterValueException', `Unsupported InvocationType ${type}`);
        return;
      }
      const result = await fn.invoke(event, requestId, traceHeader);
      const headers = { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' };
      if (result.ok) send(res, 200, JSON.stringify(result.payload ?? null), headers);
      else
        send(
          res,
          200,
          JSON.stringify({
            errorType: result.error.errorType,
            errorMessage: result.error.errorMessage,
            stackTrace: result.error.stackTrace ?? [],
          }),
          { ...headers, 'x-amz-function-error': 'Unhandled' },
        );
    })().catch((error: unknown) => {
      options.log.error(`Lambda endpoint: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) fail(res, 500, 'ServiceException', 'The request processing has failed.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    settled: async () => {
      while (queued.size > 0) await Promise.all([...queued]);
    },
    close: async () => {
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * Logical ids of the functions some IAM policy grants `lambda:InvokeFunction` on (a function, its alias
 * or version, or `<arn>:*`): the functions other functions call, which the runtime must run even when no
 * route, queue, stream or state machine invokes them. Resources that do not resolve locally are skipped.
 */
export function invokedFunctionIds(ctx: ResolveContext): Set<string> {
  const byName = new Map<string, string>();
  for (const [id] of resourcesOfType(ctx.template, 'AWS::Lambda::Function'))
    byName.set(physicalName(ctx.template, id), id);
  const ids = new Set<string>();
  for (const [, policy] of resourcesOfType(ctx.template, 'AWS::IAM::Policy')) {
    const document = policy.Properties?.PolicyDocument as { Statement?: unknown } | undefined;
    const statements = Array.isArray(document?.Statement) ? document.Statement : [];
    for (const statement of statements as Array<Record<string, unknown>>) {
      const actions = ([] as unknown[]).concat(statement.Action ?? []);
      if (statement.Effect !== 'Allow' || !actions.includes('lambda:InvokeFunction')) continue;
      for (const resource of ([] as unknown[]).concat(statement.Resource ?? [])) {
        let arn: unknown;
        try {
          arn = resolveValue(ctx, resource as CfnValue);
        } catch {
          continue;
        }
        const id = typeof arn === 'string' ? byName.get(functionNameOf(arn)) : undefined;
        if (id) ids.add(id);
      }
    }
  }
  return ids;
}
