// The three wire generations share no handshake and no version field (spec, table at the top); a peer is
// configured for one, and can tell from a received frame which one the other side speaks.
export const GENERATIONS = ['seed', '0.6', '0.7'] as const;
export type Generation = (typeof GENERATIONS)[number];

const SEED_TYPES = new Set(['DATA', 'MESSAGE', 'PING', 'PONG']);
const V06_TYPES = new Set(['request', 'response', 'state', 'notify']);

export function isGeneration(value: unknown): value is Generation {
  return (GENERATIONS as readonly unknown[]).includes(value);
}

/**
 * The generation a received text frame belongs to: `{` starts seed (upper-case `type`) or 0.6 (lower-case
 * `type`); `0`-`3` starts 0.7. Undefined when the frame fits none of them.
 */
export function detectGeneration(frame: string): Generation | undefined {
  const first = frame[0];
  if (first !== undefined && first >= '0' && first <= '3') return '0.7';
  if (first !== '{') return undefined;
  let type: unknown;
  try {
    type = (JSON.parse(frame) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
  if (typeof type !== 'string') return undefined;
  if (SEED_TYPES.has(type)) return 'seed';
  if (V06_TYPES.has(type)) return '0.6';
  return undefined;
}
