"""Analysis code for the reproducible edition of Reeves et al. (2024).

The pipeline is load -> validate -> derive -> render:

- :mod:`peerwork_review.load` reads ``data/`` as described by ``data/datapackage.json``
  and validates it, raising one :class:`~peerwork_review.errors.DataError` that lists
  every problem with its file, row and column;
- :mod:`peerwork_review.derive` computes counts, tables and ranges from the data;
- :mod:`peerwork_review.reproduction` compares them with the published figures;
- :mod:`peerwork_review.render` and :mod:`peerwork_review.prisma_flow` turn them into
  MyST markdown and figures for the notebooks.

Heavy libraries (pandas, matplotlib, pybtex) are imported by the modules that need
them, so ``import peerwork_review`` stays cheap.
"""

import sys

# Spare every process that imports nbformat (kernels, refresh, the book build) the ~0.7 s
# that ``rfc3987_syntax`` takes to import: jsonschema's format checker imports it if it is
# installed (jupyter-events asks for it), and it compiles its IRI grammar at import
# (python-jsonschema/jsonschema#1428). Nothing here validates IRIs, so marking the module
# absent only makes jsonschema skip that one format check.
if "jsonschema" not in sys.modules:
    # None in sys.modules is the documented way to make an import fail; typeshed leaves it out.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def __getattr__(name: str) -> str:
    """``__version__``, from the installed metadata: it is written once, in pyproject.toml.

    Looked up on first use: importing importlib.metadata costs about 60 ms.
    """
    if name == "__version__":
        from importlib.metadata import version

        return version("peerwork-review")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
