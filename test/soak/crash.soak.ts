/**
 * `npm run soak`: the crash drill of test/reliability-crash.test.ts for longer —
 * SOAK_ROUNDS rounds (default 5) of SIGKILL to every process, then as many rounds of
 * clean stop/start under the same load, SOAK_ACKS acknowledged messages (default 150)
 * between two interruptions. Bounded by message count and by jest's 30-minute timeout.
 * Prints every count; fails on any lost, unexplained duplicate, truncated or
 * misdelivered message.
 */
import { CRASH_VICTIMS, LOAD_MAILBOXES, loadRecipients, runCrashDrill, type DrillResult } from '../helpers/crash-drill';
import { populate } from '../helpers/fixtures';
import { summarize } from '../helpers/load-report';
import { startTestStack, type TestStack } from '../helpers/stack';

const ROUNDS = Number(process.env['SOAK_ROUNDS'] ?? 5);
const ACKS = Number(process.env['SOAK_ACKS'] ?? 150);

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
  await populate(t.services);
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

function expectNoLoss({ report }: DrillResult): void {
  expect(report.gaveUp).toBe(0);
  expect(report.refusedPermanently).toBe(0);
  expect(report.acknowledged).toBe(report.messages);
  expect(report.missing).toEqual([]);
  expect(report.duplicatesUnexplained).toEqual([]);
  expect(report.misdelivered).toEqual([]);
  expect(report.truncated).toEqual([]);
}

it.each(['kill', 'stop-start'] as const)('loses nothing over %s rounds under load', async (interruption) => {
  const result = await runCrashDrill(t, {
    victims: CRASH_VICTIMS,
    rounds: ROUNDS,
    sessions: 4,
    acknowledgedBetweenKills: ACKS,
    recipients: loadRecipients,
    mailboxes: LOAD_MAILBOXES,
    interruption,
  });
  console.log(`soak (${interruption}, ${ROUNDS} rounds × ${ACKS} acks): ${result.kills.length} interruptions\n${summarize(result.report)}`);
  if (interruption === 'kill') for (const k of result.kills) expect(k.restartsAfter).toBeGreaterThan(k.restartsBefore);
  expectNoLoss(result);
});
