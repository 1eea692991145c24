// The Go key layout (../shared/spec/juggler.md, "RPC through redis"). The {...} hash tags keep a list
// and its timeout keys in one redis-cluster slot: calls are placed by URI, results by connection.

export const callKey = (uri: string): string => `juggler:calls:{${uri}}`;
export const callTimeoutKey = (uri: string, msgUUID: string): string => `juggler:calls:timeout:{${uri}}:${msgUUID}`;
/** The URI of a key made by callKey. */
export const uriOfCallKey = (key: string): string => key.slice('juggler:calls:{'.length, -1);
export const resultKey = (connUUID: string): string => `juggler:results:{${connUUID}}`;
export const resultTimeoutKey = (connUUID: string, msgUUID: string): string => `juggler:results:timeout:{${connUUID}}:${msgUUID}`;

export const KEY_PREFIX = 'juggler:';

/**
 * Why a list and its timeout key would land in different cluster slots, or undefined when they share
 * one. Redis hashes only the part between the first "{" and the next "}" when it is not empty; our keys
 * put the URI (or connection id) there, so one that starts with "}" leaves an empty tag, each whole key
 * is hashed, and a push (which writes both keys in one script) is refused with CROSSSLOT.
 */
export function crossSlotReason(tagged: string): string | undefined {
  if (tagged.startsWith('}'))
    return `it starts with "}", which closes the key's {hash tag} empty, so its list and timeout keys hash to different cluster slots`;
  return undefined;
}
