/** One payment, any merchant's: its figures, risk, routing decision, review and the timeline of its events. */
import { useState } from 'preact/hooks';
import { Empty, Link, Loaded, Money, Notice, When } from '../components.js';
import { useResource } from '../hooks.js';
import { detailTypeOf, type Payment, type PaymentEvent } from '../types.js';
import { ReviewActions } from './review-actions.js';

function Events(props: { id: string }) {
  const [events, reload] = useResource<{ data: PaymentEvent[] }>(
    `/v1/ops/payments/${encodeURIComponent(props.id)}/events`,
  );
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <Loaded resource={events} retry={reload} what="events">
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No event yet.</Empty>
          ) : (
            <ol class="timeline" aria-label="Events">
              {page.data.map((e, i) => (
                <li key={e.eventId ?? e.id ?? i}>
                  <strong>{detailTypeOf(e)}</strong> <When at={e.occurredAt ?? e.createdAt} />
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
    </section>
  );
}

function Details(props: { p: Payment; reload: () => void }) {
  const { p } = props;
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <dl class="details">
        <dt>ID</dt>
        <dd>{p.id}</dd>
        <dt>Status</dt>
        <dd>
          <span class={`badge ${p.status}`}>{p.status}</span>
          {p.failureCode ? ` (${p.failureCode})` : ''}
        </dd>
        <dt>Amount</dt>
        <dd>
          <Money amount={p.amount} currency={p.currency} />
          {p.amountRefunded ? (
            <>
              {' '}
              (refunded <Money amount={p.amountRefunded} currency={p.currency} />)
            </>
          ) : null}
        </dd>
        <dt>Channel</dt>
        <dd>{p.channel ?? '—'}</dd>
        <dt>Risk decision</dt>
        <dd>{p.risk ? `${p.risk.decision} (score ${p.risk.score})` : 'not assessed yet'}</dd>
        <dt>Review</dt>
        <dd>{p.reviewStatus ?? 'never reviewed'}</dd>
        <dt>Merchant</dt>
        <dd>
          <Link to={`merchants/${encodeURIComponent(p.merchantId)}`}>{p.merchantId}</Link>
        </dd>
        <dt>Routing</dt>
        <dd>
          {p.routing
            ? `${p.routing.strategy ?? '?'}, rule ${p.routing.rule ?? 'default'}, ${p.routing.attempts?.length ?? 0} attempt(s)${p.routing.reason ? `: ${p.routing.reason}` : ''}`
            : '—'}
        </dd>
        <dt>Created</dt>
        <dd>
          <When at={p.createdAt} />
        </dd>
      </dl>
      {p.risk?.reasons && p.risk.reasons.length > 0 && <p>Risk reasons: {p.risk.reasons.join(', ')}</p>}
      {p.reviewStatus === 'held' && (
        <div class="actions">
          <ReviewActions
            paymentId={p.id}
            onDone={(d) => {
              setNotice(`${p.id} ${d === 'release' ? 'released' : 'rejected'}.`);
              props.reload();
            }}
          />
        </div>
      )}
      <Notice text={notice} />
    </>
  );
}

export function PaymentPage(props: { id: string }) {
  const [payment, reload] = useResource<Payment>(`/v1/ops/payments/${encodeURIComponent(props.id)}`);
  return (
    <section>
      <p>
        <Link to="payments">← Back</Link>
      </p>
      {/* The id shows once, in the details, so that a search of the page for it finds one place. */}
      <h1>Payment</h1>
      <Loaded resource={payment} retry={reload} what="the payment">
        {(p) => <Details p={p} reload={reload} />}
      </Loaded>
      <Events id={props.id} />
    </section>
  );
}
