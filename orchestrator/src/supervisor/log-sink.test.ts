/**
 * LogSink on a real full filesystem is proven end to end by test/reliability-disk-full;
 * here: the counting and the notice, with a file whose writes fail (a directory path),
 * and rotation.
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

describe('rotation', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-sink-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const line = (n: number): string => `line ${String(n).padStart(3, '0')} ${'x'.repeat(10)}\n`; // 20 bytes

  it('rotates at maxBytes, keeps `keep` old files, loses and splits no line among them', () => {
    const file = path.join(dir, 'svc.log');
    const sink = new LogSink(file, { maxBytes: 100, keep: 2 });
    for (let n = 0; n < 30; n++) sink.write(line(n));
    // Six full files so far: the last one rotated away, the new svc.log opens with the next write.
    expect(fs.readdirSync(dir).sort()).toEqual(['svc.log.1', 'svc.log.2']);
    sink.write(line(30));
    sink.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['svc.log', 'svc.log.1', 'svc.log.2']);
    const kept = ['svc.log.2', 'svc.log.1', 'svc.log'].map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('');
    // 5 lines per file: .2 and .1 hold lines 20-29, svc.log line 30.
    expect(kept).toBe(Array.from({ length: 11 }, (_, i) => line(20 + i)).join(''));
    expect(fs.statSync(path.join(dir, 'svc.log.1')).size).toBe(100);
  });

  it('waits for the end of a line, up to twice the size', () => {
    const file = path.join(dir, 'svc.log');
    const sink = new LogSink(file, { maxBytes: 100, keep: 1 });
    sink.write('x'.repeat(150));
    expect(fs.existsSync(`${file}.1`)).toBe(false);
    sink.write('y\n');
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe(`${'x'.repeat(150)}y\n`);
    sink.write('z'.repeat(199));
    expect(fs.readFileSync(file, 'utf8')).toBe('z'.repeat(199));
    sink.write('z');
    sink.close();
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('z'.repeat(200));
  });

  it('continues an existing file from its size, and never rotates without a rotation', () => {
    const file = path.join(dir, 'svc.log');
    fs.writeFileSync(file, 'x'.repeat(90) + '\n');
    const sink = new LogSink(file, { maxBytes: 100, keep: 1 });
    sink.write(line(1));
    sink.close();
    expect(fs.existsSync(`${file}.1`)).toBe(true);
    const plain = new LogSink(path.join(dir, 'plain.log'));
    for (let n = 0; n < 100; n++) plain.write(line(n));
    plain.close();
    expect(fs.existsSync(path.join(dir, 'plain.log.1'))).toBe(false);
  });
});
