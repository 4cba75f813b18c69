#!/usr/bin/env node
// Runs jest and ends with the one line CI reads: "N passed, N failed".
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// Strict type errors anywhere (tests included; ts-jest only transpiles) fail the run.
const typecheck = spawnSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.test.json'], {
  cwd: root,
  stdio: 'inherit',
});

const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mail-tests-')), 'jest.json');
const args = ['--runInBand', '--forceExit', '--json', `--outputFile=${report}`, ...process.argv.slice(2)];
const run = spawnSync(process.execPath, [path.join(root, 'node_modules', 'jest', 'bin', 'jest.js'), ...args], {
  cwd: root,
  stdio: 'inherit',
});

let passed = 0;
let failed = 0;
try {
  const results = JSON.parse(fs.readFileSync(report, 'utf8'));
  passed = results.numPassedTests;
  // A suite that fails to load counts as a failure even though it ran no test.
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
} catch {
  failed = Math.max(failed, 1);
}
if (typecheck.status !== 0) {
  console.error('typecheck failed (tsc -p tsconfig.test.json)');
  failed += 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
