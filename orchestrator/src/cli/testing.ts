/**
 * Test support: runs the BUILT mailctl as a child process, the way an operator
 * does. Kept free of jest so it type-checks with the rest of the package.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const MAILCTL = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'mailctl.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
}

export function builtCliExists(): boolean {
  return fs.existsSync(MAILCTL);
}

/** Runs mailctl with exactly these arguments. */
export function runMailctl(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  const env = { ...process.env, MAILCTL_DEBUG: '', ...options.env };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAILCTL, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** A mailctl bound to one data directory. */
export function mailctlIn(dataDir: string): (...args: string[]) => Promise<CliResult> {
  return (...args) => runMailctl(['--data-dir', dataDir, ...args]);
}
