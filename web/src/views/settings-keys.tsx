import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { ApiKey, Page, Role } from '../api/types.ts';
import { Badge, describeError, ErrorNote, Loading } from '../components/feedback.tsx';
import { announce } from '../components/live-region.tsx';
import { fmt } from '../lib/format.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';

export function KeysPanel() {
  const { nodes } = useSession();
  const keys = useAsync(() => api<Page<ApiKey>>('/v1/keys'), []);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [nodeId, setNodeId] = useState(nodes.find((n) => n.kind === 'store')?.id ?? nodes[0]?.id ?? '');
  const [created, setCreated] = useState<string | null>(null);

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await api<{ key: string }>('/v1/keys', {
        method: 'POST',
        body: { name, role, ...(role === 'associate' ? { nodeIds: [nodeId] } : {}) },
      });
      setCreated(r.key);
      setName('');
      announce(`Key "${name}" created. Copy it now: it is not shown again.`);
      keys.reload();
    } catch (err) {
      announce(describeError(err), 'error');
    }
  };

  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke the key "${k.name}"? Anything using it stops working.`)) return;
    try {
      await api(`/v1/keys/${k.id}`, { method: 'DELETE' });
      announce(`Key "${k.name}" revoked.`);
      keys.reload();
    } catch (err) {
      announce(describeError(err), 'error');
    }
  };

  return (
    <section aria-labelledby="keys-title" class="panel">
      <h2 id="keys-title">API keys</h2>
      <form class="filters" onSubmit={create}>
        <div class="field">
          <label for="key-name">Name</label>
          <input
            id="key-name"
            required
            maxLength={200}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="key-role">Role</label>
          <select id="key-role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="viewer">viewer</option>
            <option value="associate">associate</option>
            <option value="integration">integration</option>
            <option value="admin">admin</option>
          </select>
        </div>
        {role === 'associate' ? (
          <div class="field">
            <label for="key-node">Node</label>
            <select id="key-node" value={nodeId} onChange={(e) => setNodeId(e.currentTarget.value)}>
              {nodes.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.id}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        <button type="submit" class="primary">
          Create key
        </button>
      </form>
      {created ? (
        <p class="notice">
          New key (shown once): <code data-testid="new-key">{created}</code>
        </p>
      ) : null}
      {keys.error ? <ErrorNote error={keys.error} /> : null}
      {keys.data ? (
        <div class="table-wrap">
          <table class="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col" class="hide-narrow">
                  Prefix
                </th>
                <th scope="col" class="hide-narrow">
                  Last used
                </th>
                <th scope="col">
                  <span class="visually-hidden">Revoke</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.data.items.map((k) => (
                <tr key={k.id}>
                  <th scope="row">{k.name}</th>
                  <td>
                    {k.role}
                    {k.nodeIds.length ? ` · ${k.nodeIds.join(', ')}` : ''}
                  </td>
                  <td class="hide-narrow mono">{k.prefix}…</td>
                  <td class="hide-narrow">{fmt.time(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <Badge value="revoked" />
                    ) : (
                      <button type="button" class="danger" onClick={() => revoke(k)}>
                        Revoke<span class="visually-hidden"> {k.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Loading what="Loading keys" />
      )}
    </section>
  );
}
