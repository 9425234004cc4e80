import { LineChart } from '../components/charts.tsx';
import { ErrorNote, Loading } from '../components/feedback.tsx';
import { Link } from '../components/link.tsx';
import { type DayStats, dailyStats, loadActivityEvents, loadRecentOrders } from '../lib/activity.ts';
import { dayOf, fmt, lastDays } from '../lib/format.ts';
import { useAsync } from '../lib/use-async.ts';

const DAYS = 14;
const COST_SAMPLE = 40;

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

export function OverviewView() {
  const events = useAsync(async () => dailyStats(await loadActivityEvents(), DAYS), []);
  const orders = useAsync(() => loadRecentOrders(COST_SAMPLE), []);

  const costByDay = new Map<string, { sum: number; n: number }>();
  for (const o of orders.data ?? []) {
    if (o.decision?.cost === null || o.decision?.cost === undefined) continue;
    const d = dayOf(o.createdAt);
    const c = costByDay.get(d) ?? { sum: 0, n: 0 };
    c.sum += o.decision.cost;
    c.n++;
    costByDay.set(d, c);
  }
  const days = lastDays(DAYS);
  const costPoints = days.map((d) => {
    const c = costByDay.get(d);
    return { label: d, value: c ? c.sum / c.n : null };
  });
  const today = events.data?.[events.data.length - 1];
  const todayCost = costPoints[costPoints.length - 1]?.value ?? null;

  const series = (f: (s: DayStats) => number | null) =>
    (events.data ?? []).map((s) => ({ label: s.day, value: f(s) }));

  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title" tabIndex={-1}>
        Today
      </h1>
      {events.error ? <ErrorNote error={events.error} /> : null}
      {!events.data ? <Loading what="Counting today's orders" /> : null}
      {today ? (
        <ul class="kpis" aria-label="Today's figures">
          <Kpi label="Orders" value={fmt.num(today.orders)} to="orders" />
          <Kpi label="Split rate" value={fmt.pct(ratio(today.splitOrders, today.ordersReleased))} />
          <Kpi
            label="Cost per order"
            value={fmt.money(todayCost)}
            note={orders.data ? undefined : 'loading'}
          />
          <Kpi label="Packages per order" value={fmt.num(ratio(today.packages, today.ordersReleased))} />
          <Kpi
            label="On time"
            value={fmt.pct(ratio(today.onTime, today.completed))}
            note={`${today.completed} done`}
          />
          <Kpi
            label="Backorders"
            value={fmt.num(today.backorders)}
            to="orders?status=backordered"
            tone={today.backorders ? 'warn' : ''}
          />
          <Kpi label="Rejections" value={fmt.num(today.rejections)} tone={today.rejections ? 'warn' : ''} />
        </ul>
      ) : null}
      {events.data ? (
        <>
          <h2>Last {DAYS} days</h2>
          <div class="charts">
            <LineChart
              title="Orders"
              points={series((s) => s.orders)}
              format={(n) => fmt.num(Math.round(n))}
            />
            <LineChart
              title="Split rate"
              points={series((s) => ratio(s.splitOrders, s.ordersReleased))}
              format={fmt.pct}
            />
            <LineChart
              title={`Cost per order (latest ${COST_SAMPLE} orders)`}
              points={costPoints}
              format={fmt.money}
            />
            <LineChart
              title="Packages per order"
              points={series((s) => ratio(s.packages, s.ordersReleased))}
              format={fmt.num}
            />
            <LineChart
              title="On-time share"
              points={series((s) => ratio(s.onTime, s.completed))}
              format={fmt.pct}
            />
            <LineChart
              title="Backorders"
              points={series((s) => s.backorders)}
              format={(n) => fmt.num(Math.round(n))}
            />
            <LineChart
              title="Rejections"
              points={series((s) => s.rejections)}
              format={(n) => fmt.num(Math.round(n))}
            />
          </div>
        </>
      ) : null}
      {orders.error ? <ErrorNote error={orders.error} /> : null}
    </section>
  );
}

function Kpi(props: { label: string; value: string; note?: string | undefined; to?: string; tone?: string }) {
  const body = (
    <>
      <span class="kpi-value">{props.value}</span>
      <span class="kpi-label">{props.label}</span>
      {props.note ? <span class="kpi-note">{props.note}</span> : null}
    </>
  );
  return (
    <li class={`kpi ${props.tone ? `kpi-${props.tone}` : ''}`}>
      {props.to ? (
        <Link to={props.to} class="kpi-link">
          {body}
        </Link>
      ) : (
        body
      )}
    </li>
  );
}
