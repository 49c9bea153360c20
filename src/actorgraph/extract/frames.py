"""Rule frames: relations read off the parse by verb frames ("Turkey armed the SNA"), relational
nouns ("an offshoot of al-Qaeda", "Washington's partner"), multi-word cues ("took control of") and
the noun-phrase patterns of `patterns`. Each candidate keeps its trigger word; the learned model
takes them as features and their training record as a floor (`document.extract`)."""
from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

from .lexicon import NounFrame, VerbFrame, cues, ontology
from .token_mention import TokenMention
from .offices import office_holders
from .patterns import Candidate, between_parties, structural_relations
from .syntax import (Arguments, child, conjuncts, nearest_clause_verb, object_tokens, prep_objects, purpose_objects,
                     subject_tokens)
from .tokens import table

NOT_PLACES = {"controls", "hosts"}
SUBJECT_NOT_PLACE = {"leads", "member_of", "cooperates_with", "supports", "endorses", "mediates",
                     "shares_ideology", "pressures", "hostile_to", "controls", "detains", "derived_from"}


def _types_ok(candidate: Candidate, subject_types=frozenset(), object_types=frozenset()) -> bool:
    s, o = candidate.subject.mention.actor, candidate.object.mention.actor
    if s.id == o.id:
        return False
    if subject_types and s.type not in subject_types:
        return False
    if object_types and o.type not in object_types and not (
            object_types == {"place"} and o.id.startswith("x-") and o.type in {"organisation", "person"}
            and candidate.object.end - candidate.object.start == 1):
        return False
    if s.type == "place" and candidate.predicate in SUBJECT_NOT_PLACE and "place" not in subject_types:
        return False
    if o.type == "place" and candidate.predicate not in NOT_PLACES and "place" not in object_types:
        return False
    if object_types == {"place"} and o.id.startswith("x-") and o.type in {"organisation", "person"} \
            and candidate.object.end - candidate.object.start == 1:
        return True
    if candidate.predicate == "leads" and (s.type != "person" or o.type in {"person", "population"}):
        return False
    if candidate.predicate == "member_of" and s.type == o.type == "state":
        return False
    return True


def word_forms(token: Token) -> tuple[str, ...]:
    """The lemma plus crude stems of the surface form: the small model sometimes mis-lemmatises
    ('hates' -> 'hat'), and a missed trigger costs more than a stray lookup."""
    return forms_of(token.lemma_.lower(), token.lower_)


@lru_cache(maxsize=1 << 14)
def forms_of(lemma: str, lower: str) -> tuple[str, ...]:
    """`word_forms` of a token given its lower-cased lemma and text (cached: every verb of every
    document asks)."""
    forms = [lemma, lower]
    for suffix, replacement in (("ies", "y"), ("es", ""), ("es", "e"), ("s", ""), ("ed", ""), ("ed", "e"),
                                ("d", ""), ("ing", ""), ("ing", "e")):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            forms.append(lower[: -len(suffix)] + replacement)
    return tuple(dict.fromkeys(forms))


def _needs_noun(verb: Token, nouns: frozenset[str]) -> list[Token]:
    """The object nouns of `verb` that satisfy the frame ('sent troops', 'provides safe haven')."""
    heads = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass", "attr"}]
    heads += [g for h in list(heads) for g in conjuncts(h)]
    heads += [p for prep in verb.children if prep.dep_ == "prep" for p in prep.children if p.dep_ == "pobj"]
    return [h for h in heads if h.lemma_.lower() in nouns or h.lower_ in nouns]


def _noun_owner(noun: Token, args: Arguments) -> list[TokenMention]:
    """Whose a noun is: its possessor ('the BLA's creed'), else what follows 'of' ('the creed of the
    Taliban'), else the actor the noun itself names ('the Taliban flag')."""
    owners = [c for c in noun.children if c.dep_ == "poss"] + prep_objects(noun, {"of"})
    return next((found for found in map(args.expand, owners) if found), None) or args.expand(noun)


def _verb_candidates(token: Token, frames: list[VerbFrame], args: Arguments) -> list[Candidate]:
    result: list[Candidate] = []
    subjects = [m for t in subject_tokens(token) for m in args.expand(t)]
    confidence = 0.75
    if not subjects and token.dep_ == "ROOT" and not any(c.dep_ in {"nsubj", "nsubjpass"} for c in token.children):
        subjects, confidence = _subject_by_position(token, args), 0.5
    for frame in frames:
        if frame.needs_particle and not any(c.dep_ == "prt" and c.lower_ in frame.needs_particle
                                            for c in token.children):
            continue
        anchors = [token]
        if frame.needs_noun:
            nouns = _needs_noun(token, frame.needs_noun)
            if not nouns:
                continue
            anchors = [token, *nouns]
        if frame.needs_prep_noun and not prep_objects(token, {"under", "in", "into"}):
            continue
        if frame.object_from_noun_owner:
            objects = [m for n in anchors[1:] for m in _noun_owner(n, args)]
        else:
            objects = [m for a in anchors for t in object_tokens(a, frame.via) for m in args.expand(t)]
            if not objects and frame.needs_noun and frame.predicate == "supports":
                objects = [m for t in purpose_objects(token, frame.via) for m in args.expand(t)]
        if frame.predicate == "mediates":
            result.extend(_mediation(token, subjects, objects, args))
            continue
        if frame.predicate == "supports" and frame.needs_noun:
            if not objects and token.dep_ == "conj":
                objects = [m for t in prep_objects(token.head, {"with", "to", "for"}) for m in args.expand(t)]
            sent = [m for n in anchors[1:] for m in args.expand(n) if m.mention.actor.type == "contingent"]
            result.extend(Candidate(c, "supports", o, token, "verb-frame", 0.65, "fighters")
                          for c in sent for o in objects if o is not c)
        kind = next((frame.kinds[f] for f in word_forms(token) if f in frame.kinds), None)
        if not kind and frame.needs_noun:
            kind = next((frame.kinds[n.lemma_.lower()] for n in anchors[1:] if n.lemma_.lower() in frame.kinds),
                        None)
        found = []
        for s in subjects:
            for o in objects:
                subject, obj = (o, s) if frame.inverse else (s, o)
                candidate = Candidate(subject, frame.predicate, obj, token, "verb-frame", confidence, kind)
                if _types_ok(candidate, frame.subject_types if not frame.inverse else frame.object_types,
                             frame.object_types if not frame.inverse else frame.subject_types):
                    found.append(candidate)
        result.extend(found)
    return result


def _mediation(token: Token, subjects, objects, args: Arguments) -> list[Candidate]:
    """'S brokered a truce between A and B'; with one named party ('negotiated with A'), the next
    actor named later in the sentence is taken as the other side."""
    parties = list({o.mention.actor.id: o for o in objects if o.mention.actor.type != "place"}.values())[:2]
    if len(parties) == 1:
        subject_ids = {s.mention.actor.id for s in subjects}
        later = [m for i, m in sorted(args.at.items()) if i > parties[0].end and i < token.sent.end
                 and m.mention.actor.id not in subject_ids | {parties[0].mention.actor.id}
                 and m.mention.actor.type != "place"]
        parties += later[:1]
    return [Candidate(s, "mediates", parties[0], token, "verb-frame", 0.7, None, parties[1])
            for s in subjects if len(parties) == 2 and s not in parties]


def _holders(noun: Token, args: Arguments) -> list[TokenMention]:
    """Who a relational noun is said of: apposition, copula subject, 'regards X as N', a title
    compound ('Kremlin spokesman Dmitry Peskov'), or the subject of the governing verb."""
    appos = child(noun, "appos")
    if appos is not None and args.actor(appos):
        return args.expand(appos)
    head = noun.head
    agent = prep_objects(noun, {"by"})
    if agent:
        return [m for t in agent for m in args.expand(t)]
    if noun.dep_ in {"appos", "amod", "acl"} and head.i != noun.i:
        return args.expand(head)
    if noun.dep_ in {"attr", "acomp", "oprd"} and head.lemma_ in {"be", "become", "remain", "stay", "seem", "appear"}:
        return [m for t in subject_tokens(head) for m in args.expand(t)]
    if noun.dep_ == "nsubj" and head.lemma_ == "be":
        return args.expand(child(head, "attr"))
    if noun.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        owner = child(head.head, "poss")
        if owner is not None and args.actor(owner):
            return args.expand(owner)
    if noun.dep_ == "pobj" and head.lower_ == "as":
        governor = head.head
        if head.i < governor.i:
            return [m for t in subject_tokens(governor) for m in args.expand(t)]
        target = child(governor, "dobj") if child(governor, "dobj") is not None else child(governor, "nsubjpass")
        if target is None:
            return [m for t in subject_tokens(governor) for m in args.expand(t)]
        return args.expand(target)
    if noun.dep_ == "compound" and args.actor(head) and head.i > noun.i:
        return [args.actor(head)]
    verb = nearest_clause_verb(noun)
    while verb is not None and verb.lemma_ in cues().modality["reporting_verbs"] and verb.dep_ in {
            "parataxis", "ccomp", "conj"} and verb.head.i != verb.i:
        verb = verb.head
    if verb is not None and noun.dep_ in {"dobj", "pobj", "nsubjpass"}:
        return [m for t in subject_tokens(verb) for m in args.expand(t)]
    return []


def _misattached_appositions(noun: Token, objects: list[TokenMention], args: Arguments) -> list[TokenMention]:
    """'the middleman between A and B, the Turkish government': the parser hangs the apposition
    on B, but it names the middleman."""
    taken = {o.mention.actor.id for o in objects}
    found = [args.at[t.i] for t in noun.subtree if t.dep_ == "appos" and t.i in args.at and t.head.i != noun.i]
    return [m for m in found if m.mention.actor.id not in taken]


def _noun_objects(noun: Token, via: tuple[str, ...], args: Arguments) -> list[TokenMention]:
    for way in via:
        if way == "poss":
            found = [m for c in noun.children if c.dep_ == "poss" for m in args.expand(c)]
        elif way in {"compound", "amod"}:
            found = [args.actor(c) for c in noun.children if c.dep_ == way and c.i < noun.i and args.actor(c)]
        else:
            found = [m for t in prep_objects(noun, {way}) for m in args.expand(t)]
        if found:
            return found
    return []


def _heads_a_part(noun: Token) -> bool:
    """'a commander of the TIP' (one of several heads), 'Pakistan's army chief', 'the PMF's deputy
    chairman' (the head of one part): a member of what the noun's owner names, not its leader."""
    offices = cues().offices
    return any((c.dep_ == "det" and c.lower_ in offices.indefinite)
               or (c.dep_ in {"compound", "amod"} and c.lower_ in offices.part_words) for c in noun.children)


def _noun_candidates(noun: Token, frames: list[NounFrame], args: Arguments) -> list[Candidate]:
    result: list[Candidate] = []
    for frame in frames:
        if frame.copula_only and noun.dep_ not in {"attr", "appos", "acomp", "oprd"} and not (
                noun.dep_ == "nsubj" and noun.head.lemma_ == "be"):
            continue
        objects = _noun_objects(noun, frame.via, args)
        if not objects:
            continue
        if frame.predicate == "mediates":
            holders = _holders(noun, args) or _misattached_appositions(noun, objects, args)
            result.extend(_mediation(noun, holders, objects, args))
            continue
        between = between_parties(noun, args)
        owner = [m for c in noun.children if c.dep_ == "poss" for m in args.expand(c)]
        if not owner and "with" in frame.via and prep_objects(noun, {"with"}):
            owner = [m for t in prep_objects(noun, {"of"}) for m in args.expand(t)]
            objects = [m for t in prep_objects(noun, {"with"}) for m in args.expand(t)] if owner else objects
        holders = between if between else (
            owner if owner and "poss" not in frame.via else _holders(noun, args))
        if between and len(holders) >= 2:
            holders, objects = holders[:1], holders[1:]
        kind = frame.kinds.get(noun.lemma_.lower())
        predicate = "member_of" if frame.predicate == "leads" and _heads_a_part(noun) else frame.predicate
        for h in holders:
            for o in objects:
                s_, o_ = (o, h) if frame.inverse else (h, o)
                candidate = Candidate(s_, predicate, o_, noun, "noun-frame", 0.7, kind)
                if _types_ok(candidate, frame.holder_types, frame.object_types):
                    result.append(candidate)
        if result:
            break
    return result


def _phrase_candidates(doc: Doc, args: Arguments) -> list[Candidate]:
    words = table(doc).lower
    starts: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        starts.setdefault(word, []).append(i)
    result = []
    for cue in cues().phrases:
        n = len(cue.words)
        for i in starts.get(cue.words[0], ()):
            if tuple(words[i:i + n]) != cue.words:
                continue
            trigger = doc[i + cue.trigger]
            verb = trigger if trigger.pos_ in {"VERB", "AUX"} else nearest_clause_verb(trigger)
            subjects = [m for t in subject_tokens(verb) for m in args.expand(t)] if verb is not None else []
            if not subjects and trigger.pos_ == "NOUN":
                subjects = _holders(trigger, args)
            if not subjects:
                subjects = _preceding_actor(doc, i, args)
            last = doc[i + n - 1]
            objects = [m for t in prep_objects(last, {"of", "over", "with", "to"}) for m in args.expand(t)]
            if last.dep_ == "prep":
                objects = objects or [m for t in last.children if t.dep_ == "pobj" for m in args.expand(t)]
            objects = objects or [m for t in last.children for m in args.expand(t) if t.dep_ in {"pobj", "poss"}]
            objects = objects or [m for t in trigger.children if t.dep_ == "poss" for m in args.expand(t)]
            objects = objects or _following_actor(doc, i + n, args)
            for s in subjects:
                for o in objects:
                    candidate = Candidate(s, cue.predicate, o, trigger, "phrase-cue", 0.65)
                    if _types_ok(candidate):
                        result.append(candidate)
    return result


def _preceding_actor(doc: Doc, end: int, args: Arguments, reach: int = 8) -> list[TokenMention]:
    """The actor named closest before a cue, when the parse gives no subject."""
    sentence_start = doc[end].sent.start
    for i in range(end - 1, max(sentence_start, end - reach) - 1, -1):
        found = args.actor(doc[i])
        if found is not None:
            return [found]
    return []


def _subject_by_position(verb: Token, args: Arguments) -> list[TokenMention]:
    """When the parse gives a verb no subject: the actor just before it, or, when that actor sits
    inside a participle clause ('The Task Force, made up of troops from A and B, fights'), the
    noun the clause describes."""
    nearest = _preceding_actor(verb.doc, verb.i, args, reach=4)
    if not nearest:
        return []
    for ancestor in verb.doc[nearest[0].end - 1].ancestors:
        if ancestor.i == verb.i:
            break
        if ancestor.dep_ in {"acl", "relcl"} and args.actor(ancestor.head) is not None:
            return [args.actor(ancestor.head)]
    return nearest


def _following_actor(doc: Doc, start: int, args: Arguments, reach: int = 6) -> list[TokenMention]:
    """The next actor named after a cue, unless it is only the topic ('a common view about ISIS')."""
    sentence_end = doc[start - 1].sent.end
    for i in range(start, min(start + reach, sentence_end)):
        if i in args.at and not (doc[i].dep_ == "pobj" and doc[i].head.lower_ in {"about", "on", "regarding", "of"}):
            return [args.at[i]]
    return []


def candidates(doc: Doc, mentions: list[TokenMention]) -> list[Candidate]:
    """Every relation candidate in a parsed document, before deduplication. Trigger words are
    looked for only in sentences naming two actors or more: a frame's arguments are in its sentence."""
    args = Arguments(mentions)
    lexicon = cues()
    found: list[Candidate] = []
    t = table(doc)
    actors_in: dict[tuple[int, int], set[str]] = {}
    for item in mentions:
        actors_in.setdefault(t.sentence_of[item.start], set()).add(item.mention.actor.id)
    for start, end in t.sentences:
        if len(actors_in.get((start, end), ())) > 1:
            found.extend(_trigger_candidates(doc, t, start, end, args, lexicon))
    found.extend(_phrase_candidates(doc, args))
    found.extend(structural_relations(doc, mentions, args))
    found.extend(office_holders(doc, mentions, args))
    return found


def _trigger_candidates(doc: Doc, t, start: int, end: int, args: Arguments, lexicon) -> list[Candidate]:
    """The candidates of the verb and noun frames whose trigger words lie in tokens start:end."""
    found: list[Candidate] = []
    for i in range(start, end):
        lemma, pos, tag = t.lemma[i], t.pos[i], t.tag[i]
        if pos in {"VERB", "AUX"} or (tag == "VBN" and pos == "ADJ"):
            frames = list(dict.fromkeys(f for form in forms_of(lemma, t.lower[i]) for f in lexicon.frames_for_verb(form)))
            if frames:
                found.extend(_verb_candidates(doc[i], frames, args))
        elif pos in {"NOUN", "PROPN", "ADJ"} and i not in args.at:
            frames = lexicon.frames_for_noun(lemma)
            if frames:
                found.extend(_noun_candidates(doc[i], frames, args))
    return found
