/**
 * Jest runs TypeScript through ts-jest (transpile only: `npm run typecheck` is the type gate).
 * Middy 6, jose, openid-client and oauth4webapi (the integration suite's token verifiers and relying parties)
 * ship ES modules only, so they are transformed too.
 * @type {import('jest').Config}
 */
const base = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true, esModuleInterop: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose|openid-client|oauth4webapi)/)'],
  setupFiles: ['<rootDir>/test/env.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
};

module.exports = {
  projects: [
    {
      ...base,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/{unit,handlers,infra}/**/*.test.ts'],
      // The construct deploys the prebuilt bundles: the template tests synthesize this clone's.
      globalSetup: '<rootDir>/test/build-bundles.ts',
    },
    // npm pack, then the tarball in a fresh CDK app: slow (a build and an install), so its own project.
    { ...base, displayName: 'package', testMatch: ['<rootDir>/test/package/**/*.test.ts'], setupFiles: [] },
    {
      ...base,
      displayName: 'store',
      testMatch: ['<rootDir>/test/store/**/*.test.ts'],
      setupFiles: [],
      setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
      globalSetup: '<rootDir>/test/store/global-setup.ts',
      globalTeardown: '<rootDir>/test/store/global-teardown.ts',
    },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFiles: [],
      setupFilesAfterEnv: ['<rootDir>/test/integration/setup.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
