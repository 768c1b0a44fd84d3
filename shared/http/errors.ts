/**
 * Errors raised while handling an API request. Each carries the stable problem `code` (the slug of
 * its problem `type`); `toProblemResponse` in `problem-errors.ts` is the one mapper to problem+json,
 * and errors of other modules reach it through the table in shared/schemas/error-problems.ts.
 */
import { CodedError } from '../domain/errors.js';
import { PROBLEMS, type ProblemCode, type ProblemFieldError } from '../schemas/problem-catalogue.js';

/** Base of every error that is meant to reach the client as a 4xx problem. */
export class HttpProblemError extends CodedError<ProblemCode> {
  override readonly name: string = 'HttpProblemError';
  readonly status: number;
  /** Headers the answer carries besides its content type (`Retry-After` of a 429). */
  readonly headers: Readonly<Record<string, string>> = {};
  constructor(
    code: ProblemCode,
    readonly detail: string,
    readonly errors: readonly ProblemFieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(code, detail, options);
    this.status = PROBLEMS[code].status;
  }
}

/** 400: the request does not match the schema; `errors` names each offending field. */
export class ValidationError extends HttpProblemError {
  override readonly name = 'ValidationError';
  constructor(detail: string, errors: readonly ProblemFieldError[] = []) {
    super('validation-error', detail, errors);
  }
}

/** 400: the body could not be parsed as JSON. */
export class MalformedJsonError extends HttpProblemError {
  override readonly name = 'MalformedJsonError';
  constructor(cause?: unknown) {
    super('malformed-json', 'The request body is not valid JSON.', [], { cause });
  }
}

/** 415: a body was sent with another content type than JSON. */
export class UnsupportedMediaTypeError extends HttpProblemError {
  override readonly name = 'UnsupportedMediaTypeError';
  constructor(contentType: string | undefined) {
    super('unsupported-media-type', `Content-Type ${contentType ?? '(none)'} is not application/json.`);
  }
}

/** 401: no valid credentials (or, for callbacks, no valid signature). */
export class UnauthorizedError extends HttpProblemError {
  override readonly name = 'UnauthorizedError';
  constructor(
    detail = 'A valid API key is required.',
    code: 'unauthorized' | 'invalid-signature' = 'unauthorized',
  ) {
    super(code, detail);
  }
}

/** 403: a valid key of the wrong role (an ops key on a merchant route, or the reverse). */
export class ForbiddenError extends HttpProblemError {
  override readonly name = 'ForbiddenError';
  constructor(detail: string) {
    super('forbidden', detail);
  }
}

/** 403: the key is valid but its merchant is suspended (a 401 would read as a wrong key). */
export class MerchantSuspendedError extends HttpProblemError {
  override readonly name = 'MerchantSuspendedError';
  constructor() {
    super(
      'merchant-suspended',
      'The merchant is suspended: its API keys are refused until ops reinstate it.',
    );
  }
}

/** 404: absent, or belongs to another merchant (the two are indistinguishable on purpose). */
export class NotFoundError extends HttpProblemError {
  override readonly name = 'NotFoundError';
  constructor(detail: string) {
    super('not-found', detail);
  }
}

/** 429: the merchant is over its flow limits; `Retry-After` says when a request will be admitted. */
export class RateLimitedError extends HttpProblemError {
  override readonly name = 'RateLimitedError';
  override readonly headers: Readonly<Record<string, string>>;
  constructor(readonly retryAfterSeconds: number) {
    super(
      'rate-limited',
      `This merchant's requests are over its flow limits. Retry in ${retryAfterSeconds} s.`,
    );
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}
