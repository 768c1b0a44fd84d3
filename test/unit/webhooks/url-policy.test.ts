import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { urlPolicyFromEnv, urlRefusal } from '../../../shared/webhooks/url-policy.js';

const AWS = { allowLoopback: false };
const LOCAL = { allowLoopback: true };

describe('webhook endpoint URL policy', () => {
  it('accepts https URLs everywhere', () => {
    assert.equal(urlRefusal('https://merchant.example/hooks?x=1', AWS), undefined);
    assert.equal(urlRefusal('https://merchant.example/hooks', LOCAL), undefined);
  });

  it('refuses http, other schemes, credentials, fragments and non-URLs in AWS', () => {
    for (const url of [
      'http://merchant.example/hooks',
      'http://127.0.0.1:8080/hooks',
      'https://127.0.0.1:8443/hooks',
      'ftp://merchant.example/',
      'https://user:pw@merchant.example/',
      'https://merchant.example/#x',
      'not a url',
    ]) {
      assert.ok(urlRefusal(url, AWS), url);
    }
  });

  it('accepts http://127.0.0.1:<port> and localhost only in the local runtime', () => {
    assert.equal(urlRefusal('http://127.0.0.1:4010/hooks', LOCAL), undefined);
    assert.equal(urlRefusal('http://localhost:4010/hooks', LOCAL), undefined);
    assert.ok(urlRefusal('http://127.0.0.1/hooks', LOCAL));
    assert.ok(urlRefusal('http://merchant.example:80/hooks', LOCAL));
  });

  it('allows loopback receivers when the table itself is on loopback, never otherwise', () => {
    assert.equal(
      urlPolicyFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' }).allowLoopback,
      true,
    );
    assert.equal(
      urlPolicyFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://localhost:8000' }).allowLoopback,
      true,
    );
    assert.equal(urlPolicyFromEnv({}).allowLoopback, false);
    assert.equal(
      urlPolicyFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com' })
        .allowLoopback,
      false,
    );
  });
});
