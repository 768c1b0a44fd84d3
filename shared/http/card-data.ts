/**
 * Refuses card data wherever free text enters the API: every string of the parsed JSON body (values and
 * field names, at any depth) and every query string parameter of a keyed route that reads its query
 * (the others ignore it: it is neither stored nor logged, API Gateway's access log has no query). A card number
 * (shared/domain/card-numbers.ts) answers 400 `card-data-refused` naming each field by its JSON path,
 * before validation, the idempotency record or the handler see the request, so it is stored nowhere;
 * the problem and the log line (problemErrors logs a 4xx by its code only) never hold the number.
 * Channel callbacks are not scanned: their bodies are the channel's, parsed by their adapters.
 */
import type { MiddlewareObj } from '@middy/core';
import { containsCardNumber } from '../domain/card-numbers.js';
import type { ProblemFieldError } from '../schemas/problem-catalogue.js';
import { type ApiEvent, parsedOf } from './api-event.js';
import { HttpProblemError } from './errors.js';

/** At most this many fields are named in one answer. */
const MAX_NAMED_FIELDS = 20;

/** 400: a card number in free text. Names fields only. */
export class CardDataRefusedError extends HttpProblemError {
  override readonly name = 'CardDataRefusedError';
  constructor(where: 'body' | 'query string', errors: readonly ProblemFieldError[]) {
    const fields = errors.map((e) => e.path || '(top level)').join(', ');
    super(
      'card-data-refused',
      `The ${where} holds a card number (${fields}). Card numbers are not accepted in any field: remove it and send the request again.`,
      errors,
    );
  }
}

const VALUE = 'holds a card number';
const KEY = 'has a field name that holds a card number';

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The fields of a parsed JSON value that hold a card number, by JSON path (`customer.email`,
 * `items[0].note`; a field *name* holding one is reported at its object's path). Iterative, so no
 * nesting depth a client sends can overflow the stack.
 */
export function cardDataFields(value: unknown): ProblemFieldError[] {
  const found: ProblemFieldError[] = [];
  const stack: Array<[unknown, string]> = [[value, '']];
  while (stack.length > 0 && found.length < MAX_NAMED_FIELDS) {
    const [node, path] = stack.pop() as [unknown, string];
    if (typeof node === 'string') {
      if (containsCardNumber(node)) found.push({ path, message: VALUE });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], child(path, i)]);
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      if (entries.some(([key]) => containsCardNumber(key))) found.push({ path, message: KEY });
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i] as [string, unknown];
        // A key holding the number is reported at its object, never spelled out in a path.
        stack.push([item, containsCardNumber(key) ? path : child(path, key)]);
      }
    }
  }
  return found;
}

/**
 * Checks the parsed JSON body (when the route parses one) and, when `query` (the route reads its query
 * string), the query string parameters. @throws CardDataRefusedError
 */
export function refuseCardData(query: boolean): MiddlewareObj<ApiEvent> {
  return {
    before: function refuseCardDataBefore(request) {
      const body = parsedOf(request.event).json;
      if (body !== undefined) {
        const fields = cardDataFields(body);
        if (fields.length > 0) throw new CardDataRefusedError('body', fields);
      }
      const parameters = query ? request.event.queryStringParameters : undefined;
      if (parameters) {
        const fields = cardDataFields(parameters);
        if (fields.length > 0) throw new CardDataRefusedError('query string', fields);
      }
    },
  };
}
