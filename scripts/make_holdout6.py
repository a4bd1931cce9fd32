#!/usr/bin/env python3
"""Writes fixtures/holdout6: a blind set of registration forms typed in a word processor, printed
by LibreOffice, then scanned or photographed, made without reading the reader.

In: the case table below (what each applicant typed and ticked, and by hand the record a careful
reviewer writes down per SPEC v2). Out: fixtures/holdout6/{forms,mail,expected}/, README.md and
an empty known-misses.txt.

How a file is made: this script writes the form as an HTML document in one of three
word-processor styles of its own (a two-column table with shaded label cells; plain paragraphs
with the answer typed after the label; numbered questions with the answer underlined on the line
below and the boxes as bordered cells); LibreOffice Writer opens it ("HTML (StarWriter)") and
prints it to PDF; poppler's pdftoppm rasterises the page; Pillow draws pen ticks (black or blue
ink, a crossed-out wrong tick once), punch holes, a staple, a shadowed edge and the faint
bleed-through of the page behind; ImageMagick 6 adds skew, blur and grain, or makes a phone photo
of it (desk, keystone, uneven light); img2pdf / tiff2pdf wrap scans into image-only PDFs; Pillow
writes photo JPEGs with an EXIF Orientation tag. Where pen ticks go is found by printing the same
document a second time with each box in its own marker colour (colour does not move the layout).

Every random choice is seeded; dates and ids are pinned, so reruns give the same bytes with the
same tool versions. The LibreOffice PDFs themselves are never kept (only their pixels are), so
their embedded dates do not matter.

Needs: python3 pillow, LibreOffice Writer (soffice), poppler-utils (pdftoppm), ImageMagick 6
(convert), img2pdf, libtiff-tools (tiff2pdf), fonts-dejavu, fonts-liberation, fonts-opensymbol.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import html
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixturelib as fl  # noqa: E402

OUT = fl.FIXTURES / "holdout6"
WHEN = "20260311101500"
AEDT = timezone(timedelta(hours=11))

# LibreOffice sees only these fonts (fl.Office), whatever else is installed.
OFFICE_FONTS = fl.FONTS_DEJAVU_CORE + (
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
)

# The colour each box is printed in on the marker copy (to find it on the raster).
MARKERS = {"terms": (255, 0, 0), "public": (0, 190, 0), "partner": (0, 0, 255),
           "guide": (255, 0, 255)}
BOXES = ("terms", "public", "partner", "guide")


# --------------------------------------------------------------------------------------------
# The case table.


@dataclass
class Case:
    """One applicant: what they typed (`answers`) and ticked (`ticked`), how (`tick`), how the
    page was printed (`style`, `font`, `size`), scanned or photographed (`finish` and the
    degradations) and sent (`mail`), and the record a reviewer writes down (`truth`, `flags`
    besides read_by_ocr)."""
    name: str            # file name in forms/ or the attachment name in a mail
    style: str           # table | inline | numbered
    tick: str            # ☒ ☑ ✔ X [X] (typed) | pen_check | pen_x (drawn on the raster)
    answers: dict        # full_name, organisation, email, ip, records, calls
    ticked: set          # of terms, public, partner, guide
    truth: dict          # the fields, as fl.FIELD_ORDER
    flags: set
    dpi: int
    finish: str          # jpeg_pdf | g4_pdf | bilevel_pdf | png | tif | g4_tif | scan_jpg | photo
    rotate: float
    seed: int
    font: str = "Liberation Serif"
    size: float = 11
    answer_font: str = ""        # typed answers in another font ("" = the body font)
    ink: tuple = (25, 25, 30)    # pen colour
    quality: int = 75
    holes: bool = False          # two punch holes on the left
    staple: bool = False         # staple at the top-left corner
    shadow: bool = False         # a shadowed left edge (book-edge / lid gap)
    bleed: bool = False          # faint mirror image of the page behind
    orientation: int = 1         # photo: EXIF Orientation (6 or 8: stored turned)
    crossed: str = ""            # a box ticked by mistake, the tick scribbled out
    mail: dict | None = None     # client, sender, subject, text, eml
    shape: str = ""              # README line
    answer_note: str = ""        # README line


def T(name, org, email_, terms, service, ip, records, calls, guide):
    return dict(full_name=name, organisation=org, contact_email=email_, terms_accepted=terms,
                service=service, ip_allowlist=ip, expected_records_per_day=records,
                expected_api_calls_per_day=calls, user_guide_agreed=guide)


def A(name, org, email_, ip, records, calls):
    return dict(full_name=name, organisation=org, email=email_, ip=ip, records=records,
                calls=calls)


ALL = {"terms", "guide"}

CASES = [
    Case("OCS_Registration_OBrien.pdf", "table", "☒",
         A("Ms Siobhan O'Brien",
           "Department of Climate Change, Energy, the Environment & Water",
           "Siobhan.OBrien@dcceew.gov.au", "164.97.246.0/24", "1.5 million", "8,000"),
         ALL | {"partner"},
         T("Ms Siobhan O'Brien", "Department of Climate Change, Energy, the Environment & Water",
           "siobhan.obrien@dcceew.gov.au", "yes", "partner", "164.97.246.0/24", "1500000",
           "8000", "yes"),
         set(), 200, "jpeg_pdf", 0.8, 601, font="Liberation Sans", size=11, quality=70,
         staple=True,
         shape="Word-style table, shaded label cells, Liberation Sans 11 pt; img2pdf grey JPEG "
               "q70, 200 dpi, +0.8°, staple at the top-left",
         answer_note="clean; ☒ typed in place of ☐; mixed-case email; \"&\" and commas in the "
                     "organisation; \"1.5 million\""),
    Case("registration_numbered_g4.pdf", "numbered", "X",
         A("Mr Rhys Smith-Jones", "Charles Sturt University", "rsmith-jones@csu.edu.au",
           "150.203.22.14, 203.0.113.40", "60,000", "4,000"),
         ALL | {"partner"},
         T("Mr Rhys Smith-Jones", "Charles Sturt University", "rsmith-jones@csu.edu.au", "yes",
           "partner", "150.203.22.14; 203.0.113.40", "60000", "4000", "yes"),
         {"non_public_ip"}, 300, "g4_pdf", -1.1, 602, font="DejaVu Serif", size=10,
         holes=True,
         shape="numbered questions, answers underlined below, boxes as bordered cells, DejaVu "
               "Serif 10 pt; CCITT G4 TIFF in PDF (tiff2pdf), 300 dpi, −1.1°, two punch holes",
         answer_note="two addresses, the second in documentation space 203.0.113.0/24; X typed "
                     "in the box cells"),
    Case("scan_inline_150dpi.png", "inline", "[X]",
         A("Dr Anjali Desai-Whitfield", "Monash University, Centre for Health Economics",
           "a.desai-whitfield(at)monash.edu", "", "5,000", "approx. 2k"),
         ALL | {"public"},
         T("Dr Anjali Desai-Whitfield", "Monash University, Centre for Health Economics", "",
           "yes", "public", "", "5000", "2000", "yes"),
         {"exceeds_public_limit", "invalid_contact_email"}, 150, "png", 1.5, 603,
         font="Liberation Serif", size=12, shadow=True,
         shape="plain paragraphs, answer after the label on the same line, [X]/[ ] typed, "
               "Liberation Serif 12 pt; grey PNG scan, 150 dpi, +1.5°, shadowed left edge",
         answer_note="public at \"approx. 2k\" calls; email written \"(at)\""),
    Case("IMG_4821.jpg", "table", "pen_check",
         A("Mr Liam McAllister-Grant",
           "Australian Bureau of Agricultural & Resource Economics & Sciences",
           "liam.mcallister-grant@aff.gov.au", "", "3,000", "800"),
         ALL | {"public"},
         T("Mr Liam McAllister-Grant",
           "Australian Bureau of Agricultural & Resource Economics & Sciences",
           "liam.mcallister-grant@aff.gov.au", "yes", "public", "", "3000", "800", "yes"),
         set(), 150, "photo", -1.2, 604, font="DejaVu Sans", size=10, ink=(28, 52, 160),
         orientation=6,
         shape="Word-style table, shaded label cells, DejaVu Sans 10 pt, printed ☐, blue pen ✓; "
               "phone photo JPEG stored landscape with EXIF Orientation=6",
         answer_note="clean; public under the limit"),
    Case("form_bilevel_200dpi.pdf", "numbered", "pen_x",
         A("Professor Helen Brennan-Moss", "Australian National University",
           "helen.brennan-moss@anu.edu.au", "130.56.0.0 - 130.56.3.255", "2,000 - 4,000",
           "3,000"),
         ALL | {"partner"},
         T("Professor Helen Brennan-Moss", "Australian National University",
           "helen.brennan-moss@anu.edu.au", "yes", "partner", "130.56.0.0-130.56.3.255",
           "4000", "3000", "yes"),
         {"ip_range_too_broad"}, 200, "bilevel_pdf", -0.6, 605, font="Liberation Serif",
         size=11, answer_font="Liberation Sans",
         shape="numbered questions, bordered box cells, Liberation Serif 11 pt with answers in "
               "Liberation Sans; black pen X; bilevel (-threshold) PNG in PDF, 200 dpi, −0.6°",
         answer_note="a range \"a - b\" of 1,024 addresses (wider than /24); records \"2,000 - "
                     "4,000\" (peak 4000)"),
    Case("scan_g4_200dpi.tif", "inline", "☑",
         A("Ms Ngaio Parata-Hughes", "Services Australia", "ngaio.parata-hughes@servicesaustralia.gov.au",
           "203.8.20.33", "12,000", "600"),
         ALL | {"public", "partner"},
         T("Ms Ngaio Parata-Hughes", "Services Australia",
           "ngaio.parata-hughes@servicesaustralia.gov.au", "yes", "", "203.8.20.33", "12000",
           "600", "yes"),
         {"multiple_services_selected"}, 200, "g4_tif", 0.7, 606, font="DejaVu Sans", size=10,
         shape="plain paragraphs, ☑/☐ glyphs, DejaVu Sans 10 pt; bilevel CCITT G4 TIFF file, "
               "200 dpi, +0.7°",
         answer_note="both services ☑ with an IP given (only that flag)"),
    Case("Scan_2026-03-11_093214.pdf", "table", "✔",
         A("Mr Kieran O'Sullivan", "Queensland Treasury, Economics & Fiscal",
           "kieran.osullivan@treasury.qld.gov.au", "", "900", "400"),
         {"guide", "public"},
         T("Mr Kieran O'Sullivan", "Queensland Treasury, Economics & Fiscal",
           "kieran.osullivan@treasury.qld.gov.au", "no", "public", "", "900", "400", "yes"),
         {"terms_not_accepted"}, 150, "jpeg_pdf", -1.8, 607, font="DejaVu Serif", size=10.5,
         quality=55, bleed=True, holes=True,
         shape="Word-style table, shaded label cells, DejaVu Serif 10.5 pt, ✔ typed in place of "
               "☐; img2pdf grey JPEG q55, 150 dpi, −1.8°, bleed-through, punch holes",
         answer_note="Terms box left ☐"),
    # ---- mails
    Case("Registration form - Wong.pdf", "numbered", "pen_check",
         A("Dr Mei-Ling Wong", "Australian Institute of Health & Welfare",
           "mei-ling.wong@aihw.gov.au", "2403:5800:100::/48", "250,000", "9,500"),
         ALL | {"partner"},
         T("Dr Mei-Ling Wong", "Australian Institute of Health & Welfare",
           "mei-ling.wong@aihw.gov.au", "yes", "partner", "2403:5800:100::/48", "250000", "9500",
           "yes"),
         set(), 200, "jpeg_pdf", 1.2, 608, font="Liberation Sans", size=10.5, quality=80,
         mail=dict(client="outlook", sender="Wong, Mei-Ling <mei-ling.wong@aihw.gov.au>",
                   subject="Occupation Coding Service - registration form (AIHW)",
                   eml="m01_outlook_pdf_pen_check.eml",
                   text="Good morning,\n\nPlease find attached our signed registration form for "
                        "the partner coding service.\n\nKind regards,\nMei-Ling Wong\nSenior "
                        "Data Analyst | AIHW"),
         shape="Outlook; numbered questions, bordered box cells, Liberation Sans 10.5 pt, black "
               "pen ✓; img2pdf grey JPEG q80, 200 dpi, +1.2°",
         answer_note="clean; IPv6 /48; partner at 9,500 calls"),
    Case("scan0012.jpg", "inline", "[X]",
         A("Ms Jessica Tran", "Tran & Associates Consulting Pty Ltd", "jess@tranassociates.com.au",
           "101.181.77.203 (dynamic - home NBN connection)", "20,000", "3,500"),
         ALL | {"partner"},
         T("Ms Jessica Tran", "Tran & Associates Consulting Pty Ltd",
           "jess@tranassociates.com.au", "yes", "partner", "101.181.77.203", "20000", "3500",
           "yes"),
         {"dynamic_ip"}, 150, "scan_jpg", -0.7, 609, font="Liberation Serif", size=11,
         quality=65, answer_font="DejaVu Sans Mono",
         mail=dict(client="gmail", sender="Jessica Tran <jess@tranassociates.com.au>",
                   subject="OCS registration",
                   eml="m02_gmail_jpeg_dynamic.eml",
                   text="Hi,\n\nScanned form attached. Let me know if you need anything "
                        "else.\n\nJess"),
         shape="Gmail; plain paragraphs, [X]/[ ], Liberation Serif 11 pt with answers in DejaVu "
               "Sans Mono; colour JPEG scan q65, 150 dpi, −0.7°",
         answer_note="the address noted as a dynamic home connection"),
    Case("IMG_0317.jpg", "table", "pen_check",
         A("Mr Aaron Fitzpatrick", "Bureau of Meteorology", "a.fitzpatrick@bom.gov.au",
           "134.178.10.0/24", "approx. 40,000", "5,000"),
         ALL | {"partner"},
         T("Mr Aaron Fitzpatrick", "Bureau of Meteorology", "a.fitzpatrick@bom.gov.au", "yes",
           "partner", "134.178.10.0/24", "40000", "5000", "yes"),
         set(), 200, "photo", 1.6, 610, font="Liberation Serif", size=11, ink=(20, 40, 140),
         crossed="public",
         mail=dict(client="iphone", sender="Aaron Fitzpatrick <a.fitzpatrick@bom.gov.au>",
                   subject="Registration form",
                   eml="m03_iphone_photo_crossed_out.eml",
                   text="Form attached, photo from my phone sorry"),
         shape="iPhone Mail (\"Sent from my iPhone\"); Word-style table, Liberation Serif 11 pt, "
               "printed ☐, blue pen ✓; Public ticked by mistake and scribbled out; phone photo",
         answer_note="clean; the Public tick is scribbled over, Partner ticked cleanly"),
    Case("20260311103512.pdf", "numbered", "X",
         A("Mrs Rosalind Achebe-Hart",
           "NSW Department of Education, Centre for Education Statistics & Evaluation",
           "rosalind.achebe-hart@det.nsw.edu.au", "", "700", "250"),
         ALL,
         T("Mrs Rosalind Achebe-Hart",
           "NSW Department of Education, Centre for Education Statistics & Evaluation",
           "rosalind.achebe-hart@det.nsw.edu.au", "yes", "", "", "700", "250", "yes"),
         {"service_not_selected"}, 200, "jpeg_pdf", -0.5, 611, font="DejaVu Sans", size=10,
         quality=50, holes=True,
         mail=dict(client="ricoh", sender="RICOH IM C3000 <mfp-l3-parramatta@det.nsw.edu.au>",
                   subject="Scanned from RNP002673A2BC6",
                   eml="m04_scanner_ricoh_no_service.eml", text="",
                   date=datetime(2026, 3, 11, 10, 35, 14, tzinfo=AEDT)),
         shape="scanner appliance (Ricoh scan-to-email); numbered questions, bordered box cells, "
               "DejaVu Sans 10 pt; img2pdf grey JPEG q50, 200 dpi, −0.5°, punch holes",
         answer_note="neither service box marked, no IP"),
    Case("PXL_20260311_041233.jpg", "inline", "pen_check",
         A("Mr Daniel Kovacs", "", "dkovacs.research@gmail.com", "", "15,000", "2,000"),
         ALL | {"partner"},
         T("Mr Daniel Kovacs", "", "dkovacs.research@gmail.com", "yes", "partner", "", "15000",
           "2000", "yes"),
         {"missing_ip_allowlist", "missing_organisation"}, 150, "photo", -1.4, 612,
         font="Liberation Sans", size=11,
         orientation=8,
         mail=dict(client="gmail", sender="Daniel Kovacs <dkovacs.research@gmail.com>",
                   subject="Form for coding service",
                   eml="m05_gmail_photo_exif8_blanks.eml",
                   text="Hello,\n\nHere is my registration form (photo). I am an independent "
                        "researcher.\n\nThanks,\nDaniel"),
         shape="Gmail; plain paragraphs, printed ☐, black pen ✓, Liberation Sans 11 pt; phone "
               "photo stored landscape with EXIF Orientation=8",
         answer_note="partner, organisation and IP left blank"),
    Case("OCS form.tif", "table", "☒",
         A("Ms Harriet Llewellyn-Jones", "Australian Electoral Commission",
           "harriet.llewellyn-jones@aec.gov.au", "192.43.239.0/24", "1,000", "1,500"),
         {"terms", "partner"},
         T("Ms Harriet Llewellyn-Jones", "Australian Electoral Commission",
           "harriet.llewellyn-jones@aec.gov.au", "yes", "partner", "192.43.239.0/24", "1000",
           "1500", "no"),
         {"calls_exceed_records", "user_guide_not_agreed"}, 200, "tif", -0.9, 613,
         font="Liberation Serif", size=11, answer_font="Liberation Sans", shadow=True,
         mail=dict(client="outlook",
                   sender="Llewellyn-Jones, Harriet <harriet.llewellyn-jones@aec.gov.au>",
                   subject="RE: Occupation Coding Service registration",
                   eml="m06_outlook_tiff_guide_calls.eml",
                   text="Hi,\n\nAs requested, the form is attached (scanned from our copier "
                        "as TIFF).\n\nRegards,\nHarriet"),
         shape="Outlook; Word-style table, Liberation Serif 11 pt with answers in Liberation "
               "Sans, ☒ typed; 16-level grey LZW TIFF (image/tiff), 200 dpi, −0.9°, shadowed edge",
         answer_note="User Guide box left ☐; 1,500 calls > 1,000 records"),
    Case("SKM_C25826031110150.pdf", "inline", "☒",
         A("Ms Yasmin Haddad", "Department of Employment and Workplace Relations",
           "yasmin.haddad@dewr.gov.au", "", "2,500", "1,000"),
         ALL | {"public"},
         T("Ms Yasmin Haddad", "Department of Employment and Workplace Relations",
           "yasmin.haddad@dewr.gov.au", "yes", "public", "", "2500", "1000", "yes"),
         set(), 300, "bilevel_pdf", 0.4, 614, font="DejaVu Serif", size=10.5, staple=True,
         mail=dict(client="konica", sender="KM_C258 <scan.l2@dewr.gov.au>",
                   subject="Message from KM_C258",
                   eml="m07_scanner_konica_bilevel.eml", text="",
                   date=datetime(2026, 3, 11, 10, 15, 7, tzinfo=AEDT)),
         shape="scanner appliance (Konica Minolta scan-to-email); plain paragraphs, ☒/☐ "
               "glyphs, DejaVu Serif 10.5 pt; bilevel PNG in PDF, 300 dpi, +0.4°, staple",
         answer_note="clean; public at exactly 1,000 calls"),
]


# --------------------------------------------------------------------------------------------
# The document, as the applicant typed it (HTML that LibreOffice Writer lays out).


def esc(s: str) -> str:
    return html.escape(s, quote=False)


class Doc:
    """Writes one case's form in its style. marker=True prints each box in its marker colour
    (the copy used only to find the boxes on the raster)."""

    def __init__(self, case: Case, marker: bool):
        self.c = case
        self.marker = marker
        self.a = case.answers

    def ans(self, text: str) -> str:
        if self.c.answer_font:
            return f'<font face="{self.c.answer_font}">{esc(text)}</font>'
        return esc(text)

    def glyph(self, key: str) -> str:
        """The box before a statement as printed/typed: ☐, or the typed tick in its place."""
        t = self.c.tick
        on = key in self.c.ticked
        if t == "[X]":
            g = "[X]" if on else "[&nbsp;&nbsp;]"
        elif t in ("☒", "☑", "✔") and on:
            g = t
        else:
            g = "☐"
        colour = "#%02x%02x%02x" % MARKERS[key] if self.marker else "#000000"
        size = self.c.size + (3 if g != "[X]" and not g.startswith("[") else 0)
        face = "Liberation Mono" if g.startswith("[") else "DejaVu Sans"
        return (f'<font face="{face}" color="{colour}" style="font-size:{size}pt">'
                f"{g}</font>")

    def cell_box(self, key: str) -> str:
        """A box as a bordered one-cell table (numbered style); X typed in it when ticked."""
        on = key in self.c.ticked and self.c.tick == "X"
        bg = ' bgcolor="#%02x%02x%02x"' % MARKERS[key] if self.marker else ""
        return (f'<table border="1" cellpadding="1" cellspacing="0" width="22"><tr>'
                f'<td width="22" height="20" align="center"{bg}><b>{"X" if on else "&nbsp;"}'
                f"</b></td></tr></table>")

    # -- the three styles

    def head(self) -> str:
        c = self.c
        return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Registration form'
                "</title><style>"
                f'body {{ font-family: "{c.font}"; font-size: {c.size}pt; }} '
                f'p, td, li {{ font-family: "{c.font}"; font-size: {c.size}pt; }} '
                "</style></head><body>")

    def table(self) -> str:
        a, c = self.a, self.c
        lab = 'bgcolor="#d9d9d9" width="32%" valign="top"'
        sec = 'colspan="2" bgcolor="#1f3864"'

        def section(t):
            return f'<tr><td {sec}><font color="#ffffff"><b>{esc(t)}</b></font></td></tr>'

        def row(label, value):
            return f"<tr><td {lab}><b>{esc(label)}</b></td><td valign=\"top\">{value}</td></tr>"

        def tick_row(label, key, text, help_=""):
            h = f"<br><i>{esc(help_)}</i>" if help_ else ""
            return row(label, f"{self.glyph(key)}&nbsp; {esc(text)}{h}")

        rows = [
            section("Your Details"),
            row("Full name", self.ans(a["full_name"])),
            row("Organisation", self.ans(a["organisation"])),
            row("Contact email", self.ans(a["email"])),
            section("Terms of Use"),
            tick_row("I agree", "terms", fl.TERMS_TEXT),
            section("Service required"),
            tick_row("Public", "public", fl.PUBLIC_TEXT, fl.PUBLIC_HELP),
            tick_row("Partner", "partner", fl.PARTNER_TEXT, fl.PARTNER_HELP),
            row("IP address or range for allowlisting", self.ans(a["ip"])),
            section("Your expected use"),
            f'<tr><td colspan="2">{esc(fl.USE_INTRO)}</td></tr>',
            row("Records you expect to code", self.ans(a["records"])),
            row("API calls (batch or single record requests) you expect to make",
                self.ans(a["calls"])),
            f'<tr><td colspan="2"><i>{esc(fl.USE_NOTE)}</i></td></tr>',
            section("User Guide agreement"),
            tick_row("I agree", "guide", fl.GUIDE_TEXT),
        ]
        return (self.head() + f'<h2 align="center">{esc(fl.TITLE)}</h2>'
                '<table border="1" cellpadding="5" cellspacing="0" width="100%">'
                + "".join(rows) + "</table>"
                f"<p><b>Provision of client credentials</b><br>{esc(fl.CREDENTIALS_TEXT)}</p>"
                f"<p>{esc(fl.SEND_TEXT)}</p>"
                f'<p><font size="1">{esc(fl.PRIVACY_TEXT)}</font></p></body></html>')

    def inline(self) -> str:
        a = self.a

        def h(t):
            return f"<p><b><u>{esc(t)}</u></b></p>"

        def line(label, value):
            return f"<p>{esc(label)} {self.ans(value)}</p>"

        def stmt(key, text):
            return f"<p>{self.glyph(key)}&nbsp; {esc(text)}</p>"

        ip = f" {self.ans(a['ip'])}" if a["ip"] else " ____________________________"
        parts = [
            f'<p align="center"><b><font size="5">{esc(fl.TITLE)}</font></b></p>',
            h("Your Details"),
            line("Full name:", a["full_name"]),
            line("Organisation:", a["organisation"]),
            line("Contact email:", a["email"]),
            h("Terms of Use"),
            stmt("terms", fl.TERMS_TEXT),
            h("Service required"),
            stmt("public", fl.PUBLIC_TEXT),
            f'<p style="margin-left:1cm"><i>{esc(fl.PUBLIC_HELP)}</i></p>',
            stmt("partner", fl.PARTNER_TEXT),
            f'<p style="margin-left:1cm"><i>{esc(fl.PARTNER_HELP)}</i>{ip}</p>',
            h("Your expected use"),
            f"<p>{esc(fl.USE_INTRO)}</p>",
            line("· " + fl.RECORDS_Q, a["records"]),
            line("· " + fl.CALLS_Q, a["calls"]),
            f"<p>{esc(fl.USE_NOTE)}</p>",
            h("User Guide agreement"),
            stmt("guide", fl.GUIDE_TEXT),
            h("Provision of client credentials"),
            f"<p>{esc(fl.CREDENTIALS_TEXT)}</p>",
            f"<p>{esc(fl.SEND_TEXT)}</p>",
        ]
        return self.head() + "".join(parts) + "</body></html>"

    def numbered(self) -> str:
        a = self.a
        blank = "_" * 44

        def q(n, label, value):
            v = f"<u>{self.ans(value)}</u>" if value else blank
            return (f"<p><b>{n}.&nbsp; {esc(label)}</b></p>"
                    f'<p style="margin-left:0.8cm">{v}</p>')

        def boxed(key, text, help_=""):
            h = f"<br><i>{esc(help_)}</i>" if help_ else ""
            return ('<table border="0" cellpadding="3" cellspacing="0" width="100%"><tr>'
                    f'<td width="34" valign="top">{self.cell_box(key)}</td>'
                    f'<td valign="top">{esc(text)}{h}</td></tr></table>')

        parts = [
            f'<p align="center"><b><font size="5">{esc(fl.TITLE)}</font></b></p>',
            "<p><b>Your Details</b></p>",
            q(1, "Full name", a["full_name"]),
            q(2, "Organisation", a["organisation"]),
            q(3, "Contact email", a["email"]),
            "<p><b>4.&nbsp; Terms of Use</b></p>",
            boxed("terms", fl.TERMS_TEXT),
            "<p><b>5.&nbsp; Service required</b></p>",
            boxed("public", fl.PUBLIC_TEXT, fl.PUBLIC_HELP),
            boxed("partner", fl.PARTNER_TEXT, fl.PARTNER_HELP),
            q(6, "Static agency IP address or range of addresses for allowlisting", a["ip"]),
            f"<p><b>7.&nbsp; Your expected use</b><br>{esc(fl.USE_INTRO)}</p>",
            q("7a", "Records you expect to code", a["records"]),
            q("7b", "API calls (batch or single record requests) you expect to make",
              a["calls"]),
            f"<p><i>{esc(fl.USE_NOTE)}</i></p>",
            "<p><b>8.&nbsp; User Guide agreement</b></p>",
            boxed("guide", fl.GUIDE_TEXT),
            f"<p><b>Provision of client credentials</b><br>{esc(fl.CREDENTIALS_TEXT)}</p>",
            f"<p>{esc(fl.SEND_TEXT)}</p>",
        ]
        return self.head() + "".join(parts) + "</body></html>"

    def html(self) -> str:
        return getattr(self, self.c.style)()


BLEED_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
    f'<p><b>Provision of client credentials</b></p><p>{esc(fl.CREDENTIALS_TEXT)}</p>'
    f"<p>{esc(fl.SEND_TEXT)}</p><p>{esc(fl.MORE_INFO_TEXT)}</p><p>{esc(fl.PRIVACY_TEXT)}</p>"
    + "".join(f"<p>{esc(fl.PRIVACY_TEXT)} {esc(fl.USE_NOTE)}</p>" for _ in range(8))
    + "</body></html>")


# --------------------------------------------------------------------------------------------
# Raster: boxes, pen ticks, scanner and camera.


def run(*cmd):
    subprocess.run([str(c) for c in cmd], check=True)


def find_boxes(marked: Image.Image) -> dict:
    """Each box's bounding box (pixels) on the marker copy."""
    r, g, b = marked.convert("RGB").split()

    def hi(band):
        return band.point(lambda v: 255 if v > 150 else 0)

    def lo(band):
        return band.point(lambda v: 255 if v < 100 else 0)

    masks = {"terms": (hi(r), lo(g), lo(b)), "public": (lo(r), hi(g), lo(b)),
             "partner": (lo(r), lo(g), hi(b)), "guide": (hi(r), lo(g), hi(b))}
    out = {}
    for key, (m1, m2, m3) in masks.items():
        m = ImageChops.multiply(ImageChops.multiply(m1, m2), m3)
        out[key] = m.getbbox()
    return out


def pen_stroke(draw, rng, points, s, ink, width):
    pts = []
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        for k in range(7):
            t = k / 7
            pts.append((ax + (bx - ax) * t + rng.uniform(-0.05, 0.05) * s,
                        ay + (by - ay) * t + rng.uniform(-0.05, 0.05) * s))
    pts.append(points[-1])
    draw.line(pts, fill=ink, width=width, joint="curve")


def pen_tick(draw, rng, kind, box, ink, dpi):
    """A hand's ✓ or X over the box (x0, y0, x1, y1), overshooting it: bigger than a small
    printed ☐, about the size of a drawn box cell."""
    x0, y0, x1, y1 = box
    s = max(x1 - x0, y1 - y0)
    s *= 1.3 if s < 0.15 * dpi else 0.85
    x, y = x0 - 0.1 * s, y0 - 0.1 * s
    width = max(3, round(s * 0.17))
    if kind == "pen_check":
        pen_stroke(draw, rng, [(x - 0.05 * s, y + 0.45 * s), (x + 0.38 * s, y + 1.1 * s),
                               (x + 1.6 * s, y - 0.75 * s)], s, ink, width)
    else:
        pen_stroke(draw, rng, [(x - 0.35 * s, y - 0.3 * s), (x + 1.3 * s, y + 1.3 * s)],
                   s, ink, width)
        pen_stroke(draw, rng, [(x + 1.3 * s, y - 0.35 * s), (x - 0.3 * s, y + 1.3 * s)],
                   s, ink, width)


def scribble(draw, rng, box, ink):
    """The applicant's tick crossed out: a dense zigzag over the box and past it."""
    x0, y0, x1, y1 = box
    s = max(x1 - x0, y1 - y0)
    width = max(3, round(s * 0.15))
    pts = []
    n = 8
    for i in range(n):
        yy = y0 - 0.8 * s + i * (2.4 * s / (n - 1))
        xa, xb = (x0 - 0.6 * s, x1 + 0.7 * s) if i % 2 == 0 else (x1 + 0.7 * s, x0 - 0.6 * s)
        pts.append((xa + rng.uniform(-0.1, 0.1) * s, yy + rng.uniform(-0.08, 0.08) * s))
        pts.append((xb + rng.uniform(-0.1, 0.1) * s, yy + 0.08 * s))
    draw.line(pts, fill=ink, width=width, joint="curve")


def draw_pen(case: Case, page: Image.Image, boxes: dict) -> Image.Image:
    img = page.convert("RGB")
    draw = ImageDraw.Draw(img)
    rng = random.Random(case.seed)
    for key in BOXES:
        if boxes[key] is None:
            raise SystemExit(f"{case.name}: box {key} not found on the marker copy")
        if case.tick.startswith("pen") and key in case.ticked:
            pen_tick(draw, rng, case.tick, boxes[key], case.ink, case.dpi)
        if key == case.crossed:
            pen_tick(draw, rng, case.tick, boxes[key], case.ink, case.dpi)
            scribble(draw, rng, boxes[key], case.ink)
    return img


def paper_marks(case: Case, img: Image.Image, bleed: Image.Image | None) -> Image.Image:
    """What the paper and the scanner add before the scanner's optics: the page behind showing
    through, punch holes, a staple, a shadowed edge."""
    img = img.convert("RGB")
    w, h = img.size
    mm = case.dpi / 25.4
    if bleed is not None:
        ghost = ImageOps.mirror(bleed.convert("L").resize((w, h)))
        ghost = ghost.point(lambda v: 255 - round((255 - v) * 0.07))
        img = ImageChops.multiply(img, Image.merge("RGB", (ghost, ghost, ghost)))
    draw = ImageDraw.Draw(img)
    if case.holes:  # ISO 838: 80 mm apart, centred, 12 mm from the edge, 6 mm across
        for cy in (h / 2 - 40 * mm, h / 2 + 40 * mm):
            r = 3 * mm
            cx = 12 * mm
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(58, 58, 58))
            draw.arc((cx - r, cy - r, cx + r, cy + r), 200, 340, fill=(150, 150, 150),
                     width=max(1, round(0.4 * mm)))
    if case.staple:
        x, y = 8 * mm, 6 * mm
        draw.line((x, y + 10 * mm, x + 10 * mm, y), fill=(170, 170, 170),
                  width=round(1.6 * mm))
        draw.line((x, y + 10 * mm, x + 10 * mm, y), fill=(70, 70, 75), width=round(0.7 * mm))
    if case.shadow:
        band = round(w * 0.06)
        grad = Image.linear_gradient("L").rotate(90, expand=True).resize((band, h))
        grad = ImageOps.mirror(grad).point(lambda v: 110 + round(v * 145 / 255))
        shade = Image.new("L", (w, h), 255)
        shade.paste(grad, (0, 0))
        img = ImageChops.multiply(img, Image.merge("RGB", (shade, shade, shade)))
    return img


def scanner(case: Case, page: Path, out: Path, colour=False):
    """An office scanner: skew, optics blur, grain (seeded)."""
    cmd = ["convert", page]
    if not colour:
        cmd += ["-colorspace", "Gray"]
    cmd += ["-background", "white", "-rotate", str(case.rotate), "-blur", "0x0.55",
            "-seed", str(case.seed)]
    if case.finish not in ("png", "tif", "g4_tif"):
        cmd += ["-attenuate", "0.2", "+noise", "Gaussian"]
    cmd += ["-strip", "-define", "png:exclude-chunks=date,time", out]
    run(*cmd)


def camera(case: Case, page: Path, out_png: Path):
    """A phone photo: the page on a wooden desk, keystone perspective, a tilt, uneven light,
    slight blur, grain. Written as PNG; the JPEG (with its EXIF) is Pillow's."""
    img = Image.open(page)
    w, h = img.size
    bw, bh = int(w * 0.09), int(h * 0.07)
    W, H = w + 2 * bw, h + 2 * bh
    rng = random.Random(case.seed)
    d = [rng.uniform(0.01, 0.035) for _ in range(8)]
    src = [(bw, bh), (bw + w, bh), (bw + w, bh + h), (bw, bh + h)]
    dst = [(bw + d[0] * w * 0.5, bh + d[1] * h), (bw + w - d[2] * w, bh + d[3] * h * 0.4),
           (bw + w - d[4] * w * 0.3, bh + h - d[5] * h * 0.5),
           (bw + d[6] * w * 0.6, bh + h - d[7] * h * 0.2)]
    pairs = " ".join(f"{sx},{sy} {dx:.1f},{dy:.1f}" for (sx, sy), (dx, dy) in zip(src, dst))
    run("convert", page, "-colorspace", "sRGB", "(", "+clone", "-fill", "#f6f1e6",
        "-colorize", "100", ")", "-compose", "multiply", "-composite", "-compose", "over",
        "-bordercolor", "#6b5440", "-border", f"{bw}x{bh}",
        "-background", "#6b5440", "-virtual-pixel", "background",
        "-distort", "Perspective", pairs, "-rotate", str(case.rotate),
        "-gravity", "center", "-extent", f"{W}x{H}",
        "(", "-size", f"{W}x{H}", "xc:white", "-sparse-color", "barycentric",
        f"0,0 #a8a8a8 {W * 0.7:.0f},{H * 0.3:.0f} #ffffff {W},{H} #c2c2c2", ")",
        "-compose", "multiply", "-composite", "-compose", "over", "-blur", "0x1.0",
        "-seed", str(case.seed), "-attenuate", "0.25", "+noise", "Gaussian",
        "-strip", "-define", "png:exclude-chunks=date,time", out_png)


def save_photo(case: Case, png: Path, out: Path):
    """The phone's JPEG: stored turned when the EXIF Orientation says the viewer must turn it
    (6: turn 90° clockwise to show; 8: 90° anticlockwise)."""
    img = Image.open(png).convert("RGB")
    if case.orientation == 6:
        img = img.transpose(Image.Transpose.ROTATE_90)
    elif case.orientation == 8:
        img = img.transpose(Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x010F] = "Apple" if case.name.startswith("IMG_") else "Google"
    exif[0x0110] = "iPhone 13" if case.name.startswith("IMG_") else "Pixel 7"
    exif[0x0112] = case.orientation
    exif[0x0132] = "2026:03:11 10:15:00"
    img.save(out, "JPEG", quality=case.quality if case.quality != 75 else 78,
             exif=exif.tobytes(), subsampling=2)
    check = ImageOps.exif_transpose(Image.open(out))
    assert check.height > check.width, f"{case.name}: not upright after EXIF orientation"


def finish(case: Case, page: Image.Image, work: Path, out: Path):
    """Turns the marked-up raster page into the file the applicant sends."""
    src = work / "marked.png"
    page.save(src)
    if case.finish == "photo":
        shot = work / "photo.png"
        camera(case, src, shot)
        save_photo(case, shot, out)
        return
    deg = work / "deg.png"
    scanner(case, src, deg, colour=case.finish == "scan_jpg")
    dens = ["-density", case.dpi, "-units", "PixelsPerInch"]
    if case.finish == "png":
        run("convert", deg, "-colorspace", "Gray", "-depth", "8", *dens, "-strip",
            "-define", "png:exclude-chunks=date,time", out)
    elif case.finish == "scan_jpg":
        run("convert", deg, "-quality", case.quality, "-sampling-factor", "2x2", *dens,
            "-strip", out)
    elif case.finish == "tif":
        # an office copier's 16-level grey, LZW
        run("convert", deg, "-colorspace", "Gray", "-posterize", "16", "-depth", "8",
            "-compress", "LZW", *dens, "-strip", out)
    elif case.finish == "g4_tif":
        run("convert", deg, "-colorspace", "Gray", "-threshold", "58%", "-monochrome",
            "-compress", "Group4", *dens, "-strip", out)
    elif case.finish == "jpeg_pdf":
        part = work / "part.jpg"
        run("convert", deg, "-colorspace", "Gray", "-quality", case.quality, *dens, "-strip",
            part)
        run("img2pdf", "--nodate", "--producer", "", "-o", out, part)
        pin_file_id(out, fl.pdf_id_for(case.name).lower())
    elif case.finish == "bilevel_pdf":
        part = work / "part.png"
        run("convert", deg, "-colorspace", "Gray", "-threshold", "60%", "-monochrome", *dens,
            "-strip", "-define", "png:exclude-chunks=date,time", part)
        run("img2pdf", "--nodate", "--producer", "", "-o", out, part)
        pin_file_id(out, fl.pdf_id_for(case.name).lower())
    elif case.finish == "g4_pdf":
        part = work / "part.tif"
        run("convert", deg, "-colorspace", "Gray", "-threshold", "58%", "-monochrome",
            "-compress", "Group4", *dens, "-strip", part)
        run("tiff2pdf", "-o", out, part)
        fl.pin_pdf(out, WHEN, fl.pdf_id_for(case.name))
    else:
        raise ValueError(case.finish)


def pin_file_id(pdf: Path, file_id: str):
    """img2pdf (pikepdf) draws a random /ID; put a fixed one of the same length in its place."""
    data = pdf.read_bytes()
    found = re.search(rb"/ID \[<([0-9a-f]{32})><", data)
    assert found, f"{pdf.name}: no /ID"
    pdf.write_bytes(data.replace(found.group(1), file_id.encode()))


# --------------------------------------------------------------------------------------------
# Mail: the clients fixturelib knows, an iPhone, and two scan-to-email appliances.


def _h(seed: str) -> bytes:
    return hashlib.sha256(seed.encode()).digest()


def iphone_mail(m: dict, date: datetime, name: str, data: bytes) -> EmailMessage:
    """iPhone Mail: multipart/mixed of a short text, the photo inline, "Sent from my iPhone"."""
    h = _h(m["eml"])
    u = lambda b: "%s-%s-%s-%s-%s" % (b[:4].hex(), b[4:6].hex(), b[6:8].hex(), b[8:10].hex(),
                                     b[10:16].hex())  # noqa: E731
    domain = email.utils.parseaddr(m["sender"])[1].split("@")[-1]
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["Content-Type"] = "multipart/mixed"
    msg["Content-Transfer-Encoding"] = "7bit"
    msg["From"] = m["sender"]
    msg["Mime-Version"] = "1.0 (1.0)"
    msg["Date"] = email.utils.format_datetime(date)
    msg["Subject"] = m["subject"]
    msg["Message-Id"] = f"<{u(h[:16]).upper()}@{domain}>"
    msg["To"] = fl.TO_HEADER
    msg["X-Mailer"] = "iPhone Mail (21D61)"
    parts = []
    p = EmailMessage(policy=email.policy.SMTP)
    p.set_content(m["text"] + "\n", charset="us-ascii", cte="7bit")
    parts.append(p)
    p = EmailMessage(policy=email.policy.SMTP)
    p.set_content(data, maintype="image", subtype="jpeg", disposition="inline", filename=name)
    p.set_param("name", name)
    p.set_param("x-apple-part-url", u(h[16:32]).upper())
    parts.append(p)
    p = EmailMessage(policy=email.policy.SMTP)
    p.set_content("\n\nSent from my iPhone\n", charset="us-ascii", cte="7bit")
    parts.append(p)
    for p in parts:
        del p["MIME-Version"]
    msg.set_payload(parts)
    msg.set_boundary(f"Apple-Mail-{u(_h(m['eml'] + '/boundary')[:16]).upper()}")
    return msg


def scanner_mail(m: dict, date: datetime, name: str, data: bytes) -> EmailMessage:
    """A multifunction device's scan-to-email: the device's own From, a generated subject and
    body, the PDF as application/pdf, a Message-ID of the device's making, no X-Mailer."""
    h = _h(m["eml"])
    domain = email.utils.parseaddr(m["sender"])[1].split("@")[-1]
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = m["sender"]
    msg["To"] = fl.TO_ADDR
    msg["Subject"] = m["subject"]
    msg["Date"] = email.utils.format_datetime(date)
    if m["client"] == "ricoh":
        msg["Message-ID"] = f"<{date:%Y%m%d%H%M%S}.{h[:3].hex().upper()}.RNP002673A2BC6@{domain}>"
        text = ('This E-mail was sent from "RNP002673A2BC6" (IM C3000).\r\n\r\n'
                f"Scan Date: {date:%d.%m.%Y %H:%M:%S} (+1100)\r\n"
                f"Queries to: servicedesk@{domain}\r\n")
    else:
        msg["Message-ID"] = f"<{h[:8].hex()}.KMC258.{date:%Y%m%d%H%M%S}@{domain}>"
        text = ("Sent from KM_C258\r\n\r\nFile Format: PDF\r\nResolution: 300dpi x 300dpi\r\n"
                "Number of Pages: 1\r\n")
    msg["MIME-Version"] = "1.0"
    msg.set_content(text.replace("\r\n", "\n"), charset="us-ascii", cte="7bit")
    msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    msg.get_payload()[-1].set_param("name", name)
    msg.set_boundary(f"=_{'RICOH' if m['client'] == 'ricoh' else 'KMBT'}_{h[8:20].hex()}")
    for p in msg.get_payload():
        del p["MIME-Version"]
    return msg


def make_mail(case: Case, data: bytes) -> bytes:
    m = case.mail
    # a scanner names its file by the scan time: its mail leaves a few seconds later
    date = m.get("date") or datetime(2026, 3, 11, 9, 0, tzinfo=AEDT) + timedelta(
        minutes=case.seed - 600)
    if m["client"] in ("outlook", "gmail", "apple"):
        msg = fl.client_mail(m["client"], m["sender"], m["subject"], date, m["text"],
                             [(case.name, data)], seed=m["eml"])
    elif m["client"] == "iphone":
        msg = iphone_mail(m, date, case.name, data)
    else:
        msg = scanner_mail(m, date, case.name, data)
    return msg.as_bytes()


# --------------------------------------------------------------------------------------------


def render_all(work: Path) -> dict:
    """Writes every case's document (and its marker copy, and the bleed-through page) as HTML
    and lets LibreOffice Writer print them all in one start."""
    inputs = []
    for i, case in enumerate(CASES):
        for marker in (False, True):
            p = work / f"c{i:02d}{'m' if marker else 'p'}.html"
            p.write_text(Doc(case, marker).html(), encoding="utf-8")
            inputs.append(p)
    behind = work / "behind.html"
    behind.write_text(BLEED_PAGE, encoding="utf-8")
    inputs.append(behind)
    with fl.Office(OFFICE_FONTS) as office:
        office.convert(inputs, "pdf:writer_pdf_Export", work / "pdf",
                       infilter="HTML (StarWriter)")
    return {p.stem: work / "pdf" / f"{p.stem}.pdf" for p in inputs}


def raster(pdf: Path, dpi: int, out_prefix: Path) -> list[Path]:
    run("pdftoppm", "-r", dpi, "-png", pdf, out_prefix)
    return sorted(out_prefix.parent.glob(out_prefix.name + "-*.png"))


README_HEAD = """# holdout6 — blind set: word-processor forms, printed, scanned and photographed

A blind set made without reading the reader, to measure how OCR generalises to scans and photos
its authors never saw. Everything here is written by `scripts/make_holdout6.py`; nothing is
hand-edited. No file has a text layer: every answer must be read from pixels.

The expected files come from the script's case table (`CASES`: what each applicant typed and
ticked, and by hand the record a careful reviewer writes down per SPEC v2). They were never
produced by running regintake, cargo or Tesseract. Every record has `source` `ocr` and the flag
`read_by_ocr`, plus every flag its answers earn.

Regenerate: `python3 scripts/make_holdout6.py` (Pillow; LibreOffice Writer `soffice`; poppler
`pdftoppm`; ImageMagick 6 `convert`; img2pdf; libtiff `tiff2pdf`; fonts-dejavu, fonts-liberation,
fonts-opensymbol). Random choices are seeded, dates and ids pinned: reruns give the same bytes
with the same tool versions (checked by running it twice here: LibreOffice 7.4.7, ImageMagick
6.9.11-60, poppler 22.12, img2pdf 0.6.3, Pillow 13.0, Debian 12). LibreOffice's PDFs embed dates and ids that vary per run, but
they are only rasterised, never kept, so that does not reach the committed files. LibreOffice
sees only the DejaVu, Liberation (Serif, Sans, Mono) and OpenSymbol fonts (`fixturelib.Office`),
so the layout does not depend on what else a machine has installed.

## How the files are made

- **Documents** (unlike holdout5's reportlab drawings): the script writes each form as HTML in
  one of three word-processor styles, in the official form's wording and order, and LibreOffice
  Writer opens it (`--infilter="HTML (StarWriter)"`) and prints it to an A4 PDF:
  *table* (a two-column table, shaded label cells, navy section rows; each statement's box ☐
  in the answer cell before the statement), *inline* (plain paragraphs, underlined headings,
  the answer typed after the label on the same line — `Full name: …`, the IP address after
  the Partner paragraph, `· records you expect to code: 5,000`; boxes `[ ]`/`[X]` or ☐/☑/☒),
  *numbered* (numbered questions, the answer underlined on the line below or an underlined
  blank left empty; each box a small bordered table cell, X typed in it when ticked). Fonts:
  Liberation Serif/Sans, DejaVu Serif/Sans, 10–12 pt; some answers typed in another font.
- **Pen ticks**: the same document is printed a second time with each box in its own marker
  colour; the boxes are found on that raster and a jittered ✓ or X (black or blue ink,
  overshooting the box) is drawn on the real raster with Pillow. Once a wrong tick is scribbled
  out (zigzag) and the right box ticked.
- **Paper and scanner**: pdftoppm at 150/200/300 dpi; Pillow adds punch holes (ISO 838), a
  staple, a shadowed left edge, the faint mirrored bleed-through of a page of text behind;
  ImageMagick skews (±0.4–1.8°), blurs and adds seeded grain; then grey JPEG pages in PDF
  (img2pdf, q50–80), bilevel (`-threshold`) PNG pages in PDF, a CCITT G4 TIFF wrapped by
  tiff2pdf, a bare G4 TIFF, grey PNG, a 16-level grey LZW TIFF, colour JPEG.
- **Photos**: the page tinted on a wooden desk, keystone perspective, a tilt, uneven light,
  blur, grain; Pillow writes the JPEG with EXIF (Make, Model, Orientation). Two are stored
  landscape with Orientation 6 or 8 (upright only when the tag is applied).
- **Mail**: Outlook and Gmail (`fixturelib.client_mail`), iPhone Mail (multipart/mixed: a line
  of text, the photo inline, "Sent from my iPhone"), and two scan-to-email appliances (Ricoh and
  Konica Minolta shapes: the device as sender, a generated subject and body, the PDF attached
  with the device's file name).

## Files

| file | source | flags (besides `read_by_ocr`) | shape | answers |
|---|---|---|---|---|
"""


def write_readme():
    rows = []
    for c in CASES:
        name = f"`{c.mail['eml']}` (`{c.name}`)" if c.mail else f"`{c.name}`"
        flags = ", ".join(f"`{f}`" for f in sorted(c.flags)) or "— (clean)"
        rows.append(f"| {name} | `ocr` | {flags} | {c.shape} | {c.answer_note} |")
    clean = sum(1 for c in CASES if not c.flags)
    tail = (f"\n{len(CASES)} records ({sum(1 for c in CASES if not c.mail)} in `forms/`, "
            f"{sum(1 for c in CASES if c.mail)} in mails), {clean} clean apart from "
            "`read_by_ocr`.\n\n" + JUDGEMENT)
    (OUT / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n" + tail,
                                   encoding="utf-8")


JUDGEMENT = """## Judgement calls

Stated so they can be argued with; they follow the other sets where those decided.

- Both services ticked with an IP given raises only `multiple_services_selected` (service
  empty, the IP still recorded).
- Neither service ticked and no IP (`m04`): only `service_not_selected`; with no service there
  is no limit to exceed and no allowlist to miss.
- A dynamic-IP remark is not part of the address: `ip_allowlist` is the address alone, flag
  `dynamic_ip` (`m02`, "101.181.77.203 (dynamic - home NBN connection)").
- A range typed with spaces, "130.56.0.0 - 130.56.3.255", is recorded `start-end` without the
  spaces (as the other sets record ranges); it spans 1,024 addresses, wider than a /24, so
  `ip_range_too_broad`.
- Two addresses separated by a comma are recorded joined by `; `; one in 203.0.113.0/24
  (TEST-NET-3, documentation) makes the record `non_public_ip`.
- An email written "a.desai-whitfield(at)monash.edu" is `invalid_contact_email` and the field
  is empty (SPEC: empty when invalid). A mixed-case email is lower-cased.
- Numbers: "1.5 million" 1500000, "approx. 2k" 2000, "approx. 40,000" 40000, "2,000 - 4,000"
  4000 (the peak); public at exactly 1,000 calls does not exceed the limit; 1,500 calls against
  1,000 records is `calls_exceed_records` (partner, so no limit flag).
- `m03` (`IMG_0317.jpg`): the applicant ticked Public, scribbled the tick out with a dense
  zigzag, and ticked Partner cleanly, with an IP address given. A careful reviewer reads that as
  Partner (the hard case of this set); the record is clean.
- Partner ticked with the organisation and the IP answer left blank (`m05`):
  `missing_organisation` and `missing_ip_allowlist`.
- Photos stored with EXIF Orientation 6/8 are judged as the page shows once the tag is applied
  (as every image viewer shows them).
"""


def expected_for(case: Case) -> dict:
    return fl.record(case.name, "ocr", case.flags | {"read_by_ocr"}, case.truth)


def main():
    fl.require_tools("make_holdout6.py", "soffice", "convert", "pdftoppm", "img2pdf",
                     "tiff2pdf")
    names = [c.name for c in CASES] + [c.mail["eml"] for c in CASES if c.mail]
    assert len(set(names)) == len(names)
    seeds = [c.seed for c in CASES]
    assert len(set(seeds)) == len(seeds)
    for sub in ("forms", "mail", "expected"):
        shutil.rmtree(OUT / sub, ignore_errors=True)
        (OUT / sub).mkdir(parents=True)
    keep = "--keep-rasters" in sys.argv  # for looking at the clean pages: /tmp/holdout6-pages
    with tempfile.TemporaryDirectory(prefix="holdout6-") as tmp:
        work = Path(tmp)
        pdfs = render_all(work)
        for i, case in enumerate(CASES):
            cw = work / f"case{i:02d}"
            cw.mkdir()
            pages = raster(pdfs[f"c{i:02d}p"], case.dpi, cw / "page")
            marks = raster(pdfs[f"c{i:02d}m"], case.dpi, cw / "mark")
            assert len(pages) == 1 and len(marks) == 1, f"{case.name}: {len(pages)} pages"
            boxes = find_boxes(Image.open(marks[0]))
            img = draw_pen(case, Image.open(pages[0]), boxes)
            bleed = None
            if case.bleed:
                bl = raster(pdfs["behind"], case.dpi, cw / "behind")
                bleed = Image.open(bl[0])
            img = paper_marks(case, img, bleed)
            if keep:
                Path("/tmp/holdout6-pages").mkdir(exist_ok=True)
                img.save(f"/tmp/holdout6-pages/{i:02d}.png")
            if case.mail is None:
                out = OUT / "forms" / case.name
                finish(case, img, cw, out)
                fl.write_expected(OUT / "expected", case.name, [expected_for(case)])
            else:
                out = cw / case.name
                finish(case, img, cw, out)
                (OUT / "mail" / case.mail["eml"]).write_bytes(make_mail(case, out.read_bytes()))
                fl.write_expected(OUT / "expected", case.mail["eml"], [expected_for(case)])
            print(f"made {case.mail['eml'] if case.mail else case.name}")
    km = (fl.FIXTURES / "holdout5" / "known-misses.txt").read_text().splitlines()
    (OUT / "known-misses.txt").write_text(
        "\n".join(line for line in km if line.startswith("#")) + "\n")
    write_readme()
    total = fl.folder_size_report(OUT, 900_000)
    print(f"holdout6: {total} bytes")


if __name__ == "__main__":
    main()
