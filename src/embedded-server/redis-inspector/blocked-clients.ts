// Who waits for calls, from CLIENT LIST. A callee waits in BRPOP on its URIs' call lists, but CLIENT
// LIST shows no keys: our callees carry their URIs in their connection name (broker/redis/
// client-names.ts). Other blocked BRPOPs (Go callees, unnamed clients) cannot be attributed to a URI
// and are counted apart; the results readers of our servers are recognised by name and left out.

import type { UnattributedWaiter } from '../../shared/redis-inspector';
import { parseCalleeClientName } from '../broker/redis/client-names';
import { type ClientInfo, isBlocked } from './client-list';

export type { UnattributedWaiter } from '../../shared/redis-inspector';

export interface CalleeWaiters {
  /** URI → callee connections blocked in BRPOP on its list. */
  waiting: Map<string, number>;
  /** URI → callee connections that list it, blocked or not (a busy callee is connected but not waiting). */
  connected: Map<string, number>;
  /** Blocked BRPOP clients whose name does not say what they wait on (Go callees, unnamed clients). */
  unattributed: UnattributedWaiter[];
  /** Callee connections whose name had no room for all of their URIs. */
  partiallyNamed: number;
  /** Our servers' results readers blocked in BRPOP (`juggler:<name>:results`). */
  resultReaders: number;
}

/** Adds one node's clients (call once per node in a cluster). */
export function addClients(into: CalleeWaiters, clients: ClientInfo[], node = ''): CalleeWaiters {
  for (const c of clients) {
    const callee = parseCalleeClientName(c.name);
    // BLMPOP: our callees and servers on redis 7 and later; BRPOP: Go's, and ours on older redis
    const blockedPop = isBlocked(c) && (c.cmd === 'brpop' || c.cmd === 'blmpop');
    if (callee) {
      for (const uri of callee.uris) {
        into.connected.set(uri, (into.connected.get(uri) ?? 0) + 1);
        if (blockedPop) into.waiting.set(uri, (into.waiting.get(uri) ?? 0) + 1);
      }
      if (callee.omitted > 0) into.partiallyNamed++;
      continue;
    }
    if (!blockedPop) continue;
    if (/^juggler:.*:results$/.test(c.name)) into.resultReaders++;
    else into.unattributed.push({ node, addr: c.addr, name: c.name, idleS: c.idleS });
  }
  return into;
}

export function emptyWaiters(): CalleeWaiters {
  return { waiting: new Map(), connected: new Map(), unattributed: [], partiallyNamed: 0, resultReaders: 0 };
}
