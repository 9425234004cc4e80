import { useState } from 'preact/hooks';
import { api } from '../api/client.ts';
import type { Webhook } from '../api/types.ts';
import { Badge, describeError, ErrorNote, Loading } from '../components/feedback.tsx';
import { announce } from '../components/live-region.tsx';
import { useAsync } from '../lib/use-async.ts';

export function WebhooksPanel() {
  const hooks = useAsync(() => api<{ items: Webhook[] }>('/v1/webhooks'), []);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState('order.*');

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const eventTypes = types
        .split(/[\s,]+/)
        .map((t) => t.trim())
        .filter(Boolean);
      await api('/v1/webhooks', { method: 'POST', body: { url, eventTypes } });
      announce(`Webhook to ${url} added.`);
      setUrl('');
      hooks.reload();
    } catch (err) {
      announce(describeError(err), 'error');
    }
  };

  const toggle = async (h: Webhook) => {
    try {
      await api(`/v1/webhooks/${h.id}`, { method: 'PATCH', body: { active: !h.active } });
      announce(`Webhook to ${h.url} ${h.active ? 'paused' : 'resumed'}.`);
      hooks.reload();
    } catch (err) {
      announce(describeError(err), 'error');
    }
  };

  const remove = async (h: Webhook) => {
    if (!window.confirm(`Delete the webhook to ${h.url} and its delivery log?`)) return;
    try {
      await api(`/v1/webhooks/${h.id}`, { method: 'DELETE' });
      announce(`Webhook to ${h.url} deleted.`);
      hooks.reload();
    } catch (err) {
      announce(describeError(err), 'error');
    }
  };

  return (
    <section aria-labelledby="webhooks-title" class="panel">
      <h2 id="webhooks-title">Webhooks</h2>
      <form class="filters" onSubmit={create}>
        <div class="field grow">
          <label for="hook-url">URL</label>
          <input
            id="hook-url"
            type="url"
            required
            placeholder="https://example.com/ordergrid"
            value={url}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for="hook-types">Event types</label>
          <input id="hook-types" required value={types} onInput={(e) => setTypes(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">
          Add webhook
        </button>
      </form>
      {hooks.error ? <ErrorNote error={hooks.error} /> : null}
      {hooks.data ? (
        hooks.data.items.length === 0 ? (
          <p class="muted">No webhooks.</p>
        ) : (
          <div class="table-wrap">
            <table class="data">
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {hooks.data.items.map((h) => (
                  <tr key={h.id}>
                    <th scope="row" class="break">
                      {h.url}
                    </th>
                    <td>{h.eventTypes.join(', ')}</td>
                    <td>
                      <Badge value={h.active ? 'active' : 'paused'} />
                      {h.disabledReason ? <span class="muted small block">{h.disabledReason}</span> : null}
                    </td>
                    <td class="nowrap">
                      <button type="button" onClick={() => toggle(h)}>
                        {h.active ? 'Pause' : 'Resume'}
                      </button>{' '}
                      <button type="button" class="danger" onClick={() => remove(h)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : (
        <Loading what="Loading webhooks" />
      )}
    </section>
  );
}
