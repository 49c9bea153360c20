"""Within-document resolution: "the group", "this militant group", "X's group", and pronouns are
linked to the actor they mean, so relations attach to actors rather than to words.

Rules are deliberately simple and explainable: compatible type, recency, subjects preferred, and
an object never co-refers with its own clause's subject (binding)."""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Token

from ..models import Actor
from .home_state import home_force, issuer, states_by_mentions
from .lexicon import cues, gazetteer
from .token_mention import TokenMention, mention_of
from .syntax import nearest_clause_verb
from .tokens import table

PERSONAL = {"he": "person", "him": "person", "his": "person", "she": "person", "her": "person",
            "himself": "person", "herself": "person"}
SINGULAR = {"it", "its", "itself"}
PLURAL = {"they", "them", "their", "themselves"}
PRONOUNS = {*PERSONAL, *SINGULAR, *PLURAL}
GROUPISH = {"armed_group", "organisation", "government", "state", "contingent"}
PLURALISH = {"armed_group", "contingent", "population", "state", "government", "organisation"}
INSTITUTION_NOUNS = {"junta", "regime", "government", "military", "army", "general", "administration",
                     "authority", "ministry", "parliament", "police"}
STATE_FORCE_NOUNS = {"army", "military", "police"}
HOME_NOUNS = STATE_FORCE_NOUNS | {"government", "administration"}  # with no actor near: the text's home state
GOVERNMENT_NOUNS = {"regime", "junta", "government", "administration", "authorities", "ministry"}
WINDOW_SENTENCES = 3
NAMED_WINDOW_SENTENCES = 8


def _clause_subject_tokens(token: Token) -> set[int]:
    """Tokens of the subject of the clause that governs `token` (for the binding constraint)."""
    verb = token
    while verb.dep_ not in {"ROOT", "relcl", "advcl", "ccomp", "xcomp", "conj"} and verb.head.i != verb.i:
        verb = verb.head
        if verb.pos_ in {"VERB", "AUX"}:
            break
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects and verb.i > token.i:
        return set()
    if not subjects:
        return set(range(max(verb.sent.start, verb.i - 4), verb.i))
    tokens = {t.i for s in subjects for t in s.subtree}
    if verb.dep_ == "relcl" and any(s.tag_ in {"WDT", "WP"} for s in subjects):
        tokens |= {t.i for t in verb.head.subtree if t.i < verb.i}
    return tokens


def _types_for(token: Token) -> set[str] | None:
    lower = token.lower_
    if lower in PERSONAL:
        return {"person"}
    if lower in SINGULAR:
        return GROUPISH
    if lower in PLURAL:
        return PLURALISH
    words = cues().anaphora
    demonstrative = any(c.dep_ == "det" and c.lower_ in {"these", "those"} for c in token.children)
    if token.tag_ == "NNS" and token.lower_ not in words["plural_group_nouns"] and not demonstrative:
        return None
    if demonstrative and token.tag_ == "NNS":
        actors = words["group_nouns"] | words["plural_group_nouns"] | words["fighter_nouns"] | {"groups"}
        return {"contingent", "armed_group"} if token.lower_ in actors or token.lemma_.lower() in actors else None
    nouns = words["group_nouns"] | words["plural_group_nouns"]
    if token.pos_ == "NOUN" and (token.lemma_.lower() in nouns or token.lower_ in nouns or demonstrative):
        if token.lemma_.lower() in GOVERNMENT_NOUNS:
            return {"government", "state", "organisation"}
        if token.lemma_.lower() in STATE_FORCE_NOUNS:
            return {"organisation", "government", "state"}  # a rebel group is not 'the army' (unless so named)
        if token.lower_ in words["plural_group_nouns"]:
            return {"armed_group", "contingent"}
        return {"armed_group", "organisation", "government"}
    return None


def _definite_np(token: Token) -> tuple[int, int] | None:
    """'the group' / 'this militant group': a determiner-led noun phrase headed by a group noun."""
    words = cues().anaphora
    dets = [c for c in token.children if c.dep_ == "det" and c.lower_ in words["determiners"]]
    if not dets:
        return None
    return dets[0].i, token.i + 1


def _candidates(doc: Doc, mentions: list[TokenMention], token: Token, sentences: int = WINDOW_SENTENCES
                ) -> list[TokenMention]:
    sent_starts = [start for start, _ in table(doc).sentences]
    current = max(i for i, start in enumerate(sent_starts) if start <= token.i)
    window_start = sent_starts[max(0, current - sentences)]
    return [m for m in mentions if window_start <= m.start and m.end <= token.i]


def _pick(doc: Doc, candidates: list[TokenMention], types: set[str], excluded: set[int],
          prefer_name: str | None = None) -> TokenMention | None:
    """The most recent fitting candidate, subjects of its sentence first. `excluded` holds the tokens
    of the anaphor's own clause subject: no mention of that actor fits ('Fano keeps fighting the
    army' is not Fano's army, however often Fano was named before)."""
    bound = {m.mention.actor.id for m in candidates if m.start in excluded}
    fitting = [m for m in candidates if m.mention.actor.type in types and m.mention.actor.id not in bound]
    if prefer_name:
        last_word = [m for m in fitting if m.mention.actor.name.lower().split()[-1] == prefer_name]
        anywhere = [m for m in fitting if prefer_name in m.mention.actor.name.lower().split()]
        fitting = last_word or anywhere or fitting
    if not fitting:
        return None
    sentence_start = doc[fitting[-1].start].sent.start if fitting else 0
    recent_sentence = [m for m in fitting if m.start >= sentence_start]
    subjects = [m for m in recent_sentence if doc[m.end - 1].dep_ in {"nsubj", "nsubjpass"}
                or doc[m.start].dep_ in {"nsubj", "nsubjpass"}]
    return (subjects or recent_sentence or fitting)[-1]


def _owner_group(doc: Doc, mentions: list[TokenMention], owner: TokenMention) -> Actor | None:
    """'Al-Jolani's group' is the group the gazetteer says he leads, else the armed group that
    shares an earlier sentence with him."""
    known = gazetteer().led_by(owner.mention.actor.id)
    if known is not None:
        return known
    owner_id = owner.mention.actor.id
    sentences_with_owner = {doc[m.start].sent.start for m in mentions
                            if m.mention.actor.id == owner_id and m.start < owner.start}
    groups = [m for m in mentions if m.start < owner.start and m.mention.actor.type == "armed_group"
              and doc[m.start].sent.start in sentences_with_owner]
    return groups[-1].mention.actor if groups else None


def _owner(token: Token, covered: set[int], mentions: list[TokenMention]) -> TokenMention | None:
    """Whose thing a noun is: its possessor ('Al-Jolani's group', 'his government', a pronoun
    already resolved), a name compounded with it ('the Putin regime'), or for a government the
    person of 'of' ('the government of President Erdogan')."""
    owners = [c for c in token.children if c.dep_ == "poss" or (c.dep_ == "compound" and c.i in covered)]
    if token.lemma_.lower() in GOVERNMENT_NOUNS:
        owners += [o for p in token.children if p.dep_ == "prep" and p.lower_ == "of"
                   for o in p.children if o.dep_ == "pobj"]
    for owner in owners:
        found = next((m for m in mentions if m.start <= owner.i < m.end), None)
        if found is not None:
            return found
    return None


def _led_government(mentions: list[TokenMention], owner: TokenMention) -> Actor | None:
    """'Bashir's government', 'his government', 'the regime of Erdogan': the state or government the
    gazetteer says the person leads, else the state the text names most."""
    gaz, person = gazetteer(), owner.mention.actor.id
    governing = gaz.led_by(person, {"state", "government"})
    if governing is not None:
        return governing
    return home_force(mentions) if gaz.led_by(person) is None else None


def _institution(doc: Doc, mentions: list[TokenMention], span: tuple[int, int]) -> Actor | None:
    """'the junta' / 'the military government' in a text about Myanmar is the gazetteer's
    'Myanmar junta' (or '... military government', '... regime'), if it has one."""
    gaz = gazetteer()
    words = [t.text for t in doc[span[0]:span[1]] if t.dep_ != "det"]
    for state_id in states_by_mentions(mentions):
        entry = gaz.entries[state_id]
        for prefix in (entry.actor.name, *entry.demonyms):
            for phrase in (" ".join(words), words[-1]):
                found = gaz.lookup(f"{prefix} {phrase}")
                if found is not None and found.type in {"government", "organisation", "armed_group"}:
                    return found
    return None


def _salient_group(mentions: list[TokenMention], excluded: set[int]) -> Actor | None:
    """'The insurgents' or 'the group' that no armed group of the last sentences can be: the armed
    group the text names most (a profile of ISKP calls it 'the group' pages after naming it), unless
    it is the subject of the anaphor's own clause."""
    bound = {m.mention.actor.id for m in mentions if m.start in excluded}
    named = [m.mention.actor for m in mentions if m.mention.actor.type == "armed_group"
             and m.mention.via != "coref" and m.mention.actor.id not in bound]
    if not named:
        return None
    most = Counter(actor.id for actor in named).most_common(1)[0][0]
    return next(actor for actor in named if actor.id == most)


def _leader_named(token: Token, by_start: dict[int, TokenMention]) -> Actor | None:
    """'this militant group, led by X' is the group the gazetteer says X leads."""
    for clause in token.children:
        if clause.dep_ == "acl" and clause.lemma_ in {"lead", "head", "command", "found"}:
            for agent in (c for c in clause.children if c.dep_ == "agent"):
                for person in agent.subtree:
                    item = by_start.get(person.i) or next(
                        (m for m in by_start.values() if m.start <= person.i < m.end), None)
                    if item and item.mention.actor.type == "person":
                        return gazetteer().led_by(item.mention.actor.id)
    return None


def _contingents_meant(doc: Doc, mentions: list[TokenMention], token: Token) -> list[TokenMention]:
    """'these forces' / 'all of these groups' after fighters of several origins means all of them."""
    if token.tag_ != "NNS" or not any(c.dep_ == "det" and c.lower_ in {"these", "those"} for c in token.children):
        return []
    found: dict[str, TokenMention] = {}
    for item in _candidates(doc, mentions, token):
        if item.mention.actor.type == "contingent":
            found.setdefault(item.mention.actor.id, item)
    return list(found.values())


def _pair_types(token: Token) -> set[str]:
    """'both factions' are armed groups, 'the two countries' states, 'both sides' any actors."""
    lemma = token.lemma_.lower()
    if lemma in {"faction", "group", "movement", "militia", "organisation", "organization", "rebel"}:
        return {"armed_group", "contingent"}
    if lemma in {"country", "state", "nation", "government", "capital", "neighbour", "neighbor"}:
        return {"state", "government"}
    return PLURALISH - {"population"}


def _path_up(token: Token, top: Token) -> list[Token]:
    """Tokens from `token` up to (not including) `top`: 'the link between A and B' puts A in a
    prepositional phrase of the subject, 'UN chief Guterres' puts UN in the subject itself."""
    path = [token] if token.i != top.i else []
    for ancestor in token.ancestors:
        if ancestor.i == top.i:
            break
        path.append(ancestor)
    return path


def _pair_meant(doc: Doc, mentions: list[TokenMention], token: Token) -> list[TokenMention]:
    """'the two groups' / 'both sides': two actors named in the same sentence, else the two named
    most (then most recently) in the last few sentences; never the clause's own subject ('Egypt
    mediated between the two sides')."""
    if token.tag_ != "NNS" or not any(c.lower_ in {"two", "both"} for c in token.children):
        return []
    verb = nearest_clause_verb(token)
    subject = {t.i for c in (verb.children if verb is not None else ()) if c.dep_ == "nsubj"
               for t in c.subtree if not any(a.dep_ == "pobj" for a in _path_up(t, c))}
    counts: dict[str, int] = {}
    last: dict[str, TokenMention] = {}
    for item in _candidates(doc, mentions, token):
        if item.mention.actor.type in _pair_types(token) and item.end - 1 not in subject:
            counts[item.mention.actor.id] = counts.get(item.mention.actor.id, 0) + 1
            if item.mention.actor.id not in last or item.start > last[item.mention.actor.id].start:
                last[item.mention.actor.id] = item
    sentence = doc[token.i].sent.start
    ranked = sorted(last, key=lambda k: (last[k].start < sentence, -counts[k], -last[k].start))[:2]
    return sorted((last[k] for k in ranked), key=lambda m: m.start) if len(ranked) == 2 else []


def _quoted(token: Token) -> bool:
    """Inside quotation marks: an odd number of them before the token in its sentence."""
    marks = sum(1 for t in token.sent if t.i < token.i and t.text in {'"', "\u201c", "\u201d"})
    return marks % 2 == 1


def _speaker(doc: Doc, mentions: list[TokenMention], token: Token) -> Actor | None:
    """Who 'we' means inside a quotation: the subject of the sentence's reporting verb, or the
    organisation of a quoted person."""
    reporting = cues().modality["reporting_verbs"]
    by_token = {i: m for m in mentions for i in range(m.start, m.end)}
    for verb in token.sent:
        if verb.lemma_.lower() in reporting and verb.pos_ == "VERB":
            for subject in (c for c in verb.children if c.dep_ == "nsubj"):
                item = by_token.get(subject.i) or next((by_token[c.i] for c in subject.subtree if c.i in by_token), None)
                if item is None:
                    continue
                if item.mention.actor.type == "person":
                    return _owner_group(doc, mentions, item)
                return item.mention.actor
    return None


def resolve_anaphora(doc: Doc, mentions: list[TokenMention]) -> list[TokenMention]:
    """Return `mentions` plus a coreferent mention for each anaphor that could be resolved (one for
    each member when a plural anaphor means several contingents)."""
    covered = {i for m in mentions for i in range(m.start, m.end)}
    by_start = {m.start: m for m in mentions}
    result = list(mentions)
    author = issuer(doc, mentions)
    we = cues().anaphora["first_person_plural"]
    t = table(doc)
    for i, (lower, tag, pos) in enumerate(zip(t.lower, t.tag, t.pos)):
        if i in covered or (lower not in we and tag != "NNS" and pos != "NOUN" and lower not in PRONOUNS):
            continue  # taken, or neither 'we', nor 'both sides', nor anything `_types_for` reads as an anaphor
        token = doc[i]
        if token.lower_ in we:
            meant = _speaker(doc, result, token) if _quoted(token) else author
            if meant is not None:
                result.append(mention_of(meant, doc[token.i:token.i + 1], "coref"))
                covered.add(token.i)
            continue
        if token.i + 1 in covered and token.pos_ == "NOUN":
            continue
        pair = _pair_meant(doc, result, token)
        if pair:
            span = _definite_np(token) or (token.i, token.i + 1)
            result.extend(mention_of(m.mention.actor, doc[span[0]:span[1]], "coref") for m in pair)
            covered.update(range(*span))
            continue
        types = _types_for(token)
        if types is None:
            continue
        span = (token.i, token.i + 1)
        if token.pos_ == "NOUN":
            owner_mention = _owner(token, covered, result)
            if owner_mention and owner_mention.mention.actor.type == "person":
                governs = token.lemma_.lower() in GOVERNMENT_NOUNS
                target = _led_government(result, owner_mention) if governs else _owner_group(doc, result, owner_mention)
                if target:
                    result.append(mention_of(target, doc[token.i:token.i + 1], "coref"))
                    covered.add(token.i)
                continue
            span = _definite_np(token)
            if span is None or covered & set(range(*span)):
                continue
            known = _leader_named(token, by_start)
            if known is None and token.lemma_.lower() in INSTITUTION_NOUNS:
                known = _institution(doc, mentions, span)
            if known is not None:
                result.append(mention_of(known, doc[span[0]:span[1]], "coref"))
                covered.update(range(*span))
                continue
        group = _contingents_meant(doc, result, token)
        if group:
            result.extend(mention_of(m.mention.actor, doc[span[0]:span[1]], "coref") for m in group)
            covered.update(range(*span))
            continue
        excluded = set()
        if token.dep_ in {"dobj", "dative", "pobj", "poss"} and token.lower_ not in {"its", "their", "his", "her"}:
            excluded = _clause_subject_tokens(token)
        elif token.dep_ == "poss" and token.head.dep_ in {"attr", "oprd"}:
            excluded = _clause_subject_tokens(token)  # "the TTP remain their brothers": their is not the TTP
        prefer = token.lemma_.lower() if token.pos_ == "NOUN" else None
        target = None
        if prefer:
            named = [m for m in _candidates(doc, result, token, NAMED_WINDOW_SENTENCES)
                     if prefer in m.mention.actor.name.lower().split() and m.mention.actor.type in types | GROUPISH]
            last_word = [m for m in named if m.mention.actor.name.lower().split()[-1] == prefer]
            target = (last_word or named or [None])[-1]
        target = target or _pick(doc, _candidates(doc, result, token), types, excluded, prefer)
        actor = target.mention.actor if target else None
        if actor is None and token.lemma_.lower() in HOME_NOUNS:
            actor = home_force(mentions)
        elif actor is None and {token.lemma_.lower(), token.lower_} & cues().anaphora["salient_group_nouns"]:
            actor = _salient_group(mentions, excluded)
        if actor is None:
            continue
        result.append(mention_of(actor, doc[span[0]:span[1]], "coref"))
        covered.update(range(*span))
    return sorted(result, key=lambda m: m.start)
