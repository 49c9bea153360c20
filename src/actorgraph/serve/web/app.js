/* actorgraph web page: search actors or ask "What is the relationship between A and B?", see the
 * network around an actor (Cytoscape.js), every quote behind an edge, the document with the quote
 * highlighted, a time slider and filters, and an upload panel with live progress (SSE).
 * Plain ES2020 module, no build step, served under a strict CSP (no inline code or styles).
 * Text from documents is untrusted: the DOM is built with createElement + textContent only.
 * Routes live in the hash (#actor=ID, #ask=QUESTION, #doc=ID&start=N&end=M, #review[=QUESTION]) so
 * Back works. The analyst's corrections (judge a quote, the review queue, add a relation) are in judge.js. */

import { judging } from './judge.js';

const PREDICATE_COLOURS = {
  derived_from: '#8c564b', member_of: '#1f77b4', leads: '#6a3d9a', cooperates_with: '#2ca02c',
  supports: '#17a2b8', hosts: '#b8860b', endorses: '#66a61e', mediates: '#e377c2',
  shares_ideology: '#8e88c9', pressures: '#f0a30a', hostile_to: '#d95f02', controls: '#4d4d4d',
  detains: '#393b79',
};
const NODE_TYPES = {
  armed_group: ['#e6550d', 'diamond'], state: ['#3182bd', 'round-hexagon'],
  government: ['#6baed6', 'round-rectangle'], person: ['#31a354', 'ellipse'],
  contingent: ['#fdae6b', 'triangle'], population: ['#9e9ac8', 'barrel'],
  place: ['#969696', 'tag'], organisation: ['#756bb1', 'round-pentagon'],
};
const MODALITIES = ['asserted', 'hedged', 'reported', 'negated', 'question', 'conditional'];
const LINE_STYLE = { asserted: 'solid', hedged: 'dashed', question: 'dashed', conditional: 'dashed', reported: 'dotted' };
const RED = '#c00';
const DAY = 86400000;

const state = {
  health: null, view: null, actor: null, question: null, hops: 1, asOf: null,
  dates: { min: null, max: null }, graph: null, actorInfo: null, answer: null,
  loading: 0, renders: 0, seq: 0, panelSeq: 0, types: {}, counts: {},
};
let cy = null;
window.actorgraph = { get cy() { return cy; }, state };
let judge = null; // the analyst's corrections (judge.js), made in init()

const $ = (id) => document.getElementById(id);

/* ---------- small DOM and API helpers ---------- */

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function swatch(className, colour) {
  const node = el('span', { class: className });
  node.style.backgroundColor = colour; // a CSSOM property, which the CSP allows (a style attribute it would not)
  return node;
}

function clear(node, ...children) { node.replaceChildren(...children.flat().filter(Boolean)); return node; }

async function api(path, params = {}, init = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v != null && v !== '') url.searchParams.append(key, v);
    }
  }
  state.loading += 1;
  document.body.classList.add('busy');
  try {
    const response = await fetch(url, { headers: { Accept: 'application/json' }, ...init });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw Object.assign(new Error(detailOf(body) || response.statusText), { status: response.status });
    return body;
  } finally {
    state.loading -= 1;
    if (!state.loading) document.body.classList.remove('busy');
  }
}

/* A write: JSON to the server, with the access token when the server wants one (the upload form's). */
function authHeaders() {
  if (!state.health || !state.health.token_required) return {};
  const token = $('upload-token').value.trim() || sessionStorage.getItem('actorgraph-token') || '';
  if (token) sessionStorage.setItem('actorgraph-token', token);
  return { Authorization: `Bearer ${token}` };
}

function write(path, body, method = 'POST') {
  const headers = { Accept: 'application/json', ...authHeaders(), ...(body == null ? {} : { 'Content-Type': 'application/json' }) };
  return api(path, {}, { method, headers, body: body == null ? undefined : JSON.stringify(body) });
}

function detailOf(body) { // FastAPI's validation errors are a list of objects, the server's own a string
  const detail = body && body.detail;
  return Array.isArray(detail) ? detail.map((d) => d.msg || JSON.stringify(d)).join('; ') : String(detail || '');
}

const nameOf = (x) => (typeof x === 'string' ? x : (x && (x.name || x.text)) || '');
const label = (predicate) => String(predicate || '').replace(/_/g, ' ');
const docHash = (id, start, end) =>
  `#doc=${encodeURIComponent(id)}` + (start != null && end != null ? `&start=${start}&end=${end}` : '');
const actorHash = (id) => `#actor=${encodeURIComponent(id)}`;

function showError(where, error) {
  clear(where, el('div', { class: 'error-box', role: 'alert', text: error.message || String(error) }));
}

/* ---------- filters, legend and time slider ---------- */

function checkbox(container, group, value, swatch) {
  const input = el('input', { type: 'checkbox', value, checked: true, dataset: { group } });
  container.append(el('label', { class: 'check' }, input, swatch, label(value)));
}

function buildFilters() {
  for (const [p, colour] of Object.entries(PREDICATE_COLOURS)) checkbox($('predicate-filters'), 'predicate', p, swatch('swatch', colour));
  for (const m of MODALITIES) {
    checkbox($('modality-filters'), 'modality', m, el('span', { class: `line line-${m === 'negated' ? 'red' : LINE_STYLE[m]}` }));
  }
  for (const [type, [colour, shape]] of Object.entries(NODE_TYPES)) {
    $('node-legend').append(el('li', {}, swatch(`shape shape-${shape}`, colour), label(type)));
  }
  $('line-legend').append(el('li', {}, el('span', { class: 'line line-red' }), 'contradicted'),
    el('li', {}, el('span', { class: 'line line-wide' }), 'wider: more sources'));
  $('sidebar').addEventListener('change', onFilterChange);
  $('predicates-all').addEventListener('click', () => {
    for (const box of checked('predicate', true)) box.checked = true;
    onFilterChange({ target: {} });
  });
}

function checked(group, all = false) {
  return [...document.querySelectorAll(`input[data-group="${group}"]`)].filter((b) => all || b.checked);
}

function filterParams() {
  const pick = (group) => {
    const on = checked(group).map((b) => b.value);
    return on.length === checked(group, true).length ? [] : on;
  };
  return { predicate: pick('predicate'), modality: pick('modality'), min_grade: $('min-grade').value };
}

function noneSelected() {
  return !checked('predicate').length || !checked('modality').length;
}

function onFilterChange(event) {
  const target = event.target || {};
  if (target.id === 'time-slider' || target.closest?.('#upload-form')) return;
  state.hops = Number($('hops').value) || 1;
  if (state.view === 'actor') loadActor(state.actor, true);
  else if (state.view === 'ask') renderAnswer();
}

function gradeOk(grade, min) {
  if (!min || !grade) return true;
  const letter = min.match(/[A-F]/i), digit = min.match(/[1-6]/);
  return (!letter || grade[0].toUpperCase() <= letter[0].toUpperCase()) && (!digit || Number(grade[1]) <= Number(digit[0]));
}

function passesFilters(edge) {
  const params = filterParams();
  return (!params.predicate.length || params.predicate.includes(edge.predicate))
    && (!params.modality.length || params.modality.includes(edge.modality))
    && gradeOk(edge.grade, params.min_grade);
}

// The server's dates may be partial (YYYY or YYYY-MM): the slider runs from the first to the last day they cover.
const earliest = (d) => `${d}-01-01`.slice(0, 10);
function latest(d) {
  const [y, m, day] = d.split('-').map(Number);
  return day ? d.slice(0, 10) : fromDay(Date.UTC(y, m || 12, 0));
}
const toDay = (iso) => Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
const fromDay = (ms) => new Date(ms).toISOString().slice(0, 10);

function setDates(dates) {
  if (!dates || !dates.min || !dates.max) return;
  state.dates = { min: earliest(dates.min), max: latest(dates.max) };
  const slider = $('time-slider');
  const span = Math.round((toDay(state.dates.max) - toDay(state.dates.min)) / DAY);
  slider.max = String(span + 1);
  slider.value = state.asOf ? String(Math.min(span, Math.round((toDay(state.asOf) - toDay(state.dates.min)) / DAY))) : slider.max;
  slider.disabled = false;
  $('time-min').textContent = state.dates.min;
  $('time-max').textContent = state.dates.max;
}

function sliderDate() {
  const slider = $('time-slider');
  if (!state.dates.min || slider.value === slider.max) return null;
  return fromDay(toDay(state.dates.min) + Number(slider.value) * DAY);
}

function onSlider(event) {
  const day = sliderDate();
  $('time-label').textContent = day || 'all dates';
  if (event.type !== 'change') return;
  state.asOf = day;
  if (state.view === 'actor') loadActor(state.actor, true);
  else if (state.view === 'ask') loadAnswer(state.question, true);
}

/* ---------- graph ---------- */

function edgeStyle(edge) {
  const red = edge.modality === 'negated' || edge.contradicted;
  return {
    colour: red ? RED : PREDICATE_COLOURS[edge.predicate] || '#888',
    lineStyle: LINE_STYLE[edge.modality] || 'solid',
    width: 1 + 1.5 * Math.min(Number(edge.sources) || 1, 5),
  };
}

function elementsOf(nodes, edges) {
  const ids = new Set(nodes.map((n) => n.id));
  return [
    ...nodes.map((n) => {
      const [colour, shape] = NODE_TYPES[n.type] || ['#bbb', 'ellipse'];
      return { group: 'nodes', data: { ...n, label: n.name, colour, shape }, classes: n.center ? 'center' : '' };
    }),
    ...edges.filter((e) => ids.has(e.source) && ids.has(e.target))
      .map((e) => ({ group: 'edges', data: { ...e, ...edgeStyle(e) } })),
  ];
}

const CY_STYLE = [
  { selector: 'node', style: {
    'background-color': 'data(colour)', shape: 'data(shape)', label: 'data(label)', width: 26, height: 26,
    'font-size': 11, color: '#1d2733', 'text-valign': 'bottom', 'text-margin-y': 4, 'text-wrap': 'wrap',
    'text-max-width': 110, 'text-outline-color': '#fff', 'text-outline-width': 2, 'border-width': 1, 'border-color': '#fff' } },
  { selector: 'node.center', style: { width: 38, height: 38, 'border-width': 3, 'border-color': '#1d2733', 'font-weight': 'bold' } },
  { selector: 'edge', style: {
    'curve-style': 'bezier', width: 'data(width)', 'line-color': 'data(colour)', 'line-style': 'data(lineStyle)',
    'target-arrow-shape': 'triangle', 'target-arrow-color': 'data(colour)', 'arrow-scale': 0.8,
    label: 'data(predicate)', 'font-size': 9, color: '#3a4654', 'text-rotation': 'autorotate',
    'text-background-color': '#fff', 'text-background-opacity': 0.85, 'text-background-padding': 1 } },
  { selector: 'edge:selected', style: { 'overlay-color': '#1f77b4', 'overlay-opacity': 0.18 } },
  { selector: '.faded', style: { opacity: 0.15 } },
  { selector: 'node.highlight', style: { 'border-width': 3, 'border-color': '#f0a30a' } },
  { selector: 'edge.highlight', style: { 'z-index': 10, 'overlay-color': '#f0a30a', 'overlay-opacity': 0.25 } },
];

function renderGraph(nodes, edges, message) {
  const elements = elementsOf(nodes, edges);
  const note = message ?? (!edges.length ? 'No relations to show for these filters and dates.' : '');
  $('graph-message').hidden = !note;
  $('graph-message').textContent = note;
  if (typeof window.cytoscape !== 'function') {
    renderEdgeList(elements.filter((e) => e.group === 'edges').map((e) => e.data), nodes);
  } else {
    if (!cy) {
      cy = window.cytoscape({ container: $('graph'), style: CY_STYLE, minZoom: 0.2, maxZoom: 3 });
      cy.on('tap', 'node', (event) => { location.hash = actorHash(event.target.id()); });
      cy.on('tap', 'edge', (event) => showEvidence(event.target.data()));
    }
    cy.elements().remove();
    cy.add(elements);
    cy.layout({ name: 'cose', animate: false, randomize: true, padding: 40, nodeRepulsion: () => 9000,
      idealEdgeLength: () => 110, nodeDimensionsIncludeLabels: true }).run();
    cy.fit(undefined, 40);
    if (cy.zoom() > 1.25) { cy.zoom(1.25); cy.center(); }
  }
  state.renders += 1;
}

function renderEdgeList(edges, nodes) {
  const names = Object.fromEntries(nodes.map((n) => [n.id, n.name]));
  clear($('graph'), el('ul', { class: 'edge-list' }, edges.map((e) => el('li', {},
    el('button', { type: 'button', class: 'link', onclick: () => showEvidence(e) },
      `${names[e.source]} — ${label(e.predicate)} → ${names[e.target]} (${e.modality})`)))));
}

/* ---------- views ---------- */

async function loadActor(id, force = false, keepPanel = false) {
  if (!force && state.view === 'actor' && state.actor === id) return;
  const seq = ++state.seq;
  Object.assign(state, { view: 'actor', actor: id, question: null, answer: null }, id ? {} : { actorInfo: null });
  if (noneSelected()) { renderGraph([], [], 'Select at least one predicate and one modality.'); return; }
  try {
    const graph = await api('/api/graph', { actor: id, hops: state.hops, as_of: state.asOf, ...filterParams() });
    if (seq !== state.seq) return;
    state.graph = graph;
    if (!state.asOf) setDates(graph.dates);
    for (const n of graph.nodes) state.types[n.id] = n.type;
    renderGraph(graph.nodes, graph.edges);
    if (keepPanel) { // the panel stays; its actor is fetched again for "← back"
      const info = id ? await api(`/api/actors/${encodeURIComponent(id)}`) : null;
      if (seq === state.seq) state.actorInfo = info;
    }
    else if (!id) await searchActors('', 'Most connected actors', graph.center);
    else if (!force || !state.actorInfo || state.actorInfo.actor.id !== id) {
      state.actorInfo = await api(`/api/actors/${encodeURIComponent(id)}`);
      if (seq === state.seq) showActor();
    }
  } catch (error) {
    if (seq === state.seq) { renderGraph([], [], ''); if (!keepPanel) showError($('panel'), error); }
  }
}

function showActor() {
  const { actor, relations = [], timeline = [] } = state.actorInfo;
  const exports = ['ftm', 'graphml', 'gexf', 'csv', 'json'].map((format) => el('a', {
    class: 'button small', download: '',
    href: `/api/export?format=${format}&actor=${encodeURIComponent(actor.id)}&hops=${state.hops}`, text: format,
  }));
  clear($('panel'),
    el('h2', { class: 'title', text: actor.name }),
    el('p', { class: 'muted' }, el('span', { class: 'badge', text: label(actor.type) }),
      ` ${relations.length} relation instances` + (state.counts[actor.id] ? ` · ${state.counts[actor.id].mentions} mentions` : '')),
    (actor.aliases || []).length ? el('p', { class: 'aliases', text: `Also: ${actor.aliases.slice(0, 12).join(', ')}` }) : null,
    el('p', { class: 'hint', text: 'Click an edge for its evidence, a node to re-centre.' }),
    el('div', { class: 'exports' }, el('span', { class: 'muted', text: 'Export: ' }), exports),
    timeline.length ? el('h3', { text: 'Timeline' }) : null,
    timeline.length ? el('ol', { class: 'timeline' }, timeline.slice(0, 80).map((t) => el('li', {},
      el('span', { class: 'date', text: t.valid_from || t.published || 'undated' }), ' ',
      el('button', { type: 'button', class: 'link', text: `${nameOf(t.subject)} ${label(t.predicate)} ${nameOf(t.object)}`,
        onclick: () => showEvidence({ predicate: t.predicate, claim: { subject: t.subject.id, object: t.object.id } }) }),
      el('span', { class: `tag ${t.modality}`, text: t.modality })))) : null);
}

/* A claim's quotes, each with the analyst's buttons (judge.js), and the quotes analysts rejected.
 * `message` is a notice from the judgement that redrew it. */
async function showEvidence(edge, message) {
  const subject = edge.claim?.subject || edge.subject_id || edge.source;
  const object = edge.claim?.object || edge.object_id || edge.target;
  const panel = $('panel');
  const seq = ++state.panelSeq;
  try {
    const { claim } = await api('/api/claim', { subject, predicate: edge.predicate, object, as_of: state.asOf });
    if (seq !== state.panelSeq) return;
    const back = el('button', { type: 'button', class: 'link', text: '← back', onclick: showViewPanel });
    const counts = Object.entries(claim.corroboration || {}).map(([m, n]) => `${n} ${m}`).join(', ');
    const judged = (notice) => Promise.all([showEvidence(edge, notice), reloadView()]);
    clear(panel, back, judge.notice(message),
      el('h2', { class: 'title', text: claim.clause || `${claim.subject} ${label(claim.predicate)} ${claim.object}` }),
      claim.evidence.length ? el('p', { class: 'badges' },
        el('span', { class: `tag ${claim.modality}`, text: claim.modality }),
        el('span', { class: 'badge grade', text: `grade ${claim.grade}` }),
        el('span', { class: 'badge', text: `${claim.sources} source(s)` }),
        claim.confirmed_by_analyst ? el('span', { class: 'badge analyst', text: `${claim.confirmed_by_analyst} backed by analyst` }) : null,
        claim.contradicted ? el('span', { class: 'badge danger', text: 'contradicted' }) : null) : null,
      counts ? el('p', { class: 'muted', text: `Corroboration: ${counts}` }) : null,
      (claim.rhetoric || []).length ? el('p', { class: 'warn', text: `Rhetoric: ${claim.rhetoric.join(', ')}` }) : null,
      el('h3', { text: `Evidence (${claim.evidence.length} of ${claim.evidence_total})` }),
      claim.evidence.length ? el('ol', { class: 'evidence' }, claim.evidence.map((ev) => evidenceItem(ev, claim, judged)))
        : el('p', { class: 'muted', text: 'No quote supports this claim any more.' }),
      judge.rejectedSection(claim, judged));
  } catch (error) { if (seq === state.panelSeq) showError(panel, error); }
}

function evidenceItem(ev, claim, judged) {
  const meta = [ev.source || ev.doc, ev.published || 'undated', ev.modality, `grade ${ev.grade}`,
    ev.attributed_to ? `according to ${ev.attributed_to}` : null].filter(Boolean).join(' · ');
  return el('li', { class: 'evidence-item', dataset: { relationId: ev.relation_id } },
    el('blockquote', { class: 'quote', text: ev.text }),
    el('div', { class: 'meta', text: meta }),
    ev.rhetoric ? el('div', { class: 'warn', text: `Rhetoric: ${[].concat(ev.rhetoric).join(', ')}` }) : null,
    el('a', { class: 'doc-link', href: docHash(ev.doc_id || ev.doc, ev.start, ev.end), text: `Open ${ev.doc} ↗` }),
    judge.evidenceControls(ev, claim, judged));
}

function showViewPanel() {
  state.panelSeq += 1; // a claim still loading must not replace what is asked for now
  if (state.view === 'actor' && state.actorInfo) showActor();
  else if (state.view === 'actor') searchActors('', 'Most connected actors', state.graph?.center);
  else if (state.view === 'ask' && state.answer) showAnswerPanel();
  else if (state.view === 'review') judge.reviewPanel();
}

/* The graph again after a judgement, leaving the panel as it is. */
function reloadView() {
  if (state.view === 'actor') return loadActor(state.actor, true, true);
  if (state.view === 'ask') return loadAnswer(state.question, true, true);
  return Promise.resolve();
}

async function loadAnswer(question, force = false, keepPanel = false) {
  if (!force && state.view === 'ask' && state.question === question) return;
  const seq = ++state.seq;
  Object.assign(state, { view: 'ask', question, actor: null, actorInfo: null });
  $('search').value = question;
  try {
    const answer = await api('/api/ask', { q: question, as_of: state.asOf });
    if (seq !== state.seq) return;
    state.answer = answer;
    const ids = answerClaims(answer).flatMap((c) => [c.subject_id, c.object_id, c.object2_id]);
    await Promise.all([...new Set(ids)].filter((id) => id && !state.types[id]).map((id) =>
      api(`/api/actors/${encodeURIComponent(id)}`).then((r) => { state.types[id] = r.actor.type; }).catch(() => {})));
    if (!state.dates.min && answer.pair_ids) {
      setDates((await api('/api/graph', { actor: answer.pair_ids[0], hops: 1 }).catch(() => ({}))).dates);
    }
    if (seq === state.seq) renderAnswer(keepPanel);
  } catch (error) {
    if (seq !== state.seq) return;
    state.answer = null;
    renderGraph([], [], '');
    if (!keepPanel) showError($('panel'), error);
  }
}

function answerClaims(answer) {
  const all = [...answer.direct, ...answer.paths.flatMap((p) => p.edges)];
  return [...new Map(all.map((c) => [`${c.subject_id}|${c.predicate}|${c.object_id}|${c.object2_id}`, c])).values()];
}

function renderAnswer(keepPanel = false) {
  const answer = state.answer;
  if (!answer) return;
  const nodes = new Map(), edges = [];
  const addNode = (id, name) => nodes.set(id, { id, name, type: state.types[id], center: (answer.pair_ids || []).includes(id) });
  for (const c of answerClaims(answer)) {
    addNode(c.subject_id, c.subject);
    for (const [id, name] of [[c.object_id, c.object], [c.object2_id, c.object2]]) {
      if (!id) continue;
      addNode(id, name);
      const edge = { ...c, id: `${c.subject_id}|${c.predicate}|${id}`, source: c.subject_id, target: id, object_id: c.object_id };
      if (passesFilters(edge)) edges.push(edge);
    }
  }
  renderGraph([...nodes.values()], edges);
  if (!keepPanel) showAnswerPanel();
}

function claimItem(c) {
  return el('li', { class: 'claim-item' },
    el('button', { type: 'button', class: 'link', text: c.clause, onclick: () => showEvidence(c) }),
    el('span', { class: `tag ${c.modality}`, text: c.modality }),
    el('span', { class: 'badge grade', text: c.grade }),
    c.contradicted ? el('span', { class: 'badge danger', text: 'contradicted' }) : null);
}

function showAnswerPanel() {
  const a = state.answer;
  clear($('panel'),
    el('h2', { class: 'title', text: a.pair.join(' ↔ ') }),
    el('p', { class: 'muted', text: `${a.sources} document(s), ${a.independent_sources} independent source(s)${a.as_of ? `, as of ${a.as_of}` : ''}` }),
    el('p', { class: 'summary', text: a.summary }),
    el('a', { class: 'button small secondary', id: 'review-answer', href: `#review=${encodeURIComponent(state.question)}`,
      text: 'Review what this answer rests on' }),
    a.caveats ? el('section', { class: 'caveats' }, el('h3', { text: 'Read with care' }),
      el('ul', {}, a.caveats.lines.map((line) => el('li', { text: line.trim(), class: line.startsWith('  ') ? 'sub' : '' })))) : null,
    el('h3', { text: `Direct relations (${a.direct.length})` }),
    a.direct.length ? el('ul', { class: 'claims' }, a.direct.map(claimItem)) : el('p', { class: 'muted', text: 'None.' }),
    el('h3', { text: `Paths (${a.paths.length})` }),
    el('ol', { class: 'paths' }, a.paths.map((p, i) => el('li', {
      class: 'path-item', tabindex: 0, dataset: { index: i }, onclick: () => highlightPath(p),
    }, el('div', { class: 'path-nodes', text: p.nodes.join(' → ') }),
    el('div', { class: 'muted', text: `${p.reason} · strength ${p.strength}` })))),
    (a.not_claimed || []).length ? el('h3', { text: `Asked or imagined, not claimed (${a.not_claimed.length})` }) : null,
    el('ul', { class: 'flags not-claimed' }, (a.not_claimed || []).map((n) => el('li', {},
      el('span', { class: 'badge', text: n.why }), ` ${n.clause}: “${n.text}” (${n.doc})`))),
    a.contradictions.length ? el('h3', { text: 'Contradictions' }) : null,
    el('ul', { class: 'flags' }, a.contradictions.map((c) => el('li', { class: 'danger', text: c.text || JSON.stringify(c) }))),
    a.flags.length ? el('h3', { text: `Flags (${a.flags.length})` }) : null,
    el('ul', { class: 'flags' }, a.flags.map((f) => el('li', {}, el('span', { class: 'badge', text: f.type }), ` ${f.text}`))));
}

function highlightPath(path) {
  document.querySelectorAll('.path-item.active').forEach((x) => x.classList.remove('active'));
  document.querySelector(`.path-item[data-index="${state.answer.paths.indexOf(path)}"]`)?.classList.add('active');
  if (!cy) return;
  const ids = new Set(path.ids);
  cy.elements().removeClass('highlight').addClass('faded');
  const on = cy.nodes().filter((n) => ids.has(n.id()));
  const pairs = new Set(path.ids.slice(1).map((id, i) => [path.ids[i], id].sort().join('|')));
  const links = cy.edges().filter((e) => pairs.has([e.data('source'), e.data('target')].sort().join('|')));
  on.union(links).removeClass('faded').addClass('highlight');
}

function showHome() {
  $('search').value = '';
  return loadActor(null);
}

/* ---------- search ---------- */

const QUESTION = /\?\s*$|\b(relationship|related|linked|connected|between)\b|^(what|how|who|is|are|does|do)\b/i;

function onSearch(event) {
  event.preventDefault();
  const text = $('search').value.trim();
  if (!QUESTION.test(text)) return searchActors(text, text ? `Actors matching “${text}”` : 'Most connected actors');
  const hash = `#ask=${encodeURIComponent(text)}`;
  if (location.hash === hash) route(true);
  else location.hash = hash;
}

async function searchActors(q, heading, shown) {
  try {
    const { actors } = await api('/api/actors', { q, limit: 20 });
    for (const a of actors) state.counts[a.id] = a;
    clear($('panel'), el('h2', { class: 'title', text: heading }),
      shown ? el('p', { class: 'hint', text: `The graph shows the network around ${state.counts[shown]?.name || shown}.` }) : null,
      actors.length ? null : el('p', { class: 'muted', text: 'No actor found.' }),
      el('ul', { class: 'results' }, actors.map((a) => el('li', {
        class: 'search-result', tabindex: 0, dataset: { actorId: a.id },
        onclick: () => { location.hash = actorHash(a.id); },
        onkeydown: (e) => { if (e.key === 'Enter') location.hash = actorHash(a.id); },
      }, swatch('shape-dot', (NODE_TYPES[a.type] || ['#bbb'])[0]), el('strong', { text: a.name }),
      el('span', { class: 'badge', text: label(a.type) }),
      el('div', { class: 'muted', text: `${a.relations} relations · ${a.mentions} mentions` +
        ((a.aliases || []).length ? ` · ${a.aliases.slice(0, 4).join(', ')}` : '') })))));
  } catch (error) { showError($('panel'), error); }
}

/* ---------- document view ---------- */

function segments(text, evidence, rhetoric) {
  const cuts = new Set([0, text.length]);
  const clamp = (n) => Math.max(0, Math.min(text.length, n));
  for (const s of [evidence, ...rhetoric]) if (s) { cuts.add(clamp(s.start)); cuts.add(clamp(s.end)); }
  const points = [...cuts].sort((a, b) => a - b);
  return points.slice(1).map((end, i) => ({ start: points[i], end }));
}

function renderText(text, evidence, rhetoric) {
  const body = el('div', { class: 'doc-text' });
  let evidenceMark = null;
  for (const seg of segments(text, evidence, rhetoric)) {
    let node = document.createTextNode(text.slice(seg.start, seg.end));
    const over = rhetoric.filter((r) => r.start <= seg.start && seg.end <= r.end);
    if (over.length) node = el('mark', { class: 'rhetoric', title: over.map((r) => r.label || r.technique).join('; ') }, node);
    if (evidence && evidence.start <= seg.start && seg.end <= evidence.end) {
      evidenceMark = evidenceMark || body.appendChild(el('mark', { class: 'evidence' })); // one mark: the span is contiguous
      evidenceMark.append(node);
    } else body.append(node);
  }
  return { body, mark: evidenceMark };
}

/* The server counts offsets in code points, JavaScript strings in UTF-16 units: they differ after
 * any character outside the BMP (an emoji, a flag). */
function unitsOf(text) {
  if (!/[\uD800-\uDBFF]/.test(text)) return (n) => n;
  const at = [];
  let units = 0;
  for (const ch of text) { at.push(units); units += ch.length; }
  at.push(units);
  return (n) => at[Math.max(0, Math.min(at.length - 1, n))];
}

async function showDocument(id, start, end) {
  const view = $('document-view');
  view.hidden = false;
  clear(view, el('p', { class: 'muted', text: 'Loading document…' }));
  try {
    const doc = await api(`/api/documents/${encodeURIComponent(id)}`);
    const units = unitsOf(doc.text || '');
    const evidence = Number.isInteger(start) && Number.isInteger(end) && end > start ? { start: units(start), end: units(end) } : null;
    const rhetoric = (doc.rhetoric || []).map((r) => ({ ...r, start: units(r.start), end: units(r.end) }));
    const { body, mark } = renderText(doc.text || '', evidence, rhetoric);
    const link = /^https?:\/\//i.test(doc.url || '') ? el('a', { href: doc.url, target: '_blank', rel: 'noopener noreferrer', text: 'original' }) : null;
    const meta = [doc.source, doc.author, doc.published || 'undated'].filter(Boolean).join(' · ');
    clear(view,
      el('div', { class: 'doc-toolbar' },
        el('button', { type: 'button', class: 'button small', text: '← Back', onclick: closeDocument }),
        judge.spanTool(doc, body),
        el('span', { class: 'muted', text: doc.name })),
      el('h2', { class: 'doc-title', text: doc.title || doc.name }),
      el('p', { class: 'muted' }, meta, link ? ' · ' : '', link),
      (doc.rhetoric || []).length ? el('p', { class: 'legend-inline' }, el('span', { class: 'key-evidence', text: 'evidence' }), ' ',
        el('span', { class: 'key-rhetoric', text: 'rhetoric' }), ` ${doc.rhetoric.length} rhetorical device(s): hover for the technique`) : null,
      state.health.writes ? el('p', { class: 'hint', text: 'Select the words that state a relation the extractor missed, then “Add relation”.' }) : null,
      body,
      documentRelations(doc));
    if (mark) mark.scrollIntoView({ block: 'center' });
    else view.scrollTop = 0;
  } catch (error) { showError(view, error); }
}

function documentRelations(doc) {
  const relations = doc.relations || [];
  if (!relations.length) return null;
  return el('details', { class: 'doc-relations' }, el('summary', { text: `Relations in this document (${relations.length})` }),
    el('ul', {}, relations.map((r) => el('li', { class: ['rejected', 'replaced'].includes(r.judgement) ? 'struck' : '' }, el('a', {
      href: docHash(doc.id, r.start, r.end), text: `${nameOf(r.subject)} ${label(r.predicate)} ${nameOf(r.object)}`,
    }), el('span', { class: `tag ${r.modality}`, text: r.modality }),
    r.judgement ? el('span', { class: `badge analyst ${r.judgement}`, text: `${r.judgement} by analyst` }) : null))));
}

/* The document again after a relation was added from it (the hash follows without a new history entry). */
function reloadDocument(id, start, end) {
  history.replaceState(null, '', docHash(id, start, end));
  return showDocument(id, start, end);
}

function closeDocument() {
  if (state.view) history.back();
  else location.hash = '';
}

/* ---------- upload with server-sent progress ---------- */

function setupUpload() {
  const form = $('upload-form');
  if (!state.health.writes) {
    for (const input of form.elements) input.disabled = true;
    $('upload-status').textContent = 'This server is read-only: uploads are disabled.';
    return;
  }
  if (state.health.token_required) {
    $('upload-token').hidden = false;
    $('upload-token').value = sessionStorage.getItem('actorgraph-token') || '';
  }
  form.addEventListener('submit', upload);
}

async function upload(event) {
  event.preventDefault();
  const form = $('upload-form'), data = new FormData();
  for (const file of $('upload-files').files) data.append('files', file);
  for (const key of ['source', 'published']) if (form.elements[key].value) data.append(key, form.elements[key].value);
  const headers = authHeaders();
  clear($('upload-errors'));
  $('upload-button').disabled = true;
  try {
    const job = await api('/api/documents', {}, { method: 'POST', body: data, headers });
    followJob(job);
  } catch (error) {
    $('upload-status').textContent = `Upload refused: ${error.message}`;
    $('upload-button').disabled = false;
  }
}

function followJob(job) {
  const bar = $('upload-progress'), status = $('upload-status');
  bar.hidden = false;
  bar.removeAttribute('value');
  status.textContent = 'Queued…';
  const events = new EventSource(job.events);
  events.onmessage = (message) => {
    const s = JSON.parse(message.data);
    if (s.total) { bar.max = s.total; bar.value = s.done || 0; }
    const finished = s.state === 'done' || s.state === 'failed';
    status.textContent = !finished ? (s.total ? `Reading ${s.current || '…'} (${s.done}/${s.total})` : 'Queued…')
      : `${s.state === 'done' ? 'Done' : 'Finished with errors'}: ${s.added} added, ${s.skipped} already stored, ${s.relations} relations`;
    clear($('upload-errors'), (s.errors || []).map((e) => el('li', { text: e })));
    if (finished) {
      events.close();
      $('upload-button').disabled = false;
      $('upload-form').reset();
      refresh();
    }
  };
  events.onerror = () => {
    if (events.readyState === EventSource.CLOSED) {
      status.textContent = 'Lost the connection to the upload job.';
      $('upload-button').disabled = false;
    }
  };
}

function refresh() {
  Object.assign(state, { types: {}, actorInfo: null });
  route(true);
}

/* ---------- routing and start ---------- */

function route(force = false) {
  const hash = new URLSearchParams(location.hash.slice(1));
  state.panelSeq += 1;
  if (hash.has('doc')) {
    const int = (key) => (hash.has(key) ? Number.parseInt(hash.get(key), 10) : null);
    return showDocument(hash.get('doc'), int('start'), int('end'));
  }
  $('document-view').hidden = true;
  $('nav-review').classList.toggle('active', hash.has('review'));
  $('nav-graph').classList.toggle('active', !hash.has('review'));
  if (hash.has('review')) return judge.showReview(hash.get('review'), force === true);
  $('review-view').hidden = true;
  $('nav-graph').setAttribute('href', location.hash || '#'); // "Graph" leads back here from the review
  if (hash.has('actor')) return loadActor(hash.get('actor'), force === true);
  if (hash.has('ask')) return loadAnswer(hash.get('ask'), force === true);
  return showHome();
}

const banner = (text) => { $('banner').hidden = false; $('banner').textContent = text; };

async function init() {
  buildFilters();
  judge = judging({
    el, clear, api, write, label, nameOf, docHash, state, showEvidence, reloadView, reloadDocument, showViewPanel,
    panel: () => $('panel'),
    vocabulary: () => ({ predicates: state.graph?.predicates || Object.keys(PREDICATE_COLOURS),
      modalities: state.graph?.modalities || MODALITIES, entityTypes: state.graph?.entity_types || [] }),
  });
  $('search-form').addEventListener('submit', onSearch);
  $('time-slider').addEventListener('input', onSlider);
  $('time-slider').addEventListener('change', onSlider);
  window.addEventListener('hashchange', () => route());
  try {
    state.health = await api('/api/health');
    $('version').textContent = `v${state.health.version}`;
  } catch (error) {
    banner(`The actorgraph server did not answer: ${error.message}`);
    return;
  }
  if (typeof window.cytoscape !== 'function' || state.health.cytoscape === false) {
    banner('Cytoscape.js did not load (run scripts/setup, which installs it with npm): the graph is shown as a list.');
  }
  setupUpload();
  await route();
  document.body.dataset.ready = 'true';
}

init();
