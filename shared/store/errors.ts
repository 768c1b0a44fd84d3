/**
 * Errors of the store adapters, translated from SDK errors where they are caught
 * (`ConditionalCheckFailedException`, `TransactionCanceledException`). Codes are stable: the HTTP
 * layer maps them to problem types, logs and tests match on them.
 */
import { CodedError } from '../domain/errors.js';
export type StoreErrorCode =
  | 'not_found'
  | 'idempotency_key_reused'
  | 'invalid_cursor'
  | 'concurrent_modification'
  | 'corrupt_item';

export class StoreError extends CodedError<StoreErrorCode> {
  override readonly name: string = 'StoreError';
}

/** The object does not exist, or belongs to another merchant: both answer the same. */
export class ObjectNotFoundError extends StoreError {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly objectId: string) {
    super('not_found', `No such object: ${objectId}`);
  }
}

/** The Idempotency-Key already holds another request (different method, path or body). */
export class IdempotencyKeyReusedError extends StoreError {
  override readonly name = 'IdempotencyKeyReusedError';
  constructor() {
    super('idempotency_key_reused', 'This Idempotency-Key was already used with a different request.');
  }
}

/** A list cursor that we did not issue, or issued to another merchant. */
export class InvalidCursorError extends StoreError {
  override readonly name = 'InvalidCursorError';
  constructor(reason: string) {
    super('invalid_cursor', `Invalid cursor: ${reason}`);
  }
}

/** A transaction kept colliding with concurrent writes to the same items; the client may retry. */
export class ConcurrentModificationError extends StoreError {
  override readonly name = 'ConcurrentModificationError';
  constructor(cause?: unknown) {
    super('concurrent_modification', 'Concurrent requests changed this object; retry the request.', {
      cause,
    });
  }
}

/** An item that does not have the shape we write: a bug or manual tampering, never the client's fault. */
export class CorruptItemError extends StoreError {
  override readonly name = 'CorruptItemError';
  constructor(detail: string) {
    super('corrupt_item', `Unexpected item shape: ${detail}`);
  }
}
