/** Review queue: payments whose risk assessment holds them, newest first, each to release or reject. */
import { useState } from 'preact/hooks';
import { Empty, Loaded, Notice, Pager } from '../components.js';
import { usePagedList } from '../hooks.js';
import type { Payment } from '../types.js';
import { PaymentsTable } from './payments.js';
import { ReviewActions } from './review-actions.js';

export function ReviewQueue() {
  const { resource, reload, pages, setPages } = usePagedList<Payment>('/v1/ops/payments?risk=review');
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section>
      <h1>Review queue</h1>
      <Notice text={notice} />
      <Loaded resource={resource} retry={reload} what="held payments">
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No payment is held in review.</Empty>
          ) : (
            <PaymentsTable
              payments={page.data}
              actions={(p) => (
                <ReviewActions
                  paymentId={p.id}
                  onDone={(decision) => {
                    setNotice(`${p.id} ${decision === 'release' ? 'released' : 'rejected'}.`);
                    reload();
                  }}
                />
              )}
            />
          )
        }
      </Loaded>
      <Pager pages={pages} setPages={setPages} label="Review queue" />
    </section>
  );
}
