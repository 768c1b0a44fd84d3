/**
 * GET /v1/ops/dead-letter-queues (ops): every dead-letter queue of the stack with its source queues and
 * approximate depth, `{ data: [...] }` sorted by name. One GetQueueAttributes per queue.
 *
 * The same function serves GET /v1/ops/overview (shared/ops/overview.ts), whose dead-letter depths are
 * these queues': one function with this environment and these grants rather than a second one. The
 * overview's other figures are asked of their owners' functions (their ARNs in the environment, set by
 * useFunction in the console's stack).
 */
import { deadLetterQueues } from '../../shared/dead-letters/runtime.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { byRoute } from '../../shared/http/by-route.js';
import { json } from '../../shared/http/responses.js';
import { invokeChannelHealthSummary } from '../../shared/internal/channel-health-summary.js';
import { invokeHoldCounts } from '../../shared/internal/hold-counts.js';
import { invokeMerchantRegistry } from '../../shared/internal/merchant-registry.js';
import { invokeOpenDiscrepancies } from '../../shared/internal/open-discrepancies.js';
import { overviewRoute } from '../../shared/ops/overview.js';

const queues = deadLetterQueues();
// Read when the overview asks (invokeFunction names a missing one), so the dead-letter routes never depend on them.
const env = process.env;

const list = apiHandler({ role: 'ops' }, async () => json(200, { data: await queues.list() }));

export const handler = byRoute({
  'GET /v1/ops/dead-letter-queues': list,
  'GET /v1/ops/overview': overviewRoute(
    {
      merchantRegistry: invokeMerchantRegistry(env.MERCHANT_REGISTRY_FUNCTION_ARN),
      holdCounts: invokeHoldCounts(env.HOLD_COUNTS_FUNCTION_ARN),
      openDiscrepancies: invokeOpenDiscrepancies(env.OPEN_DISCREPANCIES_FUNCTION_ARN),
      channelHealthSummary: invokeChannelHealthSummary(env.CHANNEL_HEALTH_SUMMARY_FUNCTION_ARN),
    },
    () => queues,
  ),
});
