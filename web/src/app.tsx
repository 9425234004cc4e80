import { useEffect, useState } from 'preact/hooks';
import { onUnauthorised } from './api/client.ts';
import { ErrorNote, Loading } from './components/feedback.tsx';
import { Link } from './components/link.tsx';
import { LiveRegion } from './components/live-region.tsx';
import { navigate, useRoute } from './lib/router.ts';
import { forgetKey, type Session, signIn, storedKey } from './lib/session.ts';
import { SessionContext } from './lib/session-context.ts';
import { NAV, sectionOf } from './nav.ts';
import { InventoryView } from './views/inventory.tsx';
import { NetworkMapView } from './views/network-map.tsx';
import { OrderDetailView } from './views/order-detail.tsx';
import { OrdersView } from './views/orders.tsx';
import { OverviewView } from './views/overview.tsx';
import { PoliciesView } from './views/policies.tsx';
import { QueueView } from './views/queue.tsx';
import { SettingsView } from './views/settings.tsx';
import { SignIn } from './views/sign-in.tsx';

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedKey() !== null);
  const [notice, setNotice] = useState<string>();

  useEffect(() => {
    const key = storedKey();
    if (!key) return;
    signIn(key)
      .then(setSession, () => {
        forgetKey();
        setNotice('Your saved key no longer works; sign in again.');
      })
      .finally(() => setRestoring(false));
  }, []);

  useEffect(
    () =>
      onUnauthorised(() => {
        forgetKey();
        setSession(null);
        setNotice('The server no longer accepts this key (revoked or expired); sign in again.');
      }),
    [],
  );

  if (restoring) return <Loading what="Signing in" />;
  if (!session)
    return (
      <>
        <SignIn onSignedIn={setSession} notice={notice} />
        <LiveRegion />
      </>
    );
  return (
    <SessionContext.Provider value={session}>
      <Shell
        session={session}
        onSignOut={() => {
          forgetKey();
          setSession(null);
          setNotice(undefined);
          navigate('', { replace: true });
        }}
      />
    </SessionContext.Provider>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const route = useRoute();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((n) => n.allowed(session.role));
  const section = sectionOf(route.path);
  const allowed = items.some((n) => n.path === section);

  // A view the role may not open (or the home page of an associate) sends them to their first view.
  useEffect(() => {
    if (!allowed)
      navigate(session.role === 'associate' ? 'queue' : (items[0]?.path ?? ''), { replace: true });
    setMenuOpen(false);
  }, [route.path, allowed]);

  // Moving to another view puts focus on its heading, as a page load would for a screen reader.
  useEffect(() => {
    document.querySelector<HTMLElement>('main h1')?.focus({ preventScroll: true });
  }, [section]);

  return (
    <>
      <a href="#main" class="skip-link">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">OrderGrid</span>
        <button
          type="button"
          class="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="main-nav" aria-label="Views" class={menuOpen ? 'open' : ''}>
          <ul>
            {items.map((n) => (
              <li key={n.path}>
                <Link to={n.path} current={n.path === section}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" data-testid="role">
          {session.role}
          {session.role === 'associate' ? ` · ${session.nodes.map((n) => n.id).join(', ')}` : ''}
        </span>
        <button type="button" class="link-button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main id="main">{allowed ? <View path={route.path} query={route.query} /> : <Loading />}</main>
      <LiveRegion />
    </>
  );
}

function View({ path, query }: { path: string; query: URLSearchParams }) {
  const [section, id] = path.split('/');
  switch (section) {
    case '':
      return <OverviewView />;
    case 'map':
      return <NetworkMapView />;
    case 'inventory':
      return <InventoryView query={query} />;
    case 'orders':
      return id ? <OrderDetailView id={id} /> : <OrdersView query={query} />;
    case 'queue':
      return <QueueView nodeId={id} query={query} />;
    case 'policies':
      return <PoliciesView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <ErrorNote error={new Error(`No view at /console/${path}`)} />;
  }
}
