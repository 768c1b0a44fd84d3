/** Settlements: runs newest first, start one for a day, look one up, the runs shown as CSV. */
import { useMemo, useState } from 'preact/hooks';
import { Empty, Loaded, Notice, Pager, When } from '../components.js';
import { runsCsv } from '../csv.js';
import { useApi, usePagedList } from '../hooks.js';
import type { SettlementRun } from '../types.js';
import { today } from './reconciliation-forms.js';

function RunsTable(props: { runs: readonly SettlementRun[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Date</th>
          <th scope="col">Status</th>
          <th scope="col">Settlements</th>
          <th scope="col">Started</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => (
          <tr key={r.id}>
            <td>{r.id}</td>
            <td>{r.date}</td>
            <td>{r.status}</td>
            <td>{r.settlements ?? '—'}</td>
            <td>
              <When at={r.startedAt ?? r.createdAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CsvLink(props: { runs: readonly SettlementRun[] }) {
  const url = useMemo(
    () => URL.createObjectURL(new Blob([runsCsv(props.runs)], { type: 'text/csv' })),
    [props.runs],
  );
  return (
    <a href={url} download="settlement-runs.csv" class="button">
      Download CSV
    </a>
  );
}

export function Settlements() {
  const api = useApi();
  const { resource, reload, pages, setPages } = usePagedList<SettlementRun>('/v1/ops/settlements/runs');
  const [date, setDate] = useState(today);
  const [runId, setRunId] = useState('');
  const [shown, setShown] = useState<SettlementRun[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const show = async (id: string) => {
    const run = await api.get<SettlementRun>(`/v1/ops/settlements/runs/${encodeURIComponent(id)}`);
    setShown((s) => [run, ...s.filter((r) => r.id !== run.id)]);
  };
  const start = async (event: Event) => {
    event.preventDefault();
    try {
      const run = await api.post<{ id: string }>('/v1/ops/settlements/runs', { date }, true);
      setNotice(`Settlement run ${run.id} started.`);
      await show(run.id);
      reload();
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  const lookUp = async (event: Event) => {
    event.preventDefault();
    try {
      await show(runId.trim());
    } catch (e) {
      setNotice((e as Error).message);
    }
  };
  return (
    <section>
      <h1>Settlements</h1>
      <form class="filters" onSubmit={start} aria-label="Start a settlement run">
        <label for="settle-date">Date</label>
        <input
          id="settle-date"
          type="date"
          required
          value={date}
          onInput={(e) => setDate((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Start run</button>
      </form>
      <form class="filters" onSubmit={lookUp} aria-label="Look up a settlement run">
        <label for="settle-run-id">Run id</label>
        <input
          id="settle-run-id"
          required
          value={runId}
          onInput={(e) => setRunId((e.target as HTMLInputElement).value)}
        />
        <button type="submit">Show run</button>
      </form>
      <Notice text={notice} />
      {shown.length > 0 && <RunsTable runs={shown} />}
      <h2>Runs</h2>
      <Loaded resource={resource} retry={reload} what="settlement runs">
        {(page) =>
          page.data.length === 0 ? (
            <Empty>No settlement run yet.</Empty>
          ) : (
            <>
              <RunsTable runs={page.data} />
              <CsvLink runs={page.data} />
            </>
          )
        }
      </Loaded>
      <Pager pages={pages} setPages={setPages} label="Settlement runs" />
    </section>
  );
}
