"""Analysis code for the reproducible edition of Reeves et al. (2024).

The subpackages follow the data flow, each importing only those before it (the import
contract in ``pyproject.toml``, checked by ``make lint``):

- :mod:`~peerwork_review.domain`: what the data mean, written once (the PRISMA flow, provenance);
- :mod:`~peerwork_review.reading`: read ``data/`` and ``references.bib`` and check them, raising one
  :class:`~peerwork_review.errors.DataError` that lists every problem with its file, row and column;
- :mod:`~peerwork_review.model`: the validated dataset as a ``Review`` of pandas tables, and its views;
- :mod:`~peerwork_review.derivation`: counts, ranges and statuses computed from a review;
- :mod:`~peerwork_review.rendering`: MyST tables, sentences and matplotlib figures, every value escaped;
- :mod:`~peerwork_review.notebooks`: what the notebooks call, the generated notebooks, ``make refresh``;
- :mod:`~peerwork_review.book`: the Sphinx extension and the strict build; :mod:`~peerwork_review.pdf`;
- :mod:`~peerwork_review.authoring`: the workbook authors edit; :mod:`~peerwork_review.cli` the commands.

Heavy libraries (pandas, matplotlib, pybtex) are imported by the modules that need
them, so ``import peerwork_review`` and the command line stay cheap.
"""

import sys

# Spare every process that imports jsonschema (Frictionless's check of datapackage.json,
# nbformat; so validate, kernels, refresh and the book build) the optional modules its format
# checker imports when they are installed (jupyter-events asks for them): ~0.7 s for
# ``rfc3987_syntax``, which compiles its IRI grammar at import
# (python-jsonschema/jsonschema#1428), and ~45 ms for the others, which only jsonschema's
# format checker imports. Nothing in these processes checks formats (Frictionless and nbformat
# validate without a format checker), so marking the modules absent only makes jsonschema
# skip format checks no one asks for.
_FORMAT_CHECKS = (
    "rfc3987_syntax",
    "rfc3986_validator",
    "rfc3339_validator",
    "isoduration",
    "uri_template",
    "webcolors",
)
if "jsonschema" not in sys.modules:
    # None in sys.modules is the documented way to make an import fail; typeshed leaves it out.
    sys.modules.update({name: None for name in _FORMAT_CHECKS if name not in sys.modules})  # type: ignore[misc]


def __getattr__(name: str) -> str:
    """``__version__``, from the installed metadata: it is written once, in pyproject.toml.

    Looked up on first use: importing importlib.metadata costs about 60 ms.
    """
    if name == "__version__":
        from importlib.metadata import version

        return version("peerwork-review")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
