// A multi-key BRPOP must stay within one cluster slot (CROSSSLOT otherwise), so the keys of a callee's
// URIs are grouped by slot and each group gets its own BRPOP.
import calculateSlot from 'cluster-key-slot';

/** The cluster slot of a key (its hash tag's, where it has one). */
export const keySlot = (key: string): number => calculateSlot(key);

export function groupBySlot(keys: string[]): string[][] {
  const groups = new Map<number, string[]>();
  for (const k of keys) {
    const slot = calculateSlot(k);
    let g = groups.get(slot);
    if (!g) {
      g = [];
      groups.set(slot, g);
    }
    g.push(k);
  }
  return [...groups.values()];
}
