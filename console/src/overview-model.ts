/**
 * The overview's figures and per-channel series, from `GET /v1/ops/overview` (shared/schemas/ops.ts
 * `overviewSchema`): the open work as figures, and each channel's last 24 clock hours as volume and
 * authorization-rate lines beside its 24 h totals. Tolerant of missing parts (an older API): what is absent
 * is left out, never shown as 0.
 */

export interface Figure {
  readonly label: string;
  readonly value: number;
}

export interface ChannelSeries {
  readonly channel: string;
  /** Payments with an outcome per hour, oldest first. */
  readonly volume: number[];
  /** Authorization rate per hour in [0, 1], oldest first; 0 for an hour without outcomes. */
  readonly authorizationRate: number[];
  /** The 24 hours' payments with an outcome. */
  readonly total: number;
  /** The 24 hours' authorization rate; `null` without outcomes. */
  readonly rate: number | null;
}

interface OverviewHour {
  readonly succeeded?: number;
  readonly failed?: number;
}

interface OverviewChannel {
  readonly channel?: string;
  readonly volume?: number;
  readonly authorizationRate?: number | null;
  readonly hours?: OverviewHour[];
}

interface OverviewAnswer {
  readonly channels?: OverviewChannel[];
  readonly openReviews?: number;
  readonly openDiscrepancies?: { readonly count?: number; readonly days?: number };
  readonly deadLetters?: { readonly total?: number };
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const asAnswer = (v: unknown): OverviewAnswer =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as OverviewAnswer) : {};

export function figuresOf(overview: unknown): Figure[] {
  const o = asAnswer(overview);
  const figures: Figure[] = [];
  if (num(o.openReviews)) figures.push({ label: 'Open reviews', value: o.openReviews });
  const open = o.openDiscrepancies;
  if (num(open?.count)) {
    const window = num(open.days) ? ` (runs of the last ${open.days} days)` : '';
    figures.push({ label: `Open discrepancies${window}`, value: open.count });
  }
  if (num(o.deadLetters?.total)) figures.push({ label: 'Dead letters', value: o.deadLetters.total });
  return figures;
}

export function seriesOf(overview: unknown): ChannelSeries[] {
  const channels = asAnswer(overview).channels;
  if (!Array.isArray(channels)) return [];
  return channels
    .filter((c) => typeof c?.channel === 'string' && Array.isArray(c.hours))
    .map((c) => {
      const hours = c.hours ?? [];
      const volume = hours.map((h) => (num(h.succeeded) ? h.succeeded : 0) + (num(h.failed) ? h.failed : 0));
      const authorizationRate = hours.map((h, i) =>
        volume[i] ? (num(h.succeeded) ? h.succeeded : 0) / (volume[i] as number) : 0,
      );
      const total = num(c.volume) ? c.volume : volume.reduce((a, b) => a + b, 0);
      const rate = num(c.authorizationRate) ? c.authorizationRate : null;
      return { channel: c.channel as string, volume, authorizationRate, total, rate };
    });
}
