import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package (`.ci/run` installs it); no browser build is ever downloaded. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Headless, sandbox-free (CI runs as root), and quiet: nothing reaches out to the network on its own.
 * Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
 */
export function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
