// A multi-key BRPOP must stay within one cluster slot (CROSSSLOT otherwise), so the keys of a callee's
// URIs are grouped by slot and each group gets its own BRPOP.
import calculateSlot from 'cluster-key-slot';

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
