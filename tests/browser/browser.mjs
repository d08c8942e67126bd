// Shared set-up for the browser tests: the running stack (dev.env) and a headless Chromium.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';

export function loadStack(varDir) {
  const values = {};
  for (const line of readFileSync(`${varDir}/dev.env`, 'utf8').split('\n')) {
    const match = line.match(/^([A-Z_]+)=(.*)$/);
    if (match) values[match[1]] = match[2];
  }
  return values;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// Fails the test with a message.
export function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
}
