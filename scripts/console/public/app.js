// The local console's page: plain JS, no build, no dependency. Everything it shows comes
// from /_console/api (scripts/console/server.ts); text is set with textContent only.
'use strict';

const API = '/_console/api/';
const MAX_ROWS = 300;

async function api(path, init) {
  const response = await fetch(API + path, init);
  const body = await response.json();
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

/** el('td', { class: 'x', dataset: { a: 1 } }, 'text', child) */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'onclick') node.addEventListener('click', value);
    else if (key === 'style') node.setAttribute('style', value);
    else node.setAttribute(key === 'className' ? 'class' : key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const time = (ms) => (ms ? new Date(ms).toISOString().slice(11, 23) : '');
const isoTime = (iso) => (iso ? iso.slice(11, 23) : '');
const metadataOf = (event) => (event && event.detail && event.detail.metadata) || {};
const errorOf = (event) => {
  const data = event && event.detail && event.detail.data;
  return data && typeof data.errorCode === 'string' ? data : undefined;
};

function flowLink(correlationId) {
  if (!correlationId) return '';
  return el('button', { type: 'button', className: 'link', dataset: { flow: correlationId }, onclick: () => openFlow(correlationId) }, correlationId);
}

/** Runs `task` every `ms`, never two at a time; errors show in the status line. */
function every(ms, task) {
  let busy = false;
  const run = async () => {
    if (busy) return;
    busy = true;
    try {
      await task();
    } catch (error) {
      status(`${task.name}: ${error.message}`);
    } finally {
      busy = false;
    }
  };
  void run();
  return setInterval(run, ms);
}

function status(text) {
  document.getElementById('clock').textContent = text;
}

// ---- live tail ----
const tail = { since: 0, seen: new Set(), generation: 0 };

function tailQuery() {
  const detailType = document.getElementById('filter-detail-type').value.trim();
  const correlationId = document.getElementById('filter-correlation-id').value.trim();
  const params = new URLSearchParams();
  if (tail.since) params.set('since', String(tail.since));
  if (detailType) params.set('detailType', detailType);
  if (correlationId) params.set('correlationId', correlationId);
  return `events?${params}`;
}

async function pollEvents() {
  if (document.getElementById('tail-pause').checked) return;
  const generation = tail.generation;
  const { events, now } = await api(tailQuery());
  if (generation !== tail.generation) return;
  const body = document.querySelector('#events tbody');
  for (const entry of events) {
    const e = entry.event;
    const key = `${e.id}/${e['replay-name'] || ''}/${entry.at}`;
    if (tail.seen.has(key)) continue;
    tail.seen.add(key);
    tail.since = Math.max(tail.since, entry.at);
    const md = metadataOf(e);
    const error = errorOf(e);
    const row = el(
      'tr',
      { className: error ? 'bad' : undefined, dataset: { detailType: e['detail-type'], correlationId: md.correlationId || '', eventId: md.eventId || e.id } },
      el('td', {}, time(entry.at)),
      el('td', {}, entry.bus),
      el('td', {}, e.source),
      el('td', { title: error ? `${error.errorCode}: ${error.errorMessage}` : undefined }, e['detail-type'], e['replay-name'] ? ` (replay ${e['replay-name']})` : ''),
      el('td', {}, flowLink(md.correlationId)),
      el('td', {}, md.eventId || e.id),
      el('td', {}, (entry.rules || []).join(', ') || '(no rule)'),
    );
    body.prepend(row);
  }
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  document.getElementById('tail-count').textContent = `${body.rows.length} event(s) shown`;
  status(`updated ${time(now)}`);
}

function resetTail() {
  tail.since = 0;
  tail.seen.clear();
  tail.generation += 1;
  document.querySelector('#events tbody').replaceChildren();
  void pollEvents().catch((error) => status(error.message));
}

// ---- flow ----
/** The open flow: redrawn every 2 s while the tail runs, so a flow fills in as it happens. */
const flowView = { correlationId: '', shown: '', dlq: [], dlqSeen: undefined };
/** Every DLQ's messages (visible and in flight) as the queues panel last saw them. */
let dlqDepths = '';

async function openFlow(correlationId) {
  flowView.correlationId = correlationId;
  flowView.shown = '';
  flowView.dlq = [];
  flowView.dlqSeen = undefined;
  document.getElementById('flow-correlation-id').value = correlationId;
  document.getElementById('flow-summary').textContent = 'loading...';
  await drawFlow(true);
}

/** Draws the open flow when it changed; the first drawing scrolls it into view. */
async function drawFlow(first) {
  const correlationId = flowView.correlationId;
  const tree = document.getElementById('flow-tree');
  const summary = document.getElementById('flow-summary');
  // Looking into the DLQs receives their messages (and counts a receive): only when opened and
  // when a DLQ's depth changed since the last look; otherwise the last look's findings stand.
  const depths = dlqDepths;
  const look = first || flowView.dlqSeen !== depths;
  let flow;
  try {
    flow = await api(`flow?correlationId=${encodeURIComponent(correlationId)}${look ? '' : '&dlq=0'}`);
  } catch (error) {
    if (correlationId !== flowView.correlationId) return;
    summary.textContent = error.message;
    tree.replaceChildren();
    flowView.shown = '';
    return;
  }
  if (correlationId !== flowView.correlationId) return; // another flow was opened meanwhile
  if (look) {
    flowView.dlq = flow.dlq;
    flowView.dlqSeen = depths;
  } else flow.dlq = flowView.dlq;
  const drawn = JSON.stringify(flow);
  if (drawn === flowView.shown) return;
  flowView.shown = drawn;
  if (flow.events === 0) {
    summary.textContent = `no event with correlation id ${correlationId} yet: the flow fills in as its events arrive`;
    tree.replaceChildren();
    return;
  }
  const longest = Math.max(1, ...walk(flow.roots).flatMap((n) => n.handledBy.map((h) => h.durationMs)));
  summary.textContent = `${flow.events} event(s) from ${new Date(flow.startedAt).toISOString()}; ${flow.errors.length} error(s); ${flow.dlq.length} DLQ message(s)`;
  tree.replaceChildren(...flow.roots.map((n) => flowNode(n, flow, longest, true)));
  if (first) document.getElementById('flow').scrollIntoView({ block: 'nearest' });
}

async function refreshFlow() {
  if (!flowView.correlationId || document.getElementById('tail-pause').checked) return;
  await drawFlow(false);
}

function* walk(nodes) {
  for (const n of nodes) {
    yield n;
    yield* walk(n.children);
  }
}

function flowNode(node, flow, longest, root) {
  const dlq = flow.dlq.filter((d) => d.eventId === node.eventId);
  const bad = node.errors.length > 0 || node.handledBy.some((h) => !h.ok) || dlq.length > 0 || node.detailType === 'ErrorOccurred';
  return el(
    'div',
    { className: `node${root ? ' root' : ''}${bad ? ' bad' : ''}`, dataset: { eventId: node.eventId, detailType: node.detailType } },
    el('div', { className: 'title' }, `+${node.offsetMs} ms  ${node.detailType}`, el('span', { className: 'muted' }, `  ${node.source} on ${node.bus}${node.saga ? `  [${node.saga}]` : ''}  ${node.eventId}`)),
    node.routes.map((r) => el('div', { className: 'detail' }, `-> ${r}`)),
    node.handledBy.map((h) =>
      el(
        'div',
        { className: `detail handled${h.ok ? '' : ' bad'}`, dataset: { function: h.function } },
        `handled by ${h.function}`,
        el('span', { className: `bar${h.ok ? '' : ' bad'}`, style: `width:${Math.round((h.durationMs / longest) * 160)}px` }),
        `${h.durationMs} ms ${h.ok ? 'ok' : `FAILED${h.error ? `: ${h.error}` : ''}`}`,
      ),
    ),
    node.errors.map((e) => el('div', { className: 'detail bad' }, `error ${e.errorCode}: ${e.errorMessage}${e.function ? ` (in ${e.function})` : ''}`)),
    dlq.map((d) => el('div', { className: 'detail bad' }, `in DLQ ${d.queue} (message ${d.messageId})`)),
    node.replays.length ? el('div', { className: 'detail' }, `replayed by ${node.replays.join(', ')}`) : null,
    node.children.map((c) => flowNode(c, flow, longest, false)),
  );
}

/**
 * Renders rows keyed by `data-key` in place: a row that stays is never taken out of the
 * table, only its changed attributes and cells are; rows move only when their order changes.
 * Chromium dispatches no click when the pressed element leaves the document between
 * mousedown and mouseup, even if it is put back at once (which `replaceChildren` with the
 * same rows does): with the tables refreshed every 2 s, a Redrive press could be lost.
 */
function renderRows(body, rows) {
  const existing = new Map([...body.rows].map((r) => [r.dataset.key, r]));
  const wanted = rows.map((row) => {
    const old = existing.get(row.dataset.key);
    if (!old) return row;
    existing.delete(row.dataset.key);
    patchRow(old, row);
    return old;
  });
  for (const gone of existing.values()) gone.remove();
  wanted.forEach((row, i) => {
    if (body.rows[i] !== row) body.insertBefore(row, body.rows[i] || null);
  });
}

/** Makes `row` look like `next`, keeping every cell (and button) whose markup did not change. */
function patchRow(row, next) {
  for (const name of row.getAttributeNames()) if (!next.hasAttribute(name)) row.removeAttribute(name);
  for (const name of next.getAttributeNames()) if (row.getAttribute(name) !== next.getAttribute(name)) row.setAttribute(name, next.getAttribute(name));
  if (row.cells.length !== next.cells.length) {
    row.replaceChildren(...next.cells);
    return;
  }
  [...next.cells].forEach((cell, i) => {
    const old = row.cells[i];
    if (old.outerHTML !== cell.outerHTML) old.replaceWith(cell);
  });
}

// ---- queues ----
async function pollQueues() {
  const { queues } = await api('queues');
  dlqDepths = queues
    .filter((q) => q.isDlq)
    .map((q) => `${q.name}:${q.depth + q.inFlight}`)
    .join(' ');
  const body = document.querySelector('#queue-table tbody');
  renderRows(
    body,
    queues.map((q) =>
      el(
        'tr',
        { className: q.isDlq && q.depth > 0 ? 'bad' : undefined, dataset: { key: q.name, queue: q.name, depth: q.depth } },
        el('td', {}, q.name, q.isDlq ? el('span', { className: 'muted' }, ` (DLQ of ${q.sources.join(', ') || 'rules'})`) : ''),
        el('td', { className: 'depth' }, q.depth),
        el('td', {}, q.inFlight),
        el('td', {}, q.dlq ? q.dlq.name : ''),
        el('td', { className: q.dlq && q.dlq.depth > 0 ? 'bad' : undefined }, q.dlq ? q.dlq.depth : ''),
        el('td', {}, q.isDlq && q.depth > 0 ? el('button', { type: 'button', dataset: { redrive: q.name }, onclick: () => redrive(q.name) }, 'Redrive') : ''),
      ),
    ),
  );
}

async function redrive(name) {
  const line = document.getElementById('queue-status');
  line.textContent = `redriving ${name}...`;
  try {
    const result = await api('redrive', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dlq: name }) });
    line.textContent = `redrive of ${name} started: ${result.moved} message(s)${result.taskHandle ? ` (task ${result.taskHandle})` : ''}`;
  } catch (error) {
    line.textContent = `redrive of ${name} failed: ${error.message}`;
  }
  await pollQueues();
}

// ---- functions ----
let selectedFunction;

async function pollFunctions() {
  const { functions } = await api('functions');
  const body = document.querySelector('#function-table tbody');
  renderRows(
    body,
    functions.map((f) =>
      el(
        'tr',
        { className: `selectable${f.errors ? ' bad' : ''}${f.name === selectedFunction ? ' selected' : ''}`, dataset: { key: f.name, function: f.name }, onclick: () => showLogs(f.name) },
        el('td', {}, f.name),
        el('td', { className: 'invocations' }, f.invocations),
        el('td', { title: f.lastError }, f.errors),
        el('td', {}, f.lastDurationMs === undefined ? '' : `${f.lastDurationMs} ms`),
        el('td', {}, time(f.lastAt)),
      ),
    ),
  );
}

async function showLogs(name) {
  selectedFunction = name;
  const { invocations } = await api(`logs?function=${encodeURIComponent(name)}`);
  const box = document.getElementById('function-logs');
  box.replaceChildren(
    el('h2', {}, `${name}: last ${invocations.length} invocation(s)`),
    ...invocations.map((i) =>
      el(
        'div',
        { className: 'invocation', dataset: { requestId: i.requestId || '' } },
        el('div', { className: i.ok ? '' : 'bad' }, `${time(i.startedAt)}  ${i.durationMs} ms  ${i.ok ? 'ok' : `FAILED${i.error ? `: ${i.error}` : ''}`}  ${i.eventIds.length} event(s)`),
        el('pre', { className: 'logs' }, i.logs.join('\n') || '(no log lines)'),
      ),
    ),
  );
  await pollFunctions();
}

// ---- sagas and gathers ----
async function pollSagas() {
  const { sagas, gathers } = await api('sagas');
  const list = document.getElementById('saga-list');
  const entry = (s) =>
    el(
      'div',
      { className: 'saga', dataset: { kind: s.kind, id: s.id, status: s.status } },
      el('div', {}, el('strong', {}, `${s.kind} ${s.name}`), ' ', el('span', { className: `chip ${s.status}` }, s.status), ' ', el('span', { className: 'muted' }, `${isoTime(s.startedAt)} ${s.id}`), ' ', flowLink(s.correlationId)),
      el('div', {}, s.steps.map((st) => el('span', { className: `chip ${st.status}`, title: st.reply || '' }, `${st.step}${st.phase === 'compensation' ? ' (undo)' : ''}: ${st.status}`))),
      s.reason ? el('div', { className: 'muted' }, s.reason) : null,
    );
  list.replaceChildren(
    el('h2', {}, `Sagas (${sagas.length})`),
    ...(sagas.length ? sagas.map(entry) : [el('p', { className: 'muted' }, 'none yet')]),
    el('h2', {}, `Gathers (${gathers.length})`),
    ...(gathers.length ? gathers.map(entry) : [el('p', { className: 'muted' }, 'none yet')]),
  );
}

// ---- outbox ----
async function pollOutbox() {
  const { table, rows, total } = await api('outbox');
  document.getElementById('outbox-summary').textContent = table ? `${total || 0} row(s) PENDING or FAILED in ${table}` : 'no outbox table (no table stream feeds a function)';
  document.querySelector('#outbox-table tbody').replaceChildren(
    ...rows.map((r) =>
      el(
        'tr',
        { className: r.status === 'FAILED' ? 'bad' : undefined, dataset: { id: r.id, status: r.status } },
        el('td', {}, isoTime(r.createdAt)),
        el('td', {}, r.status),
        el('td', {}, r.detailType),
        el('td', {}, r.attempts),
        el('td', { title: r.lastError || '' }, r.lastError || ''),
        el('td', {}, flowLink(r.correlationId)),
      ),
    ),
  );
}

// ---- start ----
document.getElementById('tail-filters').addEventListener('submit', (e) => e.preventDefault());
for (const id of ['filter-detail-type', 'filter-correlation-id']) document.getElementById(id).addEventListener('change', resetTail);
document.getElementById('flow-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const id = document.getElementById('flow-correlation-id').value.trim();
  if (id) void openFlow(id);
});
const initial = new URLSearchParams(location.search).get('flow');
if (initial) void openFlow(initial);
every(1000, pollEvents);
every(2000, pollQueues);
every(2000, pollFunctions);
every(3000, pollSagas);
every(3000, pollOutbox);
every(2000, refreshFlow);
