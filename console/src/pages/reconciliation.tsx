/**
 * Reconciliation: runs newest first, the open discrepancies of the runs shown (each to resolve with a
 * note), a run started or looked up by id, and a statement upload.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ConfirmDialog, Empty, ErrorState, Loaded, Loading, Notice, Pager } from '../components.js';
import { asApiError, type ListPage, useApi, usePagedList } from '../hooks.js';
import type { Discrepancy, ReconciliationRun } from '../types.js';
import { StartRun, StatementUpload } from './reconciliation-forms.js';

interface Finding extends Discrepancy {
  readonly run: ReconciliationRun;
}

function useOpenDiscrepancies(runs: readonly ReconciliationRun[] | null, generation: number) {
  const api = useApi();
  const [state, setState] = useState<{ findings?: Finding[]; error?: ApiError }>({});
  const ids = runs?.map((r) => r.id).join(',') ?? '';
  useEffect(() => {
    if (!runs) return;
    let current = true;
    setState({});
    Promise.all(
      runs.map(async (run) => {
        const page = await api.get<ListPage<Discrepancy>>(
          `/v1/ops/reconciliation/runs/${encodeURIComponent(run.id)}/discrepancies?limit=100`,
        );
        return page.data.filter((d) => d.status === 'open').map((d) => ({ ...d, run }));
      }),
    ).then(
      (lists) => current && setState({ findings: lists.flat() }),
      (error) => current && setState({ error: asApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, ids, generation]);
  return state;
}

function Resolve(props: { finding: Finding; onDone: () => void }) {
  const api = useApi();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Resolve
      </button>
      {open && (
        <ConfirmDialog
          title={`Resolve ${props.finding.kind.replace('_', ' ')} ${props.finding.reference ?? props.finding.channelReference ?? ''}`}
          onClose={() => setOpen(false)}
          onConfirm={async () => {
            await api.post(
              `/v1/ops/reconciliation/discrepancies/${encodeURIComponent(props.finding.id)}/resolve`,
              {
                note,
              },
            );
            props.onDone();
          }}
        >
          <label for="resolve-note">Note</label>
          <textarea
            id="resolve-note"
            required
            value={note}
            onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
          />
        </ConfirmDialog>
      )}
    </>
  );
}

function OpenDiscrepancies(props: { runs: readonly ReconciliationRun[] | null }) {
  const [generation, setGeneration] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const { findings, error } = useOpenDiscrepancies(props.runs, generation);
  return (
    <section aria-labelledby="open-title">
      <h2 id="open-title">Open discrepancies</h2>
      <Notice text={notice} />
      {error ? (
        <ErrorState error={error} retry={() => setGeneration((g) => g + 1)} />
      ) : !findings ? (
        props.runs ? (
          <Loading what="discrepancies" />
        ) : (
          <Empty>No run to look at.</Empty>
        )
      ) : findings.length === 0 ? (
        <Empty>No open discrepancy in the runs shown.</Empty>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Reference</th>
              <th scope="col">Channel reference</th>
              <th scope="col">Fields</th>
              <th scope="col">Run</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {findings.map((f) => (
              <tr key={f.id}>
                <td>{f.kind}</td>
                <td>{f.reference ?? '—'}</td>
                <td>{f.channelReference ?? '—'}</td>
                <td>{f.fields?.join(', ') || '—'}</td>
                <td>
                  {f.run.channel} {f.run.date}
                </td>
                <td>
                  <Resolve
                    finding={f}
                    onDone={() => {
                      setNotice(`Discrepancy ${f.id} resolved.`);
                      setGeneration((g) => g + 1);
                    }}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RunsTable(props: { runs: readonly ReconciliationRun[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Run</th>
          <th scope="col">Channel</th>
          <th scope="col">Date</th>
          <th scope="col">Status</th>
          <th scope="col">Matched</th>
          <th scope="col">Findings</th>
          <th scope="col">Repaired</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => {
          const c = r.counts ?? {};
          const findings =
            (c.localMissing ?? 0) + (c.channelMissing ?? 0) + (c.mismatched ?? 0) + (c.duplicates ?? 0);
          return (
            <tr key={r.id}>
              <td>{r.id}</td>
              <td>{r.channel}</td>
              <td>{r.date}</td>
              <td>{r.status}</td>
              <td>{c.matched ?? '—'}</td>
              <td>{findings}</td>
              <td>{r.repaired ?? 0}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function Reconciliation() {
  const [started, setStarted] = useState<ReconciliationRun[]>([]);
  const { resource, reload, pages, setPages } = usePagedList<ReconciliationRun>(
    '/v1/ops/reconciliation/runs',
  );
  const listed = resource.state === 'ready' ? resource.data.data : [];
  const runs = [...started.filter((s) => !listed.some((r) => r.id === s.id)), ...listed];
  const settled = resource.state !== 'loading';
  return (
    <section>
      <h1>Reconciliation</h1>
      <OpenDiscrepancies runs={settled ? runs : null} />
      <h2>Runs</h2>
      <Loaded resource={resource} retry={reload} what="runs">
        {(page) => (page.data.length === 0 ? <Empty>No run yet.</Empty> : <RunsTable runs={page.data} />)}
      </Loaded>
      <Pager pages={pages} setPages={setPages} label="Runs" />
      {started.length > 0 && resource.state === 'error' && <RunsTable runs={started} />}
      <StartRun
        onRun={(run) => {
          setStarted((s) => [run, ...s.filter((r) => r.id !== run.id)]);
          reload();
        }}
      />
      <StatementUpload />
    </section>
  );
}
