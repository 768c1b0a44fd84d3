/**
 * The base of every error the product raises on purpose. `code` is stable: it survives process
 * boundaries (logs, a state machine's error, a dead-lettered message) and the one table
 * (shared/schemas/error-problems.ts) turns it into the problem a client sees. It lives in the domain
 * because the domain imports nothing but the domain, and every other module may import the domain.
 */
export class CodedError<C extends string = string> extends Error {
  override readonly name: string = 'CodedError';
  constructor(
    readonly code: C,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
