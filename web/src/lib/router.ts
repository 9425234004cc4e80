import { useEffect, useState } from 'preact/hooks';

/** The app lives under /console/; routes are paths below it (orders/…, queue/…). */
export const BASE = '/console/';

export interface Route {
  /** Path below the base, without leading slash: '' (home), 'orders', 'orders/<id>'… */
  path: string;
  query: URLSearchParams;
}

function current(): Route {
  const { pathname, search } = window.location;
  const path = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : '';
  return { path: path.replace(/\/+$/, ''), query: new URLSearchParams(search) };
}

const listeners = new Set<() => void>();

export function href(path: string): string {
  return BASE + path.replace(/^\/+/, '');
}

export function navigate(path: string, { replace = false } = {}): void {
  const url = href(path);
  if (url === window.location.pathname + window.location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const l of listeners) l();
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Same-tab navigation for plain left clicks; modified clicks keep the browser's behaviour. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  )
    return;
  event.preventDefault();
  navigate(path);
}
