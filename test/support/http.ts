/**
 * A small client for end-to-end tests: real HTTP against the local runtime, with the contract's
 * headers spelled out at each call so tests read like the requests a merchant sends.
 */
import { createHmac } from 'node:crypto';

export const MERCHANT_1 = { id: 'm_demo_1', key: 'sk_test_demo_1' } as const;
export const MERCHANT_2 = { id: 'm_demo_2', key: 'sk_test_demo_2' } as const;
export const SANDBOX_SECRET = 'whsec_sandbox_local';

export interface Reply<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly key?: string | null;
  readonly idempotencyKey?: string;
  readonly headers?: Record<string, string>;
  /** Sent as is (not JSON-encoded) when a string. */
  readonly body?: unknown;
}

export class Api {
  constructor(
    readonly baseUrl: string,
    readonly defaultKey: string = MERCHANT_1.key,
  ) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? this.defaultKey : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text.
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }

  /** Creates a payment with a fresh idempotency key unless one is given. */
  createPayment(body: Record<string, unknown>, options: RequestOptions = {}) {
    return this.post('/v1/payments', body, { idempotencyKey: uniqueKey(), ...options });
  }

  /** Polls a payment until `predicate` holds or `timeoutMs` passes; returns the last payment seen. */
  async waitForPayment(
    id: string,
    predicate: (p: any) => boolean,
    timeoutMs = 15_000,
    options: RequestOptions = {},
  ) {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      const r = await this.get(`/v1/payments/${id}`, options);
      last = r.body;
      if (r.status === 200 && predicate(r.body)) return r.body;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `payment ${id} did not reach the expected state in ${timeoutMs} ms: ${JSON.stringify(last)}`,
    );
  }
}

let counter = 0;
/**
 * An idempotency key unique to this process. Tests use it for customer ids and emails too, so it holds
 * no long run of digits: a 13-digit millisecond timestamp (or the process id, the timestamp and the
 * counter joined by dashes) passes Luhn one time in ten, and the API refuses it as a card number.
 */
export function uniqueKey(prefix = 'test'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Signs a sandbox webhook body the way the channel does (contract: Sandbox-Signature). */
/**
 * The contract's `Payments-Request-Signature` of a request, computed here from its words (node:crypto, not
 * the product's code): `t=<t>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<path with query>.<raw body>")>`.
 */
export function requestSignature(
  secret: string,
  method: string,
  pathWithQuery: string,
  body: string,
  t = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${method}.${pathWithQuery}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

export function sandboxSignature(
  rawBody: string,
  secret = SANDBOX_SECRET,
  t = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest('hex');
  return `t=${t},v1=${v1}`;
}

/** Posts a sandbox callback with the given signature header (or a valid one). */
export async function postSandboxCallback(baseUrl: string, event: unknown, signature?: string | null) {
  const raw = JSON.stringify(event);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const sig = signature === undefined ? sandboxSignature(raw) : signature;
  if (sig !== null) headers['sandbox-signature'] = sig;
  const res = await fetch(`${baseUrl}/v1/channels/sandbox/callbacks`, { method: 'POST', headers, body: raw });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? safeJson(text) : undefined };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Asserts a response is RFC 9457 problem+json with the given status. */
export function isProblem(reply: { status: number; headers: Headers; body: any }, status: number): boolean {
  return (
    reply.status === status &&
    (reply.headers.get('content-type') ?? '').startsWith('application/problem+json') &&
    typeof reply.body === 'object' &&
    reply.body !== null &&
    reply.body.status === status &&
    typeof reply.body.type === 'string' &&
    typeof reply.body.title === 'string' &&
    typeof reply.body.detail === 'string'
  );
}
