#!/usr/bin/env python3
"""Writes fixtures/pdf-variants/: more registration forms as PDFs, in the applicant shapes of
fixtures/pdf-shapes with other applicants, other marks and other tools' habits, and forms
printed the way two more tools print them, with the TRUTH for each file (expected/*.json)
written from the case table below, never from regintake's output.

In: the case table (each applicant's answers as written, and by hand the values and flags a
careful reviewer records per SPEC v2). Out: forms/*.pdf, expected/*.json, README.md.

Shapes, beyond pdf-shapes' own:
- viewer annotations with the other tool on each blank form (Preview text in the Word table,
  Fill & Sign on the ruled lines, Acrobat pen crosses on the leaders, a Preview square on
  [ ] boxes), ✗ / ✘ typed as ticks, answers in a larger or smaller size, some flattened;
- answers typed into the page in Times and Courier at other sizes;
- narrow tables wrapping e-mails at other places (after an underscore, inside the domain);
- a browser printing an HTML form (Chrome's look): answers in rounded input boxes, a ticked
  check box drawn as a filled rounded square with a white tick, a chosen option button as a
  filled circle with a white dot, empty ones as outlines;
- Word's "Save as PDF" of a table form: borders drawn as thin filled rectangles cell by cell,
  ☒ / ☐ as glyphs in the answer cells, long answers wrapped in the cell (a word wider than
  the cell broken at its edge).

Run:  python3 scripts/make_pdf_variants.py
Needs what scripts/make_pdf_shapes.py needs (it reuses its builders).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fixturelib as fx  # noqa: E402
import make_pdf_shapes as ps  # noqa: E402
from fixturelib import (CALLS_Q, CREDENTIALS_TEXT, GUIDE_TEXT, PARTNER_HELP,  # noqa: E402
                        PARTNER_TEXT, PUBLIC_HELP, PUBLIC_TEXT, RECORDS_Q, SEND_TEXT,
                        TERMS_TEXT, TITLE, USE_INTRO, USE_NOTE)
from make_pdf_shapes import (BALLOT_X, HEAVY, HEAVY_X, TICK, App, Case, acro,  # noqa: E402
                             pdfmetrics, rl_canvas)

SET = fx.FIXTURES / "pdf-variants"
FORMS = SET / "forms"
EXPECTED = SET / "expected"


# --------------------------------------------------------------------------------------------
# Two more tools, drawn with reportlab the way they print.

def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Greedy word wrap at `width`; a word wider than a line is broken at the line's edge
    (as Word and browsers do with long addresses)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
            line = ""
        while pdfmetrics.stringWidth(word, font, size) > width:
            k = len(word)
            while k > 1 and pdfmetrics.stringWidth(word[:k], font, size) > width:
                k -= 1
            lines.append(word[:k])
            word = word[k:]
        line = word
    if line:
        lines.append(line)
    return lines or [""]


def rounded_box(c, x, y, w, h, r, stroke_grey=None, fill_rgb=None):
    p = c.beginPath()
    p.roundRect(x, y, w, h, r)
    if fill_rgb is not None:
        c.setFillColorRGB(*fill_rgb)
    if stroke_grey is not None:
        c.setStrokeGray(stroke_grey)
    c.drawPath(p, stroke=stroke_grey is not None, fill=fill_rgb is not None)
    c.setFillGray(0)


def browser_form(path: Path, a: App, opts: dict) -> None:
    """An HTML form printed by a browser (Chrome's look), the applicant's entries in it."""
    font, bold, size = "Helvetica", "Helvetica-Bold", 10
    accent = (0.0, 0.45, 0.85)
    c = rl_canvas.Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)
    y = 800.0
    left, right = 40.0, 555.0

    def para(text: str, x: float = left, f: str = font, s: float = size, gap: float = 4):
        nonlocal y
        c.setFont(f, s)
        for line in wrap(text, f, s, right - x):
            c.drawString(x, y, line)
            y -= s * 1.3
        y -= gap

    def heading(text: str, s: float = 12):
        nonlocal y
        y -= 6
        para(text, f=bold, s=s)

    def field_row(label: str, value: str, box_x: float = 200, box_w: float = 300):
        nonlocal y
        c.setFont(font, size)
        c.drawString(left, y, label)
        rounded_box(c, box_x, y - 5, box_w, 18, 2, stroke_grey=0.46, fill_rgb=(1, 1, 1))
        c.setFillGray(0)
        c.drawString(box_x + 4, y, value)
        y -= 26

    def check(on: bool, text: str, radio: bool = False):
        nonlocal y
        s = 11.0
        bx, by = left, y - 2
        if radio:
            if on:
                c.setFillColorRGB(*accent)
                c.circle(bx + s / 2, by + s / 2, s / 2, stroke=0, fill=1)
                c.setFillGray(1)
                c.circle(bx + s / 2, by + s / 2, 2.4, stroke=0, fill=1)
            else:
                c.setStrokeGray(0.46)
                c.setFillGray(1)
                c.circle(bx + s / 2, by + s / 2, s / 2 - 0.5, stroke=1, fill=1)
        elif on:
            rounded_box(c, bx, by, s, s, 2, fill_rgb=accent)
            c.setStrokeGray(1)
            c.setLineWidth(1.6)
            p = c.beginPath()
            p.moveTo(bx + 2.3, by + 5.6)
            p.lineTo(bx + 4.6, by + 3.1)
            p.lineTo(bx + 8.8, by + 8.2)
            c.drawPath(p, stroke=1, fill=0)
            c.setLineWidth(1)
        else:
            rounded_box(c, bx, by, s, s, 2, stroke_grey=0.46, fill_rgb=(1, 1, 1))
        c.setFillGray(0)
        c.setStrokeGray(0)
        para(text, x=left + 18)

    c.setFont(bold, 16)
    c.drawString(left, y, TITLE)
    y -= 30
    heading("Your Details")
    field_row("Full name", ps.raw(a.name))
    field_row("Organisation", ps.raw(a.org))
    field_row("Contact email", ps.raw(a.email))
    heading("Terms of Use")
    check(a.terms, TERMS_TEXT)
    heading("Service required")
    check(a.service in ("public", "both"), PUBLIC_TEXT, radio=True)
    para(PUBLIC_HELP, x=left + 18)
    check(a.service in ("partner", "both"), PARTNER_TEXT, radio=True)
    para(PARTNER_HELP, x=left + 18)
    field_row("IP address(es)", ps.raw(a.ip))
    heading("Your expected use")
    para(USE_INTRO)
    field_row(RECORDS_Q[0].upper() + RECORDS_Q[1:], ps.raw(a.records), box_x=330, box_w=120)
    field_row("API calls you expect to make:", ps.raw(a.calls), box_x=330, box_w=120)
    para(USE_NOTE)
    heading("User Guide agreement")
    check(a.guide, GUIDE_TEXT)
    heading("Provision of client credentials")
    para(CREDENTIALS_TEXT)
    para(SEND_TEXT)
    c.showPage()
    c.save()


def word_export_form(path: Path, a: App, opts: dict) -> None:
    """A two-column table form saved as PDF by Word: every cell border a thin filled
    rectangle, ☒ / ☐ glyphs in the answer cells, long answers wrapped in their cell."""
    ps.register_fonts()
    font, size, lead = "Carlito", opts.get("size", 11), opts.get("size", 11) * 1.22
    box_font = "PreviewSymbol"  # DejaVu Sans, for ☒ / ☐
    x0, split, x1 = 56.7, 56.7 + opts.get("label_w", 250.0), 538.6
    pad, border = 5.4, 0.5
    c = rl_canvas.Canvas(str(path), pagesize=(595.28, 841.89), invariant=1)
    y = 790.0
    c.setFont("Carlito", 15)
    c.drawString(x0, y, TITLE)
    y -= 28

    def mark(on: bool) -> str:
        return "\u2612" if on else "\u2610"

    pub, par = a.service in ("public", "both"), a.service in ("partner", "both")
    rows = [
        ("Full name", ps.raw(a.name)),
        ("Organisation", ps.raw(a.org)),
        ("Contact email", ps.raw(a.email)),
        ("Terms of Use: " + TERMS_TEXT, mark(a.terms)),
        (PUBLIC_TEXT, mark(pub)),
        (PARTNER_TEXT, mark(par)),
        ("IP address or range for allowlisting (Partner service)", ps.raw(a.ip)),
        ("Records you expect to code per day", ps.raw(a.records)),
        ("API calls you expect to make per day", ps.raw(a.calls)),
        ("User Guide agreement: " + GUIDE_TEXT, mark(a.guide)),
    ]
    top = y + lead - 2
    c.setFillGray(0)
    for label, answer in rows:
        left_lines = wrap(label, font, size, split - x0 - 2 * pad)
        is_mark = answer in ("\u2612", "\u2610")
        right_lines = [answer] if is_mark else wrap(answer, font, size, x1 - split - 2 * pad)
        n = max(len(left_lines), len(right_lines))
        height = n * lead + 4
        # the row's top border, and the left border of each cell, as filled rectangles
        c.rect(x0, top - border, x1 - x0, border, stroke=0, fill=1)
        for x in (x0, split, x1 - border):
            c.rect(x, top - height, border, height, stroke=0, fill=1)
        base = top - 2 - size
        c.setFont(font, size)
        for k, line in enumerate(left_lines):
            c.drawString(x0 + pad, base - k * lead, line)
        for k, line in enumerate(right_lines):
            c.setFont(box_font if is_mark else font, size)
            c.drawString(split + pad, base - k * lead, line)
        top -= height
    c.rect(x0, top - border, x1 - x0, border, stroke=0, fill=1)
    y = top - 30
    c.setFont(font, size)
    for text in (PUBLIC_HELP, CREDENTIALS_TEXT, SEND_TEXT):
        for line in wrap(text, font, size, x1 - x0):
            c.drawString(x0, y, line)
            y -= lead
        y -= 6
    c.showPage()
    c.save()


class BoxFiller(ps.Filler):
    """An Acrobat session whose text boxes wrap: an answer wider than `wrap_width` points is
    typed into a box that wraps it over several lines (the appearance draws each line)."""

    wrap_width = 150.0

    def _acrobat_text(self, slot, text, size, centre):
        width = pdfmetrics.stringWidth(text, "Helvetica", size)
        if centre is not None or text in ps.ZAPF or width <= self.wrap_width:
            return super()._acrobat_text(slot, text, size, centre)
        lines = wrap(text, "Helvetica", size, self.wrap_width)
        lead = 1.2 * size
        pad = 2.0
        x0, y1 = slot.x - pad, slot.baseline + 0.95 * size + pad
        x1 = slot.x + self.wrap_width + pad
        y0 = slot.baseline - (len(lines) - 1) * lead - 0.3 * size - pad
        shown = "".join(f"{ps.literal(line)} Tj T*\n" for line in lines)
        ap = (f"/Tx BMC\nq\nBT\n0 g\n/Helv {size:g} Tf\n{lead:.2f} TL\n"
              f"{slot.x:.2f} {slot.baseline:.2f} Td\n{shown}ET\nQ\nEMC\n")
        d = {
            "/Type": ps.NameObject("/Annot"), "/Subtype": ps.NameObject("/FreeText"),
            "/IT": ps.NameObject("/FreeTextTypewriter"), "/Rect": ps.rect(x0, y0, x1, y1),
            "/Contents": ps.TextStringObject(text),
            "/DA": ps.TextStringObject(f"0 g /Helv {size:g} Tf"),
            "/BS": ps.DictionaryObject({ps.NameObject("/W"): ps.NumberObject(0)}),
            "/AP": ps.DictionaryObject({ps.NameObject("/N"): ps.xobject(
                self.writer, ap, (x0, y0, x1, y1), self.fonts.resources("Helv"))}),
            "/Subj": ps.TextStringObject("Typewritten Text"),
            **self.stamp(),
        }
        ps.add_annot(self.writer, slot.page, d)


def annotate_boxes(blank: Path, kind: str, out: Path, a: App, opts: dict, seed: str) -> None:
    """The blank form filled in Acrobat with text boxes that wrap long answers."""
    slots, boxes = ps.slots_for(kind, ps.Layout(blank))
    writer = ps.PdfWriter(clone_from=ps.PdfReader(blank))
    f = BoxFiller(writer, "acrobat", opts.get("author", "Applicant"), seed)
    f.wrap_width = opts.get("wrap_width", 150.0)
    for key, text in ps.typed_answers(a):
        f.text(slots[key], text, opts.get("size", 10.0))
    for box in ps.marked_boxes(a):
        f.tick(boxes[box], ps.tick_of(opts, box))
    with open(out, "wb") as fh:
        writer.write(fh)


# --------------------------------------------------------------------------------------------
# The cases.

@dataclass
class Drawn:
    """A form drawn by one of the two tools above."""
    file: str
    tool: str  # browser | word | boxes (Acrobat text boxes that wrap, on a blank form)
    app: App
    shape: str
    opts: dict

    @property
    def source(self) -> str:
        return "pdf-text"


SHAPE_CASES = [
    Case("v01_preview_in_word_table_cross.pdf", "annotate",
         App("Mei-Ling O'Connor",
             "Commonwealth Scientific and Industrial Research Organisation, Data61 Division",
             "meiling.oconnor@csiro.au", True, "partner", "130.155.0.0/24", ("18,000", "18000"),
             ("3,000", "3000"), True, []),
         "Preview text in the Word table's answer cells (the organisation runs past the "
         "cell's border); \u2717 typed over each \u2610",
         acro("word_table", BALLOT_X, tool="preview", author="Mei-Ling", size=10)),
    Case("v02_fillsign_lines_heavy_x_flat.pdf", "annotate",
         App("Tom\u00e1\u0161 Nov\u00e1k", "Department of Social Services",
             ("Tomas.Novak@dss.gov.au", "tomas.novak@dss.gov.au"), True, "public", "",
             "700", "650", False, ["user_guide_not_agreed"]),
         "Fill & Sign text on the ruled lines, \u2718 typed over \u25a1, flattened; User "
         "Guide box empty",
         acro("odt_lines", HEAVY_X, flatten=True, tool="fillsign", size=11)),
    Case("v03_acrobat_leaders_ink_cross.pdf", "annotate",
         App("Ngaire Te Whata", "Te Whatu Ora Research Partnership", "ngaire.tewhata@twrp.org.au",
             True, "partner", ("203.2.218.0/24, 203.2.219.8", "203.2.218.0/24; 203.2.219.8"),
             ("8,500", "8500"), ("4,000", "4000"), True, []),
         "Acrobat typewriter text on the underscore leaders; pen crosses (two Ink strokes) "
         "on the [ ] boxes; two IP entries",
         acro("word_leaders", "ink-cross", author="nwhata", size=9.5)),
    Case("v04_preview_leaders_square_flat.pdf", "annotate",
         App("Oscar Lindqvist", "Lindqvist Analytics", "oscar@lindqvist.com.au", True, "partner",
             "2404:6800:4006::/48", ("1.2 million", "1200000"), ("9,000", "9000"), True, []),
         "Preview text on the leaders, filled Square shapes over the [ ] boxes, flattened; IPv6 "
         "block; '1.2 million'",
         acro("word_leaders", "square", flatten=True, tool="preview", author="Oscar", size=10)),
    Case("v05_fillsign_table_stamp_big_text.pdf", "annotate",
         App("Priya Raman", "City of Gold Coast", "p.raman@goldcoast.qld.gov.au", False, "public",
             "", ("950", "950"), ("1,100", "1100"), True,
             ["calls_exceed_records", "exceeds_public_limit", "terms_not_accepted"]),
         "Fill & Sign text in 12 pt in the Word table; check Stamps on the ticked boxes; "
         "Terms box left empty",
         acro("word_table", "stamp", tool="fillsign", size=12)),
    Case("v06_acrobat_lines_ink_small_text_flat.pdf", "annotate",
         App("Dr Aroha Williams", "University of Waikato", "aroha.williams@waikato.ac.nz", True,
             "partner", ("10.1.1.0/24", "10.1.1.0/24"), "40000", "6000", True,
             ["non_public_ip"]),
         "Acrobat typewriter text in 8 pt on the ruled lines, pen ticks, flattened; a "
         "private address",
         acro("odt_lines", "ink", flatten=True, author="awilliams", size=8)),
    Case("v07_typed_times_leaders_x.pdf", "overlay",
         App("Samuel Okafor", "Okafor & Daughters Pty Ltd", "sam@okafor.com.au", True, "public",
             "", "120", "80", True, []),
         "answers typed into the page in Times-Roman 11 pt over the underscore leaders; x "
         "typed in the [ ] boxes",
         dict(blank="word_leaders", ticks="x", font="Times-Roman", size=11)),
    Case("v08_typed_courier_table_heavy.pdf", "overlay",
         App("Lena Fischer", "Australian Antarctic Division", "lena.fischer@aad.gov.au", True,
             "both", "203.10.76.0/24", ("25 000", "25000"), ("2 000", "2000"), True,
             ["multiple_services_selected"]),
         "answers typed into the page in Courier 9 pt in the Word table and over its blanks; "
         "\u2714 over every \u2610, both services marked",
         dict(blank="word_table", ticks=HEAVY, font="Courier", size=9)),
    Case("v09_table_email_underscore.pdf", "table",
         App("Li Wei Zhang", "Australian Signals Directorate Cyber Security Centre",
             "li_wei_zhang@cybersecurity.gov.au", True, "partner", "203.10.100.0/24",
             ("70,000", "70000"), ("7,000", "7000"), True, []),
         "narrow table: an e-mail with underscores broken inside its domain "
         "('li_wei_zhang@cyber' / 'security.gov.au')",
         dict(wrap=("li_wei_zhang@cybersecurity.gov.au", "li_wei_zhang@cyber"))),
    Case("v10_table_email_in_domain.pdf", "table",
         App("Zofia Santos", "Department of Agriculture, Fisheries and Forestry",
             "zofia.santos@agriculture.gov.au", True, "public", "", "300", "200", True, []),
         "narrow table in Arial: e-mail wrapped inside its domain ('...@agriculture.' / 'gov.au')",
         dict(wrap=("zofia.santos@agriculture.gov.au", "agriculture."), mark="X", font="Arial",
              size=10)),
    Case("v11_legacy_checkboxes_arial_none.pdf", "legacy",
         App("Harriet Nakamura", "Services Australia", "harriet.nakamura@servicesaustralia.gov.au",
             True, "none", "", "5000", "500", True, ["service_not_selected"]),
         "legacy-field Word form (Arial) printed; no service ticked",
         dict(font="Arial", size=10)),
    Case("v12_fillable_generic_flat_partner.pdf", "fillable",
         App("Ruby Chen", "Murray-Darling Basin Authority", "ruby.chen@mdba.gov.au", True,
             "partner", "203.14.19.0/24", "3000", "3000", False, ["user_guide_not_agreed"]),
         "generic-name LibreOffice fillable PDF filled, flattened; User Guide box off",
         dict(names="generic", need_appearances=False, flatten=True)),
]

DRAWN_CASES = [
    Drawn("v17_acrobat_text_box_wraps.pdf", "boxes",
          App("Sarah Kowalski-Brennan",
              "Australian Institute of Aboriginal and Torres Strait Islander Studies",
              "s.kowalski-brennan@aiatsis.gov.au", True, "partner", "203.6.101.0/24", "2500",
              "1800", True, []),
          "Acrobat text boxes on the Word table form that wrap the long answers over two or "
          "three lines (each line drawn by the box's appearance); \u2713 typed over \u2610",
          dict(blank="word_table", ticks=TICK, wrap_width=150.0)),
    Drawn("v18_acrobat_text_box_wraps_flat.pdf", "boxes",
          App("Kieran Mac Giolla Phádraig", "Department of Industry, Science and Resources",
              "kieran.macgiollaphadraig@industry.gov.au", True, "public", "", "600", "450",
              True, []),
          "v17's shape on the leaders form, flattened by qpdf: the wrapped boxes are page "
          "content", dict(blank="word_leaders", ticks="X", wrap_width=140.0, flatten=True)),
    Drawn("v13_browser_html_partner.pdf", "browser",
          App("Jordan Blake", "Australian Institute of Family Studies", "jordan.blake@aifs.gov.au",
              True, "partner", "203.2.214.0/24", ("12,500", "12500"), ("2,500", "2500"), True,
              []),
          "an HTML form printed by a browser: answers in rounded input boxes, ticked boxes as "
          "filled rounded squares with a white tick, the chosen option a filled circle", {}),
    Drawn("v14_browser_html_terms_off_public.pdf", "browser",
          App("Chloe Dubois", "Inner West Council Data and Insights Team",
              "chloe.dubois@innerwest.nsw.gov.au", False, "public", "", "400", "350", True,
              ["terms_not_accepted"]),
          "the browser form with the Terms box left empty and Public chosen", {}),
    Drawn("v15_word_export_table_wrapped.pdf", "word",
          App("Maximilian Oyelaran-Castellanos",
              "Department of Prime Minister and Cabinet - Office for Women",
              "maximilian.oyelaran-castellanos@pmc.gov.au", True, "partner",
              ("192.0.2.0/24", "192.0.2.0/24"), ("60,000", "60000"), ("6,000", "6000"), True,
              ["non_public_ip"]),
          "Word's Save as PDF of a table form (thin filled-rectangle borders, \u2612 / \u2610 "
          "glyphs); a long name, organisation and e-mail wrapped in the answer cell (the "
          "e-mail broken at the cell's edge); a documentation address", dict(label_w=310.0)),
    Drawn("v16_word_export_table_both.pdf", "word",
          App("Ana Lima", "NT Health", "ana.lima@nt.gov.au", True, "both", "203.56.80.0/24",
              "1500", "900", False, ["multiple_services_selected", "user_guide_not_agreed"]),
          "Word's Save as PDF of the table form: both services \u2612, User Guide \u2610",
          dict(label_w=300.0, size=10)),
]


def build(work: Path) -> dict[str, Path]:
    made: dict[str, Path] = {}
    with fx.Office(ps.FONTS) as office:
        made.update(ps.build_docs(work, office, SHAPE_CASES))
    ps.register_fonts()
    out = work / "drawn"
    out.mkdir()
    blanks = None
    for d in DRAWN_CASES:
        path = out / d.file
        if d.tool == "boxes":
            if blanks is None:
                with fx.Office(ps.FONTS) as office:
                    (work / "blanks").mkdir()
                    blanks = ps.build_blanks(work / "blanks", office)
            staged = out / ("staged-" + d.file)
            annotate_boxes(blanks[d.opts["blank"]], d.opts["blank"], staged, d.app, d.opts,
                           d.file)
            if d.opts.get("flatten"):
                fx.qpdf("--flatten-annotations=all", staged, path)
            else:
                shutil.copy(staged, path)
        else:
            (browser_form if d.tool == "browser" else word_export_form)(path, d.app, d.opts)
        fx.pin_pdf(path, ps.PDF_WHEN, fx.pdf_id_for(d.file), renumber=True)
        made[d.file] = path
    return made


def main() -> None:
    fx.require_tools("make_pdf_variants.py", "soffice", "qpdf", "pdftotext")
    cases = SHAPE_CASES + DRAWN_CASES
    for c in cases:
        ps.check_app(c.file, c.app)
    for d in (FORMS, EXPECTED):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="pdf-variants-") as tmp:
        made = build(Path(tmp))
        for c in cases:
            shutil.copy(made[c.file], FORMS / c.file)
            fx.write_expected(EXPECTED, c.file, [fx.record(c.file, c.source, c.app.flags,
                                                           ps.truth(c.app))])
    rows = "\n".join(f"| `{c.file}` | {c.source} | {', '.join(c.app.flags) or 'clean'} | "
                     f"{c.shape} |" for c in cases)
    (SET / "README.md").write_text(README.format(rows=rows, n=len(cases),
                                                 versions=ps.tool_versions()),
                                   encoding="utf-8")
    total = fx.folder_size_report(SET, 150_000)
    print(f"{len(cases)} forms, {total} bytes in {SET.relative_to(fx.ROOT)}")


README = """# pdf-variants fixtures

More registration forms as PDFs, written by `scripts/make_pdf_variants.py` (which reuses the
builders of `scripts/make_pdf_shapes.py`); nothing is hand-edited. They vary the shapes of
`fixtures/pdf-shapes` (other applicants, other marks, each viewer on each blank form, other
text sizes and fonts, e-mails wrapped at other places) and add two more tools' prints: a
browser printing an HTML form, and Word's "Save as PDF" of a table form.

- `forms/` ({n} PDFs): what `regintake check FILE` reads.
- `expected/<file name>.json`: the truth, written from the case table in the script (each
  applicant's answers as written and, by hand, the values and flags a careful reviewer records
  per SPEC v2), never from regintake's output.

## Judgement calls

- A mark on a box counts as ticked whatever it is (✗ and ✘ included); a filled rounded square
  and a filled circle (a browser's ticked check box and chosen option) are ticked boxes.
- An answer typed past its cell's border (v01's organisation) is read whole: a person reads on.

## Forms

| file | source | flags | shape |
|---|---|---|---|
{rows}

## Regenerate

```sh
python3 scripts/make_pdf_variants.py
```

Same tools as `scripts/make_pdf_shapes.py` (LibreOffice sees only its pinned fonts; dates and ids
are pinned). Made with: {versions}.
"""


if __name__ == "__main__":
    main()
