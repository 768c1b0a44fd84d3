/** Payments: search across merchants by a payment id or a merchant id, filter, page through. */
import { useState } from 'preact/hooks';
import { Empty, Link, Loaded, Money, Pager, When } from '../components.js';
import { usePagedList, useResource } from '../hooks.js';
import type { Payment } from '../types.js';

const STATUSES = ['', 'processing', 'succeeded', 'failed', 'canceled'];
const CHANNELS = ['', 'sandbox', 'stripe', 'alipay', 'wechatpay'];

/** The search's list path: `null` for a payment id (looked up on its own). */
export function searchPath(query: string, status: string, channel: string): string | null {
  const q = query.trim();
  if (q.startsWith('pay_')) return null;
  const params = new URLSearchParams();
  if (q !== '') params.set('merchantId', q);
  if (status !== '') params.set('status', status);
  if (channel !== '') params.set('channel', channel);
  const qs = params.toString();
  return `/v1/ops/payments${qs ? `?${qs}` : ''}`;
}

export function PaymentsTable(props: { payments: readonly Payment[]; actions?: (p: Payment) => unknown }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Payment</th>
          <th scope="col">Merchant</th>
          <th scope="col">Amount</th>
          <th scope="col">Status</th>
          <th scope="col">Channel</th>
          <th scope="col">Risk</th>
          <th scope="col">Created</th>
          {props.actions && <th scope="col">Actions</th>}
        </tr>
      </thead>
      <tbody>
        {props.payments.map((p) => (
          <tr key={p.id}>
            <td>
              <Link to={`payments/${encodeURIComponent(p.id)}`}>{p.id}</Link>
            </td>
            <td>{p.merchantId}</td>
            <td>
              <Money amount={p.amount} currency={p.currency} />
            </td>
            <td>
              <span class={`badge ${p.status}`}>{p.status}</span>
            </td>
            <td>{p.channel ?? '—'}</td>
            <td>{p.risk?.decision ?? '—'}</td>
            <td>
              <When at={p.createdAt} />
            </td>
            {props.actions && <td class="actions">{props.actions(p) as never}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function OnePayment(props: { id: string }) {
  const [payment, reload] = useResource<Payment>(`/v1/ops/payments/${encodeURIComponent(props.id)}`);
  return (
    <Loaded resource={payment} retry={reload} what="the payment">
      {(p) => <PaymentsTable payments={[p]} />}
    </Loaded>
  );
}

function PaymentList(props: { path: string }) {
  const { resource, reload, pages, setPages } = usePagedList<Payment>(props.path);
  return (
    <>
      <Loaded resource={resource} retry={reload} what="payments">
        {(page) =>
          page.data.length === 0 ? <Empty>No payment matches.</Empty> : <PaymentsTable payments={page.data} />
        }
      </Loaded>
      <Pager pages={pages} setPages={setPages} label="Payments" />
    </>
  );
}

export function Payments() {
  const [draft, setDraft] = useState('');
  const [filters, setFilters] = useState({ query: '', status: '', channel: '' });
  const [status, setStatus] = useState('');
  const [channel, setChannel] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    setFilters({ query: draft, status, channel });
  };
  const path = searchPath(filters.query, filters.status, filters.channel);
  return (
    <section>
      <h1>Payments</h1>
      <form class="filters" onSubmit={submit}>
        <label for="payment-search">Search</label>
        <input
          id="payment-search"
          type="search"
          placeholder="pay_… or m_…"
          value={draft}
          onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
        />
        <label for="payment-status">Status</label>
        <select
          id="payment-status"
          value={status}
          onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'any'}
            </option>
          ))}
        </select>
        <label for="payment-channel">Channel</label>
        <select
          id="payment-channel"
          value={channel}
          onChange={(e) => setChannel((e.target as HTMLSelectElement).value)}
        >
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c || 'any'}
            </option>
          ))}
        </select>
        <button type="submit">Find</button>
      </form>
      {path === null ? <OnePayment id={filters.query.trim()} /> : <PaymentList path={path} />}
    </section>
  );
}
