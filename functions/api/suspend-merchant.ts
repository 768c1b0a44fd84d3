/**
 * POST /v1/ops/merchants/{merchantId}/suspend `{ note? }` (ops key): active → suspended: its keys answer 403
 * `merchant-suspended` within 10 s. Any other status → 409 `merchant-state-conflict`. 200 with the merchant.
 */
import { merchantStatusHandler } from '../../shared/merchants/status-change.js';

export const handler = merchantStatusHandler('suspend');
