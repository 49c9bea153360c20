/* actorgraph web page, the analyst's corrections: confirm, reject or relabel a quote in the evidence
 * panel, see and undo what analysts rejected, work through the review queue with the keyboard, and
 * add a relation the extractor missed from words selected in the document view.
 * Imported by app.js, which hands over its helpers (no globals). Same rules as app.js: the DOM is
 * built with createElement + textContent only, and document text is never parsed as HTML. */

const BADGE = { confirmed: 'confirmed by analyst', relabelled: 'relabelled by analyst', added: 'added by analyst' };
const VERDICT_OF = { rejected: 'reject', replaced: 'relabel', confirmed: 'confirm', relabelled: 'relabel', added: 'add' };
const NEW_SIDE = new Set(['confirmed', 'relabelled', 'added']); // rows that hold because of a judgement
const SHORTCUTS = [['c', 'confirm'], ['r', 'reject'], ['e', 'edit (Esc to cancel)'], ['j / ↓', 'next'], ['k / ↑', 'previous']];

/* `h`: app.js's helpers: el, clear, api, write, label, nameOf, docHash, state, vocabulary() ({predicates,
 * modalities, entityTypes}), showEvidence(edge), reloadView() (the graph), reloadDocument(id, start, end),
 * showViewPanel() and panel() (the panel element). */
export function judging(h) {
  const { el, clear, api, write, label, nameOf, docHash, state } = h;
  const review = { q: null, items: [], index: 0, judged: [], done: new Set(), loaded: false, pending: false, editing: false, error: null, status: null };
  const span = { doc: null, body: null, button: null, range: null }; // the document view's selection tool
  state.review = review;

  const writable = () => Boolean(state.health && state.health.writes);
  const ends = (subject, object, object2) => [subject, object, object2].filter(Boolean);

  /* ---------- shared pieces ---------- */

  function options(values, chosen) {
    return values.map((v) => el('option', { value: v, text: label(v), selected: v === chosen }));
  }

  let actorNames = null;
  function actorList() { // a datalist of actor names for the subject and object inputs, loaded once
    if (!actorNames) {
      actorNames = document.body.appendChild(el('datalist', { id: 'actor-names' }));
      api('/api/actors', { limit: 500 }).then(({ actors }) => {
        actorNames.append(...actors.map((a) => el('option', { value: a.name })));
      }).catch(() => {});
    }
    return 'actor-names';
  }

  function field(text, control) { return el('label', { class: 'field' }, el('span', { text }), control); }

  function notice(message) {
    if (!message) return null;
    return el('div', { class: 'notice', role: 'status' }, message.text,
      message.open ? el('button', { type: 'button', class: 'link', text: message.action || 'show', onclick: message.open }) : null);
  }

  function analystBadge(judgement) {
    return BADGE[judgement] ? el('span', { class: `badge analyst ${judgement}`, text: BADGE[judgement] }) : null;
  }

  /* The form behind Edit: predicate, modality, subject, object and a note, filled in from the
   * instance; `onSave` gets only what changed (subject and object as typed) and the note. */
  function editForm(instance, onSave, onCancel) {
    const { predicates, modalities } = h.vocabulary();
    const predicate = el('select', { name: 'predicate' }, options(predicates, instance.predicate));
    const modality = el('select', { name: 'modality' }, options(modalities, instance.modality));
    const subject = el('input', { type: 'text', name: 'subject', value: nameOf(instance.subject), list: actorList(), required: true });
    const object = el('input', { type: 'text', name: 'object', value: nameOf(instance.object), list: actorList(), required: true });
    const note = el('input', { type: 'text', name: 'note', placeholder: 'Why (optional)' });
    const status = el('p', { class: 'form-status', role: 'status' });
    const save = el('button', { type: 'submit', class: 'small', text: 'Save' });
    const form = el('form', { class: 'judge-form', autocomplete: 'off' },
      field('Predicate', predicate), field('Modality', modality), field('Subject', subject), field('Object', object),
      instance.object2 ? el('p', { class: 'muted', text: `Second party: ${nameOf(instance.object2)} (kept)` }) : null,
      field('Note', note),
      el('div', { class: 'form-buttons' }, save, el('button', { type: 'button', class: 'small secondary', text: 'Cancel', onclick: onCancel })),
      status);
    form.addEventListener('keydown', (event) => { if (event.key === 'Escape') { event.preventDefault(); onCancel(); } });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const fields = {};
      if (predicate.value !== instance.predicate) fields.predicate = predicate.value;
      if (modality.value !== instance.modality) fields.modality = modality.value;
      for (const [key, input] of [['subject', subject], ['object', object]]) {
        const typed = input.value.trim();
        if (typed && typed !== nameOf(instance[key])) fields[key] = typed;
      }
      if (!Object.keys(fields).length) { status.textContent = 'Change the predicate, modality, subject or object first.'; return; }
      if (note.value.trim()) fields.note = note.value.trim();
      save.disabled = true;
      status.textContent = 'Saving…';
      try { await onSave(fields); } catch (error) { status.textContent = failure(error); save.disabled = false; }
    });
    return form;
  }

  function failure(error) {
    const hint = error.status === 401 ? ' Enter the access token under “Add documents”.' : '';
    return `Not saved: ${error.message}.${hint}`;
  }

  const judge = (relationId, verdict, fields = {}) =>
    write(`/api/relations/${encodeURIComponent(relationId)}/judgement`, { verdict, ...fields });

  /* The judgement behind a judged row, found among its document's judgements (relation items do not
   * carry its id): same verdict, predicate and actors, evidence overlapping; the latest wins. */
  async function judgementOf(docId, judgement, start, end, predicate, actorIds) {
    const newSide = NEW_SIDE.has(judgement);
    const { judgements } = await api('/api/judgements', { document: docId });
    const near = judgements.filter((j) => j.verdict === VERDICT_OF[judgement] && j.evidence_start < end && j.evidence_end > start
      && (newSide ? j.new_predicate : j.predicate) === predicate);
    const sides = (j) => (newSide ? [j.new_subject_id, j.new_object_id, j.new_object2_id] : [j.subject_id, j.object_id]);
    const exact = near.filter((j) => actorIds.every((id) => sides(j).includes(id)));
    const found = (exact.length ? exact : near).pop();
    if (!found) throw new Error('no judgement found to take back (was it already taken back?)');
    return found;
  }

  async function undo(docId, judgement, start, end, predicate, actorIds) {
    const found = await judgementOf(docId, judgement, start, end, predicate, actorIds);
    return write(`/api/judgements/${found.id}`, null, 'DELETE');
  }

  function undoButton(text, action, status) {
    const button = el('button', { type: 'button', class: 'small secondary undo', text });
    button.addEventListener('click', async () => {
      button.disabled = true;
      try { await action(); } catch (error) { status.textContent = failure(error).replace('saved', 'undone'); button.disabled = false; }
    });
    return button;
  }

  /* ---------- the evidence panel ---------- */

  /* The instance behind a quote, with its own subject and object (a claim of a symmetric predicate
   * may show them the other way round). */
  async function instanceOf(ev, claim) {
    const fallback = { subject: { id: claim.subject_id, name: claim.subject }, object: { id: claim.object_id, name: claim.object },
      object2: claim.object2_id ? { id: claim.object2_id, name: claim.object2 } : null, predicate: claim.predicate, modality: ev.modality };
    try {
      const { relations } = await api('/api/relations', { actor: claim.subject_id, other: claim.object_id, predicate: claim.predicate, limit: 5000 });
      return relations.find((r) => r.relation_id === ev.relation_id) || fallback;
    } catch { return fallback; }
  }

  /* Badge, Confirm / Reject / Edit and (for a judged quote) Undo under one quote; `done(notice)`
   * redraws the panel and the graph. */
  function evidenceControls(ev, claim, done) {
    const badge = analystBadge(ev.judgement);
    if (!writable() || ev.relation_id == null) return badge ? el('div', { class: 'judge' }, badge) : null;
    const status = el('span', { class: 'form-status', role: 'status' });
    const box = el('div', { class: 'judge' });
    const buttons = [];
    const act = async (verdict, fields, message) => { // rejects when the server refused; the caller says so
      buttons.forEach((b) => { b.disabled = true; });
      status.textContent = '';
      let made;
      try { made = await judge(ev.relation_id, verdict, fields); } catch (error) {
        buttons.forEach((b) => { b.disabled = false; });
        throw error;
      }
      await done(message(made));
    };
    const say = (error) => { status.textContent = failure(error); };
    const confirm = el('button', { type: 'button', class: 'small judge-confirm', text: 'Confirm', title: 'This quote says so',
      onclick: () => act('confirm', {}, () => ({ text: 'Confirmed.' })).catch(say) });
    const reject = el('button', { type: 'button', class: 'small judge-reject', text: 'Reject', title: 'This quote does not say so',
      onclick: () => act('reject', {}, () => ({ text: 'Rejected: the quote is listed under “Rejected by analyst”.' })).catch(say) });
    const edit = el('button', { type: 'button', class: 'small secondary judge-edit', text: 'Edit', title: 'It says something else' });
    edit.addEventListener('click', async () => {
      if (box.querySelector('form')) return;
      edit.disabled = true;
      const instance = await instanceOf(ev, claim);
      const close = () => { form.remove(); edit.disabled = false; };
      const form = editForm(instance, (fields) => act('relabel', fields, (made) => ({
        text: `Relabelled: ${made.new_subject} ${label(made.new_predicate)} ${made.new_object} (${made.new_modality}).`,
        action: 'show that claim',
        open: () => h.showEvidence({ predicate: made.new_predicate, claim: { subject: made.new_subject_id, object: made.new_object_id } }),
      })), close);
      box.append(form);
      form.elements.predicate.focus();
    });
    buttons.push(confirm, reject, edit);
    const taken = NEW_SIDE.has(ev.judgement) ? undoButton('Undo', async () => {
      await undo(ev.doc_id, ev.judgement, ev.start, ev.end, claim.predicate, ends(claim.subject_id, claim.object_id));
      await done({ text: 'Judgement taken back.' });
    }, status) : null;
    return clear(box, el('div', { class: 'judge-actions' }, badge, confirm, reject, edit, taken, status));
  }

  /* What analysts rejected or relabelled away from this claim, struck through, each with Undo. */
  function rejectedSection(claim, done) {
    const items = claim.rejected || [];
    if (!items.length) return null;
    return el('section', { class: 'rejected' },
      el('h3', { text: `Rejected by analyst (${items.length})` }),
      el('ol', { class: 'evidence' }, items.map((r) => {
        const status = el('span', { class: 'form-status', role: 'status' });
        const what = `${nameOf(r.subject)} ${label(r.predicate)} ${nameOf(r.object)}`;
        return el('li', { class: 'evidence-item rejected-item', dataset: { relationId: r.relation_id } },
          el('blockquote', { class: 'quote struck', text: r.evidence.text }),
          el('div', { class: 'meta', text: [r.judgement === 'replaced' ? 'relabelled away' : 'rejected', what, r.source || r.doc,
            r.published].filter(Boolean).join(' · ') }),
          el('div', { class: 'judge-actions' },
            el('a', { class: 'doc-link', href: docHash(r.doc_id, r.evidence.start, r.evidence.end), text: `Open ${r.doc} ↗` }),
            writable() ? undoButton('Undo', async () => {
              await undo(r.doc_id, r.judgement, r.evidence.start, r.evidence.end, r.predicate, ends(r.subject.id, r.object.id));
              await done({ text: `Taken back: “${what}” counts again.` });
            }, status) : null, status));
      })));
  }

  /* ---------- the review queue ---------- */

  async function showReview(q, force = false) {
    const seq = ++state.seq;
    const question = q || '';
    const same = review.loaded && review.q === question;
    Object.assign(state, { view: 'review', question: null, actor: null });
    document.getElementById('review-view').hidden = false;
    if (same && !force) { renderReview(); reviewPanel(); return; }
    if (!same) Object.assign(review, { q: question, items: [], index: 0, judged: [], done: new Set() });
    Object.assign(review, { loaded: false, error: null, editing: false });
    renderReview();
    reviewPanel();
    await loadQueue(seq);
  }

  async function loadQueue(seq = state.seq) {
    const keep = review.items[review.index]?.relation_id;
    try {
      const { relations } = await api('/api/review', { limit: 100, q: review.q });
      if (seq !== state.seq) return;
      review.items = relations.filter((r) => !review.done.has(r.relation_id));
      const at = review.items.findIndex((r) => r.relation_id === keep);
      review.index = at >= 0 ? at : Math.min(review.index, Math.max(0, review.items.length - 1));
      review.error = null;
    } catch (error) {
      if (seq !== state.seq) return;
      review.error = error.message;
    }
    review.loaded = true;
    if (state.view === 'review') { renderReview(); reviewPanel(); }
  }

  function reviewItem(r, i) {
    const selected = i === review.index;
    const who = [nameOf(r.subject), label(r.predicate), nameOf(r.object)].join(' ')
      + (r.object2 ? ` and ${nameOf(r.object2)}` : '');
    const item = el('li', { class: `review-item${selected ? ' selected' : ''}`, dataset: { relationId: r.relation_id, index: i },
      'aria-selected': String(selected), onclick: (event) => { if (!event.target.closest('button, a, form')) select(i); } },
    el('div', { class: 'review-claim' }, el('strong', { text: who }), el('span', { class: `tag ${r.modality}`, text: r.modality }),
      el('span', { class: 'badge', text: `confidence ${Number(r.confidence).toFixed(2)}` })),
    el('blockquote', { class: 'quote', text: r.evidence.text }),
    el('div', { class: 'meta' }, [r.source || r.doc, r.published || 'undated', r.extractor].filter(Boolean).join(' · '), ' · ',
      el('a', { class: 'doc-link', href: docHash(r.doc_id, r.evidence.start, r.evidence.end), text: `Open ${r.doc} ↗` })));
    if (writable()) {
      item.append(el('div', { class: 'judge-actions' },
        el('button', { type: 'button', class: 'small judge-confirm', text: 'Confirm', title: 'c', onclick: () => { select(i); judgeSelected('confirm').catch(() => {}); } }),
        el('button', { type: 'button', class: 'small judge-reject', text: 'Reject', title: 'r', onclick: () => { select(i); judgeSelected('reject').catch(() => {}); } }),
        el('button', { type: 'button', class: 'small secondary judge-edit', text: 'Edit', title: 'e', onclick: () => { select(i); editSelected(); } })));
    }
    if (selected && review.status) item.append(el('p', { class: 'form-status', role: 'status', text: review.status }));
    return item;
  }

  function renderReview() {
    const view = document.getElementById('review-view');
    const heading = review.q ? 'Review what this answer rests on' : 'Review the extracted relations';
    clear(view,
      el('div', { class: 'doc-toolbar' }, el('h2', { class: 'doc-title', text: heading }),
        review.q ? el('a', { class: 'button small secondary', href: `#ask=${encodeURIComponent(review.q)}`, text: '← Back to the answer' }) : null),
      review.q ? el('p', { class: 'muted', text: review.q }) : null,
      el('p', { class: 'muted', text: !review.loaded ? 'Loading…'
        : `${review.items.length} relation(s) no analyst has judged yet, least confident first.` }),
      !writable() ? el('p', { class: 'warn', text: 'This server is read-only: judgements are disabled.' }) : null,
      review.error ? el('div', { class: 'error-box', role: 'alert', text: review.error }) : null,
      review.loaded && !review.items.length && !review.error ? el('p', { class: 'hint', text: 'Nothing left to review here.' }) : null,
      el('ol', { class: 'review-list', role: 'listbox', 'aria-label': 'Relations to review' }, review.items.map(reviewItem)));
    view.querySelector('.review-item.selected')?.scrollIntoView({ block: 'nearest' });
  }

  function reviewPanel() {
    const panel = h.panel();
    clear(panel,
      el('h2', { class: 'title', text: 'Review' }),
      el('p', { class: 'hint', text: 'Judge one relation at a time: each judgement teaches the extractor and is kept across re-ingests.' }),
      el('h3', { text: 'Keys' }),
      el('ul', { class: 'shortcuts' }, SHORTCUTS.map(([key, what]) => el('li', {}, el('kbd', { text: key }), ` ${what}`))),
      el('h3', { text: `Judged here (${review.judged.length})` }),
      review.judged.length ? el('ol', { class: 'timeline judged' }, review.judged.map(({ item, made }) => {
        const status = el('span', { class: 'form-status', role: 'status' });
        return el('li', {}, el('span', { class: `badge verdict-${made.verdict}`, text: made.verdict }),
          ` ${nameOf(item.subject)} ${label(item.predicate)} ${nameOf(item.object)} `,
          undoButton('Undo', async () => {
            await write(`/api/judgements/${made.id}`, null, 'DELETE');
            review.judged = review.judged.filter((x) => x.made.id !== made.id);
            review.done.delete(item.relation_id);
            await loadQueue();
          }, status), status);
      })) : el('p', { class: 'muted', text: 'Nothing yet.' }));
  }

  function select(i) {
    if (!review.items.length) return;
    review.index = Math.max(0, Math.min(review.items.length - 1, i));
    review.status = null;
    if (review.editing) review.editing = false;
    renderReview();
  }

  async function judgeSelected(verdict, fields = {}) {
    const item = review.items[review.index];
    if (!item || review.pending || !writable()) return;
    review.pending = true;
    review.status = null;
    try {
      const made = await judge(item.relation_id, verdict, fields);
      review.done.add(item.relation_id);
      review.judged.unshift({ item, made });
      review.items = review.items.filter((r) => r.relation_id !== item.relation_id);
      review.index = Math.min(review.index, Math.max(0, review.items.length - 1));
      review.editing = false;
      renderReview();
      reviewPanel();
      loadQueue(); // a judgement can settle other instances too; the queue is asked again, judged ones kept out
    } catch (error) {
      if (!review.editing) { review.status = failure(error); renderReview(); } // else the edit form says why
      throw error;
    } finally {
      review.pending = false;
    }
  }

  function editSelected() {
    const item = review.items[review.index];
    const node = document.querySelector('#review-view .review-item.selected');
    if (!item || !node || !writable() || node.querySelector('form')) return;
    review.editing = true;
    const close = () => { review.editing = false; form.remove(); };
    const form = editForm(item, (fields) => judgeSelected('relabel', fields), close);
    node.append(form);
    form.elements.predicate.focus();
  }

  const typing = (target) => target instanceof Element && Boolean(target.closest('input, select, textarea, [contenteditable]'));

  function onKey(event) {
    if (state.view !== 'review' || document.getElementById('review-view').hidden
      || !document.getElementById('document-view').hidden) return;
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (typing(event.target) || review.editing) return;
    const key = event.key;
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 };
    if (key in moves) { event.preventDefault(); select(review.index + moves[key]); return; }
    if (key === 'c' || key === 'r') { event.preventDefault(); judgeSelected(key === 'c' ? 'confirm' : 'reject').catch(() => {}); }
    else if (key === 'e') { event.preventDefault(); editSelected(); }
  }
  document.addEventListener('keydown', onKey);

  /* ---------- adding a relation from selected words of a document ---------- */

  /* The words selected in the document's text: a Range; null when nothing is selected there;
   * undefined when the selection is elsewhere (pressing the button may move it: the last one counts). */
  function selectedRange(body) {
    const selection = document.getSelection();
    if (!selection || !selection.rangeCount) return undefined;
    const range = selection.getRangeAt(0);
    const inside = (node) => body.contains(node);
    if (!inside(range.startContainer) && !inside(range.endContainer)) return undefined;
    return range.collapsed || !inside(range.startContainer) || !inside(range.endContainer) ? null : range.cloneRange();
  }

  /* A range as [start, end) offsets into the document's text, in Unicode code points as the server
   * counts them, without the spaces at either end. Offsets come from the text nodes under the
   * rendered text, whose data are the document's characters in order (highlights are elements
   * around them, never text), so marks in the way change nothing. */
  function spanOf(range, body, text) {
    const offset = (node, at) => {
      const before = document.createRange();
      before.setStart(body, 0);
      before.setEnd(node, at);
      return before.toString().length; // UTF-16 units of raw text-node data, not the rendered text
    };
    let start = offset(range.startContainer, range.startOffset), end = offset(range.endContainer, range.endOffset);
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    if (start >= end) return null;
    const points = (units) => Array.from(text.slice(0, units)).length;
    return { start: points(start), end: points(end), text: text.slice(start, end) };
  }

  document.addEventListener('selectionchange', () => {
    if (!span.body || !span.body.isConnected) return;
    const found = selectedRange(span.body);
    if (found === undefined) return;
    span.range = found;
    span.button.disabled = !found || !writable();
  });

  /* The "Add relation" button of a document's toolbar; `body` is its rendered text. */
  function spanTool(doc, body) {
    const button = el('button', { type: 'button', class: 'button small', id: 'add-relation', disabled: true, text: 'Add relation',
      title: writable() ? 'Select the words that state a relation, then add it' : 'This server is read-only' });
    Object.assign(span, { doc, body, button, range: null });
    button.addEventListener('click', () => {
      const chosen = span.range && spanOf(span.range, body, doc.text || '');
      if (chosen) addForm(doc, chosen);
    });
    return button;
  }

  function addForm(doc, chosen) {
    const { predicates, modalities, entityTypes } = h.vocabulary();
    const input = (name, placeholder) => el('input', { type: 'text', name, placeholder, list: actorList(), required: name !== 'object2' });
    const subject = input('subject', 'an actor'), object = input('object', 'an actor'), object2 = input('object2', 'the other party');
    // a party not yet in the database is added when the analyst gives its type
    const typeOf = (name) => el('select', { name: `${name}_type`, title: 'Its type, if it is a new actor' },
      el('option', { value: '', text: 'known actor' }), options(entityTypes));
    const types = { subject: typeOf('subject'), object: typeOf('object'), object2: typeOf('object2') };
    const party = (control, name) => el('span', { class: 'party' }, control, types[name]);
    const predicate = el('select', { name: 'predicate', required: true }, el('option', { value: '', text: 'choose…' }), options(predicates));
    const modality = el('select', { name: 'modality' }, options(modalities, 'asserted'));
    const note = el('input', { type: 'text', name: 'note', placeholder: 'Why (optional)' });
    const second = field('Second party (mediates)', party(object2, 'object2'));
    second.hidden = true;
    predicate.addEventListener('change', () => { second.hidden = predicate.value !== 'mediates'; object2.required = !second.hidden; });
    const status = el('p', { class: 'form-status', role: 'status' });
    const save = el('button', { type: 'submit', class: 'small', text: 'Add' });
    const form = el('form', { class: 'judge-form add-form', autocomplete: 'off' },
      field('Subject', party(subject, 'subject')), field('Predicate', predicate), field('Object', party(object, 'object')),
      second, field('Modality', modality),
      field('Note', note),
      el('div', { class: 'form-buttons' }, save, el('button', { type: 'button', class: 'small secondary', text: 'Cancel', onclick: h.showViewPanel })),
      status);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { start: chosen.start, end: chosen.end, subject: subject.value.trim(), predicate: predicate.value,
        object: object.value.trim(), modality: modality.value };
      if (predicate.value === 'mediates') body.object2 = object2.value.trim();
      const named = { subject, object, object2: predicate.value === 'mediates' ? object2 : null };
      body.new_actors = Object.fromEntries(Object.entries(named)
        .filter(([name, control]) => control && types[name].value).map(([name, control]) => [control.value.trim(), types[name].value]));
      if (note.value.trim()) body.note = note.value.trim();
      save.disabled = true;
      status.textContent = 'Saving…';
      try {
        const made = await write(`/api/documents/${encodeURIComponent(doc.id)}/relations`, body);
        h.reloadDocument(doc.id, chosen.start, chosen.end);
        addedPanel(made);
      } catch (error) { status.textContent = failure(error); save.disabled = false; }
    });
    clear(h.panel(),
      el('h2', { class: 'title', text: 'Add a relation' }),
      el('p', { class: 'muted', text: `${doc.title || doc.name}, characters ${chosen.start}–${chosen.end}` }),
      el('blockquote', { class: 'quote', text: chosen.text }),
      form);
    subject.focus();
  }

  function addedPanel(made) {
    const what = `${made.new_subject} ${label(made.new_predicate)} ${made.new_object}`
      + (made.new_object2 ? ` and ${made.new_object2}` : '');
    const status = el('span', { class: 'form-status', role: 'status' });
    clear(h.panel(),
      el('h2', { class: 'title', text: 'Relation added' }),
      el('p', {}, analystBadge('added'), ` ${what} (${made.new_modality})`),
      el('div', { class: 'judge-actions' },
        el('button', { type: 'button', class: 'small', text: 'Show its evidence',
          onclick: () => h.showEvidence({ predicate: made.new_predicate, claim: { subject: made.new_subject_id, object: made.new_object_id } }) }),
        undoButton('Undo', async () => {
          await write(`/api/judgements/${made.id}`, null, 'DELETE');
          h.reloadDocument(made.document_id);
          clear(h.panel(), el('p', { class: 'notice', text: `Taken back: ${what}.` }));
        }, status), status));
    h.reloadView();
  }

  return { evidenceControls, rejectedSection, notice, showReview, reviewPanel, spanTool };
}
