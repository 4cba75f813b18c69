/**
 * Hook guards. Haraka treats a hook that throws as if it had answered CONT: the
 * mail goes on and may be accepted (FACTS: Haraka). Every hook of ours therefore runs
 * through `guardHook`, which answers exactly once and turns any throw or rejection
 * into a temporary failure (RFC 5321 §4.2.5: 4yz means "try again later").
 */
import { DSN, HookCode, type HarakaPlugin, type HookMessage, type Next } from './haraka';

export interface HookAnswer {
  code: HookCode;
  message?: HookMessage;
}

export const CONTINUE: HookAnswer = { code: HookCode.CONT };

/** RFC 3463 §3.5 X.3.0: "other or undefined mail system status". */
export const INTERNAL_TEMPFAIL: HookAnswer = {
  code: HookCode.DENYSOFT,
  message: new DSN(451, '4.3.0 Temporary internal error, please try again later'),
};

/** RFC 3463 §3.5 X.4.3: "Directory server failure" — the LDAP bridge could not answer. */
export const DIRECTORY_TEMPFAIL: HookAnswer = {
  code: HookCode.DENYSOFT,
  message: new DSN(451, '4.4.3 Directory server unavailable, please try again later'),
};

/** What a guarded hook body gets: its plugin and the hook's own arguments. */
export type HookBody<P, S, A extends unknown[]> = (plugin: P, subject: S, ...args: A) => Promise<HookAnswer>;

/** The function Haraka calls: `hook(next, connection|hmail|server, params...)`. */
export type HarakaHook<P, S, A extends unknown[]> = (this: P, next: Next, subject: S, ...args: A) => void;

/** Wraps `next` so only its first call reaches Haraka; later calls are logged. */
export function callOnce(next: Next, onRepeat: () => void): Next {
  let called = false;
  return (code, message) => {
    if (called) {
      onRepeat();
      return;
    }
    called = true;
    next(code, message);
  };
}

interface Loggable {
  logerror(plugin: HarakaPlugin, message: string, data?: object): void;
}

function hasConnectionLog(subject: unknown): subject is Loggable {
  return typeof subject === 'object' && subject !== null && typeof (subject as Loggable).logerror === 'function';
}

/** Logs against the connection when there is one, so the line carries its id (STYLE 11). */
export function logHookError(plugin: HarakaPlugin, subject: unknown, message: string): void {
  if (hasConnectionLog(subject)) subject.logerror(plugin, message);
  else plugin.logerror(message);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Turns an async hook body into a Haraka hook that calls `next` exactly once:
 * with the body's answer, or with `onFailure` (default: 451 4.3.0) when the body
 * throws or rejects.
 */
export function guardHook<P extends HarakaPlugin, S, A extends unknown[]>(
  hookName: string,
  body: HookBody<P, S, A>,
  onFailure: HookAnswer = INTERNAL_TEMPFAIL,
): HarakaHook<P, S, A> {
  return function guarded(this: P, next: Next, subject: S, ...args: A): void {
    const plugin = this;
    const answer = callOnce(next, () => logHookError(plugin, subject, `${hookName}: answered twice (ignored)`));
    let running: Promise<HookAnswer>;
    try {
      running = body(plugin, subject, ...args);
    } catch (err) {
      running = Promise.reject(err);
    }
    running
      .then((result) => answer(result.code, result.message))
      .catch((err: unknown) => {
        logHookError(plugin, subject, `${hookName} failed: ${describe(err)}`);
        answer(onFailure.code, onFailure.message);
      })
      // `answer` itself may throw inside Haraka; never leave a rejection unhandled.
      .catch((err: unknown) => logHookError(plugin, subject, `${hookName}: Haraka failed on our answer: ${describe(err)}`));
  };
}

/**
 * For callback APIs that are not hooks (e.g. auth_base's password check): runs
 * `work`, hands its value to `deliver` once, or `fallback` when it throws; an error
 * thrown by `deliver`/`fallback` themselves goes to `report`.
 */
export function settle<T>(
  work: () => Promise<T>,
  deliver: (value: T) => void,
  fallback: (err: unknown) => void,
  report: (err: unknown) => void,
): void {
  let done = false;
  const once =
    <V>(fn: (v: V) => void) =>
    (v: V): void => {
      if (done) return;
      done = true;
      fn(v);
    };
  let running: Promise<T>;
  try {
    running = work();
  } catch (err) {
    running = Promise.reject(err);
  }
  running.then(once(deliver), once(fallback)).catch(report);
}
