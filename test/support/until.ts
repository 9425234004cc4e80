/**
 * Polls an asynchronous check (a query, a call to another process) until it passes, failing after
 * `withinMs`. Resolves with the time it took.
 */
export async function until(check: () => Promise<boolean>, withinMs: number, everyMs = 50): Promise<number> {
  const t0 = performance.now();
  while (!(await check())) {
    if (performance.now() - t0 > withinMs) throw new Error(`condition not met within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return performance.now() - t0;
}
