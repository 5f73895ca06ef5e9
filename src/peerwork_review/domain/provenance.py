"""How a value says where it comes from: the kinds of provenance a field declares, and the prefixes of a source.

A field of ``datapackage.json`` names its ``provenance``: ``key`` (an identifier),
``editorial`` (this edition's own wording), ``self`` (it is a source column), or the name
of the source column that covers it. A source starts with one of :data:`SOURCE_PREFIXES`;
the unknown ones say why a value is empty: ``not found:`` what was looked at without
finding it, ``not reported:`` only where the source itself says the thing was not done or
not counted (a source that is silent, or not read in full, may still hold it).
"""

from __future__ import annotations

NON_SOURCE_PROVENANCE = frozenset({"key", "editorial", "self"})

UNKNOWN_PREFIXES = ("not found:", "not reported:")
KNOWN_PREFIXES = ("article:", "fact sheet:", "inferred:", "extraction:", "test data:")
SOURCE_PREFIXES = KNOWN_PREFIXES + UNKNOWN_PREFIXES
# A value this edition worked out rather than read: tables mark it with a dagger.
INFERRED_PREFIX = "inferred:"
# A value read in the article itself: a figure derived only from such values is restated, not reproduced.
ARTICLE_PREFIX = "article:"

# Where a finding stands: in the article, or in a report this edition read.
LOCATOR_PREFIXES = ("article:", "extraction:", "inferred:", "test data:")
