export * from './close-codes';
export * from './errors';
export * from './hooks';
export * from './options';
export { JugglerProxy, type ListenOptions, type ProxyConnSnapshot } from './proxy';
export type { ProxyCounters } from './proxy-connection';
export { FORWARDED_HEADERS, isForwarded, parseHeaderLine, upstreamUrl } from './upstream-request';
