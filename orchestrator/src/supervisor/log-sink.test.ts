/**
 * LogSink on a real full filesystem is proven end to end by test/reliability-disk-full;
 * here: the counting and the notice, with a file whose writes fail (a directory path).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LogSink } from './log-sink';

it('drops what it cannot write, then says how much was lost', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-sink-'));
  const file = path.join(dir, 'child.log');
  try {
    fs.mkdirSync(file); // opening a directory for append fails (EISDIR), as a full disk fails writes
    const sink = new LogSink(file);
    sink.write('first line\n');
    sink.write(Buffer.from('second\n'));
    expect(sink.dropped).toBe(18);
    fs.rmdirSync(file);
    sink.write('third\n');
    sink.close();
    expect(fs.readFileSync(file, 'utf8')).toBe('\n[supervisor] 18 bytes of output were dropped: EISDIR\nthird\n');
    expect(sink.dropped).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
