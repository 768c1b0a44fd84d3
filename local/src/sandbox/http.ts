/** The sandbox simulators' small HTTP helpers: a bounded JSON body, and a JSON answer. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type * as z from 'zod/v4/core';

/** The largest request body the sandbox reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What readJson answers for a body over MAX_BODY_BYTES. */
export const tooLarge = Symbol('too large');

/** The request's JSON body; `undefined` when it is not JSON, `tooLarge` past MAX_BODY_BYTES. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return tooLarge;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

export function json(res: ServerResponse, status: number, body: unknown): true {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  return true;
}

/** Flattens zod issues into `{ path, message }` pairs with dotted paths (`add[0].amount`). */
export function fieldErrors(error: z.$ZodError): Array<{ path: string; message: string }> {
  const dotted = (path: readonly PropertyKey[]) =>
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '[');
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: dotted([...issue.path, key]), message: 'is not a known field' }))
      : [{ path: dotted(issue.path), message: issue.message }],
  );
}
