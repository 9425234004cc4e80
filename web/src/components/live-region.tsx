import { useEffect, useState } from 'preact/hooks';

type Tone = 'ok' | 'error';
interface Message {
  text: string;
  tone: Tone;
  id: number;
}

let listener: ((m: Message) => void) | null = null;
let nextId = 1;

/** Tells screen-reader and sighted users what an action did (one polite live region for the app). */
export function announce(text: string, tone: Tone = 'ok'): void {
  listener?.({ text, tone, id: nextId++ });
}

export function LiveRegion() {
  const [message, setMessage] = useState<Message | null>(null);
  useEffect(() => {
    listener = setMessage;
    return () => {
      listener = null;
    };
  }, []);
  return (
    <div
      class={`toast ${message ? `toast-${message.tone}` : ''}`}
      role="status"
      aria-live="polite"
      data-testid="announcer"
    >
      {message ? (
        <>
          <span key={message.id}>{message.text}</span>
          <button
            type="button"
            class="link-button"
            aria-label="Dismiss message"
            onClick={() => setMessage(null)}
          >
            ×
          </button>
        </>
      ) : null}
    </div>
  );
}
