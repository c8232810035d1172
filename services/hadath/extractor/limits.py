"""The extractor's distances and window sizes, named in one settings object.

They are part of the grammar (how far an argument, a date or an alias may be from what it
belongs to), fixed per release and the same for every article: a frozen object read by
the stages, not environment settings.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LIMITS", "Limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    # events.py: argument attachment (tokens)
    right_window_verb: int = 14  # argument window after a verb trigger
    right_window_noun: int = 8  # ... after a noun trigger
    svo_gap: int = 3  # particles allowed between an SVO subject and its verb
    # triggers.py: how far each further word of a multiword trigger may be from the previous one
    multiword_gap: int = 4
    # actors.py: a head-noun alias (اللجنة) refers back at most this many sentences
    alias_sentences: int = 4
    # pipeline.py: dates of events (characters) and the lead of an article (sentences)
    date_near: int = 40  # a date expression this close after a trigger dates that mention
    date_before: int = 12  # ... or this close before it
    date_clause: int = 80  # past this after a trigger, a date right before the next trigger dates that one
    lead_sentences: int = 4  # title + the first body sentences: the article's news
    # text.py / events.py: bounds that keep every per-sentence pass small, so extraction is
    # linear in the article's length. A longer "sentence" is a list, a table or unpunctuated
    # text (the corpus and gold sets: at most 427 tokens and 6 candidate events a sentence).
    sentence_tokens: int = 500  # a sentence is cut (after a comma when it can) at this length
    triggers_per_sentence: int = 32  # only the first this many event words of a sentence are read


LIMITS = Limits()
