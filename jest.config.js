/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/.test-out/', '/generated/'],
  // Test projects copied under .test-out/ carry a copy of package.json; keep jest's module map to ours.
  modulePathIgnorePatterns: ['<rootDir>/.test-out/.*/package\\.json$', '<rootDir>/.local-data/', '<rootDir>/.serverless/'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$|^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // Middy 6 ships ES modules only: let swc turn them into CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
};
