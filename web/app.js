// The runner-jobs dashboard: sign in with a token (exchanged for the HttpOnly rj_session cookie),
// pick a workspace, list/create/cancel/retry jobs and watch one live over Server-Sent Events. The
// job list follows the workspace stream (every change of every job), never a timer.
// Plain ES module, no build step. Everything from the server is written with textContent.

const PAGE_SIZE = 10;
// Queue depth and runners are read again this long after the last change that could move them.
const SUMMARY_DEBOUNCE_MS = 400;
// A workspace stream that EventSource gave up on is opened again after this long.
const LIST_RETRY_MS = 3000;
const ACTIVE_STATUSES = ['PENDING', 'QUEUED', 'RUNNING'];
const RETRYABLE_STATUSES = ['FAILED', 'CANCELLED'];
const WRITER_ROLES = ['MEMBER', 'ADMIN', 'OWNER'];
const ADMIN_ROLES = ['ADMIN', 'OWNER'];
const EVENT_TYPES = ['job.created', 'job.queued', 'job.started', 'job.progress', 'job.completed',
  'job.failed', 'job.cancelled', 'job.retry_scheduled', 'job.timed_out', 'step.started',
  'step.output', 'step.completed', 'step.failed'];
const STATUS_BY_EVENT = {
  'job.queued': 'QUEUED', 'job.started': 'RUNNING', 'job.completed': 'COMPLETED',
  'job.failed': 'FAILED', 'job.cancelled': 'CANCELLED', 'job.retry_scheduled': 'QUEUED',
};
const WORKSPACE_KEY = 'rj.workspaceId';  // only the choice of workspace is remembered, never a token

const $ = (id) => document.getElementById(id);

const state = {
  profile: null,      // {user, workspaces}
  workspaceId: null,
  role: null,
  page: 1,
  totalPages: 1,
  jobs: [],
  detail: null,       // the open job
  stream: null,       // its EventSource
  lastSeq: 0,
  listStream: null,   // the workspace stream the list follows
  listStale: true,    // the list must be loaded again at the next stream.ready (first, or reset)
  listCursor: null,   // the workspace stream's last event id
  listRetryTimer: null,
  jobSeqs: new Map(), // job id -> seq of the newest change applied to the list
  total: 0,
  summaryTimer: null,
  runnerTypes: null,  // job types the workspace's live runners take (null in it: any); owners and admins
};

class ApiError extends Error {
  constructor(status, body) {
    const message = body && body.message !== undefined ? body.message : `HTTP ${status}`;
    super(Array.isArray(message) ? message.join('; ') : String(message));
    this.status = status;
    this.messages = Array.isArray(message) ? message : [String(message)];
  }
}

// fetch with the workspace header; the session cookie goes along by itself (same origin).
async function api(method, path, body, extraHeaders = {}) {
  const headers = { Accept: 'application/json', ...extraHeaders };
  if (state.workspaceId) headers['X-Workspace-Id'] = state.workspaceId;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', cache: 'no-store',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = { message: text }; }
  }
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

// ---- session ------------------------------------------------------------------------------

async function signIn(event) {
  event.preventDefault();
  const input = $('token-input');
  const token = input.value.trim();
  // The token leaves the page's memory as soon as it is sent.
  input.value = '';
  $('sign-in-error').textContent = '';
  if (!token) {
    $('sign-in-error').textContent = 'Paste a token first.';
    return;
  }
  try {
    const profile = await api('POST', '/api/auth/session', undefined,
      { Authorization: `Bearer ${token}` });
    showSignedIn(profile);
  } catch (error) {
    $('sign-in-error').textContent = error.status === 401
      ? 'That token is unknown, expired or revoked.' : `Sign-in failed: ${error.message}`;
  }
}

async function signOut() {
  closeStream();
  try { await api('DELETE', '/api/auth/session'); } catch { /* the cookie is gone either way */ }
  state.profile = null;
  state.workspaceId = null;
  showSignedOut();
}

function showSignedOut() {
  closeListStream();
  $('account').hidden = true;
  $('workspace-view').hidden = true;
  $('sign-in').hidden = false;
  $('token-input').focus();
}

function showSignedIn(profile) {
  state.profile = profile;
  $('sign-in').hidden = true;
  $('account').hidden = false;
  $('user-name').textContent = profile.user.name || profile.user.email;
  $('user-name').title = profile.user.email;
  const select = $('workspace-select');
  select.replaceChildren(...profile.workspaces.map((workspace) => {
    const option = document.createElement('option');
    option.value = workspace.id;
    option.textContent = `${workspace.name} (${workspace.role.toLowerCase()})`;
    return option;
  }));
  if (profile.workspaces.length === 0) {
    $('role-badge').textContent = '';
    $('workspace-view').hidden = true;
    $('sign-in-error').textContent = '';
    $('list-error').textContent = '';
    return;
  }
  const remembered = localStorage.getItem(WORKSPACE_KEY);
  const chosen = profile.workspaces.find((workspace) => workspace.id === remembered)
    || profile.workspaces[0];
  select.value = chosen.id;
  chooseWorkspace(chosen.id);
}

function chooseWorkspace(workspaceId) {
  const workspace = state.profile.workspaces.find((candidate) => candidate.id === workspaceId);
  if (!workspace) return;
  closeDetail();
  state.workspaceId = workspace.id;
  state.role = workspace.role;
  state.page = 1;
  localStorage.setItem(WORKSPACE_KEY, workspace.id);
  $('role-badge').textContent = workspace.role;
  $('workspace-view').hidden = false;
  const canWrite = mayWrite();
  for (const field of $('create-form').elements) field.disabled = !canWrite;
  $('create-note').textContent = canWrite ? '' : 'Guests may look but not create jobs.';
  $('runners-panel').hidden = !mayAdminister();
  state.runnerTypes = null;
  renderTypeHint();
  state.jobs = [];
  state.jobSeqs.clear();
  renderJobs();
  // The list loads once the stream is live (stream.ready), so no change falls between the two.
  openListStream();
}

const mayWrite = () => WRITER_ROLES.includes(state.role);
const mayAdminister = () => ADMIN_ROLES.includes(state.role);
const mayCancel = (job) => mayWrite() && ACTIVE_STATUSES.includes(job.status);
const mayRetry = (job) => mayWrite() && RETRYABLE_STATUSES.includes(job.status);

// ---- job list -----------------------------------------------------------------------------

function selectedStatuses() {
  return [...$('status-filters').querySelectorAll('input:checked')].map((box) => box.value);
}

async function loadJobs() {
  if (!state.workspaceId) return;
  const query = new URLSearchParams({ page: String(state.page), limit: String(PAGE_SIZE) });
  const statuses = selectedStatuses();
  if (statuses.length) query.set('status', statuses.join(','));
  try {
    const result = await api('GET', `/api/runner-jobs?${query}`);
    $('list-error').textContent = '';
    state.totalPages = Math.max(1, result.meta.totalPages);
    if (state.page > state.totalPages && result.meta.total > 0) {
      state.page = state.totalPages;
      return loadJobs();
    }
    state.jobs = result.data;
    state.total = result.meta.total;
    renderJobs();
  } catch (error) {
    handleApiError(error, $('list-error'));
  }
}

function renderJobs() {
  const rows = state.jobs.map((job) => {
    const row = document.createElement('tr');
    row.dataset.jobId = job.id;
    row.className = state.detail && state.detail.id === job.id ? 'selected' : '';
    row.append(
      cell(job.type, 'type'),
      cellWith(statusBadge(job.status)),
      cell(String(job.priority)),
      cellWith(miniProgress(job.progressPercent)),
      cellWith(attemptsAndWait(job)),
      cell(formatTime(job.createdAt), 'time'),
      cellWith(jobButtons(job)),
    );
    row.addEventListener('click', (event) => {
      if (event.target.closest('button')) return;
      openJob(job.id);
    });
    return row;
  });
  $('job-rows').replaceChildren(...rows);
  $('empty-list').hidden = state.jobs.length > 0;
  $('page-info').textContent = `Page ${state.page} of ${state.totalPages}`;
  $('previous-page').disabled = state.page <= 1;
  $('next-page').disabled = state.page >= state.totalPages;
}

function jobButtons(job) {
  const wrapper = document.createElement('span');
  wrapper.className = 'row-actions';
  const open = button('Open', 'secondary small', () => openJob(job.id));
  const cancel = button('Cancel', 'danger small', () => cancelJob(job.id));
  cancel.disabled = !mayCancel(job);
  cancel.dataset.action = 'cancel';
  cancel.title = reasonDisabled(job, 'cancel');
  const retry = button('Retry', 'small', () => retryJob(job.id));
  retry.disabled = !mayRetry(job);
  retry.dataset.action = 'retry';
  retry.title = reasonDisabled(job, 'retry');
  wrapper.append(open, cancel, retry);
  return wrapper;
}

function reasonDisabled(job, action) {
  if (!mayWrite()) return `Your role ${state.role} may only read`;
  if (action === 'cancel' && !ACTIVE_STATUSES.includes(job.status)) return `The job is ${job.status}`;
  if (action === 'retry' && !RETRYABLE_STATUSES.includes(job.status)) {
    return 'Only failed or cancelled jobs can be retried';
  }
  return '';
}

// ---- the live list: the workspace stream ---------------------------------------------------

// `resume`: a new EventSource after the last one gave up (a 5xx while the server restarted, say),
// carrying on from the cursor the page has; otherwise the list is loaded afresh.
function openListStream(resume = false) {
  closeListStream();
  clearTimeout(state.listRetryTimer);
  if (!resume) {
    state.listStale = true;
    state.listCursor = null;
  }
  // EventSource cannot set headers: the cookie authenticates, the query names the workspace. On a
  // reconnect it sends Last-Event-ID itself and the server replays what was missed.
  const query = new URLSearchParams({ workspaceId: state.workspaceId });
  if (state.listCursor !== null) query.set('lastEventId', state.listCursor);
  const source = new EventSource(`/api/runner-jobs/events/stream?${query}`);
  state.listStream = source;
  setListStreamState('connecting', 'connecting…');
  source.addEventListener('stream.ready', (message) => {
    if (state.listStream !== source) return;
    state.listCursor = message.lastEventId;
    setListStreamState('live', 'live');
    if (state.listStale) {
      state.listStale = false;
      reloadList();
    }
  });
  // Changes were deleted before this page read them: load the list again at stream.ready.
  source.addEventListener('reset', () => { if (state.listStream === source) state.listStale = true; });
  source.addEventListener('job.changed', (message) => {
    if (state.listStream !== source) return;
    state.listCursor = message.lastEventId;
    onJobChanged(parseData(message));
  });
  source.addEventListener('error', (event) => {
    if (state.listStream !== source) return;
    if (event instanceof MessageEvent && event.data && parseData(event).retryable === false) {
      closeListStream();
      setListStreamState('failed', 'not live');
      $('list-error').textContent = parseData(event).message || 'The live list stopped.';
      return;
    }
    if (source.readyState === EventSource.CLOSED) {
      // EventSource gives up for good on an answer that is not a stream (a 5xx from a restarting
      // server): try again from the page's cursor, as it would have.
      closeListStream();
      setListStreamState('reconnecting', 'reconnecting…');
      state.listRetryTimer = setTimeout(() => openListStream(true), LIST_RETRY_MS);
    } else {
      setListStreamState('reconnecting', 'reconnecting…');
    }
  });
}

function closeListStream() {
  clearTimeout(state.listRetryTimer);
  if (state.listStream) state.listStream.close();
  state.listStream = null;
  setListStreamState('idle', '');
}

function setListStreamState(name, text) {
  const element = $('list-stream-state');
  element.dataset.state = name;
  element.textContent = text;
}

function reloadList() {
  state.listLoads = (state.listLoads || 0) + 1;
  document.body.dataset.listLoads = String(state.listLoads);
  loadJobs();
  loadSummary();
}

// A change of one job: its row takes the new summary; a new job that the page shows comes in on
// top. A change older than what the row shows (the list was loaded after it) is left out.
function onJobChanged(change) {
  const job = change.job;
  if (!job) return;
  if (change.seq <= (state.jobSeqs.get(job.id) || 0)) return;
  state.jobSeqs.set(job.id, change.seq);
  const index = state.jobs.findIndex((candidate) => candidate.id === job.id);
  if (index >= 0) {
    const shown = state.jobs[index];
    if (new Date(job.updatedAt) < new Date(shown.updatedAt)) return;
    state.jobs[index] = { ...shown, ...job };
  } else if (change.event === 'job.created' && state.page === 1 && matchesFilters(job)) {
    state.jobs.unshift(job);
    if (state.jobs.length > PAGE_SIZE) state.jobs.pop();
    state.total += 1;
    state.totalPages = Math.max(1, Math.ceil(state.total / PAGE_SIZE));
  }
  renderJobs();
  scheduleSummary();
}

function matchesFilters(job) {
  const statuses = selectedStatuses();
  return statuses.length === 0 || statuses.includes(job.status);
}

// Queue depth (QUEUED and RUNNING counts) and, for owners and admins, the runners: read after
// changes settle, never on a timer.
function scheduleSummary() {
  clearTimeout(state.summaryTimer);
  state.summaryTimer = setTimeout(loadSummary, SUMMARY_DEBOUNCE_MS);
}

async function loadSummary() {
  if (!state.workspaceId) return;
  try {
    const count = async (status) => (await api('GET', `/api/runner-jobs?status=${status}&limit=1`)).meta.total;
    const [queued, running] = await Promise.all([count('QUEUED'), count('RUNNING')]);
    $('queue-depth').textContent = `${queued} queued · ${running} running`;
    $('queue-depth').dataset.queued = String(queued);
    if (mayAdminister()) renderRunners((await api('GET', '/api/runners')).data);
  } catch (error) {
    handleApiError(error, $('list-error'));
  }
}

function renderRunners(runners) {
  const items = runners.filter((runner) => !runner.revoked).map((runner) => {
    const item = document.createElement('li');
    item.dataset.runnerId = runner.id;
    const name = document.createElement('strong');
    name.textContent = runner.name;
    const types = document.createElement('span');
    types.className = 'hint';
    types.textContent = runner.types ? runner.types.join(', ') : 'any type';
    const seen = document.createElement('span');
    seen.className = 'time';
    seen.textContent = runner.lastSeenAt ? `seen ${formatTime(runner.lastSeenAt, true)}` : 'never seen';
    const running = document.createElement('span');
    running.className = 'running';
    running.textContent = runner.running.length ? `running ${runner.running.map((job) => job.type).join(', ')}` : 'idle';
    item.append(name, types, seen, running);
    return item;
  });
  $('runner-list').replaceChildren(...items);
  $('no-runners').hidden = items.length > 0;
  state.runnerTypes = runners.filter((runner) => !runner.revoked).flatMap((runner) => runner.types || [null]);
  renderTypeHint();
}

// Under the type field: which types a runner takes, so a job is not left QUEUED unnoticed. Only
// owners and admins may read the runners.
function renderTypeHint() {
  const hint = $('type-runners');
  const types = state.runnerTypes;
  hint.hidden = !types;
  if (!types) return;
  const type = $('job-type').value.trim();
  const named = [...new Set(types.filter((taken) => taken !== null))].sort();
  const more = named.length > 6 ? ` and ${named.length - 6} more` : '';
  const takenBy = `Runners take ${named.slice(0, 6).join(', ')}${more}`;
  if (types.length === 0) {
    hint.textContent = 'No runner takes jobs in this workspace: they wait QUEUED.';
  } else if (types.includes(null) || types.includes(type)) {
    hint.textContent = types.includes(null) ? 'A runner takes any type.' : `${takenBy}.`;
  } else {
    hint.textContent = `No runner takes ${type || 'this type'}: it would wait QUEUED. ${takenBy}.`;
  }
  hint.dataset.taken = String(types.includes(null) || types.includes(type));
}

// ---- create, cancel, retry ----------------------------------------------------------------

function fieldErrors() {
  return [...$('create-form').querySelectorAll('.field-error')];
}

function showFieldErrors(messages) {
  const byField = { type: [], priority: [], data: [], form: [] };
  for (const message of messages) {
    const field = Object.keys(byField).find((name) => message.startsWith(`${name} `)
      || message.startsWith(`property ${name} `));
    byField[field || 'form'].push(message);
  }
  for (const element of fieldErrors()) {
    element.textContent = byField[element.dataset.field].join('. ');
    const input = $('create-form').elements[element.dataset.field];
    if (input) input.setAttribute('aria-invalid', String(byField[element.dataset.field].length > 0));
  }
}

async function createJob(event) {
  event.preventDefault();
  showFieldErrors([]);
  const form = $('create-form');
  const body = { type: form.elements.type.value.trim() };
  const priorityText = form.elements.priority.value.trim();
  if (priorityText !== '') {
    // Sent as typed when it is not a plain number, so the server's message explains the problem.
    body.priority = /^-?\d+(\.\d+)?$/.test(priorityText) ? Number(priorityText) : priorityText;
  }
  const dataText = form.elements.data.value.trim();
  if (dataText !== '') {
    try {
      body.data = JSON.parse(dataText);
    } catch (error) {
      showFieldErrors([`data is not valid JSON: ${error.message}`]);
      return;
    }
  }
  $('create-button').disabled = true;
  try {
    const job = await api('POST', '/api/runner-jobs', body);
    $('create-note').textContent = `Created ${job.type} ${job.id.slice(0, 8)}`;
    state.page = 1;
    await loadJobs();
    openJob(job.id);
  } catch (error) {
    if (error.status === 400) showFieldErrors(error.messages);
    else showFieldErrors([error.message]);
    if (error.status === 401) showSignedOut();
  } finally {
    $('create-button').disabled = !mayWrite();
  }
}

async function cancelJob(jobId) {
  await changeJob(() => api('POST', `/api/runner-jobs/${jobId}/cancel`), jobId);
}

async function retryJob(jobId) {
  await changeJob(() => api('POST', `/api/runner-jobs/${jobId}/retry`), null);
}

async function changeJob(action, keepOpenId) {
  const target = state.detail ? $('detail-error') : $('list-error');
  target.textContent = '';
  try {
    const job = await action();
    await loadJobs();
    if (keepOpenId && state.detail && state.detail.id === keepOpenId) updateDetail(job);
    else openJob(job.id);
  } catch (error) {
    handleApiError(error, target);
  }
}

function handleApiError(error, target) {
  if (error.status === 401) {
    showSignedOut();
    $('sign-in-error').textContent = 'Your session has ended; sign in again.';
    return;
  }
  target.textContent = error.message;
}

// ---- job detail and its live stream -------------------------------------------------------

async function openJob(jobId) {
  closeStream();
  state.openingJobId = jobId;
  $('detail-error').textContent = '';
  let job;
  try {
    job = await api('GET', `/api/runner-jobs/${jobId}`);
  } catch (error) {
    handleApiError(error, $('list-error'));
    return;
  }
  // Another job was opened while this one loaded: only the last one gets a stream.
  if (state.openingJobId !== jobId) return;
  closeStream();
  state.detail = job;
  state.lastSeq = 0;
  $('job-detail').hidden = false;
  $('event-log').replaceChildren();
  updateDetail(job);
  renderJobs();
  openStream(job.id);
}

function updateDetail(job) {
  state.detail = { ...state.detail, ...job };
  const detail = state.detail;
  $('job-detail').dataset.jobId = detail.id;
  $('detail-id').textContent = detail.id;
  $('detail-type').textContent = detail.type;
  setBadge($('detail-status'), detail.status);
  $('detail-priority').textContent = String(detail.priority);
  $('detail-attempt').textContent = attempts(detail);
  $('detail-created').textContent = formatTime(detail.createdAt);
  // "Runs at" for a scheduled job, "Next retry" for one waiting out its backoff.
  const waiting = waitingUntil(detail);
  $('detail-run-at-label').textContent = detail.attempt > 1 ? 'Next retry' : 'Runs at';
  $('detail-run-at').textContent = waiting;
  $('detail-run-at-label').hidden = !waiting;
  $('detail-run-at').hidden = !waiting;
  setProgress(detail.progressPercent);
  $('detail-cancel').disabled = !mayCancel(detail);
  $('detail-cancel').title = reasonDisabled(detail, 'cancel');
  $('detail-retry').disabled = !mayRetry(detail);
  $('detail-retry').title = reasonDisabled(detail, 'retry');
  const outcome = detail.error || (detail.result != null ? JSON.stringify(detail.result, null, 2) : '');
  $('detail-result').hidden = !outcome;
  $('detail-result').textContent = detail.error ? `Error: ${detail.error}` : `Result: ${outcome}`;
  const listed = state.jobs.find((candidate) => candidate.id === detail.id);
  if (listed && (listed.status !== detail.status || listed.progressPercent !== detail.progressPercent
      || listed.attempt !== detail.attempt || listed.runAt !== detail.runAt)) {
    Object.assign(listed, {
      status: detail.status, progressPercent: detail.progressPercent, attempt: detail.attempt,
      runAt: detail.runAt,
    });
    renderJobs();
  }
}

function setProgress(percent) {
  const value = Math.max(0, Math.min(100, Number(percent) || 0));
  $('detail-progress').setAttribute('aria-valuenow', String(value));
  $('detail-progress-fill').style.width = `${value}%`;
  $('detail-progress-label').textContent = `${value}%`;
}

function setStreamState(name, text) {
  const element = $('stream-state');
  element.dataset.state = name;
  element.textContent = text;
}

function openStream(jobId) {
  const query = new URLSearchParams({ workspaceId: state.workspaceId });
  // EventSource cannot set headers: the cookie authenticates, the query names the workspace.
  // On a reconnect it sends Last-Event-ID itself, so no event is lost or repeated.
  const source = new EventSource(`/api/runner-jobs/${jobId}/events/stream?${query}`);
  state.stream = source;
  setStreamState('connecting', 'connecting…');
  source.onopen = () => { if (state.stream === source) setStreamState('live', 'live'); };
  for (const type of EVENT_TYPES) {
    source.addEventListener(type, (message) => { if (state.stream === source) onJobEvent(type, message); });
  }
  source.addEventListener('stream.complete', (message) => {
    if (state.stream !== source) return;
    const data = parseData(message);
    if (data.status) updateDetail({ status: data.status });
    closeStream();
    setStreamState('complete', `finished: ${state.detail.status.toLowerCase()}`);
    refreshDetail(jobId);
  });
  // Both the server's "event: error" (with data) and connection failures arrive here.
  source.addEventListener('error', (event) => {
    if (state.stream !== source) return;
    if (event instanceof MessageEvent && event.data) {
      const data = parseData(event);
      if (data.retryable === false) {
        closeStream();
        setStreamState('failed', 'stream stopped');
        $('detail-error').textContent = data.message || 'The live stream stopped.';
        return;
      }
      setStreamState('reconnecting', 'reconnecting…');
      return;
    }
    if (source.readyState === EventSource.CONNECTING) {
      setStreamState('reconnecting', 'reconnecting…');
    } else {
      // Closed for good: a non-200 answer (401/403/404) is permanent.
      state.stream = null;
      setStreamState('failed', 'disconnected');
      refreshDetail(jobId);
    }
  });
}

function closeStream() {
  if (state.stream) state.stream.close();
  state.stream = null;
}

function onJobEvent(type, message) {
  const seq = Number(message.lastEventId);
  if (seq && seq <= state.lastSeq) return;  // already shown (never expected, but harmless)
  if (seq) state.lastSeq = seq;
  setStreamState('live', 'live');
  const data = parseData(message);
  const update = {};
  if (STATUS_BY_EVENT[type]) update.status = STATUS_BY_EVENT[type];
  if (type === 'job.progress' && data.progressPercent !== undefined) {
    update.progressPercent = data.progressPercent;
  }
  if (type === 'job.completed') update.progressPercent = 100;
  if (type === 'job.failed' && data.error) update.error = data.error;
  if (type === 'job.started' && data.attempt) update.attempt = data.attempt;
  if (type === 'job.retry_scheduled') {
    Object.assign(update, { attempt: data.attempt, runAt: data.runAt, error: data.error });
  }
  if (Object.keys(update).length) updateDetail(update);
  appendEventLine(seq, type, data);
}

function appendEventLine(seq, type, data) {
  const item = document.createElement('li');
  item.className = `event ${type.replace('.', '-')}`;
  item.dataset.type = type;
  const time = document.createElement('time');
  time.textContent = data.timestamp ? formatTime(data.timestamp, true) : '';
  const name = document.createElement('span');
  name.className = 'event-type';
  name.textContent = `#${seq || '?'} ${type}`;
  const text = document.createElement('span');
  text.className = 'event-text';
  text.textContent = describeEvent(type, data);
  item.append(time, name, text);
  const log = $('event-log');
  const follow = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
  log.append(item);
  if (follow) log.scrollTop = log.scrollHeight;
}

function describeEvent(type, data) {
  const { jobId, seq, type: eventType, timestamp, ...payload } = data;
  if (type === 'job.progress') return `${payload.progressPercent}%`;
  if (type === 'step.output') {
    // The reference runner sends {ordinal, stream, lines: [...]}; other runners may send a line.
    if (Array.isArray(payload.lines)) return payload.lines.join('\n');
    const line = payload.line ?? payload.text ?? payload.output ?? payload.message;
    if (line !== undefined) return String(line);
  }
  if (type.startsWith('step.') && payload.ordinal !== undefined) {
    const { ordinal, name, ...rest } = payload;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    return `step ${ordinal}${name ? `: ${name}` : ''}${extra}`;
  }
  return Object.keys(payload).length ? JSON.stringify(payload) : '';
}

async function refreshDetail(jobId) {
  try {
    const job = await api('GET', `/api/runner-jobs/${jobId}`);
    if (state.detail && state.detail.id === jobId) updateDetail(job);
  } catch { /* the stream state already tells */ }
}

function closeDetail() {
  closeStream();
  state.detail = null;
  $('job-detail').hidden = true;
  setStreamState('idle', '');
  renderJobs();
}

// ---- small helpers ------------------------------------------------------------------------

function parseData(message) {
  try { return JSON.parse(message.data); } catch { return {}; }
}

function cell(text, className) {
  const element = document.createElement('td');
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function cellWith(child) {
  const element = document.createElement('td');
  element.append(child);
  return element;
}

function button(text, className, onClick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = text;
  element.className = className;
  element.addEventListener('click', onClick);
  return element;
}

function statusBadge(status) {
  const badge = document.createElement('span');
  setBadge(badge, status);
  return badge;
}

function setBadge(element, status) {
  element.className = `badge status-${String(status).toLowerCase()}`;
  element.textContent = status;
}

function miniProgress(percent) {
  const bar = document.createElement('span');
  bar.className = 'mini-progress';
  bar.title = `${percent}%`;
  const fill = document.createElement('span');
  fill.style.width = `${Math.max(0, Math.min(100, percent))}%`;
  bar.append(fill);
  return bar;
}

// "2 of 3": the run a job is on, of the runs it may have.
function attempts(job) {
  return job.maxAttempts ? `${job.attempt} of ${job.maxAttempts}` : String(job.attempt);
}

// "2 of 4", and under it when a waiting job runs (scheduled, or a retry's backoff).
function attemptsAndWait(job) {
  const wrapper = document.createElement('span');
  wrapper.className = 'attempts';
  wrapper.textContent = attempts(job);
  const waiting = waitingUntil(job);
  if (waiting) {
    const runAt = document.createElement('span');
    runAt.className = 'run-at';
    runAt.textContent = `runs ${waiting}`;
    wrapper.append(runAt);
  }
  return wrapper;
}

// When a QUEUED job becomes claimable, if that is still ahead (scheduled, or a retry's backoff).
function waitingUntil(job) {
  if (job.status !== 'QUEUED' || !job.runAt || new Date(job.runAt).getTime() <= Date.now()) return '';
  return formatTime(job.runAt, true);
}

function formatTime(iso, withSeconds = false) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(undefined, {
    month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
    second: withSeconds ? '2-digit' : undefined,
  });
}

// ---- start --------------------------------------------------------------------------------

async function start() {
  $('sign-in-form').addEventListener('submit', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('workspace-select').addEventListener('change', (event) => chooseWorkspace(event.target.value));
  $('status-filters').addEventListener('change', () => { state.page = 1; loadJobs(); });
  $('refresh').addEventListener('click', () => reloadList());
  $('previous-page').addEventListener('click', () => { state.page -= 1; loadJobs(); });
  $('next-page').addEventListener('click', () => { state.page += 1; loadJobs(); });
  $('create-form').addEventListener('submit', createJob);
  $('job-type').addEventListener('input', renderTypeHint);
  $('detail-cancel').addEventListener('click', () => state.detail && cancelJob(state.detail.id));
  $('detail-retry').addEventListener('click', () => state.detail && retryJob(state.detail.id));
  $('close-detail').addEventListener('click', closeDetail);
  try {
    // A session cookie from an earlier visit: the page never sees it, the server does.
    showSignedIn(await api('GET', '/api/auth/session'));
  } catch {
    showSignedOut();
  }
}

start();
