/** Seeds the contract's local credentials with the app core's own seeding code (shared/store/api-keys.ts). */

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PROJECT_ROOT } from './synth.js';
import type { LocalTable } from './tables.js';

const API_KEYS = join(PROJECT_ROOT, 'shared', 'store', 'api-keys.ts');

/** The payments table: the one whose logical id starts with `PaymentsTable`, else the only table. */
export function paymentsTable(tables: readonly LocalTable[]): LocalTable {
  const named = tables.filter((t) => t.logicalId.startsWith('PaymentsTable'));
  const table = named.length === 1 ? named[0] : tables.length === 1 ? tables[0] : undefined;
  if (!table) {
    throw new Error(
      `cannot tell the payments table among: ${tables.map((t) => t.logicalId).join(', ') || 'no tables'}`,
    );
  }
  return table;
}

/** Seeds merchants and API keys; false when the seeding module is not there yet. */
export async function seedCredentials(client: DynamoDBClient, tableName: string): Promise<boolean> {
  if (!existsSync(API_KEYS)) return false;
  const module = (await import(pathToFileURL(API_KEYS).href)) as {
    seedLocalCredentials?: (client: DynamoDBClient, tableName: string) => Promise<void>;
  };
  if (typeof module.seedLocalCredentials !== 'function')
    throw new Error(`${API_KEYS} does not export seedLocalCredentials`);
  await module.seedLocalCredentials(client, tableName);
  return true;
}
