// Signs in to the dashboard of one deployment in headless Chromium: the page the web server
// serves loads without errors, a pasted member token opens the workspace view as MEMBER with the
// first page of the job list, and the HttpOnly session cookie is set. A check of a deployment
// path (tests/CMakeLists.txt, browser_sign_in.<path>), not a dashboard test: those are *.test.mjs.
// usage: node sign-in.mjs DEPLOYMENT_VAR      (the directory with its dev.env)
import { check, launchBrowser, loadStack } from './browser.mjs';

const [varDir] = process.argv.slice(2);
if (!varDir) {
  console.error('usage: node sign-in.mjs DEPLOYMENT_VAR');
  process.exit(2);
}
const env = loadStack(varDir);
const TIMEOUT = 15_000;

async function main() {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    // The page's own answers (401 before signing in, no favicon) are not errors of the page.
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource|EventSource/.test(message.text())) {
        problems.push(`console error: ${message.text()}`);
      }
    });
    const answer = await page.goto(`${env.RJ_URL}/`);
    check(answer.status() === 200, `the dashboard page answered ${answer.status()}`);
    await page.locator('#sign-in').waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.fill('#token-input', env.RJ_TOKEN_MEMBER);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#workspace-view').waitFor({ state: 'visible', timeout: TIMEOUT });
    await page.selectOption('#workspace-select', env.RJ_WORKSPACE);
    await page.waitForFunction(() => document.getElementById('page-info').textContent !== '',
      null, { timeout: TIMEOUT });
    check((await page.textContent('#role-badge')).trim() === 'MEMBER', 'role MEMBER is shown');
    const cookies = await context.cookies(`${env.RJ_URL}/api/`);
    check(cookies.some((cookie) => cookie.name === 'rj_session' && cookie.httpOnly),
      'the HttpOnly rj_session cookie is set');
    check(problems.length === 0, `no page errors: ${problems.join(' | ')}`);
    console.log(`signed in at ${env.RJ_URL}: ok`);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
