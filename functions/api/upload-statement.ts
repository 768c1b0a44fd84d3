/**
 * POST /v1/ops/reconciliation/statements?channel=&date= with a `text/csv` body (ops key): the channel-day's
 * statement, replacing the one fetched from the channel; for Stripe, Alipay and WeChat Pay also the
 * channel's own statement (statementMediaTypes). The whole file is checked first (a malformed row, or a
 * row of another day, is a 400 naming the line) and only then stored as uploaded, in one put: nothing is
 * ever half-written. Replacing is idempotent by nature: an `Idempotency-Key` is accepted, not required.
 *
 * The body travels through API Gateway and Lambda (≤ 6 MB, about 60,000 rows). A larger statement is put
 * straight into the statements bucket under the same key (`statements/<channel>/<date>.csv`), where a run
 * reads it as a stream.
 */
import { putObject } from '../../shared/aws/s3-objects.js';
import { loadEnv, statementsEnvSchema } from '../../shared/config/env.js';
import { header, rawBody } from '../../shared/http/api-event.js';
import { apiHandler } from '../../shared/http/api-handler.js';
import { HttpProblemError } from '../../shared/http/errors.js';
import { json } from '../../shared/http/responses.js';
import { lineText } from '../../shared/http/utf8.js';
import {
  countStatementRows,
  statementKey,
  statementMediaTypes,
} from '../../shared/reconciliation/statements.js';
import { uploadStatementQuery } from '../../shared/schemas/reconciliation.js';

const env = loadEnv(statementsEnvSchema);

export const handler = apiHandler({ role: 'ops', query: uploadStatementQuery }, async ({ event, query }) => {
  const received = header(event, 'content-type');
  const [type = '', ...parameters] = (received ?? '').split(';').map((p) => p.trim().toLowerCase());
  const accepted = statementMediaTypes(query.channel);
  if (!accepted.includes(type)) {
    throw new HttpProblemError(
      'unsupported-media-type',
      `Content-Type ${received ?? '(none)'} is not ${accepted.join(' or ')}.`,
    );
  }
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset && /^(?:gbk|gb2312|gb18030)$/.test(charset) && !event.isBase64Encoded) {
    throw new HttpProblemError(
      'unsupported-media-type',
      `A ${charset.toUpperCase()} statement reaches us as UTF-8 text under ${type}: send it as application/octet-stream.`,
    );
  }
  const body = rawBody(event);
  // A text statement must be UTF-8: bytes that are not are a 400 naming their line, never stored as U+FFFD.
  // Only a binary upload (a channel's own GBK bill) is read in its own encoding.
  if (type !== 'application/octet-stream') lineText(body);
  // A malformed row throws StatementFormatError: a 400 naming the line (shared/schemas/error-problems.ts).
  const rows = await countStatementRows(body, query);
  await putObject(env.STATEMENTS_BUCKET, statementKey(query.channel, query.date), body, received ?? type);
  return json(200, {
    object: 'reconciliation_statement',
    channel: query.channel,
    date: query.date,
    rows,
    bytes: body.length,
  });
});
