/**
 * One signed AWS JSON protocol call (signed-post.ts): what Step Functions (sfn.ts), SQS sends (sqs-send.ts)
 * and Secrets Manager reads (secrets-manager.ts) use instead of their SDK clients. Each client is 13–24 KB
 * of a bundle that the DynamoDB client, middy and zod already bring near the 300 KB budget (measured
 * 2026-12-06; the figures are in each caller's comment). Throttling and 5xx are retried as the SDK
 * clients retry them.
 */
import { type SignedEndpoint, signedPost } from './signed-post.js';

export interface AwsJsonService extends SignedEndpoint {
  /** `X-Amz-Target` before the operation, e.g. `AWSStepFunctions`. */
  readonly targetPrefix: string;
  readonly jsonVersion: '1.0' | '1.1';
}

/** The service refused the call (after the retries): its error type (`ThrottlingException`…) and message. */
export class AwsJsonCallError extends Error {
  override readonly name = 'AwsJsonCallError';
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The answer's JSON object, `{}` when it has none. */
function parsed(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The error type of a refusal: `__type` without its namespace, `Http<status>` when there is none. */
function errorType(response: Response, answer: Record<string, unknown>): string {
  return (
    String(answer.__type ?? `Http${response.status}`)
      .split('#')
      .pop() || 'Error'
  );
}

/** `operation` with `input`; the answer's JSON. @throws AwsJsonCallError */
export async function awsJsonCall(
  service: AwsJsonService,
  operation: string,
  input: object,
  fetchImpl?: typeof fetch,
): Promise<Record<string, unknown>> {
  const { response, text } = await signedPost(service, {
    path: '',
    headers: {
      'content-type': `application/x-amz-json-${service.jsonVersion}`,
      'x-amz-target': `${service.targetPrefix}.${operation}`,
    },
    body: JSON.stringify(input),
    retryable: (r, t) => r.status >= 500 || /Throttl/.test(errorType(r, parsed(t))),
    ...(fetchImpl ? { fetchImpl } : {}),
  });
  const answer = parsed(text);
  if (response.ok) return answer;
  const message = answer.message ?? answer.Message;
  throw new AwsJsonCallError(
    errorType(response, answer),
    response.status,
    typeof message === 'string' ? message : `${operation} answered ${response.status}`,
  );
}
