/**
 * Request signatures against vectors made outside this code: each expected hex below was computed with
 * `printf '%s' '<signed string>' | openssl dgst -sha256 -hmac 'rss_test_vector_secret'` (the signed string
 * written out by hand from the contract: "<t>.<METHOD>.<path with query>.<raw body>"), and the HMAC
 * itself is checked against RFC 4231's test case 2.
 */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  newRequestSigningSecret,
  type SignedRequest,
  signRequest,
  verifyRequestSignature,
} from '../../../shared/http/request-signature.js';

const SECRET = 'rss_test_vector_secret';
const T = 1_700_000_000;
const create: SignedRequest = {
  method: 'POST',
  pathWithQuery: '/v1/payments',
  body: Buffer.from('{"amount":1050,"currency":"USD"}'),
};
const list: SignedRequest = {
  method: 'GET',
  pathWithQuery: '/v1/payments?limit=2&status=succeeded',
  body: Buffer.alloc(0),
};
/** Bytes that are not UTF-8 (0xff 0xfe) then "café": the body is signed as bytes, never as text. */
const binary: SignedRequest = {
  method: 'POST',
  pathWithQuery: '/v1/payments/pay_x/refunds',
  body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"reason":"café"}', 'utf8')]),
};
// openssl dgst -sha256 -hmac 'rss_test_vector_secret' over the strings in the comments.
const CREATE_HEX = '35832b4400898c62b3abbd6711d2b02906d76bed1d8c2c57726e924bd8591460'; // 1700000000.POST./v1/payments.{"amount":1050,"currency":"USD"}
const LIST_HEX = '981895a9024efb815de59e91de747e076fc994e0a9b9ed7c13f7d4daa69b00d7'; // 1700000000.GET./v1/payments?limit=2&status=succeeded.
const BINARY_HEX = '163f502e708ea5abe865336b9d49bb8593e3703a85f6b23755de8bb64c8240d8'; // printf '1700000000.POST./v1/payments/pay_x/refunds.\xff\xfe{"reason":"caf\xc3\xa9"}'

describe('request signature vectors', () => {
  it('uses HMAC-SHA256 as RFC 4231 defines it (test case 2)', () => {
    assert.equal(
      createHmac('sha256', 'Jefe').update('what do ya want for nothing?').digest('hex'),
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs "<t>.<METHOD>.<path with query>.<raw body>" as openssl does', () => {
    assert.equal(signRequest(SECRET, T, create), CREATE_HEX);
    assert.equal(signRequest(SECRET, T, list), LIST_HEX);
    assert.equal(signRequest(SECRET, T, binary), BINARY_HEX);
  });

  it('verifies the vectors, upper-case hex included', () => {
    assert.equal(verifyRequestSignature(SECRET, `t=${T},v1=${CREATE_HEX}`, create, T), 'ok');
    assert.equal(verifyRequestSignature(SECRET, `t=${T},v1=${LIST_HEX.toUpperCase()}`, list, T), 'ok');
    assert.equal(verifyRequestSignature(SECRET, `t=${T}, v1=${BINARY_HEX}`, binary, T), 'ok');
  });
});

describe('verifyRequestSignature', () => {
  const header = `t=${T},v1=${CREATE_HEX}`;

  it('accepts any one matching v1 among several (a client rolling its secret), in any order', () => {
    const other = signRequest('rss_old', T, create);
    assert.equal(verifyRequestSignature(SECRET, `t=${T},v1=${other},v1=${CREATE_HEX}`, create, T), 'ok');
    assert.equal(verifyRequestSignature(SECRET, `v1=${CREATE_HEX},t=${T},v0=abc`, create, T), 'ok');
  });

  it('refuses a signature of another method, path, query, body or secret', () => {
    const variants: SignedRequest[] = [
      { ...create, method: 'PUT' },
      { ...create, pathWithQuery: '/v1/payments/' },
      { ...create, pathWithQuery: '/v1/payments?x=1' },
      { ...create, body: Buffer.from('{"amount":1051,"currency":"USD"}') },
      { ...create, body: Buffer.from('{"amount":1050,"currency":"USD"} ') },
    ];
    for (const request of variants)
      assert.equal(verifyRequestSignature(SECRET, header, request, T), 'mismatch');
    assert.equal(verifyRequestSignature('rss_other', header, create, T), 'mismatch');
  });

  it('accepts 300 s either way and refuses 301', () => {
    assert.equal(verifyRequestSignature(SECRET, header, create, T + 300), 'ok');
    assert.equal(verifyRequestSignature(SECRET, header, create, T - 300), 'ok');
    assert.equal(verifyRequestSignature(SECRET, header, create, T + 301), 'stale');
    assert.equal(verifyRequestSignature(SECRET, header, create, T - 301), 'stale');
  });

  it('tells a missing header from a malformed one', () => {
    assert.equal(verifyRequestSignature(SECRET, undefined, create, T), 'missing');
    assert.equal(verifyRequestSignature(SECRET, ' ', create, T), 'missing');
    for (const bad of [
      CREATE_HEX,
      `v1=${CREATE_HEX}`,
      `t=${T}`,
      `t=${T},v1=${CREATE_HEX.slice(2)}`,
      `t=${T},v1=${CREATE_HEX}zz`,
      `t=-${T},v1=${CREATE_HEX}`,
      `t=${T}.5,v1=${CREATE_HEX}`,
      `t=,v1=${CREATE_HEX}`,
    ]) {
      assert.equal(verifyRequestSignature(SECRET, bad, create, T), 'malformed', bad);
    }
  });

  it('issues secrets with the rss_ prefix and 256 random bits', () => {
    const secrets = new Set(Array.from({ length: 100 }, newRequestSigningSecret));
    assert.equal(secrets.size, 100);
    for (const secret of secrets) assert.match(secret, /^rss_[A-Za-z0-9_-]{43}$/);
  });
});
