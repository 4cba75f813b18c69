#!/usr/bin/env node
/** The `mailctl` executable: a thin front end over MailServices (see main.ts). */
import { main } from './main';

// `mailctl user list | head -1` closes the pipe early; that is not an error worth a stack.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

void main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
}).then((code) => {
  // exitCode, not exit(): let stdout drain first.
  process.exitCode = code;
});
