// The database dies under an open dashboard: a job view streams a running job live, the stack's
// MariaDB is stopped, the page shows that it is reconnecting, MariaDB starts again, and the job's
// next events (progress, then completion by the runner API) appear in the same page without a
// reload. Keeps a screenshot.
// usage: node database_restart.test.mjs STACK_VAR ARTIFACT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, launchBrowser, loadStack } from './browser.mjs';

const [varDir, artifactDir] = process.argv.slice(2);
if (!varDir || !artifactDir) {
  console.error('usage: node database_restart.test.mjs STACK_VAR ARTIFACT_DIR');
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = loadStack(varDir);
const url = env.RJ_URL;
const member = { Authorization: `Bearer ${env.RJ_TOKEN_MEMBER}`, 'X-Workspace-Id': env.RJ_WORKSPACE };
const runner = { Authorization: `Bearer ${env.RJ_RUNNER_TOKEN}` };

const started = Date.now();
const step = (text) => console.log(`- [${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

async function api(method, path, headers, body) {
  const response = await fetch(url + path, {
    method, headers: { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

// A runner call right after the database came back: 503 (DATABASE_UNAVAILABLE) until it answers.
async function apiOnceTheDatabaseIsBack(method, path, headers, body, expected) {
  const until = Date.now() + 30_000;
  for (;;) {
    const answer = await api(method, path, headers, body);
    if (answer.status === expected || answer.status !== 503 || Date.now() > until) return answer;
    await new Promise((done) => setTimeout(done, 250));
  }
}

// The stack's own MariaDB (deploy/lib.sh), as the e2e database-restart test does.
function mariadb(action) {
  execFileSync('bash', ['-c', `. "${root}/deploy/lib.sh" && rj_mariadb_${action} "${varDir}/mariadb"`],
               { stdio: 'inherit' });
}

const streamState = (page) => page.evaluate(() => document.getElementById('stream-state').dataset.state);

async function main() {
  mkdirSync(artifactDir, { recursive: true });
  const type = 'browser.database-restart';
  const created = await api('POST', '/api/runner-jobs', member, { type, data: {} });
  check(created.status === 201, `create answered ${created.status}`);
  const jobId = created.body.id;
  const claimed = await api('POST', '/api/runner/claim', runner, { types: [type] });
  check(claimed.status === 200 && claimed.body.id === jobId, `claim answered ${claimed.status}`);

  const browser = await launchBrowser();
  let databaseStopped = false;
  try {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const navigations = [];
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations.push(frame.url()); });
    page.on('pageerror', (error) => { throw error; });

    step('sign in and open the running job');
    await page.goto(`${url}/`);
    await page.fill('#token-input', env.RJ_TOKEN_MEMBER);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#workspace-view').waitFor({ state: 'visible' });
    await page.selectOption('#workspace-select', env.RJ_WORKSPACE);
    await page.locator(`#job-rows tr[data-job-id="${jobId}"] button`, { hasText: 'Open' }).click();
    await page.waitForFunction(
      () => document.getElementById('detail-status').textContent === 'RUNNING'
        && document.getElementById('stream-state').dataset.state === 'live');
    // Gone if the page were loaded again.
    await page.evaluate(() => { window.openedBeforeTheRestart = true; });
    const navigationsBefore = navigations.length;

    step('stop MariaDB: the job view shows it is reconnecting');
    mariadb('stop');
    databaseStopped = true;
    await page.waitForFunction(
      () => document.getElementById('stream-state').dataset.state === 'reconnecting', null,
      { timeout: 30_000 });
    check(await page.textContent('#stream-state') === 'reconnecting…', 'reconnecting… is shown');
    // It keeps saying so while the database is away (each retry meets it down again).
    await page.waitForTimeout(3_000);
    check(await streamState(page) === 'reconnecting',
      `still reconnecting while the database is down: ${await streamState(page)}`);

    step('start MariaDB, then the job moves on');
    mariadb('start');
    databaseStopped = false;
    const progress = await apiOnceTheDatabaseIsBack('POST', `/api/runner/jobs/${jobId}/events`, runner,
      { type: 'job.progress', payload: { progressPercent: 60 } }, 201);
    check(progress.status === 201, `progress answered ${progress.status} ${JSON.stringify(progress.body)}`);
    await page.waitForFunction(
      () => document.getElementById('detail-progress-label').textContent === '60%', null,
      { timeout: 30_000 });
    check(await streamState(page) === 'live', `live again: ${await streamState(page)}`);
    step('  the progress arrived live');
    const completed = await apiOnceTheDatabaseIsBack('POST', `/api/runner/jobs/${jobId}/complete`, runner,
      { result: { restarted: true } }, 200);
    check(completed.status === 200, `complete answered ${completed.status}`);
    await page.waitForFunction(
      () => document.getElementById('detail-status').textContent === 'COMPLETED'
        && [...document.querySelectorAll('#event-log li')].some((item) => item.dataset.type === 'job.completed'),
      null, { timeout: 30_000 });
    step('  the completion arrived live');

    check(await page.evaluate(() => window.openedBeforeTheRestart === true), 'the page was not reloaded');
    check(navigations.length === navigationsBefore, `no navigation happened: ${navigations.join(' ')}`);
    const log = await page.$$eval('#event-log li', (items) => items.map((item) => item.dataset.type));
    check(log.filter((t) => t === 'job.progress').length === 1, `one progress event: ${log.join(' ')}`);
    await page.screenshot({ path: `${artifactDir}/database-restart.png`, fullPage: true,
      animations: 'disabled' });
    step(`screenshot: ${artifactDir}/database-restart.png`);
    console.log('database restart: ok');
  } catch (error) {
    await browser.contexts()[0]?.pages()[0]
      ?.screenshot({ path: `${artifactDir}/database-restart-failure.png`, fullPage: true })
      .catch(() => {});
    throw error;
  } finally {
    // The suites after this one need the database.
    if (databaseStopped) mariadb('start');
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
