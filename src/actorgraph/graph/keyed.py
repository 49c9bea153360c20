"""Reading given claims and pairs of actors, each on a prepared statement (`prepared.py`): what
`ask` loads once it has ranked its paths on summed links, so a path through a hub reads the few
claims it draws, never the hub's every relation. `Store` inherits these; they rely on the read
side's merge lookups (`StoreReads._members`)."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from .claims import VISIBLE
from .fuse import claim_key
from .prepared import BETWEEN, CLAIM_DENIALS, CLAIM_INSTANCES, CLAIM_SUMS, LINK_ROWS, LINKS_AROUND
from .schema import NO_OBJECT2, RelationRow


class KeyedReads:
    """Reads by pair of actors or by claim key (canonical ids; every stored id of a merged actor is read)."""

    def between(self, pairs) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
        """For each pair (x, y) of actor ids, (id, predicate, modality) of the visible relations
        linking them either way, as object or second object."""
        found: dict[tuple[str, str], list[tuple[int, str, str]]] = {pair: [] for pair in pairs}
        with Session(self.engine) as session:
            run = BETWEEN.cursor(session.connection())
            for x, y in found:
                rows = {}
                for one in self._members(session, [x]):
                    for two in self._members(session, [y]):
                        rows.update((row[0], tuple(row)) for row in run.rows(x=one, y=two))
                found[x, y] = [rows[i] for i in sorted(rows)]
        return found

    def links_around(self, actor_id: str) -> list[tuple[str, str, float, int, bool]]:
        """The claims linking one actor to others, summed up per other actor and predicate: (other,
        predicate, firmest, documents, whether any is claimed), ids canonical, in no set order.
        What `Store.link_weights` gives for one actor, read as index probes on the driver's cursor
        and folded here: a hub's question reads thousands of these rows."""
        folded: dict[tuple[str, str], list] = {}
        with Session(self.engine) as session:
            canonical = self._canonical_ids(session)
            head = canonical.get(actor_id, actor_id)
            run = LINKS_AROUND.cursor(session.connection())
            for member in sorted(self._members(session, [actor_id])):
                for other, predicate, firmness, documents, claimed in run.rows(x=member):
                    other = canonical.get(other, other)
                    if other == head:
                        continue
                    known = folded.get((other, predicate))
                    if known is None:
                        folded[other, predicate] = [firmness, documents, claimed]
                    else:
                        known[0], known[1], known[2] = max(known[0], firmness), known[1] + documents, max(known[2], claimed)
        return [(other, predicate, firmness, documents, bool(claimed))
                for (other, predicate), (firmness, documents, claimed) in folded.items()]

    def link_rows(self, links) -> list[tuple]:
        """The rows of `Store.link_weights` that make the given links (pairs of canonical actor
        ids): claims whose subject is one and whose object or second object is the other; each once."""
        found: dict[tuple, tuple] = {}
        with Session(self.engine) as session:
            run = LINK_ROWS.cursor(session.connection())
            for x, y in links:
                for one in self._members(session, [x]):
                    for two in self._members(session, [y]):
                        for row in run.rows(x=one, y=two) + run.rows(x=two, y=one):
                            found[row[:4]] = row
            return self._canonical_rows(session, found.values())

    def _stored_keys(self, session: Session, claims):
        """Each claim (subject, object, object2, predicate) with every stored key that names it."""
        members: dict[str, list[str]] = {}
        for claim in claims:
            for i in claim[:3]:
                if i is not None and i not in members:
                    members[i] = sorted(self._members(session, [i]))
        for s, o, o2, predicate in claims:
            yield (s, o, o2, predicate), [(one, two, three, predicate) for one in members[s] for two in members[o]
                                          for three in members.get(o2, [None])]

    def claim_sample(self, claims, limit: int, *, denials: bool = False) -> list[int]:
        """Ids of at most `limit` visible instances of each claim (subject, object, object2,
        predicate; canonical ids), firmest first; with `denials`, of its denials only. The view of
        a hub asks this for hundreds of claims."""
        found: list[int] = []
        statements = CLAIM_DENIALS if denials else CLAIM_INSTANCES
        with Session(self.engine) as session:
            connection = session.connection()
            runs = {second: statement.cursor(connection) for second, statement in statements.items()}
            for claim, keys in self._stored_keys(session, claims):
                run = runs[claim[2] is not None]
                rows = [(-(firmness or 0.0), i) for s, o, o2, p in keys
                        for i, firmness in run.rows(s=s, o=o, o2=o2, p=p, n=limit)]
                found += [i for _, i in sorted(rows)[:limit]]
        return found

    def claim_sums(self, claims) -> dict[tuple, list[tuple]]:
        """The `claim_sources` rows (instances, origin, modality, rhetoric, outlet, host, firmness,
        first day, last day) of the given claims (subject, object, object2, predicate; canonical
        ids), by `fuse.claim_key`: the two stored directions of a symmetric claim are summed under
        one key when both are asked for."""
        found: dict[tuple, list[tuple]] = defaultdict(list)
        with Session(self.engine) as session:
            run = CLAIM_SUMS.cursor(session.connection())
            for (s, o, o2, predicate), keys in self._stored_keys(session, dict.fromkeys(claims)):
                rows = found[claim_key(s, predicate, o, o2)]
                for one, two, three, p in keys:
                    rows += [tuple(row) for row in run.rows(s=one, o=two, o2=three or NO_OBJECT2, p=p)]
        return dict(found)

    def mediated(self, x: str, y: str) -> list[int]:
        """Ids of the visible mediations between x and y (the two sides as object and second object)."""
        with Session(self.engine) as session:
            xs, ys = sorted(self._members(session, [x])), sorted(self._members(session, [y]))
            sides = ((RelationRow.object_id.in_(xs) & RelationRow.object2_id.in_(ys))
                     | (RelationRow.object_id.in_(ys) & RelationRow.object2_id.in_(xs)))
            rows = session.execute(select(RelationRow.id, RelationRow.predicate).where(VISIBLE, sides)
                                   .order_by(RelationRow.id))
            return [i for i, predicate in rows if predicate == "mediates"]  # on the object indexes, not the predicate's
