/**
 * The ops console's pages in Chromium against stubbed ops routes answering the contract's shapes: what the
 * pages do with data, independently of the system behind them (console.test.ts drives the real one). The
 * console is built as for the template and served by the function's own static-site answers.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page, Route } from 'playwright-core';
import { buildConsole } from '../../infra/constructs/console-assets.js';
import { answer, loadSite } from '../../shared/console/static-site.js';
import { type LaunchedBrowser, launchChromium } from '../support/browser.js';

const payment = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'payment',
  merchantId: 'm_demo_1',
  amount: 1050,
  currency: 'USD',
  status: 'succeeded',
  channel: 'sandbox',
  risk: { score: 0, decision: 'approve', reasons: [] },
  reviewStatus: null,
  createdAt: '2026-12-06T22:00:00.000Z',
  ...extra,
});

/** The stubbed API's state and what the pages sent it. */
const state = {
  held: [payment('pay_held', { merchantId: 'm_demo_2', amount: 150_000, reviewStatus: 'held' })],
  discrepancies: [
    {
      id: 'dsc_1',
      kind: 'local_missing',
      reference: null,
      channelReference: 'sbx_x',
      fields: [],
      status: 'open',
    },
  ],
  posted: [] as { path: string; body: unknown }[],
  overviewServed: true,
};

async function stubApi(route: Route): Promise<void> {
  const request = route.request();
  const url = new URL(request.url());
  const path = url.pathname;
  const reply = (body: unknown, status = 200) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  if (request.method() === 'POST') state.posted.push({ path, body: request.postDataJSON() });
  if (path === '/v1/ops/channels')
    return reply({
      data: [
        {
          id: 'sandbox',
          currencies: ['USD'],
          fees: { USD: { percentBps: 290, fixed: 30 } },
          breaker: { state: 'half_open', recentFailures: 2 },
          health: { attempts: 10, succeeded: 9, failed: 1, unavailable: 0, authorizationRate: 0.9 },
        },
      ],
    });
  if (path === '/v1/ops/overview' && state.overviewServed)
    return reply({
      object: 'overview',
      generatedAt: '2026-01-02T00:00:00.000Z',
      from: '2026-01-01T00:00:00.000Z',
      openReviews: state.held.length,
      openDiscrepancies: { count: 2, days: 7 },
      deadLetters: { total: 0, queues: [] },
      channels: [
        {
          channel: 'sandbox',
          volume: 300,
          succeeded: 276,
          failed: 24,
          unavailable: 0,
          authorizationRate: 0.92,
          unavailableRate: 0,
          hours: Array.from({ length: 24 }, (_, i) => ({
            hour: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
            succeeded: i,
            failed: 1,
            unavailable: 0,
          })),
        },
      ],
    });
  if (path === '/v1/ops/payments' && url.searchParams.get('risk') === 'review')
    return reply({ data: state.held, nextCursor: null });
  if (path === '/v1/ops/payments') {
    const second = url.searchParams.get('cursor') === 'c1';
    return reply({
      data: second
        ? [payment('pay_c')]
        : [payment('pay_a'), payment('pay_b', { currency: 'JPY', amount: 1050 })],
      nextCursor: second ? null : 'c1',
    });
  }
  if (path === '/v1/ops/payments/pay_a/events')
    return reply({
      data: [
        { eventId: 'evt_1', detailType: 'PaymentCreated', occurredAt: '2026-12-06T22:00:00Z' },
        { eventId: 'evt_2', detailType: 'PaymentSucceeded', occurredAt: '2026-12-06T22:00:01Z' },
      ],
      nextCursor: null,
    });
  if (path === '/v1/ops/payments/pay_a') return reply(payment('pay_a'));
  if (path === '/v1/ops/payments/pay_held/review') {
    state.held = [];
    return reply(payment('pay_held', { reviewStatus: 'released' }));
  }
  if (path === '/v1/ops/reconciliation/runs')
    return reply({
      data: [
        { id: 'rcr_1', channel: 'sandbox', date: '2026-12-06', status: 'completed', counts: { matched: 3 } },
      ],
      nextCursor: null,
    });
  if (path === '/v1/ops/reconciliation/runs/rcr_1/discrepancies')
    return reply({ data: state.discrepancies, nextCursor: null });
  if (path === '/v1/ops/reconciliation/discrepancies/dsc_1/resolve') {
    state.discrepancies = [];
    return reply({ id: 'dsc_1', status: 'resolved' });
  }
  return reply(
    { title: 'Not Found', status: 404, detail: `No route matches ${request.method()} ${path}.` },
    404,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'console-pages-'));
let server: Server;
let launched: LaunchedBrowser | undefined;
let page: Page;
let base: string;

before(async () => {
  buildConsole(dir);
  const site = loadSite(join(dir, 'console'));
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]?.replace(/^\/console\/?/, '') ?? '';
    const a = answer(site, { path, acceptEncoding: req.headers['accept-encoding'] });
    res.writeHead(a.statusCode, a.headers).end(Buffer.from(a.body, 'base64'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/console/`;
  launched = await launchChromium();
  page = await launched.browser.newPage();
  page.setDefaultTimeout(10_000);
  await page.route('**/v1/ops/**', stubApi);
  await page.goto(base);
  await page.getByLabel('Ops key').fill('sk_test_ops');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
});
after(async () => {
  await launched?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const open = (link: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();

describe('ops console pages (Chromium, stubbed ops routes)', () => {
  it('draws the overview’s figures and each channel’s 24 h lines', async () => {
    await page.getByText('Open reviews').waitFor();
    await page.getByText('Open discrepancies (runs of the last 7 days)').waitFor();
    await page.getByRole('row').filter({ hasText: 'sandbox' }).getByText('92.0%').waitFor();
    await page.getByRole('img', { name: /^sandbox volume, last 24 hours: 300$/ }).waitFor();
    await page.getByRole('img', { name: /^Authorization rate, last hour: sandbox 90\.0%$/ }).waitFor();
  });

  it('pages through a merchant’s payments, each amount per its currency', async () => {
    await open('Payments');
    await page.getByLabel('Search').fill('m_demo_1');
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('row').filter({ hasText: 'pay_b' }).getByText('1,050 JPY').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('link', { name: 'pay_c' }).waitFor();
    await page.getByRole('button', { name: 'Previous' }).click();
    await page.getByRole('link', { name: 'pay_a' }).click();
    await page.getByText('$10.50').waitFor();
    const events = page.getByRole('list', { name: 'Events' }).getByRole('listitem');
    assert.deepEqual(await events.locator('strong').allTextContents(), [
      'PaymentCreated',
      'PaymentSucceeded',
    ]);
  });

  it('releases a held payment only after Confirm', async () => {
    await open('Review queue');
    await page.getByRole('button', { name: 'Release' }).click();
    assert.equal(state.posted.length, 0, 'nothing is sent before the confirmation');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('pay_held released.').waitFor();
    await page.getByText('No payment is held in review.').waitFor();
    assert.deepEqual(state.posted.at(-1), {
      path: '/v1/ops/payments/pay_held/review',
      body: { decision: 'release' },
    });
  });

  it('resolves a discrepancy with the note typed', async () => {
    await open('Reconciliation');
    await page.getByRole('button', { name: 'Resolve' }).click();
    await page.getByLabel('Note').fill('Known test charge');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('No open discrepancy in the runs shown.').waitFor();
    assert.deepEqual(state.posted.at(-1), {
      path: '/v1/ops/reconciliation/discrepancies/dsc_1/resolve',
      body: { note: 'Known test charge' },
    });
  });

  it('shows a channel’s breaker state, and a route the API lacks as an error, not a broken page', async () => {
    await open('Channels');
    await page
      .getByRole('row')
      .filter({ hasText: 'sandbox' })
      .getByText('half_open', { exact: true })
      .waitFor();
    state.overviewServed = false;
    await open('Overview');
    await page
      .getByRole('alert')
      .getByText(/This API does not serve that route yet\./)
      .waitFor();
    await page.getByRole('button', { name: 'Retry' }).waitFor();
  });
});
