// The live stream in a real browser: Chromium's own EventSource, signed in with the rj_session
// cookie, receives a job's events; the server side of the stream is then killed mid-stream and the
// browser's own reconnect (with its own Last-Event-ID) must resume without loss or duplicate.
// usage: node stream.test.mjs STACK_VAR ARTIFACT_DIR
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { check, launchBrowser, loadStack } from './browser.mjs';

const [varDir, artifactDir] = process.argv.slice(2);
const stack = loadStack(varDir);
const buildDir = dirname(artifactDir);
const member = { Authorization: `Bearer ${stack.RJ_TOKEN_MEMBER}`, 'X-Workspace-Id': stack.RJ_WORKSPACE };
const runner = { Authorization: `Bearer ${stack.RJ_RUNNER_TOKEN}`, 'Content-Type': 'application/json' };

async function api(method, path, headers, body) {
  const response = await fetch(stack.RJ_URL + path, {
    method, headers: body === undefined ? headers : { ...headers, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function waitFor(predicate, what, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function appendOutput(jobId, line) {
  const answer = await api('POST', `/api/runner/jobs/${jobId}/events`, runner,
                           { type: 'step.output', payload: { line } });
  check(answer.status === 201, `runner event answered ${answer.status} ${JSON.stringify(answer.body)}`);
}

const created = await api('POST', '/api/runner-jobs', member, { type: 'browser.stream', data: {} });
check(created.status === 201, `create answered ${created.status}`);
const jobId = created.body.id;
const claimed = await api('POST', '/api/runner/claim', runner, { types: ['browser.stream'] });
check(claimed.status === 200 && claimed.body.id === jobId, `claim answered ${claimed.status}`);

const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  page.on('console', (message) => console.log(`page: ${message.text()}`));
  // Any page of the site gives the same origin as the API.
  await page.goto(`${stack.RJ_URL}/api/health`);
  const signedIn = await page.evaluate(async (token) => {
    const response = await fetch('/api/auth/session', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    return { status: response.status, cookie: document.cookie };
  }, stack.RJ_TOKEN_MEMBER);
  check(signedIn.status === 200, `sign-in answered ${signedIn.status}`);
  check(!signedIn.cookie.includes(stack.RJ_TOKEN_MEMBER), 'the page can read the session token');

  await page.evaluate(({ jobId, workspace }) => {
    window.received = [];
    window.opens = 0;
    window.errors = 0;
    window.completed = null;
    const source = new EventSource(`/api/runner-jobs/${jobId}/events/stream?workspaceId=${workspace}`,
                                   { withCredentials: true });
    const types = ['job.created', 'job.queued', 'job.started', 'job.progress', 'job.completed',
                   'job.failed', 'job.cancelled', 'step.started', 'step.output', 'step.completed',
                   'step.failed'];
    for (const type of types) {
      source.addEventListener(type, (event) => {
        const data = JSON.parse(event.data);
        window.received.push({ id: Number(event.lastEventId), seq: data.seq, type });
      });
    }
    source.addEventListener('stream.complete', (event) => {
      window.completed = JSON.parse(event.data).status;
      source.close();
    });
    source.onopen = () => { window.opens += 1; };
    source.onerror = () => { window.errors += 1; };
  }, { jobId, workspace: stack.RJ_WORKSPACE });

  // job.created, job.queued, job.started and two lines arrive live.
  await appendOutput(jobId, 'one');
  await appendOutput(jobId, 'two');
  await waitFor(() => page.evaluate(() => window.received.length >= 5), 'the first five events');

  // The stream's server side dies mid-stream; the web server starts the handler again. Only this
  // stack's lighttpd's child is killed.
  const lighttpd = readFileSync(`${varDir}/lighttpd.pid`, 'utf8').trim();
  execFileSync('pkill', ['-KILL', '-P', lighttpd, '-f', `${buildDir}/handlers/events_stream`]);
  await waitFor(() => page.evaluate(() => window.errors >= 1), 'the browser to notice the drop');
  for (const line of ['three', 'four', 'five']) await appendOutput(jobId, line);
  const completed = await api('POST', `/api/runner/jobs/${jobId}/complete`, runner, { result: { lines: 5 } });
  check(completed.status === 200, `complete answered ${completed.status}`);
  await waitFor(() => page.evaluate(() => window.completed !== null), 'stream.complete after the reconnect');

  const state = await page.evaluate(() => ({ received: window.received, opens: window.opens,
                                             errors: window.errors, completed: window.completed }));
  console.log(`received ${state.received.length} events over ${state.opens} connections`);
  check(state.completed === 'COMPLETED', `stream.complete said ${state.completed}`);
  check(state.opens >= 2, `the browser connected ${state.opens} time(s), expected a reconnect`);
  const seqs = state.received.map((event) => event.seq);
  const expected = Array.from({ length: 9 }, (_, i) => i + 1);
  check(JSON.stringify(seqs) === JSON.stringify(expected), `received seqs ${JSON.stringify(seqs)}`);
  check(state.received.every((event) => event.id === event.seq), 'lastEventId differs from seq');
  check(state.received[8].type === 'job.completed', `last event is ${state.received[8].type}`);

  mkdirSync(artifactDir, { recursive: true });
  await page.screenshot({ path: `${artifactDir}/stream.png` });
  console.log('browser stream test passed');
} finally {
  await browser.close();
}
