/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>'],
  testPathIgnorePatterns: ['/node_modules/', '/.test-out/', '/generated/'],
  // Test projects copied under .test-out/ carry a copy of package.json; keep jest's module map to ours.
  // The same for the examples' own packaging and local-cloud folders (examples/<name>, each a project).
  modulePathIgnorePatterns: ['<rootDir>/.test-out/.*/package\\.json$', '<rootDir>/.local-data/', '<rootDir>/.serverless/', '<rootDir>/examples/[^/]+/\\.(local-data|serverless|esbuild)/'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$|^.+\\.mjs$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }] },
  // Middy 6 ships ES modules only: let swc turn them into CommonJS like our own code.
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testTimeout: 60000,
  maxWorkers: 2,
};
