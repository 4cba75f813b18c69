import { DSN, HookCode, type HarakaPlugin, type Next } from './haraka';
import { CONTINUE, guardHook, settle, type HookAnswer } from './hook-guard';

function fakePlugin(): HarakaPlugin & { errors: string[] } {
  const errors: string[] = [];
  return { name: 'test', errors, logerror: (m: string) => void errors.push(m) } as unknown as HarakaPlugin & { errors: string[] };
}

/** Calls a guarded hook and resolves with every call of `next`, once the hook settled. */
async function run(body: () => Promise<HookAnswer>, next?: Next): Promise<Array<[unknown, unknown]>> {
  const calls: Array<[unknown, unknown]> = [];
  const plugin = fakePlugin();
  const hook = guardHook('test', body);
  hook.call(plugin, next ?? ((code, message) => void calls.push([code, message])), {});
  await new Promise((resolve) => setImmediate(resolve));
  return calls;
}

describe('guardHook', () => {
  it('passes the body\'s answer to next once', async () => {
    expect(await run(async () => ({ code: HookCode.DENY, message: 'no' }))).toEqual([[HookCode.DENY, 'no']]);
    expect(await run(async () => CONTINUE)).toEqual([[HookCode.CONT, undefined]]);
  });

  it('turns a throw or a rejection into 451 4.3.0, never into acceptance', async () => {
    for (const body of [
      () => {
        throw new Error('sync');
      },
      async () => {
        throw new Error('async');
      },
    ]) {
      const [[code, message]] = (await run(body as () => Promise<HookAnswer>)) as [[unknown, DSN]];
      expect(code).toBe(HookCode.DENYSOFT);
      expect(message).toBeInstanceOf(DSN);
      expect(message.code).toBe(451);
      expect(message.reply).toMatch(/^4\.3\.0 /);
    }
  });

  it('survives a next() that throws without an unhandled rejection', async () => {
    const calls = await run(async () => CONTINUE, () => {
      throw new Error('haraka broke');
    });
    expect(calls).toEqual([]);
  });

  it('gives Haraka a reply object it recognises by class name', () => {
    const reply = new DSN(530, '5.7.0 Authentication required');
    expect(reply.constructor.name).toBe('DSN');
    expect(String(reply)).toBe('5.7.0 Authentication required');
  });
});

describe('settle', () => {
  it('delivers a value once, or the fallback once', async () => {
    const seen: string[] = [];
    settle(async () => 'v', (v) => void seen.push(`ok:${v}`), () => void seen.push('fallback'), () => void seen.push('report'));
    settle(() => Promise.reject(new Error('x')), () => void seen.push('ok'), (e) => void seen.push(`fallback:${(e as Error).message}`), () => void seen.push('report'));
    settle(() => {
      throw new Error('sync');
    }, () => void seen.push('ok'), () => void seen.push('fallback:sync'), () => void seen.push('report'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen.sort()).toEqual(['fallback:sync', 'fallback:x', 'ok:v']);
  });
});
