// What a store or feed needs of the bridge: calls and events. Stores take this, not BridgeClient, so
// tests hand them a small fake instead of a link to a host.
import type { BridgeClient } from '../../../shared/bridge/client';
import type { Link } from './transport';

export type BridgeLike = Pick<BridgeClient, 'call' | 'on'>;

/** What a feed needs of the link: its state changes (a reconnection reloads what events may have missed). */
export type LinkLike = Pick<Link, 'onState'>;
