/**
 * Settlement, pure: fees from a merchant's pricing, a settlement's totals accumulated from its line
 * items as they stream, and the double-entry ledger it posts. No AWS here: the store selects the items
 * and holds, and writes the settlement and its entries.
 */
export * from './accumulate.js';
export * from './errors.js';
export * from './ids.js';
export * from './ledger.js';
export * from './pricing.js';
