/** Channels: breaker state, last hour's health and fees of every channel. */
import { BarChart, Empty, Loaded } from '../components.js';
import { useResource } from '../hooks.js';
import { formatRate } from '../money.js';
import type { Channel } from '../types.js';

/** The first `shown` items, and how many more (a channel may take every currency there is). */
export function summarize(items: readonly string[], shown = 4): string {
  if (items.length <= shown) return items.join(', ');
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} more`;
}

function fees(channel: Channel): string {
  return summarize(
    Object.entries(channel.fees).map(
      ([currency, f]) => `${currency} ${(f.percentBps / 100).toFixed(2)}% + ${f.fixed}`,
    ),
    3,
  );
}

export function ChannelCharts(props: { channels: readonly Channel[] }) {
  const { channels } = props;
  return (
    <div class="charts">
      <BarChart
        title="Attempts, last hour"
        bars={channels.map((c) => ({
          label: c.id,
          value: c.health.attempts,
          text: String(c.health.attempts),
        }))}
      />
      <BarChart
        title="Authorization rate, last hour"
        max={1}
        bars={channels.map((c) => ({
          label: c.id,
          value: c.health.authorizationRate ?? 0,
          text: formatRate(c.health.authorizationRate),
        }))}
      />
    </div>
  );
}

export function Channels() {
  const [channels, reload] = useResource<{ data: Channel[] }>('/v1/ops/channels');
  return (
    <section>
      <h1>Channels</h1>
      <Loaded resource={channels} retry={reload} what="channels">
        {({ data }) =>
          data.length === 0 ? (
            <Empty>No channel.</Empty>
          ) : (
            <>
              <table>
                <thead>
                  <tr>
                    <th scope="col">Channel</th>
                    <th scope="col">Breaker</th>
                    <th scope="col">Recent failures</th>
                    <th scope="col">Attempts (1 h)</th>
                    <th scope="col">Authorization rate</th>
                    <th scope="col">Unavailable</th>
                    <th scope="col">Currencies</th>
                    <th scope="col">Fees</th>
                  </tr>
                </thead>
                <tbody>
                  {data.map((c) => (
                    <tr key={c.id}>
                      <th scope="row">{c.id}</th>
                      <td>
                        <span class={`badge breaker-${c.breaker.state}`}>{c.breaker.state}</span>
                      </td>
                      <td>{c.breaker.recentFailures ?? 0}</td>
                      <td>{c.health.attempts}</td>
                      <td>{formatRate(c.health.authorizationRate)}</td>
                      <td>{c.health.unavailable}</td>
                      <td title={c.currencies.join(', ')}>{summarize(c.currencies, 6)}</td>
                      <td title={Object.keys(c.fees).join(', ')}>{fees(c)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <ChannelCharts channels={data} />
            </>
          )
        }
      </Loaded>
    </section>
  );
}
