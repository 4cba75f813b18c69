import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readyEntries, saLearnArgs } from './trainer';

describe('the learn queue', () => {
  it('takes complete files only, oldest name first, at most `limit`', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'learn-'));
    for (const name of ['200.1', '.tmp.abc', '100.2', '300.3']) fs.writeFileSync(path.join(dir, name), 'x');
    expect(readyEntries(dir, 2)).toEqual([path.join(dir, '100.2'), path.join(dir, '200.1')]);
    expect(readyEntries(path.join(dir, 'missing'), 10)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs sa-learn with the private config, and file names never read as options', () => {
    expect(saLearnArgs('/d/cfg', 'ham', ['/q/-x'])).toEqual(['--siteconfigpath', '/d/cfg', '--ham', '--', '/q/-x']);
  });
});
