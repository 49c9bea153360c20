"""Score extracted relations against gold annotations (NAME.gold.yaml beside NAME.txt) with the
reference scorer's matching rules, so our four headline figures compare with its figures one for
one. The rules are described in docs/gold-format.md."""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, astuple, dataclass
from pathlib import Path

import yaml
from rich.table import Table

from ..extract.lexicon import ontology
from ..models import relation_json
from ..pipeline import DEFAULT_OPTIONS, ExtractOptions, extract_all, read_all

GOLD_SUFFIX = ".gold.yaml"
DEFAULT_MODALITY = "asserted"


@dataclass(frozen=True)
class PredicateRow:
    predicate: str
    tp: int
    predicted: int
    gold: int
    p: float
    r: float
    f1: float


@dataclass(frozen=True)
class ModalityRow:
    """Gold instances of one modality: found (with covering evidence), and found with it too."""
    modality: str
    gold: int
    found: int
    correct: int
    accuracy: float


@dataclass(frozen=True)
class Score:
    """The first seven fields are the reference scorer's --json keys, with the same values."""
    documents: int
    gold_facts: int
    predicted_facts: int
    typed_p_r_f1: tuple[float, float, float]
    untyped_p_r_f1: tuple[float, float, float]
    evidence_recall: float
    modality_acc: float
    per_predicate: tuple[PredicateRow, ...]
    per_modality: tuple[ModalityRow, ...]
    confusion: dict[str, dict[str, int]]  # gold modality -> predicted modality -> found instances
    missed: tuple[str, ...]
    spurious: tuple[str, ...]

    def as_json(self) -> dict:
        return json.loads(json.dumps(asdict(self)))


def _rank(name: str) -> tuple:
    """Ontology order for predicates and modalities; anything else after them, by name."""
    known = [*ontology().predicates, *ontology().modalities]
    return (known.index(name) if name in known else len(known), name)


def norm(text: str) -> str:
    """Case, curly apostrophes, a leading article, a possessive 's and punctuation do not count.
    The reference scorer's rule, kept apart from `names.normalize` (which also folds diacritics) so
    that our figures equal the scorer's exactly."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"'s$", "", re.sub(r"^(the|a|an)\s+", "", text.strip()))
    return re.sub(r"[^a-z0-9\u0600-\u06ff]+", " ", text).strip()


def alias_table(entities: dict) -> dict[str, str]:
    """Normalised surface form -> canonical name; the first entity to claim a form keeps it."""
    table: dict[str, str] = {}
    for canonical, aliases in entities.items():
        for alias in [canonical, *(aliases or [])]:
            table.setdefault(norm(alias), canonical)
    return table


def resolve(node, table: dict[str, str]) -> str | None:
    """A predicted actor's gold entity via name, mention, canonical, aliases; else '?name'."""
    if not node:
        return None
    node = {"name": node} if isinstance(node, str) else node
    for value in [*(node.get(k) for k in ("name", "mention", "canonical")), *(node.get("aliases") or [])]:
        if value and norm(value) in table:
            return table[norm(value)]
    return "?" + norm(node.get("name") or node.get("mention") or "")


def fact_key(s, p, o, o2, symmetric: frozenset[str]) -> tuple:
    """One fact, with the argument order that does not matter put in a fixed order."""
    if p in symmetric:
        s, o = sorted([s, o], key=str)
    if p == "mediates" and o2:
        o, o2 = sorted([o, o2], key=str)
    return (s, p, o, o2 or None)


def covers(evidence: str | None, gold_evidence: str | None) -> bool:
    """Either normalised text contains the other: a sentence covers a phrase, and vice versa."""
    a, b = norm(evidence or ""), norm(gold_evidence or "")
    return bool(a and b) and (b in a or a in b)


def ratio(n: int, d: int) -> float:
    return n / d if d else 0.0


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p, r = ratio(tp, npred), ratio(tp, ngold)
    return round(p, 3), round(r, 3), round(ratio(2 * p * r, p + r), 3)


def score(golds: list[dict], predictions_by_doc: dict[str, list[dict]]) -> Score:
    """Micro-averaged figures over all gold documents; a document with no predictions scores 0.
    Untyped pairs are the entities related at all, either direction (mediates gives two). In a
    partial annotation only predictions about its judged pairs count (`judged_pairs`)."""
    symmetric = frozenset(n for n, spec in ontology().predicates.items() if spec.symmetric)
    totals, by_predicate, by_modality, confusion, missed, spurious = Counter(), {}, {}, {}, [], []
    for gold in golds:
        document, table, gold_rel = gold["document"], alias_table(gold["entities"]), gold.get("relations") or []
        preds, judged = [], judged_pairs(gold)
        for r in predictions_by_doc.get(document, []):
            s, o, o2 = (resolve(r.get(role), table) for role in ("subject", "object", "object2"))
            if judged is not None and not {tuple(sorted([s or "", x])) for x in (o, o2) if x} & judged:
                continue
            preds.append((fact_key(s, r.get("predicate"), o, o2, symmetric), r.get("modality"),
                          (r.get("evidence") or {}).get("text", ""), s, o))
        gold_facts = {fact_key(g["s"], g["p"], g["o"], g.get("o2"), symmetric) for g in gold_rel}
        pred_facts = {k for k, *_ in preds}
        gold_pairs = {tuple(sorted([g["s"], o])) for g in gold_rel for o in (g["o"], g.get("o2")) if o}
        pred_pairs = {tuple(sorted([s, o])) for *_, s, o in preds if s and o}
        for label, facts, pairs in (("gold", gold_facts, gold_pairs), ("predicted", pred_facts, pred_pairs),
                                    ("tp", gold_facts & pred_facts, gold_pairs & pred_pairs)):
            totals[label] += len(facts)
            totals["pairs " + label] += len(pairs)
            for k in facts:
                by_predicate.setdefault(str(k[1]), Counter())[label] += 1
        for g in gold_rel:
            k = fact_key(g["s"], g["p"], g["o"], g.get("o2"), symmetric)
            modality = g.get("modality", DEFAULT_MODALITY)
            hits = [m for kk, m, ev, *_ in preds if kk == k and covers(ev, g["evidence"])]
            row = by_modality.setdefault(modality, Counter(gold=0, found=0, correct=0))
            row["gold"] += 1
            if hits:
                row["found"] += 1
                row["correct"] += modality in hits
                got = modality if modality in hits else str(hits[0])
                confusion.setdefault(modality, Counter())[got] += 1
            else:
                o2 = f' / {g["o2"]}' if g.get("o2") else ""
                missed.append(f'{document}: {g["s"]} {g["p"]} {g["o"]}{o2}  [{modality}] "{g["evidence"][:60]}"')
        spurious += [f"{document}: " + " ".join(str(x) for x in k if x) for k in sorted(pred_facts - gold_facts, key=str)]
    instances, found, correct = (sum(row[c] for row in by_modality.values()) for c in ("gold", "found", "correct"))
    return Score(
        documents=len(golds), gold_facts=totals["gold"], predicted_facts=totals["predicted"],
        typed_p_r_f1=prf(totals["tp"], totals["predicted"], totals["gold"]),
        untyped_p_r_f1=prf(totals["pairs tp"], totals["pairs predicted"], totals["pairs gold"]),
        evidence_recall=round(ratio(found, instances), 3), modality_acc=round(ratio(correct, found), 3),
        per_predicate=tuple(PredicateRow(p, c["tp"], c["predicted"], c["gold"], *prf(c["tp"], c["predicted"], c["gold"]))
                            for p, c in sorted(by_predicate.items(), key=lambda kv: _rank(kv[0]))),
        per_modality=tuple(ModalityRow(m, c["gold"], c["found"], c["correct"], round(ratio(c["correct"], c["found"]), 3))
                           for m, c in sorted(by_modality.items(), key=lambda kv: _rank(kv[0]))),
        confusion={g: {p: row[p] for p in sorted(row, key=_rank)} for g, row in sorted(confusion.items(), key=lambda kv: _rank(kv[0]))},
        missed=tuple(missed), spurious=tuple(spurious))


def gold_files(path: str | Path) -> list[Path]:
    path = Path(path)
    files = sorted(path.glob("*" + GOLD_SUFFIX)) if path.is_dir() else [path] if path.is_file() else []
    if not files:
        raise ValueError(f"{path}: no such file, or no *{GOLD_SUFFIX} files in this folder")
    return files


def text_beside(gold_file: Path) -> Path:
    return gold_file.with_name(gold_file.name.removesuffix(GOLD_SUFFIX).removesuffix(".yaml") + ".txt")


def check_gold(file: Path, gold) -> dict:
    """The gold file's content, or a ValueError naming the file and the field that is wrong."""
    def need(ok, field: str, message: str, where: str = str(file)) -> None:
        if not ok:
            raise ValueError(f"{where}: field '{field}' {message}")
    need(isinstance(gold, dict) and isinstance(gold.get("document"), str) and gold["document"].strip(),
         "document", "missing (the text's name: NAME for NAME.txt)")
    entities, relations = gold.get("entities"), gold.get("relations") or []
    need(isinstance(entities, dict), "entities", "missing (canonical name -> list of surface forms)")
    for name, forms in entities.items():
        need(isinstance(name, str) and isinstance(forms, (list, type(None)))
             and all(isinstance(f, str) for f in forms or []), "entities", f"{name!r}: not a list of surface forms")
    onto, text_file = ontology(), text_beside(file)
    text = text_file.read_text("utf-8") if text_file.is_file() else None
    for i, rel in enumerate(relations, start=1):
        where = f"{file}: relations[{i}]"
        need(isinstance(rel, dict), "s", "missing: expected {s, p, o, [o2], modality, evidence}", where)
        for field in ("s", "p", "o", "evidence"):
            need(isinstance(rel.get(field), str) and rel[field].strip(), field, "missing", where)
        need(rel["p"] in onto.predicates, "p", f"{rel['p']!r}: unknown predicate", where)
        need(rel.get("modality", DEFAULT_MODALITY) in onto.modalities, "modality",
             f"{rel.get('modality')!r}: unknown modality", where)
        for field in ("s", "o", "o2"):
            need(rel.get(field) is None or rel[field] in entities, field,
                 f"{rel.get(field)!r}: not a name under 'entities'", where)
        need(text is None or rel["evidence"] in text, "evidence",
             f"{rel['evidence'][:80]!r}: not an exact substring of {text_file.name}", where)
    need(gold.get("complete", True) in (True, False), "complete", "must be true or false")
    judged = gold.get("judged")
    need(judged is None or (gold.get("complete") is False and isinstance(judged, list)), "judged",
         "is for a partial annotation (complete: false): a list of [entity, entity] pairs")
    for i, pair in enumerate(judged or [], start=1):
        need(isinstance(pair, list) and len(pair) == 2 and all(p in entities for p in pair), "judged",
             f"[{i}] {pair!r}: not a pair of names under 'entities'")
    return gold


def judged_pairs(gold: dict) -> set[tuple[str, str]] | None:
    """The entity pairs a partial annotation (`complete: false`) speaks for, or None when it is
    complete. Only predictions about these pairs are scored or trained on: the others were never
    looked at, so they are neither right nor wrong."""
    if gold.get("complete", True):
        return None
    return {tuple(sorted(pair)) for pair in gold.get("judged") or []} | {
        tuple(sorted([g["s"], o])) for g in gold.get("relations") or [] for o in (g["o"], g.get("o2")) if o}


def load_gold(path: str | Path) -> list[dict]:
    """Every gold file under `path` (a folder of *.gold.yaml or one file), checked."""
    golds = []
    for file in gold_files(path):
        try:
            golds.append(check_gold(file, yaml.safe_load(file.read_text("utf-8"))))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ValueError(f"{file}: not valid YAML: {exc}") from exc
    return golds


def load_predictions(path: str | Path, golds: list[dict]) -> dict[str, list[dict]]:
    """Predictions per gold document by "doc" (all, for one gold file); bad line: FILE:LINE error."""
    by_doc: dict[str, list[dict]] = {g["document"]: [] for g in golds}
    for number, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        try:
            relation = json.loads(line) if line.strip() else {}
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{number}: not valid JSON: {exc.msg}") from exc
        if not isinstance(relation, dict):
            raise ValueError(f"{path}:{number}: expected a JSON object (one relation)")
        doc = golds[0]["document"] if len(golds) == 1 else relation.get("doc")
        if relation and doc in by_doc:
            by_doc[doc].append(relation)
    return by_doc


def _extract(paths: list[Path], on_total=None, on_progress=None,
             options: ExtractOptions = DEFAULT_OPTIONS) -> list[tuple[str, list[dict]]]:
    """(document name, relations in the extract contract) per text, in order; a read error stops."""
    documents, errors = read_all([str(path) for path in paths])
    if errors:
        raise ValueError(str(errors[0]))
    if on_total:
        on_total(len(documents))
    found = []
    for document, extraction in extract_all(documents, options=options):
        found.append((document.name, [relation_json(r) for r in extraction.relations]))
        if on_progress:
            on_progress(document.name)
    return found


def predict(gold_dir: str | Path, golds: list[dict], on_total=None, on_progress=None,
            options: ExtractOptions = DEFAULT_OPTIONS) -> dict[str, list[dict]]:
    """Our extractor's relations for the NAME.txt beside each gold file, by gold document."""
    found = _extract([text_beside(file) for file in gold_files(gold_dir)], on_total, on_progress, options)
    return {gold["document"]: relations for gold, (_, relations) in zip(golds, found, strict=True)}


def template(document: str, relations: list[dict]) -> str:
    """A gold YAML skeleton from predictions: quicker to correct than to write from nothing."""
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  (a JSON string is a YAML scalar)
    entities: dict[str, list[str]] = {}
    rows = {}
    for r in relations:
        for node in (r["subject"], r["object"], r.get("object2")):
            forms = entities.setdefault(node["name"], []) if node else []
            if node and node.get("mention") and node["mention"] not in forms:
                forms.append(node["mention"])
        fields = {"s": r["subject"]["name"], "p": r["predicate"], "o": r["object"]["name"],
                  "o2": (r.get("object2") or {}).get("name"), "modality": r.get("modality") or DEFAULT_MODALITY,
                  "evidence": r["evidence"]["text"]}
        rows["  - {" + ", ".join(f"{k}: {q(v)}" for k, v in fields.items() if v) + "}"] = None
    return "\n".join([
        "# Drafted by `actorgraph eval --template` from the extractor's output. Correct it: delete wrong relations,",
        "# add missed ones, fix predicates and modalities, list every surface form of each entity, and shorten each",
        "# evidence to the exact words that state the relation (an exact substring of the text). docs/gold-format.md",
        f"document: {q(document)}", "entities:" if entities else "entities: {}",
        *(f"  {q(name)}: [{', '.join(q(f) for f in forms)}]" for name, forms in entities.items()),
        "relations:" if rows else "relations: []", *rows]) + "\n"


def write_template(text_file: str | Path) -> Path:
    """Extract from NAME.txt and write NAME.gold.yaml beside it; never overwrites a gold file."""
    text_file = Path(text_file)
    target = text_file.with_name(text_file.stem + GOLD_SUFFIX)
    if target.exists():
        raise ValueError(f"{target}: already exists; not overwriting a gold file")
    target.write_text(template(*_extract([text_file])[0]), encoding="utf-8")
    return target


def render(result: Score, show_errors: bool = False) -> list:
    """The four figures as plain text in the form users compare with the reference scorer's, then
    rich tables; missed and spurious facts on request."""
    cell = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    predicted = sorted({p for row in result.confusion.values() for p in row}, key=_rank)
    items: list = [f"typed P/R/F1: {' '.join(map(cell, result.typed_p_r_f1))}\n"
                   f"untyped P/R/F1: {' '.join(map(cell, result.untyped_p_r_f1))}\n"
                   f"evidence recall: {cell(result.evidence_recall)}\nmodality accuracy: {cell(result.modality_acc)}",
                   f"{result.documents} documents, {result.gold_facts} gold facts, {result.predicted_facts} predicted facts"]
    for title, header, rows in (
            ("typed facts per predicate", ("predicate", "tp", "predicted", "gold", "P", "R", "F1"),
             map(astuple, result.per_predicate)),
            ("gold instances per modality", ("gold modality", "instances", "found", "right modality", "accuracy"),
             map(astuple, result.per_modality)),
            ("modality confusion over found instances", ("gold \\ predicted", *predicted),
             ((gold, *(row.get(p, 0) for p in predicted)) for gold, row in result.confusion.items()))):
        items.append(table := Table(*header, title=title))
        for row in rows:
            table.add_row(*map(cell, row))
    if show_errors:
        items += [f"missed ({len(result.missed)}):" + "".join(f"\n    {m}" for m in result.missed),
                  f"spurious ({len(result.spurious)}):" + "".join(f"\n    {s}" for s in result.spurious)]
    return items
