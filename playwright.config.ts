// Browser tests. "web": Debian's Chromium against a real `gatehouse serve` (started by the
// fixture in e2e/fixtures.ts). "electron": the desktop app, skipped when its binary is missing.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/playwright',
  // Hang guards, not speed goals: a 2-core machine under other work runs a spec 3–4× slower
  // (at load average 24, specs that take 15 s took 55 s and two passed the old 60 s guard).
  timeout: 180_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // One server per worker; two cores: one worker keeps timings honest.
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    actionTimeout: 30_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'web',
      testMatch: /e2e\/[^/]+\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
          headless: true,
        },
      },
    },
    {
      name: 'electron',
      testMatch: /e2e\/electron\/.*\.spec\.ts$/,
    },
  ],
});
