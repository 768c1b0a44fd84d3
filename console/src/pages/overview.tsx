/** Overview: the figures of the day, each channel's last 24 h, and the channels' last hour. */
import { Empty, Loaded, Sparkline } from '../components.js';
import { useResource } from '../hooks.js';
import { formatRate } from '../money.js';
import { figuresOf, seriesOf } from '../overview-model.js';
import type { Channel } from '../types.js';
import { ChannelCharts } from './channels.js';

function Figures(props: { overview: unknown }) {
  const figures = figuresOf(props.overview);
  const series = seriesOf(props.overview);
  return (
    <>
      {figures.length === 0 ? (
        <Empty>No figure yet.</Empty>
      ) : (
        <dl class="figures">
          {figures.map((f) => (
            <div key={f.label} class="figure">
              <dt>{f.label}</dt>
              <dd>{f.value.toLocaleString('en-US')}</dd>
            </div>
          ))}
        </dl>
      )}
      {series.length > 0 && (
        <table>
          <caption>Last 24 hours per channel</caption>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Volume</th>
              <th scope="col">Authorization rate</th>
            </tr>
          </thead>
          <tbody>
            {series.map((s) => {
              const { total, rate } = s;
              return (
                <tr key={s.channel}>
                  <th scope="row">{s.channel}</th>
                  <td>
                    <Sparkline label={`${s.channel} volume, last 24 hours: ${total}`} points={s.volume} />{' '}
                    {total}
                  </td>
                  <td>
                    <Sparkline
                      label={`${s.channel} authorization rate, last 24 hours`}
                      points={s.authorizationRate}
                      max={1}
                    />{' '}
                    {formatRate(rate)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}

export function Overview() {
  const [overview, reload] = useResource<unknown>('/v1/ops/overview');
  const [channels, reloadChannels] = useResource<{ data: Channel[] }>('/v1/ops/channels');
  return (
    <section>
      <h1>Overview</h1>
      <Loaded resource={overview} retry={reload} what="the overview">
        {(data) => <Figures overview={data} />}
      </Loaded>
      <h2>Channels, last hour</h2>
      <Loaded resource={channels} retry={reloadChannels} what="channels">
        {({ data }) => <ChannelCharts channels={data} />}
      </Loaded>
    </section>
  );
}
