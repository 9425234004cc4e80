import { api } from '../api/client.ts';
import type { Decision, Order, OutboxEvent, Page } from '../api/types.ts';
import { Badge, ErrorNote, Loading } from '../components/feedback.tsx';
import { Link } from '../components/link.tsx';
import { fmt } from '../lib/format.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';
import { RoutingExplanation } from './routing-explanation.tsx';

export function OrderDetailView({ id }: { id: string }) {
  const { nodes } = useSession();
  const order = useAsync(() => api<Order>(`/v1/orders/${encodeURIComponent(id)}`), [id]);
  const decisions = useAsync(
    () => api<{ decisions: Decision[] }>(`/v1/orders/${encodeURIComponent(id)}/decision`),
    [id],
  );
  const events = useAsync(
    () =>
      api<Page<OutboxEvent>>(
        `/v1/events?aggregateType=order&aggregateId=${encodeURIComponent(id)}&limit=500`,
      ),
    [id],
  );

  if (order.error)
    return (
      <section>
        <h1 tabIndex={-1}>Order</h1>
        <ErrorNote error={order.error} />
        <Link to="orders">Back to orders</Link>
      </section>
    );
  if (!order.data) return <Loading what="Loading the order" />;
  const o = order.data;
  return (
    <article aria-labelledby="order-title" class="order">
      <p class="crumbs">
        <Link to="orders">Orders</Link> / {o.externalId}
      </p>
      <h1 id="order-title" tabIndex={-1}>
        Order {o.externalId} <Badge value={o.status} />
      </h1>
      <dl class="facts">
        <div>
          <dt>Channel</dt>
          <dd>{o.channel}</dd>
        </div>
        <div>
          <dt>Placed</dt>
          <dd>{fmt.time(o.placedAt)}</dd>
        </div>
        <div>
          <dt>Destination</dt>
          <dd>
            {o.fulfilment === 'ship' ? o.destination.label : `${o.fulfilment} at ${o.pickupNode ?? '—'}`}
          </dd>
        </div>
        <div>
          <dt>Service</dt>
          <dd>{o.serviceLevel}</dd>
        </div>
        <div>
          <dt>Promised</dt>
          <dd>{o.promisedDate ?? '—'}</dd>
        </div>
        <div>
          <dt>Routing cost</dt>
          <dd>{fmt.money(o.decision?.cost)}</dd>
        </div>
      </dl>
      {o.statusReason ? <p class="notice">{o.statusReason}</p> : null}
      {o.holds.length ? <p class="notice">On hold: {o.holds.join(', ')}</p> : null}

      <h2>Lines</h2>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">SKU</th>
              <th scope="col">Qty</th>
              <th scope="col">Status</th>
              <th scope="col" class="hide-narrow">
                Where the units are
              </th>
            </tr>
          </thead>
          <tbody>
            {o.lines.map((l) => (
              <tr key={l.id}>
                <td>{l.lineNo}</td>
                <th scope="row">
                  <Link to={`inventory?sku=${encodeURIComponent(l.sku)}`}>{l.sku}</Link>
                </th>
                <td>{l.quantity}</td>
                <td>
                  <Badge value={l.status} />
                </td>
                <td class="hide-narrow">
                  {Object.entries(l.quantities)
                    .filter(([k, v]) => k !== 'ordered' && v > 0)
                    .map(([k, v]) => `${v} ${k}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Fulfilment orders</h2>
      {o.fulfilmentOrders.length === 0 ? (
        <p class="muted">None: nothing has been released to a node.</p>
      ) : (
        <div class="table-wrap">
          <table class="data" data-testid="fulfilment-orders">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Node</th>
                <th scope="col">Status</th>
                <th scope="col">Units</th>
                <th scope="col" class="hide-narrow">
                  Distance
                </th>
                <th scope="col" class="hide-narrow">
                  Promised
                </th>
                <th scope="col" class="hide-narrow">
                  Carrier
                </th>
              </tr>
            </thead>
            <tbody>
              {o.fulfilmentOrders.map((f) => (
                <tr key={f.id}>
                  <td>{f.seq}</td>
                  <th scope="row">{f.nodeId}</th>
                  <td>
                    <Badge value={f.status} />
                    {f.reason ? <span class="muted"> {f.reason}</span> : null}
                  </td>
                  <td>{f.lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}</td>
                  <td class="hide-narrow">
                    {fmt.miles(f.miles)}, {f.days} d
                  </td>
                  <td class="hide-narrow">{f.promisedDate ?? '—'}</td>
                  <td class="hide-narrow">{f.carrier ? `${f.carrier} ${f.trackingNumber ?? ''}` : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Routing explanation</h2>
      {decisions.error ? <ErrorNote error={decisions.error} /> : null}
      {decisions.data ? (
        <RoutingExplanation decisions={decisions.data.decisions} order={o} nodes={nodes} />
      ) : (
        <Loading what="Loading the routing decisions" />
      )}

      <h2>Timeline</h2>
      {events.error ? <ErrorNote error={events.error} /> : null}
      {events.data ? (
        <ol class="timeline">
          {events.data.items.map((e) => (
            <li key={e.id}>
              <time dateTime={e.occurredAt}>{fmt.time(e.occurredAt)}</time> <strong>{e.type}</strong>
              <span class="muted"> {eventDetail(e)}</span>
            </li>
          ))}
        </ol>
      ) : (
        <Loading what="Loading the timeline" />
      )}
    </article>
  );
}

/** The one or two payload facts that matter in a timeline line. */
function eventDetail(e: OutboxEvent): string {
  const p = e.payload;
  const parts: string[] = [];
  if (typeof p.nodeId === 'string') parts.push(`at ${p.nodeId}`);
  if (typeof p.reason === 'string') parts.push(`(${p.reason})`);
  if (typeof p.trigger === 'string') parts.push(`after ${p.trigger}`);
  if (typeof p.carrier === 'string') parts.push(`${p.carrier} ${String(p.trackingNumber ?? '')}`);
  if (e.actor) parts.push(`by ${e.actor}`);
  return parts.join(' ');
}
