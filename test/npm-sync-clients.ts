// The real npm data-sync clients (@hat-open/juggler 0.5.7, 0.6.18, 0.7.0 under the aliases
// juggler-0.5/0.6/0.7) loaded in Node, the way src/embedded-server/sync/interop.test.ts loads them:
// `ws`'s WebSocket as the browser global, a `window` and a minimal `document`, and 0.5.7 bundled with
// esbuild into a temporary ES module (it ships ES syntax without "type": "module"; node_modules is
// never edited).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WebSocket } from 'ws';

// biome-ignore lint/suspicious/noExplicitAny: the npm clients are untyped JavaScript (0.5.7) or typed loosely
export type Any = any;

export interface NpmSyncClients {
  j05: Any;
  j06: Any;
  j07: Any;
  /** Removes the temporary bundle. */
  dispose(): void;
}

export async function loadNpmSyncClients(): Promise<NpmSyncClients> {
  const g = globalThis as Any;
  // a browser WebSocket reports a refused connection as an event; `ws` also emits 'error' on its
  // EventEmitter side, which throws when nobody listens there
  g.WebSocket = class BrowserLikeWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('error', () => {});
    }
  };
  g.window = globalThis;
  g.document = { addEventListener() {}, removeEventListener() {}, body: null, querySelector: () => null };
  const require = createRequire(__filename);
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = await esbuild.build({
    entryPoints: [require.resolve('juggler-0.5')],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'juggler-05-'));
  const file = join(dir, 'juggler-0.5.mjs');
  writeFileSync(file, out.outputFiles[0]!.text);
  return {
    j05: await import(/* @vite-ignore */ pathToFileURL(file).href),
    j06: await import('juggler-0.6' as string),
    j07: await import('juggler-0.7' as string),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
