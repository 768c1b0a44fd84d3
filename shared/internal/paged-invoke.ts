/**
 * Reads everything an owner's paged internal function answers (a page of items and a cursor, null after
 * the last): one synchronous invoke a page, each answer checked against the contract's schema, so a
 * change of the owner's answer fails loudly here instead of miscounting.
 */
import * as z from 'zod/mini';
import { invokeFunction } from '../services/invoke.js';

/** Every item of `request`'s pages, in the order the owner answers them. */
export async function* invokePages<T>(
  functionArn: string | undefined,
  request: Readonly<Record<string, unknown>>,
  answerSchema: z.ZodMiniType<{ items: T[]; cursor: string | null }>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const answer = z.parse(
      answerSchema,
      await invokeFunction(functionArn, cursor === undefined ? request : { ...request, cursor }),
    );
    yield* answer.items;
    cursor = answer.cursor ?? undefined;
  } while (cursor !== undefined);
}
