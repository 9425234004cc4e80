// Small inline-SVG charts: a line over days and horizontal bars. Each has a text alternative
// (a title and a visually hidden table), so the numbers are never only in the picture.

export interface Point {
  label: string;
  value: number | null;
}

const W = 320;
const H = 120;
const PAD = { top: 10, right: 10, bottom: 22, left: 36 };

export function LineChart(props: { title: string; points: Point[]; format: (n: number) => string }) {
  const values = props.points.map((p) => p.value).filter((v): v is number => v !== null);
  const max = Math.max(1e-9, ...values);
  const n = props.points.length;
  const x = (i: number) => PAD.left + (n <= 1 ? 0 : (i * (W - PAD.left - PAD.right)) / (n - 1));
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  let d = '';
  props.points.forEach((p, i) => {
    if (p.value === null) return;
    d += `${d ? 'L' : 'M'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`;
  });
  const first = props.points[0]?.label ?? '';
  const last = props.points[n - 1]?.label ?? '';
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${props.title} by day`}>
        <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} class="axis" />
        <line x1={PAD.left} x2={W - PAD.right} y1={y(max)} y2={y(max)} class="grid" />
        <text x={PAD.left - 4} y={y(max) + 4} class="tick" text-anchor="end">
          {props.format(max)}
        </text>
        <text x={PAD.left - 4} y={y(0) + 4} class="tick" text-anchor="end">
          {props.format(0)}
        </text>
        <text x={PAD.left} y={H - 4} class="tick">
          {first.slice(5)}
        </text>
        <text x={W - PAD.right} y={H - 4} class="tick" text-anchor="end">
          {last.slice(5)}
        </text>
        <path d={d} class="line" />
        {props.points.map((p, i) =>
          p.value === null ? null : <circle key={p.label} cx={x(i)} cy={y(p.value)} r={2.5} class="dot" />,
        )}
      </svg>
      <table class="visually-hidden">
        <caption>{props.title}</caption>
        <tbody>
          {props.points.map((p) => (
            <tr key={p.label}>
              <th scope="row">{p.label}</th>
              <td>{p.value === null ? 'no data' : props.format(p.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export interface Bar {
  label: string;
  value: number;
  tone?: 'good' | 'warn' | 'bad' | 'accent';
  note?: string;
}

export function BarChart(props: { title: string; bars: Bar[]; format: (n: number) => string }) {
  const max = Math.max(1e-9, ...props.bars.map((b) => Math.abs(b.value)));
  return (
    <figure class="bars">
      <figcaption>{props.title}</figcaption>
      <ul class="bars-list">
        {props.bars.map((b) => (
          <li key={b.label} class="bars-item">
            <span class="bar-label">{b.label}</span>
            <span class="bar-track" aria-hidden="true">
              <span
                class={`bar-fill bar-${b.tone ?? 'accent'}`}
                style={{ width: `${(Math.abs(b.value) / max) * 100}%` }}
              />
            </span>
            <span class="bar-value">
              {props.format(b.value)}
              {b.note ? <span class="muted"> {b.note}</span> : null}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
