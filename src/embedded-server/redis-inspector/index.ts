export * from './binary-text';
export * from './errors';
export * from './inspector';
export type { ListEntry, ListKind, ListPage, PeekOptions, TtlInfo } from './list-peek';
export { MAX_PAGE } from './list-peek';
export type { CallView, PayloadView } from './payload-view';
export type * from './snapshot';
export type { TapFilter, TapMessage } from './tap';
