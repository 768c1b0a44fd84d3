/**
 * Bytes that are not UTF-8 are refused, never stored as U+FFFD: the JSON path of the string holding
 * them (or `body`), or the CSV line.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ValidationError } from '../../../shared/http/errors.js';
import { parseJsonObject } from '../../../shared/http/json-body.js';
import { firstInvalidUtf8, jsonText, lineText } from '../../../shared/http/utf8.js';
import { apiEvent } from '../functions/fixtures.js';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

function errorsOf(fn: () => unknown): readonly { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ValidationError, String(e));
    return e.errors;
  }
  assert.fail('expected a ValidationError');
}

describe('UTF-8 bodies', () => {
  it('finds the first invalid sequence exactly where the WHATWG decoder fails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), (input) => {
        // Act
        const offset = firstInvalidUtf8(input);
        // Assess
        let valid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(input);
        } catch {
          valid = false;
        }
        assert.equal(offset === -1, valid);
        if (offset >= 0) new TextDecoder('utf-8', { fatal: true }).decode(input.subarray(0, offset));
      }),
      { numRuns: 2000 },
    );
  });

  it('names the JSON path of the string holding the bad bytes', () => {
    // Act & Assess
    const cases: [Buffer, string][] = [
      [bytes('{"amount":1,"description":"caf', [0xe9], '"}'), 'description'],
      [bytes('{"metadata":{"a":"ok","b":"', [0xff], '"}}'), 'metadata.b'],
      [bytes('{"events":["a","', [0xc3, 0x28], '"]}'), 'events[1]'],
      [bytes('{"metadata":{"', [0xed, 0xa0, 0x80], '":"v"}}'), 'metadata.\uFFFD\uFFFD\uFFFD'],
      [bytes('{"a":1', [0x80], '}'), 'body'],
      [bytes([0xef, 0xbb]), 'body'],
    ];
    for (const [body, path] of cases) {
      assert.deepEqual(
        errorsOf(() => jsonText(body)),
        [{ path, message: 'is not valid UTF-8' }],
        path,
      );
    }
  });

  it('refuses a JSON body whose bytes are not UTF-8, base64-encoded as API Gateway sends it', () => {
    // Prepare
    const body = bytes('{"description":"', [0xc0, 0xaf], '"}');
    const event = apiEvent({
      headers: { 'content-type': 'application/json' },
      body: body.toString('base64'),
      isBase64Encoded: true,
    });
    // Act & Assess
    assert.deepEqual(
      errorsOf(() => parseJsonObject(event)),
      [{ path: 'description', message: 'is not valid UTF-8' }],
    );
  });

  it('keeps valid text, U+FFFD sent on purpose included', () => {
    // Act & Assess
    assert.equal(jsonText(bytes('{"a":"\uFFFD é 😀"}')), '{"a":"\uFFFD é 😀"}');
  });

  it('names the CSV line holding the bad bytes', () => {
    // Act & Assess
    assert.deepEqual(
      errorsOf(() => lineText(bytes('h\nok\nbad', [0xfe], '\nok\n'))),
      [{ path: 'line 3', message: 'is not valid UTF-8' }],
    );
  });
});
