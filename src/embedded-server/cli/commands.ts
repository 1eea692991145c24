import { calleeCommand } from './callee';
import type { Command } from './command';
import { serverCommand } from './server';

// The table of subcommands; `juggler --help` lists them in this order.
export const commands: Command[] = [serverCommand, calleeCommand];
