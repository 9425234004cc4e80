import { useState } from 'preact/hooks';
import { api, qs } from '../api/client.ts';
import type { Channel, OrderSummary, Page } from '../api/types.ts';
import { Badge, ErrorNote, Loading } from '../components/feedback.tsx';
import { Link } from '../components/link.tsx';
import { fmt } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { useAsync } from '../lib/use-async.ts';

const STATUSES = [
  'created',
  'backordered',
  'routed',
  'released',
  'ready-for-pickup',
  'partially-shipped',
  'shipped',
  'delivered',
  'picked-up',
  'cancelled',
  'returned',
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function OrdersView({ query }: { query: URLSearchParams }) {
  const q = query.get('q') ?? '';
  const status = query.get('status') ?? '';
  const channel = query.get('channel') ?? '';
  const [text, setText] = useState(q);
  const [more, setMore] = useState<OrderSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);

  const channels = useAsync(() => api<Page<Channel>>('/v1/channels'), []);
  const page = useAsync(async () => {
    const p = await api<Page<OrderSummary>>(`/v1/orders${qs({ externalId: q, status, channel, limit: 50 })}`);
    setMore([]);
    setCursor(p.nextCursor);
    return p;
  }, [q, status, channel]);

  const apply = (next: Record<string, string>) => {
    const params = new URLSearchParams({ q, status, channel, ...next });
    for (const [k, v] of [...params]) if (!v) params.delete(k);
    const s = params.toString();
    navigate(`orders${s ? `?${s}` : ''}`, { replace: true });
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    if (UUID.test(t)) navigate(`orders/${t.toLowerCase()}`);
    else apply({ q: t });
  };

  const loadMore = async () => {
    if (!cursor) return;
    const p = await api<Page<OrderSummary>>(
      `/v1/orders${qs({ externalId: q, status, channel, limit: 50, cursor })}`,
    );
    setMore((m) => [...m, ...p.items]);
    setCursor(p.nextCursor);
  };

  const rows = [...(page.data?.items ?? []), ...more];
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title" tabIndex={-1}>
        Orders
      </h1>
      <search>
        <form class="filters" onSubmit={submit}>
          <div class="field">
            <label for="order-search">Order number or id</label>
            <input
              id="order-search"
              type="search"
              value={text}
              placeholder="e.g. W-1001"
              onInput={(e) => setText(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="order-status">Status</label>
            <select
              id="order-status"
              value={status}
              onChange={(e) => apply({ status: e.currentTarget.value })}
            >
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="order-channel">Channel</label>
            <select
              id="order-channel"
              value={channel}
              onChange={(e) => apply({ channel: e.currentTarget.value })}
            >
              <option value="">any</option>
              {(channels.data?.items ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.id}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" class="primary">
            Search
          </button>
        </form>
      </search>
      {page.error ? <ErrorNote error={page.error} /> : null}
      {page.loading && !page.data ? <Loading what="Loading orders" /> : null}
      {page.data ? (
        rows.length === 0 ? (
          <p class="muted">No orders match.</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <caption class="visually-hidden">Orders, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Order</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="hide-narrow">
                    Fulfilment
                  </th>
                  <th scope="col" class="hide-narrow">
                    Service
                  </th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((o) => (
                  <tr key={o.id}>
                    <th scope="row">
                      <Link to={`orders/${o.id}`}>{o.externalId}</Link>
                    </th>
                    <td>{o.channel}</td>
                    <td>
                      <Badge value={o.status} />
                      {o.holds.length ? <span class="muted"> held: {o.holds.join(', ')}</span> : null}
                    </td>
                    <td class="hide-narrow">{o.fulfilment}</td>
                    <td class="hide-narrow">{o.serviceLevel}</td>
                    <td>{fmt.time(o.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {cursor ? (
        <button type="button" onClick={loadMore}>
          More orders
        </button>
      ) : null}
    </section>
  );
}
