// Redis Cluster serves a multi-key command only when all its keys are in one slot (CROSSSLOT otherwise).
// So a callee's BRPOP keys, the timeout keys checked together after a pop, and the pushes sent in one
// script call are grouped by slot, each group its own command. On a single redis one group holds all.
import calculateSlot from 'cluster-key-slot';

/** `items` in groups whose keys share a cluster slot, in first-seen order; one group when not a cluster. */
export function groupBySlot<T>(items: T[], keyOf: (item: T) => string, cluster = true): T[][] {
  if (!cluster || items.length === 1) return [items];
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const slot = calculateSlot(keyOf(item));
    const g = groups.get(slot);
    if (g) g.push(item);
    else groups.set(slot, [item]);
  }
  return [...groups.values()];
}
