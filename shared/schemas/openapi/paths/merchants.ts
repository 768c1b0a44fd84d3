/** Paths of the OpenAPI document: merchant onboarding and API keys (ops). */
import * as z from 'zod/mini';
import { listMerchantsQuery } from '../../merchants.js';
import { inline } from '../json-schema.js';
import {
  AUTH,
  BODY,
  merchantIdParameter,
  operation,
  queryParameters,
  replayedHeader,
  TABLE,
} from '../routes.js';

const keyIdParameter = {
  name: 'keyId',
  in: 'path',
  required: true,
  schema: inline(z.string().check(z.regex(/^key_[A-Za-z0-9_-]{1,123}$/))),
};
const CHANGE_PROBLEMS = [
  ...BODY,
  ...AUTH,
  'not-found',
  'merchant-state-conflict',
  'concurrent-modification',
  ...TABLE,
] as const;

export function merchantPaths(): Record<string, object> {
  return {
    '/v1/ops/merchants': {
      post: operation({
        operationId: 'createMerchant',
        summary: 'Ops: onboard a merchant; it is `pending_review` until reviewed',
        caller: 'ops',
        requestBody: { id: 'CreateMerchantRequest', required: true },
        ok: { status: 201, description: 'The merchant, created (or replayed)', id: 'Merchant' },
        problems: [...BODY, ...AUTH, 'concurrent-modification', 'idempotency-key-reused', ...TABLE],
        idempotent: { replayedProblems: [] },
      }),
      get: operation({
        operationId: 'listMerchants',
        summary: 'Ops: merchants newest first, of one `status` or all',
        caller: 'ops',
        parameters: queryParameters(listMerchantsQuery),
        ok: { status: 200, description: 'A page of merchants', id: 'MerchantList' },
        problems: ['validation-error', ...AUTH, ...TABLE],
      }),
    },
    '/v1/ops/merchants/{merchantId}': {
      get: operation({
        operationId: 'getMerchant',
        summary: 'Ops: the merchant with its `history` of changes (who, when, why)',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: { status: 200, description: 'The merchant', id: 'Merchant' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/merchants/{merchantId}/review': {
      post: operation({
        operationId: 'reviewMerchant',
        summary:
          'Ops: approve (→ `active` with the rating’s risk limits; default rating `medium`) or reject (→ `rejected`) ' +
          'a merchant pending review; of concurrent reviews exactly one wins, the others answer 409',
        caller: 'ops',
        parameters: [merchantIdParameter],
        requestBody: { id: 'ReviewMerchantRequest', required: true },
        ok: { status: 200, description: 'The merchant after the review', id: 'Merchant' },
        problems: [...CHANGE_PROBLEMS],
      }),
    },
    ...(['suspend', 'reinstate'] as const).reduce<Record<string, object>>((paths, verb) => {
      paths[`/v1/ops/merchants/{merchantId}/${verb}`] = {
        post: operation({
          operationId: `${verb}Merchant`,
          summary:
            verb === 'suspend'
              ? 'Ops: suspend an active merchant; its keys answer 403 `merchant-suspended` within 10 s'
              : 'Ops: reinstate a suspended merchant; its keys work again within 10 s',
          caller: 'ops',
          parameters: [merchantIdParameter],
          requestBody: { id: 'MerchantNoteRequest', required: false },
          ok: { status: 200, description: 'The merchant after the change', id: 'Merchant' },
          problems: [...CHANGE_PROBLEMS],
        }),
      };
      return paths;
    }, {}),
    '/v1/ops/merchants/{merchantId}/api-keys': {
      post: operation({
        operationId: 'issueApiKey',
        summary: 'Ops: issue an API key to an active merchant; the `secret` is shown in this answer only',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: { status: 201, description: 'The key with its secret, issued (or replayed)', id: 'ApiKey' },
        problems: [
          ...AUTH,
          'not-found',
          'merchant-not-active',
          'concurrent-modification',
          'idempotency-key-reused',
          ...TABLE,
        ],
        idempotent: { replayedProblems: [] },
      }),
      get: operation({
        operationId: 'listApiKeys',
        summary: 'Ops: the merchant’s keys, without secrets',
        caller: 'ops',
        parameters: [merchantIdParameter],
        ok: {
          status: 200,
          description: 'Every key of the merchant, newest first, in one page',
          id: 'ApiKeyList',
        },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
    '/v1/ops/merchants/{merchantId}/api-keys/{keyId}/roll': {
      post: operation({
        operationId: 'rollApiKey',
        summary:
          'Ops: issue a successor of an active key; the old one turns `expiring` and works until ' +
          '`expiresInSeconds` (default 86400, 0 = now) have passed, then answers 401. An `Idempotency-Key` ' +
          'is accepted, not required (a retry with it replays the new key; without it a second roll answers 409)',
        caller: 'ops',
        parameters: [merchantIdParameter, keyIdParameter],
        requestBody: { id: 'RollApiKeyRequest', required: false },
        ok: {
          status: 201,
          description: 'The new key with its secret',
          id: 'ApiKey',
          headers: replayedHeader,
        },
        problems: [
          ...BODY,
          ...AUTH,
          'not-found',
          'api-key-not-active',
          'merchant-not-active',
          'concurrent-modification',
          'idempotency-key-reused',
          ...TABLE,
        ],
      }),
    },
    '/v1/ops/merchants/{merchantId}/api-keys/{keyId}': {
      delete: operation({
        operationId: 'revokeApiKey',
        summary: 'Ops: revoke a key; it answers 401 within 10 s. Idempotent.',
        caller: 'ops',
        parameters: [merchantIdParameter, keyIdParameter],
        ok: { status: 200, description: 'The key, revoked', id: 'ApiKey' },
        problems: [...AUTH, 'not-found', ...TABLE],
      }),
    },
  };
}
