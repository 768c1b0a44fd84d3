/**
 * Parses the JSON body. No body at all reads as `{}` (a refund body is optional); a body in another
 * content type is refused (415); bytes that are not UTF-8 (utf8.ts), JSON that does not parse, or JSON
 * that is not an object, are a 400.
 */
import type { MiddlewareObj } from '@middy/core';
import { type ApiEvent, header, parsedOf, rawBody } from './api-event.js';
import { MalformedJsonError, UnsupportedMediaTypeError, ValidationError } from './errors.js';
import { jsonText } from './utf8.js';

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** JSON's own whitespace (RFC 8259): a body of nothing else is no body. */
function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/** Parses `event.body` as a JSON object into `event.parsed.json`. */
export function parseJsonObject(event: ApiEvent): unknown {
  const bytes = rawBody(event);
  if (bytes.every(isJsonWhitespace)) return {};
  const contentType = header(event, 'content-type');
  if (!contentType || !JSON_MEDIA_TYPE.test(contentType)) throw new UnsupportedMediaTypeError(contentType);
  const value = parseJson(jsonText(bytes));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('The body must be a JSON object.', [
      { path: '', message: 'must be a JSON object' },
    ]);
  }
  return value;
}

/** `JSON.parse`, refusing malformed JSON with a 400 `malformed-json`. @throws MalformedJsonError */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new MalformedJsonError(error);
  }
}

export function jsonBody(): MiddlewareObj<ApiEvent> {
  return {
    before: function jsonBodyBefore(request) {
      parsedOf(request.event).json = parseJsonObject(request.event);
    },
  };
}
