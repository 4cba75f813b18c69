// Unit tests sit beside the code (src/ of each package); integration tests in test/.
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/core/src', '<rootDir>/orchestrator/src', '<rootDir>/ldap-bridge/src', '<rootDir>/haraka-plugins', '<rootDir>/test', '<rootDir>/bench'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }] },
  testTimeout: 60000,
};
