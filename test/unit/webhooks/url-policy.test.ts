import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointRefusal, urlPolicyFromEnv, urlRefusal } from '../../../shared/webhooks/url-policy.js';

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

  it('allows loopback receivers only when the local runtime sets its variable, whatever the endpoints', () => {
    assert.equal(urlPolicyFromEnv({ WEBHOOK_LOOPBACK_RECEIVERS: 'allow' }).allowLoopback, true);
    assert.equal(urlPolicyFromEnv({ WEBHOOK_LOOPBACK_RECEIVERS: 'deny' }).allowLoopback, false);
    assert.equal(urlPolicyFromEnv({}).allowLoopback, false);
    assert.equal(
      urlPolicyFromEnv({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' }).allowLoopback,
      false,
    );
    assert.throws(
      () => urlPolicyFromEnv({ WEBHOOK_LOOPBACK_RECEIVERS: 'yes' }),
      /WEBHOOK_LOOPBACK_RECEIVERS/,
    );
  });

  it('refuses IP literals in every spelling, and loopback names, even in the local runtime', () => {
    for (const url of [
      'https://127.0.0.2:9/',
      'https://[::1]:9/',
      'https://0.0.0.0:9/',
      'https://169.254.169.254/',
      'https://10.0.0.1/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:a9fe:a9fe]/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://0177.0.0.1/',
      'https://8.8.8.8/',
      'https://localhost:9/',
      'https://localhost.:9/',
      'https://api.localhost/',
      'http://127.0.0.2:9/',
      'http://[::1]:9/',
      'http://localhost.:9/',
    ]) {
      assert.ok(urlRefusal(url, AWS), url);
      assert.ok(urlRefusal(url, LOCAL), url);
    }
  });
});

describe('webhook endpoint registration', () => {
  const resolvesTo =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('accepts a name whose every address is public', async () => {
    assert.equal(
      await endpointRefusal('https://merchant.example/h', AWS, resolvesTo('93.184.215.14', '2606:2800::1')),
      undefined,
    );
  });

  it('refuses a name resolving to any internal address, or not resolving at all', async () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '2001:db8::1',
    ]) {
      assert.ok(
        await endpointRefusal('https://merchant.example/h', AWS, resolvesTo('93.184.215.14', address)),
        address,
      );
    }
    const nowhere = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    assert.equal(
      await endpointRefusal('https://merchant.example/h', AWS, nowhere),
      'must be a host name that resolves',
    );
    assert.ok(await endpointRefusal('https://merchant.example/h', AWS, resolvesTo()));
  });

  it('takes the local receiver without DNS in the local runtime only', async () => {
    const never = async () => assert.fail('no lookup for the local receiver');
    assert.equal(await endpointRefusal('http://127.0.0.1:4010/hooks', LOCAL, never), undefined);
    assert.ok(await endpointRefusal('http://127.0.0.1:4010/hooks', AWS, never));
  });
});
