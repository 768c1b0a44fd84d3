/** Reconciliation forms: start a run for a channel-day, look one up by id, upload a channel's statement. */
import { useState } from 'preact/hooks';
import { Notice } from '../components.js';
import { useApi } from '../hooks.js';
import type { ReconciliationRun } from '../types.js';

export const CHANNELS = ['sandbox', 'stripe', 'alipay', 'wechatpay'];

/** Today's UTC date, `YYYY-MM-DD`. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function ChannelSelect(props: { id: string; value: string; onChange: (v: string) => void }) {
  return (
    <select
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
    >
      {CHANNELS.map((c) => (
        <option key={c} value={c}>
          {c}
        </option>
      ))}
    </select>
  );
}

export function StartRun(props: { onRun: (run: ReconciliationRun) => void }) {
  const api = useApi();
  const [channel, setChannel] = useState('sandbox');
  const [date, setDate] = useState(today);
  const [runId, setRunId] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const show = async (id: string) => {
    props.onRun(await api.get<ReconciliationRun>(`/v1/ops/reconciliation/runs/${encodeURIComponent(id)}`));
  };
  const start = async (event: Event) => {
    event.preventDefault();
    try {
      const run = await api.post<{ id: string }>('/v1/ops/reconciliation/runs', { channel, date }, true);
      setNotice(`Run ${run.id} started.`);
      await show(run.id);
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  const lookUp = async (event: Event) => {
    event.preventDefault();
    try {
      await show(runId.trim());
      setNotice(null);
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <div class="forms">
      <form class="filters" onSubmit={start} aria-label="Start a reconciliation run">
        <label for="run-channel">Channel</label>
        <ChannelSelect id="run-channel" value={channel} onChange={setChannel} />
        <label for="run-date">Date</label>
        <input
          id="run-date"
          type="date"
          required
          value={date}
          onInput={(e) => setDate((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Start run</button>
      </form>
      <form class="filters" onSubmit={lookUp} aria-label="Look up a reconciliation run">
        <label for="run-id">Run id</label>
        <input
          id="run-id"
          required
          value={runId}
          onInput={(e) => setRunId((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show run</button>
      </form>
      <Notice text={notice} />
    </div>
  );
}

export function StatementUpload() {
  const api = useApi();
  const [channel, setChannel] = useState('sandbox');
  const [date, setDate] = useState(today);
  const [file, setFile] = useState<File | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const upload = async (event: Event) => {
    event.preventDefault();
    if (!file) return;
    try {
      const query = new URLSearchParams({ channel, date });
      await api.request('POST', `/v1/ops/reconciliation/statements?${query}`, {
        raw: { text: await file.text(), contentType: 'text/csv' },
      });
      setNotice(`Statement of ${channel} for ${date} uploaded.`);
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <form class="filters" onSubmit={upload} aria-label="Upload a statement">
      <h2>Statement upload</h2>
      <label for="statement-channel">Channel</label>
      <ChannelSelect id="statement-channel" value={channel} onChange={setChannel} />
      <label for="statement-date">Date</label>
      <input
        id="statement-date"
        type="date"
        required
        value={date}
        onInput={(e) => setDate((e.target as HTMLInputElement).value)}
      />
      <label for="statement-file">Statement (CSV)</label>
      <input
        id="statement-file"
        type="file"
        accept=".csv,text/csv"
        required
        onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)}
      />
      <button type="submit">Upload</button>
      <Notice text={notice} />
    </form>
  );
}
