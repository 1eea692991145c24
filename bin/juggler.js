#!/usr/bin/env node

// Runs the built CLI (dist/, made by `npm run build` or `npm run build:node`).
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const entry = join(__dirname, '..', 'dist', 'embedded-server', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('juggler: the CLI is not built yet. Run `npm run build:node` (or `npm run build`) first.');
  process.exit(2);
}
const { main, processIO } = require(entry);
main(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
