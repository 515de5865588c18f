// Debian's Chromium through playwright-core, headless, with nothing reaching beyond this machine:
// the one launch the browser tests and the screenshot script share.
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Without these Chromium keeps trying hosts this machine cannot reach.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
