/** Dead letters: every dead-letter queue's depth, a peek at its messages, and a redrive to its sources. */
import { useState } from 'preact/hooks';
import { ConfirmDialog, Empty, Loaded, Notice, When } from '../components.js';
import { useApi, useResource } from '../hooks.js';
import type { DeadLetterMessage, DeadLetterQueue } from '../types.js';

function Messages(props: { queue: string }) {
  const [messages, reload] = useResource<{ data: DeadLetterMessage[] }>(
    `/v1/ops/dead-letter-queues/${encodeURIComponent(props.queue)}/messages?limit=10`,
  );
  return (
    <section aria-labelledby="peek-title">
      <h2 id="peek-title">Messages of {props.queue}</h2>
      <Loaded resource={messages} retry={reload} what="messages">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No message visible in {props.queue}.</Empty>
          ) : (
            <ul class="messages">
              {data.map((m) => (
                <li key={m.messageId}>
                  <p>
                    <strong>{m.messageId}</strong> received {m.receiveCount} times, sent{' '}
                    <When at={m.sentAt} />
                  </p>
                  <pre>{typeof m.body === 'string' ? m.body : JSON.stringify(m.body, null, 2)}</pre>
                </li>
              ))}
            </ul>
          )
        }
      </Loaded>
    </section>
  );
}

export function DeadLetters() {
  const api = useApi();
  const [queues, reload] = useResource<{ data: DeadLetterQueue[] }>('/v1/ops/dead-letter-queues');
  const [peeked, setPeeked] = useState<string | null>(null);
  const [redriving, setRedriving] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section>
      <h1>Dead letters</h1>
      <Notice text={notice} />
      <Loaded resource={queues} retry={reload} what="dead-letter queues">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No dead-letter queue.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Queue</th>
                  <th scope="col">Messages</th>
                  <th scope="col">In flight</th>
                  <th scope="col">Sources</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.map((q) => (
                  <tr key={q.name}>
                    <th scope="row">{q.name}</th>
                    <td>{q.approximateMessages}</td>
                    <td>{q.approximateMessagesNotVisible}</td>
                    <td>{q.sourceQueues.join(', ') || '—'}</td>
                    <td class="actions">
                      <button type="button" class="secondary" onClick={() => setPeeked(q.name)}>
                        Peek
                      </button>
                      {q.redrivable && (
                        <button
                          type="button"
                          onClick={() => setRedriving(q.name)}
                          disabled={q.approximateMessages === 0}
                        >
                          Redrive
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {peeked && <Messages key={peeked} queue={peeked} />}
      {redriving && (
        <ConfirmDialog
          title={`Redrive ${redriving}?`}
          onClose={() => setRedriving(null)}
          onConfirm={async () => {
            await api.post(`/v1/ops/dead-letter-queues/${encodeURIComponent(redriving)}/redrive`, {});
            setNotice(`Redrive of ${redriving} started.`);
            reload();
          }}
        >
          <p>Its messages go back to the queues they came from, to be processed again.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
