/**
 * HTTP API Lambda (REQUEST) authorizers, with API Gateway's documented behaviour:
 * - an identity source that is missing or empty → 401 `{"message":"Unauthorized"}`, the function is not invoked;
 * - simple responses: `isAuthorized: false` → 403 `{"message":"Forbidden"}`; `true` → allowed, and the
 *   returned `context` reaches the integration as `requestContext.authorizer.lambda`;
 * - IAM policy responses (simple responses off): an Allow of `execute-api:Invoke` on the route ARN;
 * - a function error, a timeout or a malformed answer → 500 `{"message":"Internal Server Error"}`;
 * - results (allow and deny) cached per identity source values for `AuthorizerResultTtlInSeconds`.
 */
import { gatewayError, type HttpResponse, INTERNAL_SERVER_ERROR } from './http-response.js';

export interface AuthorizerConfig {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  /** Selection expressions such as `$request.header.Authorization`. */
  readonly identitySource: readonly string[];
  readonly ttlSeconds: number;
  readonly simpleResponses: boolean;
}

export type AuthorizerDecision =
  | { readonly allowed: true; readonly authorizer: Record<string, unknown> }
  | { readonly allowed: false; readonly response: HttpResponse };

export interface AuthorizerRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly queryStringParameters?: Readonly<Record<string, string>>;
  readonly routeArn: string;
}

/** Invokes the authorizer function: the parsed payload, or `undefined` when the invocation failed. */
export type InvokeAuthorizer = (identitySource: string[]) => Promise<{ ok: boolean; payload?: unknown }>;

/** The identity source values of a request, or `undefined` when one is missing or empty. */
export function identityValues(config: AuthorizerConfig, request: AuthorizerRequest): string[] | undefined {
  const values: string[] = [];
  for (const source of config.identitySource) {
    let value: string | undefined;
    const header = /^\$request\.header\.(.+)$/i.exec(source);
    const query = /^\$request\.querystring\.(.+)$/i.exec(source);
    if (header?.[1]) value = request.headers[header[1].toLowerCase()];
    else if (query?.[1]) value = request.queryStringParameters?.[query[1]];
    else
      throw new Error(`authorizer ${config.logicalId}: identity source ${source} is not supported locally`);
    if (value === undefined || value === '') return undefined;
    values.push(value);
  }
  return values;
}

function wildcard(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}

interface Statement {
  Effect?: string;
  Action?: string | string[];
  Resource?: string | string[];
}

function policyAllows(payload: Record<string, unknown>, routeArn: string): boolean | undefined {
  const doc = payload.policyDocument as { Statement?: Statement[] } | undefined;
  if (!doc || !Array.isArray(doc.Statement)) return undefined;
  const applies = (s: Statement) => {
    const actions = ([] as string[]).concat(s.Action ?? []);
    const resources = ([] as string[]).concat(s.Resource ?? []);
    return (
      actions.some((a) => wildcard(a, 'execute-api:Invoke')) && resources.some((r) => wildcard(r, routeArn))
    );
  };
  if (doc.Statement.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return doc.Statement.some((s) => s.Effect === 'Allow' && applies(s));
}

/** One authorizer with its result cache. */
export class Authorizer {
  private readonly cache = new Map<string, { expires: number; decision: AuthorizerDecision }>();

  constructor(
    readonly config: AuthorizerConfig,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(request: AuthorizerRequest, invoke: InvokeAuthorizer): Promise<AuthorizerDecision> {
    const values = identityValues(this.config, request);
    if (!values) return { allowed: false, response: gatewayError(401, 'Unauthorized') };
    const cacheKey = JSON.stringify(values);
    const cached = this.cache.get(cacheKey);
    if (cached && cached.expires > this.now()) return cached.decision;

    const result = await invoke(values);
    const decision = this.decide(result, request.routeArn);
    // A failed invocation is not a decision: API Gateway does not cache it.
    if (this.config.ttlSeconds > 0 && result.ok) {
      this.cache.set(cacheKey, { expires: this.now() + this.config.ttlSeconds * 1000, decision });
    }
    return decision;
  }

  private decide(result: { ok: boolean; payload?: unknown }, routeArn: string): AuthorizerDecision {
    const denied = (response: HttpResponse): AuthorizerDecision => ({ allowed: false, response });
    if (!result.ok || result.payload === null || typeof result.payload !== 'object') {
      return denied(INTERNAL_SERVER_ERROR());
    }
    const payload = result.payload as Record<string, unknown>;
    const context = payload.context;
    if (context !== undefined && (context === null || typeof context !== 'object')) {
      return denied(INTERNAL_SERVER_ERROR());
    }
    let allowed: boolean | undefined;
    if (this.config.simpleResponses && typeof payload.isAuthorized === 'boolean')
      allowed = payload.isAuthorized;
    else allowed = policyAllows(payload, routeArn);
    if (allowed === undefined) return denied(INTERNAL_SERVER_ERROR());
    if (!allowed) return denied(gatewayError(403, 'Forbidden'));
    const lambda = (context as Record<string, unknown> | undefined) ?? null;
    const authorizer: Record<string, unknown> = { lambda };
    if (typeof payload.principalId === 'string') authorizer.principalId = payload.principalId;
    return { allowed: true, authorizer };
  }
}
