import { useState } from 'preact/hooks';
import type { Decision, NetworkNode, Order } from '../api/types.ts';
import { Badge } from '../components/feedback.tsx';
import { arc, MAP_WIDTH, project, UsMap, viewBoxAround } from '../components/us-map.tsx';
import { fmt } from '../lib/format.ts';
import { nodeIndex } from '../lib/session-context.ts';

const SHOWN_ALTERNATIVES = 3;

/** One routing decision: the chosen plan against the alternatives, in a table and on the map. */
export function RoutingExplanation(props: { decisions: Decision[]; order: Order; nodes: NetworkNode[] }) {
  const { decisions, order } = props;
  const [index, setIndex] = useState(decisions.length - 1);
  if (decisions.length === 0) return <p class="muted">This order has not been routed.</p>;
  const d = decisions[Math.min(index, decisions.length - 1)] as Decision;
  const ex = d.explanation?.explanation;
  const shipments = d.plan?.shipments ?? [];
  const chosenNodes = shipments.map((s) => s.node);
  const alternatives = (ex?.alternatives ?? []).slice(0, SHOWN_ALTERNATIVES);
  const byId = nodeIndex(props.nodes);
  const dest = project(order.destination.lon, order.destination.lat);
  // Zoom to the destination, the chosen nodes and the alternatives drawn.
  const focus = [...chosenNodes, ...alternatives.flatMap((a) => a.nodes)]
    .map((id) => byId.get(id))
    .map((n) => (n ? project(n.lon, n.lat) : null))
    .concat([dest])
    .filter((p): p is [number, number] => p !== null);
  const viewBox = viewBoxAround(focus, 450);
  // Markers and labels keep their on-screen size whatever the zoom.
  const k = Number(viewBox.split(' ')[2]) / MAP_WIDTH;
  const unfilled = (d.plan?.unfilled ?? []).reduce((n, u) => n + u.quantity, 0);

  return (
    <div class="explanation" data-testid="explanation">
      {decisions.length > 1 ? (
        <fieldset class="segmented">
          <legend>Decision</legend>
          {decisions.map((x, i) => (
            <label key={x.id}>
              <input type="radio" name="decision" checked={i === index} onChange={() => setIndex(i)} />
              {i + 1}. {x.trigger} · {x.outcome}
            </label>
          ))}
        </fieldset>
      ) : null}
      <p class="lead">
        <Badge value={d.outcome} /> {d.trigger === 'capture' ? 'At capture' : `After ${d.trigger}`}, the{' '}
        {d.strategy} plan sends {shipments.length} package{shipments.length === 1 ? '' : 's'} from{' '}
        <strong>{chosenNodes.join(', ') || 'no node'}</strong> for {fmt.money(d.cost?.total ?? null)}
        {unfilled ? `, leaving ${unfilled} unit${unfilled === 1 ? '' : 's'} unfilled` : ''}. Policy{' '}
        {d.policy ? `${d.policy.id} v${d.policy.version}` : 'default'}
        {ex?.tier ? `, tier ${ex.tier.name}` : ''}
        {d.excludedNodes.length ? `; excluded: ${d.excludedNodes.join(', ')}` : ''}.
      </p>

      <div class="split">
        <UsMap
          viewBox={viewBox}
          label={`Routing of order ${order.externalId}: chosen nodes ${chosenNodes.join(', ')}; alternatives drawn dashed`}
          legend={
            <>
              <span class="key key-chosen">chosen</span> <span class="key key-alt">alternative</span>{' '}
              <span class="key key-candidate">candidate</span> <span class="key key-dest">destination</span>
            </>
          }
        >
          {(ex?.candidates ?? []).map((c) => {
            const n = byId.get(c.node);
            const p = n && project(n.lon, n.lat);
            return p ? <circle key={c.node} cx={p[0]} cy={p[1]} r={5 * k} class="pt-candidate" /> : null;
          })}
          {dest
            ? alternatives.flatMap((a, i) =>
                a.nodes.map((id) => {
                  const n = byId.get(id);
                  const p = n && project(n.lon, n.lat);
                  return p ? (
                    <g key={`alt-${i}-${id}`}>
                      <path d={arc(p, dest)} class="flow-alt" />
                      <text
                        x={p[0] + 6 * k}
                        y={p[1] + 4 * k}
                        class="map-label alt"
                        style={{ fontSize: `${16 * k}px` }}
                      >
                        {id}
                      </text>
                    </g>
                  ) : null;
                }),
              )
            : null}
          {shipments.map((s) => {
            const n = byId.get(s.node);
            const p = n && project(n.lon, n.lat);
            if (!p) return null;
            return (
              <g key={s.node}>
                {dest ? <path d={arc(p, dest)} class="flow-chosen" /> : null}
                <circle cx={p[0]} cy={p[1]} r={9 * k} class="pt-chosen" />
                <text
                  x={p[0] + 12 * k}
                  y={p[1] - 10 * k}
                  class="map-label"
                  style={{ fontSize: `${19 * k}px` }}
                >
                  {s.node}
                </text>
              </g>
            );
          })}
          {dest ? (
            <g>
              <rect x={dest[0] - 8 * k} y={dest[1] - 8 * k} width={16 * k} height={16 * k} class="pt-dest" />
              <text
                x={dest[0] + 9 * k}
                y={dest[1] + 24 * k}
                class="map-label"
                style={{ fontSize: `${19 * k}px` }}
              >
                {order.destination.label}
              </text>
            </g>
          ) : null}
        </UsMap>

        <div>
          <div class="table-wrap">
            <table class="data" data-testid="plans">
              <caption>Chosen plan against the alternatives</caption>
              <thead>
                <tr>
                  <th scope="col">Plan</th>
                  <th scope="col">Nodes</th>
                  <th scope="col">Cost</th>
                  <th scope="col">vs chosen</th>
                  <th scope="col">Unfilled</th>
                </tr>
              </thead>
              <tbody>
                <tr class="row-chosen">
                  <th scope="row">Chosen</th>
                  <td>{chosenNodes.join(' + ') || '—'}</td>
                  <td>{fmt.money(d.cost?.total ?? null)}</td>
                  <td>—</td>
                  <td>{unfilled}</td>
                </tr>
                {(ex?.alternatives ?? []).map((a, i) => (
                  <tr key={`${a.nodes.join('+')}-${i}`}>
                    <th scope="row">Alternative {i + 1}</th>
                    <td>{a.nodes.join(' + ')}</td>
                    <td>{fmt.money(a.cost)}</td>
                    <td>{fmt.signed(a.delta)}</td>
                    <td>{a.unfilledUnits}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.cost ? (
            <dl class="facts compact" aria-label="Cost of the chosen plan">
              {(['parcel', 'handling', 'time', 'penalty', 'co2e'] as const).map((k) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{fmt.money(d.cost?.[k] ?? 0)}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          {shipments.length ? (
            <ul class="plain">
              {shipments.map((s) => (
                <li key={s.node}>
                  <strong>{s.node}</strong>: {s.lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')} —{' '}
                  {fmt.miles(s.miles)}, {s.days} day{s.days === 1 ? '' : 's'}, {fmt.money(s.cost.total)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>

      <details>
        <summary>Candidate nodes ({ex?.candidates.length ?? 0})</summary>
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Units available</th>
                <th scope="col">Distance</th>
                <th scope="col">Days</th>
                <th scope="col">Package cost</th>
              </tr>
            </thead>
            <tbody>
              {[...(ex?.candidates ?? [])]
                .sort((a, b) => a.packageCost - b.packageCost)
                .map((c) => (
                  <tr key={c.node} class={chosenNodes.includes(c.node) ? 'row-chosen' : ''}>
                    <th scope="row">{c.node}</th>
                    <td>{c.unitsAvailable}</td>
                    <td>{fmt.miles(c.miles)}</td>
                    <td>{c.days}</td>
                    <td>{fmt.money(c.packageCost)}</td>
                  </tr>
                ))}
            </tbody>
          </table>
        </div>
      </details>
      <details>
        <summary>Nodes ruled out ({ex?.eliminated.length ?? 0})</summary>
        <ul class="plain">
          {Object.entries(groupBy(ex?.eliminated ?? [], (e) => e.reason)).map(([reason, list]) => (
            <li key={reason}>
              <strong>{reason}</strong>: {list.map((e) => e.node).join(', ')}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

function groupBy<T>(items: T[], key: (t: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = [...(out[k] ?? []), item];
  }
  return out;
}
