// The Go key layout (../shared/spec/juggler.md, "RPC through redis"). The {...} hash tags keep a list
// and its timeout keys in one redis-cluster slot: calls are placed by URI, results by connection.

export const callKey = (uri: string): string => `juggler:calls:{${uri}}`;
export const callTimeoutKey = (uri: string, msgUUID: string): string => `juggler:calls:timeout:{${uri}}:${msgUUID}`;
/** The URI of a key made by callKey. */
export const uriOfCallKey = (key: string): string => key.slice('juggler:calls:{'.length, -1);
export const resultKey = (connUUID: string): string => `juggler:results:{${connUUID}}`;
export const resultTimeoutKey = (connUUID: string, msgUUID: string): string => `juggler:results:timeout:{${connUUID}}:${msgUUID}`;

export const KEY_PREFIX = 'juggler:';
