"""Finding a trigger's arguments in the dependency parse: who acts (subject) and on whom (object),
through passives, relative clauses, appositions, control verbs and coordination."""
from __future__ import annotations

from spacy.tokens import Token

from .token_mention import TokenMention

OBJECT_CONTROL = {"ask", "urge", "tell", "force", "order", "help", "allow", "press", "pressure",
                  "call", "encourage", "persuade", "compel", "invite", "accuse", "instruct", "push"}
RELATIVE = {"which", "who", "whom", "that", "whose"}
NAMING_VERBS = {"know", "call", "name", "dub", "style", "brand"}
OWNED_PLACES = {"base", "headquarters", "stronghold", "home", "position", "territory", "compound", "camp"}
COLLECTIVES = {"coalition", "alliance", "umbrella", "group", "network", "union", "bloc", "federation"}
CLAUSE_DEPS = {"xcomp", "advcl", "pcomp", "conj", "ccomp", "acl", "relcl"}


class Arguments:
    """Maps parse tokens to actor mentions for one document; `also` keeps the further actors of a
    span that means several ('these groups')."""

    def __init__(self, mentions: list[TokenMention]):
        self.at: dict[int, TokenMention] = {}
        self.also: dict[int, list[TokenMention]] = {}
        for item in mentions:
            if item.start in self.at and self.at[item.start].start == item.start:
                self.also.setdefault(item.start, []).append(item)
                continue
            for i in range(item.start, item.end):
                self.at[i] = item

    def actor(self, token: Token | None, depth: int = 0) -> TokenMention | None:
        """The actor a token stands for: its own mention, the antecedent of a relative pronoun,
        an apposition, or the X in 'fighters of X' / 'most of X' / 'M23 operations'."""
        if token is None or depth > 3:
            return None
        if token.i in self.at:
            return self.at[token.i]
        if token.lower_ in RELATIVE and token.head.dep_ in {"relcl", "acl"}:
            antecedent = self.actor(token.head.head, depth + 1)
            if antecedent and antecedent.mention.actor.type == "person" and token.lower_ == "which":
                for ancestor in token.head.head.ancestors:
                    found = self.at.get(ancestor.i)
                    if found and found.mention.actor.type != "person":
                        return found
            return antecedent
        if token.lower_ == "whose":
            clause = next((a for a in token.ancestors if a.dep_ == "relcl"), None)
            return self.actor(clause.head, depth + 1) if clause is not None else None
        for child in token.children:
            if child.dep_ == "appos" and child.i in self.at:
                return self.at[child.i]
        if token.dep_ == "appos" and token.head.i in self.at:
            return self.at[token.head.i]
        for child in token.children:
            if child.dep_ in {"compound", "nmod"} and child.i in self.at and child.i < token.i:
                return self.at[child.i]
        for child in token.children:
            if child.dep_ == "acl" and child.lemma_ in NAMING_VERBS:
                named = [g for c in child.children if c.dep_ in {"prep", "oprd"} for g in [c, *c.children]
                         if g.i in self.at]
                if named:
                    return self.at[named[0].i]
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                return self.actor(pobj, depth + 1)
        if token.lemma_ in OWNED_PLACES:
            owner = next((c for c in token.children if c.dep_ == "poss"), None)
            if owner is not None and owner.i in self.at:
                return self.at[owner.i]
        if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lemma_ in COLLECTIVES:
            return self.actor(token.head.head, depth + 1)
        if token.pos_ == "NOUN":
            return self._apposed(token)
        return None

    def _apposed(self, token: Token) -> TokenMention | None:
        """'X (ACR), a coalition led by Y': a comma-introduced indefinite noun phrase names the
        actor just before it, even where the parser attached it elsewhere."""
        doc = token.doc
        left = token.left_edge.i
        if left < 2 or doc[left].lower_ not in {"a", "an"} or doc[left - 1].text != ",":
            return None
        i = left - 2
        if doc[i].text == ")":
            while i > 0 and doc[i].text != "(":
                i -= 1
            i -= 1
        return self.at.get(i)

    def expand(self, token: Token | None) -> list[TokenMention]:
        """The token's actor and those of its coordinated siblings ('A, B and C')."""
        if token is None:
            return []
        found = []
        for item in [token, *conjuncts(token)]:
            mention = self.actor(item)
            for each in ([mention, *self.also.get(mention.start, [])] if mention else []):
                if each not in found:
                    found.append(each)
        return found


def conjuncts(token: Token) -> list[Token]:
    result = []
    def members(item: Token) -> list[Token]:
        found = [c for c in item.children if c.dep_ == "conj"]
        for prep in item.children:
            if prep.dep_ == "prep" and (prep.lower_ in {"including", "like"} or (
                    prep.lower_ == "as" and prep.i > 0 and prep.doc[prep.i - 1].lower_ == "such")):
                found.extend(c for c in prep.children if c.dep_ == "pobj")
        return found

    stack = members(token)
    while stack:
        item = stack.pop(0)
        result.append(item)
        stack.extend(members(item))
    return result


def is_passive(verb: Token) -> bool:
    """'was armed', 'a group armed by X', and the second of 'was armed and trained by X'."""
    own = any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children)
    return own or (verb.dep_ == "acl" and verb.tag_ == "VBN") or (
        verb.dep_ == "conj" and verb.tag_ == "VBN" and verb.head.i != verb.i
        and any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.head.children))


def child(token: Token, *deps: str) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def prep_objects(token: Token, preps: set[str]) -> list[Token]:
    """Objects of the given prepositions under `token`, also through 'out of' / 'away from'."""
    found = []
    for prep in token.children:
        if prep.dep_ not in {"prep", "agent", "dative", "prt", "advmod"}:
            continue
        if prep.lower_ in preps:
            found.extend(c for c in prep.children if c.dep_ in {"pobj", "pcomp"})
        for inner in prep.children:
            if inner.dep_ == "prep" and inner.lower_ in preps:
                found.extend(c for c in inner.children if c.dep_ == "pobj")
    return found


def subject_tokens(verb: Token, depth: int = 0) -> list[Token]:
    """Who does what `verb` says: its subject, the agent of a passive, or the subject it
    inherits from the clause it hangs on ('accused X of arming', 'asked X to', 'A and then B')."""
    if depth > 4:
        return []
    if is_passive(verb):
        shared = [verb, *(c for c in verb.children if c.dep_ == "conj")]
        if verb.dep_ == "conj":
            shared.append(verb.head)
        agent = next((a for v in shared for a in v.children if a.dep_ == "agent"), None)
        if agent is not None:
            return [c for c in agent.children if c.dep_ == "pobj"]
        if verb.dep_ == "acl":
            return []
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if subjects and not is_passive(verb):
        before = [c for c in subjects if c.i < verb.i]
        return [before[-1] if before else subjects[0]]
    if verb.dep_ == "acl" and not is_passive(verb):
        return [verb.head]
    head = verb.head
    if head.i == verb.i:
        return []
    if verb.dep_ == "pcomp" and head.dep_ == "prep" and head.head.pos_ in {"VERB", "AUX"}:
        governor = head.head
        obj = child(governor, "dobj")
        if obj is not None and governor.lemma_ in OBJECT_CONTROL:
            return [obj]
        return subject_tokens(governor, depth + 1)
    if verb.dep_ == "xcomp" and head.lemma_ in OBJECT_CONTROL:
        obj = child(head, "dobj")
        if obj is not None:
            return [obj]
    if verb.dep_ == "xcomp" and child(head, "nsubjpass") is not None:
        return [child(head, "nsubjpass")]
    if verb.dep_ in CLAUSE_DEPS - {"relcl"} and verb.dep_ != "ccomp":
        return subject_tokens(head, depth + 1)
    if verb.dep_ == "relcl":
        return [head]
    return []


def object_tokens(verb: Token, via: tuple[str, ...]) -> list[Token]:
    """Where the action lands: direct object (the passive subject or the modified noun of a
    passive participle), or the object of one of the frame's prepositions."""
    found = []
    if "dobj" in via:
        if is_passive(verb):
            subject = child(verb, "nsubjpass")
            if subject is None and verb.dep_ == "conj":
                subject = child(verb.head, "nsubjpass")
            if subject is not None:
                found.append(subject)
            elif verb.dep_ == "acl":
                found.append(verb.head)
        else:
            found.extend(c for c in verb.children if c.dep_ in {"dobj", "dative"})
            if verb.dep_ == "relcl" and not found:
                relative = next((c for c in verb.children if c.lower_ in RELATIVE), None)
                if relative is not None and relative.dep_ != "nsubj":
                    found.append(verb.head)
    preps = {p for p in via if p != "dobj"}
    if verb.dep_ == "prep" and verb.lower_ in preps:
        found.extend(c for c in verb.children if c.dep_ == "pobj")
    if preps:
        found.extend(prep_objects(verb, preps))
        for obj in [c for c in verb.children if c.dep_ == "dobj"]:
            found.extend(prep_objects(obj, preps))
    return found


def purpose_objects(verb: Token, via: tuple[str, ...]) -> list[Token]:
    """Objects of a purpose clause: 'sent troops to fight alongside X' / 'deployed soldiers to support X'."""
    found = []
    for clause in verb.children:
        if clause.dep_ in {"advcl", "xcomp"} and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children):
            found.extend(c for c in clause.children if c.dep_ == "dobj")
            found.extend(prep_objects(clause, {"alongside", "with", "for", "against", "beside"}))
    return found


def nearest_clause_verb(token: Token) -> Token | None:
    for ancestor in token.ancestors:
        if ancestor.pos_ in {"VERB", "AUX"}:
            return ancestor
    return None
