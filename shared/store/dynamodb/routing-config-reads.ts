/**
 * The read path of routing configurations, on its own so the create-payment bundle carries only what it
 * uses. The document was validated whole (zod) when ops stored it; create reads it with a shape check
 * by hand instead of the schema, which keeps the configuration's zod schema (~4 KB minified) out of the
 * create bundle, as the routing domain itself takes no zod (shared/domain/routing/config.ts). The ops
 * store (routing-configs.ts) still parses it with the schema.
 */
import type { RoutingConfig } from '../../domain/routing/config.js';
import { CorruptItemError } from '../errors.js';
import { keys } from '../keys.js';
import { getItemConsistent, type TableContext } from './table.js';

/** The stored `config` document of the merchant, unchecked, or `null` (strongly consistent GetItem). */
export async function readStoredRoutingDocument(
  table: TableContext,
  merchantId: string,
): Promise<{ readonly pk: string; readonly config: unknown } | null> {
  const item = await getItemConsistent(table, keys.routingConfig(merchantId), 'routingConfig.get');
  return item ? { pk: String(item.PK), config: item.config } : null;
}

/** The merchant's configuration as routing reads it, or `null` when none is stored. @throws CorruptItemError */
export async function readRoutingConfig(
  table: TableContext,
  merchantId: string,
): Promise<RoutingConfig | null> {
  const stored = await readStoredRoutingDocument(table, merchantId);
  return stored ? checkedRoutingConfig(stored.config, `routing configuration of ${stored.pk}`) : null;
}

/**
 * A stored configuration document shape-checked by hand (see above): also how create-payment checks the
 * channels' `routing-config` function's answer. @throws CorruptItemError naming `what`
 */
export function checkedRoutingConfig(document: unknown, what: string): RoutingConfig {
  const config = document as RoutingConfig | undefined;
  const target = config?.default;
  const wellFormed =
    typeof config === 'object' &&
    config !== null &&
    Array.isArray(config.rules) &&
    config.rules.every(
      (r) => typeof r?.name === 'string' && typeof r.when === 'object' && Array.isArray(r.channels),
    ) &&
    typeof target?.strategy === 'string' &&
    Array.isArray(target.channels) &&
    typeof config.quotas === 'object' &&
    config.quotas !== null;
  if (!wellFormed) throw new CorruptItemError(`${what} is not a configuration`);
  return config;
}
