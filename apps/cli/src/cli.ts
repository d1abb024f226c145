#!/usr/bin/env node
import { runCli } from './run-cli.js';

// The `webgrad` bin. process.exit (rather than exitCode) also ends a run whose
// backend keeps native handles open (a WebGPU device); stdout and stderr are
// synchronous for files, pipes and terminals on Linux, so nothing is lost.
const code = await runCli(process.argv.slice(2));
process.exit(code);
