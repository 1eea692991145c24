// A clock for live figures (TTL countdowns, ages): re-renders the component every `intervalMs`.
import { useEffect, useState } from 'react';

export function useNow(intervalMs = 200): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
