/** Response builders for API Gateway HTTP API (payload 2.0) handlers. */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Problem } from '../schemas/problem-catalogue.js';

export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** A JSON response. */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** An RFC 9457 problem response. */
export function problemResponse(body: Problem, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode: body.status,
    headers: { 'Content-Type': 'application/problem+json', ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * Answer of an idempotent POST. A replay carries `Idempotent-Replayed: true`; a stored refusal keeps
 * its problem content type, so a replayed 422 is byte-for-byte the first one.
 */
export function storedAnswer(answer: { status: number; body: unknown; replayed: boolean }): ApiResult {
  const headers: Record<string, string> = answer.replayed ? { 'Idempotent-Replayed': 'true' } : {};
  if (answer.status >= 400) return problemResponse(answer.body as Problem, headers);
  return json(answer.status, answer.body, headers);
}
