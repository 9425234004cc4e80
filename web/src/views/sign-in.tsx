import { useState } from 'preact/hooks';
import { describeError } from '../components/feedback.tsx';
import { type Session, signIn } from '../lib/session.ts';

export function SignIn(props: { onSignedIn: (s: Session) => void; notice?: string | undefined }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await signIn(key.trim()));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <main class="sign-in" id="main">
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <h1>OrderGrid console</h1>
        <p id="sign-in-help" class="muted">
          Sign in with an API key. It is kept in this browser tab only and sent to this server as a bearer
          token.
        </p>
        {props.notice ? <p class="notice">{props.notice}</p> : null}
        <label for="api-key">API key</label>
        <input
          id="api-key"
          name="api-key"
          type="password"
          autoComplete="off"
          spellcheck={false}
          required
          placeholder="og_…"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={busy || key.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
