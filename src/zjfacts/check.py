"""Statements and drafts against the sources: a verdict for every figure, with evidence.

A statement or each sentence of a draft is read for its figures (figures.py); each figure is
judged on its own (judge.py: what it is about, scope.py; whether a fact agrees,
agreement.py); a year beside figures is judged by the facts of the figures beside it; one
fact supports one figure of a sentence. A sentence's verdict is the worst of its figures'
(contradicted, then unverified, then supported). A draft is read sentence by sentence, with
what the sentences before it named, in time that grows with its length.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from zjfacts.agreement import fact_years, fits
from zjfacts.figures import Figure, Figures, find_figures
from zjfacts.index import Index
from zjfacts.judge import MAX_FIGURES, Finding, Judge, LineOf
from zjfacts.numbers import fold_digits
from zjfacts.records import Match
from zjfacts.scope import Context, Sources
from zjfacts.sentences import read_draft as read_draft  # kept where callers found it
from zjfacts.verdicts import FigureVerdict, Status, Verdict

__all__ = ["MAX_FIGURES", "FigureVerdict", "Status", "Verdict", "check_draft", "check_statement", "read_draft"]

MAX_STATEMENT = 2000  # characters: a longer sentence is checked in pieces this long


def check_statement(index: Index, statement: str, line_of: LineOf = lambda fact: None) -> Verdict:
    """A statement's verdict and its figures'. `line_of` gives a fact's seed line for the
    citations in the reasons."""
    # A statement is a sentence; a pasted document is cut so checking stays quick.
    written = " ".join(statement[:MAX_STATEMENT].split())
    text = " ".join(fold_digits(statement[:MAX_STATEMENT]).split())
    verdict = _verdict(Sources(index), text, line_of)
    if len(written) != len(text) or written == text:
        return verdict
    # Figures as written ("４．６４ million yuan"), though read as ASCII digits.
    shown = tuple(replace(f, figure=written[f.start : f.start + len(f.figure)]) for f in verdict.figures)
    return replace(verdict, statement=written, figures=shown)


def check_draft(index: Index, text: str, line_of: LineOf = lambda fact: None) -> Iterator[Verdict]:
    """The verdict of every sentence of a draft that carries a figure, with the position of
    the sentence and of each figure. A sentence longer than a statement is checked in
    statement-sized pieces, so the work grows with the draft's length, never faster."""
    from zjfacts.sentences import iter_sentences

    sources = Sources(index)
    folded = fold_digits(text)  # one character for one: positions hold in both
    lines = text.split("\n") if folded != text else []
    before = Context()  # what the sentences before named, for "its" and "the city"
    for sentence in iter_sentences(folded):
        left = MAX_FIGURES  # figures checked a sentence: a line of "5 5 5 ..." stays cheap
        for offset, piece in _pieces(sentence.text):
            found = find_figures(piece)
            if found.claims and left > 0:
                verdict = _verdict(sources, piece, line_of, before, found, left)
                rest = sentence.text[offset + len(piece) :]
                if len(found.claims) > left or (len(found.claims) == left and any(c.isdigit() for c in rest)):
                    verdict = replace(verdict, capped=True)
                left -= len(found.claims)
                yield _placed(verdict, sentence, offset, lines)
            before = before.after(sources, piece, sentence.heading)


def _placed(verdict: Verdict, sentence: Any, offset: int, lines: list[str]) -> Verdict:
    """A verdict with the draft's line and column for the sentence and each figure."""
    line, column = sentence.position(offset)
    figures = []
    for f in verdict.figures:
        at_line, at_column = sentence.position(offset + f.start)
        written = lines[at_line - 1][at_column - 1 : at_column - 1 + len(f.figure)] if lines else ""
        shown = written if len(written) == len(f.figure) and fold_digits(written) == f.figure else f.figure
        figures.append(replace(f, figure=shown, line=at_line, column=at_column))
    return replace(verdict, line=line, column=column, figures=tuple(figures))


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """A sentence in pieces of at most MAX_STATEMENT characters, cut at a space."""
    start = 0
    while len(text) - start > MAX_STATEMENT:
        cut = text.rfind(" ", start + MAX_STATEMENT // 2, start + MAX_STATEMENT)
        cut = cut if cut > 0 else start + MAX_STATEMENT
        yield start, text[start:cut]
        start = cut + (text[cut : cut + 1] == " ")
    if start < len(text):
        yield start, text[start:]


def _verdict(
    sources: Sources,
    text: str,
    line_of: LineOf,
    before: Context = Context(),
    found: Figures | None = None,
    limit: int = MAX_FIGURES,
) -> Verdict:
    found = found or find_figures(text)
    claims = found.claims[:limit]
    if not claims:
        return Verdict(text, Status.unverified, "no figure to check", brief="no figure to check")
    judge = Judge(sources, text, line_of, found, before)
    years = [] if found.years_claimed else found.years
    pairs = [(f, judge.figure(f, years)) for f in claims]
    counts = [f for f in claims if not f.is_year]
    if found.years_claimed and counts and len(counts) < len(claims):
        # Spelled-out counts beside years: "Thirty-three villages were named in the 2025
        # batch" claims the count, with the year saying when. When the counts hold at those
        # years, that reading stands; otherwise the years are the claims, as in "the five
        # villages set up a company in 2019".
        as_counts = [(f, judge.figure(f, found.years)) for f in counts]
        # The count's own fact must be dated in those years: an undated fact would let any
        # year through ("73 startups since launching in 2015" when the launch was in 2020).
        wanted = {int(y.quantity.value) for y in found.years}
        if all(f.status is Status.supported and _dated_in(f, wanted) for _, f in as_counts):
            pairs, years = [(replace(g, spelled=False), f) for g, f in as_counts], found.years
    if not all(g.spelled for g, _ in pairs):
        # "two years ago", "in six batches": a spelled-out number beside figures in digits
        # is rarely the claim; it only counts when the sources settle it.
        pairs = [(g, f) for g, f in pairs if not g.spelled or f.status is not Status.unverified]
    pairs = [(g, judge.quoted_beside(g, f, pairs)) for g, f in pairs]
    pairs = _one_fact_one_figure(pairs)
    for y in years:
        finding = judge.context_year(y, pairs)
        if finding is not None:
            pairs.append((y, finding))
    for m in found.months:
        finding = judge.context_month(m, pairs)
        if finding is not None:
            pairs.append((m, finding))
    pairs.sort(key=lambda p: p[0].quantity.start)
    if not pairs:
        return Verdict(text, Status.unverified, "no figure to check", brief="no figure to check")
    items = tuple(_figure_verdict(text, g, f) for g, f in pairs)
    for status in (Status.contradicted, Status.unverified, Status.supported):
        chosen = [f for _, f in pairs if f.status is status]
        if chosen:
            evidence: list[Match] = []
            for finding in chosen + [f for _, f in pairs if f.status is not status]:
                evidence.extend(m for m in finding.evidence if m.position not in {e.position for e in evidence})
            reason = "; ".join(f.human() for f in chosen)
            brief = "; ".join(f.brief() for f in chosen)
            return Verdict(text, status, reason, tuple(evidence), brief, figures=items)
    raise AssertionError("unreachable")


def _one_fact_one_figure(pairs: list[tuple[Figure, Finding]]) -> list[tuple[Figure, Finding]]:
    """A fact that supports one figure of a sentence is that figure's: it refutes no other
    ("57 large-scale enterprises, including 17 with revenues over 100 million yuan")."""
    used = {
        f.evidence[0].position
        for g, f in pairs
        if f.status is Status.supported and f.evidence and fits(g, f.evidence[0].fact) and not g.is_year
    }
    out = []
    for g, f in pairs:
        if f.status is Status.contradicted and f.evidence and f.evidence[0].position in used:
            after = ", which is another figure of this sentence"
            f = Finding(Status.unverified, f.text, f.evidence[:1], f.cite, after)
        out.append((g, f))
    return out


def _dated_in(finding: Finding, years: set[int]) -> bool:
    return bool(finding.evidence) and bool(fact_years(finding.evidence[0].fact) & years)


def _figure_verdict(text: str, figure: Figure, finding: Finding) -> FigureVerdict:
    q = figure.quantity
    start = q.start if figure.begins is None else figure.begins
    return FigureVerdict(
        figure=text[start : q.end].strip(),
        status=finding.status,
        reason=finding.human(),
        brief=finding.brief(),
        evidence=finding.evidence,
        start=start,
        line=1,
        column=start + 1,
    )
