// The program each handler worker runs, as JavaScript source: the worker is created with
// `new Worker(WORKER_SOURCE, { eval: true })`, so no worker file has to exist next to the code that
// starts it, under Vitest (TypeScript sources) as in dist/ (tsc output) or a bundle.
//
// SECURITY: a worker thread is not a security sandbox. It shares the process with the Studio host; code
// in it can reach process.binding, the environment, and more. What the worker gives is isolation
// against mistakes: an endless loop is terminated, a memory hog hits its own heap limit, a crash takes
// down only its worker. The restricted require() below keeps honest handlers away from the file system,
// network and child processes (they run inside the Studio host); it does not stop a hostile one. Run
// only code you trust, as you would in any local playground.
//
// Protocol (host → worker): {type:'call', id, args, ctx:{uri, msgUUID, ttlMs}}.
// Worker → host: {type:'ready'} | {type:'load-error', error} once, then {type:'result', id, text} or
// {type:'result', id, error}, and {type:'log', level, text, msgUUID} whenever the handler logs.
// error = {message, name, stack, result}: result is the error's own JSON form, or {error:{message}}.

export interface WorkerInit {
  code: string;
  filename: string;
  uri: string;
  allowedModules: readonly string[];
  maxLogChars: number;
}

export interface SerializedError {
  message: string;
  name?: string;
  stack?: string;
  result: unknown;
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'result'; id: number; text: string }
  | { type: 'result'; id: number; error: SerializedError }
  | { type: 'log'; level: LogLevel; text: string; msgUUID?: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface WorkerCall {
  type: 'call';
  id: number;
  args: unknown;
  ctx: { uri: string; msgUUID: string; ttlMs: number };
}

export const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const vm = require('node:vm');
const util = require('node:util');
const init = workerData;
let currentCall;

function post(m) {
  parentPort.postMessage(m);
}

function log(level, args) {
  let text;
  try {
    text = util.format.apply(null, args);
  } catch (e) {
    text = '(unprintable: ' + (e && e.message) + ')';
  }
  if (text.length > init.maxLogChars) {
    text = text.slice(0, init.maxLogChars) + '... (' + (text.length - init.maxLogChars) + ' more characters)';
  }
  post({ type: 'log', level, text, msgUUID: currentCall });
}

const userConsole = {
  log: (...a) => log('info', a),
  info: (...a) => log('info', a),
  debug: (...a) => log('debug', a),
  trace: (...a) => log('debug', a),
  warn: (...a) => log('warn', a),
  error: (...a) => log('error', a),
  dir: (o) => log('info', [util.inspect(o)]),
  table: (o) => log('info', [util.inspect(o)]),
};
// the worker's own console too, so that nothing the handler prints goes around the log callback
globalThis.console = userConsole;

const allowed = new Set(init.allowedModules);
function userRequire(id) {
  const name = String(id);
  const full = name.startsWith('node:') ? name : 'node:' + name;
  if (allowed.has(full)) return require(full);
  const e = new Error(
    "require('" + name + "') is refused in a user callee: handlers run inside the Studio host, " +
      'so only these modules are available: ' + init.allowedModules.join(', '),
  );
  e.code = 'MODULE_NOT_ALLOWED';
  throw e;
}

function describe(v) {
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object with keys [' + Object.keys(v).join(', ') + ']';
  return 'a ' + typeof v;
}

function serializeError(e) {
  let message;
  if (e instanceof Error) message = e.message;
  else if (typeof e === 'string') message = e;
  else {
    try {
      message = JSON.stringify(e);
    } catch {}
    if (message === undefined) message = String(e);
  }
  let result = { error: { message } };
  if (e && typeof e.toJSON === 'function') {
    try {
      result = JSON.parse(JSON.stringify(e.toJSON()));
    } catch {}
  }
  return { message, name: e && e.name, stack: e && typeof e.stack === 'string' ? e.stack : undefined, result };
}

let handler;
try {
  const module = { exports: {} };
  const body = vm.compileFunction(init.code, ['exports', 'require', 'module', 'console', '__filename', '__dirname'], {
    filename: init.filename,
  });
  body.call(module.exports, module.exports, userRequire, module, userConsole, init.filename, '.');
  let exported = module.exports;
  // export default → exports.default (esbuild marks the module __esModule); module.exports = fn as is
  if (typeof exported !== 'function' && exported && typeof exported === 'object' && 'default' in exported) exported = exported.default;
  if (typeof exported !== 'function') {
    throw new TypeError(
      'a handler must export a function: export default (args, ctx) => result, or module.exports = (args, ctx) => result; this one exports ' +
        describe(exported),
    );
  }
  handler = exported;
} catch (e) {
  post({ type: 'load-error', error: serializeError(e) });
}

if (handler) {
  parentPort.on('message', async (m) => {
    if (!m || m.type !== 'call') return;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(new Error('call ' + m.ctx.msgUUID + ' to ' + m.ctx.uri + ' timed out')), m.ctx.ttlMs);
    currentCall = m.ctx.msgUUID;
    try {
      const value = await handler(m.args, { uri: m.ctx.uri, msgUUID: m.ctx.msgUUID, ttlMs: m.ctx.ttlMs, signal: ac.signal });
      let text;
      try {
        text = JSON.stringify(value === undefined ? null : value);
      } catch (e) {
        throw new TypeError('the result of ' + m.ctx.uri + ' cannot be encoded as JSON: ' + e.message);
      }
      post({ type: 'result', id: m.id, text: text === undefined ? 'null' : text });
    } catch (e) {
      post({ type: 'result', id: m.id, error: serializeError(e) });
    } finally {
      clearTimeout(timer);
      currentCall = undefined;
    }
  });
  post({ type: 'ready' });
}
`;
