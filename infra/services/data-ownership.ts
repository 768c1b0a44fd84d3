/**
 * Which service owns which items of the one payments table (DESIGN.md principle 7, "services own their
 * data"), as `dynamodb:LeadingKeys` patterns of the table's and each index's partition key. Every key of
 * shared/store/keys.ts and risk-keys.ts has exactly one owner here; `grantData` (table-grants.ts) turns this
 * map into every function's IAM statements, and test/infra/data-ownership.test.ts checks the synthesized
 * policies against it. No CDK import: the e2e test and the stacks read it too.
 *
 * What a service's functions may touch beyond their own prefixes is listed in DATA_EXCEPTIONS, each with
 * its reason and what would remove it; nothing else is granted.
 */

import { SERVICES, type Service } from '../../shared/services.js';

export { SERVICES, type Service };

/** The table, or one of its global secondary indexes (each index's partition key is its leading key). */
export type DataResource = 'table' | 'GSI1' | 'GSI2' | 'GSI3' | 'GSI4';

export interface OwnedKeys {
  readonly resource: DataResource;
  /** An IAM StringLike pattern of the partition key: `OBJ#*`, or an exact key such as `BILLING`. */
  readonly pattern: string;
  readonly items: string;
}

export const DATA_OWNERSHIP: Readonly<Record<Service, readonly OwnedKeys[]>> = {
  core: [
    {
      resource: 'table',
      pattern: 'OBJ#*',
      items:
        'payments, refunds, refund requests, refusals, channel reports kept under a payment, and every idempotency slot (see the slot exception)',
    },
    {
      resource: 'table',
      pattern: 'CTR#*',
      items: "the before-checks' counters, counted in the create's transaction and read by nobody else",
    },
    { resource: 'GSI1', pattern: 'MER#*', items: "a merchant's payment list" },
    { resource: 'GSI2', pattern: 'SETL#*', items: "a merchant's line items (payments and refunds)" },
    {
      resource: 'GSI3',
      pattern: 'RECON#*',
      items: "a channel-day's applied outcomes (payments and refunds)",
    },
    { resource: 'GSI4', pattern: 'PAYMENTS#*', items: 'every payment (the ops search)' },
  ],
  channels: [
    { resource: 'table', pattern: 'CHANNEL#*', items: 'channel settings and breakers' },
    { resource: 'table', pattern: 'HLT#*', items: 'channel outcome counts' },
    { resource: 'table', pattern: 'ROUTING#*', items: "a merchant's routing configuration" },
    {
      resource: 'table',
      pattern: 'QUOTA#*',
      items: 'channel quota used: counted when routing picks a channel, moved by a failover',
    },
  ],
  risk: [
    { resource: 'table', pattern: 'RISK#*', items: "a merchant's risk profile and its fraud-report days" },
    { resource: 'table', pattern: 'RISKVEL#*', items: "an email's or IP's velocity buckets" },
    { resource: 'table', pattern: 'RISKCUS#*', items: "a customer's velocity buckets and history" },
    { resource: 'table', pattern: 'RISKSUM#*', items: 'daily risk summaries' },
    { resource: 'table', pattern: 'HOLD#*', items: 'payments held out of settlement for review' },
    { resource: 'GSI4', pattern: 'REVIEW#*', items: 'the review queue (the hold items)' },
  ],
  reconciliation: [
    { resource: 'table', pattern: 'DSC#*', items: 'discrepancies' },
    { resource: 'table', pattern: 'RUNS#reconciliation', items: 'the ops list of reconciliation runs' },
  ],
  settlement: [
    { resource: 'table', pattern: 'SETL#*', items: 'settlement state and settlements' },
    { resource: 'table', pattern: 'LEDGER#*', items: 'ledgers' },
    { resource: 'table', pattern: 'RUNS#settlement', items: 'the ops list of settlement runs' },
  ],
  webhooks: [
    { resource: 'table', pattern: 'WEBHOOKS#*', items: "a merchant's webhook endpoints" },
    { resource: 'table', pattern: 'WHE#*', items: 'delivery attempts and delivered markers' },
  ],
  gateway: [
    { resource: 'table', pattern: 'KEY#*', items: 'API key digests' },
    {
      resource: 'table',
      pattern: 'MER#*',
      items: 'merchants, their history, API key records, request signing, flow limits',
    },
    { resource: 'table', pattern: 'MERLIST#*', items: 'the ops lists of merchants' },
    { resource: 'table', pattern: 'MERCHANTS', items: 'the registry of approved merchants' },
    { resource: 'table', pattern: 'FLOW#*', items: "merchants' token buckets" },
    { resource: 'table', pattern: 'USAGE#*', items: 'usage counters' },
    { resource: 'table', pattern: 'USAGEBATCH#*', items: 'applied usage batches' },
    { resource: 'table', pattern: 'BILLING', items: 'billing prices' },
  ],
  console: [],
};

/** Actions that read; a read exception may grant nothing else. */
export const READ_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
]);

/**
 * Where a service's functions still touch another's items. `read` exceptions grant read actions only.
 * `write` exceptions are the debt this map makes visible: each is one guarded write inside a transaction
 * or a request path that no event can replace without changing what the contract answers.
 */
export interface DataException {
  readonly kind: 'read' | 'write';
  readonly owner: Service;
  readonly users: readonly Service[];
  readonly resource: DataResource;
  readonly patterns: readonly string[];
  readonly actions: readonly string[];
  readonly why: string;
  readonly removedBy: string;
}

const KEYED_ROUTE_SERVICES: readonly Service[] = [
  'core',
  'channels',
  'risk',
  'reconciliation',
  'settlement',
  'webhooks',
  'console',
];
const GET = 'dynamodb:GetItem';
const BATCH_GET = 'dynamodb:BatchGetItem';
const QUERY = 'dynamodb:Query';
const PUT = 'dynamodb:PutItem';
const UPDATE = 'dynamodb:UpdateItem';
const CHECK = 'dynamodb:ConditionCheckItem';

export const DATA_EXCEPTIONS: readonly DataException[] = [
  {
    kind: 'read',
    owner: 'gateway',
    users: KEYED_ROUTE_SERVICES,
    resource: 'table',
    patterns: ['KEY#*', 'MER#*'],
    actions: [GET],
    why: "every keyed route authenticates in its own function (shared/http/api-handler.ts): the key's digest, the merchant's status, flow limits and request signing, each cached per container",
    removedBy:
      'a Lambda authorizer owned by the gateway, once the API can answer its refusals as the contract does: an HTTP API answers a missing identity 401 {"message":"Unauthorized"} and a denial 403 {"message":"Forbidden"}, bodies it cannot change, where the contract wants 401 problem+json (docs/architecture.md, "Why not an API Gateway Lambda authorizer")',
  },
  {
    kind: 'write',
    owner: 'core',
    users: ['gateway', 'reconciliation', 'settlement', 'webhooks'],
    resource: 'table',
    patterns: ['OBJ#*'],
    actions: [GET, BATCH_GET, QUERY, PUT, UPDATE, CHECK],
    why: "an Idempotency-Key is scoped per merchant across every POST (docs/contract.md), so whatever a POST creates is stored at the key's one slot OBJ#<slot>, its own idempotency record (attribute_not_exists): a key reused on another route answers 422 because the slot holds another request. Runs and reviews update their own slot items",
    removedBy: 'per-service slot prefixes once the contract scopes keys per route',
  },
  {
    kind: 'write',
    owner: 'core',
    users: ['risk'],
    resource: 'table',
    patterns: ['OBJ#*'],
    actions: [PUT],
    why: "a fraud report is stored at its Idempotency-Key's slot OBJ#<slot> (one PutItem, attribute_not_exists, in the report's transaction), for the reason above. Nothing else: risk's decisions on the payment (its risk and review fields, the cancel, the owed refund) are written by core's apply-risk-decisions function",
    removedBy: 'per-service slot prefixes once the contract scopes keys per route',
  },
  {
    kind: 'write',
    owner: 'channels',
    users: ['core'],
    resource: 'table',
    patterns: ['QUOTA#*'],
    actions: [BATCH_GET, UPDATE],
    why: "routing at create counts the chosen channel's quota in the create's own transaction (all or nothing with the payment), reading the shards first when a quota could apply; a failover (core's apply-channel-outcomes, for the dispatcher) moves the count in the payment's transaction",
    removedBy:
      "a reservation asked of a channels function before the create's transaction and released when it fails is a dual write, where a create that dies between the two leaves quota counted for no payment, and a failover's move needs its own idempotency record instead of the payment's guard; counting it from PaymentCreated instead would let the payments in flight overrun the quota the contract refuses at create (422 channel-quota-exceeded)",
  },
];

/** A StringLike pattern (only `*` wildcards) matched against a key: what IAM does with LeadingKeys. */
export function keyMatches(pattern: string, key: string): boolean {
  const parts = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.*')}$`, 's').test(key);
}

/** Whether every key `narrower` matches is matched by `wider` (enough for prefix patterns and exact keys). */
export function patternCovers(wider: string, narrower: string): boolean {
  if (wider === narrower) return true;
  if (!wider.endsWith('*') || wider.indexOf('*') !== wider.length - 1) return false;
  return narrower.startsWith(wider.slice(0, -1));
}

/** The leading-key patterns `service` may use `action` on in `resource`: its own, then its exceptions'. */
export function allowedKeys(service: Service, resource: DataResource, action: string): string[] {
  const own = DATA_OWNERSHIP[service].filter((o) => o.resource === resource).map((o) => o.pattern);
  const borrowed = DATA_EXCEPTIONS.filter(
    (e) => e.users.includes(service) && e.resource === resource && e.actions.includes(action),
  ).flatMap((e) => e.patterns);
  return [...new Set([...own, ...borrowed])];
}

/**
 * Functions that read the table's stream (the outbox): a stream has no partition key to condition on, so
 * their `dynamodb:GetRecords` etc. on the stream ARN (and `ListStreams`, which takes no resource) are
 * granted as they are, and no other function may have them.
 */
export const STREAM_READERS: Readonly<Record<string, string>> = {
  'events/publisher': 'publishes every change of the table to the bus (the transactional outbox)',
  'channels/dispatch': 'submits new payments and refunds to their channel as soon as they are written',
};
export const STREAM_ACTIONS: ReadonlySet<string> = new Set([
  'dynamodb:DescribeStream',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:ListStreams',
]);
