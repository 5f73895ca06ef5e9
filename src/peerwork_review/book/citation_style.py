"""Author-year citations that never name two works alike: "Byrne et al., 2019a" and "… 2019b".

Two pybtex plugins, registered at run time for sphinxcontrib-bibtex (``_config.yml``
selects them by name):

* the bibliography style ``author_year_unique``: pybtex's ``plain`` entries, sorted as
  their labels read (first author, "et al.", year, then title), each labelled
  "Author, Year" with a letter after the year wherever two entries would otherwise share
  a label, so "Byrne et al., 2019a" comes right before "Byrne et al., 2019b";
* the referencing style ``author_year_unique``: in-text citations that take their year
  from that label, so the text and the bibliography always agree.

The author part follows the in-text rule: one surname, two joined by "and", or the
first followed by "et al.".
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pybtex.plugin
import sphinxcontrib.bibtex.plugin
from pybtex.richtext import Text
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from pybtex.style.sorting import BaseSortingStyle
from pybtex.style.template import join, node
from sphinxcontrib.bibtex.style.referencing import BracketStyle, GroupReferenceStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.template import join2, post_text, pre_text, reference

from peerwork_review.reading.bibliography import year_letters

NAME = "author_year_unique"
LABEL_SEPARATOR = ", "


def _plain(text: str) -> str:
    return text.replace("{", "").replace("}", "")


def author_part(entry) -> str:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    surnames = [_plain(" ".join(p.prelast_names + p.last_names)) for p in people if str(p) != "others"]
    if not surnames:
        return _plain(entry.fields.get("author") or entry.fields.get("title", ""))
    if len(people) == 1:
        return surnames[0]
    if len(people) == 2 and len(surnames) == 2:
        return f"{surnames[0]} and {surnames[1]}"
    return f"{surnames[0]} et al."


def unique_labels(entries) -> list[str]:
    """'Author, Year' for each entry, in the given order, with a, b, … where two would be equal."""
    bases = [(author_part(e), e.fields.get("year", "n.d.")) for e in entries]
    return [f"{who}{LABEL_SEPARATOR}{year}{letter}" for (who, year), letter in zip(bases, year_letters(bases))]


def sort_key(entry) -> tuple[str, str, str]:
    return (author_part(entry).lower(), entry.fields.get("year", ""), _plain(entry.fields.get("title", "")).lower())


class LabelOrder(BaseSortingStyle):
    def sorting_key(self, entry):
        return sort_key(entry)


class UniqueAuthorYearLabels(BaseLabelStyle):
    def format_labels(self, sorted_entries):
        return iter(unique_labels(list(sorted_entries)))


class UniqueAuthorYearStyle(PlainStyle):
    default_label_style = NAME
    default_sorting_style = NAME
    _last: tuple | None = None  # (label, entry, bib_data, formatted): see format_entry

    def format_entry(self, label, entry, bib_data=None):
        """pybtex's entry, formatted once where sphinxcontrib-bibtex asks twice in a row.

        With tooltips in the bibliography's own style, it formats each entry for the list and
        then, with the same style, label and entry, for its tooltip: the same text again, a
        twentieth of the build of a large review.
        """
        last = self._last
        if last is None or last[0] != label or last[1] is not entry or last[2] is not bib_data:
            self._last = last = (label, entry, bib_data, super().format_entry(label, entry, bib_data))
        return last[3]


@node
def labelled_year(children, data):
    """The year of the entry's label, with its letter: '2019a'."""
    assert not children
    return Text(data["formatted_entry"].label.rsplit(LABEL_SEPARATOR, 1)[-1])


@node
def authors(children, data, full: bool):
    """The entry's authors (or editors, or title) as sphinxcontrib-bibtex writes them, formatted once per entry.

    pybtex formats names afresh at every citation: at ten times the studies, a tenth of
    the build. The text depends on the entry and the style alone, so it is kept on the
    style, which lives as long as the build.
    """
    assert not children
    style, key = data["style"], (data["entry"].key, full)
    if key not in style.authors:
        style.authors[key] = style.person.author_or_editor_or_title(full=full).format_data(data)
    return style.authors[key]


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name):
        author = authors(full="s" in role_name)
        return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            pre_text, reference[join(sep=self.author_year_sep)[author, labelled_year]], post_text
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name):
        return join(sep=self.text_reference_sep)[
            authors(full="s" in role_name),
            join[
                self.bracket.left,
                join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[pre_text, reference[labelled_year], post_text],
                self.bracket.right,
            ],
        ]


@dataclass
class UniqueAuthorYearReferenceStyle(GroupReferenceStyle):
    """:cite:p: "[Byrne et al., 2019a]"; :cite:t: "Byrne et al. [2019a]"; :cite:label: the label."""

    bracket: BracketStyle = field(default_factory=BracketStyle)
    person: PersonStyle = field(default_factory=PersonStyle)
    authors: dict = field(default_factory=dict, repr=False, compare=False)  # see authors()

    def __post_init__(self):
        self.styles.extend(
            [
                _Parenthetical(bracket=self.bracket, person=self.person),
                _Textual(bracket=self.bracket, person=self.person),
                ExtraAuthorReferenceStyle(bracket=self.bracket, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket),
                ExtraEmptyReferenceStyle(),
            ]
        )
        super().__post_init__()


def register() -> None:
    pybtex.plugin.register_plugin("pybtex.style.labels", NAME, UniqueAuthorYearLabels, force=True)
    pybtex.plugin.register_plugin("pybtex.style.sorting", NAME, LabelOrder, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, UniqueAuthorYearStyle, force=True)
    sphinxcontrib.bibtex.plugin.register_plugin(
        "sphinxcontrib.bibtex.style.referencing", NAME, UniqueAuthorYearReferenceStyle, force=True
    )
    _cache_plugin_lookups()


def _cache_plugin_lookups() -> None:
    """Look each pybtex plugin up once per build, not once per citation.

    sphinxcontrib-bibtex asks pybtex for a plugin at every citation it resolves, and
    pybtex answers by scanning the entry points of every installed distribution: about
    a quarter of the book's build time, for the same few answers. Plugins do not change
    during a build (ours are registered above, before any lookup).
    """
    if not hasattr(pybtex.plugin._load_entry_point, "cache_info"):
        pybtex.plugin._load_entry_point = functools.lru_cache(maxsize=None)(pybtex.plugin._load_entry_point)
