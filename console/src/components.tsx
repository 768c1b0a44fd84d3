/** The console's building blocks: states of a load, links, pager, confirmation dialog, money, charts. */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from './api.js';
import type { Resource } from './hooks.js';
import { formatMoney } from './money.js';
import { hasNext, hasPrevious, next, type Pages, previous } from './pagination.js';
import { href, onLinkClick } from './router.js';

export function Link(props: { to: string; children: ComponentChildren; class?: string }) {
  return (
    <a href={href(props.to)} class={props.class} onClick={(e) => onLinkClick(e, props.to)}>
      {props.children}
    </a>
  );
}

export function Loading(props: { what?: string }) {
  return (
    <p class="state loading" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

export function ErrorState(props: { error: ApiError; retry?: () => void }) {
  const { error } = props;
  const hint =
    error.kind === 'not-found' && error.problem?.detail?.startsWith('No route matches')
      ? ' This API does not serve that route yet.'
      : error.kind === 'unauthorized'
        ? ' The ops key was refused: sign out and sign in again.'
        : '';
  return (
    <div class="state error" role="alert">
      <p>
        Could not load: {error.message}
        {hint}
      </p>
      {props.retry && (
        <button type="button" onClick={props.retry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="state empty">{props.children}</p>;
}

/** Renders a resource's loading and error states, and `children(data)` once it is loaded. */
export function Loaded<T>(props: {
  resource: Resource<T>;
  retry?: () => void;
  what?: string;
  children: (data: T) => ComponentChildren;
}) {
  const { resource } = props;
  if (resource.state === 'loading') return <Loading what={props.what} />;
  if (resource.state === 'error') return <ErrorState error={resource.error} retry={props.retry} />;
  return <>{props.children(resource.data)}</>;
}

export function Pager(props: { pages: Pages; setPages: (p: Pages) => void; label: string }) {
  const { pages, setPages } = props;
  if (!hasPrevious(pages) && !hasNext(pages)) return null;
  return (
    // A fieldset, not a second navigation landmark: the main navigation stays the page's only one.
    <fieldset class="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={!hasPrevious(pages)} onClick={() => setPages(previous(pages))}>
        Previous
      </button>
      <span>Page {pages.index + 1}</span>
      <button type="button" disabled={!hasNext(pages)} onClick={() => setPages(next(pages))}>
        Next
      </button>
    </fieldset>
  );
}

export function Money(props: { amount: number; currency: string }) {
  return <span class="money">{formatMoney(props.amount, props.currency)}</span>;
}

export function When(props: { at: string | null | undefined }) {
  if (!props.at) return <span>—</span>;
  return <time dateTime={props.at}>{props.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>;
}

/**
 * A confirmation of a consequential action (release, reject, resolve, redrive): a modal dialog with
 * `Confirm` and `Cancel`; `children` may hold fields (the `Note` of a resolution).
 */
export function ConfirmDialog(props: {
  title: string;
  children?: ComponentChildren;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  // Focus moves into the dialog once (its first field, else Confirm); Escape cancels, as a modal's does.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('input, textarea, select, button')?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose.current();
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
  const confirm = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await props.onConfirm();
      props.onClose();
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };
  return (
    <div class="backdrop">
      <div role="dialog" aria-modal="true" aria-labelledby="dialog-title" class="dialog">
        <h2 id="dialog-title">{props.title}</h2>
        <form ref={form} onSubmit={confirm}>
          {props.children}
          {error && (
            <p role="alert" class="state error">
              {error}
            </p>
          )}
          <div class="actions">
            <button type="submit" disabled={busy}>
              Confirm
            </button>
            <button type="button" class="secondary" onClick={props.onClose} disabled={busy}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}

/** A notice after an action, read out by screen readers. */
export function Notice(props: { text: string | null }) {
  return (
    <p role="status" class={props.text ? 'notice' : 'notice empty-notice'}>
      {props.text ?? ''}
    </p>
  );
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly text: string;
}

/** Horizontal bars, one per label, scaled to `max` (default: the largest value). */
export function BarChart(props: { title: string; bars: readonly Bar[]; max?: number }) {
  const max = props.max ?? Math.max(1, ...props.bars.map((b) => b.value));
  const row = 22;
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg
        role="img"
        aria-label={`${props.title}: ${props.bars.map((b) => `${b.label} ${b.text}`).join(', ')}`}
        viewBox={`0 0 320 ${props.bars.length * row + 4}`}
        width="320"
        height={props.bars.length * row + 4}
      >
        {props.bars.map((b, i) => (
          <g key={b.label} transform={`translate(0 ${i * row + 2})`}>
            <text x="0" y="14" class="chart-label">
              {b.label}
            </text>
            <rect x="80" y="3" height="14" width={Math.max(1, (b.value / max) * 180)} class="chart-bar" />
            <text x="266" y="14" class="chart-value">
              {b.text}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** A line over hourly points (oldest first), for one channel's last 24 hours. */
export function Sparkline(props: { label: string; points: readonly number[]; max?: number }) {
  const { points } = props;
  const max = props.max ?? Math.max(1, ...points);
  const w = 160;
  const h = 32;
  const step = points.length > 1 ? w / (points.length - 1) : w;
  const d = points
    .map(
      (p, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(1)} ${(h - (p / max) * (h - 2) - 1).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg role="img" aria-label={props.label} viewBox={`0 0 ${w} ${h}`} width={w} height={h} class="spark">
      <path d={d} class="spark-line" />
    </svg>
  );
}
