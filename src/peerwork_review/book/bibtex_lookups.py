"""sphinxcontrib-bibtex's citation lookups made by key, so its cost grows with the citations, not their square.

sphinxcontrib-bibtex 2.7 finds, for each bibliography entry, the documents that cite it
by scanning every citation reference, and, for each citation it resolves, its entry by
scanning every formatted citation: entries times references, and references times
entries. A review a hundred times larger (1,700 entries, 11,000 citations) spent a sixth
of its build there. This is the change as it would be proposed upstream: the same
methods, each looking keys up in an index made in one pass, with the same results in the
same order and the same warnings (tests/test_bibtex_lookups.py sets them beside the
package's). ``setup`` puts the domain in place of the package's; drop this module once a
release carries the change.
"""

from __future__ import annotations

from collections import defaultdict

from sphinxcontrib.bibtex import domain as bibtex


class BibtexDomain(bibtex.BibtexDomain):
    def env_updated(self):
        updated = super().env_updated()
        self.citations_by_key = _index_citations(self.citations)
        return updated

    def cited_docnames(self) -> dict[str, set[str]]:
        """Citation key -> the documents that cite it, in one pass over the citation references."""
        cited: dict[str, set[str]] = defaultdict(set)
        for citation_ref in self.citation_refs:
            for target in citation_ref.targets:
                cited[target.key].add(citation_ref.docname)
        return cited

    def get_filtered_entries(self, bibliography_key):
        bibliography = self.bibliographies[bibliography_key]
        cited = self.cited_docnames()
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            cited_docnames = set(cited.get(key, ()))
            visitor = bibtex._FilterVisitor(
                entry=entry, docname=bibliography_key.docname, cited_docnames=cited_docnames
            )
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                bibtex.logger.warning(
                    f"syntax error in :filter: expression; {err}",
                    location=(bibliography_key.docname, bibliography.line),
                    type="bibtex",
                    subtype="filter_syntax_error",
                )
                success = bool(cited_docnames)  # recover by falling back to the default
            if success or entry.key in bibliography.keys:
                yield key, entry

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        """The package's ``resolve_xref``, shown only the citations of the target's keys.

        Upstream, its ``_citations()`` would read the index; here the method is kept whole
        and the list it scans is narrowed, in its order, while it runs.
        """
        index = getattr(self, "citations_by_key", None) or _index_citations(self.citations)
        keys = {t.key for t in bibtex.parse_citation_targets(target)}
        everything = self.data["citations"]
        self.data["citations"] = [c for _, c in sorted(p for k in keys for p in index.get(k, ()))]
        try:
            return super().resolve_xref(env, fromdocname, builder, typ, target, node, contnode)
        finally:
            self.data["citations"] = everything


def _index_citations(citations) -> dict[str, list]:
    """Citation key -> (position in the list, citation) of each of its citations."""
    index: dict[str, list] = defaultdict(list)
    for position, citation in enumerate(citations):
        index[citation.key].append((position, citation))
    return index


def setup(app) -> None:
    app.setup_extension("sphinxcontrib.bibtex")
    app.add_domain(BibtexDomain, override=True)
