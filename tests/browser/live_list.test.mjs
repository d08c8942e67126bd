// The dashboard's job list follows the workspace stream: a job created, claimed, progressed and
// completed through the API shows up and changes in the list without the page asking for the
// list again (no timer), queue depth and runners follow, the page rides out a dropped connection
// (it reconnects and gets what it missed), and a `reset` (changes deleted by retention while it
// was away) makes it load the list again. Keeps a screenshot.
// usage: node live_list.test.mjs STACK_VAR ARTIFACT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check, launchBrowser, loadStack } from './browser.mjs';

const [varDir, artifactDir] = process.argv.slice(2);
if (!varDir || !artifactDir) {
  console.error('usage: node live_list.test.mjs STACK_VAR ARTIFACT_DIR');
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const env = loadStack(varDir);
const url = env.RJ_URL;
const owner = { Authorization: `Bearer ${env.RJ_TOKEN_OWNER}`, 'X-Workspace-Id': env.RJ_WORKSPACE };
const runner = { Authorization: `Bearer ${env.RJ_RUNNER_TOKEN}` };
const suffix = Date.now().toString(36);
const type = `browser.live-list.${suffix}`;

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

async function createJob() {
  const created = await api('POST', '/api/runner-jobs', owner, { type, data: {} });
  check(created.status === 201, `create answered ${created.status}`);
  return created.body.id;
}

// SQL on the stack's own MariaDB as root (deploy/lib.sh), in the stack's database.
function sql(statement) {
  const name = readFileSync(`${varDir}/db.conf`, 'utf8').match(/^RJ_DB_NAME=(.*)$/m)[1];
  execFileSync('bash', ['-c', `. "${root}/deploy/lib.sh" && rj_mariadb_root "${varDir}/mariadb" "$0" -e "$1"`,
    name, statement], { stdio: 'inherit' });
}

// rjadmin of the build whose artifacts directory this test writes to.
function rjadmin(args) {
  return execFileSync(`${resolve(artifactDir, '..')}/bin/rjadmin`, args, { env: { ...process.env, RJ_CONFIG: `${varDir}/db.conf` } })
    .toString();
}

// Drops the page's workspace stream: new connections to it fail (routed to an abort), then the
// stream handler process is killed under the open one. The web server starts it again.
async function dropTheStream(page) {
  await page.route('**/api/runner-jobs/events/stream**', (route) => route.abort());
  execFileSync('pkill', ['-KILL', '-f', 'handlers/workspace_events_stream']);
  await page.waitForFunction(() => document.getElementById('list-stream-state').dataset.state === 'reconnecting',
    null, { timeout: 15_000 });
}

async function letTheStreamBack(page) {
  await page.unroute('**/api/runner-jobs/events/stream**');
}

const rowStatus = (page, id) => page.evaluate(
  (jobId) => document.querySelector(`#job-rows tr[data-job-id="${jobId}"] .badge`)?.textContent, id);
const listState = (page) => page.evaluate(() => document.getElementById('list-stream-state').dataset.state);
const listLoads = (page) => page.evaluate(() => Number(document.body.dataset.listLoads || 0));

async function main() {
  mkdirSync(artifactDir, { recursive: true });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => { throw error; });
    // Every time the page asks for a page of the list (not the one-row counts of the queue depth).
    const listRequests = [];
    page.on('request', (request) => {
      const requested = new URL(request.url());
      if (requested.pathname === '/api/runner-jobs' && requested.searchParams.get('limit') !== '1') {
        listRequests.push(requested.search);
      }
    });

    step('sign in as the owner: the list goes live');
    await page.goto(`${url}/`);
    await page.fill('#token-input', env.RJ_TOKEN_OWNER);
    await page.click('#sign-in-form button[type=submit]');
    await page.locator('#workspace-view').waitFor({ state: 'visible' });
    await page.selectOption('#workspace-select', env.RJ_WORKSPACE);
    await page.waitForFunction(() => document.getElementById('list-stream-state').dataset.state === 'live');
    await page.waitForFunction(() => /queued/.test(document.getElementById('queue-depth').textContent));
    check(await page.isVisible('#runners-panel'), 'the owner sees the runners');
    // The stack's demo runner takes every type.
    await page.waitForFunction(() => !document.getElementById('type-runners').hidden);
    check((await page.textContent('#type-runners')).includes('any type'),
      `the type field says which types a runner takes: ${await page.textContent('#type-runners')}`);
    await page.evaluate(() => { window.loadedOnce = true; });
    const requestsBefore = listRequests.length;

    step('a job created through the API appears without a list request');
    const first = await createJob();
    await page.waitForFunction((id) => document.querySelector(`#job-rows tr[data-job-id="${id}"]`), first,
      { timeout: 10_000 });
    check(await rowStatus(page, first) === 'QUEUED', `row shows QUEUED: ${await rowStatus(page, first)}`);

    step('claimed, progressed and completed by a runner: the row follows');
    const claimed = await api('POST', '/api/runner/claim', runner, { types: [type] });
    check(claimed.status === 200 && claimed.body.id === first, `claim answered ${claimed.status}`);
    await page.waitForFunction((id) => document.querySelector(`#job-rows tr[data-job-id="${id}"] .badge`)
      ?.textContent === 'RUNNING', first, { timeout: 10_000 });
    const progress = await api('POST', `/api/runner/jobs/${first}/events`, runner,
      { type: 'job.progress', payload: { progressPercent: 40 } });
    check(progress.status === 201, `progress answered ${progress.status}`);
    await page.waitForFunction((id) => document.querySelector(`#job-rows tr[data-job-id="${id}"] .mini-progress`)
      ?.title === '40%', first, { timeout: 10_000 });
    // The runner shows what it runs (read after the change settled).
    await page.waitForFunction((jobType) => [...document.querySelectorAll('#runner-list .running')]
      .some((item) => item.textContent.includes(jobType)), type, { timeout: 10_000 });
    const completed = await api('POST', `/api/runner/jobs/${first}/complete`, runner, { result: {} });
    check(completed.status === 200, `complete answered ${completed.status}`);
    await page.waitForFunction((id) => document.querySelector(`#job-rows tr[data-job-id="${id}"] .badge`)
      ?.textContent === 'COMPLETED', first, { timeout: 10_000 });

    step('nothing asks for the list while nothing happens (no timer)');
    await page.waitForTimeout(6_000);
    check(listRequests.length === requestsBefore,
      `no list request since the list loaded: ${listRequests.slice(requestsBefore).join(' ')}`);

    step('the connection drops: the list reconnects and gets what it missed');
    await dropTheStream(page);
    const missed = await createJob();
    await letTheStreamBack(page);
    await page.waitForFunction((id) => document.querySelector(`#job-rows tr[data-job-id="${id}"]`), missed,
      { timeout: 20_000 });
    // The replay's changes can reach the page a moment before its stream.ready, which makes the
    // list live: wait for that, as after the reset below.
    await page.waitForFunction(() => document.getElementById('list-stream-state').dataset.state === 'live',
      null, { timeout: 10_000 }).catch(() => {});
    check(await listState(page) === 'live', `live again: ${await listState(page)}`);
    check(listRequests.length === requestsBefore, 'the missed job came from the stream, not a list request');
    const loadsBeforeReset = await listLoads(page);

    step('changes deleted by retention while the page was away: reset, and the list loads again');
    await dropTheStream(page);
    const pruned = await createJob();
    const cancelled = await api('POST', `/api/runner-jobs/${pruned}/cancel`, owner, {});
    check(cancelled.status === 200, `cancel answered ${cancelled.status}`);
    // The inbox first: a row the sequencer moves in between takes the old time along.
    sql('UPDATE workspace_change_inbox SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY');
    sql('UPDATE workspace_changes SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY');
    sql(`UPDATE runner_jobs SET completed_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE id = '${pruned}'`);
    const report = rjadmin(['prune', '--older-than', '1d']);
    check(/workspace changes/.test(report), `prune report: ${report}`);
    await letTheStreamBack(page);
    await page.waitForFunction((before) => Number(document.body.dataset.listLoads || 0) > before,
      loadsBeforeReset, { timeout: 20_000 });
    await page.waitForFunction(() => document.getElementById('list-stream-state').dataset.state === 'live');
    check(listRequests.length > requestsBefore, 'the reset made the page ask for the list');
    check(await page.evaluate(() => window.loadedOnce === true), 'the page itself was not reloaded');
    // The pruned job is gone from the list the page loaded; the one created while away is there.
    await page.waitForFunction((id) => !document.querySelector(`#job-rows tr[data-job-id="${id}"]`), pruned);
    check(await rowStatus(page, missed) === 'QUEUED', 'the job created while away is listed');

    await page.screenshot({ path: `${artifactDir}/live-list.png`, fullPage: true, animations: 'disabled' });
    step(`screenshot: ${artifactDir}/live-list.png`);
    await api('POST', `/api/runner-jobs/${missed}/cancel`, owner, {});
    console.log('live list: ok');
  } catch (error) {
    await browser.contexts()[0]?.pages()[0]
      ?.screenshot({ path: `${artifactDir}/live-list-failure.png`, fullPage: true })
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
