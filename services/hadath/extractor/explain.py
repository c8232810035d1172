"""`hadath explain`: how the extractor reads a text — per sentence the typed chunks, the
candidate events with their arguments and the rules that decided, then the events."""

from __future__ import annotations

from datetime import UTC, datetime

from hadath.extractor.actors import find_actors
from hadath.extractor.analysis import chunks
from hadath.extractor.pipeline import analyse, extract
from hadath.extractor.triggers import find_triggers
from hadath_schemas import Article

__all__ = ["explain"]


def _names(doc, actors) -> str:
    return ", ".join(f"{doc.text[a.start : a.end]}={a.code or '-'}" for a in actors) or "-"


def explain(text: str, title: str = "") -> str:
    """A plain-text account of the extraction of ``title`` + ``text`` (title may be empty)."""
    article = Article(id="explain", title=title, body=text, published_at=datetime(2020, 1, 1, tzinfo=UTC))
    doc, cands, _places = analyse(article.text, len(article.title))
    actors = find_actors(doc)
    in_names = {k for a in actors for k in range(a.tok_start, a.tok_end) if a.code}
    trigs = find_triggers(doc, in_names)
    out: list[str] = []
    for s in doc.sentences:
        s_actors = [a for a in actors if doc.tokens[a.tok_start].sent == s.i]
        s_trigs = [t for t in trigs if doc.tokens[t.tok].sent == s.i]
        if s.start == s.end:
            continue  # (the empty title line)
        out.append(f"sentence {s.i}: {doc.text[s.start : s.end].strip()}")
        parts = []
        for c in chunks(doc, s.i, s_actors, s_trigs):
            words = doc.text[doc.tokens[c.tok_start].start : doc.tokens[c.tok_end - 1].end]
            parts.append(f"[{c.kind}{' ' + c.label if c.label else ''}: {words}]")
        out.append("  chunks: " + " ".join(parts))
        for c in (c for c in cands if c.sent == s.i):
            flags = [] if c.standalone else ["not standalone"]
            if c.distinct:
                flags.append("distinct")
            roles = (
                f"participants [{_names(doc, c.source)}]"
                if c.symmetric
                else f"source [{_names(doc, c.source)}] target [{_names(doc, c.target)}]"
            )
            out.append(
                f"  candidate {c.type} «{doc.text[c.trig.start : c.trig.end]}» mode={c.mode} {roles}"
                + (f" ({', '.join(flags)})" if flags else "")
            )
            out.append(f"    rules: {', '.join(c.rules) or '-'}")
    events = extract(article)
    out.append(f"events: {len(events)}")
    for ev in events:
        src = ", ".join(a.code or "-" for a in ev.source)
        tgt = ", ".join(a.code or "-" for a in ev.target)
        out.append(f"  {ev.type} {ev.mode} source [{src}] target [{tgt}] «{ev.trigger.text}»")
    return "\n".join(out)
