/**
 * POST /v1/ops/merchants/{merchantId}/reinstate `{ note? }` (ops key): suspended → active: its keys work again
 * within 10 s. Any other status → 409 `merchant-state-conflict`. 200 with the merchant.
 */
import { merchantStatusHandler } from '../../shared/merchants/status-change.js';

export const handler = merchantStatusHandler('reinstate');
