/** Merchants: the list by status; a merchant's onboarding review, state, keys, limits, risk profile, routing. */
import { useState } from 'preact/hooks';
import { ConfirmDialog, Empty, Link, Loaded, Notice, Pager, When } from '../components.js';
import { useApi, usePagedList, useResource } from '../hooks.js';
import type { Merchant } from '../types.js';
import { ApiKeys, JsonSettings } from './merchant-settings.js';

const STATUSES = ['', 'pending_review', 'active', 'suspended', 'rejected'];

export function Merchants() {
  const [status, setStatus] = useState('');
  const path = `/v1/ops/merchants${status ? `?status=${status}` : ''}`;
  const { resource, reload, pages, setPages } = usePagedList<Merchant>(path);
  return (
    <section>
      <h1>Merchants</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label for="merchant-status">Status</label>
        <select
          id="merchant-status"
          value={status}
          onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}
        >
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s || 'any'}
            </option>
          ))}
        </select>
      </form>
      <Loaded resource={resource} retry={reload} what="merchants">
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No merchant{status ? ` is ${status}` : ''}.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Merchant</th>
                  <th scope="col">Name</th>
                  <th scope="col">Country</th>
                  <th scope="col">Status</th>
                  <th scope="col">Risk rating</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {page.data.map((m) => (
                  <tr key={m.id}>
                    <td>
                      <Link to={`merchants/${encodeURIComponent(m.id)}`}>{m.id}</Link>
                    </td>
                    <td>{m.name}</td>
                    <td>{m.country ?? '—'}</td>
                    <td>
                      <span class={`badge ${m.status}`}>{m.status}</span>
                    </td>
                    <td>{m.riskRating ?? '—'}</td>
                    <td>
                      <When at={m.createdAt} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      <Pager pages={pages} setPages={setPages} label="Merchants" />
    </section>
  );
}

type Action = 'approve' | 'reject' | 'suspend' | 'reinstate';

function MerchantActions(props: { merchant: Merchant; onDone: (text: string) => void }) {
  const api = useApi();
  const { merchant } = props;
  const [asking, setAsking] = useState<Action | null>(null);
  const [rating, setRating] = useState('medium');
  const [note, setNote] = useState('');
  const base = `/v1/ops/merchants/${encodeURIComponent(merchant.id)}`;
  const run = async (action: Action) => {
    if (action === 'approve')
      await api.post(`${base}/review`, {
        decision: 'approve',
        riskRating: rating,
        ...(note ? { note } : {}),
      });
    else if (action === 'reject')
      await api.post(`${base}/review`, { decision: 'reject', ...(note ? { note } : {}) });
    else await api.post(`${base}/${action}`, {});
    props.onDone(`${merchant.id}: ${action} done.`);
  };
  const actions: Action[] =
    merchant.status === 'pending_review'
      ? ['approve', 'reject']
      : merchant.status === 'active'
        ? ['suspend']
        : merchant.status === 'suspended'
          ? ['reinstate']
          : [];
  return (
    <div class="actions">
      {actions.map((a) => (
        <button
          key={a}
          type="button"
          class={a === 'reject' || a === 'suspend' ? 'danger' : ''}
          onClick={() => setAsking(a)}
        >
          {a[0]?.toUpperCase()}
          {a.slice(1)}
        </button>
      ))}
      {asking && (
        <ConfirmDialog
          title={`${asking} ${merchant.name}?`}
          onClose={() => setAsking(null)}
          onConfirm={() => run(asking)}
        >
          {asking === 'approve' && (
            <>
              <label for="merchant-rating">Risk rating</label>
              <select
                id="merchant-rating"
                value={rating}
                onChange={(e) => setRating((e.target as HTMLSelectElement).value)}
              >
                <option value="low">low</option>
                <option value="medium">medium</option>
                <option value="high">high</option>
              </select>
            </>
          )}
          {(asking === 'approve' || asking === 'reject') && (
            <>
              <label for="merchant-note">Note</label>
              <textarea
                id="merchant-note"
                value={note}
                onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
              />
            </>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}

export function MerchantPage(props: { id: string }) {
  const base = `/v1/ops/merchants/${encodeURIComponent(props.id)}`;
  const [merchant, reload] = useResource<Merchant>(base);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section>
      <p>
        <Link to="merchants">← Back</Link>
      </p>
      <h1>Merchant {props.id}</h1>
      <Notice text={notice} />
      <Loaded resource={merchant} retry={reload} what="the merchant">
        {(m) => (
          <>
            <dl class="details">
              <dt>Name</dt>
              <dd>{m.name}</dd>
              <dt>Status</dt>
              <dd>
                <span class={`badge ${m.status}`}>{m.status}</span>
              </dd>
              <dt>Country</dt>
              <dd>{m.country ?? '—'}</dd>
              <dt>Website</dt>
              <dd>{m.website ?? '—'}</dd>
              <dt>Risk rating</dt>
              <dd>{m.riskRating ?? '—'}</dd>
            </dl>
            <MerchantActions
              merchant={m}
              onDone={(text) => {
                setNotice(text);
                reload();
              }}
            />
          </>
        )}
      </Loaded>
      <ApiKeys base={base} />
      <JsonSettings title="Limits" path={`${base}/limits`} />
      <JsonSettings title="Risk profile" path={`${base}/risk-profile`} />
      <JsonSettings title="Routing" path={`${base}/routing`} />
    </section>
  );
}
