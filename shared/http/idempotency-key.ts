/** The `Idempotency-Key` header, required on every POST that creates something. */
import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, header, parsedOf } from './api-event.js';
import { ValidationError } from './errors.js';

/** 1–255 printable ASCII characters (space through tilde). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/;

/** @throws ValidationError (400) when the header is missing or not 1–255 printable characters. */
export function readIdempotencyKey(event: ApiEvent): string {
  const value = header(event, 'idempotency-key');
  if (value === undefined || value.length === 0) {
    throw new ValidationError('The Idempotency-Key header is required.', [
      { path: 'Idempotency-Key', message: 'is required' },
    ]);
  }
  if (!IDEMPOTENCY_KEY.test(value)) {
    throw new ValidationError('The Idempotency-Key header is not valid.', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  }
  return value;
}

export function idempotencyKey(): MiddlewareObj<ApiEvent> {
  return {
    before: function idempotencyKeyBefore(request) {
      parsedOf(request.event).idempotencyKey = readIdempotencyKey(request.event);
    },
  };
}
