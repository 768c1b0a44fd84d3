/**
 * What one invocation used, measured inside its execution environment for the bench's Lambda duration
 * model (test/bench/lambda-model.ts): the CPU time of the environment's thread and the outgoing calls by
 * service and operation. Wall time against DynamoDB Local on a shared machine says little about AWS; CPU
 * time plus the calls made (each priced at a documented AWS latency) does, and is stable between runs.
 *
 * Runs in the worker thread (one invocation at a time per environment, so everything between `begin`
 * and `end` belongs to the invocation).
 */
import { subscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';

export interface InvocationUsage {
  /** On-CPU time of the environment's thread during the invocation, ms. */
  readonly cpuMs: number;
  /** Outgoing requests by `<service>.<operation>` (`dynamodb.PutItem`, `sqs.SendMessageBatch`, `http <host>`). */
  readonly calls: Record<string, number>;
  /**
   * The requests' wall time summed (ms), and the time at least one was in flight (ms): their ratio is how
   * far the handler overlapped its calls (records of a batch in parallel), which the duration model keeps.
   */
  readonly callMs?: number;
  readonly callBusyMs?: number;
}

/** X-Amz-Target prefixes (lower case) → the service names of the `AWS_ENDPOINT_URL_<SERVICE>` variables. */
const TARGET_SERVICES: Record<string, string> = {
  dynamodb_20120810: 'dynamodb',
  dynamodbstreams_20120810: 'dynamodbstreams',
  amazonsqs: 'sqs',
  awsevents: 'eventbridge',
  awsstepfunctions: 'sfn',
};

/** This thread's on-CPU time in ms: /proc/thread-self/schedstat (ns) on Linux, else the process's. */
function threadCpuMs(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** `host:port` → service, from the function's `AWS_ENDPOINT_URL_<SERVICE>` variables. */
function servicesByOrigin(env: NodeJS.ProcessEnv): Map<string, string> {
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(env)) {
    const service = /^AWS_ENDPOINT_URL_(.+)$/.exec(name)?.[1];
    if (!service || !value) continue;
    try {
      map.set(new URL(value).host, service.toLowerCase().replaceAll('_', ''));
    } catch {
      // Not a URL: not an endpoint we can recognise.
    }
  }
  return map;
}

/** Starts counting; call once per environment, before the first invocation. */
export function invocationUsageMeter(env: NodeJS.ProcessEnv = process.env) {
  const services = servicesByOrigin(env);
  let calls: Record<string, number> = {};
  const count = (host: string, target: string | undefined, method: string) => {
    const service = services.get(host);
    // JSON-protocol services name themselves and the operation in X-Amz-Target (`DynamoDB_20120810.PutItem`);
    // the target wins over the host, which several services may share locally (DynamoDB and its streams).
    const [prefix, operation] = target?.includes('.') ? target.split('.') : [undefined, method];
    const named = prefix ? (TARGET_SERVICES[prefix.toLowerCase()] ?? prefix.toLowerCase()) : service;
    const key = service ? `${named}.${operation}` : `http ${host}`;
    calls[key] = (calls[key] ?? 0) + 1;
  };
  // Overlap of the calls: each request's start and end, and the spans with at least one in flight.
  const startedAt = new WeakMap<object, number>();
  let inFlight = 0;
  let busySince = 0;
  let callMs = 0;
  let callBusyMs = 0;
  const opened = (request: object) => {
    const now = performance.now();
    startedAt.set(request, now);
    if (inFlight === 0) busySince = now;
    inFlight += 1;
  };
  const closed = (request: object) => {
    const at = startedAt.get(request);
    if (at === undefined) return;
    startedAt.delete(request);
    const now = performance.now();
    callMs += now - at;
    inFlight -= 1;
    if (inFlight === 0) callBusyMs += now - busySince;
  };
  const closing = (message: unknown) => closed((message as { request: object }).request);
  subscribe('http.client.response.finish', closing);
  subscribe('http.client.request.error', closing);
  subscribe('undici:request:trailers', closing);
  subscribe('undici:request:error', closing);
  subscribe('http.client.request.start', (message) => {
    const { request } = message as {
      request: { method: string; host: string; getHeader(name: string): unknown };
    };
    opened(request);
    // The SDK sets Host with the port; the bare host name is the fallback.
    const host = String(request.getHeader('host') ?? request.host);
    const target = request.getHeader('x-amz-target');
    count(host, typeof target === 'string' ? target : undefined, request.method);
  });
  subscribe('undici:request:create', (message) => {
    const { request } = message as { request: { origin: string; method: string } };
    opened(request);
    let host = request.origin;
    try {
      host = new URL(request.origin).host;
    } catch {
      // Keep the origin as given.
    }
    count(host, undefined, request.method);
  });
  let started = 0;
  return {
    begin(): void {
      calls = {};
      inFlight = 0;
      callMs = 0;
      callBusyMs = 0;
      started = threadCpuMs();
    },
    end(): InvocationUsage {
      // A request still open (fire and forget) counts as busy until now.
      const busy = callBusyMs + (inFlight > 0 ? performance.now() - busySince : 0);
      return { cpuMs: threadCpuMs() - started, calls, callMs, callBusyMs: busy };
    },
  };
}
