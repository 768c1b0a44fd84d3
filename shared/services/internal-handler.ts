/**
 * The handler shape of every internal function (functions/internal/*.ts), which other services invoke
 * directly (shared/services/invoke.ts): the payload parsed with the function's contract schema (the zod
 * schema in shared/ that the caller's side parses with too), the operation, a small JSON answer. A payload that does not parse throws
 * `InvalidPayloadError`, which the caller receives as the function error's type: a caller's bug, never
 * retried into success, so it is logged with the issues and not swallowed.
 */
import type { Context } from 'aws-lambda';
import { safeParse, type z } from 'zod/mini';
import { logger } from '../http/logger.js';

/** Never answered to a client (no API route reaches an internal function): no problem code. */
export class InvalidPayloadError extends Error {
  override readonly name = 'InvalidPayloadError';
  constructor(fn: string, issues: string) {
    super(`${fn}: the payload does not match its contract: ${issues}`);
  }
}

/** A Lambda handler that parses its payload with `schema` and answers what `run` returns. */
export function internalHandler<S extends z.ZodMiniType, A>(
  name: string,
  schema: S,
  run: (payload: z.infer<S>) => Promise<A>,
): (event: unknown, context?: Context) => Promise<A> {
  return async (event, context) => {
    if (context) logger.addContext(context);
    const parsed = safeParse(schema, event);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      logger.error('internal function payload refused', { function: name, issues });
      throw new InvalidPayloadError(name, issues.join('; '));
    }
    return run(parsed.data);
  };
}
