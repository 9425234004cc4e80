import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from '../api/client.ts';
import type { Policy, PolicyVersion, TrialMetrics, TryResult } from '../api/types.ts';
import { BarChart } from '../components/charts.tsx';
import { Badge, describeError, ErrorNote, Loading } from '../components/feedback.tsx';
import { announce } from '../components/live-region.tsx';
import { fmt } from '../lib/format.ts';
import { can } from '../lib/session.ts';
import { useSession } from '../lib/session-context.ts';
import { useAsync } from '../lib/use-async.ts';

/** The document as the draft endpoint takes it: without id and version (the store sets them). */
function editable(v: PolicyVersion | null | undefined): string {
  if (!v) return '{\n  "description": "new policy"\n}';
  const { id: _id, version: _version, ...doc } = v.document;
  return JSON.stringify(doc, null, 2);
}

export function PoliciesView() {
  const { role } = useSession();
  const list = useAsync(() => api<{ items: Policy[] }>('/v1/policies'), []);
  const [selected, setSelected] = useState('default');
  const policy = list.data?.items.find((p) => p.id === selected) ?? list.data?.items[0];

  return (
    <section aria-labelledby="policies-title">
      <h1 id="policies-title" tabIndex={-1}>
        Routing policies
      </h1>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {!list.data ? <Loading what="Loading policies" /> : null}
      {list.data && list.data.items.length > 1 ? (
        <div class="field">
          <label for="policy-id">Policy</label>
          <select id="policy-id" value={policy?.id} onChange={(e) => setSelected(e.currentTarget.value)}>
            {list.data.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.id}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {policy ? (
        <div class="split">
          <ActivePanel policy={policy} />
          {can.admin(role) ? (
            <DraftPanel key={policy.id} policy={policy} onChanged={list.reload} />
          ) : (
            <p class="muted">Drafts are edited, tried and activated with an admin key.</p>
          )}
        </div>
      ) : null}
    </section>
  );
}

function ActivePanel({ policy }: { policy: Policy }) {
  const a = policy.active;
  return (
    <section aria-labelledby="active-title" class="panel">
      <h2 id="active-title">
        Active: {policy.id} {a ? `v${a.version}` : ''} {a ? <Badge value="active" /> : null}
      </h2>
      {a ? (
        <>
          <p class="muted small">
            Activated {fmt.time(a.activatedAt)} by {a.createdBy}. {policy.versions} version
            {policy.versions === 1 ? '' : 's'} in all.
          </p>
          <ul class="plain">{describe(a.document)}</ul>
          <details>
            <summary>Document</summary>
            <pre class="code" data-testid="active-document">
              {JSON.stringify(a.document, null, 2)}
            </pre>
          </details>
        </>
      ) : (
        <p class="muted">No active version: routing uses the cost model's defaults.</p>
      )}
    </section>
  );
}

/** The rules of a policy in words, one line each. */
function describe(doc: Record<string, unknown>) {
  const lines: string[] = [];
  if (typeof doc.description === 'string') lines.push(doc.description);
  if (doc.maxShipments !== undefined)
    lines.push(`At most ${doc.maxShipments ?? 'any number of'} packages per order`);
  if (doc.shipComplete) lines.push('Ship complete: no splits');
  for (const k of ['exclude', 'priorityGroups', 'protectLastUnits', 'capacity', 'cutoffs'] as const) {
    const v = doc[k];
    if (Array.isArray(v) && v.length) lines.push(`${v.length} ${k} rule${v.length === 1 ? '' : 's'}`);
  }
  for (const k of ['costWeight', 'dayCost', 'unfilledPenalty'] as const)
    if (typeof doc[k] === 'number') lines.push(`${k}: ${doc[k]}`);
  if (lines.length === 0) lines.push("The cost model's defaults, no extra rules");
  return lines.map((l) => <li key={l}>{l}</li>);
}

function DraftPanel({ policy, onChanged }: { policy: Policy; onChanged: () => void }) {
  const draft = policy.drafts[0] ?? null;
  const [text, setText] = useState(() => editable(draft ?? policy.active));
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [orders, setOrders] = useState('200');
  const [trial, setTrial] = useState<TryResult | null>(null);
  const [trialError, setTrialError] = useState<Error | null>(null);
  const saved = draft !== null && text === editable(draft);

  useEffect(() => setTrial(null), [draft?.updatedAt]);

  const save = async () => {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (err) {
      setProblems([`Not JSON: ${(err as Error).message}`]);
      return;
    }
    setBusy(true);
    setProblems([]);
    try {
      const v = await api<PolicyVersion>(`/v1/policies/${encodeURIComponent(policy.id)}/draft`, {
        method: 'PUT',
        body,
      });
      announce(`Draft v${v.version} of ${policy.id} saved.`);
      onChanged();
    } catch (err) {
      if (err instanceof ApiError && err.errors.length)
        setProblems(err.errors.map((e) => `${e.pointer ?? ''} ${e.detail ?? ''}`.trim()));
      else setProblems([describeError(err)]);
      announce('The draft was not saved.', 'error');
    } finally {
      setBusy(false);
    }
  };

  const tryIt = async () => {
    setBusy(true);
    setTrialError(null);
    try {
      const r = await api<TryResult>(`/v1/policies/${encodeURIComponent(policy.id)}/draft/try`, {
        method: 'POST',
        body: { orders: Number(orders) || 200 },
      });
      setTrial(r);
      announce(
        `Tried on ${r.sample.routed} orders: cost per order ${fmt.signed(r.difference.costPerOrder)}, ${r.difference.ordersChanged} orders routed differently.`,
      );
    } catch (err) {
      setTrialError(err instanceof Error ? err : new Error(String(err)));
    } finally {
      setBusy(false);
    }
  };

  const activate = async () => {
    if (
      !window.confirm(
        `Activate draft v${draft?.version} of ${policy.id}? New orders are routed with it at once.`,
      )
    )
      return;
    setBusy(true);
    try {
      const v = await api<PolicyVersion>(`/v1/policies/${encodeURIComponent(policy.id)}/activate`, {
        method: 'POST',
      });
      announce(`${policy.id} v${v.version} is now active.`);
      onChanged();
    } catch (err) {
      announce(describeError(err), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="draft-title" class="panel">
      <h2 id="draft-title">
        Draft {draft ? `v${draft.version}` : ''} {draft ? <Badge value="draft" /> : null}
      </h2>
      <label for="draft-document">Policy document (JSON, without id and version)</label>
      <textarea
        id="draft-document"
        class="code"
        rows={14}
        spellcheck={false}
        value={text}
        aria-describedby={problems.length ? 'draft-problems' : undefined}
        onInput={(e) => setText(e.currentTarget.value)}
      />
      {problems.length ? (
        <ul id="draft-problems" class="error" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div class="actions">
        <button type="button" class="primary" disabled={busy || saved} onClick={save}>
          Save draft
        </button>
        <div class="field inline">
          <label for="try-orders">Recent orders</label>
          <input
            id="try-orders"
            type="number"
            min={1}
            max={2000}
            class="narrow"
            value={orders}
            onInput={(e) => setOrders(e.currentTarget.value)}
          />
        </div>
        <button type="button" disabled={busy || !saved} onClick={tryIt}>
          Try draft
        </button>
        <button type="button" class="danger" disabled={busy || !saved} onClick={activate}>
          Activate
        </button>
      </div>
      {!saved ? <p class="muted small">Save the draft to try or activate it.</p> : null}
      {trialError ? <ErrorNote error={trialError} /> : null}
      {trial ? <TrialResult r={trial} /> : null}
    </section>
  );
}

const METRICS: {
  key: keyof TrialMetrics;
  label: string;
  format: (n: number) => string;
  lowerIsBetter: boolean;
}[] = [
  { key: 'costPerOrder', label: 'Cost per order', format: fmt.money, lowerIsBetter: true },
  { key: 'splitRate', label: 'Split rate', format: fmt.pct, lowerIsBetter: true },
  { key: 'packagesPerOrder', label: 'Packages per order', format: fmt.num, lowerIsBetter: true },
  { key: 'meanTransitDays', label: 'Transit days', format: fmt.num, lowerIsBetter: true },
  { key: 'completeRate', label: 'Planned in full', format: fmt.pct, lowerIsBetter: false },
  { key: 'unfilledUnits', label: 'Unfilled units', format: fmt.num, lowerIsBetter: true },
];

function TrialResult({ r }: { r: TryResult }) {
  return (
    <div class="trial" data-testid="trial">
      <h3>
        Draft against active on {r.sample.routed} recent order{r.sample.routed === 1 ? '' : 's'}
      </h3>
      <p class="muted small">
        {r.difference.ordersChanged} order{r.difference.ordersChanged === 1 ? '' : 's'} would be routed
        differently.
      </p>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th scope="col">Measure</th>
              <th scope="col">Active{r.activeVersion ? ` v${r.activeVersion}` : ''}</th>
              <th scope="col">Draft v{r.draftVersion}</th>
              <th scope="col">Difference</th>
            </tr>
          </thead>
          <tbody>
            {METRICS.map((m) => {
              const diff = r.draft[m.key] - r.active[m.key];
              const better = diff === 0 ? 'same' : diff < 0 === m.lowerIsBetter ? 'better' : 'worse';
              return (
                <tr key={m.key}>
                  <th scope="row">{m.label}</th>
                  <td>{m.format(r.active[m.key])}</td>
                  <td>{m.format(r.draft[m.key])}</td>
                  <td class={`diff-${better}`}>
                    {m.key === 'splitRate' || m.key === 'completeRate'
                      ? `${fmt.signed(diff * 100, 0)} pts`
                      : fmt.signed(diff)}{' '}
                    <span class="muted">({better})</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <BarChart
        title="Cost per order"
        format={fmt.money}
        bars={[
          { label: 'Active', value: r.active.costPerOrder, tone: 'accent' },
          {
            label: 'Draft',
            value: r.draft.costPerOrder,
            tone: r.draft.costPerOrder <= r.active.costPerOrder ? 'good' : 'bad',
          },
        ]}
      />
      <BarChart
        title="Split rate"
        format={fmt.pct}
        bars={[
          { label: 'Active', value: r.active.splitRate, tone: 'accent' },
          {
            label: 'Draft',
            value: r.draft.splitRate,
            tone: r.draft.splitRate <= r.active.splitRate ? 'good' : 'bad',
          },
        ]}
      />
    </div>
  );
}
