// `npm run soak`: the long reliability drills (test/soak/*.soak.ts), never part of `npm test`.
const base = require('./jest.config');
module.exports = {
  ...base,
  roots: ['<rootDir>/test/soak'],
  testMatch: ['**/*.soak.ts'],
  // A hard stop: each drill is bounded by message count; this bounds it in time too.
  testTimeout: 30 * 60 * 1000,
};
