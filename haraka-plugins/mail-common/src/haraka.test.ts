/** The hand-written Haraka types must agree with the Haraka actually installed. */
import { HookCode } from './haraka';

describe('HookCode', () => {
  it('matches haraka-constants', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const constants = require('haraka-constants') as Record<string, unknown>;
    for (const [name, value] of Object.entries(HookCode)) expect([name, constants[name.toLowerCase()]]).toEqual([name, value]);
  });
});
