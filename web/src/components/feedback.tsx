import { ApiError } from '../api/client.ts';

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p class="muted" aria-busy="true">
      {what}…
    </p>
  );
}

export function ErrorNote({ error }: { error: Error }) {
  const code = error instanceof ApiError ? ` (${error.code})` : '';
  return (
    <p class="error" role="alert">
      {error.message}
      {code}
    </p>
  );
}

/** The message of a failed action, with the first field error when there is one. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    const field = err.errors[0];
    return field?.detail ? `${err.message}: ${field.pointer ?? ''} ${field.detail}`.trim() : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

export function Badge({ value, tone }: { value: string; tone?: string }) {
  return <span class={`badge badge-${tone ?? toneOf(value)}`}>{value}</span>;
}

function toneOf(status: string): string {
  if (
    [
      'online',
      'released',
      'complete',
      'active',
      'shipped',
      'delivered',
      'picked-up',
      'ready-for-pickup',
    ].includes(status)
  )
    return 'good';
  if (
    [
      'paused',
      'backordered',
      'partial',
      'accepted',
      'picking',
      'packed',
      'draft',
      'routed',
      'partially-shipped',
    ].includes(status)
  )
    return 'warn';
  if (['offline', 'rejected', 'cancelled', 'withdrawn', 'unfilled', 'none', 'revoked'].includes(status))
    return 'bad';
  return 'neutral';
}
