const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const time = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export const fmt = {
  money: (n: number | null | undefined) => (n === null || n === undefined ? '—' : money.format(n)),
  num: (n: number | null | undefined) => (n === null || n === undefined ? '—' : number.format(n)),
  pct: (n: number | null | undefined) =>
    n === null || n === undefined || Number.isNaN(n) ? '—' : `${Math.round(n * 100)}%`,
  signed: (n: number, digits = 2) => `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(digits)}`,
  time: (iso: string | null | undefined) => (iso ? time.format(new Date(iso)) : '—'),
  miles: (n: number) => `${Math.round(n).toLocaleString('en-US')} mi`,
  shortId: (id: string) => id.slice(0, 8),
};

/** Local calendar day (YYYY-MM-DD) of a timestamp. */
export function dayOf(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${m}-${day}`;
}

/** The last `n` local days, oldest first. */
export function lastDays(n: number, today = new Date()): string[] {
  return Array.from({ length: n }, (_, i) => {
    const d = new Date(today);
    d.setDate(d.getDate() - (n - 1 - i));
    return dayOf(d);
  });
}
