/**
 * A caller's side of a read-only internal function: the request checked against the contract before it
 * leaves (a caller's bug fails here, named, not as the owner's error), the function invoked synchronously
 * (its `live` alias), its answer parsed with the contract's answer schema.
 */
import * as z from 'zod/mini';
import { invokeFunction } from '../services/invoke.js';

export type InternalReader<Request, Answer> = (request: Request) => Promise<Answer>;

export function internalReader<Request extends z.ZodMiniType, Answer extends z.ZodMiniType>(
  requestSchema: Request,
  answerSchema: Answer,
  functionArn: string | undefined,
): InternalReader<z.input<Request>, z.output<Answer>> {
  return async (request) =>
    z.parse(answerSchema, await invokeFunction(functionArn, z.parse(requestSchema, request)));
}
