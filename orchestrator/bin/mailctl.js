#!/usr/bin/env node
// npm links this file at install time, before the TypeScript build exists.
require('../dist/cli/mailctl.js');
