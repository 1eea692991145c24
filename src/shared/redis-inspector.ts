// What the redis inspector reports (src/embedded-server/redis-inspector), as data only: the bridge contract and
// the renderer read these shapes, so they live here, where neither side's code is imported.

export interface BinaryText {
  /** Readable form: the UTF-8 text, with invalid bytes and control characters escaped. */
  text: string;
  /** The original bytes, present when `text` is not exactly them (escaped or cut) and `withBytes` was asked. */
  base64?: string;
  /** Length of the original in bytes. */
  bytes: number;
  /** `text` stops at the preview limit. */
  truncated?: boolean;
}

export interface CallView {
  msgUUID: string;
  connUUID: string;
  uri: string;
  /** The args' JSON text, cut to the preview length. */
  args: BinaryText;
}

export interface PayloadView {
  /** Length of the entry in bytes. */
  bytes: number;
  /** The decoded call or result, when the entry is a juggler payload. */
  call?: CallView;
  /** The entry itself, when it is not a juggler payload. */
  raw?: BinaryText;
  /** Why it is not a juggler payload. */
  error?: string;
}

/** What the timeout key of a pending call or result says. */
export interface TtlInfo {
  /** Time left before it expires, ms. Absent when the key is gone or has no TTL. */
  ttlMs?: number;
  /** Time since it was pushed, ms: the TTL it was pushed with (the timeout key's value) minus ttlMs. */
  ageMs?: number;
  /** The timeout key is gone: whoever pops this entry will drop it as expired. */
  expired?: boolean;
  /** The timeout key exists without a TTL, or cannot be read: not something juggler writes. */
  ttlError?: string;
}

export interface ListEntry extends PayloadView, TtlInfo {
  /** LRANGE index: 0 is the newest entry (pushed last), length − 1 the oldest. */
  index: number;
}

export type ListKind = 'calls' | 'results' | 'other';

export interface ListPage {
  key: BinaryText;
  kind: ListKind;
  /** LLEN now. */
  length: number;
  from: 'newest' | 'oldest';
  start: number;
  /** In the order read from `from`: newest first, or oldest first. */
  entries: ListEntry[];
  /** The entry a callee or server takes next (the right end), with its age when derivable. */
  oldest?: ListEntry;
}

/** A pending call of a URI, oldest first. */
export interface PendingCall {
  /** LRANGE index (0 newest). */
  index: number;
  msgUUID: string;
  connUUID: string;
  args: BinaryText;
  ttlMs?: number;
  ageMs?: number;
  /** Its timeout key is gone: the callee that pops it will drop it. */
  expired?: boolean;
}

export interface PendingCalls {
  uri: string;
  /** LLEN when the first page was read. */
  length: number;
  /** Oldest first (the order callees take them). */
  calls: PendingCall[];
  /** Entries of the list that are not juggler payloads. */
  malformed: ListEntry[];
  /** maxPendingCalls was reached. */
  truncated: boolean;
}

export interface TapMessage {
  channel: BinaryText;
  /** The pattern it matched, for pattern subscriptions. */
  pattern?: string;
  /** The payload as text (cut to the preview length; `payload.bytes` is its full size). */
  payload: BinaryText;
  /** Set for a juggler publication. */
  msgUUID?: string;
  args?: BinaryText;
  /** Why it is not a juggler publication. */
  error?: string;
  /** Date.now() when it arrived. */
  receivedAt: number;
}

export interface InspectorSnapshot {
  /** Date.now() when it was started. */
  takenAt: number;
  durationMs: number;
  redis: {
    /** Without password. */
    url: string;
    cluster: boolean;
    /** Scanned servers: the single redis (address '') or each cluster master. */
    nodes: NodeScan[];
  };
  scan: {
    match: string;
    /** Juggler keys looked at, over all nodes. */
    keysSeen: number;
    maxKeys: number;
    /** maxKeys was reached: counts below are lower bounds. */
    truncated: boolean;
  };
  /** Every URI with a call list, call timeout keys or a callee naming it; sorted by URI. */
  uris: UriSummary[];
  /** Every connection id with a result list or result timeout keys; sorted. */
  results: ResultSummary[];
  /** Keys under `juggler:` of no known kind (count, and a sample with their types). */
  otherKeys: { count: number; sample: { key: BinaryText; type: string }[] };
  /** Call or result list keys holding something else than a list (WRONGTYPE). */
  typeMismatches: { key: BinaryText; expected: 'list'; actual: string }[];
  pubsub: {
    /** Channels with at least one subscriber (PUBSUB CHANNELS), the inspector's taps included, sorted. */
    channels: ChannelSummary[];
    /** More channels than maxChannels: the rest were not counted. */
    channelsTruncated: boolean;
    /** Pattern subscriptions (PUBSUB NUMPAT), not counting the inspector's taps. */
    patterns: number;
    /** Pattern subscriptions of the inspector's own taps. */
    inspectorTapPatterns: number;
  };
  waiters: {
    /** Clients blocked in BRPOP whose name does not say on what (Go callees, unnamed clients). */
    unattributed: UnattributedWaiter[];
    /** Our servers' results readers blocked in BRPOP. */
    resultReaders: number;
    /** Callee connections whose names had no room for all their URIs. */
    partiallyNamedCallees: number;
  };
  /** Sections that could not be read, and why. */
  issues: SnapshotIssue[];
}

export interface NodeScan {
  /** `host:port` in a cluster, '' for a single redis. */
  address: string;
  keysSeen: number;
  /** SCAN went all the way round (not cut by maxKeys). */
  complete: boolean;
}

export interface ListSummary {
  /** Pass it to peekList. */
  key: BinaryText;
  length: number;
  /** The entry popped next (right end): its msg uuid, time left and age when derivable. */
  oldest?: OldestEntry;
}

export interface OldestEntry extends TtlInfo {
  msgUUID?: string;
  /** Why it could not be decoded. */
  error?: string;
}

export interface UriSummary {
  uri: string;
  /** Length of the call list (0 without one). */
  pending: number;
  callList?: ListSummary;
  /** Call timeout keys of this URI (one per pending call that has not expired). */
  timeoutKeys: number;
  /** Callee connections blocked in BRPOP on this URI now. */
  calleesWaiting: number;
  /** Callee connections that serve this URI, waiting or busy. */
  calleesConnected: number;
  /** Calls are pending and no callee waits for them (the UI's badge). Go callees are unattributed. */
  noCalleeWaiting: boolean;
}

export interface ResultSummary {
  conn: string;
  pending: number;
  resultList?: ListSummary;
  timeoutKeys: number;
}

export interface ChannelSummary {
  channel: BinaryText;
  /** Subscribers other than the inspector's taps (PUBSUB NUMSUB, summed over cluster nodes). */
  subscribers: number;
  /** The inspector's own taps on this channel. */
  inspectorTaps: number;
}

export interface SnapshotIssue {
  section: 'keys' | 'lists' | 'pubsub' | 'clients' | 'cluster';
  message: string;
}

export interface UnattributedWaiter {
  /** `host:port` of the redis node it is connected to (cluster), empty on a single redis. */
  node: string;
  addr: string;
  name: string;
  /** Seconds it has been blocked. */
  idleS: number;
}
