/**
 * A tiny external store for useSyncExternalStore. State is replaced (never mutated) on every
 * change; listeners are told once per animation frame at most, so a burst of events costs one
 * render, not one per event.
 */
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

export interface Store<T> {
  get(): T;
  set(next: T | ((prev: T) => T)): void;
  subscribe(listener: () => void): () => void;
}

/** Notify on the next frame, or after 100 ms when frames are paused (hidden window). */
function scheduleFrame(fn: () => void): void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    fn();
  };
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
  setTimeout(run, 100);
}

export function createStore<T>(initial: T, opts: { coalesce?: boolean } = {}): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  let scheduled = false;
  const notify = () => {
    scheduled = false;
    for (const l of [...listeners]) l();
  };
  return {
    get: () => state,
    set(next) {
      const value = typeof next === 'function' ? (next as (prev: T) => T)(state) : next;
      if (Object.is(value, state)) return;
      state = value;
      if (!opts.coalesce) {
        notify();
      } else if (!scheduled) {
        scheduled = true;
        scheduleFrame(notify);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/** Select a slice; the selector must return a stable value (an existing object or a primitive). */
export function useSelector<T, S>(store: Store<T>, selector: (state: T) => S): S {
  return useSyncExternalStore(
    store.subscribe,
    () => selector(store.get()),
    () => selector(store.get()),
  );
}

/**
 * Like useSelector, but re-renders at most once per `ms`: for views whose work is proportional to
 * the whole fleet (filter + sort of 10,000 screens), which need not follow every batch.
 */
export function useThrottledSelector<T, S>(
  store: Store<T>,
  selector: (state: T) => S,
  ms: number,
): S {
  const selectorRef = useRef(selector);
  selectorRef.current = selector;
  const [value, setValue] = useState(() => selector(store.get()));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    let last = 0;
    const flush = () => {
      timer = null;
      last = Date.now();
      setValue(() => selectorRef.current(store.get()));
    };
    // The mount's own computation does not start the throttle window: the first change after
    // it (typically the snapshot that fills an empty store) shows at once, not up to `ms` later.
    setValue(() => selectorRef.current(store.get()));
    const unsubscribe = store.subscribe(() => {
      if (timer) return;
      const wait = Math.max(0, last + ms - Date.now());
      timer = setTimeout(flush, wait);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [store, ms]);
  return value;
}
