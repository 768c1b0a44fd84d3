/** Release / Reject of a payment held in review, each confirmed in a dialog. */
import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../components.js';
import { useApi } from '../hooks.js';

type Decision = 'release' | 'reject';

export function ReviewActions(props: { paymentId: string; onDone: (decision: Decision) => void }) {
  const api = useApi();
  const [asking, setAsking] = useState<Decision | null>(null);
  return (
    <>
      <button type="button" onClick={() => setAsking('release')}>
        Release
      </button>
      <button type="button" class="danger" onClick={() => setAsking('reject')}>
        Reject
      </button>
      {asking && (
        <ConfirmDialog
          title={`${asking === 'release' ? 'Release' : 'Reject'} ${props.paymentId}?`}
          onClose={() => setAsking(null)}
          onConfirm={async () => {
            await api.post(`/v1/ops/payments/${encodeURIComponent(props.paymentId)}/review`, {
              decision: asking,
            });
            props.onDone(asking);
          }}
        >
          <p>
            {asking === 'release'
              ? 'The payment goes on to its channel.'
              : 'The payment is canceled if still processing, refunded in full if it succeeded.'}
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
