import { useState } from 'preact/hooks';
import { allPages } from '../api/client.ts';
import type { NetworkNode, Position } from '../api/types.ts';
import { Badge, ErrorNote, Loading } from '../components/feedback.tsx';
import { Link } from '../components/link.tsx';
import { arc, project, UsMap } from '../components/us-map.tsx';
import { loadActivityEvents, loadRecentOrders, todaysLoad } from '../lib/activity.ts';
import { dayOf, fmt } from '../lib/format.ts';
import { nodeIndex, useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';

interface NodeStock {
  onHand: number;
  atp: number;
}

const LIVE = [
  'released',
  'accepted',
  'picking',
  'packed',
  'shipped',
  'delivered',
  'ready-for-pickup',
  'picked-up',
];

function loadTone(ratio: number | null): string {
  if (ratio === null) return 'load-none';
  if (ratio >= 0.9) return 'load-high';
  if (ratio >= 0.5) return 'load-mid';
  return 'load-low';
}

export function NetworkMapView() {
  const { nodes } = useSession();
  const [showFlows, setShowFlows] = useState(true);
  const stock = useAsync(async () => {
    const rows = await allPages<Position>('/v1/inventory/positions', { limit: 10_000 }, 200_000);
    const byNode = new Map<string, NodeStock>();
    for (const r of rows) {
      const s = byNode.get(r.nodeId) ?? { onHand: 0, atp: 0 };
      s.onHand += r.onHand;
      s.atp += r.atp;
      byNode.set(r.nodeId, s);
    }
    return byNode;
  }, []);
  const load = useAsync(async () => todaysLoad(await loadActivityEvents()), []);
  const flows = useAsync(async () => {
    const today = dayOf(new Date());
    const orders = (await loadRecentOrders(200)).filter((o) => dayOf(o.createdAt) === today);
    return orders.flatMap((o) =>
      o.fulfilmentOrders
        .filter((f) => LIVE.includes(f.status) && o.fulfilment === 'ship')
        .map((f) => ({ id: f.id, node: f.nodeId, lat: o.destination.lat, lon: o.destination.lon })),
    );
  }, []);

  const byId = nodeIndex(nodes);
  const maxStock = Math.max(1, ...[...(stock.data?.values() ?? [])].map((s) => s.onHand));
  const radius = (n: NetworkNode) => 3 + 14 * Math.sqrt((stock.data?.get(n.id)?.onHand ?? 0) / maxStock);
  const ratio = (n: NetworkNode) => {
    const l = load.data?.get(n.id) ?? 0;
    return n.dailyCapacity ? l / n.dailyCapacity : null;
  };
  // Big circles first so small ones stay clickable on top.
  const drawOrder = [...nodes].sort((a, b) => radius(b) - radius(a));

  return (
    <section aria-labelledby="map-title">
      <h1 id="map-title" tabIndex={-1}>
        Network map
      </h1>
      {stock.error ? <ErrorNote error={stock.error} /> : null}
      {load.error ? <ErrorNote error={load.error} /> : null}
      <div class="filters">
        <label class="check">
          <input
            type="checkbox"
            checked={showFlows}
            onChange={(e) => setShowFlows(e.currentTarget.checked)}
          />
          Show today's shipments ({flows.data?.length ?? '…'})
        </label>
      </div>
      <div class="split wide-map">
        <UsMap
          label={`Map of ${nodes.length} nodes sized by stock and coloured by today's load; ${flows.data?.length ?? 0} shipments today`}
          legend={
            <>
              Circle size: units on hand. Colour: today's packages against capacity —{' '}
              <span class="key key-load-low">under 50%</span> <span class="key key-load-mid">50–90%</span>{' '}
              <span class="key key-load-high">90%+</span> <span class="key key-load-none">no limit</span>.
              Dashed ring: paused; grey: offline.
            </>
          }
        >
          {showFlows
            ? (flows.data ?? []).map((f) => {
                const n = byId.get(f.node);
                const a = n && project(n.lon, n.lat);
                const b = project(f.lon, f.lat);
                return a && b ? <path key={f.id} d={arc(a, b)} class="flow" /> : null;
              })
            : null}
          {drawOrder.map((n) => {
            const p = project(n.lon, n.lat);
            if (!p) return null;
            const s = stock.data?.get(n.id);
            return (
              <circle
                key={n.id}
                cx={p[0]}
                cy={p[1]}
                r={radius(n)}
                class={`node ${loadTone(ratio(n))} status-${n.status} kind-${n.kind}`}
              >
                <title>
                  {n.id} {n.name} — {n.status}; on hand {s?.onHand ?? 0}, ATP {s?.atp ?? 0}; today{' '}
                  {load.data?.get(n.id) ?? 0}/{n.dailyCapacity ?? '∞'} packages
                </title>
              </circle>
            );
          })}
        </UsMap>
        <div class="table-wrap tall">
          {!stock.data ? <Loading what="Adding up stock" /> : null}
          <table class="data" data-testid="node-table">
            <caption>Nodes</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col">On hand</th>
                <th scope="col">ATP</th>
                <th scope="col">Today / capacity</th>
              </tr>
            </thead>
            <tbody>
              {nodes.map((n) => {
                const s = stock.data?.get(n.id);
                const r = ratio(n);
                return (
                  <tr key={n.id}>
                    <th scope="row">
                      <Link to={`queue/${n.id}`}>{n.id}</Link>
                    </th>
                    <td>
                      <Badge value={n.status} />
                    </td>
                    <td>{fmt.num(s?.onHand ?? 0)}</td>
                    <td>{fmt.num(s?.atp ?? 0)}</td>
                    <td>
                      <span class={`dot ${loadTone(r)}`} aria-hidden="true" /> {load.data?.get(n.id) ?? 0}/
                      {n.dailyCapacity ?? '∞'}
                      {r !== null ? ` (${fmt.pct(r)})` : ''}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}
