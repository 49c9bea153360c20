"""One document's extraction: its actor mentions (regime names read as of the date), the
relations the learned model finds over every pair of actors in a sentence with the rule frames as
features and floors, each with modality, attribution, time and sentence as evidence, its rhetoric
spans and the profile kept for the caveats of answers."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Token

from ..models import Actor, Document, Evidence, Mention, Relation, TimeSpan
from .coref import resolve_anaphora
from .features import pair_trigger, pairs
from .frames import candidates
from .lexicon import ontology
from .mentions import find_mentions
from .token_mention import TokenMention
from .modality import firm, modality_features, modality_of, speaker_text
from .model import RelationModel, decide, default_model
from .patterns import Candidate
from .profile import document_summary
from .regimes import at_date
from .rhetoric import RhetoricSpan, excluded_from_evidence, find_spans
from .syntax import Arguments
from .timex import dateline, time_of
from .tokens import table


@dataclass(frozen=True)
class Extraction:
    mentions: list[Mention]
    relations: list[Relation]
    spans: list[RhetoricSpan] = field(default_factory=list)
    profile: dict = field(default_factory=dict)  # `profile.document_summary`, kept with the document


def _with_doc_aliases(mentions: list[TokenMention]) -> dict[str, Actor]:
    """Each actor carries the surface forms this document uses for it, before its gazetteer aliases."""
    forms: dict[str, list[str]] = {}
    for item in mentions:
        if item.mention.via != "coref":
            forms.setdefault(item.mention.actor.id, []).append(item.mention.text)
    actors = {}
    for item in mentions:
        actor = item.mention.actor
        aliases = tuple(dict.fromkeys([*forms.get(actor.id, []), *actor.aliases]))
        actors[actor.id] = Actor(actor.id, actor.name, actor.type, aliases)
    return actors


@dataclass(frozen=True)
class _Reading:
    """What the words around one trigger say of every relation it carries: how the text commits to
    it and who it is attributed to."""

    modality: str
    attributed: str | None


def _readings(triggers: list[Token], args: Arguments, model: RelationModel | None) -> dict[int, _Reading]:
    """Each trigger's modality (the model's classifier when there is one, else the rules) and
    attribution, read once however many candidates share the trigger; the classifier runs once
    over every trigger whose rule verdict is not firm."""
    rules = {t.i: modality_of(t) for t in triggers}
    unsure = [t for t in triggers if model is not None and model.modality is not None
              and not firm(rules[t.i][0], _sentence_text(t))]
    learned = model.modality.predict([modality_features(t, rules[t.i][0]) for t in unsure]) if unsure else []
    modalities = {i: rule for i, (rule, _) in rules.items()} | {t.i: m for t, m in zip(unsure, learned)}
    found = {}
    for t in triggers:
        speaker, attributed = rules[t.i][1], None
        if speaker is not None and modalities[t.i] == "reported":
            said_by = args.actor(speaker)
            attributed = said_by.mention.actor.name if said_by else speaker_text(speaker)
        found[t.i] = _Reading(modalities[t.i], attributed)
    return found


def _sentence_text(token: Token) -> str:
    """The text of the sentence a token is in (`token.sent.text`, from the token table)."""
    t = table(token.doc)
    return t.sentence_text(*t.sentence_of[token.i])


def _dated(candidate: Candidate, time: TimeSpan | None, anchor: str | None) -> Candidate | None:
    """The candidate with its actors as of its time (a regime name means whoever governed then);
    None when the regime turns it into an actor's relation to itself."""
    day = time.start if time is not None and time.start else anchor
    subject, obj = at_date(candidate.subject, day), at_date(candidate.object, day)
    object2 = at_date(candidate.object2, day) if candidate.object2 else None
    if subject is not candidate.subject or obj is not candidate.object or object2 is not candidate.object2:
        candidate = replace(candidate, subject=subject, object=obj, object2=object2)
    if candidate.subject.mention.actor.id in {candidate.object.mention.actor.id,
                                              candidate.object2 and candidate.object2.mention.actor.id}:
        return None
    return candidate


def _finish_all(found: list[Candidate], document: Document, actors: dict[str, Actor], anchor: str | None,
                args: Arguments, model: RelationModel | None = None) -> list[Relation]:
    """The candidates as relations, in order: each with its time, its actors as of that time, its
    modality, attribution and sentence as evidence (see `_dated` for those dropped). Time and
    modality are read once per trigger word."""
    times: dict[int, TimeSpan | None] = {}
    dated = []
    for candidate in found:
        trigger = candidate.trigger
        if trigger.i not in times:
            times[trigger.i] = time_of(trigger, anchor)
        if (kept := _dated(candidate, times[trigger.i], anchor)) is not None:
            dated.append(kept)
    readings = _readings(list({c.trigger.i: c.trigger for c in dated}.values()), args, model)
    return [_relation(c, times[c.trigger.i], readings[c.trigger.i], document, actors, model is not None)
            for c in dated]


def _relation(candidate: Candidate, time: TimeSpan | None, reading: _Reading, document: Document,
              actors: dict[str, Actor], learned: bool) -> Relation:
    def mention(item: TokenMention | None) -> Mention | None:
        if item is None:
            return None
        m = item.mention
        actor = actors.get(m.actor.id) or Actor(m.actor.id, m.actor.name, m.actor.type, (m.text, *m.actor.aliases))
        return Mention(actor, m.text, m.start, m.end, m.via)

    t = table(candidate.trigger.doc)
    start, end = t.sentence_of[candidate.trigger.i]
    text = t.sentence_text(start, end).rstrip()
    modality = reading.modality
    coref = any(m.mention.via == "coref" for m in (candidate.subject, candidate.object))
    confidence = candidate.confidence if learned else (
        candidate.confidence * (0.85 if coref else 1.0) * (0.8 if modality != "asserted" else 1.0))
    return Relation(
        doc=document.name, subject=mention(candidate.subject), predicate=candidate.predicate,
        object=mention(candidate.object), object2=mention(candidate.object2), kind=candidate.kind,
        modality=modality, attributed_to=reading.attributed, time=time,
        evidence=Evidence(text=text, start=t.idx[start], end=t.idx[start] + len(text)),
        extractor=candidate.extractor,
        confidence=confidence, doc_id=document.id, source=document.source, published=document.published)


def _key(relation: Relation) -> tuple:
    s, o = relation.subject.actor.id, relation.object.actor.id
    if ontology().predicates[relation.predicate].symmetric:
        s, o = sorted([s, o])
    o2 = relation.object2.actor.id if relation.object2 else None
    return s, relation.predicate, o, o2, relation.evidence.start


def token_mentions(parsed: Doc, day: str | None = None) -> list[TokenMention]:
    """Every actor mention of a parsed document, anaphors resolved; a regime name ('Kabul', 'the
    Afghan government') means whoever governed on `day`, so its pronouns do too."""
    return resolve_anaphora(parsed, [at_date(m, day) for m in find_mentions(parsed)])


def extract(document: Document, parsed: Doc, model: RelationModel | None = None, rules_only: bool = False,
            min_confidence: float | None = None) -> Extraction:
    """Mentions, relations and rhetoric spans of one document from its parse (no I/O); a relation
    whose evidence lies in a rhetorical question or a burden-shifting sentence is marked so.
    Relations come from the learned model over every pair of actors in a sentence (the rules are
    its features, and their candidates calibrated on their own); `rules_only` gives the rules alone.
    `min_confidence` filters (default: each predicate's threshold, chosen by cross-validation)."""
    anchor = document.published or dateline(document.text)
    mentions = token_mentions(parsed, anchor)
    actors = _with_doc_aliases(mentions)
    args = Arguments(mentions)
    found = candidates(parsed, mentions)
    if not rules_only:
        model = model or default_model()
        found_pairs = pairs(parsed, mentions, found)
        found = decide(found_pairs, model.confidences(found_pairs), model.labels, model.cut(min_confidence),
                       pair_trigger, model.rule_precision)
    best: dict[tuple, Relation] = {}
    for relation in _finish_all(found, document, actors, anchor, args, None if rules_only else model):
        if rules_only and min_confidence is not None and relation.confidence < min_confidence:
            continue
        key = _key(relation)
        if key not in best or relation.confidence > best[key].confidence:
            best[key] = relation
    spans = find_spans(parsed)
    relations = [_marked(r, spans) for r in sorted(best.values(), key=lambda r: (r.evidence.start, r.subject.start))]
    plain = [Mention(actors[m.mention.actor.id], m.mention.text, m.mention.start, m.mention.end, m.mention.via)
             for m in mentions]
    return Extraction(mentions=plain, relations=relations, spans=spans,
                      profile=document_summary(document, parsed, mentions, relations, spans))


def _marked(relation: Relation, spans: list[RhetoricSpan]) -> Relation:
    span = excluded_from_evidence(spans, relation.evidence.start, relation.evidence.end)
    return replace(relation, rhetoric=span.technique) if span else relation
