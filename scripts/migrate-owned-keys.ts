/**
 * `npm run migrate:owned-keys -- <table> [--dry-run]`: moves a merchant's risk profile, fraud-report
 * days, routing configuration and webhook endpoints from the gateway's `MER#<merchant>` partition to the
 * partitions their services own (scripts/owned-keys-migration.ts says how, and why it is safe to run
 * during traffic and again). Run it once per stage after the release that moved the keys is deployed;
 * `--dry-run` counts what it would move and writes nothing. Credentials as for any AWS CLI use, the Region
 * from `AWS_REGION` (us-east-1 when unset); `AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:<port>` points it
 * at DynamoDB Local. Exits 1 when an item changed during the run (run it again), 0 otherwise.
 */
import { parseArgs } from 'node:util';
import { createDynamoDbClient } from '../shared/aws/dynamodb.js';
import { migrateOwnedKeys } from './owned-keys-migration.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const USAGE = 'usage: npm run migrate:owned-keys -- <table name> [--dry-run]\n';
const [tableName] = positionals;
if (values.help || !tableName || positionals.length > 1) {
  (values.help ? process.stdout : process.stderr).write(USAGE);
  process.exit(values.help ? 0 : 2);
}
const dryRun = values['dry-run'];
const client = createDynamoDbClient();
try {
  const counts = await migrateOwnedKeys({
    client,
    tableName,
    dryRun,
    onPage: (c) => process.stderr.write(`\rscanned: ${c.found} of the old layout so far`),
  });
  process.stderr.write('\n');
  const verb = dryRun ? 'would move' : 'moved';
  process.stdout.write(
    `${dryRun ? 'dry run: ' : ''}${counts.found} items at the old layout; ${verb} ${counts.moved}, ` +
      `${dryRun ? 'would retire' : 'retired'} ${counts.superseded} superseded by an item at the new key, ` +
      `${counts.changed} changed during the run (run again)\n${JSON.stringify(counts.byKind)}\n`,
  );
  process.exitCode = counts.changed > 0 ? 1 : 0;
} finally {
  client.destroy();
}
