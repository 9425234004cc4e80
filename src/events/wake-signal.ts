/** A wake-up flag: `notify()` from anywhere; `wait(ms)` returns at once if notified since the last wait. */
export class WakeSignal {
  private notified = false;
  private resolve: (() => void) | undefined;

  notify(): void {
    this.notified = true;
    this.resolve?.();
  }

  async wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.notified && ms > 0 && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          this.resolve = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener('abort', done);
        this.resolve = done;
      });
    }
    this.notified = false;
  }
}
