// When the Sync view may jump a replica back to a past revision: only the Studio's own, connected peers'
// local data, and never a system it only watches.
import { describe, expect, test } from 'vitest';
import type { SyncPeerInfo } from '../../../../shared/bridge/contract';
import { jumpAvailability } from './jump';

const own: SyncPeerInfo = {
  peerId: 'studio-client',
  role: 'client',
  generation: 'seed',
  connected: true,
  local: 1,
  remote: 2,
  localRevision: 3,
  remoteRevision: 1,
};

describe('jump to a revision', () => {
  test("the Studio's own local replica at a past revision can jump", () => {
    expect(jumpAvailability(own, 'local', 2, 3)).toEqual({ ok: true });
  });

  test('the current revision, a remote copy and a closed peer cannot, each saying why', () => {
    expect(jumpAvailability(own, 'local', 3, 3)).toMatchObject({ ok: false, why: expect.stringMatching(/current data already/) });
    expect(jumpAvailability(own, 'remote', 0, 3)).toMatchObject({ ok: false, why: expect.stringMatching(/follows the other peer/) });
    expect(jumpAvailability({ ...own, connected: false }, 'local', 0, 3)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/closed/),
    });
    expect(jumpAvailability(undefined, 'local', 0, 3).ok).toBe(false);
  });

  test('a watched peer never can: an attached server or a proxied connection', () => {
    const attached = { ...own, peerId: 'attach-1', target: { targetId: 't1', kind: 'attach' as const, url: 'ws://h:1/' } };
    expect(jumpAvailability(attached, 'local', 0, 3)).toEqual({
      ok: false,
      why: 'The Studio only watches the attached sync server ws://h:1/: it never changes a system it only watches.',
    });
    const proxied = {
      ...own,
      peerId: 'proxy-1-c1-server',
      target: { targetId: 't2', kind: 'proxy' as const, url: 'ws://h:2/', connId: 'c1' },
    };
    expect(jumpAvailability(proxied, 'remote', 0, 3)).toMatchObject({
      ok: false,
      why: expect.stringMatching(/only watches the sync proxy/),
    });
  });
});
