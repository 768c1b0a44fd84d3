/**
 * Single-table layout of the payments table, with each access pattern next to the keys that serve it.
 * Each partition key belongs to one service (infra/services/data-ownership.ts), which alone writes it:
 * a merchant's risk profile, routing and webhook endpoints have partitions of their own, not the
 * gateway's `MER#<merchant>`, so that IAM `dynamodb:LeadingKeys` can tell the services apart.
 *
 * | item                      | PK                     | SK               | GSI1PK          | GSI1SK              |
 * |---------------------------|------------------------|------------------|-----------------|---------------------|
 * | payment                   | OBJ#<slot>             | OBJ              | MER#<merchant>#<shard> | <createdAt>#<id> |
 * | refund request (idem)     | OBJ#<slot>             | OBJ              | —               | —                   |
 * | stored refusal (idem)     | OBJ#<slot>             | OBJ              | —               | —                   |
 * | refund                    | OBJ#<payment slot>     | REF#<re_id>      | —               | —                   |
 * | mismatching report        | OBJ#<payment slot>     | MISMATCH#<evt>   | —               | —                   |
 * | contradicting outcome     | OBJ#<payment slot>     | CONFLICT#<evt>   | —               | —                   |
 * | API key (digest)          | KEY#<sha256(key)>      | KEY              | —               | —                   |
 * | merchant                  | MER#<merchant>         | MER              | —               | —                   |
 * | merchant change (history) | MER#<merchant>         | MERHIST#<000001> | —               | —                   |
 * | key change (history)      | MER#<merchant>         | MERHIST#KEY#<key_id>#<action> | —  | —                   |
 * | merchant's API key record | MER#<merchant>         | APIKEY#<key_id>  | —               | —                   |
 * | ops list of merchants     | MERLIST#<ALL|status>   | <createdAt>#<m_id> | —             | —                   |
 * | settlement registry entry | MERCHANTS              | <merchant>       | —               | —                   |
 * | merchant / key request (idem) | OBJ#<slot>         | OBJ              | —               | —                   |
 * | reconciliation run (idem) | OBJ#<slot>             | OBJ              | —               | —                   |
 * | run list entry            | RUNS#<recon|settlement> | <createdAt>#<run id> | —           | —                   |
 * | discrepancy               | DSC#<channel>#<day>    | <dsc_id>         | —               | —                   |
 * | risk profile              | RISK#<merchant>        | RISK_PROFILE     | —               | —                   |
 * | routing configuration     | ROUTING#<merchant>     | ROUTING          | —               | —                   |
 * | request signing           | MER#<merchant>         | SIGNING          | —               | —                   |
 * | channel quota used (TTL)  | QUOTA#<merchant>#<channel>#<currency>#<day>#<0-63> | QUOTA | — | —          |
 * | fraud reports of a day    | RISK#<merchant>        | RISK_PROFILE#FRAUD_REPORTS#<yyyy-mm-dd> | — | —        |
 * | risk counter (TTL)        | CTR#<merchant>#<dim>#<window…> | CTR      | —               | —                   |
 * | daily amount shard (TTL)  | CTR#<merchant>#AMT#<day>#<currency>[#<1-63>] | CTR | —      | —                   |
 * | webhook endpoint          | WEBHOOKS#<merchant>    | WHE#<we_id>      | —               | —                   |
 * | webhook endpoint (idem)   | OBJ#<slot>             | OBJ              | —               | —                   |
 * | webhook attempt (TTL)     | WHE#<we_id>#<0-63>     | DLV#<at>#<attempt> | —             | —                   |
 * | webhook delivered (TTL)   | WHE#<we_id>#<0-63>     | DLVOK#<evt>      | —               | —                   |
 * | channel settings          | CHANNEL#<channel>      | SETTINGS         | —               | —                   |
 * | channel breaker           | CHANNEL#<channel>      | BREAKER          | —               | —                   |
 * | channel outcome counts (TTL) | HLT#<scope>#<hour>#<shard> | HLT       | —               | —                   |
 * | usage counter             | USAGE#<merchant>#<0-3> | <yyyy-mm-dd>#<route> | —           | —                   |
 * | usage batch applied (TTL) | USAGEBATCH#<batch id>#<chunk> | USAGEBATCH | —          | —                   |
 * | billing prices            | BILLING                | PRICES           | —               | —                   |
 * | flow limits               | MER#<merchant>         | LIMITS           | —               | —                   |
 * | flow bucket shard (TTL)   | FLOW#<merchant>#<shard> | FLOW            | —               | —                   |
 * | settlement hold           | HOLD#<merchant>        | <pay_id>         | —               | —                   |
 *
 * GSI4 (KEYS_ONLY), the ops search: every payment under GSI4PK `PAYMENTS#<00-63>` (set at create), and the
 * hold item of each payment held for review under `REVIEW#<shard>` (set while `review` holds it, holds.ts);
 * GSI4's sort key is GSI1SK itself, `<createdAt>#<pay_id>` for both (the hold item has no GSI1PK, so it is
 * in GSI4 only).
 *
 * The payment and the refund are also their own outcome records (sparse indexes, keys set by the one
 * guarded write that applies the channel's outcome, see channel-outcomes.ts):
 *
 * | item    | GSI2PK (set at create)      | GSI2SK (succeeded only)        | GSI3PK (outcome)                      | GSI3SK         |
 * |---------|-----------------------------|--------------------------------|---------------------------------------|----------------|
 * | payment | SETL#<merchant>#<shard>     | <committedAt>#payment#<pay_id> | RECON#<channel>#<outcome day>#<shard> | payment#<pay_id> |
 * | refund  | SETL#<merchant>#<shard>     | <committedAt>#refund#<re_id>   | RECON#<channel>#<outcome day>#<shard> | refund#<re_id> |
 *
 * Idempotency without extra writes: `slot = base32(sha256(merchantId, Idempotency-Key))`. The object a
 * POST creates is stored under the slot of its key (`pay_<slot>`, `re_<slot>`), so the one conditional
 * write that creates the object (`attribute_not_exists(PK)`) is also the idempotency record: a retry
 * lands on the same item and replays it; a different body under the same key is detected from the
 * request fingerprint kept on the item. The object and its idempotency record are committed together,
 * so there is no "in progress" record that a crash could leave behind.
 *
 * Access patterns:
 * - get a payment by id (GET /v1/payments/{id}, callbacks): GetItem OBJ#<slot>/OBJ, then the merchant
 *   must match (another merchant's payment answers 404).
 * - list a merchant's payments newest first (GET /v1/payments): a scatter-gather of GSI1's 32 partitions
 *   MER#<merchant>#<shard> (the shard: the first base32 character of sha256(id), shardOf) plus the
 *   pre-sharding MER#<merchant>, each Queried descending below the cursor, merged newest first
 *   (dynamodb/index-merge.ts; ties on createdAt go by id, the sort key being unique). The cursor is the
 *   sort key of the last payment examined: every partition's position at once. GSI1 is KEYS_ONLY so a
 *   status change never writes to the index; the page is fetched with BatchGetItem. Only payments carry
 *   GSI1 keys (sparse index). Write rate: 1 GSI1 write per payment, spread over 32 keys (32,000 payments/s
 *   of one merchant before a key reaches 1,000 writes/s). Read cost of a page: 33 Queries of ≤ 25 keys
 *   (≈ 4 KB, 0.5 read unit each, eventually consistent) = 16.5 units, plus BatchGetItem 0.5 unit per
 *   payment (≤ 4 KB): 21.5 units for 10 payments, 66.5 for 100 (unsharded it was 0.5 + the same
 *   BatchGetItem). Each partition key takes 0.5 unit a page: 6,000 pages/s of one merchant per key. A
 *   filtered page examines at most 500 payments (≤ 20 rounds of refills, 5 BatchGetItems).
 * - ops search across merchants (GET /v1/ops/payments): the same merge over GSI4 PAYMENTS#<00-63> (64
 *   keys: 1,000,000 payments a minute is 16,667/s, 260 writes/s a key; 64,000/s before one is full); a
 *   page costs 32 read units of Queries plus its BatchGetItem. Not bucketed by day: writes of a moment
 *   all go to the current day's keys, so a day bucket raises no ceiling, while a reader would have to
 *   know where days without payments begin and end; the shard count is what sets the ceiling. With
 *   `merchantId`, the merchant's GSI1 partitions instead; `status` and `channel` filter the fetched
 *   payments. `risk=review`: the merge over GSI4 REVIEW#<shard> (32 keys), whose entries are the review
 *   hold items (their sort key names the payment), each payment re-checked for `reviewStatus = held`.
 *   Write rate: 1 GSI4 write per payment at create (KEYS_ONLY, so no later update writes it), 1 when a
 *   payment is held for review and 1 when ops decide.
 * - ops get a payment (GET /v1/ops/payments/{id}): GetItem OBJ#<slot>/OBJ, any merchant; `reviewStatus`
 *   from the item (absent: null).
 * - list a payment's refunds: Query OBJ#<payment slot>, SK begins_with REF#.
 * - find a refund from its id (callbacks): GetItem of the refund request OBJ#<slot>/OBJ → paymentId.
 * - resolve an API key (every keyed request, through a per-container cache of ≤ 5 s, bounded at 10 s):
 *   GetItem KEY#<sha256(key)>/KEY (`merchantId`, `keyId`, `keyExpiresAt` after a roll, `revokedAt`), then for a
 *   merchant key GetItem MER#<merchant>/MER projecting `status` (active works, suspended → 403). Keys are stored
 *   only as SHA-256 digests; `keyExpiresAt` is not `expiresAt`, the table's TTL attribute.
 * - merchant onboarding (ops, never per payment): a merchant is created at its Idempotency-Key's slot (`m_<slot>`,
 *   the request record holds the first answer); each change (create, review, suspend, reinstate) is ONE
 *   TransactWriteItems: the merchant guarded on `status` and `version`, its entries in MERLIST#ALL and
 *   MERLIST#<status> (the old status's deleted), and the change item MERHIST#<version>, whose stream INSERT
 *   publishes the merchant's event. An approval adds the risk profile and the MERCHANTS registry entry.
 *   The merchant and its history: ONE Query MER#<merchant> begins_with "MER" (only MER and MERHIST# sort
 *   there). The ops list: Query MERLIST#<ALL|status> descending, cursor = the last SK.
 * - a merchant's API keys (ops): Query MER#<merchant> begins_with APIKEY#; issue and roll are ONE
 *   TransactWriteItems (the request slot, whose record keeps the secret sealed under the Idempotency-Key and
 *   expires after 48 h; a ConditionCheck of the merchant's `active` status; the digest item and the record;
 *   for a roll the old key's two items guarded on being active); a revocation updates both items. Each also
 *   puts its history item MERHIST#KEY#<key_id>#<action> (once per key and action), read with the merchant's.
 * - record a channel report we did not apply (mismatch, contradicting outcome): PutItem under the
 *   payment keyed by the channel's event id, attribute_not_exists, so a redelivery records nothing twice;
 *   reconciliation reads them with Query OBJ#<payment slot> begins_with MISMATCH# / CONFLICT#.
 * - a merchant's effective risk profile (create-payment through a per-container cache of 1 s, each miss
 *   asked of risk's `merchant-risk-profile` function; the risk consumer once per merchant and batch, so a busy merchant costs its partition no Query per payment): ONE Query
 *   RISK#<merchant> begins_with RISK_PROFILE returns the stored profile and the daily fraud-report
 *   counters of the rating window together. The counters sort right after the profile on purpose, so the
 *   rating costs no second round trip (a monthly counter would need two items for "the last 30 days"
 *   anyway, and would not be exact). Fraud-report days expire (TTL) a little after the rating window.
 * - ops GET/PUT a profile: GetItem MER#<merchant>/MER (the merchant must exist), GetItem or PutItem
 *   RISK#<merchant>/RISK_PROFILE (stored whole under `profile`, validated on write and on read).
 * - risk counters of the before-checks (create-payment): one UpdateItem per applicable limit, inside the
 *   create's TransactWriteItems, `ADD total|count` guarded by `attribute_not_exists(x) OR x <= limit − n`.
 *   One item per merchant, dimension and window: a day (`2026-11-26`) for amounts, a minute
 *   (`2026-11-26T10:07`) for the customer frequency. The customer id comes last, so a `#` inside it cannot
 *   make two keys collide. Items expire (TTL) once their window is over.
 *   The merchant's daily amount (AMT) is on up to 64 shards, `CTR#<merchant>#AMT#<day>#<currency>` for
 *   shard 0 and `…#<currency>#<1-63>` for the others, each guarded by its share of the limit (the limit
 *   dealt in blocks of 1,000,000 minor units; a limit of one block is shard 0 alone): a payment counts
 *   whole on one shard with room, or in pieces over several (daily-amount-shards.ts). Read (one
 *   consistent BatchGetItem of the 64 keys) only when a piece found no room and the container's snapshot
 *   is over 1 s old: a merchant at its limit is refused from the snapshot. Write rate: 2 units per counted
 *   create (transactional) on one of 64 keys (≤ 0.032 per payment on each, at a limit of ≥ 64 blocks).
 * - a merchant's routing configuration (create-payment, through a per-container cache of 1 s, each miss
 *   asked of the channels' `routing-config` function; ops GET/PUT):
 *   GetItem ROUTING#<merchant>/ROUTING, stored whole under `config` (validated on write; ops reads parse it
 *   again, create checks its shape by hand to keep zod's schema out of its bundle). Absent:
 *   priority over ["sandbox"]. Written only by ops, never per payment.
 * - a merchant's daily channel quota usage (create-payment, only when the merchant configured a quota
 *   for a listed channel in the payment's currency): the amount routed to the channel that UTC day,
 *   `ADD total :amount` on ONE of QUOTA_SHARDS (64) shard items (the shard by the payment id), inside the
 *   create's TransactWriteItems, so a payment is counted exactly when it is stored; read back as the sum of
 *   the 64 shards with one consistent BatchGetItem, at most once per QUOTA_USAGE_TTL_MS (500 ms) per
 *   container and channel, the container's own counts added meanwhile. Write rate: one transactional
 *   write (2 units) per payment routed to a channel with a quota, spread over 64 partition keys (≤ 0.032
 *   units per payment on each), and one or two more when the dispatcher fails the payment over (the count
 *   moves, same shard, inside the failover's transaction). Read rate: each key is read about twice a
 *   second per create-payment container, whatever the payment rate. Items expire (TTL) two days after
 *   their day.
 * - a merchant's request-signing requirement (every merchant-key request, through a per-container cache of
 *   2 s; ops PUT): GetItem MER#<merchant>/SIGNING, `{ required, secret? }`; absent = not required. The
 *   secret is kept as issued (an HMAC is verified with the secret itself, not a digest; see
 *   docs/architecture.md, "Gateway guard"). Written only by ops: turning it on is a PutItem guarded by
 *   `attribute_not_exists(PK) OR required = false`, so two concurrent PUTs issue one secret. Never per payment.
 * - register a merchant webhook endpoint (POST /v1/webhook-endpoints): ONE TransactWriteItems, the
 *   request at its Idempotency-Key slot (first answer, secret included, for replay) and the endpoint
 *   under its merchant, both attribute_not_exists. The id is `we_<slot>`.
 * - a merchant's endpoints (the webhook consumer): Query WEBHOOKS#<merchant> begins_with WHE#, through a
 *   per-container cache of ≤ 5 s (WEBHOOK_ENDPOINTS_CACHE_MS, bounded at 60 s): a new endpoint starts
 *   receiving, and a disabled one stops, within it. Read rate: one Query per container and merchant per
 *   TTL, whatever the merchant's traffic.
 * - one endpoint of a merchant (its deliveries list): GetItem WEBHOOKS#<merchant>/WHE#<we_id>; absent = 404,
 *   so another merchant's endpoint id leads nowhere.
 * - record a delivery attempt: PutItem WHE#<we_id>#<shard>/DLV#<ISO time>#<attempt id>, `<shard>` =
 *   webhook-deliveries.ts deliveryShardOf(event id) in [0, 64): one endpoint gets every event of its
 *   merchant, so its records are spread over 64 partition keys (2 events a payment: 0.03 writes per
 *   payment on each). Kept 30 days (TTL). List newest first: one Query per shard (and the unsharded
 *   WHE#<we_id> of records written before the shards), begins_with DLV# descending, merged newest first;
 *   the cursor is the last SK returned, an exact position in every shard at once (SKs are unique).
 * - which endpoints already answered 2xx for an event (retries re-send only to the others): PutItem
 *   WHE#<we_id>#<shard>/DLVOK#<evt> on success (only when a retry follows), BatchGetItem of those keys
 *   per try (the event's shard: the marker and its attempts share a partition). Kept 30 days (TTL).
 * - a channel-day's outcomes (reconciliation runs): Query GSI3 RECON#<channel>#<day>#<shard>, shard by
 *   shard (`<shard>`: the first base32 character of sha256(reference), OUTCOME_SHARDS partitions, so a busy
 *   day's writes — thousands a second — never meet in one partition key; their order does not matter to a
 *   run). `<day>` is the UTC day of the channel's `occurredAt` (the statement the outcome is on). The keys
 *   are SET by the guarded transition that applies the outcome (callback or repair), in that same write:
 *   what shows `succeeded|failed` is in the index, and no second record can lag behind it. Write rate: one
 *   GSI3 write per payment outcome and per refund outcome (INCLUDE projection: only what a run compares,
 *   none of it changes after the outcome, so later updates of the payment never write to the index).
 * - a merchant's settlement line items (settlement): Query GSI2 SETL#<merchant>#<shard> with GSI2SK in
 *   [mark, cutoff) per shard. GSI2PK is set when the payment or refund is created (an item is in a GSI only
 *   with both keys, so this costs no index write); the success transition adds GSI2SK = the commit time of
 *   the outcome (when it shows `succeeded`), so a settlement run started after that sees it, and a failed
 *   outcome is never a line item. Write rate: one GSI2 write per succeeded payment and refund (INCLUDE
 *   projection: what a settlement sums).
 * - reconciliation: a run is created at its Idempotency-Key slot (`rcr_<slot>`, the item is its own
 *   idempotency record, like a payment); a run reads the channel-day's outcomes (GSI3 above, no earlier
 *   than its createdAt + OUTCOME_INDEX_LAG_MS) and its earlier discrepancies (Query DSC#<channel>#<day>:
 *   statuses survive a rerun), then writes each discrepancy under DSC#<channel>#<day> with the id it always gets for the
 *   same finding, and the run's `runId`; a run's list is that Query filtered on `runId`. A discrepancy id
 *   carries its channel-day (`dsc_<channel>_<yyyymmdd>_<hash>`), so resolving it is one UpdateItem.
 * - the ops lists of reconciliation and settlement runs, newest first: a run is created at its slot in ONE
 *   TransactWriteItems with its entry RUNS#<kind>/<createdAt>#<id> (`channel`, `date`), so every run is
 *   listed from the moment it exists; a list is Query RUNS#<kind> descending (filtered on channel and date
 *   for reconciliation), then BatchGetItem of the page's runs for their status. One partition per kind is
 *   no hot key: runs are a few a day, never per payment.
 * - a channel's settings and breaker (routing at create, the dispatcher, ops GET/PUT /v1/ops/channels):
 *   one BatchGetItem of CHANNEL#<channel>/SETTINGS and /BREAKER for every channel asked, cached ≤ 1 s per
 *   container (create-payment's misses asked of the channels' `channel-facts` function, with the counts'). Write rate: settings only on an ops PUT; the breaker only when its state changes (a failure
 *   inside the window, opening, the half-open probe's claim, closing), never for a healthy payment, so at
 *   most a few writes a second per channel whatever the traffic (channel-breakers.ts).
 * - channel outcome counts (health view, success_rate routing): one item per scope, clock hour and shard,
 *   HLT#<scope>#<hour start ms>#<shard>, holding its twelve 5-minute buckets as top-level numbers
 *   (`s<bucket start>`, `f…`, `u…`: succeeded, failed, unavailable). One UpdateItem ADD per (scope, hour)
 *   per consumer batch, at a shard drawn per batch (CHANNEL_HEALTH_SHARDS partitions per scope and hour), so
 *   no key takes a write per payment. `<scope>`: `<channel>` (all merchants and currencies: the health
 *   view), `<channel>#<currency>` (all merchants: success_rate's fallback), `<channel>#<currency>#<merchant>`.
 *   A window (the last 12 buckets) spans at most two hours: read with BatchGetItem of 2 × 8 keys per scope.
 *   Expire (TTL) a few hours after their hour; the channel-wide scope 26 h (the ops overview reads 24).
 * - usage metering (the usage aggregator, per delivered batch of usage log lines; never per request): ONE
 *   TransactWriteItems per batch (per 99 counters of it): PutItem USAGEBATCH#<batch id>#<chunk>,
 *   attribute_not_exists (a redelivered batch is refused whole), and one UpdateItem `ADD requests, errors,
 *   created` per (merchant, UTC day, route) the batch holds, on USAGE#<merchant>#<shard>, the shard drawn
 *   from the batch id (USAGE_SHARDS = 16). Write rate: zero per request; per batch, one marker and one counter
 *   per (merchant, day, route) in it, each counter of a merchant spread over 16 partition keys. Markers expire
 *   (TTL) after 14 days, longer than any redelivery (async retries ≤ 6 h, the dead-letter queue keeps 14 days).
 * - a merchant's usage between two days (ops usage route, monthly statements): 16 Queries, one per shard,
 *   USAGE#<merchant>#<shard> with SK BETWEEN `<from>#` AND `<to>#\uffff`, summed per (day, route).
 * - billing prices (ops GET/PUT, statements): GetItem / PutItem BILLING/PRICES, stored whole under `prices`.
 * - a merchant's flow limits (every merchant request, through a per-container cache of 1 s; ops GET/PUT):
 *   GetItem MER#<merchant>/LIMITS (`requestsPerSecond`, `burst`); absent: the contract's defaults.
 *   Written only by ops.
 * - a merchant's token bucket (every merchant request, rarely a call): shardCount(limits) items
 *   FLOW#<merchant>#<shard>, one per 500 requests/s of rate, each holding its share of rate and burst as
 *   one number, `fullAt` (epoch µs at which the shard is full again). A container leases up to 50 tokens
 *   with ONE UpdateItem: `SET fullAt = fullAt + :increment` if `fullAt BETWEEN :now AND :latest`, or a
 *   restart `SET fullAt = :now + :increment` of an idle shard; increments commute, so concurrent
 *   containers do not conflict, and a refusal returns the item (ALL_OLD). Requests are admitted from the
 *   lease without a call; a shard known to be empty refuses without a call. Write rate: one write per
 *   lease, about rate / lease size per second per merchant (≈ 2–5/s at 100 requests/s), never per
 *   request; no read. Shards expire (TTL) a day after they are full again (docs/architecture.md,
 *   "Flow control").
 */

import { createHash } from 'node:crypto';
import { base32 } from '../domain/base32.js';

export const GSI1 = 'GSI1';
export const GSI2 = 'GSI2';
export const GSI3 = 'GSI3';
export const GSI4 = 'GSI4';

/**
 * How long after its start a run waits before it reads GSI2 or GSI3, so that what showed `succeeded` before
 * it started is in what it reads. Two delays add up: the write that applies an outcome is stamped with its
 * commit time (the line item's key) just before it is sent, and the SDK may retry it (3 attempts, backoff of
 * up to ≈ 1.5 s for throttling) before it lands; then global secondary indexes are eventually consistent
 * (DynamoDB Developer Guide, "Read consistency for global secondary indexes": an update usually reaches the
 * index in well under a second). 10 s covers both with a wide margin, and costs a settlement or
 * reconciliation run nothing that matters. `OUTCOME_INDEX_LAG_MS` overrides it where the writes and the
 * indexes are synchronous (DynamoDB Local: the local runtime sets 1 s).
 */
export const OUTCOME_INDEX_LAG_MS = 10_000;

/** One base32 character: 32 partitions per channel-day of outcomes and per merchant's line items. */
const SHARD_ALPHABET = [...'abcdefghijklmnopqrstuvwxyz234567'];
export const OUTCOME_SHARDS = SHARD_ALPHABET.length;

/** The shard of an id: the first base32 character of its SHA-256 (even spread whatever the ids look like). */
export function shardOf(id: string): string {
  return base32(createHash('sha256').update(id, 'utf8').digest()).slice(0, 1);
}

/**
 * Partitions of one merchant's list index (GSI1 `MER#<merchant>#<shard>`): one index write per payment, so
 * 32 keys take 32,000 payments/s of one merchant before one reaches DynamoDB's 1,000 writes/s per key
 * (0.031 writes per payment per key; the goal is 20,000/s, ≤ 0.05). A list page reads every shard.
 */
export const MERCHANT_LIST_SHARDS = SHARD_ALPHABET.length;
/**
 * Partitions of the index of ALL payments (GSI4 `PAYMENTS#<00-63>`, the ops search): 1,000,000 payments a
 * minute is 16,667/s, 260 a second per key (a quarter of the limit), 64,000/s before one is full.
 */
export const ALL_PAYMENT_SHARDS = 64;
/** Partitions of the review queue (GSI4 `REVIEW#<shard>`): one write when a payment is held, one when decided. */
export const REVIEW_QUEUE_SHARDS = SHARD_ALPHABET.length;

/** The all-payments shard of a payment id: the first byte of its SHA-256, modulo 64. */
export function allPaymentsShardOf(id: string): string {
  const shard = createHash('sha256').update(id, 'utf8').digest().readUInt8(0) % ALL_PAYMENT_SHARDS;
  return String(shard).padStart(2, '0');
}

/** The quota shard a payment counts on: spread by its id, so one merchant's payments meet in no key. */
export function quotaShardOf(paymentId: string): number {
  return createHash('sha256').update(paymentId, 'utf8').digest().readUInt8(0) % QUOTA_SHARDS;
}

export const SLOT_PREFIX = 'OBJ#';

export const MERCHANT_SK = 'MER';
/** Sorts right after `MER`: one Query `begins_with(SK, "MER")` reads a merchant and its history. */
export const MERCHANT_CHANGE_PREFIX = 'MERHIST#';
export const MERCHANT_API_KEY_PREFIX = 'APIKEY#';

export const RISK_PROFILE_SK = 'RISK_PROFILE';
export const ROUTING_CONFIG_SK = 'ROUTING';

/**
 * Shards of a merchant's daily quota usage per channel and currency: a count is a transactional write
 * (2 units), so 64 keys put ≤ 0.032 write units per payment on each (one merchant at 31,000/s).
 */
export const QUOTA_SHARDS = 64;
export const FRAUD_REPORT_DAY_PREFIX = `${RISK_PROFILE_SK}#FRAUD_REPORTS#`;

export const WEBHOOK_ENDPOINT_PREFIX = 'WHE#';
export const WEBHOOK_DELIVERY_PREFIX = 'DLV#';

/** The kinds of runs ops list: reconciliation runs and settlement runs. */
export type RunKind = 'reconciliation' | 'settlement';

export const keys = {
  object: (slot: string) => ({ PK: `${SLOT_PREFIX}${slot}`, SK: 'OBJ' }),
  refund: (paymentSlot: string, refundId: string) => ({
    PK: `${SLOT_PREFIX}${paymentSlot}`,
    SK: `REF#${refundId}`,
  }),
  mismatch: (paymentSlot: string, eventId: string) => ({
    PK: `${SLOT_PREFIX}${paymentSlot}`,
    SK: `MISMATCH#${eventId}`,
  }),
  conflict: (paymentSlot: string, eventId: string) => ({
    PK: `${SLOT_PREFIX}${paymentSlot}`,
    SK: `CONFLICT#${eventId}`,
  }),
  apiKey: (keyHash: string) => ({ PK: `KEY#${keyHash}`, SK: 'KEY' }),
  merchant: (merchantId: string) => ({ PK: `MER#${merchantId}`, SK: MERCHANT_SK }),
  /** One change of a merchant (onboarding history, and the outbox of its events); `version` from 1. */
  merchantChange: (merchantId: string, version: number) => ({
    PK: `MER#${merchantId}`,
    SK: `${MERCHANT_CHANGE_PREFIX}${String(version).padStart(6, '0')}`,
  }),
  /** A change of one of the merchant's keys (issue, roll, revoke), in its history. */
  merchantKeyChange: (merchantId: string, keyId: string, action: string) => ({
    PK: `MER#${merchantId}`,
    SK: `${MERCHANT_CHANGE_PREFIX}KEY#${keyId}#${action}`,
  }),
  merchantListEntry: (createdAt: string, merchantId: string, status?: string) => ({
    PK: `MERLIST#${status ?? 'ALL'}`,
    SK: `${createdAt}#${merchantId}`,
  }),
  /** A merchant's API key as ops list it (the digest item under KEY# is what authentication reads). */
  merchantApiKey: (merchantId: string, keyId: string) => ({
    PK: `MER#${merchantId}`,
    SK: `${MERCHANT_API_KEY_PREFIX}${keyId}`,
  }),
  riskProfile: (merchantId: string) => ({ PK: `RISK#${merchantId}`, SK: RISK_PROFILE_SK }),
  routingConfig: (merchantId: string) => ({ PK: `ROUTING#${merchantId}`, SK: ROUTING_CONFIG_SK }),
  requestSigning: (merchantId: string) => ({ PK: `MER#${merchantId}`, SK: 'SIGNING' }),
  /** `day` is `yyyy-mm-dd` (UTC); `shard` in [0, QUOTA_SHARDS). */
  quotaUsage: (merchantId: string, channel: string, currency: string, day: string, shard: number) => ({
    PK: `QUOTA#${merchantId}#${channel}#${currency}#${day}#${shard}`,
    SK: 'QUOTA',
  }),
  /** `window` is `yyyy-mm-dd` or `yyyy-mm-ddThh:mm` (UTC); `parts` are the dimension's fixed-format parts. */
  riskCounter: (merchantId: string, dimension: string, window: string, ...parts: string[]) => ({
    PK: ['CTR', merchantId, dimension, window, ...parts].join('#'),
    SK: 'CTR',
  }),
  /** GSI1PK of a payment: its merchant's list, sharded by its id. */
  merchantPayments: (merchantId: string, paymentId: string) => `MER#${merchantId}#${shardOf(paymentId)}`,
  /** GSI1SK of a payment, also GSI4's sort key: time-ordered, the id breaking ties (unique, so a total order). */
  merchantPaymentsSort: (createdAt: string, paymentId: string) => `${createdAt}#${paymentId}`,
  /** GSI4PK of a payment: the index of all payments (ops search), sharded by its id. */
  allPayments: (paymentId: string) => `PAYMENTS#${allPaymentsShardOf(paymentId)}`,
  /** GSI3 keys of an applied outcome: its channel, the UTC day of the channel's `occurredAt`. */
  outcome: (channel: string, day: string, type: 'payment' | 'refund', reference: string) => ({
    GSI3PK: `RECON#${channel}#${day}#${shardOf(reference)}`,
    GSI3SK: `${type}#${reference}`,
  }),
  /** GSI2PK of a payment or refund (set at create): its merchant's line items, sharded by its id. */
  settlementLines: (merchantId: string, reference: string) => `SETL#${merchantId}#${shardOf(reference)}`,
  /** A payment held out of settlement (risk review, open discrepancy), under its merchant. */
  hold: (merchantId: string, paymentId: string) => ({ PK: `HOLD#${merchantId}`, SK: paymentId }),
  holds: (merchantId: string) => `HOLD#${merchantId}`,
  /** Every merchant, one item each (settlement lists them). */
  merchantRegistry: (merchantId: string) => ({ PK: 'MERCHANTS', SK: merchantId }),
  settlement: (merchantId: string, periodEnd: string, currency: string) => ({
    PK: `SETL#${merchantId}`,
    SK: `STL#${periodEnd}#${currency}`,
  }),
  discrepancy: (channel: string, day: string, id: string) => ({ PK: `DSC#${channel}#${day}`, SK: id }),
  channelSettings: (channel: string) => ({ PK: `CHANNEL#${channel}`, SK: 'SETTINGS' }),
  channelBreaker: (channel: string) => ({ PK: `CHANNEL#${channel}`, SK: 'BREAKER' }),
  flowLimits: (merchantId: string) => ({ PK: `MER#${merchantId}`, SK: 'LIMITS' }),
  /** One shard of a merchant's token bucket; `shard` in [0, shardCount(limits)). */
  flowBucket: (merchantId: string, shard: number) => ({ PK: `FLOW#${merchantId}#${shard}`, SK: 'FLOW' }),
  /** One shard of one clock hour of outcome counts; `hourStart` in epoch ms. */
  channelOutcomeCounts: (scope: string, hourStart: number, shard: number) => ({
    PK: `HLT#${scope}#${hourStart}#${shard}`,
    SK: 'HLT',
  }),
} as const;
/**
 * Keys of the records the create path never touches (lists, settlement, reconciliation runs, merchant
 * webhooks, usage, billing). Kept apart from `keys` so that a bundle carries only the builders it calls:
 * an object's members cannot be tree-shaken, and create-payment's bundle stays within its budget.
 */
export const backOfficeKeys = {
  refundPrefix: 'REF#',
  /** The ops list of merchants, newest first: every merchant (`status` absent) or those of one status. */
  merchantList: (status?: string) => `MERLIST#${status ?? 'ALL'}`,
  fraudReportDay: (merchantId: string, day: string) => ({
    PK: `RISK#${merchantId}`,
    SK: `${FRAUD_REPORT_DAY_PREFIX}${day}`,
  }),
  /**
   * Every GSI1 partition of a merchant's list (a page merges them), and `MER#<merchant>`, where payments
   * stored before the list was sharded are (one more half read unit a page, and no backfill needed).
   */
  merchantPaymentShards: (merchantId: string) => [
    ...SHARD_ALPHABET.map((shard) => `MER#${merchantId}#${shard}`),
    `MER#${merchantId}`,
  ],
  allPaymentShards: () =>
    Array.from({ length: ALL_PAYMENT_SHARDS }, (_, i) => `PAYMENTS#${String(i).padStart(2, '0')}`),
  /** GSI4PK of a review hold item while its payment is held for review (the review queue). */
  reviewQueue: (paymentId: string) => `REVIEW#${shardOf(paymentId)}`,
  reviewQueueShards: () => SHARD_ALPHABET.map((shard) => `REVIEW#${shard}`),
  /** The GSI3 partitions of a channel-day's outcomes; `day` is `yyyy-mm-dd` (UTC). */
  channelDayShards: (channel: string, day: string) =>
    SHARD_ALPHABET.map((shard) => `RECON#${channel}#${day}#${shard}`),
  settlementLineShards: (merchantId: string) => SHARD_ALPHABET.map((shard) => `SETL#${merchantId}#${shard}`),
  /** GSI2SK of a succeeded payment or refund: when it showed `succeeded` (ISO 8601 UTC). */
  settlementLineSort: (committedAt: string, type: 'payment' | 'refund', reference: string) =>
    `${committedAt}#${type}#${reference}`,
  /** A merchant's settlement state (watermarks) and settlements, newest first by period end. */
  settlementState: (merchantId: string) => ({ PK: `SETL#${merchantId}`, SK: 'STATE' }),
  settlementsOf: (merchantId: string) => `SETL#${merchantId}`,
  /** A merchant-currency's ledger: one item per settlement and per payout, each a balanced set of entries. */
  ledger: (merchantId: string, currency: string, settlementId: string, kind: 'settlement' | 'payout') => ({
    PK: `LEDGER#${merchantId}#${currency}`,
    SK: `${settlementId}#${kind}`,
  }),
  ledgerOf: (merchantId: string, currency: string) => `LEDGER#${merchantId}#${currency}`,
  /** A run's entry in its kind's ops list (newest first by `createdAt`). */
  runListEntry: (kind: RunKind, createdAt: string, runId: string) => ({
    PK: `RUNS#${kind}`,
    SK: `${createdAt}#${runId}`,
  }),
  runList: (kind: RunKind) => `RUNS#${kind}`,
  discrepancyDay: (channel: string, day: string) => `DSC#${channel}#${day}`,
  webhookEndpoint: (merchantId: string, endpointId: string) => ({
    PK: `WEBHOOKS#${merchantId}`,
    SK: `${WEBHOOK_ENDPOINT_PREFIX}${endpointId}`,
  }),
  /** The partition of a merchant's webhook endpoints (the webhooks service's, not the merchant record's). */
  webhookEndpoints: (merchantId: string) => `WEBHOOKS#${merchantId}`,
  /** `shard`: the event's (webhook-deliveries.ts `deliveryShardOf`); absent: records written before shards. */
  webhookDeliveries: (endpointId: string, shard?: number) =>
    `${WEBHOOK_ENDPOINT_PREFIX}${endpointId}${shard === undefined ? '' : `#${shard}`}`,
  webhookDelivery: (endpointId: string, shard: number, at: string, attemptId: string) => ({
    PK: `${WEBHOOK_ENDPOINT_PREFIX}${endpointId}#${shard}`,
    SK: `${WEBHOOK_DELIVERY_PREFIX}${at}#${attemptId}`,
  }),
  webhookDelivered: (endpointId: string, shard: number, eventId: string) => ({
    PK: `${WEBHOOK_ENDPOINT_PREFIX}${endpointId}#${shard}`,
    SK: `DLVOK#${eventId}`,
  }),
  /** One merchant's usage counter of a day and route, in one of USAGE_SHARDS partitions. */
  usageCounter: (merchantId: string, shard: number, date: string, route: string) => ({
    PK: `USAGE#${merchantId}#${shard}`,
    SK: `${date}#${route}`,
  }),
  usageShard: (merchantId: string, shard: number) => `USAGE#${merchantId}#${shard}`,
  /** The marker of one applied transaction of a usage batch. */
  usageBatch: (batchId: string, chunk: number) => ({
    PK: `USAGEBATCH#${batchId}#${chunk}`,
    SK: 'USAGEBATCH',
  }),
  billingPrices: () => ({ PK: 'BILLING', SK: 'PRICES' }),
} as const;

/**
 * Partitions per scope and hour of channel outcome counts (one drawn per consumer batch). 8: even at a
 * batch of one payment (a trickle, the bench's worst case) one channel takes 8 × 1,000 / 0.25 ≈ 32,000
 * payments a second before a key is full; a window read is 2 hours × 8 keys per scope.
 */
export const CHANNEL_HEALTH_SHARDS = 8;
