#!/usr/bin/env node
import { PACKAGE_NAME } from './index';

// Placeholder entry for the `webgrad` bin until the commands land.
console.error(`${PACKAGE_NAME}: no commands yet (train, sample, eval, bench, info are coming)`);
process.exitCode = 1;
