/**
 * POST /v1/ops/reconciliation/statements?channel=&date= with a `text/csv` body (ops key): the channel-day's
 * statement, replacing the one fetched from the channel. The whole CSV is checked first (a malformed row,
 * or a row of another day, is a 400 naming the line) and only then stored, in one put: nothing is ever
 * half-written. Replacing is idempotent by nature: an `Idempotency-Key` is accepted, not required.
 *
 * The body travels through API Gateway and Lambda (≤ 6 MB, about 60,000 rows). A larger statement is put
 * straight into the statements bucket under the same key (`statements/<channel>/<date>.csv`), where a run
 * reads it as a stream.
 */
import { putObject } from '../../shared/aws/s3-objects.js';
import { loadEnv, statementsEnvSchema } from '../../shared/config/env.js';
import { StatementFormatError } from '../../shared/domain/reconciliation/errors.js';
import { parseStatement } from '../../shared/domain/reconciliation/statement.js';
import { rawBody } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { HttpProblemError, ValidationError } from '../../shared/http/errors.js';
import { json } from '../../shared/http/responses.js';
import { lineText } from '../../shared/http/utf8.js';
import { statementKey } from '../../shared/reconciliation/statements.js';
import { uploadStatementQuery } from '../../shared/schemas/reconciliation.js';

const env = loadEnv(statementsEnvSchema);

export const handler = apiHandler({ role: 'ops', query: uploadStatementQuery }, async ({ event, query }) => {
  const contentType = Object.entries(event.headers ?? {})
    .find(([name]) => name.toLowerCase() === 'content-type')?.[1]
    ?.split(';')[0]
    ?.trim()
    .toLowerCase();
  if (contentType !== 'text/csv') {
    throw new HttpProblemError(
      'unsupported-media-type',
      `Content-Type ${contentType ?? '(none)'} is not text/csv.`,
    );
  }
  const csv = lineText(rawBody(event));
  let rows = 0;
  try {
    for await (const _row of parseStatement(csv, query)) rows += 1;
  } catch (error) {
    if (!(error instanceof StatementFormatError)) throw error;
    throw new ValidationError(`The statement is not valid: ${error.message}`, [
      { path: `line ${error.line}${error.column ? `, ${error.column}` : ''}`, message: error.detail },
    ]);
  }
  await putObject(env.STATEMENTS_BUCKET, statementKey(query.channel, query.date), csv, 'text/csv');
  return json(200, {
    object: 'reconciliation_statement',
    channel: query.channel,
    date: query.date,
    rows,
    bytes: Buffer.byteLength(csv),
  });
});
