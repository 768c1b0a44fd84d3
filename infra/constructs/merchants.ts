import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { PaymentsApi } from './api.js';
import type { PaymentsFunction } from './payments-function.js';
import type { PaymentsTableRef } from './table.js';

export interface MerchantsProps {
  readonly api: PaymentsApi;
  readonly table: PaymentsTableRef;
}

/** Partition-key prefixes (shared/store/keys.ts). */
const MERCHANT_RECORDS = 'MER#*';
const MERCHANT_LISTS = 'MERLIST#*';
const SETTLEMENT_REGISTRY = 'MERCHANTS';
const IDEMPOTENCY_SLOTS = 'OBJ#*';
const KEY_DIGESTS = 'KEY#*';

const MERCHANTS = '/v1/ops/merchants';
const MERCHANT = `${MERCHANTS}/{merchantId}`;
const KEYS = `${MERCHANT}/api-keys`;
const KEY = `${KEYS}/{keyId}`;

type Grant = readonly [actions: string[], leadingKeys: string[]];
const CHANGE: Grant[] = [
  [['dynamodb:PutItem'], [MERCHANT_RECORDS, MERCHANT_LISTS]],
  [['dynamodb:DeleteItem'], [MERCHANT_LISTS]],
];
const ISSUE: Grant[] = [
  [['dynamodb:PutItem'], [IDEMPOTENCY_SLOTS, KEY_DIGESTS, MERCHANT_RECORDS]],
  [['dynamodb:ConditionCheckItem'], [MERCHANT_RECORDS]],
];

/**
 * Merchant onboarding and API keys (ops routes). Every change is one TransactWriteItems, authorized per
 * item action; beyond the key lookup every keyed route has (GetItem), each grant is limited to the
 * partition-key prefixes the function writes (`dynamodb:LeadingKeys`):
 * - create: the Idempotency-Key slot, the merchant record and its history, the ops lists;
 * - review: as suspend/reinstate, plus the settlement registry (`MERCHANTS`) an approval joins (its risk
 *   profile is the risk service's: its `rate-merchant` function, which the gateway stack lets it invoke);
 * - suspend / reinstate: the merchant, its history and its list entries (one moves: Delete + Put);
 * - issue / roll: the slot, the key's digest item and its record under the merchant, the merchant's
 *   status checked (ConditionCheckItem); a roll also updates the old key's two items; revoke updates them.
 *   Each also puts its history item under the merchant (`MER#`).
 */
export class Merchants extends Construct {
  readonly functions: Record<string, PaymentsFunction> = {};

  constructor(scope: Construct, id: string, props: MerchantsProps) {
    super(scope, id);
    const { api, table } = props;
    const environment = { TABLE_NAME: table.tableName };
    const routes: [string, apigw.HttpMethod, string, string, Grant[]][] = [
      [
        'CreateMerchant',
        apigw.HttpMethod.POST,
        MERCHANTS,
        'create-merchant',
        [[['dynamodb:PutItem'], [IDEMPOTENCY_SLOTS, MERCHANT_RECORDS, MERCHANT_LISTS]]],
      ],
      [
        'ListMerchants',
        apigw.HttpMethod.GET,
        MERCHANTS,
        'list-merchants',
        [[['dynamodb:Query'], [MERCHANT_LISTS]]],
      ],
      [
        'GetMerchant',
        apigw.HttpMethod.GET,
        MERCHANT,
        'get-merchant',
        [[['dynamodb:Query'], [MERCHANT_RECORDS]]],
      ],
      [
        'ReviewMerchant',
        apigw.HttpMethod.POST,
        `${MERCHANT}/review`,
        'review-merchant',
        [
          [['dynamodb:PutItem'], [MERCHANT_RECORDS, MERCHANT_LISTS, SETTLEMENT_REGISTRY]],
          [['dynamodb:DeleteItem'], [MERCHANT_LISTS]],
        ],
      ],
      ['SuspendMerchant', apigw.HttpMethod.POST, `${MERCHANT}/suspend`, 'suspend-merchant', CHANGE],
      ['ReinstateMerchant', apigw.HttpMethod.POST, `${MERCHANT}/reinstate`, 'reinstate-merchant', CHANGE],
      ['IssueApiKey', apigw.HttpMethod.POST, KEYS, 'issue-api-key', ISSUE],
      [
        'ListApiKeys',
        apigw.HttpMethod.GET,
        KEYS,
        'list-api-keys',
        [[['dynamodb:Query'], [MERCHANT_RECORDS]]],
      ],
      [
        'RollApiKey',
        apigw.HttpMethod.POST,
        `${KEY}/roll`,
        'roll-api-key',
        [...ISSUE, [['dynamodb:UpdateItem'], [MERCHANT_RECORDS, KEY_DIGESTS]]],
      ],
      [
        'RevokeApiKey',
        apigw.HttpMethod.DELETE,
        KEY,
        'revoke-api-key',
        [
          [['dynamodb:UpdateItem'], [MERCHANT_RECORDS, KEY_DIGESTS]],
          [['dynamodb:PutItem'], [MERCHANT_RECORDS]],
        ],
      ],
    ];
    for (const [name, method, path, entry, grants] of routes) {
      const fn = api.addKeyedFunction(`${name}Function`, method, path, {
        entry: `api/${entry}`,
        environment,
      });
      for (const [actions, leadingKeys] of grants) table.grantItemActionsOnKeys(fn, actions, leadingKeys);
      this.functions[name] = fn;
    }
  }
}
