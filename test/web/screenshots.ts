/** Where browser tests save screenshots for a reviewer: test-results/screenshots/ (gitignored with test-results/). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const SCREENSHOTS = join('test-results', 'screenshots');

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
