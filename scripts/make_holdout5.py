#!/usr/bin/env python3
"""Writes fixtures/holdout5: a blind set of typed-then-scanned and photographed registration
forms, made without reading the reader.

In: the case table below (what each applicant typed and ticked, and by hand the record a careful
reviewer writes down per SPEC v2). Out: fixtures/holdout5/{forms,mail,expected}/, README.md and
an empty known-misses.txt.

How a file is made: reportlab draws the form (one of four layouts of this script's own) with the
answers typed in; poppler's pdftoppm rasterises it (150/200/300 dpi); Pillow draws pen ticks on
the raster where the applicant ticked by hand; ImageMagick 6 degrades it like an office scanner
(skew, blur, grain, paper tint, JPEG) or a phone camera (desk, perspective, uneven light); img2pdf
or tiff2pdf wrap scans into image-only PDFs. Every random choice is seeded; dates and ids are
pinned, so reruns give the same bytes with the same tool versions.

Needs: python3 reportlab pillow, imagemagick (convert), poppler-utils (pdftoppm), img2pdf,
libtiff-tools (tiff2pdf), fonts-dejavu, fonts-liberation.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixturelib as fl  # noqa: E402

OUT = fl.FIXTURES / "holdout5"
WHEN = "20260309101500"
AEST = timezone(timedelta(hours=11))

FONT_FILES = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "DejaVuSerif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "DejaVuSerif-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "DejaVuSansMono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "LiberationSerif": "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "LiberationSerif-Bold": "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    "LiberationSans": "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "LiberationSans-Bold": "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "LiberationMono": "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
}
TICK_FONT = "DejaVuSans"  # has ☐ ☒ ✓ ✔


# --------------------------------------------------------------------------------------------
# The case table.


@dataclass
class Case:
    """One applicant: what they typed (`answers`), how they ticked, how the page was made and
    sent, and the record a reviewer writes down (`truth`, `flags` besides read_by_ocr)."""
    name: str                  # file name in forms/ or the attachment name in a mail
    layout: str                # official | table_lines | table_plain | tick_column
    boxes: str                 # glyph (☐ printed) | square (drawn)
    tick: str                  # ☒ ✓ ✔ X (typed) or pen_check / pen_x (drawn on the raster)
    answers: dict              # full_name, organisation, email, ip, records, calls
    ticked: set                # of terms, public, partner, guide
    truth: dict                # the fields, as fl.FIELD_ORDER
    flags: set
    dpi: int
    finish: str                # jpeg_pdf | g4_pdf | bilevel_pdf | png | scan_jpg | photo
    rotate: float
    seed: int
    fonts: tuple = ("LiberationSerif", "LiberationSerif-Bold", "LiberationSerif")
    two_pages: bool = False
    mail: dict | None = None   # client, sender, subject, text, eml
    paper: str = "white"       # white | grey | cream
    quality: int = 75
    shape: str = ""            # README line
    answer_note: str = ""      # README line


def T(name, org, email, terms, service, ip, records, calls, guide):
    return dict(full_name=name, organisation=org, contact_email=email, terms_accepted=terms,
                service=service, ip_allowlist=ip, expected_records_per_day=records,
                expected_api_calls_per_day=calls, user_guide_agreed=guide)


ALL = {"terms", "guide"}

CASES = [
    Case("official_glyph_200dpi.pdf", "official", "glyph", "☒",
         dict(full_name="Dr Miriam Okonkwo-Hale", organisation="Bureau of Meteorology",
              email="miriam.okonkwo-hale@bom.gov.au", ip="134.178.63.0/24",
              records="25,000", calls="2,000"),
         ALL | {"partner"},
         T("Dr Miriam Okonkwo-Hale", "Bureau of Meteorology", "miriam.okonkwo-hale@bom.gov.au",
           "yes", "partner", "134.178.63.0/24", "25000", "2000", "yes"),
         set(), 200, "jpeg_pdf", 1.2, 501,
         shape="img2pdf grey JPEG q75, 200 dpi, +1.2°, official text, printed ☐",
         answer_note="clean; ☒ typed over the ticked boxes; \"25,000\""),
    Case("table_plain_g4_300dpi.pdf", "table_plain", "square", "✓",
         dict(full_name="Ms Priya Raghunathan", organisation="Australian Institute of Family "
              "Studies", email="priya.raghunathan@aifs.gov.au",
              ip="203.2.218.10-203.2.218.40", records="1.5 million", calls="9,000"),
         ALL | {"partner"},
         T("Ms Priya Raghunathan", "Australian Institute of Family Studies",
           "priya.raghunathan@aifs.gov.au", "yes", "partner", "203.2.218.10-203.2.218.40",
           "1500000", "9000", "yes"),
         set(), 300, "g4_pdf", -0.9, 502, fonts=("LiberationSans", "LiberationSans-Bold",
                                                 "DejaVuSansMono"),
         shape="CCITT G4 bilevel TIFF in PDF (tiff2pdf), 300 dpi, −0.9°, table without inner "
               "lines, drawn squares, answers in a monospace font",
         answer_note="clean; ✓ typed in the squares; a start-end range; \"1.5 million\""),
    Case("tick_column_pen_check_150dpi.png", "tick_column", "square", "pen_check",
         dict(full_name="Mr Harrison Vu", organisation="Australian Research Data Commons",
              email="harrison.vu@ardc.edu.au", ip="2401:d002:4a00::/48",
              records="10k", calls="4,500"),
         ALL | {"partner"},
         T("Mr Harrison Vu", "Australian Research Data Commons", "harrison.vu@ardc.edu.au",
           "yes", "partner", "2401:d002:4a00::/48", "10000", "4500", "yes"),
         set(), 150, "png", 0.6, 503, fonts=("DejaVuSans", "DejaVuSans-Bold", "DejaVuSans"),
         shape="grey PNG scan, 150 dpi, +0.6°, table with a tick-box column, drawn squares, "
               "pen ✓ strokes",
         answer_note="clean; IPv6 /48; \"10k\""),
    Case("official_two_pages_private_ip.pdf", "official", "square", "X",
         dict(full_name="Mrs Eleanor Fitzgibbon", organisation="Department of Health and Aged "
              "Care", email="eleanor.fitzgibbon@health.gov.au", ip="192.168.20.15",
              records="40,000", calls="5,000"),
         ALL | {"partner"},
         T("Mrs Eleanor Fitzgibbon", "Department of Health and Aged Care",
           "eleanor.fitzgibbon@health.gov.au", "yes", "partner", "192.168.20.15", "40000",
           "5000", "yes"),
         {"non_public_ip"}, 150, "jpeg_pdf", -1.4, 504, two_pages=True, paper="cream",
         fonts=("DejaVuSerif", "DejaVuSerif-Bold", "LiberationSans"),
         shape="img2pdf JPEG q80 on cream paper, 150 dpi, −1.4°, official text over two pages, "
               "drawn squares, answers in a sans font",
         answer_note="private IPv4; X typed in the squares"),
    Case("photo_both_services.jpg", "official", "glyph", "✔",
         dict(full_name="Mr Callum O'Rourke", organisation="Geoscience Australia",
              email="callum.orourke@ga.gov.au", ip="139.130.4.5",
              records="3,000", calls="900"),
         ALL | {"public", "partner"},
         T("Mr Callum O'Rourke", "Geoscience Australia", "callum.orourke@ga.gov.au", "yes", "",
           "139.130.4.5", "3000", "900", "yes"),
         {"multiple_services_selected"}, 200, "photo", 2.0, 505,
         fonts=("LiberationSans", "LiberationSans-Bold", "LiberationSans"),
         shape="phone photo, colour JPEG: page on a darker desk, perspective, uneven light",
         answer_note="both services ticked with an IP given (only that flag); ✔ typed"),
    Case("table_plain_bilevel_200dpi.pdf", "table_plain", "glyph", "☒",
         dict(full_name="Ms Aroha Ngata", organisation="National Library of Australia",
              email="aroha.ngata@nla.gov.au", ip="", records="2,000", calls="1,500"),
         ALL | {"public"},
         T("Ms Aroha Ngata", "National Library of Australia", "aroha.ngata@nla.gov.au", "yes",
           "public", "", "2000", "1500", "yes"),
         {"exceeds_public_limit"}, 200, "bilevel_pdf", 1.8, 506,
         shape="bilevel (-threshold) PNG in PDF (img2pdf), 200 dpi, +1.8°, table without "
               "inner lines, printed ☐",
         answer_note="public at 1,500 calls; ☒ typed"),
    Case("official_300dpi_wide_range.pdf", "official", "glyph", "X",
         dict(full_name="Professor Lachlan Stewart-Reid", organisation="Australian National "
              "University, Research School of Social Sciences",
              email="lachlan.stewart-reid@anu.edu.au", ip="130.56.0.0/22",
              records="250,000", calls="6,000"),
         ALL | {"partner"},
         T("Professor Lachlan Stewart-Reid",
           "Australian National University, Research School of Social Sciences",
           "lachlan.stewart-reid@anu.edu.au", "yes", "partner", "130.56.0.0/22", "250000",
           "6000", "yes"),
         {"ip_range_too_broad"}, 300, "jpeg_pdf", -2.2, 507, quality=60, paper="grey",
         fonts=("DejaVuSerif", "DejaVuSerif-Bold", "DejaVuSerif"),
         shape="img2pdf grey JPEG q60 on grey paper, 300 dpi, −2.2°, official text, printed ☐",
         answer_note="/22 block; X typed over the ticked ☐"),
    # ---- mails
    Case("scan_20260309.jpg", "table_lines", "glyph", "X",
         dict(full_name="Mr Tobias Lindqvist", organisation="Australian Taxation Office",
              email="tobias.lindqvist@ato.gov.au", ip="", records="800", calls="600"),
         ALL | {"public"},
         T("Mr Tobias Lindqvist", "Australian Taxation Office", "tobias.lindqvist@ato.gov.au",
           "yes", "public", "", "800", "600", "yes"),
         set(), 150, "scan_jpg", -0.8, 508, paper="cream", quality=70,
         mail=dict(client="outlook", sender="Tobias Lindqvist <tobias.lindqvist@ato.gov.au>",
                   subject="Registration form - Occupation Coding Service",
                   eml="m01_scan_jpeg_table.eml",
                   text="Hello,\n\nPlease find attached my scanned registration form for the "
                        "public coding service.\n\nKind regards,\nTobias"),
         shape="scanned JPEG q70 (image/jpeg), cream paper, 150 dpi, −0.8°, ruled table, "
               "printed ☐",
         answer_note="clean; public; X typed over the ticked ☐"),
    Case("IMG_20260309_141212.jpg", "table_lines", "square", "✔",
         dict(full_name="Ms Sofia Marchetti", organisation="Transport for NSW",
              email="sofia.marchetti@transport.nsw.gov.au", ip="", records="500", calls="400"),
         {"guide", "public"},
         T("Ms Sofia Marchetti", "Transport for NSW", "sofia.marchetti@transport.nsw.gov.au",
           "no", "public", "", "500", "400", "yes"),
         {"terms_not_accepted"}, 200, "photo", -1.5, 509,
         fonts=("DejaVuSans", "DejaVuSans-Bold", "LiberationSerif"),
         mail=dict(client="gmail", sender="Sofia Marchetti <sofia.marchetti@transport.nsw.gov.au>",
                   subject="Coding service registration",
                   eml="m02_phone_photo_terms_unticked.eml",
                   text="Hi team,\n\nPhoto of the signed form attached, sorry I don't have a "
                        "scanner at home today.\n\nThanks,\nSofia"),
         shape="phone photo (image/jpeg), desk, perspective, uneven light, ruled table, drawn "
               "squares",
         answer_note="Terms square left empty; ✔ typed elsewhere"),
    Case("Registration_Form_Scan.pdf", "official", "square", "pen_x",
         dict(full_name="Mr Declan Murphy", organisation="Australian Institute of Health and "
              "Welfare", email="declan.murphy@aihw.gov.au",
              ip="101.160.45.12 (home connection, dynamic IP)", records="20,000",
              calls="3,000"),
         ALL | {"partner"},
         T("Mr Declan Murphy", "Australian Institute of Health and Welfare",
           "declan.murphy@aihw.gov.au", "yes", "partner", "101.160.45.12", "20000", "3000",
           "yes"),
         {"dynamic_ip"}, 200, "jpeg_pdf", 0.9, 510,
         mail=dict(client="outlook", sender="Declan Murphy <declan.murphy@aihw.gov.au>",
                   subject="OCS registration form (scanned)",
                   eml="m03_pdf_pen_x_dynamic.eml",
                   text="Good afternoon,\n\nAttached is the completed registration form. I "
                        "will be working from home for the pilot.\n\nRegards,\nDeclan Murphy"),
         shape="img2pdf grey JPEG (application/pdf), 200 dpi, +0.9°, official text, drawn "
               "squares, pen X strokes",
         answer_note="dynamic-IP remark after the address"),
    Case("scan0003.png", "tick_column", "glyph", "☒",
         dict(full_name="Dr Wei Zhang", organisation="CSIRO Data61", email="wei.zhang@data61.csiro.au",
              ip="203.0.178.0/24, 150.101.20.7", records="5,000", calls="8,000"),
         ALL | {"partner"},
         T("Dr Wei Zhang", "CSIRO Data61", "wei.zhang@data61.csiro.au", "yes", "partner",
           "203.0.178.0/24; 150.101.20.7", "5000", "8000", "yes"),
         {"calls_exceed_records"}, 150, "png", -0.5, 511,
         fonts=("LiberationSans", "LiberationSans-Bold", "LiberationSerif"),
         mail=dict(client="apple", sender="Wei Zhang <wei.zhang@data61.csiro.au>",
                   subject="Partner service registration",
                   eml="m04_png_scan_calls_exceed.eml",
                   text="Hello,\n\nHere is our registration form.\n\n\nCheers,\nWei"),
         shape="grey PNG scan (image/png), 150 dpi, −0.5°, table with a tick-box column, "
               "printed ☐",
         answer_note="a CIDR block and an address; calls > records"),
    Case("photo_form.jpg", "official", "glyph", "pen_check",
         dict(full_name="Mrs Grace Adeyemi", organisation="", email="grace.adeyemi@gmail.com",
              ip="", records="300", calls="300"),
         ALL | {"public"},
         T("Mrs Grace Adeyemi", "", "grace.adeyemi@gmail.com", "yes", "public", "", "300",
           "300", "yes"),
         {"missing_organisation"}, 150, "photo", 1.0, 512,
         mail=dict(client="gmail", sender="Grace Adeyemi <grace.adeyemi@gmail.com>",
                   subject="Registration",
                   eml="m05_photo_pen_check_no_org.eml",
                   text="Hi,\n\nI'd like to register for the public service, form attached "
                        "(photo).\n\nGrace"),
         shape="phone photo (image/jpeg) of a 150 dpi page, desk, perspective, uneven light, "
               "printed ☐, pen ✓ strokes",
         answer_note="organisation left blank"),
    Case("OCS_registration_signed.pdf", "table_lines", "square", "pen_x",
         dict(full_name="Mr Rafael Domingues", organisation="Australian Bureau of Agricultural "
              "and Resource Economics and Sciences", email="rafael.domingues@aff.gov.au",
              ip="2001:388:c0a0::/48", records="10k", calls="10,000"),
         ALL | {"partner"},
         T("Mr Rafael Domingues",
           "Australian Bureau of Agricultural and Resource Economics and Sciences",
           "rafael.domingues@aff.gov.au", "yes", "partner", "2001:388:c0a0::/48", "10000",
           "10000", "yes"),
         set(), 200, "jpeg_pdf", -0.7, 513, quality=80,
         fonts=("LiberationSerif", "LiberationSerif-Bold", "DejaVuSans"),
         mail=dict(client="outlook", sender="Rafael Domingues <rafael.domingues@aff.gov.au>",
                   subject="FW: Occupation Coding Service registration",
                   eml="m06_pdf_table_pen_x.eml",
                   text="Hi,\n\nForwarding the signed registration form for our team.\n\n"
                        "Rafael"),
         shape="img2pdf grey JPEG q80 (application/pdf), 200 dpi, −0.7°, ruled table, drawn "
               "squares, pen X strokes",
         answer_note="clean; IPv6 /48; partner at exactly 10,000 calls; \"10k\""),
    Case("Scan_Registration.pdf", "official", "glyph", "✓",
         dict(full_name="Ms Hannah Kowalczyk", organisation="Department of Education",
              email="hannah.kowalczyk@education.gov.au", ip="144.6.12.0/24",
              records="60,000", calls="9,500"),
         {"terms", "partner"},
         T("Ms Hannah Kowalczyk", "Department of Education", "hannah.kowalczyk@education.gov.au",
           "yes", "partner", "144.6.12.0/24", "60000", "9500", "no"),
         {"user_guide_not_agreed"}, 150, "jpeg_pdf", 2.4, 514, paper="grey", quality=70,
         fonts=("LiberationSans", "LiberationSans-Bold", "DejaVuSerif"),
         mail=dict(client="apple", sender="Hannah Kowalczyk <hannah.kowalczyk@education.gov.au>",
                   subject="Registration form",
                   eml="m07_pdf_guide_unticked.eml",
                   text="Hi there,\n\nScanned form attached.\n\n\nHannah"),
         shape="img2pdf grey JPEG q70 (application/pdf) on grey paper, 150 dpi, +2.4°, "
               "official text, printed ☐",
         answer_note="User Guide box left empty; ✓ typed over the ticked ☐"),
]


# --------------------------------------------------------------------------------------------
# Drawing the form.

PAGE_W, PAGE_H = A4
MARGIN = 56


@dataclass
class Box:
    page: int
    x: float   # bottom-left, points
    y: float
    size: float
    ticked: bool


@dataclass
class Pen:
    """Where a form was drawn: the boxes, for pen ticks on the raster."""
    boxes: list = field(default_factory=list)


class Sheet:
    """A reportlab canvas with a cursor, text wrapping and boxes (printed ☐ or drawn squares),
    typed ticks drawn in the box, pen ticks remembered for the raster."""

    def __init__(self, path: Path, case: Case):
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
        self.c.setTitle("Registration form")
        self.case = case
        self.body, self.bold, self.answer = case.fonts
        self.size = 10.5 if not case.two_pages else 12.5
        self.lead = self.size * 1.35
        self.y = PAGE_H - MARGIN
        self.page = 0
        self.pen = Pen()

    def new_page(self):
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN

    def need(self, h):
        if self.y - h < MARGIN:
            self.new_page()

    def text(self, s, font=None, size=None, x=MARGIN, width=None, gap_after=0.0):
        font = font or self.body
        size = size or self.size
        width = width or (PAGE_W - MARGIN - x)
        lines = simpleSplit(s, font, size, width)
        for line in lines:
            self.need(size * 1.35)
            self.y -= size * 1.35
            self.c.setFont(font, size)
            self.c.drawString(x, self.y, line)
        self.y -= gap_after
        return lines

    def box(self, x, baseline, key):
        """A tick box whose bottom sits near `baseline`; typed ticks go in now."""
        case = self.case
        ticked = key in case.ticked
        s = self.size * 1.05
        if case.boxes == "glyph":
            glyph = "☐"
            if ticked and case.tick == "☒":
                glyph = "☒"
            self.c.setFont(TICK_FONT, s * 1.1)
            self.c.drawString(x, baseline, glyph)
            w = pdfmetrics.stringWidth("☐", TICK_FONT, s * 1.1)
            bx, by, bs = x + w * 0.08, baseline - s * 0.05, w * 0.84
        else:
            bs = s * 0.9
            bx, by = x, baseline - s * 0.12
            self.c.setLineWidth(0.9)
            self.c.rect(bx, by, bs, bs)
        if ticked and case.tick in ("✓", "✔", "X"):
            font = TICK_FONT if case.tick != "X" else self.answer
            self.c.setFont(font, bs * 1.05)
            w = pdfmetrics.stringWidth(case.tick, font, bs * 1.05)
            self.c.drawString(bx + (bs - w) / 2, by + bs * 0.12, case.tick)
        if case.tick.startswith("pen"):
            self.pen.boxes.append(Box(self.page, bx, by, bs, ticked))

    def statement(self, key, text, help_text=""):
        """Box before the statement, text wrapped beside it."""
        lines = simpleSplit(text, self.body, self.size, PAGE_W - 2 * MARGIN - 24)
        self.need(self.lead * (len(lines) + 1))
        first_baseline = self.y - self.lead
        self.box(MARGIN, first_baseline, key)
        self.text(text, x=MARGIN + 24)
        if help_text:
            self.text(help_text, x=MARGIN + 24, size=self.size * 0.9)
        self.y -= self.lead * 0.5

    def save(self):
        self.c.showPage()
        self.c.save()


def draw_official(sh: Sheet):
    a = sh.case.answers
    sh.text(fl.TITLE, font=sh.bold, size=sh.size * 1.6, gap_after=sh.lead)
    sh.text("Your Details", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    for label, key in (("Full name", "full_name"), ("Organisation", "organisation"),
                       ("Contact email", "email")):
        sh.text(label, x=MARGIN + 18)
        sh.text(a[key] or " ", font=sh.answer, x=MARGIN + 30, gap_after=sh.lead * 0.5)
    sh.y -= sh.lead * 0.5
    sh.text("Terms of Use", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    sh.statement("terms", fl.TERMS_TEXT)
    sh.text("Service required", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    sh.statement("public", fl.PUBLIC_TEXT, fl.PUBLIC_HELP)
    sh.statement("partner", fl.PARTNER_TEXT, fl.PARTNER_HELP)
    sh.text(f"[ {a['ip']} ]" if a["ip"] else "[ " + "_" * 40 + " ]", font=sh.answer,
            x=MARGIN + 24, gap_after=sh.lead * 0.6)
    if sh.case.two_pages:
        sh.new_page()
    sh.text("Your expected use", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    sh.text(fl.USE_INTRO)
    for q, key in ((fl.RECORDS_Q, "records"), (fl.CALLS_Q, "calls")):
        sh.need(sh.lead)
        sh.y -= sh.lead
        sh.c.setFont(sh.body, sh.size)
        sh.c.drawString(MARGIN + 10, sh.y, "· " + q)
        w = pdfmetrics.stringWidth("· " + q + " ", sh.body, sh.size)
        ans = f"[ {a[key]} ]" if a[key] else "[ " + "_" * 14 + " ]"
        sh.c.setFont(sh.answer, sh.size)
        sh.c.drawString(MARGIN + 10 + w, sh.y, ans)
    sh.text(fl.USE_NOTE, gap_after=sh.lead * 0.6)
    sh.text("User Guide agreement", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    sh.statement("guide", fl.GUIDE_TEXT)
    sh.text("Provision of client credentials", font=sh.bold, size=sh.size * 1.2, gap_after=4)
    sh.text(fl.CREDENTIALS_TEXT, gap_after=sh.lead * 0.5)
    sh.text(fl.SEND_TEXT, gap_after=sh.lead * 0.5)
    sh.text(fl.MORE_INFO_TEXT, size=sh.size * 0.85)
    sh.text(fl.PRIVACY_TEXT, size=sh.size * 0.85)


def draw_table(sh: Sheet):
    """Two columns, question | answer; `table_lines` rules every row, `table_plain` draws the
    outer frame and the column rule only; `tick_column` puts each statement's box in a narrow
    first column."""
    case = sh.case
    a = case.answers
    ruled = case.layout != "table_plain"
    tick_col = case.layout == "tick_column"
    sh.text(fl.TITLE, font=sh.bold, size=sh.size * 1.5, gap_after=sh.lead * 0.8)
    x0, x2 = MARGIN, PAGE_W - MARGIN
    pad = 5
    rows = []  # (kind, left, right or key)
    rows.append(("head", "Your Details", ""))
    rows += [("qa", "Full name", a["full_name"]), ("qa", "Organisation", a["organisation"]),
             ("qa", "Contact email", a["email"])]
    rows.append(("head", "Terms of Use", ""))
    rows.append(("tick", fl.TERMS_TEXT, "terms"))
    rows.append(("head", "Service required", ""))
    rows.append(("tick", fl.PUBLIC_TEXT + " " + fl.PUBLIC_HELP, "public"))
    rows.append(("tick", fl.PARTNER_TEXT, "partner"))
    rows.append(("qa", "Static agency IP address or range of addresses for allowlisting",
                 a["ip"]))
    rows.append(("head", "Your expected use (approximate maximum per day in a peak period)", ""))
    rows.append(("qa", "Records you expect to code", a["records"]))
    rows.append(("qa", "API calls (batch or single record requests) you expect to make",
                 a["calls"]))
    rows.append(("head", "User Guide agreement", ""))
    rows.append(("tick", fl.GUIDE_TEXT, "guide"))
    split = x0 + 40 if tick_col else x0 + (x2 - x0) * 0.45
    top = sh.y
    c = sh.c
    c.setLineWidth(0.8)
    for kind, left, right in rows:
        if kind == "head":
            lines = simpleSplit(left, sh.bold, sh.size, x2 - x0 - 2 * pad)
            h = len(lines) * sh.lead + pad
            c.setFont(sh.bold, sh.size)
            y = sh.y
            for ln in lines:
                y -= sh.lead
                c.drawString(x0 + pad, y, ln)
            sh.y -= h
            c.line(x0, sh.y, x2, sh.y)
            continue
        if kind == "qa":
            if tick_col:  # label and answer share the wide column: label, answer below
                lw = x2 - x0 - 2 * pad
                llines = simpleSplit(left + ":", sh.body, sh.size, lw)
                alines = simpleSplit(right, sh.answer, sh.size, lw - 20) or [""]
                h = (len(llines) + len(alines)) * sh.lead + pad
                y = sh.y
                for ln in llines:
                    y -= sh.lead
                    c.setFont(sh.body, sh.size)
                    c.drawString(x0 + pad, y, ln)
                for ln in alines:
                    y -= sh.lead
                    c.setFont(sh.answer, sh.size)
                    c.drawString(x0 + pad + 20, y, ln)
            else:
                llines = simpleSplit(left, sh.body, sh.size, split - x0 - 2 * pad)
                alines = simpleSplit(right, sh.answer, sh.size, x2 - split - 2 * pad) or [""]
                h = max(len(llines), len(alines)) * sh.lead + pad
                y = sh.y
                for ln in llines:
                    y -= sh.lead
                    c.setFont(sh.body, sh.size)
                    c.drawString(x0 + pad, y, ln)
                y = sh.y
                for ln in alines:
                    y -= sh.lead
                    c.setFont(sh.answer, sh.size)
                    c.drawString(split + pad, y, ln)
                if True:
                    c.line(split, sh.y, split, sh.y - h)
        else:  # tick row
            if tick_col:
                lines = simpleSplit(left, sh.body, sh.size, x2 - split - 2 * pad)
                h = len(lines) * sh.lead + pad
                y = sh.y
                for ln in lines:
                    y -= sh.lead
                    c.setFont(sh.body, sh.size)
                    c.drawString(split + pad, y, ln)
                sh.box(x0 + 14, sh.y - sh.lead, right)
                c.line(split, sh.y, split, sh.y - h)
            else:
                lines = simpleSplit(left, sh.body, sh.size, split - x0 - 2 * pad)
                h = len(lines) * sh.lead + pad
                y = sh.y
                for ln in lines:
                    y -= sh.lead
                    c.setFont(sh.body, sh.size)
                    c.drawString(x0 + pad, y, ln)
                sh.box(split + 20, sh.y - sh.lead, right)
                c.line(split, sh.y, split, sh.y - h)
        sh.y -= h
        if ruled:
            c.line(x0, sh.y, x2, sh.y)
    c.rect(x0, sh.y, x2 - x0, top - sh.y)
    sh.y -= sh.lead
    sh.text(fl.USE_NOTE, size=sh.size * 0.9)
    sh.text(fl.SEND_TEXT, size=sh.size * 0.9)
    sh.text(fl.PRIVACY_TEXT, size=sh.size * 0.8)


def draw_pdf(case: Case, path: Path) -> Pen:
    sh = Sheet(path, case)
    if case.layout == "official":
        draw_official(sh)
    else:
        draw_table(sh)
    sh.save()
    return sh.pen


# --------------------------------------------------------------------------------------------
# Raster: pen ticks and degradation.


def run(*cmd):
    subprocess.run([str(c) for c in cmd], check=True)


def pen_tick(draw: ImageDraw.ImageDraw, rng: random.Random, kind: str, x, y, s, width):
    """A hand's tick over a box (top-left x, y, side s in pixels): a thick jittered polyline
    that overshoots the box."""
    def j(px, py):
        return (px + rng.uniform(-0.06, 0.06) * s, py + rng.uniform(-0.06, 0.06) * s)

    def stroke(points):
        pts = []
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            for k in range(6):
                t = k / 6
                pts.append(j(ax + (bx - ax) * t, ay + (by - ay) * t))
        pts.append(points[-1])
        draw.line(pts, fill=20, width=width, joint="curve")

    if kind == "pen_check":
        stroke([(x + 0.05 * s, y + 0.5 * s), (x + 0.38 * s, y + 0.95 * s),
                (x + 1.35 * s, y - 0.45 * s)])
    else:
        stroke([(x - 0.2 * s, y - 0.15 * s), (x + 1.2 * s, y + 1.15 * s)])
        stroke([(x + 1.15 * s, y - 0.2 * s), (x - 0.15 * s, y + 1.2 * s)])


def rasterise(case: Case, pdf: Path, pen: Pen, work: Path) -> list[Path]:
    """pdftoppm grey pages with pen ticks drawn in; returns one PNG per page."""
    run("pdftoppm", "-r", case.dpi, "-gray", "-png", pdf, work / "page")
    pages = sorted(work.glob("page-*.png"))
    rng = random.Random(case.seed)
    k = case.dpi / 72
    for i, p in enumerate(pages):
        img = Image.open(p).convert("L")
        draw = ImageDraw.Draw(img)
        for b in pen.boxes:
            if b.page == i and b.ticked:
                s = b.size * k
                pen_tick(draw, rng, case.tick, b.x * k, (PAGE_H - b.y - b.size) * k, s,
                         max(3, round(s * 0.2)))
        img.save(p)
    return pages


PAPER = {"white": None, "grey": "#d8d8d8", "cream": "#f3ead2"}


def degrade_scan(case: Case, page: Path, out: Path, colour=False):
    """An office scanner: paper tint, skew, optics blur, grain (seeded)."""
    cmd = ["convert", page]
    if PAPER[case.paper]:
        cmd += ["-colorspace", "sRGB", "(", "+clone", "-fill", PAPER[case.paper], "-colorize",
                "100", ")", "-compose", "multiply", "-composite"]
        if not colour:
            cmd += ["-colorspace", "Gray"]
    cmd += ["-background", "white" if not PAPER[case.paper] else PAPER[case.paper],
            "-rotate", str(case.rotate), "-blur", "0x0.6",
            "-seed", str(case.seed)]
    if case.finish != "png":  # grain; a PNG scanner's output is smoothed (and stays small)
        cmd += ["-attenuate", "0.25", "+noise", "Gaussian"]
    if not colour and not PAPER[case.paper]:
        cmd += ["-colorspace", "Gray"]
    cmd += ["-strip", out]
    run(*cmd)


def photo(case: Case, page: Path, out: Path):
    """A phone photo: tinted page on a darker desk, keystone perspective, uneven light
    (a gradient multiplied in), slight blur, JPEG."""
    img = Image.open(page)
    w, h = img.size
    bw, bh = int(w * 0.08), int(h * 0.06)
    W, H = w + 2 * bw, h + 2 * bh
    rng = random.Random(case.seed)
    d = [rng.uniform(0.01, 0.05) for _ in range(8)]
    src = [(bw, bh), (bw + w, bh), (bw + w, bh + h), (bw, bh + h)]
    dst = [(bw + d[0] * w, bh + d[1] * h), (bw + w - d[2] * w, bh + d[3] * h * 0.5),
           (bw + w - d[4] * w * 0.4, bh + h - d[5] * h * 0.3), (bw + d[6] * w * 0.3, bh + h - d[7] * h * 0.4)]
    pairs = " ".join(f"{sx},{sy} {dx:.1f},{dy:.1f}" for (sx, sy), (dx, dy) in zip(src, dst))
    run("convert", page, "-colorspace", "sRGB", "(", "+clone", "-fill", "#f4efe4",
        "-colorize", "100", ")", "-compose", "multiply", "-composite", "-compose", "over",
        "-bordercolor", "#5b4a3c", "-border", f"{bw}x{bh}",
        "-background", "#5b4a3c", "-virtual-pixel", "background",
        "-distort", "Perspective", pairs, "-rotate", str(case.rotate),
        "-gravity", "center", "-extent", f"{W}x{H}",
        "(", "-size", f"{W}x{H}", "xc:white", "-sparse-color", "barycentric",
        f"{W * 0.2:.0f},0 #ffffff {W},{H} #9c9c9c 0,{H} #d4d4d4", ")",
        "-compose", "multiply", "-composite", "-compose", "over", "-blur", "0x0.9",
        "-seed", str(case.seed), "-attenuate", "0.3", "+noise", "Gaussian",
        "-quality", str(case.quality if case.quality != 75 else 82), "-sampling-factor", "2x2",
        "-strip", out)


def finish(case: Case, pages: list[Path], work: Path, out: Path):
    """Turns the pen-ticked raster pages into the file the applicant sends."""
    if case.finish == "photo":
        photo(case, pages[0], out)
        return
    if case.finish in ("png", "scan_jpg"):
        tmp = work / "deg.png"
        degrade_scan(case, pages[0], tmp, colour=case.finish == "scan_jpg")
        if case.finish == "png":
            run("convert", tmp, "-colorspace", "Gray", "-depth", "8", "-strip",
                "-define", "png:exclude-chunks=date,time", out)
        else:
            run("convert", tmp, "-quality", case.quality, "-sampling-factor", "2x2",
                "-strip", out)
        return
    parts = []
    for i, p in enumerate(pages):
        tmp = work / f"deg-{i}.png"
        degrade_scan(case, p, tmp)
        if case.finish == "jpeg_pdf":
            part = work / f"part-{i}.jpg"
            run("convert", tmp, "-colorspace", "Gray", "-quality", case.quality, "-strip",
                "-density", case.dpi, "-units", "PixelsPerInch", part)
        elif case.finish == "bilevel_pdf":
            part = work / f"part-{i}.png"
            run("convert", tmp, "-colorspace", "Gray", "-threshold", "62%", "-monochrome",
                "-strip", "-density", case.dpi, "-units", "PixelsPerInch", "-define", "png:exclude-chunks=date,time", part)
        else:  # g4
            part = work / f"part-{i}.tif"
            run("convert", tmp, "-colorspace", "Gray", "-threshold", "60%", "-monochrome",
                "-compress", "Group4", "-density", case.dpi, "-units", "PixelsPerInch",
                "-strip", part)
        parts.append(part)
    if case.finish == "g4_pdf":
        tif = parts[0]
        run("tiff2pdf", "-o", out, tif)
        fl.pin_pdf(out, WHEN, fl.pdf_id_for(case.name))
    else:
        run("img2pdf", "--nodate", "--producer", "", "-o", out, *parts)
        pin_file_id(out, fl.pdf_id_for(case.name).lower())


def pin_file_id(pdf: Path, file_id: str):
    """img2pdf (pikepdf) draws a random /ID; put a fixed one of the same length in its place
    wherever it occurs, so no byte offset moves."""
    data = pdf.read_bytes()
    found = re.search(rb"/ID \[<([0-9a-f]{32})><", data)
    assert found, f"{pdf.name}: no /ID"
    pdf.write_bytes(data.replace(found.group(1), file_id.encode()))


# --------------------------------------------------------------------------------------------


README_HEAD = """# holdout5 — blind set: scanned and photographed forms

A blind set made without reading the reader, to measure how OCR generalises to scans its authors
never saw. Everything here is written by `scripts/make_holdout5.py`; nothing is hand-edited. No
file has a text layer: every answer must be read from pixels.

The expected files come from the script's case table (`CASES`: what each applicant typed and
ticked, and by hand the record a careful reviewer writes down per SPEC v2). They were never
produced by running regintake or by reading Tesseract's output. Every record has `source` `ocr`
and the flag `read_by_ocr`, plus every flag its answers earn.

Regenerate: `python3 scripts/make_holdout5.py` (reportlab, Pillow, poppler `pdftoppm`,
ImageMagick 6 `convert`, img2pdf, libtiff `tiff2pdf`, fonts-dejavu, fonts-liberation). Random
choices are seeded, dates and ids pinned: reruns give the same bytes with the same tool versions.

## How the files are made

- **Layouts** (reportlab, A4, the official wording): *official* (the printed form's order, label
  above the answer, `[ … ]` around the IP address and the two numbers, the box before each
  statement), *table_lines* (question | answer, every row ruled, the box in the answer column),
  *table_plain* (the same with only the frame and the column rule), *tick_column* (a narrow first
  column holding each statement's box; labels with their answers below). Boxes are printed ☐
  glyphs or drawn squares; answers are often typed in a different font from the form.
- **Ticks**: typed ☒ (replacing the ☐), ✓, ✔ or X inside the box; or pen strokes drawn on the
  raster with Pillow (a thick, jittered ✓ or X overshooting the box).
- **Scans**: `pdftoppm -gray` at 150/200/300 dpi, then ImageMagick: paper tint (grey/cream),
  skew, blur, seeded grain; JPEG pages wrapped by img2pdf, bilevel (`-threshold`) pages, a CCITT
  G4 TIFF wrapped by tiff2pdf, PNG scans.
- **Photos**: the page tinted, on a darker desk, keystone perspective (`-distort Perspective`), a
  tilt, uneven light (a gradient multiplied in), slight blur, grain, JPEG.
- **Mail**: `fixturelib.client_mail` (Outlook, Gmail, Apple Mail shapes), a short covering note
  that is not a form, the scan attached as image/jpeg, image/png or application/pdf.

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
            "`read_by_ocr`.\n\n"
            "Judgement calls, as in the other sets: both services ticked with an IP given raises "
            "only `multiple_services_selected` (service empty, the IP still recorded); the "
            "dynamic-IP remark is not part of the address (`ip_allowlist` is the address alone, "
            "flag `dynamic_ip`); a range written `start-end` is recorded as written; "
            "\"10k\" is 10000, \"1.5 million\" 1500000.\n")
    (OUT / "README.md").write_text(README_HEAD + "\n".join(rows) + "\n" + tail,
                                   encoding="utf-8")


def expected_for(case: Case) -> dict:
    return fl.record(case.name, "ocr", case.flags | {"read_by_ocr"}, case.truth)


def main():
    fl.require_tools("make_holdout5.py", "convert", "pdftoppm", "img2pdf", "tiff2pdf")
    for name, path in FONT_FILES.items():
        pdfmetrics.registerFont(TTFont(name, path))
    names = [c.name for c in CASES] + [c.mail["eml"] for c in CASES if c.mail]
    assert len(set(names)) == len(names)
    for sub in ("forms", "mail", "expected"):
        shutil.rmtree(OUT / sub, ignore_errors=True)
        (OUT / sub).mkdir(parents=True)
    for case in CASES:
        with tempfile.TemporaryDirectory(prefix="holdout5-") as tmp:
            work = Path(tmp)
            pdf = work / "form.pdf"
            pen = draw_pdf(case, pdf)
            pages = rasterise(case, pdf, pen, work)
            if case.two_pages:
                assert len(pages) == 2, f"{case.name}: {len(pages)} pages"
            else:
                assert len(pages) == 1, f"{case.name}: {len(pages)} pages"
            if case.mail is None:
                out = OUT / "forms" / case.name
                finish(case, pages, work, out)
                fl.write_expected(OUT / "expected", case.name, [expected_for(case)])
            else:
                out = work / case.name
                finish(case, pages, work, out)
                m = case.mail
                date = datetime(2026, 3, 9, 9, 0, tzinfo=AEST) + timedelta(minutes=case.seed)
                msg = fl.client_mail(m["client"], m["sender"], m["subject"], date, m["text"],
                                     [(case.name, out.read_bytes())], seed=m["eml"])
                (OUT / "mail" / m["eml"]).write_bytes(msg.as_bytes())
                fl.write_expected(OUT / "expected", m["eml"], [expected_for(case)])
        print(f"made {case.mail['eml'] if case.mail else case.name}")
    km = (fl.FIXTURES / "scans" / "known-misses.txt").read_text().splitlines()[:2]
    (OUT / "known-misses.txt").write_text("\n".join(km) + "\n")
    write_readme()
    total = fl.folder_size_report(OUT, 900_000)
    print(f"holdout5: {total} bytes")


if __name__ == "__main__":
    main()
