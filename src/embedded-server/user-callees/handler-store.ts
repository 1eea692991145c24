// Handlers on disk: one JSON file per URI in `<dataDir>/callees/`, written atomically (temp file, then
// rename) so that a crash mid-write leaves the previous version, never half a file.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandlerLanguage } from './compile';
import { UserCalleeError } from './errors';

export interface StoredHandler {
  uri: string;
  language: HandlerLanguage;
  source: string;
  version: number;
  /** ISO 8601. */
  updatedAt: string;
  /** stop() was called and start() not since: the handler loads stopped. */
  stopped: boolean;
}

/**
 * A file name for a URI: percent-encoded (also the characters Windows refuses), and a hash instead
 * of the tail when it would pass the usual 255-byte name limit. The URI itself is read from the file.
 */
export function fileNameFor(uri: string): string {
  const enc = encodeURIComponent(uri).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const name = enc.startsWith('.') ? `%2E${enc.slice(1)}` : enc;
  if (name.length <= 200) return `${name}.json`;
  return `${name.slice(0, 150)}-${createHash('sha256').update(uri).digest('hex').slice(0, 32)}.json`;
}

export class HandlerStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'callees');
  }

  /** Every stored handler; files that cannot be read are reported through `onBadFile` and skipped. */
  async load(onBadFile: (file: string, err: Error) => void): Promise<StoredHandler[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new UserCalleeError('STORE_FAILED', `cannot read the user callee handlers in ${this.dir}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const out: StoredHandler[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const file = join(this.dir, name);
      try {
        out.push(parseStored(JSON.parse(await readFile(file, 'utf8'))));
      } catch (err) {
        onBadFile(file, err as Error);
      }
    }
    return out;
  }

  async save(h: StoredHandler): Promise<void> {
    const file = join(this.dir, fileNameFor(h.uri));
    const tmp = `${file}.${randomUUID()}.tmp`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(tmp, `${JSON.stringify(h, null, 2)}\n`);
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => undefined);
      throw new UserCalleeError('STORE_FAILED', `cannot write the handler of ${h.uri} to ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async remove(uri: string): Promise<void> {
    const file = join(this.dir, fileNameFor(uri));
    try {
      await rm(file, { force: true });
    } catch (err) {
      throw new UserCalleeError('STORE_FAILED', `cannot delete the handler file ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
}

function parseStored(v: unknown): StoredHandler {
  const o = v as Partial<StoredHandler> | null;
  if (!o || typeof o.uri !== 'string' || typeof o.source !== 'string') throw new Error('not a handler file (uri and source expected)');
  if (o.language !== 'js' && o.language !== 'ts') throw new Error(`unknown language ${JSON.stringify(o.language)}`);
  return {
    uri: o.uri,
    language: o.language,
    source: o.source,
    version: typeof o.version === 'number' ? o.version : 1,
    updatedAt: typeof o.updatedAt === 'string' ? o.updatedAt : new Date(0).toISOString(),
    stopped: o.stopped === true,
  };
}
