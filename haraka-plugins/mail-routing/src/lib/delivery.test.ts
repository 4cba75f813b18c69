import { decideDelivery, deliverWithRetries, type DeliveryAttempt } from './delivery';
import type { RecipientResult, RecipientStatus } from './lmtp';

const r = (recipient: string, status: RecipientStatus, reply = `${status} reply`): RecipientResult => ({ recipient, status, reply });
const noSleep = async (): Promise<void> => undefined;
const policy = { attempts: 3, retryDelayMs: 100 };

/** An attempt that answers from a per-call script and records what it was asked. */
function scripted(...answers: Array<(mailboxes: string[]) => RecipientResult[]>): { attempt: DeliveryAttempt; calls: string[][] } {
  const calls: string[][] = [];
  const attempt: DeliveryAttempt = async (mailboxes) => {
    calls.push(mailboxes);
    const answer = answers[calls.length - 1];
    if (!answer) throw new Error('unexpected attempt');
    return answer(mailboxes);
  };
  return { attempt, calls };
}

describe('deliverWithRetries', () => {
  it('delivers once to each mailbox, duplicates removed', async () => {
    const { attempt, calls } = scripted((m) => m.map((x) => r(x, 'delivered')));
    const results = await deliverWithRetries(['a', 'b', 'a'], attempt, policy, noSleep);
    expect(calls).toEqual([['a', 'b']]);
    expect(results.map((x) => x.status)).toEqual(['delivered', 'delivered']);
  });

  it('retries only the temporary failures, with a doubling pause', async () => {
    const pauses: number[] = [];
    const { attempt, calls } = scripted(
      () => [r('a', 'delivered'), r('b', 'tempfail'), r('c', 'permfail')],
      () => [r('b', 'tempfail')],
      () => [r('b', 'delivered')],
    );
    const results = await deliverWithRetries(['a', 'b', 'c'], attempt, policy, async (ms) => void pauses.push(ms));
    expect(calls).toEqual([['a', 'b', 'c'], ['b'], ['b']]);
    expect(pauses).toEqual([100, 200]);
    expect(results.map((x) => [x.recipient, x.status])).toEqual([['a', 'delivered'], ['b', 'delivered'], ['c', 'permfail']]);
  });

  it('counts a broken session as a temporary failure for every mailbox in it', async () => {
    const { attempt, calls } = scripted(
      () => {
        throw new Error('connect ENOENT');
      },
      (m) => m.map((x) => r(x, 'delivered')),
    );
    const results = await deliverWithRetries(['a', 'b'], attempt, policy, noSleep);
    expect(calls).toEqual([['a', 'b'], ['a', 'b']]);
    expect(results.every((x) => x.status === 'delivered')).toBe(true);
  });

  it('stops after the last attempt and keeps the last answer', async () => {
    const { attempt, calls } = scripted(
      () => [r('a', 'tempfail', 'first')],
      () => [r('a', 'tempfail', 'second')],
      () => [r('a', 'tempfail', 'third')],
    );
    const results = await deliverWithRetries(['a'], attempt, policy, noSleep);
    expect(calls).toHaveLength(3);
    expect(results).toEqual([r('a', 'tempfail', 'third')]);
  });
});

describe('decideDelivery', () => {
  it('is delivered only when every mailbox has the message', () => {
    expect(decideDelivery([r('a', 'delivered'), r('b', 'delivered')])).toEqual({ kind: 'delivered' });
  });

  it('is a temporary failure when nothing was saved and anything may still work', () => {
    expect(decideDelivery([r('a', 'tempfail'), r('b', 'permfail')])).toEqual({ kind: 'tempfail' });
  });

  it('is a permanent failure, with the LMTP reason, when every mailbox refused for good', () => {
    const verdict = decideDelivery([r('a', 'permfail', '552 5.2.2 <a> Quota exceeded'), r('b', 'permfail')]);
    expect(verdict).toEqual({ kind: 'permfail', reason: '5.2.2 <a> Quota exceeded' });
    expect(decideDelivery([r('a', 'permfail', '554 no enhanced code')])).toEqual({ kind: 'permfail', reason: '5.3.0 no enhanced code' });
  });

  it('is partial (never a 4xx that would duplicate) when some mailboxes have it', () => {
    expect(decideDelivery([r('a', 'delivered'), r('b', 'tempfail'), r('c', 'permfail')])).toEqual({
      kind: 'partial',
      delivered: ['a'],
      remaining: ['b', 'c'],
    });
  });
});
