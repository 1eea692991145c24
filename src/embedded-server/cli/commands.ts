import type { Command } from './command';

// The table of subcommands; `juggler --help` lists them in this order.
export const commands: Command[] = [];
