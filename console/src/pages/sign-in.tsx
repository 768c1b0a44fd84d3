/** Sign-in: an ops key, checked against an ops route before it is kept for the session. */
import { useState } from 'preact/hooks';
import { OpsApi } from '../api.js';

export function SignIn(props: { onSignedIn: (key: string) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Any ops route tells a valid ops key from a merchant key (403) or an unknown one (401).
      await new OpsApi(key.trim(), (input, init) => fetch(input, init)).get('/v1/ops/channels');
      props.onSignedIn(key.trim());
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>Payments ops console</h1>
      <form onSubmit={submit}>
        <label for="ops-key">Ops key</label>
        <input
          id="ops-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p role="alert" class="state error">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <p class="hint">The key is kept in this tab only, until it closes.</p>
      </form>
    </main>
  );
}
