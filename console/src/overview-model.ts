/**
 * The overview's figures and per-channel series, read tolerantly from `GET /v1/ops/overview`: any numeric
 * field becomes a figure (nested one level: `payments.succeeded` → "Payments succeeded"), and a channel's
 * hourly points (`hourly`, `series` or `hours`) become its 24 h volume and authorization-rate lines.
 */

export interface Figure {
  readonly label: string;
  readonly value: number;
}

export interface ChannelSeries {
  readonly channel: string;
  /** Payments per hour, oldest first. */
  readonly volume: number[];
  /** Authorization rate per hour in [0, 1], oldest first; 0 for an hour without outcomes. */
  readonly authorizationRate: number[];
}

/** `openReviews` → `Open reviews`, `dead_letters` → `Dead letters`. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export function figuresOf(overview: unknown): Figure[] {
  if (!isRecord(overview)) return [];
  const figures: Figure[] = [];
  for (const [name, value] of Object.entries(overview)) {
    if (num(value) !== undefined) figures.push({ label: humanize(name), value: value as number });
    else if (isRecord(value))
      for (const [inner, v] of Object.entries(value))
        if (num(v) !== undefined) figures.push({ label: humanize(`${name} ${inner}`), value: v as number });
  }
  return figures;
}

function pointOf(p: unknown): { volume: number; rate: number } {
  if (!isRecord(p)) return { volume: 0, rate: 0 };
  const succeeded = num(p.succeeded) ?? 0;
  const failed = num(p.failed) ?? 0;
  const volume = num(p.attempts) ?? num(p.payments) ?? num(p.count) ?? num(p.volume) ?? succeeded + failed;
  const rate = num(p.authorizationRate) ?? (succeeded + failed > 0 ? succeeded / (succeeded + failed) : 0);
  return { volume, rate };
}

export function seriesOf(overview: unknown): ChannelSeries[] {
  if (!isRecord(overview)) return [];
  const channels = overview.channels;
  const entries: [string, unknown][] = Array.isArray(channels)
    ? channels.filter(isRecord).map((c) => [String(c.channel ?? c.id ?? '?'), c])
    : isRecord(channels)
      ? Object.entries(channels)
      : [];
  const series: ChannelSeries[] = [];
  for (const [channel, c] of entries) {
    if (!isRecord(c)) continue;
    const points = [c.hourly, c.series, c.hours].find(Array.isArray) as unknown[] | undefined;
    if (!points) continue;
    const parsed = points.map(pointOf);
    series.push({
      channel,
      volume: parsed.map((p) => p.volume),
      authorizationRate: parsed.map((p) => p.rate),
    });
  }
  return series;
}
