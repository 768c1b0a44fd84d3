/**
 * Stripe's Reporting API, locally, for the one report the product runs: `GET
 * /v1/reporting/report_types/balance_change_from_activity.itemized.3` (its data reaches the present
 * second: nothing here is prepared in batches as Stripe's data is), `POST /v1/reporting/report_runs`
 * (checked as Stripe checks it: known type, interval within the data, known columns), `GET
 * /v1/reporting/report_runs/{id}` (pending when created, succeeded from the first retrieval on, so a
 * client must poll) and `GET /v1/files/{id}/contents` (the CSV). Authentication is the caller's.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DayBook, readText } from './common.js';
import { STRIPE_STATEMENT_COLUMNS, stripeStatement } from './stripe-statement.js';

const REPORT_TYPE = 'balance_change_from_activity.itemized.3';
/** Where the simulated account's data starts. */
const DATA_START = Date.parse('2020-01-01T00:00:00Z') / 1000;

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const seconds = () => Math.floor(Date.now() / 1000);

type Send = (res: ServerResponse, status: number, body: unknown) => void;
type Run = Record<string, unknown> & { id: string; status: string };

const invalid = (message: string, param?: string) => ({
  error: { type: 'invalid_request_error', message, ...(param ? { param } : {}) },
});

export function stripeReports(book: DayBook, send: Send) {
  const runs = new Map<string, Run>();
  const files = new Map<string, string>();
  // Data up to the present second is there (interval_end is exclusive).
  const dataEnd = () => seconds() + 1;

  function reportType() {
    return {
      id: REPORT_TYPE,
      object: 'reporting.report_type',
      name: 'Itemized balance change from activity',
      data_available_start: DATA_START,
      data_available_end: dataEnd(),
      default_columns: STRIPE_STATEMENT_COLUMNS,
      livemode: false,
      updated: seconds(),
      version: 3,
    };
  }

  async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readText(req));
    if (form.get('report_type') !== REPORT_TYPE)
      return send(res, 400, invalid(`Invalid report_type: ${form.get('report_type')}`, 'report_type'));
    const start = Number(form.get('parameters[interval_start]'));
    const end = Number(form.get('parameters[interval_end]'));
    if (!Number.isInteger(start) || !Number.isInteger(end) || start >= end)
      return send(res, 400, invalid('interval_start must be an integer before interval_end', 'parameters'));
    if (start < DATA_START || end > dataEnd())
      return send(
        res,
        400,
        invalid(
          `Report parameters must be within the data availability range [${DATA_START}, ${dataEnd()}].`,
          'parameters',
        ),
      );
    const columns = [...form.keys()]
      .filter((k) => /^parameters\[columns\]\[\d+\]$/.test(k))
      .sort((a, b) => Number(/\d+(?=\]$)/.exec(a)?.[0]) - Number(/\d+(?=\]$)/.exec(b)?.[0]))
      .map((k) => form.get(k) ?? '');
    const unknown = columns.find((c) => !STRIPE_STATEMENT_COLUMNS.includes(c));
    if (unknown !== undefined)
      return send(res, 400, invalid(`Invalid column: ${unknown}`, 'parameters[columns]'));
    const run: Run = {
      id: id('frr'),
      object: 'reporting.report_run',
      created: seconds(),
      error: null,
      livemode: false,
      parameters: {
        interval_start: start,
        interval_end: end,
        timezone: form.get('parameters[timezone]') ?? 'Etc/UTC',
        ...(columns.length > 0 ? { columns } : {}),
      },
      report_type: REPORT_TYPE,
      result: null,
      status: 'pending',
      succeeded_at: null,
    };
    runs.set(run.id, run);
    send(res, 200, run);
  }

  /** The first retrieval finds the run done: its file is made then, from the book as it stands. */
  function retrieve(run: Run, origin: string): Run {
    if (run.status !== 'pending') return run;
    const { interval_start, interval_end, columns } = run.parameters as {
      interval_start: number;
      interval_end: number;
      columns?: string[];
    };
    const csv = stripeStatement(book.between(interval_start * 1000, interval_end * 1000), columns);
    const fileId = id('file');
    files.set(fileId, csv);
    run.status = 'succeeded';
    run.succeeded_at = seconds();
    run.result = {
      id: fileId,
      object: 'file',
      created: seconds(),
      filename: `${fileId}.csv`,
      purpose: 'finance_report_run',
      size: Buffer.byteLength(csv),
      type: 'csv',
      url: `${origin}/v1/files/${fileId}/contents`,
    };
    return run;
  }

  /** Answers a Reporting API or file request; false when `path` is none of them. */
  return async function handle(req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> {
    if (req.method === 'GET' && path === `/v1/reporting/report_types/${REPORT_TYPE}`) {
      send(res, 200, reportType());
      return true;
    }
    if (req.method === 'POST' && path === '/v1/reporting/report_runs') {
      await create(req, res);
      return true;
    }
    const runId = /^\/v1\/reporting\/report_runs\/([^/]+)$/.exec(path)?.[1];
    if (req.method === 'GET' && runId) {
      const run = runs.get(decodeURIComponent(runId));
      if (run) send(res, 200, retrieve(run, `http://${req.headers.host}`));
      else send(res, 404, invalid(`No such report run: '${runId}'`, 'id'));
      return true;
    }
    const fileId = /^\/v1\/files\/([^/]+)\/contents$/.exec(path)?.[1];
    if (req.method === 'GET' && fileId) {
      const csv = files.get(decodeURIComponent(fileId));
      if (csv === undefined) send(res, 404, invalid(`No such file upload: '${fileId}'`, 'id'));
      else res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' }).end(csv);
      return true;
    }
    return false;
  };
}
