/**
 * Keeps a lease alive while a piece of work runs in this process: `renew` every `everyMs` (never two at once) until the
 * returned stop is called or `renew` answers false (the lease is gone). A lease renewed this way lapses on its own soon
 * after the process dies — a SIGKILL, a lost database — so whoever watches it (a job that ends leases not renewed for a
 * while) can act within seconds without ever cutting short live work, however slow. The timer does not keep the process
 * up; a failed renewal is reported to `onError` and tried again at the next tick.
 */
export function keepRenewing(renew: () => Promise<boolean>, everyMs: number, onError: (e: unknown) => void): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    renew()
      .then((alive) => { if (!alive) clearInterval(timer); })
      .catch(onError)
      .finally(() => { busy = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
