"""Figure-level checks: every derivable published figure equals the data; the rest say why not."""

from __future__ import annotations

import re

import pytest

from peerwork_review.derivation import derive, reproduction
from peerwork_review.derivation.derive import Range
from peerwork_review.derivation.flow import flow_numbers
from peerwork_review.derivation.reproduction import NotDerivable, derivation_for
from peerwork_review.model.review import rows
from peerwork_review.reading.figure_values import published
from peerwork_review.rendering import charts as figures
from peerwork_review.rendering import prisma_flow, tables


def _figures(review):
    return [(r["figure_id"], published(r), r["search_run_id"]) for r in rows(review.figures)]


def test_every_published_figure_has_a_derivation(review):
    for figure_id, _, _ in _figures(review):
        derived = derivation_for(figure_id)(review.as_of(review.latest_run))
        assert not (
            isinstance(derived, NotDerivable) and derived.reason == "no derivation is defined for this figure"
        ), figure_id


def test_derivable_figures_equal_published_and_others_record_why(review):
    for figure_id, stated, run in _figures(review):
        derived = derivation_for(figure_id)(review.as_of(run))
        if isinstance(derived, reproduction.Text):
            assert derived.value == stated, figure_id
        elif isinstance(derived, Range) and derived.exact:
            assert derived.low == stated, figure_id
        elif isinstance(derived, Range):
            assert derived.contains(stated), f"{figure_id}: {derived} excludes {stated}"
            # the reason says which values are missing in readers' words, not by file and column name
            assert derived.missing and not re.search(r"data/\w+\.csv|_", derived.missing[0]), figure_id
        else:
            assert derived.reason, figure_id


def test_recorded_reasons_for_figures_that_cannot_be_derived(review):
    table = reproduction.figure_table(review).set_index("figure_id")
    assert table.loc["quality_good", "status"] == reproduction.WITHIN_RANGE
    assert table.loc["records_screened", "status"] == reproduction.NOT_DERIVABLE
    assert "no MMAT rating in Quality appraisal: Berry et al. 2011" in table.loc["quality_good", "explanation"]
    assert review.study_label("gates2010") in table.loc["studies_united_states", "explanation"]
    assert "Table 3" in table.loc["prevalence_education_training", "explanation"]
    assert "per-database record counts are not known" in table.loc["records_identified_databases", "explanation"]


def test_exactly_derivable_figures_are_reproduced_or_restated(review):
    """Restated where the data take the value from the article's own text; reproduced otherwise."""
    table = reproduction.figure_table(review)
    status = table.set_index("figure_id")["status"]
    assert set(status[status == reproduction.REPRODUCED].index) == {"studies_included"}
    assert set(status[status == reproduction.RESTATED].index) == {
        "databases_searched",
        "themes",
        "subthemes",
        "search_window_start",
        "search_window_end",
    }


def test_article_sums_are_rechecked(review):
    checks = reproduction.check_table(review).set_index("check_id")
    figures = {r["figure_id"]: published(r) for r in rows(review.figures)}
    # the text's own narration adds the other-source records before duplicates are removed
    expected = (
        figures["records_identified_databases"] + figures["records_identified_other"] - figures["duplicates_removed"]
    )
    assert checks.loc["screening_single_flow", "sum_of_parts"] == expected
    assert checks.loc["screening_single_flow", "status"] == reproduction.INCONSISTENT
    # parts and total are the article's own numbers: a sum that holds is restated, never reproduced
    assert checks.loc["screening_databases_only", "status"] == reproduction.RESTATED
    assert checks.loc["location_breakdown", "status"] == reproduction.RESTATED


def test_theme_coding_never_exceeds_what_the_article_reports(review):
    table = reproduction.figure_table(review)
    prevalence = table[table["figure_id"].str.startswith("prevalence_")]
    assert (prevalence["status"] != reproduction.INCONSISTENT).all()


@pytest.fixture(scope="module")
def flow(review):
    return flow_numbers(review, review.article_run)


def test_prisma_numbers_equal_the_data(review, flow):
    figures = {r["figure_id"]: published(r) for r in rows(review.figures)}
    for row in rows(review.flow[review.flow["search_run_id"] == review.article_run]):
        value = flow.stages[(row["column"], row["stage"])]
        if row["figure_id"] is not None:
            assert value == figures[row["figure_id"]]
        elif row["count"] is not None:
            assert value == row["count"]
        else:
            assert value is None
    article = review.as_of(review.article_run)
    assert flow.new_studies == len(article.studies)
    assert flow.new_reports == int((article.reports["role"] != "not included").sum())


@pytest.fixture(scope="module")
def diagram(flow):
    """The published review's diagram as the book saves it: the figure, its SVG and its PNG."""
    import matplotlib.pyplot as plt

    prisma_flow.configure_matplotlib()
    figure = prisma_flow.draw(flow)
    yield figure, prisma_flow.image_bytes(figure, "svg"), prisma_flow.image_bytes(figure, "png")
    plt.close(figure)


def test_prisma_diagram_shows_exactly_those_numbers(flow, diagram):
    figure, svg, png = diagram
    drawn = " ".join(t.get_text() for t in figure.axes[0].texts).replace("\n", " ")
    for (column, stage), value in flow.stages.items():
        shown = f"{value:,}" if value is not None else f"n {prisma_flow.missing(flow.sources[(column, stage)])}"
        assert shown in drawn, (column, stage)
    for value in (flow.new_studies, flow.new_reports):
        assert f"n = {value:,}" in drawn
    assert f"n = {flow.stages[('databases', 'screened')]:,}" in svg.decode("utf-8")
    assert png.startswith(b"\x89PNG") and len(png) > 10_000


def _layouts(flow):
    """The new-review layout and an updated-review one whose exclusion boxes list long reasons."""
    import dataclasses

    reasons = {
        "databases": (
            ("Not about integrating peer workers into an existing mental health service team", 61),
            ("Evaluates the effectiveness of peer support", 40),
            ("Review or protocol", None),
            ("Unbreakablewordthatislongerthanitsboxcanholdonitsownline", 1),
        ),
        "other_methods": None,
    }
    updated = dataclasses.replace(
        flow,
        previous_studies=flow.new_studies,
        previous_reports=flow.new_reports,
        new_studies=1,
        new_reports=1,
        exclusion_reasons=reasons,
    )
    return {"new": flow, "updated": updated}


def _drawn(flow, narrow: bool = False):
    prisma_flow.configure_matplotlib()
    figure = prisma_flow.draw(flow, narrow=narrow)
    figure.canvas.draw()
    return figure, figure.canvas.get_renderer()


@pytest.fixture(scope="module")
def drawings(flow):
    """(name, flow, figure, renderer) of both layouts of both flows, wide for desktops and paper, narrow for
    phones: each drawn once for the tests below, which only read them."""
    import matplotlib.pyplot as plt

    drawn = []
    for name, layout in _layouts(flow).items():
        for narrow in (False, True):
            figure, renderer = _drawn(layout, narrow)
            drawn.append((f"{name}, {'narrow' if narrow else 'wide'}", layout, figure, renderer))
    yield drawn
    for _, _, figure, _ in drawn:
        plt.close(figure)


def test_every_label_lies_inside_its_box_and_boxes_do_not_overlap(drawings):
    for name, layout, figure, renderer in drawings:
        ax = figure.axes[0]
        frames = {
            p.get_gid().removeprefix("frame-"): p.get_window_extent(renderer)
            for p in ax.patches
            if (p.get_gid() or "").startswith("frame-")
        }
        labels = {t.get_gid().removeprefix("box-"): t.get_window_extent(renderer) for t in ax.texts}
        assert set(labels) == set(frames) and set(prisma_flow.box_texts(layout)) <= set(labels), name
        for box, text in labels.items():
            frame = frames[box]
            assert frame.x0 <= text.x0 and text.x1 <= frame.x1 and frame.y0 <= text.y0 and text.y1 <= frame.y1, (
                name,
                box,
            )
        boxes = list(frames.items())
        for i, (a, one) in enumerate(boxes):
            for b, other in boxes[i + 1 :]:
                assert not one.overlaps(other), (name, a, b)


def test_counts_are_never_broken_across_lines(drawings):
    for name, _, figure, _ in drawings:
        for text in figure.axes[0].texts:
            for line in text.get_text().split("\n"):
                assert line.count("(n =") == len(re.findall(r"\(n = [\d,]+\)", line)), (name, line)
                assert not line.rstrip().endswith(("(n", "(n =")), (name, line)


def test_diagram_text_shows_at_least_11_px_on_a_desktop(drawings):
    """As the book shows it (prisma_layout.DISPLAY_WIDTH_PX wide at 1,400 px; the browser check
    measures the shipped one): smallest font size scaled by the displayed width."""
    from peerwork_review.rendering import prisma_layout

    wide = [(name, figure, renderer) for name, _, figure, renderer in drawings if name.endswith("wide")]
    assert len(wide) == 2
    for name, figure, renderer in wide:
        width_pt = figure.get_tightbbox(renderer).width * 72  # inches to points
        smallest = min(t.get_fontsize() for t in figure.axes[0].texts)
        assert smallest * prisma_layout.DISPLAY_WIDTH_PX / width_pt >= 11, (name, smallest, width_pt)


def test_narrow_diagram_text_shows_at_least_9_px_on_a_phone(drawings):
    """The narrow layout, as a 390 px screen shows it (prisma_layout.PHONE_WIDTH_PX wide)."""
    from peerwork_review.rendering import prisma_layout

    narrow = [
        (name, layout, figure, renderer) for name, layout, figure, renderer in drawings if name.endswith("narrow")
    ]
    assert len(narrow) == 2
    for name, layout, figure, renderer in narrow:
        width_pt = figure.get_tightbbox(renderer).width * 72
        smallest = min(t.get_fontsize() for t in figure.axes[0].texts)
        assert smallest * prisma_layout.PHONE_WIDTH_PX / width_pt >= 9, (name, smallest, width_pt)
        # every box of the wide layout is in the narrow one, with the same text
        assert {t.get_gid(): t.get_text() for t in figure.axes[0].texts if "band" not in t.get_gid()}.keys() >= {
            f"box-{b}" for b in prisma_flow.box_texts(layout)
        }


def test_exclusion_reasons_are_drawn_with_their_counts_or_said_to_be_missing(flow):
    texts = prisma_flow.box_texts(_layouts(flow)["updated"])
    assert (
        "Not about integrating peer workers into an existing mental health service team (n = 61)"
        in texts["db_excluded_full"]
    )
    # a missing count or reason says "not reported" only where its source says so, else "not found"
    assert "Review or protocol (n not found)" in texts["db_excluded_full"]
    assert "reasons not found" in texts["om_excluded_full"]
    # the article's text gives no reasons for its run: said so, per column, from data/prisma_exclusion_reasons.csv
    assert flow.exclusion_reasons == {"databases": None, "other_methods": None}
    assert (
        f"reasons {prisma_flow.missing(flow.sources[('databases', 'exclusion reasons')])}"
        in (prisma_flow.box_texts(flow)["db_excluded_full"])
    )
    assert prisma_flow.missing("not reported: the report says it did not count them") == "not reported"
    assert prisma_flow.missing("not found: the article's text does not give it") == "not found"


def test_svg_and_png_output_is_deterministic(flow, diagram):
    """Drawn and saved again, the diagram gives the same bytes."""
    import matplotlib.pyplot as plt

    _, *first = diagram
    second = prisma_flow.draw(flow)
    assert [prisma_flow.image_bytes(second, fmt) for fmt in ("svg", "png")] == first
    plt.close(second)


def test_table_3_lists_each_theme_once_with_the_studies_cited_for_it(review):
    table = tables.themes_and_references(review)
    themes = derive.ordered_themes(review)
    support = derive.theme_support(review)
    assert len(table) == len(themes)
    included = set(review.reports.loc[review.reports["study_id"].notna(), "report_id"])
    for row, theme in zip(table.to_dict("records"), rows(themes)):
        links = support[support["theme_id"] == theme["theme_id"]]
        assert row["Studies cited (with its subthemes)"] == str(links["study_id"].nunique())
        # exactly the reports the findings of this section cite, those of no included study said so
        coded = set(review.coding.loc[review.coding["theme_id"] == theme["theme_id"], "report_id"])
        cell = row["References cited in its own section"]
        included_part, _, others = cell.partition(";")
        cited = re.findall(r"\{cite:p\}`([^`]*)`", included_part if coded & included else "")
        assert set(",".join(cited).split(",")) - {""} == coded & included, theme["theme_id"]
        if coded - included:
            assert "not an included study" in cell or "not included studies" in cell, theme["theme_id"]
            assert set(",".join(re.findall(r"\{cite:p\}`([^`]*)`", others or cell)).split(",")) == coded - included
        assert (row["Subtheme"] == "") == (theme["kind"] == "theme")


def test_evidence_codes_mark_every_link_and_nothing_else(review):
    codes, studies, themes = figures.evidence_codes(review)
    support = derive.theme_support(review)
    assert codes.shape == (len(review.studies), len(review.themes))
    assert studies == review.study_order()
    assert int((codes == 2).sum()) == int((support["how"] == "cited").sum())
    assert int((codes > 0).sum()) == len(support)
    first = support.iloc[0]
    assert codes[studies.index(first["study_id"]), themes.index(first["theme_id"])] == (
        2 if first["how"] == "cited" else 1
    )


def test_evidence_map_labels_rows_only_while_they_fit():
    import matplotlib.pyplot as plt

    prisma_flow.configure_matplotlib()
    fig, ax = plt.subplots()
    many = [f"study {i}" for i in range(figures.MAX_LABELS + 1)]
    figures._label_axis(ax, "y", many, "studies")
    assert len(ax.get_yticks()) == 0 and ax.get_ylabel() == f"{len(many)} studies"
    figures._label_axis(ax, "x", ["Leadership", "Championing"], "themes")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["Leadership", "Championing"]
    plt.close(fig)


def _smallest_text_as_shown(figure, width_px: float) -> float:
    """The smallest font size of ``figure`` in px once saved as the book saves it and shown ``width_px`` wide."""
    import io

    svg = io.BytesIO()
    figure.savefig(svg, format="svg", bbox_inches="tight")
    text = svg.getvalue().decode()
    width_pt = float(re.search(r'viewBox="0 0 ([\d.]+)', text)[1])
    return min(float(size) for size in re.findall(r"font-size:\s*([\d.]+)px", text)) * width_px / width_pt


def test_narrow_charts_show_text_at_least_9_px_on_a_phone(review):
    """Figures E1 to E3 as a 390 px screen shows their narrow renderings, and what they show."""
    import matplotlib.pyplot as plt

    from peerwork_review.rendering import prisma_layout

    prisma_flow.configure_matplotlib()
    locations = derive.location_counts(review)
    panels = {
        "Location": (locations, "Location"),
        "Year": (derive.count_table(derive.publication_years(review)), "Category"),
    }
    drawn = {
        "characteristics": figures.characteristics_figure(panels, narrow=True),
        "evidence map": figures.evidence_map(review, narrow=True),
        "findings map": figures.evidence_map(review, by="findings", narrow=True),
    }
    for name, figure in drawn.items():
        assert _smallest_text_as_shown(figure, prisma_layout.PHONE_WIDTH_PX) >= 9, name
    # the narrow maps have the themes as rows and the studies, lettered as cited, as columns
    ax = drawn["evidence map"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == [review.study_label(s) for s in review.study_order()]
    assert len(ax.get_yticklabels()) == len(review.themes)
    for figure in drawn.values():
        plt.close(figure)
