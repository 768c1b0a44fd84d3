/**
 * The read path of routing configurations, on its own so the create-payment bundle carries only what it
 * uses (the ops store, routing-configs.ts, adds the writes and the merchant check).
 */
import { safeParse } from 'zod/mini';
import { type RoutingConfigBody, routingConfigSchema } from '../../schemas/routing.js';
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { getItemConsistent, type TableContext } from './table.js';

/** What a merchant without a stored configuration routes by: priority over ["sandbox"], as a PUT body. */
export const DEFAULT_ROUTING_CONFIG_BODY: RoutingConfigBody = routingConfigSchema.parse({});

/** The merchant's stored configuration, or `null` when none is stored (strongly consistent GetItem). */
export async function readRoutingConfig(
  table: TableContext,
  merchantId: string,
): Promise<RoutingConfigBody | null> {
  const item = await getItemConsistent(table, keys.routingConfig(merchantId), 'routingConfig.get');
  return item ? parseStoredRoutingConfig(item) : null;
}

/** The stored document, validated on read: a field added to the schema since takes its default. */
export function parseStoredRoutingConfig(item: Record<string, unknown>): RoutingConfigBody {
  const result = safeParse(routingConfigSchema, item.config);
  if (!result.success) {
    throw new CorruptItemError(`routing configuration of ${String(item.PK)}: ${result.error.message}`);
  }
  return result.data;
}
