"""What an outlet writes about: per time window, the share of its documents and of its actor
mentions that go to each actor, from what the store keeps (no parse)."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date


def _window(published: str | None, by: str) -> str:
    """The time window a date falls in: ISO week (2024-W49), month, day, or "all"."""
    if by == "all":
        return "all"
    if not published:
        return "undated"
    text = str(published)[:10]
    if by == "month" or len(text) < 10:
        return text[:7] if len(text) >= 7 else text[:4]
    if by == "day":
        return text
    if by != "week":
        raise ValueError(f"unknown window {by!r}: use day, week, month or all")
    year, week, _ = date.fromisoformat(text).isocalendar()
    return f"{year}-W{week:02d}"


def attention(docs: list[dict], by: str = "week") -> list[dict]:
    """Per source and window, how much of its output is about each actor (or conflict):
    the share of its documents naming the actor and the share of all its actor mentions.
    `docs`: {"source", "published", "mentions": [actor names, one per mention]}."""
    groups: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for item in docs:
        groups[(item.get("source") or "unknown", _window(item.get("published"), by))].append(item)
    rows = []
    for (source, window), items in sorted(groups.items()):
        mentions = Counter(name for item in items for name in item.get("mentions") or ())
        documents = Counter(name for item in items for name in set(item.get("mentions") or ()))
        total = sum(mentions.values())
        for actor in sorted(mentions, key=lambda a: (-mentions[a], a)):
            rows.append({"source": source, "window": window, "documents": documents[actor],
                         "actor": actor, "documents_share": round(documents[actor] / len(items), 3),
                         "mentions": mentions[actor], "mentions_share": round(mentions[actor] / total, 3),
                         "window_documents": len(items)})
    return rows
