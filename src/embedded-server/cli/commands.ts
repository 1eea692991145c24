import { calleeCommand } from './callee';
import { clientCommand } from './client';
import type { TableCommand } from './flag-table';
import { loadCommand } from './load';
import { proxyCommand } from './proxy';
import { serverCommand } from './server';
import { syncClientCommand } from './sync-client';
import { syncProxyCommand } from './sync-proxy';
import { syncServerCommand } from './sync-server';
import { upCommand } from './up';

// The table of subcommands; `juggler --help` lists them in this order.
export const commands: TableCommand[] = [
  upCommand,
  serverCommand,
  calleeCommand,
  clientCommand,
  loadCommand,
  proxyCommand,
  syncServerCommand,
  syncClientCommand,
  syncProxyCommand,
];
