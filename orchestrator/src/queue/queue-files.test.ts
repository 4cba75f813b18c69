import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findQueued, listQueue } from './queue-files';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-files-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A queue file as Haraka's outbound writes it: 4-byte length, the todo JSON, the message. */
function writeEntry(name: string, todo: object, message = 'Subject: x\r\n\r\nhello\r\n'): void {
  const json = Buffer.from(`\n${JSON.stringify(todo)}\n`);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  fs.writeFileSync(path.join(dir, name), Buffer.concat([length, json, Buffer.from(message)]));
}

const todo = (uuid: string, rcpt: string): object => ({
  queue_time: 1,
  domain: 'remote.test',
  rcpt_to: [{ original: `<${rcpt}>`, host: 'remote.test', user: rcpt.split('@')[0] }],
  mail_from: { original: '<alice@acme.test>', host: 'acme.test', user: 'alice' },
  notes: {},
  uuid,
});

describe('listQueue', () => {
  it('reads each entry: id, envelope, attempts and times from the file name', () => {
    writeEntry('1795593270233_1795593330293_2_27621_VOz1C8_4_mail.test', todo('T1.1.1', 'later@remote.test'));
    writeEntry('1795593270000_1795593270000_0_27621_AbCdEf_1_mail.test', todo('T0.1.1', 'first@remote.test'));
    const list = listQueue(dir);
    expect(list.map((m) => m.id)).toEqual(['T0.1.1', 'T1.1.1']);
    expect(list[1]).toMatchObject({
      file: '1795593270233_1795593330293_2_27621_VOz1C8_4_mail.test',
      domain: 'remote.test',
      sender: 'alice@acme.test',
      recipients: ['later@remote.test'],
      attempts: 2,
      queuedAt: new Date(1795593270233).toISOString(),
      nextAttempt: new Date(1795593330293).toISOString(),
    });
    expect(findQueued(dir, 'T1.1.1')?.recipients).toEqual(['later@remote.test']);
    expect(findQueued(dir, 'nope')).toBeUndefined();
  });

  it('skips files being written, set aside, foreign or truncated, and a missing directory', () => {
    writeEntry('__tmp__.1795593270233_1795593270233_0_1_a_1_h', todo('A', 'a@remote.test'));
    writeEntry('error.1795593270233_1795593270233_0_1_b_1_h', todo('B', 'b@remote.test'));
    fs.writeFileSync(path.join(dir, 'README'), 'not a queue file');
    fs.writeFileSync(path.join(dir, '1_1_0_1_c_1_h'), Buffer.from([0, 0, 9, 9, 1]));
    expect(listQueue(dir)).toEqual([]);
    expect(listQueue(path.join(dir, 'missing'))).toEqual([]);
  });

  it('shows the null sender as <>', () => {
    writeEntry('1_1_0_1_d_1_h', { ...todo('D', 'x@remote.test'), mail_from: { original: '<>', host: '', user: '' } });
    expect(listQueue(dir)[0]?.sender).toBe('<>');
  });
});
