import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Channel, NetworkNode, NodeStatus, Page } from '../api/types.ts';
import { Badge, describeError, ErrorNote, Loading } from '../components/feedback.tsx';
import { announce } from '../components/live-region.tsx';
import { can } from '../lib/session.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';
import { KeysPanel } from './settings-keys.tsx';
import { WebhooksPanel } from './settings-webhooks.tsx';

export function SettingsView() {
  const { role } = useSession();
  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title" tabIndex={-1}>
        Settings
      </h1>
      <NodesPanel />
      <ChannelsPanel />
      {can.admin(role) ? (
        <>
          <WebhooksPanel />
          <KeysPanel />
        </>
      ) : (
        <p class="muted">Webhooks and API keys are managed with an admin key.</p>
      )}
    </section>
  );
}

interface SafetyStock {
  kinds: Record<string, number>;
  nodes: Record<string, number>;
}

function NodesPanel() {
  const nodes = useAsync(() => api<Page<NetworkNode>>('/v1/nodes?limit=500'), []);
  const safety = useAsync(() => api<SafetyStock>('/v1/inventory/safety-stock'), []);
  return (
    <section aria-labelledby="nodes-title" class="panel">
      <h2 id="nodes-title">Nodes</h2>
      <p class="muted">
        A paused or offline node gets no new work; offline also withdraws its open work so it is routed
        elsewhere.
      </p>
      {nodes.error ? <ErrorNote error={nodes.error} /> : null}
      {!nodes.data || !safety.data ? (
        <Loading what="Loading nodes" />
      ) : (
        <div class="table-wrap">
          <table class="data stack" data-testid="nodes-table">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Packages / day</th>
                <th scope="col">Safety stock</th>
                <th scope="col">
                  <span class="visually-hidden">Save</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {nodes.data.items.map((n) => (
                <NodeRow
                  key={`${n.id}-${n.version}`}
                  node={n}
                  safety={safety.data?.nodes[n.id] ?? null}
                  kindSafety={safety.data?.kinds[n.kind] ?? 0}
                  onSaved={() => {
                    nodes.reload();
                    safety.reload();
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NodeRow(props: {
  node: NetworkNode;
  safety: number | null;
  kindSafety: number;
  onSaved: () => void;
}) {
  const { node } = props;
  const [status, setStatus] = useState<NodeStatus>(node.status);
  const [capacity, setCapacity] = useState(node.dailyCapacity === null ? '' : String(node.dailyCapacity));
  const [safety, setSafety] = useState(props.safety === null ? '' : String(props.safety));
  const [busy, setBusy] = useState(false);
  const capacityValue = capacity.trim() === '' ? null : Number(capacity);
  const safetyValue = safety.trim() === '' ? null : Number(safety);
  const nodeChanged = status !== node.status || capacityValue !== node.dailyCapacity;
  const safetyChanged = safetyValue !== props.safety;

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    try {
      if (nodeChanged)
        await api(`/v1/nodes/${encodeURIComponent(node.id)}`, {
          method: 'PATCH',
          body: { status, dailyCapacity: capacityValue },
        });
      if (safetyChanged)
        await api(`/v1/inventory/safety-stock/nodes/${encodeURIComponent(node.id)}`, {
          method: 'PUT',
          body: { safetyStock: safetyValue },
        });
      announce(
        `${node.id} saved: ${status}, capacity ${capacityValue ?? 'unlimited'}, safety stock ${safetyValue ?? `kind default (${props.kindSafety})`}.`,
      );
      props.onSaved();
    } catch (err) {
      announce(`${node.id}: ${describeError(err)}`, 'error');
    } finally {
      setBusy(false);
    }
  };

  const form = `node-form-${node.id}`;
  return (
    <tr data-node={node.id}>
      <th scope="row" data-label="Node">
        <form id={form} onSubmit={save} />
        {node.id}
        <span class="muted small block">{node.name}</span>
      </th>
      <td data-label="Kind">{node.kind}</td>
      <td data-label="Status">
        <label class="visually-hidden" for={`status-${node.id}`}>
          Status of {node.id}
        </label>
        <select
          id={`status-${node.id}`}
          form={form}
          value={status}
          onChange={(e) => setStatus(e.currentTarget.value as NodeStatus)}
        >
          <option value="online">online</option>
          <option value="paused">paused</option>
          <option value="offline">offline</option>
        </select>{' '}
        {status === node.status ? <Badge value={node.status} /> : null}
      </td>
      <td data-label="Packages / day">
        <label class="visually-hidden" for={`capacity-${node.id}`}>
          Daily capacity of {node.id} (empty: no limit)
        </label>
        <input
          id={`capacity-${node.id}`}
          form={form}
          type="number"
          min={0}
          inputMode="numeric"
          class="narrow"
          placeholder="no limit"
          value={capacity}
          onInput={(e) => setCapacity(e.currentTarget.value)}
        />
      </td>
      <td data-label="Safety stock">
        <label class="visually-hidden" for={`safety-${node.id}`}>
          Safety stock of {node.id} (empty: the {node.kind} default)
        </label>
        <input
          id={`safety-${node.id}`}
          form={form}
          type="number"
          min={0}
          inputMode="numeric"
          class="narrow"
          placeholder={`default ${props.kindSafety}`}
          value={safety}
          onInput={(e) => setSafety(e.currentTarget.value)}
        />
      </td>
      <td>
        <button type="submit" form={form} disabled={busy || (!nodeChanged && !safetyChanged)}>
          Save<span class="visually-hidden"> {node.id}</span>
        </button>
      </td>
    </tr>
  );
}

function ChannelsPanel() {
  const channels = useAsync(() => api<Page<Channel>>('/v1/channels'), []);
  return (
    <section aria-labelledby="channels-title" class="panel">
      <h2 id="channels-title">Channels</h2>
      {channels.error ? <ErrorNote error={channels.error} /> : null}
      {channels.data ? (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Channel</th>
                <th scope="col">Buffer</th>
                <th scope="col">Cap</th>
                <th scope="col" class="hide-narrow">
                  Sells from
                </th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {channels.data.items.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    {c.id}
                    <span class="muted small block">{c.name}</span>
                  </th>
                  <td>
                    {c.buffer.units} units{c.buffer.percent ? ` + ${c.buffer.percent}%` : ''}
                  </td>
                  <td>{c.cap ?? '—'}</td>
                  <td class="hide-narrow">{describeAllowed(c)}</td>
                  <td>
                    <Badge value={c.active ? 'active' : 'inactive'} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Loading what="Loading channels" />
      )}
    </section>
  );
}

function describeAllowed(c: Channel): string {
  const a = c.allowedNodes;
  const parts = [
    a.kinds ? `kinds ${a.kinds.join(', ')}` : 'every kind',
    a.tags ? `tags ${a.tags.join(', ')}` : '',
    a.include.length ? `plus ${a.include.join(', ')}` : '',
    a.exclude.length ? `not ${a.exclude.join(', ')}` : '',
  ];
  return parts.filter(Boolean).join('; ');
}
