#!/usr/bin/env python3
"""Writes fixtures/pdf-shapes/: registration forms as PDFs the way applicants make them, the
mails that carry some of them, and the TRUTH for each file (expected/*.json) written from the
case table below, never from regintake's output.

In: the case table (each applicant's answers as written, and by hand the values and flags a
careful reviewer records per SPEC v2). Out: forms/*.pdf, mail/*.eml, expected/*.json, README.md.

Shapes: the official form printed blank by LibreOffice, then filled on screen with
Acrobat-shaped (Typewriter / Fill & Sign FreeText with /IT, /DA, /DS, /RC, /AP) or macOS
Preview-shaped (FreeText with /AP, /Contents, /DA, no /RC) text annotations, ticks typed as
glyphs or drawn as Ink, Stamp and Square annotations; half of those flattened with
`qpdf --flatten-annotations=all`; answers typed into the page content over the blanks; LibreOffice
fillable PDFs (text fields, check boxes, an option-button group) filled with pypdf, some
flattened; a Word form with legacy check boxes printed by LibreOffice; two-column tables with
narrow answer cells whose answers wrap.

Run:  python3 scripts/make_pdf_shapes.py
Needs: LibreOffice (soffice) 7.4, qpdf, poppler-utils (pdftotext), fonts-dejavu-core,
       fonts-liberation2, fonts-crosextra-carlito; pip install reportlab pypdf python-docx.
"""

from __future__ import annotations

import hashlib
import html
import io
import random
import shutil
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

try:
    from docx import Document
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject,
                               NameObject, NumberObject, TextStringObject)
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas as rl_canvas
except ImportError as missing:
    sys.exit(f"make_pdf_shapes.py needs {missing.name}: pip install reportlab pypdf python-docx")

import fixturelib as fx
from fixturelib import (CALLS_Q, CREDENTIALS_TEXT, GUIDE_TEXT, MORE_INFO_TEXT, PARTNER_HELP,
                        PARTNER_TEXT, PRIVACY_TEXT, PUBLIC_HELP, PUBLIC_TEXT, RECORDS_Q,
                        SEND_TEXT, TERMS_TEXT, TITLE, USE_INTRO, USE_NOTE)

SET = fx.FIXTURES / "pdf-shapes"
FORMS = SET / "forms"
MAIL = SET / "mail"
EXPECTED = SET / "expected"

LIBERATION = "/usr/share/fonts/truetype/liberation2/Liberation{}-{}.ttf"
CARLITO = "/usr/share/fonts/truetype/crosextra/Carlito-{}.ttf"
# What LibreOffice may use: DejaVu and OpenSymbol (as the other sets), Liberation (Arial and
# Times New Roman metrics) and Carlito (Calibri metrics), the fonts a Word form asks for.
FONTS = fx.FONTS_DEJAVU_CORE + tuple(
    LIBERATION.format(family, style) for family in ("Sans", "Serif")
    for style in ("Regular", "Bold", "Italic")) + tuple(
    CARLITO.format(style) for style in ("Regular", "Bold", "Italic"))
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

PDF_WHEN = "20260302091500"  # every date stamped into a PDF
ZIP_TIME = (2026, 3, 2, 9, 15, 0)

# --------------------------------------------------------------------------------------------
# The case table: each applicant's answers AS WRITTEN and the truth a careful reviewer records.
# A plain string is recorded as written; a tuple is (as written, as recorded). Flags by hand,
# per SPEC v2 and the project's README choices.


@dataclass
class App:
    name: object
    org: object
    email: object
    terms: bool
    service: str  # public | partner | both | none: what is marked on the form
    ip: object
    records: object
    calls: object
    guide: bool
    flags: list


def raw(v) -> str:
    return v[0] if isinstance(v, tuple) else v


def rec(v) -> str:
    return v[1] if isinstance(v, tuple) else v


def truth(a: App) -> dict:
    return {
        "full_name": rec(a.name), "organisation": rec(a.org), "contact_email": rec(a.email),
        "terms_accepted": "yes" if a.terms else "no",
        "service": a.service if a.service in ("public", "partner") else "",
        "ip_allowlist": rec(a.ip), "expected_records_per_day": rec(a.records),
        "expected_api_calls_per_day": rec(a.calls),
        "user_guide_agreed": "yes" if a.guide else "no",
    }


def check_app(key: str, a: App) -> None:
    """Catches typos: a plain string must already be its recorded value."""
    for what, v in (("email", a.email), ("records", a.records), ("calls", a.calls),
                    ("ip", a.ip), ("name", a.name), ("org", a.org)):
        if isinstance(v, tuple):
            continue
        if what == "email" and v != v.lower():
            raise SystemExit(f"{key}: email {v!r} needs (as written, recorded)")
        if what in ("records", "calls") and v and not v.isdigit():
            raise SystemExit(f"{key}: {what} {v!r} needs (as written, recorded)")
        if what == "ip" and (" " in v or "," in v or "\n" in v):
            raise SystemExit(f"{key}: ip {v!r} needs (as written, recorded)")
        if what in ("name", "org") and ("  " in v or "\n" in v):
            raise SystemExit(f"{key}: {what} {v!r} needs (as written, recorded)")
    if a.service not in ("public", "partner", "both", "none"):
        raise SystemExit(f"{key}: service {a.service!r}")
    if a.flags != sorted(a.flags):
        raise SystemExit(f"{key}: flags not sorted")


# --------------------------------------------------------------------------------------------
# Blank forms, printed by LibreOffice. Three looks of the official form: a Word form with a
# details table and ☐ boxes (Calibri), an ODT with a ruled line under each label and □ boxes
# (Times New Roman), a Word form with underscore leaders after the labels and [ ] boxes (Arial).

BLANK_IP = "[" + "_" * 51 + "]"
BLANK_RECORDS = "[ " + "_" * 18 + " ]"
BLANK_CALLS = "[ " + "_" * 14 + " ]"


def set_widths(table, cms) -> None:
    """Column widths as Word stores them: the grid and every cell."""
    table.autofit = False
    for col, cm in zip(table.columns, cms):
        col.width = Cm(cm)
        for cell in col.cells:
            cell.width = Cm(cm)


def set_row_height(row, cm: float) -> None:
    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def new_word_doc(font: str, size: float, author: str) -> Document:
    d = Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.2)
    sec.top_margin = sec.bottom_margin = Cm(2.0)
    normal = d.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    for name in ("Title", "Heading 1"):
        st = d.styles[name]
        st.font.name = font
        st.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    cp = d.core_properties
    cp.author = author
    cp.last_modified_by = author
    cp.revision = 2
    cp.created = cp.modified = datetime(2025, 11, 3, 9, 0, 0)
    return d


def box_run(p, glyph: str, font: str = "MS Gothic"):
    r = p.add_run(glyph)
    r.font.name = font
    r.element.rPr.rFonts.set(qn("w:eastAsia"), font)
    return r


def statement(d, glyph: str, text: str, font: str = "MS Gothic"):
    p = d.add_paragraph()
    box_run(p, glyph, font)
    p.add_run(" " + text)
    return p


def blank_word_table(path: Path) -> None:
    """The official form as the ABS Word template has it: details in a table, ☐ boxes."""
    d = new_word_doc("Calibri", 11, "Australian Bureau of Statistics")
    d.add_heading(TITLE, 0)
    d.add_heading("Your Details", 1)
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    set_widths(t, (4.2, 12.4))
    for i, label in enumerate(("Full name", "Organisation", "Contact email")):
        t.cell(i, 0).text = label
        set_row_height(t.rows[i], 0.75)
    # the empty paragraphs between sections are the official form's (the User Guide box
    # lands on page 2)
    d.add_paragraph()
    d.add_heading("Terms of Use", 1)
    statement(d, "\u2610", TERMS_TEXT)
    d.add_paragraph()
    d.add_heading("Service required", 1)
    statement(d, "\u2610", PUBLIC_TEXT)
    d.add_paragraph(PUBLIC_HELP)
    d.add_paragraph()
    statement(d, "\u2610", PARTNER_TEXT)
    d.add_paragraph(PARTNER_HELP)
    d.add_paragraph(BLANK_IP)
    d.add_paragraph()
    d.add_heading("Your expected use", 1)
    d.add_paragraph(USE_INTRO)
    d.add_paragraph(f"\u00b7 {RECORDS_Q} {BLANK_RECORDS}")
    d.add_paragraph(f"\u00b7 {CALLS_Q} {BLANK_CALLS}")
    d.add_paragraph(USE_NOTE)
    d.add_paragraph()
    d.add_heading("User Guide agreement", 1)
    statement(d, "\u2610", GUIDE_TEXT)
    d.add_heading("Provision of client credentials", 1)
    d.add_paragraph(CREDENTIALS_TEXT)
    d.add_paragraph("\t" + SEND_TEXT)
    d.add_paragraph(MORE_INFO_TEXT)
    d.add_paragraph(PRIVACY_TEXT)
    d.save(path)


def blank_odt_lines_html() -> str:
    """The official form retyped in LibreOffice: a ruled line under each label, □ boxes."""
    line = "_" * 64
    e = html.escape
    parts = [
        f"<h1>{e(TITLE)}</h1>", "<h2>Your Details</h2>",
        "<p>Full name</p>", f"<p>{line}</p>", "<p>Organisation</p>", f"<p>{line}</p>",
        "<p>Contact email</p>", f"<p>{line}</p>",
        "<h2>Terms of Use</h2>", f"<p>\u25a1 {e(TERMS_TEXT)}</p>",
        "<h2>Service required</h2>", f"<p>\u25a1 {e(PUBLIC_TEXT)}</p>", f"<p>{e(PUBLIC_HELP)}</p>",
        f"<p>\u25a1 {e(PARTNER_TEXT)}</p>", f"<p>{e(PARTNER_HELP)}</p>", f"<p>{BLANK_IP}</p>",
        "<h2>Your expected use</h2>", f"<p>{e(USE_INTRO)}</p>",
        f"<p>\u2022 {e(RECORDS_Q)} {BLANK_RECORDS}</p>",
        f"<p>\u2022 {e(CALLS_Q)} {BLANK_CALLS}</p>", f"<p>{e(USE_NOTE)}</p>",
        "<h2>User Guide agreement</h2>", f"<p>\u25a1 {e(GUIDE_TEXT)}</p>",
        "<h2>Provision of client credentials</h2>", f"<p>{e(CREDENTIALS_TEXT)}</p>",
        f"<p>{e(SEND_TEXT)}</p>", f"<p>{e(PRIVACY_TEXT)}</p>",
    ]
    return ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>'
            f"{e(TITLE)}</title><style>body{{font-family:'Times New Roman',serif;"
            "font-size:11pt}h1{font-size:16pt}h2{font-size:12.5pt}p{margin:3pt 0}</style>"
            "</head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


def blank_word_leaders(path: Path) -> None:
    """The official form with underscore leaders after each label and [ ] boxes (Arial 10)."""
    d = new_word_doc("Arial", 10, "Records Management")
    sec = d.sections[0]
    sec.left_margin = sec.right_margin = Cm(2.0)
    p = d.add_paragraph()
    r = p.add_run(TITLE)
    r.bold, r.font.size = True, Pt(16)
    d.add_paragraph().add_run("Your Details").bold = True
    for label, n in (("Full name:", 62), ("Organisation:", 59), ("Contact email:", 58)):
        d.add_paragraph(f"{label} {'_' * n}")
    for head, text in (("Terms of Use", TERMS_TEXT),):
        d.add_paragraph().add_run(head).bold = True
        d.add_paragraph(f"[  ] {text}")
    d.add_paragraph().add_run("Service required").bold = True
    d.add_paragraph(f"[  ] {PUBLIC_TEXT}")
    d.add_paragraph(PUBLIC_HELP)
    d.add_paragraph(f"[  ] {PARTNER_TEXT}")
    d.add_paragraph(f"{PARTNER_HELP} {BLANK_IP}")
    d.add_paragraph().add_run("Your expected use").bold = True
    d.add_paragraph(USE_INTRO)
    d.add_paragraph(f"- {RECORDS_Q} {BLANK_RECORDS}")
    d.add_paragraph(f"- {CALLS_Q} {BLANK_CALLS}")
    d.add_paragraph(USE_NOTE)
    d.add_paragraph().add_run("User Guide agreement").bold = True
    d.add_paragraph(f"[  ] {GUIDE_TEXT}")
    d.add_paragraph().add_run("Provision of client credentials").bold = True
    d.add_paragraph(CREDENTIALS_TEXT)
    d.add_paragraph(SEND_TEXT)
    d.add_paragraph(PRIVACY_TEXT)
    d.save(path)


BLANKS = ("word_table", "odt_lines", "word_leaders")


def build_blanks(work: Path, office: fx.Office) -> dict[str, Path]:
    src = work / "blank-src"
    src.mkdir()
    blank_word_table(src / "word_table.docx")
    blank_word_leaders(src / "word_leaders.docx")
    (src / "odt_lines.html").write_text(blank_odt_lines_html(), encoding="utf-8")
    odt, = office.convert([src / "odt_lines.html"], "odt:writer8", work / "blank-odt",
                          "HTML (StarWriter)")
    pdfs = office.convert([src / "word_table.docx", odt, src / "word_leaders.docx"],
                          "pdf:writer_pdf_Export", work / "blank-pdf")
    return {p.stem: p for p in pdfs}


# --------------------------------------------------------------------------------------------
# Where things sit on a printed page: words with their boxes, from `pdftotext -bbox-layout`
# (what an applicant sees; PDF coordinates, origin bottom left).


@dataclass
class Word:
    page: int
    x0: float
    y0: float  # bottom
    x1: float
    y1: float  # top
    text: str

    @property
    def baseline(self) -> float:
        # a word box runs from the font's descender to its ascender
        return self.y0 + 0.22 * (self.y1 - self.y0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


class Layout:
    def __init__(self, pdf: Path):
        out = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], check=True,
                             capture_output=True).stdout
        root = ET.fromstring(out)
        ns = {"h": "http://www.w3.org/1999/xhtml"}
        self.lines: list[list[Word]] = []
        for pno, page in enumerate(root.iterfind(".//h:page", ns)):
            h = float(page.get("height"))
            for line in page.iterfind(".//h:line", ns):
                words = [Word(pno, float(w.get("xMin")), h - float(w.get("yMax")),
                              float(w.get("xMax")), h - float(w.get("yMin")), w.text or "")
                         for w in line.iterfind("h:word", ns)]
                if words:
                    self.lines.append(words)

    def line_index(self, phrase: str) -> int:
        for i in range(len(self.lines)):
            if phrase in " ".join(w.text for w in self.lines[i]):
                return i
        raise SystemExit(f"layout: {phrase!r} not found")

    def words_of(self, phrase: str) -> list[Word]:
        """The words that spell `phrase` on the first line holding it."""
        i = self.line_index(phrase)
        line = self.lines[i]
        target = phrase.split()
        for k in range(len(line) - len(target) + 1):
            if [w.text for w in line[k:k + len(target)]] == target:
                return line[k:k + len(target)]
        raise SystemExit(f"layout: {phrase!r} is not whole words on its line")

    def underscores(self, phrase: str, where: str = "same") -> Word:
        """The first run of underscores on the line holding `phrase` (where="same"), on a
        line after it ("below"), or on either ("from")."""
        i = self.line_index(phrase)
        first = {"same": i, "below": i + 1, "from": i}[where]
        last = i + 1 if where == "same" else i + 6
        for line in self.lines[first:last]:
            for w in line:
                if "____" in w.text:
                    return w
        raise SystemExit(f"layout: no blank after {phrase!r}")

    def box_before(self, statement_start: str) -> Word:
        """The printed box (☐ □ or [ ]) that opens the line where a statement starts."""
        i = self.line_index(statement_start)
        line = self.lines[i]
        first = line[0]
        if first.text in ("\u2610", "\u25a1"):
            return first
        if first.text == "[" and line[1].text == "]":
            return Word(first.page, first.x0, min(first.y0, line[1].y0), line[1].x1,
                        max(first.y1, line[1].y1), "[ ]")
        raise SystemExit(f"layout: no box before {statement_start!r} ({first.text!r})")


@dataclass
class Slot:
    """Where an applicant puts an answer: page, x of the first letter, baseline."""
    page: int
    x: float
    baseline: float


STATEMENT_STARTS = {"terms": "I have read, understand", "public": "Public coding service (1",
                    "partner": "Partner coding service (Large", "guide": "I agree to read and"}


def slots_for(kind: str, lay: Layout) -> tuple[dict[str, Slot], dict[str, Word]]:
    """Answer slots and the four tick boxes of a blank form."""
    slots: dict[str, Slot] = {}
    labels = {"name": "Full name", "org": "Organisation", "email": "Contact email"}
    for key, label in labels.items():
        words = lay.words_of(label + (":" if kind == "word_leaders" else ""))
        if kind == "word_table":  # in the answer cell beside the label
            slots[key] = Slot(words[0].page, words[0].x0 + Cm(4.2).pt + 3, words[0].baseline)
        elif kind == "odt_lines":  # on the ruled line under the label
            u = lay.underscores(label, "below")
            slots[key] = Slot(u.page, u.x0 + 2, u.baseline + 1.5)
        else:  # on the leader after the label
            u = lay.underscores(label)
            slots[key] = Slot(u.page, u.x0 + 4, u.baseline + 1)
    ip = lay.underscores("dynamic IP address):", "from")
    slots["ip"] = Slot(ip.page, ip.x0 + 5, ip.baseline + 1)
    for key, phrase in (("records", RECORDS_Q), ("calls", "you expect to make:")):
        u = lay.underscores(phrase)
        slots[key] = Slot(u.page, u.x0 + 3, u.baseline + 1)
    boxes = {key: lay.box_before(start) for key, start in STATEMENT_STARTS.items()}
    return slots, boxes


# --------------------------------------------------------------------------------------------
# Annotations as Acrobat and Preview write them.


PDF_DATE = f"D:{PDF_WHEN}+11'00'"


def nm(seed: str) -> str:
    return str(uuid.UUID(hashlib.md5(seed.encode()).hexdigest()))


def literal(text: str) -> str:
    """A PDF literal string in WinAnsi (what Acrobat's /Helv shows)."""
    out = []
    for ch in text:
        b = ch.encode("cp1252")[0]
        if ch in "()\\":
            out.append("\\" + ch)
        elif 32 <= b < 127:
            out.append(ch)
        else:
            out.append(f"\\{b:03o}")
    return "(" + "".join(out) + ")"


def num(v: float) -> FloatObject:
    return FloatObject(round(v, 3))


def rect(x0, y0, x1, y1) -> ArrayObject:
    return ArrayObject([num(x0), num(y0), num(x1), num(y1)])


def xobject(writer: PdfWriter, content: str | bytes, bbox, resources=None,
            matrix=None):
    s = DecodedStreamObject()
    s.set_data(content.encode("latin-1") if isinstance(content, str) else content)
    s[NameObject("/Type")] = NameObject("/XObject")
    s[NameObject("/Subtype")] = NameObject("/Form")
    s[NameObject("/FormType")] = NumberObject(1)
    s[NameObject("/BBox")] = rect(*bbox)
    if matrix:
        s[NameObject("/Matrix")] = ArrayObject([num(v) for v in matrix])
    if resources is not None:
        s[NameObject("/Resources")] = resources
    return writer._add_object(s)


class Fonts:
    """The standard fonts Acrobat's appearances name (/Helv, /ZaDb), one object each."""

    def __init__(self, writer: PdfWriter):
        self.w = writer
        self.refs: dict[str, object] = {}

    def ref(self, name: str):
        if name not in self.refs:
            d = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                  NameObject("/Subtype"): NameObject("/Type1"),
                                  NameObject("/Name"): NameObject("/" + name)})
            if name == "Helv":
                d[NameObject("/BaseFont")] = NameObject("/Helvetica")
                d[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
            else:
                d[NameObject("/BaseFont")] = NameObject("/ZapfDingbats")
            self.refs[name] = self.w._add_object(d)
        return self.refs[name]

    def resources(self, name: str) -> DictionaryObject:
        return DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/" + name): self.ref(name)})})


# ZapfDingbats codes of the tick glyphs an applicant types (✓ ✔ ✗ ✘)
ZAPF = {"\u2713": "3", "\u2714": "4", "\u2717": "7", "\u2718": "8"}


def add_annot(writer: PdfWriter, page: int, d: dict) -> None:
    writer.add_annotation(page, DictionaryObject({NameObject(k): v for k, v in d.items()}))


@dataclass
class Filler:
    """One applicant's session in a PDF viewer: who they are and the order of their edits."""
    writer: PdfWriter
    tool: str  # acrobat | fillsign | preview
    author: str
    seed: str
    fonts: Fonts = None
    n: int = 0
    pending: list = None

    def __post_init__(self):
        self.fonts = Fonts(self.writer)
        self.pending = []

    def stamp(self) -> dict:
        self.n += 1
        d = {"/M": TextStringObject(PDF_DATE), "/NM": TextStringObject(
            nm(f"{self.seed}/{self.n}")), "/F": NumberObject(4)}
        if self.tool == "preview":
            d["/NM"] = TextStringObject(nm(f"{self.seed}/{self.n}").upper())
        if self.tool != "fillsign":
            d["/T"] = TextStringObject(self.author)
        if self.tool != "preview":
            d["/CreationDate"] = TextStringObject(PDF_DATE)
        return d

    # text --------------------------------------------------------------------------------
    def text(self, slot: Slot, text: str, size: float = 10.0, centre: float | None = None):
        """Typed text at a slot; with `centre`, centred on that x instead (a typed tick)."""
        if self.tool == "preview":
            self._preview_text(slot, text, size, centre)
        else:
            self._acrobat_text(slot, text, size, centre)

    def _acrobat_text(self, slot: Slot, text: str, size: float, centre) -> None:
        glyph = text in ZAPF
        font, shown = ("ZaDb", ZAPF[text]) if glyph else ("Helv", text)
        width = pdfmetrics.stringWidth(shown, "ZapfDingbats" if glyph else "Helvetica", size)
        if centre is not None:
            slot = Slot(slot.page, centre - width / 2, slot.baseline)
        pad = 2.0
        x0, y0 = slot.x - pad, slot.baseline - 0.3 * size - pad
        x1, y1 = slot.x + width + pad + 1, slot.baseline + 0.95 * size + pad
        # Acrobat draws the appearance in page space: BBox = Rect, no matrix.
        ap = (f"/Tx BMC\nq\nBT\n0 g\n/{font} {size:g} Tf\n{slot.x:.2f} {slot.baseline:.2f} Td\n"
              f"{literal(shown)} Tj\nET\nQ\nEMC\n")
        css = ("font-size:{0:.1f}pt;text-align:left;color:#000000;font-weight:normal;"
               "font-style:normal;font-family:Helvetica,sans-serif;font-stretch:normal"
               ).format(size)
        rich = ('<?xml version="1.0"?><body xmlns="http://www.w3.org/1999/xhtml" '
                'xmlns:xfa="http://www.xfa.org/schema/xfa-data/1.0/" '
                'xfa:APIVersion="Acrobat:23.8.0" xfa:spec="2.0.2" '
                f'style="{css}"><p dir="ltr"><span style="font-family:Helvetica">'
                f"{html.escape(text, quote=False)}</span></p></body>")
        d = {
            "/Type": NameObject("/Annot"), "/Subtype": NameObject("/FreeText"),
            "/IT": NameObject("/FreeTextTypewriter"), "/Rect": rect(x0, y0, x1, y1),
            "/Contents": TextStringObject(text),
            "/DA": TextStringObject(f"0 g /{font} {size:g} Tf"),
            "/DS": TextStringObject(f"font: Helvetica,sans-serif {size:.1f}pt; text-align:left; "
                                    "color:#000000 "),
            "/RC": TextStringObject(rich),
            "/BS": DictionaryObject({NameObject("/W"): NumberObject(0)}),
            "/AP": DictionaryObject({NameObject("/N"): xobject(
                self.writer, ap, (x0, y0, x1, y1), self.fonts.resources(font))}),
            **self.stamp(),
        }
        if self.tool == "acrobat":
            d["/Subj"] = TextStringObject("Typewritten Text")
        add_annot(self.writer, slot.page, d)

    def _preview_text(self, slot: Slot, text: str, size: float, centre) -> None:
        glyph = text in ZAPF
        font = "PreviewSymbol" if glyph else "PreviewSans"
        width = pdfmetrics.stringWidth(text, font, size)
        if centre is not None:
            slot = Slot(slot.page, centre - width / 2, slot.baseline)
        pad = 3.0
        w, h = width + 2 * pad + 2, 1.25 * size + 2 * pad
        x0, y0 = slot.x - pad, slot.baseline - 0.25 * size - pad
        d = {
            "/Type": NameObject("/Annot"), "/Subtype": NameObject("/FreeText"),
            "/Rect": rect(x0, y0, x0 + w, y0 + h), "/Contents": TextStringObject(text),
            "/DA": TextStringObject(f"/Helvetica {size:g} Tf 0 g"), "/Q": NumberObject(0),
            **self.stamp(),
        }
        # drawn in finish(): Preview's appearances are forms in their own space (BBox at 0,0)
        # sharing one embedded font subset per document
        self.pending.append((slot.page, d, w, h, font, size, pad, text))

    def finish(self) -> None:
        if not self.pending:
            return
        buf = io.BytesIO()
        c = rl_canvas.Canvas(buf, invariant=1, pageCompression=1)
        for _page, _d, w, h, font, size, pad, text in self.pending:
            c.setPageSize((w, h))
            c.setFont(font, size)
            c.drawString(pad, pad + 0.25 * size, text)
            c.showPage()
        c.save()
        drawn = PdfReader(io.BytesIO(buf.getvalue()))
        for (page, d, w, h, *_), src in zip(self.pending, drawn.pages):
            resources = src["/Resources"].clone(self.writer)
            d["/AP"] = DictionaryObject({NameObject("/N"): xobject(
                self.writer, src.get_contents().get_data(), (0, 0, w, h), resources)})
            add_annot(self.writer, page, d)
        self.pending = []

    # marks -------------------------------------------------------------------------------
    def tick(self, box: Word, how: str) -> None:
        """how: a glyph (✓ ✔ ✗ X x) typed over the box, or ink, ink-cross, stamp, square."""
        if how in ("ink", "ink-cross"):
            self._ink(box, how)
        elif how == "stamp":
            self._stamp(box)
        elif how == "square":
            self._square(box)
        else:
            size = (box.y1 - box.y0) * 0.85
            self.text(Slot(box.page, box.x0, box.cy - 0.35 * size), how, size, centre=box.cx)

    def _ink(self, box: Word, how: str) -> None:
        rng = random.Random(f"{self.seed}/{self.n}/ink")
        s = max(box.x1 - box.x0, box.y1 - box.y0)
        cx, cy = box.cx, box.cy
        if how == "ink":  # a pen tick: down to the bottom left, then a long stroke up right
            pts = [(-0.45, 0.05), (-0.3, -0.12), (-0.15, -0.32), (-0.05, -0.45), (0.05, -0.3),
                   (0.2, -0.02), (0.35, 0.3), (0.5, 0.62), (0.62, 0.85)]
            strokes = [pts]
        else:  # two crossing strokes
            strokes = [[(-0.45, 0.45), (-0.15, 0.15), (0.15, -0.15), (0.45, -0.45)],
                       [(0.45, 0.45), (0.15, 0.15), (-0.15, -0.15), (-0.45, -0.45)]]
        ink = []
        for stroke in strokes:
            ink.append([(cx + (px + rng.uniform(-0.04, 0.04)) * s,
                         cy + (py + rng.uniform(-0.04, 0.04)) * s) for px, py in stroke])
        w = 1.6
        xs = [p[0] for st in ink for p in st]
        ys = [p[1] for st in ink for p in st]
        r = (min(xs) - w, min(ys) - w, max(xs) + w, max(ys) + w)
        color = "0 0 1" if self.tool != "preview" else "0.8 0 0"
        path = ""
        for st in ink:
            path += f"{st[0][0]:.2f} {st[0][1]:.2f} m\n" + "".join(
                f"{x:.2f} {y:.2f} l\n" for x, y in st[1:])
        ap = f"q\n{color} RG\n{w} w\n1 J\n1 j\n{path}S\nQ\n"
        d = {
            "/Type": NameObject("/Annot"), "/Subtype": NameObject("/Ink"), "/Rect": rect(*r),
            "/InkList": ArrayObject([ArrayObject([num(v) for p in st for v in p]) for st in ink]),
            "/BS": DictionaryObject({NameObject("/W"): num(w), NameObject("/S"): NameObject("/S")}),
            "/C": ArrayObject([num(float(v)) for v in color.split()]),
            "/AP": DictionaryObject({NameObject("/N"): xobject(self.writer, ap, r)}),
            **self.stamp(),
        }
        if self.tool != "preview":
            d["/Subj"] = TextStringObject("Pencil")
            d["/CA"] = num(1.0)
        add_annot(self.writer, box.page, d)

    def _stamp(self, box: Word) -> None:
        # Acrobat's check-mark stamp: a filled green check drawn in its own 0..100 space,
        # scaled onto a Rect a little larger than the box.
        s = (box.y1 - box.y0) * 1.3
        r = (box.cx - s / 2, box.cy - s / 2, box.cx + s / 2, box.cy + s / 2)
        ap = ("q\n0.1 0.55 0.2 rg\n4 52 m\n18 66 l\n40 44 l\n84 96 l\n98 82 l\n40 14 l\nh\nf\nQ\n")
        d = {
            "/Type": NameObject("/Annot"), "/Subtype": NameObject("/Stamp"),
            "/Name": NameObject("/Check"), "/Subj": TextStringObject("Check"),
            "/Rect": rect(*r),
            "/AP": DictionaryObject({NameObject("/N"): xobject(
                self.writer, ap, (0, 0, 100, 100), matrix=(s / 100, 0, 0, s / 100, 0, 0))}),
            **self.stamp(),
        }
        add_annot(self.writer, box.page, d)

    def _square(self, box: Word) -> None:
        # Preview's rectangle shape, filled, drawn over the box
        m = 0.5
        r = (box.x0 - m, box.y0 + 0.12 * (box.y1 - box.y0) - m, box.x1 + m,
             box.y1 - 0.08 * (box.y1 - box.y0) + m)
        w = 1.0
        ap = (f"q\n0 0 0 RG\n0.15 0.15 0.15 rg\n{w} w\n{r[0] + w / 2:.2f} {r[1] + w / 2:.2f} "
              f"{r[2] - r[0] - w:.2f} {r[3] - r[1] - w:.2f} re\nB\nQ\n")
        d = {
            "/Type": NameObject("/Annot"), "/Subtype": NameObject("/Square"), "/Rect": rect(*r),
            "/BS": DictionaryObject({NameObject("/W"): num(w)}),
            "/C": ArrayObject([num(0.0)] * 3), "/IC": ArrayObject([num(0.15)] * 3),
            "/AP": DictionaryObject({NameObject("/N"): xobject(self.writer, ap, r)}),
            **self.stamp(),
        }
        add_annot(self.writer, box.page, d)


_FONTS_REGISTERED = False


def register_fonts() -> None:
    global _FONTS_REGISTERED
    if not _FONTS_REGISTERED:
        pdfmetrics.registerFont(TTFont("PreviewSans", LIBERATION.format("Sans", "Regular")))
        pdfmetrics.registerFont(TTFont("PreviewSymbol", DEJAVU))
        pdfmetrics.registerFont(TTFont("Carlito", CARLITO.format("Regular")))
        pdfmetrics.registerFont(TTFont("LiberationSans", LIBERATION.format("Sans", "Regular")))
        _FONTS_REGISTERED = True


# --------------------------------------------------------------------------------------------
# What an applicant writes where: the answers and the boxes they tick.


def marked_boxes(a: App) -> list[str]:
    out = ["terms"] if a.terms else []
    if a.service in ("public", "both"):
        out.append("public")
    if a.service in ("partner", "both"):
        out.append("partner")
    if a.guide:
        out.append("guide")
    return out


def typed_answers(a: App) -> list[tuple[str, str]]:
    return [(k, raw(v)) for k, v in (("name", a.name), ("org", a.org), ("email", a.email),
                                      ("ip", a.ip), ("records", a.records),
                                      ("calls", a.calls)) if raw(v)]


def tick_of(opts: dict, box: str) -> str:
    """How the applicant marks a box: opts["ticks"] is one way for all, or a dict by box."""
    t = opts.get("ticks", "\u2713")
    return t.get(box, t.get("*", "\u2713")) if isinstance(t, dict) else t


def annotate(blank: Path, kind: str, out: Path, a: App, opts: dict, seed: str) -> None:
    """The blank form filled on screen with annotations (Acrobat, Fill & Sign or Preview)."""
    slots, boxes = slots_for(kind, Layout(blank))
    writer = PdfWriter(clone_from=PdfReader(blank))
    f = Filler(writer, opts["tool"], opts.get("author", "Applicant"), seed)
    size = opts.get("size", 10.0)
    for key, text in typed_answers(a):
        f.text(slots[key], text, size)
    for box in marked_boxes(a):
        f.tick(boxes[box], tick_of(opts, box))
    f.finish()
    with open(out, "wb") as fh:
        writer.write(fh)


def overlay(blank: Path, kind: str, out: Path, a: App, opts: dict) -> None:
    """Answers typed into the page itself at the blanks (what PDF editors that "add text"
    to the page, or a flattening typewriter tool, leave): drawn over the underscores."""
    slots, boxes = slots_for(kind, Layout(blank))
    reader = PdfReader(blank)
    font, size = opts.get("font", "Helvetica"), opts.get("size", 10.0)
    per_page: dict[int, list] = {}
    for key, text in typed_answers(a):
        per_page.setdefault(slots[key].page, []).append((slots[key].x, slots[key].baseline,
                                                         font, size, text))
    for key in marked_boxes(a):
        b = boxes[key]
        glyph = tick_of(opts, key)
        # reportlab takes the tick's Unicode and writes its ZapfDingbats code
        gfont, shown = ("ZapfDingbats", glyph) if glyph in ZAPF else (font, glyph)
        gsize = (b.y1 - b.y0) * 0.85
        x = b.cx - pdfmetrics.stringWidth(shown, gfont, gsize) / 2
        per_page.setdefault(b.page, []).append((x, b.cy - 0.35 * gsize, gfont, gsize, shown))
    writer = PdfWriter(clone_from=reader)
    for pno, items in sorted(per_page.items()):
        box = reader.pages[pno].mediabox
        buf = io.BytesIO()
        c = rl_canvas.Canvas(buf, pagesize=(float(box.width), float(box.height)), invariant=1)
        for x, y, fnt, sz, text in items:
            c.setFont(fnt, sz)
            c.drawString(x, y, text)
        c.showPage()
        c.save()
        writer.pages[pno].merge_page(PdfReader(io.BytesIO(buf.getvalue())).pages[0])
    with open(out, "wb") as fh:
        writer.write(fh)


# --------------------------------------------------------------------------------------------
# LibreOffice fillable PDF: the form with controls (HTML form elements imported by Writer),
# exported with ExportFormFields, filled in with pypdf.

FILLABLE_NAMES = {
    "named": {"name": "FullName", "org": "Organisation", "email": "ContactEmail",
              "terms": "TermsOfUse", "service": "Service", "public": "Public",
              "partner": "Partner", "ip": "IPAddresses", "records": "RecordsPerDay",
              "calls": "APICallsPerDay", "guide": "UserGuide"},
    "generic": {"name": "Text Box 1", "org": "Text Box 2", "email": "Text Box 3",
                "terms": "Check Box 1", "service": "Option Button", "public": "1",
                "partner": "2", "ip": "Text Box 4", "records": "Text Box 5",
                "calls": "Text Box 6", "guide": "Check Box 2"},
}


def fillable_html(names: dict) -> str:
    e = html.escape

    def field(key, label):
        return (f"<tr><td width='32%'>{e(label)}</td><td width='68%'><input type='text' "
                f"name='{names[key]}' size='44'></td></tr>")

    def check(key, text):
        return f"<p><input type='checkbox' name='{names[key]}'> {e(text)}</p>"

    def option(key, text):
        return (f"<p><input type='radio' name='{names['service']}' value='{names[key]}'> "
                f"{e(text)}</p>")

    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>' + e(TITLE) + "</title>"
        "<style>body{font-family:'Liberation Sans',Arial,sans-serif;font-size:10pt}"
        "h1{font-size:15pt}h2{font-size:12pt}</style></head><body><form>\n"
        f"<h1>{e(TITLE)}</h1><h2>Your Details</h2><table width='100%' border='1' "
        "cellspacing='0' cellpadding='4'>" + field("name", "Full name")
        + field("org", "Organisation") + field("email", "Contact email") + "</table>"
        "<h2>Terms of Use</h2>" + check("terms", TERMS_TEXT)
        + "<h2>Service required</h2>" + option("public", PUBLIC_TEXT) + f"<p>{e(PUBLIC_HELP)}</p>"
        + option("partner", PARTNER_TEXT) + f"<p>{e(PARTNER_HELP)}</p>"
        "<table width='100%' border='1' cellspacing='0' cellpadding='4'>"
        + field("ip", "IP address or range") + "</table>"
        f"<h2>Your expected use</h2><p>{e(USE_INTRO)}</p>"
        "<table width='100%' border='1' cellspacing='0' cellpadding='4'>"
        + field("records", "Records you expect to code")
        + field("calls", "API calls (batch or single record requests) you expect to make")
        + f"</table><p>{e(USE_NOTE)}</p><h2>User Guide agreement</h2>" + check("guide", GUIDE_TEXT)
        + f"<h2>Provision of client credentials</h2><p>{e(CREDENTIALS_TEXT)}</p>"
        f"<p>{e(SEND_TEXT)}</p><p>{e(PRIVACY_TEXT)}</p></form></body></html>\n")


def fill_fillable(blank: Path, out: Path, a: App, names: dict, need_appearances: bool) -> None:
    """Fills the LibreOffice form with pypdf: text values (pypdf writes their appearances),
    check boxes and the option group set to their on-state names (/on, /Public ...)."""
    reader = PdfReader(blank)
    fields = reader.get_fields() or {}
    if names["name"] not in fields or names["service"] not in fields:
        raise SystemExit(f"LibreOffice did not export the form fields: {sorted(fields)}")
    writer = PdfWriter(clone_from=reader)
    values = {names[k]: raw(v) for k, v in (("name", a.name), ("org", a.org),
                                            ("email", a.email), ("ip", a.ip),
                                            ("records", a.records), ("calls", a.calls))
              if raw(v)}
    writer.update_page_form_field_values(None, values, auto_regenerate=need_appearances)
    ticks = {names["terms"]: a.terms, names["guide"]: a.guide}
    choice = {"public": names["public"], "partner": names["partner"]}.get(a.service)
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            parent = annot.get("/Parent")
            states = [k for k in annot.get("/AP", {}).get("/N", {}) if k != "/Off"]
            if parent is not None and parent.get_object().get("/T") == names["service"]:
                on = states[0]
                picked = choice is not None and on == "/" + choice
                annot[NameObject("/AS")] = NameObject(on if picked else "/Off")
                if picked:
                    parent.get_object()[NameObject("/V")] = NameObject(on)
            elif annot.get("/T") in ticks:
                state = NameObject(states[0] if ticks[annot["/T"]] else "/Off")
                annot[NameObject("/V")] = state
                annot[NameObject("/AS")] = state
    if not need_appearances and "/NeedAppearances" in writer._root_object["/AcroForm"]:
        del writer._root_object["/AcroForm"]["/NeedAppearances"]
    with open(out, "wb") as fh:
        writer.write(fh)


# --------------------------------------------------------------------------------------------
# A Word form with legacy form fields (FORMTEXT answers, FORMCHECKBOX boxes), printed to PDF by
# LibreOffice: a checked box comes out as a drawn square with a drawn X.

W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def field_runs(kind: str, name: str, value: str = "", checked: bool = False,
               default: bool = False) -> list:
    begin = (f'<w:r {W_NS}><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/>'
             '<w:enabled/><w:calcOnExit w:val="0"/>')
    if kind == "check":
        state = "" if checked == default else ("<w:checked/>" if checked
                                               else '<w:checked w:val="0"/>')
        return [parse_xml(begin + '<w:checkBox><w:size w:val="20"/><w:default w:val="'
                          f'{int(default)}"/>{state}</w:checkBox></w:ffData></w:fldChar></w:r>'),
                parse_xml(f'<w:r {W_NS}><w:instrText xml:space="preserve"> FORMCHECKBOX '
                          "</w:instrText></w:r>"),
                parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="end"/></w:r>')]
    shown = html.escape(value, quote=False) if value else "\u2002" * 5
    return [parse_xml(begin + "<w:textInput/></w:ffData></w:fldChar></w:r>"),
            parse_xml(f'<w:r {W_NS}><w:instrText xml:space="preserve"> FORMTEXT </w:instrText>'
                      "</w:r>"),
            parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="separate"/></w:r>'),
            parse_xml(f'<w:r {W_NS}><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">'
                      f"{shown}</w:t></w:r>"),
            parse_xml(f'<w:r {W_NS}><w:fldChar w:fldCharType="end"/></w:r>')]


def legacy_word_form(path: Path, a: App, opts: dict) -> None:
    d = new_word_doc(opts.get("font", "Calibri"), opts.get("size", 11), "Applicant")
    d.add_heading(TITLE, 0)
    d.add_heading("Your Details", 1)
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    set_widths(t, (4.5, 12.1))
    for i, (label, key, v) in enumerate((("Full name", "Text1", a.name),
                                         ("Organisation", "Text2", a.org),
                                         ("Contact email", "Text3", a.email))):
        t.cell(i, 0).text = label
        for r in field_runs("text", key, raw(v)):
            t.cell(i, 1).paragraphs[0]._p.append(r)
    n = [0]

    def boxed(text: str, on: bool, default: bool = False):
        n[0] += 1
        p = d.add_paragraph()
        for r in field_runs("check", f"Check{n[0]}", checked=on, default=default):
            p._p.append(r)
        p.add_run(" " + text)

    d.add_heading("Terms of Use", 1)
    boxed(TERMS_TEXT, a.terms)
    d.add_heading("Service required", 1)
    boxed(PUBLIC_TEXT, a.service in ("public", "both"))
    d.add_paragraph(PUBLIC_HELP)
    boxed(PARTNER_TEXT, a.service in ("partner", "both"))
    p = d.add_paragraph(PARTNER_HELP + " ")
    for r in field_runs("text", "Text4", raw(a.ip)):
        p._p.append(r)
    d.add_heading("Your expected use", 1)
    d.add_paragraph(USE_INTRO)
    for label, key, v in ((RECORDS_Q, "Text5", a.records), (CALLS_Q, "Text6", a.calls)):
        p = d.add_paragraph(f"\u00b7 {label} ")
        for r in field_runs("text", key, raw(v)):
            p._p.append(r)
    d.add_paragraph(USE_NOTE)
    d.add_heading("User Guide agreement", 1)
    # the form's author made this box ticked by default; the applicant may untick it
    boxed(GUIDE_TEXT, a.guide, default=opts.get("guide_default", False))
    d.add_heading("Provision of client credentials", 1)
    d.add_paragraph(CREDENTIALS_TEXT)
    d.add_paragraph(SEND_TEXT)
    d.save(path)


# --------------------------------------------------------------------------------------------
# Two-column tables (label cell | answer cell, ruled), narrow answer cells that wrap.

CELL_PAD = 5.4  # the Table Grid style's left and right cell margins (0.19 cm), in points


def answer_width_for_break(text: str, after: str, font: str, size: float) -> float:
    """An answer-cell width (cm) that makes `text` wrap right after `after` (its first
    occurrence): LibreOffice breaks a word wider than the cell at the last letter that fits,
    and after a hyphen when what follows fits on the next line."""
    cut = text.index(after) + len(after)
    head = pdfmetrics.stringWidth(text[:cut], font, size)
    if after.endswith("-"):
        rest = pdfmetrics.stringWidth(text[cut:], font, size)
        whole = pdfmetrics.stringWidth(text, font, size)
        avail = max(head, rest) + 0.35 * (whole - max(head, rest))
    else:
        avail = (head + pdfmetrics.stringWidth(text[:cut + 1], font, size)) / 2
    return (avail + 2 * CELL_PAD) / 28.3465


def table_form(path: Path, a: App, opts: dict) -> None:
    """The form retyped as a two-column Word table: the statements are row labels, answers
    and ticks in the cell to their right."""
    font, size = opts.get("font", "Calibri"), opts.get("size", 11)
    d = new_word_doc(font, size, "Applicant")
    mark = opts.get("mark", "\u2714")
    widths = (opts.get("label_cm", 9.0), opts["answer_cm"])
    p = d.add_paragraph()
    r = p.add_run(TITLE)
    r.bold, r.font.size = True, Pt(15)

    def tick(on: bool) -> str:
        return mark if on else ""

    pub, par = a.service in ("public", "both"), a.service in ("partner", "both")
    first_service = ("Service required: " + PUBLIC_TEXT) if opts.get("service_label_first") \
        else PUBLIC_TEXT
    rows = [
        ("Full name", raw(a.name)),
        ("Organisation", raw(a.org)),
        ("Contact email", raw(a.email)),
        ("Terms of Use: " + TERMS_TEXT, tick(a.terms)),
        (first_service, tick(pub)),
        (PARTNER_TEXT, tick(par)),
        ("Static agency IP address or range of addresses for allowlisting (Partner only)",
         raw(a.ip)),
        ("Records you expect to code per day (peak period)", raw(a.records)),
        ("API calls (batch or single record requests) you expect to make per day (peak period)",
         raw(a.calls)),
        ("User Guide agreement: " + GUIDE_TEXT, tick(a.guide)),
    ]
    if not opts.get("service_label_first"):
        d.add_paragraph().add_run("Service required: tick one").italic = True
    t = d.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    set_widths(t, widths)
    for i, (label, answer) in enumerate(rows):
        t.cell(i, 0).text = label
        cell = t.cell(i, 1)
        for k, line in enumerate(answer.split("\n")):
            para = cell.paragraphs[0] if k == 0 else cell.add_paragraph()
            run = para.add_run(line)
            if line in ("\u2714", "\u2713"):
                run.font.name = "Segoe UI Symbol"
    d.add_paragraph()
    d.add_paragraph(PUBLIC_HELP)
    d.add_paragraph(PARTNER_HELP.rsplit(" You must", 1)[0])
    d.add_paragraph(CREDENTIALS_TEXT)
    d.add_paragraph(SEND_TEXT)
    d.save(path)


def check_wrap(pdf: Path, email: str, after: str) -> None:
    """Fails unless the printed e-mail's first line ends right after `after`."""
    lay = Layout(pdf)
    cut = email.index(after) + len(after)
    for line in lay.lines:
        for w in line:
            if w.text and email.startswith(w.text) and len(w.text) < len(email):
                if w.text != email[:cut]:
                    raise SystemExit(f"{pdf.name}: e-mail wraps after {w.text!r}, wanted "
                                     f"{email[:cut]!r}; adjust its answer_cm")
                return
    raise SystemExit(f"{pdf.name}: e-mail {email!r} did not wrap")


# --------------------------------------------------------------------------------------------
# The cases: forms/ files, and the documents attached to mails.

TICK, HEAVY, BALLOT_X, HEAVY_X = "\u2713", "\u2714", "\u2717", "\u2718"


@dataclass
class Case:
    file: str
    make: str  # annotate | overlay | fillable | legacy | table
    app: App
    shape: str  # what the README says about it
    opts: dict = field(default_factory=dict)

    @property
    def source(self) -> str:
        return "pdf-form" if self.make == "fillable" and not self.opts.get("flatten") \
            else "pdf-text"


def acro(blank, ticks, flatten=False, tool="acrobat", **kw):
    return dict(blank=blank, ticks=ticks, flatten=flatten, tool=tool, **kw)


FORM_CASES = [
    Case("f01_acrobat_typewriter_table.pdf", "annotate",
         App("Dr Harriet Okonkwo-Bell", "Department of Health, Disability and Ageing",
             "harriet.okonkwo-bell@health.gov.au", True, "partner", "164.97.246.0/24",
             ("25,000", "25000"), ("4,000", "4000"), True, []),
         "Acrobat Typewriter FreeText (/IT /FreeTextTypewriter, /DA, /DS, /RC, /AP in page "
         "space) beside the labels and over the blanks; \u2713 typed over \u2610 (ZapfDingbats)",
         acro("word_table", TICK, author="hokonkwo")),
    Case("f02_acrobat_typewriter_table_flat.pdf", "annotate",
         App("Liam Fitzgerald", "Australian Taxation Office", "liam.fitzgerald@ato.gov.au", True,
             "public", "", "800", "600", True, []),
         "f01's shape flattened by qpdf: the answers and \u2714 are page content (form XObjects)",
         acro("word_table", HEAVY, flatten=True, author="lfitzgerald")),
    Case("f03_fillsign_leaders_x.pdf", "annotate",
         App("Aisha Rahman", "Brimbank City Council", ("A.Rahman@brimbank.vic.gov.au",
                                                      "a.rahman@brimbank.vic.gov.au"),
             True, "public", "", ("3,000", "3000"), ("2,500", "2500"), True,
             ["exceeds_public_limit"]),
         "Fill & Sign FreeText (no /Subj, no /T) on underscore leaders; X typed in [ ] boxes",
         acro("word_leaders", "X", tool="fillsign", size=9.5)),
    Case("f04_fillsign_leaders_x_flat.pdf", "annotate",
         App("Marcus Webb", "Webb Data Consulting Pty Ltd", "marcus@webbdata.com.au", True,
             "partner", "203.45.120.0/24", "12000", ("1,500", "1500"), True, []),
         "f03's shape flattened; lower-case x in the [ ] boxes",
         acro("word_leaders", "x", flatten=True, tool="fillsign", size=9.5)),
    Case("f05_preview_lines_check.pdf", "annotate",
         App("Nguy\u1ec5n Th\u1ecb Minh Ch\u00e2u", "Victorian Department of Education",
             "chau.nguyen@education.vic.gov.au", True, "partner", "203.12.200.16/28",
             ("40 000", "40000"), ("3 500", "3500"), True, []),
         "macOS Preview FreeText (/AP in its own space, embedded font, /Contents, /DA, no /RC) on "
         "the ruled lines; \u2714 typed over \u25a1; Vietnamese name; numbers with space "
         "separators",
         acro("odt_lines", HEAVY, tool="preview", author="Chau Nguyen", size=11)),
    Case("f06_preview_lines_check_flat.pdf", "annotate",
         App("Zo\u00eb Papadimitriou",
             "Australian Bureau of Agricultural and Resource Economics and Sciences",
             "zoe.papadimitriou@aff.gov.au", True, "public", "", "450", "450", True, []),
         "f05's shape flattened; \u2713 over \u25a1",
         acro("odt_lines", TICK, flatten=True, tool="preview", author="Zoe", size=11)),
    Case("f07_acrobat_ink_table.pdf", "annotate",
         App("Patrick O'Sullivan", "Department of Veterans' Affairs",
             "patrick.osullivan@dva.gov.au", False, "partner", "152.91.14.0/24",
             ("60,000", "60000"), ("5,000", "5000"), True, ["terms_not_accepted"]),
         "Acrobat typewriter text; ticks drawn with the pen (Ink annotation, /InkList, blue); "
         "Terms box left empty",
         acro("word_table", "ink", author="posullivan")),
    Case("f08_acrobat_ink_table_flat.pdf", "annotate",
         App("Grace Thompson", "Hunter New England Local Health District",
             "grace.thompson@health.nsw.gov.au", True, "partner", "10.42.8.0/24", "9000", "3000",
             True, ["non_public_ip"]),
         "f07's shape flattened: the pen ticks are stroked paths over the boxes",
         acro("word_table", "ink", flatten=True, author="gthompson")),
    Case("f09_acrobat_stamp_leaders.pdf", "annotate",
         App("Ben Carter", "Carter Research", "ben@carterresearch.com.au", True, "partner",
             ("120.150.33.7 (home broadband, dynamic)", "120.150.33.7"), ("2,000", "2000"),
             ("1,000", "1000"), True, ["dynamic_ip"]),
         "Acrobat typewriter text; ticks as check-mark Stamp annotations (filled green check, "
         "/Matrix-scaled appearance) over [ ]",
         acro("word_leaders", "stamp", author="bcarter", size=9.5)),
    Case("f10_acrobat_stamp_leaders_flat_blank_numbers.pdf", "annotate",
         App("Sophia Martinez", "Department of Finance", "sophia.martinez@finance.gov.au", True,
             "public", "", "", "", True, ["missing_expected_calls", "missing_expected_records"]),
         "f09's shape flattened; records and calls left blank (the printed 1,000 / 10,000 / "
         "300 are not answers)",
         acro("word_leaders", "stamp", flatten=True, author="smartinez", size=9.5)),
    Case("f11_preview_square_lines_both.pdf", "annotate",
         App("Oliver Chen", "Monash University", "oliver.chen@monash.edu", True, "both",
             "130.194.20.0/24", "15000", "2000", True, ["multiple_services_selected"]),
         "Preview text; boxes filled with Preview's rectangle shape (Square annotation); both "
         "services marked",
         acro("odt_lines", "square", tool="preview", author="Oliver Chen", size=11)),
    Case("f12_preview_square_lines_flat.pdf", "annotate",
         App("Emily Watson", "City of Parramatta", "ewatson@cityofparramatta.nsw.gov.au", True,
             "public", "", "600", "400", False, ["user_guide_not_agreed"]),
         "f11's shape flattened (filled squares drawn over the \u25a1); User Guide box empty",
         acro("odt_lines", "square", flatten=True, tool="preview", author="Emily", size=11)),
    Case("f13_acrobat_mixed_marks_table.pdf", "annotate",
         App("Dr Rohan Iyer", "Australian National University", "rohan.iyer@anu.edu.au", True,
             "partner", "150.203.0.0/16", ("200,000", "200000"), ("8,000", "8000"), True,
             ["ip_range_too_broad"]),
         "Acrobat: \u2717 typed over the Terms box, a pen cross (two Ink strokes) on Partner, "
         "a check Stamp on the User Guide box",
         acro("word_table", {"terms": BALLOT_X, "partner": "ink-cross", "guide": "stamp"},
              author="riyer")),
    Case("f14_fillsign_table_blank_numbers.pdf", "annotate",
         App("Hannah Lee", "Department of Home Affairs", "hannah.lee@homeaffairs.gov.au", True,
             "partner", "152.91.100.0/24", "", "", True,
             ["missing_expected_calls", "missing_expected_records"]),
         "Fill & Sign text and \u2714; the expected-use blanks left empty",
         acro("word_table", HEAVY, tool="fillsign")),
    Case("f15_typed_over_blanks_table.pdf", "overlay",
         App("Tom Nguyen", "Queensland Treasury", "tom.nguyen@treasury.qld.gov.au", True,
             "partner", "203.8.180.0/24", ("12,000", "12000"), ("2,400", "2400"), True, []),
         "answers typed into the page (Helvetica) at the blanks: the text overlaps the "
         "underscores of [ ____ ]; X typed over each \u2610",
         dict(blank="word_table", ticks="X", font="Helvetica", size=10)),
    Case("f16_typed_over_blanks_leaders.pdf", "overlay",
         App("Fatima Al-Sayed", "NSW Department of Communities and Justice",
             "fatima.al-sayed@dcj.nsw.gov.au", True, "partner", "164.97.33.0/24", "5000", "9000",
             True, ["calls_exceed_records"]),
         "answers typed into the page in Courier over the underscore leaders; \u2713 "
         "(ZapfDingbats) in the [ ] boxes",
         dict(blank="word_leaders", ticks=TICK, font="Courier", size=9.5)),
    Case("f17_typed_over_blanks_lines.pdf", "overlay",
         App("Daniel Kowalczyk", "Bureau of Meteorology", "daniel.kowalczyk@bom.gov.au", True,
             "partner", "134.178.0.0/24", ("approx. 12k", "12000"), ("TBC", ""), True,
             ["invalid_expected_calls"]),
         "answers typed into the page (embedded Liberation Sans) on the ruled lines; "
         "\u2714 over \u25a1; calls 'TBC'",
         dict(blank="odt_lines", ticks=HEAVY, font="LiberationSans", size=10.5)),
    Case("f18_lo_fillable_needappearances.pdf", "fillable",
         App("Charlotte Brown", "Australian Institute of Health and Welfare",
             "charlotte.brown@aihw.gov.au", True, "partner", "203.29.132.0/24",
             ("30,000", "30000"), ("6,000", "6000"), True, []),
         "LibreOffice fillable PDF (ExportFormFields): text fields, check boxes (/on), option "
         "group Service (/Public, /Partner); filled by pypdf, NeedAppearances true",
         dict(names="named", need_appearances=True)),
    Case("f19_lo_fillable_appearances_public.pdf", "fillable",
         App("James Murray", "Tasmanian Department of Health", "james.murray@health.tas.gov.au",
             True, "public", "", "2000", ("1,200", "1200"), True, ["exceeds_public_limit"]),
         "LibreOffice fillable PDF filled by pypdf with appearance streams, no NeedAppearances",
         dict(names="named", need_appearances=False)),
    Case("f20_lo_fillable_generic_names_no_service.pdf", "fillable",
         App("Isabella Rossi", "Wollongong City Council", "irossi@wollongong.nsw.gov.au", True,
             "none", "", "300", "300", True, ["service_not_selected"]),
         "LibreOffice fillable PDF with generic names (Text Box 1.., Check Box 1, option group "
         "'Option Button' with values 1/2); no option chosen",
         dict(names="generic", need_appearances=True)),
    Case("f21_lo_fillable_flat_partner.pdf", "fillable",
         App("William Scott", "Department of Defence",
             ("william.scott.defence.gov.au", ""), True, "partner", "152.91.60.0/24", "50000",
             "5000", True, ["invalid_contact_email"]),
         "LibreOffice fillable PDF filled, then flattened by qpdf: the chosen option is a "
         "filled circle drawn with curves, the ticked boxes a glyph in a drawn square",
         dict(names="named", need_appearances=False, flatten=True)),
    Case("f22_lo_fillable_flat_generic_public.pdf", "fillable",
         App("Mei Lin Tan", "Curtin University", "meilin.tan@curtin.edu.au", True, "public", "",
             "900", "900", True, []),
         "generic-name LibreOffice fillable PDF filled (NeedAppearances), flattened with "
         "qpdf --generate-appearances",
         dict(names="generic", need_appearances=True, flatten=True)),
    Case("f23_word_legacy_checkboxes.pdf", "legacy",
         App("Andrew McKenzie", "Bureau of Infrastructure and Transport Research Economics",
             "andrew.mckenzie@infrastructure.gov.au", True, "partner", "152.91.200.0/24",
             ("75,000", "75000"), ("7,500", "7500"), True, []),
         "Word form with legacy FORMTEXT/FORMCHECKBOX fields printed by LibreOffice: a checked "
         "box is a stroked square with two drawn diagonals",
         dict(font="Calibri")),
    Case("f24_word_legacy_checkboxes_terms_unticked.pdf", "legacy",
         App("Rebecca Hall", "University of Newcastle", "rebecca.hall@newcastle.edu.au", False,
             "public", "", "250", "250", True, ["terms_not_accepted"]),
         "legacy-field Word form (Arial) printed; Terms box unchecked, User Guide box ticked by "
         "the form's default",
         dict(font="Arial", size=10, guide_default=True)),
    Case("f25_table_narrow_email_dot.pdf", "table",
         App("Mohammed Singh",
             "Department of Employment and Workplace Relations \u2013 Jobs and Skills Australia",
             "mohammed.singh@jobsandskills.gov.au", True, "partner",
             ("164.97.104.0/24, 164.97.105.0/24", "164.97.104.0/24; 164.97.105.0/24"),
             ("45,000", "45000"), ("4,500", "4500"), True, []),
         "two-column table, narrow answer cells: e-mail wraps after 'jobsandskills.', the "
         "organisation over 3-4 lines, two IP blocks over two lines; \u2714 in answer cells",
         dict(wrap=("mohammed.singh@jobsandskills.gov.au", "jobsandskills."))),
    Case("f26_table_narrow_email_mid_word.pdf", "table",
         App("Priyanka Venkataraman",
             "Department of Infrastructure, Transport, Regional Development, Communications, "
             "Sport and the Arts",
             "priyanka.venkataraman@jobsandskills.gov.au", True, "public", "", ("2,000", "2000"),
             ("1,500", "1500"), True, ["exceeds_public_limit"]),
         "narrow table: e-mail broken inside a word ('...jobsandskills.go' / 'v.au'), the "
         "organisation over 4 lines; Yes typed in the tick cells",
         dict(wrap=("priyanka.venkataraman@jobsandskills.gov.au", "jobsandskills.go"),
              mark="Yes")),
    Case("f27_table_narrow_email_at.pdf", "table",
         App("Alexandra Papadopoulos", "Australian Competition and Consumer Commission",
             "alexandra.papadopoulos@accc.gov.au", True, "partner",
             ("2001:388:c0d3:100::/56, 203.6.249.0/24", "2001:388:c0d3:100::/56; 203.6.249.0/24"),
             ("1,000,000", "1000000"), ("10,000", "10000"), True, []),
         "narrow table in Arial: e-mail wraps after '@'; IPv6 and IPv4 blocks; X in the tick "
         "cells; calls exactly at the partner limit",
         dict(wrap=("alexandra.papadopoulos@accc.gov.au", "@"), mark="X", font="Arial",
              size=10)),
    Case("f28_table_narrow_email_hyphen.pdf", "table",
         App("Kate Ashworth-Pemberton",
             "Department of Climate Change, Energy, the Environment and Water",
             "k.ashworth-pemberton@dcceew.gov.au", True, "partner", "192.168.10.0/24", "8000",
             "2000", True, ["non_public_ip"]),
         "narrow table: e-mail wraps after its hyphen, the organisation over 3 lines",
         dict(wrap=("k.ashworth-pemberton@dcceew.gov.au", "ashworth-"))),
    Case("f29_table_service_tick_own_cell.pdf", "table",
         App("Dr Siobhan Gallagher", "Australian Digital Health Agency",
             "siobhan.gallagher@digitalhealth.gov.au", True, "partner", "203.13.140.0/24",
             ("90,000", "90000"), ("9,500", "9500"), True, []),
         "table whose first service row reads 'Service required: Public coding service (...1,000 "
         "calls per day)' with an empty cell; the \u2714 is in the Partner row's own cell; "
         "answers beside two-line labels; e-mail broken inside a word ('...@digital' / "
         "'health.gov.au')",
         dict(answer_cm=4.6, label_cm=8.0, service_label_first=True,
              expect_wrap=("siobhan.gallagher@digitalhealth.gov.au", "digital"))),
    Case("f30_table_blank_numbers_public.pdf", "table",
         App("Connor Walsh", "Geoscience Australia", "connor.walsh@ga.gov.au", True, "public", "",
             "", "", True, ["missing_expected_calls", "missing_expected_records"]),
         "table with the expected-use cells left empty beside labels and statements full of "
         "printed numbers (1,000 / 10,000 / 300); e-mail broken before its last letter "
         "('...ga.gov.a' / 'u')",
         dict(answer_cm=4.2, label_cm=9.5, service_label_first=True,
              expect_wrap=("connor.walsh@ga.gov.au", "ga.gov.a"))),
]


@dataclass
class MailCase:
    file: str
    client: str  # outlook | gmail | apple
    sender: str
    subject: str
    day: int  # March 2026
    text: str
    docs: list  # [(Case, name as sent)]
    shape: str


def greeting(first: str, org: str, what: str = "our completed registration form") -> str:
    return (f"Hello,\n\nPlease find attached {what} for the Occupation Coding Service.\n\n\n"
            f"Kind regards,\n{first}\n{org}\n")


MAIL_DOCS = {
    "m01": Case("Registration form - DSS.pdf", "annotate",
                App("Sarah Mitchell", "Department of Social Services", "sarah.mitchell@dss.gov.au",
                    True, "partner", "164.97.80.0/24", ("18,000", "18000"), ("3,000", "3000"),
                    True, []),
                "Acrobat typewriter, \u2714 glyphs", acro("word_table", HEAVY, author="smitchell")),
    "m02": Case("OCS registration.pdf", "annotate",
                App("Ravi Shankar", "Swinburne University of Technology", "rshankar@swin.edu.au",
                    True, "public", "", "700", "700", True, []),
                "Preview, flattened", acro("odt_lines", TICK, flatten=True, tool="preview",
                                           author="Ravi Shankar", size=11)),
    "m03": Case("Registration \u2013 Chlo\u00e9 Dubois.pdf", "annotate",
                App("Chlo\u00e9 Dubois", "Alliance Fran\u00e7aise de Canberra",
                    "chloe.dubois@afcanberra.org.au", True, "partner", "2401:d002:3f00::/48",
                    "20000", "1000", True, []),
                "Preview text, red pen ticks (Ink)",
                acro("odt_lines", "ink", tool="preview", author="Chlo\u00e9", size=11)),
    "m04": Case("OCS_Registration_Form_fillable.pdf", "fillable",
                App("Ahmed Karim", "Services Australia", "ahmed.karim@servicesaustralia.gov.au",
                    True, "partner", "152.91.8.0/24", ("1.5 million", "1500000"),
                    ("12,000", "12000"), True, ["exceeds_partner_limit"]),
                "LibreOffice fillable, NeedAppearances", dict(names="named",
                                                              need_appearances=True)),
    "m05": Case("CSIRO registration.pdf", "table",
                App("Bartholomew Featherstonehaugh",
                    "Commonwealth Scientific and Industrial Research Organisation",
                    "bartholomew.featherstonehaugh@csiro.au", True, "partner", "140.79.12.0/24",
                    ("250,000", "250000"), ("6,000", "6000"), True, []),
                "narrow table, e-mail wraps after 'featherstonehaugh@'; Yes in tick cells",
                dict(wrap=("bartholomew.featherstonehaugh@csiro.au", "@"), mark="Yes")),
    "m06": Case("AEC - OCS form.pdf", "overlay",
                App("", "Australian Electoral Commission", "data.team@aec.gov.au", True,
                    "public", "", "100", "100", True, ["missing_full_name"]),
                "typed into the page over the blanks; name left blank",
                dict(blank="word_table", ticks="X", font="Helvetica", size=10)),
    "m07": Case("Registration_Form_DAFF.pdf", "legacy",
                App("Michelle Tran", "Department of Agriculture, Fisheries and Forestry",
                    "michelle.tran@aff.gov.au", True, "partner", "", "20000", "2000", True,
                    ["missing_ip_allowlist"]),
                "legacy check boxes printed; no IP", dict(font="Calibri")),
    "m08": Case("robinson-analytics-ocs.pdf", "annotate",
                App("Jack Robinson", "Robinson Analytics", "jack@robinsonanalytics.com.au", True,
                    "partner", "100.72.1.5", "4000", "800", True, ["non_public_ip"]),
                "check stamps, flattened",
                acro("word_leaders", "stamp", flatten=True, author="jack", size=9.5)),
    "m09a": Case("OCS form - Nathan Price.pdf", "annotate",
                 App("Nathan Price", "Department of Industry, Science and Resources",
                     "nathan.price@industry.gov.au", True, "partner", "152.91.70.0/24", "40000",
                     "4000", True, []),
                 "pen ticks, flattened", acro("word_table", "ink", flatten=True, author="nprice")),
    "m09b": Case("OCS form - Olivia Harris.pdf", "table",
                 App("Olivia Harris", "Department of Industry, Science and Resources",
                     "olivia.harris@industry.gov.au", True, "public", "", "1000", "1000", True,
                     []),
                 "table, \u2714 cells", dict(answer_cm=4.8, expect_wrap=(
                     "olivia.harris@industry.gov.au", "industry.gov.a"))),
    "m10": Case("Ferreira OCS registration.pdf", "fillable",
                App("Lucas Ferreira", "Ferreira & Co Surveys", "lucas@ferreirasurveys.com.au",
                    True, "partner", ("101.184.22.9 (DHCP \u2013 may change)", "101.184.22.9"),
                    "3000", "500", True, ["dynamic_ip"]),
                "generic fillable, flattened",
                dict(names="generic", need_appearances=True, flatten=True)),
    "m11": Case("coding service form.pdf", "annotate",
                App("Ella Robertson", "", "ella.robertson@gmail.com", True, "public", "", "", "",
                    True, ["missing_expected_calls", "missing_expected_records",
                           "missing_organisation"]),
                "Preview text and filled squares", acro("odt_lines", "square", tool="preview",
                                                        author="Ella", size=11)),
    "m12": Case("UniSA - Occupation Coding Service registration.pdf", "annotate",
                App("Dr Kwame Mensah", "University of South Australia", "kwame.mensah@unisa.edu.au",
                    True, "partner", "130.220.8.0/24", ("3,000", "3000"), ("4,500", "4500"),
                    True, ["calls_exceed_records"]),
                "Fill & Sign X marks, pen tick on the User Guide box",
                acro("word_leaders", {"*": "X", "guide": "ink"}, tool="fillsign", size=9.5)),
}


def mail_cases() -> list[MailCase]:
    d = MAIL_DOCS

    def one(key):
        return [(d[key], d[key].file)]

    return [
        MailCase("m01_outlook_acrobat_typewriter.eml", "outlook",
                 "Sarah Mitchell <sarah.mitchell@dss.gov.au>", "OCS registration - DSS", 2,
                 greeting("Sarah Mitchell", "Department of Social Services"), one("m01"),
                 "Outlook; Acrobat typewriter answers, \u2714 glyphs over \u2610"),
        MailCase("m02_gmail_preview_flat.eml", "gmail", "Ravi Shankar <rshankar@swin.edu.au>",
                 "Registration form", 3, greeting("Ravi", "Swinburne"), one("m02"),
                 "Gmail; Preview-filled form flattened"),
        MailCase("m03_apple_preview_ink.eml", "apple",
                 "Chlo\u00e9 Dubois <chloe.dubois@afcanberra.org.au>",
                 "Occupation Coding Service \u2013 registration", 4,
                 "Bonjour,\n\nMy registration form is attached (filled in Preview).\n\n\n"
                 "Merci,\nChlo\u00e9\n", one("m03"),
                 "Apple Mail (inline attachment between text parts); Preview text, red Ink ticks"),
        MailCase("m04_outlook_fillable.eml", "outlook",
                 "Ahmed Karim <ahmed.karim@servicesaustralia.gov.au>",
                 "Services Australia - OCS registration", 5,
                 greeting("Ahmed Karim", "Services Australia"), one("m04"),
                 "Outlook; LibreOffice fillable PDF filled, NeedAppearances"),
        MailCase("m05_gmail_table_wrap_at.eml", "gmail",
                 "Bart Featherstonehaugh <bartholomew.featherstonehaugh@csiro.au>",
                 "CSIRO - coding service registration", 6,
                 greeting("Bart", "CSIRO"), one("m05"),
                 "Gmail; narrow table, e-mail wrapped after '@'"),
        MailCase("m06_apple_typed_over_blanks.eml", "apple",
                 "AEC Data Team <data.team@aec.gov.au>", "Registration", 9,
                 "Hi,\n\nForm attached.\n\n\nAEC Data Team\n", one("m06"),
                 "Apple Mail; answers typed into the page over the blanks, name blank"),
        MailCase("m07_outlook_legacy_checkboxes.eml", "outlook",
                 "Tran, Michelle <michelle.tran@aff.gov.au>", "DAFF registration form", 10,
                 greeting("Michelle Tran", "Department of Agriculture, Fisheries and Forestry"),
                 one("m07"), "Outlook; Word legacy check boxes printed to PDF, no IP"),
        MailCase("m08_gmail_stamp_flat.eml", "gmail",
                 "Jack Robinson <jack@robinsonanalytics.com.au>", "OCS registration", 11,
                 greeting("Jack", "Robinson Analytics"), one("m08"),
                 "Gmail; check stamps flattened; CGNAT address"),
        MailCase("m09_outlook_two_forms.eml", "outlook",
                 "Price, Nathan <nathan.price@industry.gov.au>", "Two OCS registrations - DISR", 12,
                 "Hello,\n\nAttached are registration forms for myself and Olivia Harris.\n\n\n"
                 "Regards,\nNathan Price\n", [(d["m09a"], d["m09a"].file),
                                              (d["m09b"], d["m09b"].file)],
                 "Outlook; two forms: pen ticks flattened, and a narrow table (e-mail broken "
                 "before its last letter)"),
        MailCase("m10_apple_fillable_flat.eml", "apple",
                 "Lucas Ferreira <lucas@ferreirasurveys.com.au>", "Registration form", 13,
                 "Hi there,\n\nCompleted form attached.\n\n\nLucas\n", one("m10"),
                 "Apple Mail; generic-name fillable PDF flattened; DHCP address"),
        MailCase("m11_gmail_preview_squares_blank.eml", "gmail",
                 "Ella Robertson <ella.robertson@gmail.com>", "coding service", 16,
                 "Hi,\n\nHere is my form.\n\n\nElla\n", one("m11"),
                 "Gmail; Preview text and Square marks; organisation and numbers blank"),
        MailCase("m12_outlook_fillsign_x.eml", "outlook",
                 "Dr Kwame Mensah <kwame.mensah@unisa.edu.au>",
                 "UniSA - Occupation Coding Service registration", 17,
                 greeting("Kwame", "University of South Australia"), one("m12"),
                 "Outlook; Fill & Sign X marks and a pen tick"),
    ]


# --------------------------------------------------------------------------------------------
# Building.


def build_docs(work: Path, office: fx.Office, cases: list[Case]) -> dict[str, Path]:
    """Makes every case's PDF in work/out; returns them by case file name."""
    register_fonts()
    blanks = build_blanks(work, office)
    out_dir = work / "out"
    out_dir.mkdir()
    made: dict[str, Path] = {}
    stage = work / "stage"
    stage.mkdir()

    # fillable blanks, one per naming scheme
    fill_src = work / "fillable-src"
    fill_src.mkdir()
    for scheme, names in FILLABLE_NAMES.items():
        (fill_src / f"fillable_{scheme}.html").write_text(fillable_html(names), encoding="utf-8")
    fillable = {p.stem.split("_", 1)[1]: p for p in office.convert(
        sorted(fill_src.glob("*.html")),
        'pdf:writer_pdf_Export:{"ExportFormFields":{"type":"boolean","value":"true"}}',
        work / "fillable-pdf", "HTML (StarWriter)")}

    # Word documents printed by LibreOffice (legacy fields, tables), in one batch
    docx_dir = work / "docx"
    docx_dir.mkdir()
    docx_of: dict[str, Path] = {}
    for i, c in enumerate(cases):
        if c.make in ("legacy", "table"):
            src = docx_dir / f"{i:02d}.docx"
            if c.make == "legacy":
                legacy_word_form(src, c.app, c.opts)
            else:
                opts = dict(c.opts)
                if "wrap" in opts:
                    email, after = opts["wrap"]
                    font = "LiberationSans" if opts.get("font") == "Arial" else "Carlito"
                    opts["answer_cm"] = answer_width_for_break(email, after, font,
                                                               opts.get("size", 11))
                table_form(src, c.app, opts)
            docx_of[c.file] = src
    printed = office.convert(list(docx_of.values()), "pdf:writer_pdf_Export", work / "printed")
    printed_of = dict(zip(docx_of, printed))

    for i, c in enumerate(cases):
        seed = c.file
        staged = stage / f"{i:02d}.pdf"
        if c.make == "annotate":
            annotate(blanks[c.opts["blank"]], c.opts["blank"], staged, c.app, c.opts, seed)
        elif c.make == "overlay":
            overlay(blanks[c.opts["blank"]], c.opts["blank"], staged, c.app, c.opts)
        elif c.make == "fillable":
            fill_fillable(fillable[c.opts["names"]], staged, c.app,
                          FILLABLE_NAMES[c.opts["names"]], c.opts["need_appearances"])
        else:
            shutil.copy(printed_of[c.file], staged)
            if "wrap" in c.opts or "expect_wrap" in c.opts:
                check_wrap(staged, *c.opts.get("wrap", c.opts.get("expect_wrap")))
        out = out_dir / c.file
        if c.opts.get("flatten"):
            extra = ["--generate-appearances"] if c.make == "fillable" else []
            fx.qpdf("--flatten-annotations=all", *extra, staged, out)
        else:
            shutil.copy(staged, out)
        fx.pin_pdf(out, PDF_WHEN, fx.pdf_id_for(c.file), renumber=True)
        made[c.file] = out
    return made


def mail_date(day: int, i: int) -> datetime:
    return datetime(2026, 3, day, 8 + i % 9, (17 * i) % 60, (31 * i) % 60,
                    tzinfo=timezone(timedelta(hours=11)))


def main() -> None:
    fx.require_tools("make_pdf_shapes.py", "soffice", "qpdf", "pdftotext")
    for key, c in [(c.file, c) for c in FORM_CASES] + [(k, c) for k, c in MAIL_DOCS.items()]:
        check_app(key, c.app)
    mails = mail_cases()
    for d in (FORMS, MAIL, EXPECTED):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    all_cases = FORM_CASES + list(MAIL_DOCS.values())
    with tempfile.TemporaryDirectory(prefix="pdf-shapes-") as tmp, fx.Office(FONTS) as office:
        made = build_docs(Path(tmp), office, all_cases)
        for c in FORM_CASES:
            shutil.copy(made[c.file], FORMS / c.file)
            fx.write_expected(EXPECTED, c.file, [fx.record(c.file, c.source, c.app.flags,
                                                           truth(c.app))])
        for i, m in enumerate(mails):
            msg = fx.client_mail(m.client, m.sender, m.subject, mail_date(m.day, i), m.text,
                                 [(sent, made[c.file].read_bytes()) for c, sent in m.docs],
                                 seed=m.file)
            (MAIL / m.file).write_bytes(msg.as_bytes(policy=msg.policy))
            fx.write_expected(EXPECTED, m.file, [
                fx.record(sent, c.source, c.app.flags, truth(c.app)) for c, sent in m.docs])
    write_readme(mails)
    total = fx.folder_size_report(SET, 150_000)
    print(f"{len(FORM_CASES)} forms, {len(mails)} mails, {total} bytes in "
          f"{SET.relative_to(fx.ROOT)}")


def write_readme(mails: list[MailCase]) -> None:
    def flags(c: Case) -> str:
        return ", ".join(c.app.flags) or "clean"

    rows = [f"| `{c.file}` | {c.source} | {flags(c)} | {c.shape} |" for c in FORM_CASES]
    mrows = [f"| `{m.file}` | {', '.join(c.source for c, _ in m.docs)} | "
             f"{'; '.join(flags(c) for c, _ in m.docs)} | {m.shape} |" for m in mails]
    versions = tool_versions()
    (SET / "README.md").write_text(README.format(
        forms="\n".join(rows), mails="\n".join(mrows), versions=versions,
        n_forms=len(FORM_CASES), n_mails=len(mails)), encoding="utf-8")


def tool_versions() -> str:
    def first_line(cmd):
        out = subprocess.run(cmd, capture_output=True, text=True)
        return ((out.stdout or out.stderr).strip().splitlines() or ["?"])[0]

    import docx
    import pypdf
    import reportlab
    return ", ".join([first_line(["soffice", "--version"]), first_line(["qpdf", "--version"]),
                      first_line(["pdftotext", "-v"]), f"pypdf {pypdf.__version__}",
                      f"reportlab {reportlab.Version}",
                      f"python-docx {getattr(docx, '__version__', '?')}"])


README = """# pdf-shapes fixtures

Registration forms as PDFs **the way applicants make them**: the official form printed blank by
LibreOffice and filled in on screen (Acrobat, Fill & Sign, macOS Preview), typed into the page,
LibreOffice fillable forms filled with pypdf, a Word form with legacy check boxes printed to
PDF, and two-column tables whose narrow cells wrap the answers. Written by
`scripts/make_pdf_shapes.py`; nothing is hand-edited.

- `forms/` ({n_forms} PDFs): what `regintake check FILE` reads.
- `mail/` ({n_mails} messages): some of the shapes attached as Outlook, Gmail and Apple Mail send
  them (each with its own applicant; one mail carries two forms).
- `expected/<file name>.json`: the truth, written from the case table in the script (each
  applicant's answers as written and, by hand, the values and flags a careful reviewer records
  per SPEC v2), never from regintake's output.

## The shapes

- **Annotations.** The blank form comes in three looks, all printed by LibreOffice: a Word form
  with a details table and \u2610 boxes (Calibri), an ODT with a ruled line under each label and
  \u25a1 boxes (Times New Roman), a Word form with underscore leaders and `[ ]` boxes (Arial). The
  applicant's text is placed where a person puts it: in the answer cell beside the label, on the
  ruled line or leader, over the underscores of `[ ____ ]`. Acrobat-shaped FreeText has
  `/IT /FreeTextTypewriter`, `/DA`, `/DS`, `/RC` rich text, `/Contents` and an appearance drawn
  in page space (BBox = Rect) with `/Helv` or `/ZaDb`; Fill & Sign's has no `/Subj` and no
  `/T`; Preview-shaped FreeText has `/Contents`, its own `/DA`, no `/RC`, and an appearance in its
  own space (BBox at 0,0) with an embedded font subset. Ticks: a glyph typed over the box
  (\u2713 \u2714 \u2717 X x), a pen tick or cross (Ink, `/InkList`), a check-mark Stamp
  (appearance scaled by `/Matrix`), a filled Square.
- **Flattened** (`qpdf --flatten-annotations=all`): the same answers and marks as page content.
- **Typed over blanks**: answers drawn into the page content at the blanks (Helvetica, Courier,
  an embedded font), overlapping the underscores; ticks as glyphs over the boxes.
- **LibreOffice fillable** (HTML form controls, `ExportFormFields`): text fields, check boxes
  (on-state `/on`) and an option-button group (`/Public` `/Partner`, or generic `1` `2`),
  filled with pypdf with NeedAppearances or with pypdf's appearance streams; flattened copies
  (`--generate-appearances`) show the chosen option as a filled circle drawn with curves.
- **Word legacy check boxes** printed by LibreOffice: a checked box is a stroked square with
  two drawn diagonals; answers in FORMTEXT fields.
- **Narrow tables**: label cell | answer cell with ruling lines; e-mails that wrap at a dot, a
  hyphen, `@`, or inside a word (`...jobsandskills.go` / `v.au`), organisations over 3-4 lines,
  IP lists over two lines, answers beside two-line labels, the chosen service marked in its own
  cell while the first service row's label reads "Service required: Public ...". The script
  checks that each e-mail wraps where the case says.
- **Printed numbers are not answers**: f10, f14, f30 and m11 leave the expected-use answers
  blank next to statements that print 1,000, 10,000 and 300.

## Judgement calls

- Annotated, flattened, typed-over, printed and flattened-fillable PDFs are `pdf-text`; a filled
  fillable PDF is `pdf-form`.
- A mark on a box counts as ticked whatever it is (a typed \u2713 \u2714 \u2717 X x, Ink tick or
  cross, Stamp, filled Square, drawn circle, drawn X): \u2717 on the Terms box (f13) is a tick.
- The legacy User Guide box of f24 has `w:default` 1 and no `w:checked`: ticked.
- Numbers written "40 000" and "3 500" (space separators) are 40000 and 3500; "approx. 12k" is
  12000; "TBC" has no number (invalid_expected_calls).
- "william.scott.defence.gov.au" (no @) is not an e-mail address.
- Exactly 1,000 calls on public (m09) and 10,000 on partner (f27) are within the limits.

## Forms

| file | source | flags | shape |
|---|---|---|---|
{forms}

## Mails

| file | source | flags | shape |
|---|---|---|---|
{mails}

## Regenerate

```sh
apt-get install libreoffice-writer-nogui qpdf poppler-utils fonts-dejavu-core \\
    fonts-liberation2 fonts-crosextra-carlito
pip install reportlab pypdf python-docx
python3 scripts/make_pdf_shapes.py
```

LibreOffice sees only DejaVu, OpenSymbol, Liberation and Carlito (`scripts/fixturelib.py`), and
every date, id and MIME boundary is pinned, so a rebuild with the same tools gives the same
bytes. Made with: {versions}.
"""


if __name__ == "__main__":
    main()
