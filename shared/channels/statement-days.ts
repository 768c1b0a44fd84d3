/**
 * Which of a channel's statements hold a UTC day, and when they are ready: facts of each vendor, not of
 * its credentials, so a run knows them without building an adapter.
 *
 * The contract's statement date is a UTC day. The sandbox and Stripe (a report run asked for `Etc/UTC`)
 * give exactly that day. Alipay and WeChat Pay bill by Beijing day (00:00–24:00 +08:00, i.e. 16:00 UTC the
 * day before to 16:00 UTC): UTC day D is the last 16 hours of Beijing day D and the first 8 of Beijing day
 * D+1, so a run reads both bills and keeps D's rows of each.
 *
 * Readiness, which the daily schedule waits for (functions/events/reconcile-run.ts):
 * - sandbox: the PSP's CSV is complete once the day is over: yesterday's run, the next day.
 * - Stripe: "Stripe prepares data for your reports twice a day" (docs.stripe.com/reports/v1-api, "Data
 *   availability"); a report run past the report type's `data_available_end` is refused, so the day is
 *   reconciled two days later.
 * - Alipay, WeChat Pay: a Beijing day's bill is ready the next morning, from 10:00 Beijing time (02:00
 *   UTC; WeChat Pay's API reference for `tradebill`, Alipay's for `bill.downloadurl.query`), so Beijing
 *   day D+1's is ready at 02:00 UTC on D+2: UTC day D is reconciled two days later too.
 */
import type { Channel } from '../schemas/channels.js';

interface StatementDays {
  /** The offset from UTC of the vendor's statement day, in hours. */
  readonly zoneHours: number;
  /** How many days after a UTC day the daily schedule reconciles it. */
  readonly lagDays: number;
}

export const STATEMENT_DAYS: Readonly<Record<Channel, StatementDays>> = {
  sandbox: { zoneHours: 0, lagDays: 1 },
  stripe: { zoneHours: 0, lagDays: 2 },
  alipay: { zoneHours: 8, lagDays: 2 },
  wechatpay: { zoneHours: 8, lagDays: 2 },
};

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The vendor's statement days whose rows together cover the UTC day `date` (`yyyy-mm-dd`), in order:
 * `[date]` for a channel whose statement day is the UTC day, else the vendor days it overlaps.
 */
export function statementDaysOf(channel: Channel, date: string): readonly string[] {
  const { zoneHours } = STATEMENT_DAYS[channel];
  if (zoneHours === 0) return [date];
  const start = Date.parse(`${date}T00:00:00Z`);
  // The vendor's days of the UTC day's first and last instants, as wall clocks in the vendor's zone.
  const first = dayOf(start + zoneHours * 3_600_000);
  const last = dayOf(start + DAY_MS - 1 + zoneHours * 3_600_000);
  return first === last ? [first] : [first, last];
}

/** The UTC day the daily schedule reconciles for `channel` when it fires at `firedAt`. */
export function scheduledDayOf(channel: Channel, firedAt: Date): string {
  return dayOf(firedAt.getTime() - STATEMENT_DAYS[channel].lagDays * DAY_MS);
}
