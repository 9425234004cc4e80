import { useEffect, useState } from 'preact/hooks';
import { api, mapLimit } from '../api/client.ts';
import type { ActionResult, FulfilmentOrder, Page } from '../api/types.ts';
import { Badge, describeError, ErrorNote, Loading } from '../components/feedback.tsx';
import { announce } from '../components/live-region.tsx';
import { fmt } from '../lib/format.ts';
import { navigate } from '../lib/router.ts';
import { can } from '../lib/session.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';

const FILTERS = {
  open: { label: 'To do', statuses: 'released,accepted,picking,packed,ready-for-pickup' },
  done: { label: 'Done', statuses: 'shipped,delivered,picked-up' },
  dropped: { label: 'Rejected', statuses: 'rejected,withdrawn,cancelled' },
} as const;
type Filter = keyof typeof FILTERS;

const REJECT_REASONS = [
  ['out-of-stock', 'Out of stock'],
  ['damaged', 'Damaged'],
  ['no-capacity', 'No capacity today'],
  ['other', 'Other'],
] as const;

/** The node's work, one card per fulfilment order, with the next steps it allows. */
export function QueueView({ nodeId, query }: { nodeId: string | undefined; query: URLSearchParams }) {
  const session = useSession();
  const filter = (query.get('show') as Filter | null) ?? 'open';
  const first = session.nodes[0]?.id;

  useEffect(() => {
    if (!nodeId && first) navigate(`queue/${first}`, { replace: true });
  }, [nodeId, first]);

  const queue = useAsync(
    async () =>
      nodeId
        ? api<Page<FulfilmentOrder>>(
            `/v1/nodes/${encodeURIComponent(nodeId)}/fulfilment-orders?status=${FILTERS[filter]?.statuses ?? FILTERS.open.statuses}&limit=100`,
          )
        : null,
    [nodeId, filter],
  );
  const node = session.nodes.find((n) => n.id === nodeId);
  const mayAct = can.nodeWork(session.role);

  return (
    <section aria-labelledby="queue-title" class="queue">
      <h1 id="queue-title" tabIndex={-1}>
        {node ? node.name : 'Node queue'}
        {nodeId ? <span class="muted"> · {nodeId}</span> : null}
      </h1>
      <div class="filters">
        {session.nodes.length > 1 ? (
          <div class="field">
            <label for="queue-node">Node</label>
            <select
              id="queue-node"
              value={nodeId ?? ''}
              onChange={(e) => navigate(`queue/${e.currentTarget.value}`)}
            >
              {session.nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.id} — {n.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <fieldset class="segmented">
          <legend>Show</legend>
          {(Object.keys(FILTERS) as Filter[]).map((f) => (
            <label key={f}>
              <input
                type="radio"
                name="queue-filter"
                checked={f === filter}
                onChange={() =>
                  navigate(`queue/${nodeId ?? ''}${f === 'open' ? '' : `?show=${f}`}`, { replace: true })
                }
              />
              {FILTERS[f].label}
            </label>
          ))}
        </fieldset>
        <button type="button" onClick={queue.reload}>
          Refresh
        </button>
      </div>
      {node && node.status !== 'online' ? (
        <p class="notice">
          This node is <strong>{node.status}</strong>: it gets no new work.
        </p>
      ) : null}
      {queue.error ? <ErrorNote error={queue.error} /> : null}
      {queue.loading && !queue.data ? <Loading what="Loading the queue" /> : null}
      {queue.data ? (
        queue.data.items.length === 0 ? (
          <p class="muted">Nothing here.</p>
        ) : (
          <ul class="cards" aria-label="Fulfilment orders">
            {queue.data.items.map((fo) => (
              <li key={fo.id}>
                <WorkCard
                  fo={fo}
                  mayAct={mayAct}
                  namesNodes={session.role !== 'associate'}
                  onDone={queue.reload}
                />
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}

function nextSteps(fo: FulfilmentOrder): { action: string; label: string }[] {
  const pickupLike = fo.kind === 'pickup' || fo.kind === 'ship-to-store';
  switch (fo.status) {
    case 'released':
      return [{ action: 'accept', label: 'Accept' }];
    case 'accepted':
      return [
        { action: 'pick', label: 'Start picking' },
        { action: 'pack', label: 'Packed' },
      ];
    case 'picking':
      return [{ action: 'pack', label: 'Packed' }];
    case 'packed':
      return fo.kind === 'pickup' ? [{ action: 'ready-for-pickup', label: 'Ready for pickup' }] : [];
    case 'shipped':
      return fo.kind === 'ship-to-store' ? [{ action: 'ready-for-pickup', label: 'Ready for pickup' }] : [];
    case 'ready-for-pickup':
      return pickupLike ? [{ action: 'hand-over', label: 'Hand over' }] : [];
    default:
      return [];
  }
}

const REJECTABLE = ['released', 'accepted', 'picking', 'packed'];

function WorkCard(props: { fo: FulfilmentOrder; mayAct: boolean; namesNodes: boolean; onDone: () => void }) {
  const { fo, mayAct, onDone } = props;
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'none' | 'reject' | 'ship'>('none');
  const [reason, setReason] = useState('out-of-stock');
  const [note, setNote] = useState('');
  const [carrier, setCarrier] = useState('UPS');
  const [tracking, setTracking] = useState('');
  const title = `${fo.kind} ${fmt.shortId(fo.orderId)}-${fo.seq}`;
  const units = fo.lines.reduce((n, l) => n + l.quantity, 0);
  const late = fo.status === 'released' && fo.acceptBy !== null && new Date(fo.acceptBy) < new Date();

  const act = async (action: string, body: unknown, done: string) => {
    setBusy(true);
    try {
      const r = await api<ActionResult>(`/v1/fulfilment-orders/${fo.id}/${action}`, { method: 'POST', body });
      announce(`${title}: ${done}.${await reroutedText(r, props.namesNodes)}`);
      setMode('none');
      onDone();
    } catch (err) {
      announce(`${title}: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class={`card ${late ? 'card-late' : ''}`} aria-label={title} data-testid="work-card">
      <header>
        <h2>
          {fo.kind === 'shipment' ? 'Ship' : fo.kind === 'pickup' ? 'Pickup' : 'Ship to store'}{' '}
          <span class="mono">{fmt.shortId(fo.orderId)}</span>-{fo.seq}
        </h2>
        <Badge value={fo.status} />
      </header>
      <ul class="plain lines">
        {fo.lines.map((l) => (
          <li key={l.orderLineId}>
            <strong>{l.quantity}×</strong> {l.sku}
          </li>
        ))}
      </ul>
      <p class="muted small">
        {units} unit{units === 1 ? '' : 's'} · promised {fo.promisedDate ?? '—'}
        {fo.status === 'released' && fo.acceptBy ? ` · accept by ${fmt.time(fo.acceptBy)}` : ''}
        {late ? ' · late' : ''}
        {fo.reason ? ` · ${fo.reason}` : ''}
        {fo.carrier ? ` · ${fo.carrier} ${fo.trackingNumber ?? ''}` : ''}
      </p>
      {mayAct ? (
        <div class="actions">
          {nextSteps(fo).map((s) => (
            <button
              key={s.action}
              type="button"
              class="primary"
              disabled={busy}
              onClick={() => act(s.action, {}, actionDone(s.action))}
            >
              {s.label}
            </button>
          ))}
          {fo.status === 'packed' && fo.kind !== 'pickup' ? (
            <button
              type="button"
              class="primary"
              aria-expanded={mode === 'ship'}
              onClick={() => setMode(mode === 'ship' ? 'none' : 'ship')}
            >
              Ship…
            </button>
          ) : null}
          {REJECTABLE.includes(fo.status) ? (
            <button
              type="button"
              class="danger"
              aria-expanded={mode === 'reject'}
              onClick={() => setMode(mode === 'reject' ? 'none' : 'reject')}
            >
              Reject…
            </button>
          ) : null}
        </div>
      ) : null}
      {mode === 'reject' ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act('reject', { reason, ...(note ? { note } : {}) }, `rejected (${reason})`);
          }}
        >
          <div class="field">
            <label for={`reason-${fo.id}`}>Reason</label>
            <select id={`reason-${fo.id}`} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
              {REJECT_REASONS.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for={`note-${fo.id}`}>Note (optional)</label>
            <input
              id={`note-${fo.id}`}
              value={note}
              maxLength={500}
              onInput={(e) => setNote(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="danger" disabled={busy}>
            Confirm rejection
          </button>
        </form>
      ) : null}
      {mode === 'ship' ? (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            act('ship', { carrier, trackingNumber: tracking }, `shipped with ${carrier} ${tracking}`);
          }}
        >
          <div class="field">
            <label for={`carrier-${fo.id}`}>Carrier</label>
            <input
              id={`carrier-${fo.id}`}
              required
              value={carrier}
              onInput={(e) => setCarrier(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for={`tracking-${fo.id}`}>Tracking number</label>
            <input
              id={`tracking-${fo.id}`}
              required
              value={tracking}
              onInput={(e) => setTracking(e.currentTarget.value)}
            />
          </div>
          <button type="submit" class="primary" disabled={busy}>
            Confirm shipment
          </button>
        </form>
      ) : null}
    </article>
  );
}

function actionDone(action: string): string {
  return (
    {
      accept: 'accepted',
      pick: 'picking started',
      pack: 'packed',
      'ready-for-pickup': 'ready for pickup',
      'hand-over': 'handed over',
    }[action] ?? action
  );
}

/** Where rejected units went. An associate may not read other nodes' work, so only admins get node names. */
async function reroutedText(r: ActionResult, namesNodes: boolean): Promise<string> {
  if (!r.rerouted) return '';
  const { allocatedUnits, pendingUnits, fulfilmentOrders } = r.rerouted;
  let where = '';
  if (fulfilmentOrders.length && namesNodes) {
    const others = await mapLimit(fulfilmentOrders, 4, (id) =>
      api<FulfilmentOrder>(`/v1/fulfilment-orders/${id}`),
    );
    where = ` to ${[...new Set(others.map((f) => f.nodeId))].join(', ')}`;
  }
  return ` Re-routed: ${allocatedUnits} unit${allocatedUnits === 1 ? '' : 's'} placed elsewhere${where}${
    pendingUnits ? `, ${pendingUnits} waiting for stock` : ''
  }.`;
}
