// The dashboard in headless Chromium against the running stack: sign in by pasting a token, pick
// the workspace, see inline validation errors, create a demo.count job and watch it complete live
// over EventSource, cancel another, check the token cannot be read back, a guest's read-only view,
// sign out, and keep a screenshot.
// usage: node dashboard.test.mjs STACK_VAR ARTIFACT_DIR
import { mkdirSync } from 'node:fs';
import { check, launchBrowser, loadStack } from './browser.mjs';

const [varDir, artifactDir] = process.argv.slice(2);
if (!varDir || !artifactDir) {
  console.error('usage: node dashboard.test.mjs STACK_VAR ARTIFACT_DIR');
  process.exit(2);
}
const env = loadStack(varDir);
const url = env.RJ_URL;
const token = env.RJ_TOKEN_MEMBER;
const workspace = env.RJ_WORKSPACE;
const LIVE_TIMEOUT = 60_000;

const started = Date.now();
const step = (text) => console.log(`- [${((Date.now() - started) / 1000).toFixed(1)}s] ${text}`);

// The API as a curl user would call it, to check what the page did.
async function apiAsMember(path) {
  const response = await fetch(`${url}${path}`, {
    headers: { Authorization: `Bearer ${token}`, 'X-Workspace-Id': workspace },
  });
  check(response.ok, `GET ${path} answered ${response.status}`);
  return response.json();
}
// A POST as a member (with a workspace) or as the stack's runner (without).
async function post(path, body, bearer = token) {
  const headers = { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' };
  if (bearer === token) headers['X-Workspace-Id'] = workspace;
  const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  check(response.status === 200 || response.status === 201, `POST ${path} answered ${response.status}`);
  return response.json();
}
const jobTotal = async () => (await apiAsMember('/api/runner-jobs?limit=1')).meta.total;

async function signIn(page, tokenToPaste) {
  await page.goto(`${url}/`);
  await page.locator('#sign-in').waitFor({ state: 'visible' });
  await page.fill('#token-input', tokenToPaste);
  await page.click('#sign-in-form button[type=submit]');
  await page.locator('#workspace-view').waitFor({ state: 'visible' });
  await page.selectOption('#workspace-select', workspace);
  // The first page of the list has been rendered (it may be empty).
  await page.waitForFunction(() => document.getElementById('page-info').textContent !== '');
}

// Submits the create form and returns the id of the job it opened.
async function createJobOnPage(page, type, priority, data) {
  await page.fill('#job-type', type);
  await page.fill('#job-priority', priority);
  await page.fill('#job-data', data);
  const previous = await page.getAttribute('#job-detail', 'data-job-id');
  await page.click('#create-button');
  await page.waitForFunction(
    (before) => {
      const detail = document.getElementById('job-detail');
      return !detail.hidden && detail.dataset.jobId && detail.dataset.jobId !== before;
    }, previous, { timeout: 10_000 });
  return page.getAttribute('#job-detail', 'data-job-id');
}

const fieldError = (page, field) => page.textContent(`.field-error[data-field="${field}"]`);

async function main() {
  mkdirSync(artifactDir, { recursive: true });
  const browser = await launchBrowser();
  const problems = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/Failed to load resource|EventSource/.test(message.text())) {
        problems.push(`console error: ${message.text()}`);
      }
    });

    step('sign in by pasting the member token');
    await signIn(page, token);
    check(await page.inputValue('#token-input') === '', 'the token field is emptied');
    check((await page.textContent('#role-badge')).trim() === 'MEMBER', 'role MEMBER is shown');
    check(await page.isHidden('#type-runners'), 'a member is not told about runners');
    check(await page.inputValue('#workspace-select') === workspace, 'the demo workspace is picked');

    step('the token cannot be read back by the page');
    const visible = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      html: document.documentElement.outerHTML,
    }));
    for (const [where, text] of Object.entries(visible)) {
      check(!text.includes(token), `the token is not in ${where}`);
    }
    check(!visible.cookie.includes('rj_session'), 'document.cookie does not show rj_session');
    const cookies = await context.cookies(`${url}/api/`);
    const session = cookies.find((cookie) => cookie.name === 'rj_session');
    check(session && session.httpOnly, 'rj_session is set and HttpOnly');
    check(session.sameSite === 'Strict', `rj_session is SameSite=Strict (${session.sameSite})`);
    check(session.path === '/api', 'rj_session is limited to /api');

    step('a reload keeps the session (GET /api/auth/session)');
    await page.reload();
    await page.locator('#workspace-view').waitFor({ state: 'visible' });
    check(await page.inputValue('#workspace-select') === workspace, 'the workspace is remembered');

    step('validation errors are shown inline and create nothing');
    const before = await jobTotal();
    await page.fill('#job-type', 'demo.count');
    await page.fill('#job-priority', '5');
    await page.fill('#job-data', '{"seconds": 2');
    await page.click('#create-button');
    await page.waitForFunction(
      () => document.querySelector('.field-error[data-field="data"]').textContent !== '');
    check((await fieldError(page, 'data')).includes('not valid JSON'), 'bad JSON is explained');
    await page.fill('#job-data', '{"seconds": 2}');
    await page.fill('#job-priority', '500');
    await page.click('#create-button');
    await page.waitForFunction(
      () => document.querySelector('.field-error[data-field="priority"]').textContent !== '');
    check((await fieldError(page, 'priority')).includes('priority must not be greater than 100'),
      `the server's priority message is shown: ${await fieldError(page, 'priority')}`);
    check(await fieldError(page, 'data') === '', 'the fixed data error is gone');
    await page.fill('#job-priority', 'high');
    await page.fill('#job-type', 'bad type!');
    await page.click('#create-button');
    await page.waitForFunction(
      () => document.querySelector('.field-error[data-field="type"]').textContent !== '');
    check((await fieldError(page, 'priority')).includes('priority must be an integer number'),
      'a non-number priority is explained');
    check(await page.getAttribute('#job-priority', 'aria-invalid') === 'true',
      'the priority field is marked invalid');
    check(await jobTotal() === before, 'no job was created by invalid input');

    step('create a demo.count job and watch it complete live');
    const countId = await createJobOnPage(page, 'demo.count', '7', '{"seconds": 2}');
    check(await jobTotal() === before + 1, 'exactly one job was created');
    await page.waitForFunction(
      () => document.getElementById('detail-status').textContent === 'RUNNING',
      null, { timeout: LIVE_TIMEOUT });
    step('  it is RUNNING on the page');
    await page.waitForFunction(
      () => document.getElementById('detail-status').textContent === 'COMPLETED',
      null, { timeout: LIVE_TIMEOUT });
    step('  it is COMPLETED on the page');
    const log = await page.$$eval('#event-log li', (items) => items.map((item) => item.dataset.type));
    for (const type of ['job.created', 'job.queued', 'job.started', 'job.completed']) {
      check(log.includes(type), `the event log shows ${type}: ${log.join(' ')}`);
    }
    check(log.indexOf('job.started') < log.indexOf('job.completed'), 'events are in order');
    check(await page.textContent('#detail-progress-label') === '100%', 'the progress bar is full');
    await page.waitForFunction(
      () => document.getElementById('stream-state').dataset.state === 'complete');
    check(await page.isDisabled('#detail-cancel'), 'a completed job cannot be cancelled');
    check(await page.isDisabled('#detail-retry'), 'a completed job cannot be retried');
    check((await apiAsMember(`/api/runner-jobs/${countId}`)).status === 'COMPLETED',
      'the API agrees it completed');
    const completedRow = page.locator(`#job-rows tr[data-job-id="${countId}"]`);
    await completedRow.locator('.badge', { hasText: 'COMPLETED' }).waitFor();

    step('create another job while the stream is unreachable: "reconnecting…", then live');
    await page.route('**/events/stream*', (route) => route.abort('connectionreset'));
    const cancelId = await createJobOnPage(page, 'demo.count', '5', '{"seconds": 60}');
    await page.waitForFunction(
      () => document.getElementById('stream-state').dataset.state === 'reconnecting');
    check(await page.textContent('#stream-state') === 'reconnecting…', 'reconnecting… is shown');
    await page.unroute('**/events/stream*');
    await page.waitForFunction(
      () => document.getElementById('stream-state').dataset.state === 'live', null,
      { timeout: 15_000 });
    await page.waitForFunction(
      () => [...document.querySelectorAll('#event-log li')].some((item) => item.dataset.type === 'job.queued'));

    step('cancel it');
    await page.waitForFunction(() => !document.getElementById('detail-cancel').disabled);
    await page.click('#detail-cancel');
    await page.waitForFunction(
      () => document.getElementById('detail-status').textContent === 'CANCELLED',
      null, { timeout: LIVE_TIMEOUT });
    await page.waitForFunction(
      () => [...document.querySelectorAll('#event-log li')].some((item) => item.dataset.type === 'job.cancelled'),
      null, { timeout: LIVE_TIMEOUT });
    check(await page.isDisabled('#detail-cancel'), 'cancel is disabled once cancelled');
    check(!(await page.isDisabled('#detail-retry')), 'retry is enabled for a cancelled job');
    check((await apiAsMember(`/api/runner-jobs/${cancelId}`)).status === 'CANCELLED',
      'the API agrees it was cancelled');
    const cancelledRow = page.locator(`#job-rows tr[data-job-id="${cancelId}"]`);
    await cancelledRow.locator('.badge', { hasText: 'CANCELLED' }).waitFor();
    check(await cancelledRow.locator('button[data-action="cancel"]').isDisabled(),
      'the row cannot cancel it again');

    step('the status filter shows only the chosen statuses');
    await page.check('#status-filters input[value="CANCELLED"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('#job-rows tr')];
      return rows.length > 0 && rows.every((row) => row.querySelector('.badge').textContent === 'CANCELLED');
    });
    await page.uncheck('#status-filters input[value="CANCELLED"]');
    await page.locator(`#job-rows tr[data-job-id="${countId}"]`).waitFor();

    step('reopen the completed job: its events replay from the start');
    await page.locator(`#job-rows tr[data-job-id="${countId}"] button`, { hasText: 'Open' }).click();
    await page.waitForFunction(
      () => document.getElementById('stream-state').dataset.state === 'complete'
        && document.getElementById('detail-status').textContent === 'COMPLETED');
    const replayed = await page.$$eval('#event-log li', (items) => items.map((item) => item.dataset.type));
    check(JSON.stringify(replayed) === JSON.stringify(log),
      `the replay has the same events: ${replayed.join(' ')}`);

    const output = await page.$$eval('#event-log li[data-type="step.output"] .event-text',
      (items) => items.map((item) => item.textContent).join('\n'));
    check(output.includes('count 2/2'), `the runner's output lines are shown: ${output}`);
    await page.screenshot({ path: `${artifactDir}/dashboard.png`, fullPage: true,
      animations: 'disabled' });
    step(`screenshot: ${artifactDir}/dashboard.png`);

    step('a job failing with a retryable error shows its attempts and next retry, live');
    const retryType = `browser.retry.${Date.now()}`;
    const retryJob = await post('/api/runner-jobs', { type: retryType, maxAttempts: 4, backoffSeconds: 600 });
    await page.click('#refresh');
    const retryRow = page.locator(`#job-rows tr[data-job-id="${retryJob.id}"]`);
    await retryRow.waitFor({ timeout: LIVE_TIMEOUT });
    await retryRow.locator('button', { hasText: 'Open' }).click();
    await page.waitForFunction((id) => document.getElementById('job-detail').dataset.jobId === id
      && document.getElementById('stream-state').dataset.state === 'live', retryJob.id);
    check(await page.textContent('#detail-attempt') === '1 of 4', 'attempt 1 of 4 is shown');
    check(await page.isHidden('#detail-run-at'), 'no next retry before a failure');
    const claimed = await post('/api/runner/claim', { types: [retryType] }, env.RJ_RUNNER_TOKEN);
    check(claimed.id === retryJob.id, 'the test runner claimed the job');
    const requeued = await post(`/api/runner/jobs/${retryJob.id}/fail`,
      { error: 'downstream busy', retryable: true }, env.RJ_RUNNER_TOKEN);
    await page.waitForFunction(
      () => document.getElementById('detail-attempt').textContent === '2 of 4'
        && document.getElementById('detail-status').textContent === 'QUEUED'
        && !document.getElementById('detail-run-at').hidden, null, { timeout: LIVE_TIMEOUT });
    check(await page.textContent('#detail-run-at-label') === 'Next retry', 'labelled "Next retry"');
    check((await page.textContent('#detail-run-at')).length > 0, 'the next retry time is shown');
    check(await page.textContent('#detail-result') === 'Error: downstream busy', 'the error is shown');
    await retryRow.locator('.run-at').filter({ hasText: /^runs \S/ }).waitFor();
    check(requeued.runAt && new Date(requeued.runAt) > new Date(), 'the API agrees it waits');

    await page.screenshot({ path: `${artifactDir}/dashboard-retry.png`, fullPage: true,
      animations: 'disabled' });

    step('sign out forgets the cookie');
    await page.click('#sign-out');
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    const left = (await context.cookies(`${url}/api/`)).filter((cookie) => cookie.name === 'rj_session');
    check(left.length === 0, 'rj_session is gone after sign-out');
    await page.reload();
    await page.locator('#sign-in').waitFor({ state: 'visible' });

    step('a guest sees the jobs but may not change them');
    const guestContext = await browser.newContext();
    const guestPage = await guestContext.newPage();
    await signIn(guestPage, env.RJ_TOKEN_GUEST);
    check((await guestPage.textContent('#role-badge')).trim() === 'GUEST', 'role GUEST is shown');
    check(await guestPage.isDisabled('#create-button'), 'a guest cannot create');
    const guestRow = guestPage.locator(`#job-rows tr[data-job-id="${cancelId}"]`);
    await guestRow.waitFor();
    check(await guestRow.locator('button[data-action="retry"]').isDisabled(),
      'a guest cannot retry a cancelled job');
    await guestContext.close();

    check(problems.length === 0, `no page errors: ${problems.join(' | ')}`);
    console.log('dashboard: ok');
  } catch (error) {
    await browser.contexts()[0]?.pages()[0]
      ?.screenshot({ path: `${artifactDir}/dashboard-failure.png`, fullPage: true })
      .catch(() => {});
    throw error;
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error.stack || String(error));
  process.exit(1);
});
