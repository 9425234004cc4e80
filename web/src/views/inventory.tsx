import { useState } from 'preact/hooks';
import { allPages, api, mapLimit, qs } from '../api/client.ts';
import type { Incoming, Item, Movement, Page, Position, PositionDetail } from '../api/types.ts';
import { BarChart } from '../components/charts.tsx';
import { ErrorNote, Loading } from '../components/feedback.tsx';
import { fmt } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';

const HEAT_SKUS = 20;

export function InventoryView({ query }: { query: URLSearchParams }) {
  const sku = query.get('sku') ?? '';
  const q = query.get('q') ?? '';
  const [text, setText] = useState(sku || q);
  const suggestions = useAsync(
    () => api<Page<Item>>(`/v1/items${qs({ q: text.trim(), limit: 20 })}`),
    [text],
  );

  const submit = async (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    // Ask again rather than trust the suggestions: they may still be loading for this text.
    const matches = t ? await api<Page<Item>>(`/v1/items${qs({ q: t, limit: 20 })}`) : { items: [] };
    const exact = matches.items.find((i) => i.sku.toLowerCase() === t.toLowerCase());
    navigate(`inventory${qs(exact ? { sku: exact.sku, q: t } : { q: t })}`, { replace: true });
  };

  return (
    <section aria-labelledby="inventory-title">
      <h1 id="inventory-title" tabIndex={-1}>
        Inventory
      </h1>
      <search>
        <form class="filters" onSubmit={submit}>
          <div class="field grow">
            <label for="sku-search">SKU or name</label>
            <input
              id="sku-search"
              type="search"
              list="sku-options"
              autoComplete="off"
              value={text}
              placeholder="e.g. APP-BEANIE-BLK or beanie"
              onInput={(e) => setText(e.currentTarget.value)}
            />
            <datalist id="sku-options">
              {(suggestions.data?.items ?? []).map((i) => (
                <option key={i.sku} value={i.sku}>
                  {i.name}
                </option>
              ))}
            </datalist>
          </div>
          <button type="submit" class="primary">
            Search
          </button>
        </form>
      </search>
      {sku ? <SkuDetail sku={sku} /> : null}
      <HeatMap q={q} selected={sku} />
    </section>
  );
}

function SkuDetail({ sku }: { sku: string }) {
  const [node, setNode] = useState<string | null>(null);
  const data = useAsync(async () => {
    const [positions, incoming, item] = await Promise.all([
      allPages<Position>('/v1/inventory/positions', { sku, limit: 10_000 }, 10_000),
      allPages<Incoming & { nodeId: string }>(
        '/v1/inventory/incoming',
        { sku, status: 'open', limit: 500 },
        2000,
      ),
      api<Item>(`/v1/items/${encodeURIComponent(sku)}`),
    ]);
    const incomingByNode = new Map<string, number>();
    for (const i of incoming) incomingByNode.set(i.nodeId, (incomingByNode.get(i.nodeId) ?? 0) + i.quantity);
    return { positions: positions.sort((a, b) => b.atp - a.atp), incomingByNode, item };
  }, [sku]);

  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data) return <Loading what={`Loading ${sku}`} />;
  const { positions, incomingByNode, item } = data.data;
  const total = positions.reduce(
    (t, p) => ({ onHand: t.onHand + p.onHand, reserved: t.reserved + p.reserved, atp: t.atp + p.atp }),
    { onHand: 0, reserved: 0, atp: 0 },
  );
  return (
    <section aria-labelledby="sku-title" class="panel">
      <h2 id="sku-title">
        {sku} <span class="muted">{item.name}</span>
      </h2>
      <p class="muted small">
        Network: {fmt.num(total.onHand)} on hand, {fmt.num(total.reserved)} reserved, {fmt.num(total.atp)}{' '}
        available to promise at {positions.length} nodes.
      </p>
      <div class="split">
        <div class="table-wrap tall">
          <table class="data" data-testid="sku-positions">
            <caption class="visually-hidden">{sku} at every node</caption>
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">On hand</th>
                <th scope="col">Reserved</th>
                <th scope="col">Safety</th>
                <th scope="col">ATP</th>
                <th scope="col">Incoming</th>
              </tr>
            </thead>
            <tbody>
              {positions.map((p) => (
                <tr key={p.nodeId} class={p.nodeId === node ? 'row-chosen' : ''}>
                  <th scope="row">
                    <button
                      type="button"
                      class="link-button"
                      aria-pressed={p.nodeId === node}
                      onClick={() => setNode(p.nodeId === node ? null : p.nodeId)}
                    >
                      {p.nodeId}
                    </button>
                  </th>
                  <td>{p.onHand}</td>
                  <td>{p.reserved}</td>
                  <td>{p.safetyStock}</td>
                  <td>
                    <strong>{p.atp}</strong>
                  </td>
                  <td>{incomingByNode.get(p.nodeId) ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <BarChart
          title="Available to promise by node (top 12)"
          format={(n) => fmt.num(n)}
          bars={positions.slice(0, 12).map((p) => ({
            label: p.nodeId,
            value: p.atp,
            tone: p.atp === 0 ? 'bad' : p.atp <= p.safetyStock ? 'warn' : 'good',
          }))}
        />
      </div>
      {node ? (
        <Movements node={node} sku={sku} />
      ) : (
        <p class="muted small">Choose a node to see its movements.</p>
      )}
    </section>
  );
}

function Movements({ node, sku }: { node: string; sku: string }) {
  const data = useAsync(async () => {
    const base = `/v1/inventory/${encodeURIComponent(node)}/${encodeURIComponent(sku)}`;
    const [detail, moves] = await Promise.all([
      api<PositionDetail>(base),
      allPages<Movement>(`${base}/movements`, { limit: 500 }, 5000),
    ]);
    return { detail, moves: moves.slice(-50).reverse() };
  }, [node, sku]);
  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data) return <Loading what="Loading movements" />;
  const { detail, moves } = data.data;
  return (
    <section aria-labelledby="moves-title">
      <h3 id="moves-title">
        Movements of {sku} at {node}
      </h3>
      {detail.incoming.length ? (
        <p class="small">
          Incoming:{' '}
          {detail.incoming
            .map((i) => `${i.quantity} on ${i.expectedOn} (${i.kind}${i.reference ? ` ${i.reference}` : ''})`)
            .join('; ')}
        </p>
      ) : null}
      <div class="table-wrap">
        <table class="data" data-testid="movements">
          <caption class="visually-hidden">Latest movements, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Kind</th>
              <th scope="col">On hand</th>
              <th scope="col">Reserved</th>
              <th scope="col" class="hide-narrow">
                Reason
              </th>
            </tr>
          </thead>
          <tbody>
            {moves.map((m) => (
              <tr key={m.id}>
                <td>{fmt.time(m.occurredAt)}</td>
                <td>{m.kind}</td>
                <td>{m.onHandDelta ? fmt.signed(m.onHandDelta, 0) : ''}</td>
                <td>{m.reservedDelta ? fmt.signed(m.reservedDelta, 0) : ''}</td>
                <td class="hide-narrow">{m.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** SKUs (the search's matches, or the first of the catalogue) by node, shaded by ATP. */
function HeatMap({ q, selected }: { q: string; selected: string }) {
  const { nodes } = useSession();
  const data = useAsync(async () => {
    const items = await api<Page<Item>>(`/v1/items${qs({ q, limit: HEAT_SKUS })}`);
    const rows = await mapLimit(items.items, 6, (i) =>
      allPages<Position>('/v1/inventory/positions', { sku: i.sku, limit: 10_000 }, 10_000),
    );
    const cells = new Map<string, number>();
    for (const list of rows) for (const p of list) cells.set(`${p.sku}|${p.nodeId}`, p.atp);
    return { items: items.items, cells };
  }, [q]);
  if (data.error) return <ErrorNote error={data.error} />;
  if (!data.data) return <Loading what="Building the heat map" />;
  const { items, cells } = data.data;
  const max = Math.max(1, ...cells.values());
  return (
    <section aria-labelledby="heat-title" class="panel">
      <h2 id="heat-title">Available to promise, SKU by node</h2>
      <p class="muted small">
        {q ? `SKUs matching “${q}”` : 'The first SKUs of the catalogue'}; darker is more. Choose a SKU to open
        it.
      </p>
      <div class="table-wrap heat-wrap">
        <table class="heat" data-testid="heatmap">
          <thead>
            <tr>
              <th scope="col">SKU</th>
              {nodes.map((n) => (
                <th key={n.id} scope="col" class="vertical">
                  <span>{n.id}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr key={i.sku} class={i.sku === selected ? 'row-chosen' : ''}>
                <th scope="row">
                  <a
                    href={`/console/inventory${qs({ sku: i.sku, q })}`}
                    onClick={(e) => {
                      e.preventDefault();
                      navigate(`inventory${qs({ sku: i.sku, q })}`, { replace: true });
                    }}
                  >
                    {i.sku}
                  </a>
                </th>
                {nodes.map((n) => {
                  const v = cells.get(`${i.sku}|${n.id}`) ?? 0;
                  // A log scale: stores hold tens of units, warehouses thousands; both should show.
                  const level = v === 0 ? 0 : Math.max(1, Math.ceil((5 * Math.log1p(v)) / Math.log1p(max)));
                  return (
                    <td key={n.id} class={`heat-${level}`} title={`${i.sku} at ${n.id}: ATP ${v}`}>
                      <span class="visually-hidden">{v}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
