/** A failed API call, carrying the problem+json `code` and field errors when the server sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: { pointer?: string; detail?: string }[] = [],
  ) {
    super(message);
  }
}

type Listener = () => void;
let currentKey: string | null = null;
const unauthorisedListeners = new Set<Listener>();

export function setApiKey(key: string | null): void {
  currentKey = key;
}

/** Called when the server refuses the key (revoked or expired while signed in). */
export function onUnauthorised(listener: Listener): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** Use this key instead of the signed-in one (sign-in checks a key before keeping it). */
  key?: string;
  signal?: AbortSignal;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const key = options.key ?? currentKey;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const init: RequestInit = { method: options.method ?? 'GET', headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  const res = await fetch(path, init);
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const problem = (data ?? {}) as {
      code?: string;
      detail?: string;
      title?: string;
      errors?: ApiError['errors'];
    };
    if (res.status === 401 && !options.key) for (const l of unauthorisedListeners) l();
    throw new ApiError(
      res.status,
      problem.code ?? `http-${res.status}`,
      problem.detail ?? problem.title ?? res.statusText,
      problem.errors ?? [],
    );
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Query string from the defined values only. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `?${s}` : '';
}

/** Every page of a cursor-paged list, up to `max` items. */
export async function allPages<T>(
  path: string,
  params: Record<string, string | number | undefined>,
  max: number,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<{ items: T[]; nextCursor: string | null }>(path + qs({ ...params, cursor }));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/** Runs `fn` over `items`, at most `concurrency` at a time, keeping the order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}
