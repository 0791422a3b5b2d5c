import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH, launchChromium } from '../../scripts/chromium';

/** Screenshots of every screen the specs visit, for a person to look at (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', 'screenshots');

export function launchBrowser(): Promise<Browser> {
  return launchChromium(process.env.CHROMIUM_PATH ?? CHROMIUM_PATH);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
