/**
 * The ops console in Chromium against the local runtime, driven by its accessible names (docs/contract.md,
 * "Ops console"): sign in with the ops key, search a payment and open it, release a payment held in review,
 * resolve a reconciliation discrepancy, see each channel's breaker state. Every page is screenshotted into
 * test-results/console/ (UPDATE_DOCS_SCREENSHOTS=1 also copies the main ones into docs/), and the time to
 * the first interactive page is printed, not asserted.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { type LaunchedBrowser, launchChromium } from '../support/browser.js';
import { OPS_KEY, useLocalRuntime } from '../support/e2e.js';
import { eventually } from '../support/eventually.js';
import { MERCHANT_1, MERCHANT_2, uniqueKey } from '../support/http.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(ROOT, 'test-results', 'console');
/** The screenshots the README shows. */
const DOCS_SHOTS = ['overview', 'payment', 'review-queue', 'channels', 'reconciliation'];
/** Each ops route's function starts cold at its first call; on a loaded machine that takes seconds. */
const TIMEOUT = 30_000;
/** A payment's lifecycle through the runtime's queues, on a loaded machine. */
const LIFECYCLE_TIMEOUT = 45_000;

const e2e = useLocalRuntime();
let launched: LaunchedBrowser | undefined;
let page: Page;

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  launched = await launchChromium();
  const context = await launched.browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(TIMEOUT);
  page = await context.newPage();
});
after(async () => {
  await launched?.close();
});

async function shot(name: string): Promise<void> {
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (process.env.UPDATE_DOCS_SCREENSHOTS === '1' && DOCS_SHOTS.includes(name))
    copyFileSync(file, join(ROOT, 'docs', `console-${name}.png`));
}

const nav = () => page.getByRole('navigation', { name: 'Main' });

async function open(link: string): Promise<void> {
  await nav().getByRole('link', { name: link, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: link }).waitFor();
}

/** A payment of merchant 2 that its risk assessment holds in review (its review score lowered to 20). */
async function heldPayment(): Promise<string> {
  const profilePath = `/v1/ops/merchants/${MERCHANT_2.id}/risk-profile`;
  const profile = await e2e.ops.get(profilePath);
  assert.equal(profile.status, 200, profile.text);
  const put = await e2e.ops.request('PUT', profilePath, {
    body: { ...profile.body, reviewScore: 20, rejectScore: 100 },
  });
  assert.equal(put.status, 200, put.text);
  // A new customer and a high amount score 25: review. The profile applies within 2 s.
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  const created = await e2e.api2.createPayment({
    amount: 150_000,
    currency: 'USD',
    customer: { id: uniqueKey('cus'), email: `${uniqueKey('held')}@example.com` },
  });
  assert.equal(created.status, 201, created.text);
  const held = await e2e.api2.waitForPayment(created.body.id, (p) => p.risk, LIFECYCLE_TIMEOUT);
  assert.equal(held.risk.decision, 'review');
  return created.body.id;
}

/** A sandbox run of today over a statement with a row we have no payment for: an open discrepancy. */
async function openDiscrepancy(): Promise<string> {
  const date = new Date().toISOString().slice(0, 10);
  const csv = `channel_reference,reference,type,amount,currency,status,fee,occurred_at\nsbx_${uniqueKey('ghost')},,payment,4200,USD,succeeded,0,${date}T00:00:01Z\n`;
  const upload = await e2e.ops.request(
    'POST',
    `/v1/ops/reconciliation/statements?channel=sandbox&date=${date}`,
    {
      body: csv,
      headers: { 'content-type': 'text/csv' },
    },
  );
  assert.equal(upload.status, 200, upload.text);
  const started = await e2e.ops.post(
    '/v1/ops/reconciliation/runs',
    { channel: 'sandbox', date },
    { idempotencyKey: uniqueKey('run') },
  );
  assert.equal(started.status, 202, started.text);
  await eventually(
    async () => {
      const run = await e2e.ops.get(`/v1/ops/reconciliation/runs/${started.body.id}`);
      return run.body.status === 'running' ? undefined : run.body;
    },
    20_000,
    'the reconciliation run to end',
  );
  return started.body.id;
}

/**
 * From navigation to the sign-in form ready to type in, in a fresh browser context (an empty cache),
 * and the browser's own `domInteractive` of that load.
 */
async function timeToInteractive(url: string): Promise<{ ms: number; domInteractive: number }> {
  const context = await launched!.browser.newContext();
  try {
    const fresh = await context.newPage();
    const started = Date.now();
    await fresh.goto(url);
    await fresh.getByLabel('Ops key').waitFor();
    const ms = Date.now() - started;
    const domInteractive = await fresh.evaluate(
      () => (performance as any).getEntriesByType('navigation')[0]?.domInteractive ?? 0,
    );
    return { ms, domInteractive: Math.round(domInteractive) };
  } finally {
    await context.close();
  }
}

describe('ops console (Chromium, local runtime)', () => {
  it('signs in with the ops key, served with a strict Content-Security-Policy', async () => {
    // Prepare: the first load also starts the console's function; the second is what a user meets.
    const url = `${e2e.runtime.url}/console/`;
    const cold = await timeToInteractive(url);
    const warm = await timeToInteractive(url);
    console.log(
      `console first page interactive: ${warm.ms} ms (domInteractive ${warm.domInteractive} ms); ` +
        `first load with a cold function: ${cold.ms} ms`,
    );
    // Act
    const response = await page.goto(url);
    await page.getByLabel('Ops key').waitFor();
    await shot('sign-in');
    await page.getByLabel('Ops key').fill(OPS_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Assess
    assert.match(response?.headers()['content-security-policy'] ?? '', /default-src 'self'/);
    for (const link of [
      'Overview',
      'Payments',
      'Review queue',
      'Merchants',
      'Channels',
      'Reconciliation',
      'Settlements',
      'Dead letters',
    ])
      await nav().getByRole('link', { name: link, exact: true }).waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 1, 'the key is kept for the session');
    assert.equal(await page.evaluate(() => localStorage.length), 0);
  });

  it('searches a payment by id and by merchant, opens it and shows its figures and events', async () => {
    // Prepare
    const created = await e2e.api.createPayment({ amount: 1_050, currency: 'USD' });
    assert.equal(created.status, 201, created.text);
    const id: string = created.body.id;
    await e2e.api.waitForPayment(id, (p) => p.status === 'succeeded' && p.risk, LIFECYCLE_TIMEOUT);
    // Act
    await open('Payments');
    await page.getByLabel('Search').fill(MERCHANT_1.id);
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('link', { name: id }).waitFor();
    await shot('payments');
    await page.getByLabel('Search').fill(id);
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('link', { name: id }).click();
    // Assess
    await page.getByRole('heading', { level: 1, name: 'Payment' }).waitFor();
    await page.getByText(id, { exact: true }).waitFor();
    const details = page.locator('dl.details');
    await details.getByText('succeeded').waitFor();
    await details.getByText('$10.50').waitFor();
    await details.getByText('sandbox', { exact: true }).waitFor();
    await details.getByText(/^approve/).waitFor();
    const events = page.getByRole('list', { name: 'Events' });
    await events.getByText('PaymentCreated').waitFor();
    await events.getByText('PaymentSucceeded').waitFor();
    await shot('payment');
  });

  it('releases a payment held in review, after a confirmation', async () => {
    // Prepare
    const id = await heldPayment();
    // Act
    await open('Review queue');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: id }) });
    await row.waitFor();
    await shot('review-queue');
    await row.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    // Assess
    await page.getByText(`${id} released.`).waitFor();
    await row.waitFor({ state: 'detached' });
    const payment = await e2e.ops.get(`/v1/ops/payments/${id}`);
    assert.equal(payment.body.reviewStatus, 'released', payment.text);
  });

  it('resolves an open discrepancy with a note', async () => {
    // Prepare
    const runId = await openDiscrepancy();
    // Act
    await open('Reconciliation');
    const resolve = page.getByRole('button', { name: 'Resolve' }).first();
    await resolve.waitFor();
    await shot('reconciliation');
    const before = await page.getByRole('button', { name: 'Resolve' }).count();
    await resolve.click();
    await page.getByLabel('Note').fill('Ghost row: the channel confirmed a test charge.');
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    // Assess
    await page.getByText(/^Discrepancy dsc_\S+ resolved\.$/).waitFor();
    await eventually(
      async () =>
        (await page.getByRole('button', { name: 'Resolve' }).count()) === before - 1 ? true : undefined,
      TIMEOUT,
      'the row to go',
    );
    const listed = await e2e.ops.get(`/v1/ops/reconciliation/runs/${runId}/discrepancies?limit=100`);
    const resolved = listed.body.data.filter((d: { status: string }) => d.status === 'resolved');
    assert.equal(resolved.length, 1, listed.text);
  });

  it('shows each channel’s breaker state', async () => {
    // Act
    await open('Channels');
    // Assess
    for (const channel of ['sandbox', 'stripe', 'alipay', 'wechatpay']) {
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: channel, exact: true }) });
      await row.getByText(/^(closed|open|half_open)$/).waitFor();
    }
    const sandbox = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'sandbox', exact: true }) });
    await sandbox.getByText('closed', { exact: true }).waitFor();
    await shot('channels');
  });

  it('shows every other page of the navigation with its data or its state', async () => {
    for (const [link, name] of [
      ['Overview', 'overview'],
      ['Merchants', 'merchants'],
      ['Settlements', 'settlements'],
      ['Dead letters', 'dead-letters'],
    ] as const) {
      await open(link);
      await page.waitForFunction(() => !(globalThis as any).document.querySelector('p.state.loading'));
      await shot(name);
    }
    await open('Merchants');
    await page.getByRole('link', { name: MERCHANT_1.id }).waitFor();
    await open('Dead letters');
    await page.getByRole('button', { name: 'Peek' }).first().waitFor();
  });
});
