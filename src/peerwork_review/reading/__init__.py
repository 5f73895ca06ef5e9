"""Stage 1: read ``data/`` and ``references.bib`` and check them, every problem with its file, row and column.

The Data Package standard is Frictionless's to check: it validates ``datapackage.json``
against the Data Package, Tabular Data Resource and Table Schema profiles
(:mod:`.standard`), and its Table Schema fields type and constrain every cell
(:mod:`.fields`). This package keeps what is this project's own: strict JSON
(:mod:`.descriptor_json`), what the loader implements and what the code reads
(:mod:`.descriptor`), checks before typing where Frictionless is lax (:mod:`.fields`),
the keys, links and provenance (:mod:`.integrity`), and the review's rules across files.
:mod:`.load` runs them in order and says which.

Adding a rule across files:

1. write ``check_x(t)`` in the module of its subject (``rules``, ``flow_rules``,
   ``ledger_rules``...), taking the tables by name and reporting each problem on the
   table whose file has it: ``table.problem(row, column, message, fix)``, with ``row``
   from ``table.items()`` (the spreadsheet row; the header is row 1) and a ``fix`` where
   the remedy is obvious;
2. skip cells that failed their own check (``usable(value)`` is False for them and for
   empty cells; ``table.invalid`` names the columns that hold one), so one mistake gives
   one problem;
3. call it in :func:`.load._cross_file_rules` under ``readable(...)`` naming every table
   it reads;
4. test it on the minimal dataset (``tests/minimal.py``): break a copy, assert the
   message, and add a class to ``tests/mutations.py`` if it closes a gap a mutation finds.

A rule about ``datapackage.json`` itself (a property, a constraint) goes in
:mod:`.descriptor`, and only where the standard is silent: what the standard says,
Frictionless already checks.
"""
