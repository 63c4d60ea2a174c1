import { useCallback, useEffect, useRef, useState } from 'react';
import { followLive, type LiveEvent } from './live.ts';

export interface Loaded<T> {
  readonly data: T | undefined;
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
      setError(e instanceof Error ? e.message : String(e));
      setLoading(false);
    });
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
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
