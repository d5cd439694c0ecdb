/**
 * A command control's value: the screen's current one (from its telemetry) until the operator
 * changes it, so the brightness slider and power select open at what the screen is doing now
 * and follow it while untouched, never at a made-up default.
 */
import { useEffect, useState } from 'react';

export function useCurrentValue<T>(current: T | undefined, fallback: T): [T, (v: T) => void] {
  const [chosen, setChosen] = useState<T | undefined>(undefined);
  const [shown, setShown] = useState<T>(current ?? fallback);
  useEffect(() => {
    if (chosen === undefined && current !== undefined) setShown(current);
  }, [current, chosen]);
  return [
    chosen ?? shown,
    (v: T) => {
      setChosen(v);
      setShown(v);
    },
  ];
}
