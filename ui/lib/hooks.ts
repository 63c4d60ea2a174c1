import { useCallback, useEffect, useRef, useState } from 'react';
import { errorSays, whenSignedOut, whoAmI, type Page } from './api.ts';
import { followLive, type LiveEvent } from './live.ts';
import type { Me } from './session.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
  /** Why the last read failed: PakLog's code and words (`INTERNAL: An unexpected error occurred`), see {@link errorSays}. */
  readonly error: string | undefined;
  readonly loading: boolean;
  readonly reload: () => void;
}

/** Loads `fn` when `deps` change (and on `reload`), keeping the last data while the next load runs. */
export function useData<T>(fn: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  useEffect(() => {
    const run = ++latest.current;
    setLoading(true);
    fn().then((v) => {
      if (run !== latest.current) return;
      setData(v);
      setError(undefined);
      setLoading(false);
    }, (e: unknown) => {
      if (run !== latest.current) return;
      setError(errorSays(e));
      setLoading(false);
    });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/**
 * `value` once it has stayed the same for `ms` (the user stopped typing), and `apply` to take it at once (Enter).
 * A filter box reads with the settled value: a partial SKU typed letter by letter is not sent, so it is not refused
 * as unknown before the user has finished typing it; a complete entry that is unknown is still refused and said.
 */
export function useSettled<T>(value: T, ms = 500): readonly [T, () => void] {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return undefined;
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, settled, ms]);
  const apply = useCallback(() => setSettled(value), [value]);
  return [settled, apply];
}

export interface Paged<T> {
  /** The rows of every page read so far, undefined until the first answer. */
  readonly items: T[] | undefined;
  /** The API has rows past these (the list is cut): `loadMore` reads the next page. */
  readonly more: boolean;
  readonly error: string | undefined;
  readonly loading: boolean;
  /**
   * A `loadMore` not answered yet. Only this waits on the user: a read again for a live event (or a reload) does not,
   * so "Load more" stays clickable through it (a click then reads one page more than the read under way).
   */
  readonly loadingMore: boolean;
  readonly reload: () => void;
  readonly loadMore: () => void;
}

/**
 * A cursor-paged list (`limit` + `nextCursor`): the first page, and one page more on each `loadMore`. When `deps`
 * change (a live event, a reload) the pages shown are read again, as many as were shown, so a live update does not
 * fold the list back to its first page; when `filters` change it starts again at the first page.
 */
export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, filters: readonly unknown[], deps: readonly unknown[]): Paged<T> {
  const [pages, setPages] = useState(1);
  const key = JSON.stringify(filters);
  const [pagedKey, setPagedKey] = useState(key);
  if (pagedKey !== key) {
    // Adjusted while rendering (React's pattern for state that follows a prop): the read below already asks one page.
    setPagedKey(key);
    setPages(1);
  }
  const wanted = pagedKey === key ? pages : 1;
  const loaded = useData(async () => {
    const items: T[] = [];
    let cursor: string | undefined;
    let next: string | null = null;
    for (let i = 0; i < wanted; i++) {
      const page = await fetchPage(cursor);
      items.push(...page.items);
      next = page.nextCursor;
      if (next === null) break;
      cursor = next;
    }
    return { key, pages: wanted, items, more: next !== null };
  }, [...filters, ...deps, wanted]);
  const loadMore = useCallback(() => setPages((n) => n + 1), []);
  // A read of new filters that failed (an unknown SKU) leaves the rows of the old ones: they do not answer these.
  const data = loaded.error !== undefined && loaded.data?.key !== key ? undefined : loaded.data;
  const loadingMore = loaded.loading && data?.key === key && data.pages < wanted;
  return { items: data?.items, more: data?.more ?? false, error: loaded.error, loading: loaded.loading, loadingMore, reload: loaded.reload, loadMore };
}

/**
 * A counter that moves when the live stream reports events whose type starts with one of `prefixes` (e.g. `waves.`),
 * at most every `settleMs`: a view lists it in its `useData` deps and reads again, instead of polling.
 */
export function useLiveVersion(subscribe: (fn: (events: LiveEvent[]) => void) => () => void, prefixes: readonly string[], settleMs = 250): number {
  const [version, setVersion] = useState(0);
  const key = prefixes.join(',');
  useEffect(() => {
    let timer: number | undefined;
    const stop = subscribe((events) => {
      if (!events.some((e) => prefixes.some((p) => e.type.startsWith(p)))) return;
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        setVersion((v) => v + 1);
      }, settleMs);
    });
    return () => {
      stop();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [subscribe, key, settleMs]);
  return version;
}

/** One live stream per tab, shared by every view: subscribers are added and removed without reconnecting. */
export function createLiveHub(onState: (connected: boolean) => void): { subscribe: (fn: (events: LiveEvent[]) => void) => () => void; stop: () => void } {
  const listeners = new Set<(events: LiveEvent[]) => void>();
  const stop = followLive((events) => {
    for (const l of listeners) l(events);
  }, onState);
  return {
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    stop,
  };
}

/**
 * Calls `recheck` (its latest version) a quarter of a second after the live stream tells of an event whose type starts
 * with one of `prefixes`, once per burst, while `key` is defined: the handheld's screens re-read what a cancel or a
 * withdrawal elsewhere may have changed under them.
 */
export function useRecheckOnLive(prefixes: readonly string[], recheck: () => Promise<void>, key: string | undefined): void {
  const latest = useRef(recheck);
  latest.current = recheck;
  useEffect(() => {
    if (key === undefined) return undefined;
    let timer: number | undefined;
    const stop = followLive((events) => {
      if (timer !== undefined || !events.some((e) => prefixes.some((p) => e.type.startsWith(p)))) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        void latest.current();
      }, 250);
    });
    return () => {
      stop();
      if (timer !== undefined) window.clearTimeout(timer);
    };
  }, [key]);
}

/**
 * Who is signed in: null while asked, undefined when signed out (the API refused the credential, or a sign-out), else
 * the person or key. `error` says why it could not be known (no answer, PakLog's 5xx) and `retry` asks again: a screen
 * says so with a way out, not the sign-in form nor "Loading…" for ever.
 */
export function useWhoAmI(): { me: Me | undefined | null; setMe: (me: Me | undefined) => void; error: string | undefined; retry: () => void } {
  const [me, setMe] = useState<Me | undefined | null>(null);
  const [error, setError] = useState<string | undefined>(undefined);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    whenSignedOut(() => setMe(undefined));
  }, []);
  useEffect(() => {
    whoAmI().then((who) => {
      setError(undefined);
      setMe(who);
    }, (e: unknown) => setError(errorSays(e)));
  }, [attempt]);
  const retry = useCallback(() => {
    setError(undefined);
    setAttempt((n) => n + 1);
  }, []);
  return { me, setMe, error, retry };
}
