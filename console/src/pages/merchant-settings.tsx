/** A merchant's API keys (issue, roll, revoke) and its settings documents (limits, risk profile, routing). */
import { useEffect, useState } from 'preact/hooks';
import { ConfirmDialog, Empty, Loaded, Notice, When } from '../components.js';
import { useApi, useResource } from '../hooks.js';
import type { ApiKey } from '../types.js';

export function ApiKeys(props: { base: string }) {
  const api = useApi();
  const [keys, reload] = useResource<{ data: ApiKey[] }>(`${props.base}/api-keys`);
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = async (work: () => Promise<{ secret?: string }>) => {
    try {
      const answer = await work();
      setSecret(answer.secret ?? null);
      reload();
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">API keys</h2>
      <Notice text={notice} />
      {secret && (
        <p class="secret">
          New secret, shown once: <code>{secret}</code>
        </p>
      )}
      <button type="button" onClick={() => act(() => api.post(`${props.base}/api-keys`, {}, true))}>
        Issue key
      </button>
      <Loaded resource={keys} retry={reload} what="keys">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No key.</Empty>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">Key</th>
                  <th scope="col">Last 4</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {data.map((k) => (
                  <tr key={k.id}>
                    <td>{k.id}</td>
                    <td>…{k.last4}</td>
                    <td>{k.status}</td>
                    <td>
                      <When at={k.expiresAt} />
                    </td>
                    <td class="actions">
                      {k.status !== 'revoked' && (
                        <>
                          <button
                            type="button"
                            class="secondary"
                            onClick={() => act(() => api.post(`${props.base}/api-keys/${k.id}/roll`, {}))}
                          >
                            Roll
                          </button>
                          <button type="button" class="danger" onClick={() => setRevoking(k.id)}>
                            Revoke
                          </button>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Loaded>
      {revoking && (
        <ConfirmDialog
          title={`Revoke ${revoking}?`}
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api.delete(`${props.base}/api-keys/${revoking}`);
            reload();
          }}
        >
          <p>The key stops working within seconds.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** A settings document shown as JSON; what GET answers is a valid PUT body, so it is edited in place. */
export function JsonSettings(props: { title: string; path: string }) {
  const api = useApi();
  const [doc, reload] = useResource<unknown>(props.path);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (doc.state === 'ready') setText(JSON.stringify(doc.data, null, 2));
  }, [doc]);
  const id = `settings-${props.title.toLowerCase().replace(/\s+/g, '-')}`;
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await api.put(props.path, JSON.parse(text));
      setNotice(`${props.title} saved.`);
      reload();
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{props.title}</h2>
      <Loaded resource={doc} retry={reload} what={props.title.toLowerCase()}>
        {() => (
          <form onSubmit={save} class="json-settings">
            <label for={id}>{props.title} (JSON)</label>
            <textarea
              id={id}
              rows={8}
              value={text}
              onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            />
            <button type="submit">Save {props.title.toLowerCase()}</button>
            <Notice text={notice} />
          </form>
        )}
      </Loaded>
    </section>
  );
}
