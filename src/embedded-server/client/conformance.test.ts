// The client against the Go recordings (/work/shared/conformance/go-frames.json): for each scenario the
// client makes the same requests through its API, the server answers with the frames the Go server sent
// (uuids rewritten to the live ones), and the client must write frames of the recorded shape and settle
// each request as the recording implies.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageType } from '../message';
import { CallError, CallExpiredError, type JugglerClient, type JugglerEvent } from './index';
import { connect } from './node';
import { type RecordedFrame, ScriptedServer } from './testing/scripted-server';

interface Scenario {
  scenario: string;
  frames?: RecordedFrame[];
  protocol?: string | null;
}

const recordings = JSON.parse(readFileSync('/work/shared/conformance/go-frames.json', 'utf8')) as Scenario[];

// Scenarios whose requests the client API can make: valid requests that the Go server answered. (The
// others record the server's reaction to malformed frames, a server test's business.)
const replayable = recordings.filter(
  (s) => s.protocol === 'juggler.0' && s.frames?.length && s.frames.some((f) => f.dir === 'in') && s.scenario !== 'call-empty-uri',
);

const withoutUuids = (t: string) => t.trim().replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'U');

let server: ScriptedServer;
let client: JugglerClient;

beforeEach(async () => {
  server = await ScriptedServer.start();
  client = await connect(server.url);
});

afterEach(async () => {
  await client.close();
  await server.stop();
});

describe('replays of the Go recordings', () => {
  it('covers the request scenarios', () => {
    expect(replayable.map((s) => s.scenario)).toEqual(
      expect.arrayContaining([
        'call-echo',
        'call-reverse',
        'call-error-result',
        'call-unknown-uri',
        'sub-pub-unsb',
        'psub-pub',
        'unsb-not-subscribed',
      ]),
    );
  });

  it.each(replayable.map((s) => [s.scenario, s] as const))('%s', async (_name, s) => {
    const frames = s.frames!;
    server.replay(frames);
    const events: JugglerEvent[] = [];
    client.on('event', (e) => events.push(e));
    for (const f of frames.filter((x) => x.dir === 'out')) {
      const m = JSON.parse(f.text) as { meta: { type: number }; payload: Record<string, unknown> };
      const p = m.payload;
      const answers = frames.slice(frames.indexOf(f) + 1);
      const next = answers.findIndex((x) => x.dir === 'out');
      const replies = (next < 0 ? answers : answers.slice(0, next)).map(
        (x) => JSON.parse(x.text) as { meta: { type: number }; payload: { args?: unknown } },
      );
      switch (m.meta.type) {
        case MessageType.CALL: {
          const timeoutMs = typeof p.timeout === 'number' ? p.timeout / 1e6 : 0;
          const res = replies.find((r) => r.meta.type === MessageType.RES);
          const outcome = client.call(p.uri as string, p.args, { timeoutMs });
          const args = res?.payload.args as { error?: { message: string } } | undefined;
          if (!res) await expect(outcome).rejects.toBeInstanceOf(CallExpiredError);
          else if (args?.error) await expect(outcome).rejects.toMatchObject({ name: CallError.name, uri: p.uri, error: args.error });
          else await expect(outcome).resolves.toEqual(args);
          break;
        }
        case MessageType.PUB:
          await client.pub(p.channel as string, p.args);
          break;
        case MessageType.SUB:
          await client.sub(p.channel as string, { pattern: p.pattern as boolean });
          break;
        case MessageType.UNSB:
          await client.unsb(p.channel as string, { pattern: p.pattern as boolean });
          break;
      }
    }
    // our frames have the Go client's shape, field for field
    const sent = frames.filter((f) => f.dir === 'out').map((f) => withoutUuids(f.text));
    expect(server.received.map(withoutUuids)).toEqual(sent);
    // and each recorded EVNT reached the 'event' listeners
    const recordedEvents = frames.filter(
      (f) => f.dir === 'in' && (JSON.parse(f.text) as { meta: { type: number } }).meta.type === MessageType.EVNT,
    );
    await expect.poll(() => events.length).toBe(recordedEvents.length);
    for (const [i, f] of recordedEvents.entries()) {
      const p = (JSON.parse(f.text) as { payload: { channel: string; pattern?: string; args: unknown } }).payload;
      expect(events[i]).toMatchObject({ channel: p.channel, args: p.args, ...(p.pattern ? { pattern: p.pattern } : {}) });
    }
    expect(client.pendingCount).toBe(0);
  });
});
