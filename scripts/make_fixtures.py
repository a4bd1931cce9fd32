#!/usr/bin/env python3
"""Writes regintake's golden test fixtures: filled-in registration forms made the way applicants
make them (LibreOffice DOCX/ODT/PDF, Word-shaped XML, fillable PDFs, a scan), the mails that carry
them, a sample mbox, and the TRUTH for each file (fixtures/expected/*.json) taken from the case
table below, never from regintake's output.

Run:  python3 scripts/make_fixtures.py
Needs: LibreOffice (soffice), qpdf, poppler-utils (pdftoppm), fonts-dejavu-core, python3 >= 3.11
       with reportlab, pypdf and pillow (`pip install reportlab pypdf pillow`).
Deterministic: fixed seed and dates; LibreOffice runs with a fixed font set and what it stamps
per run (zip times, Rsid, PDF dates and ids, object order) is pinned (scripts/fixturelib.py), so
re-running with the same LibreOffice version gives the same bytes.
"""

from __future__ import annotations

import base64
import email.header
import email.policy
import email.utils
import hashlib
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from html import escape
from pathlib import Path

try:
    import pypdf
    from PIL import Image, ImageDraw
    from pypdf.generic import NameObject
    from reportlab.lib.colors import black, white
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas as rl_canvas
except ImportError as missing:  # say what to install rather than a bare traceback
    sys.exit(f"make_fixtures.py needs {missing.name}: pip install reportlab pypdf pillow")

import fixturelib as fx
from fixturelib import (CALLS_Q, CREDENTIALS_TEXT, GUIDE_TEXT, PARTNER_HELP, PARTNER_TEXT,
                        PRIVACY_TEXT, PUBLIC_HELP, PUBLIC_TEXT, RECORDS_Q, SEND_TEXT, TERMS_TEXT,
                        TITLE, TO_ADDR, USE_INTRO, USE_NOTE)

ROOT = fx.ROOT
FIX = fx.FIXTURES
FORMS = FIX / "forms"
MAIL = FIX / "mail"
EXPECTED = FIX / "expected"

# The official form's blanks, as printed.
BLANK_IP = "___________________________________________________"
BLANK_RECORDS = "__________________"
BLANK_CALLS = "______________"

# --------------------------------------------------------------------------------------------
# The case table: each applicant's answers AS WRITTEN, and the truth a careful reviewer records.
# A plain string is an answer whose recorded value is the same text; a tuple is
# (as written, as recorded). Flags are written by hand per SPEC.md.


@dataclass
class App:
    name: object
    org: object
    email: object
    terms: bool
    service: str  # public | partner | both | none  (what is marked on the form)
    ip: object
    records: object
    calls: object
    guide: bool
    flags: list
    sender: str = ""  # From: display name when it differs from the form's name


def raw(v) -> str:
    return v[0] if isinstance(v, tuple) else v


def rec(v) -> str:
    return v[1] if isinstance(v, tuple) else v


APPS: dict[str, App] = {
    "jane": App("Dr Jane Citizen", "Department of Health and Aged Care",
                ("Jane.Citizen@health.gov.au", "jane.citizen@health.gov.au"), True, "partner",
                "164.97.246.0/24", ("5,000", "5000"), ("2,000", "2000"), True, []),
    "alan": App("Prof. Alan Nguyen", "University of Canberra", "alan.nguyen@canberra.edu.au",
                True, "partner", "137.92.97.0/24", ("1.2 million", "1200000"),
                ("approx. 5k", "5000"), True, []),
    "maryjane": App("Mary-Jane O'Brien", "ACME Analytics Pty Ltd", "mj.obrien@acmeanalytics.com.au",
                    True, "partner", "192.168.1.10", ("20,000", "20000"), ("8,000", "8000"), True,
                    ["non_public_ip"]),
    "priya": App("Ms Priya Raman", "Australian Taxation Office", "priya.raman@ato.gov.au", True,
                 "public", "", "300", "300", True, []),
    "tom": App("Tom Baxter", "Baxter Consulting", "tom@baxterconsulting.com.au", True, "partner",
               ("150.203.4.7 (home broadband \u2013 dynamic)", "150.203.4.7"), ("10,000", "10000"),
               ("2,000", "2000"), True, ["dynamic_ip"]),
    "li": App("Dr Li Wei", "Department of Employment and Workplace Relations", "li.wei@dewr.gov.au",
              True, "partner", "150.203.0.0/16", ("1,000,000", "1000000"), ("10,000", "10000"),
              True, ["ip_range_too_broad"]),
    "sam": App("Sam Okafor", "Northside Health Research", "sam.okafor@northsidehealth.org.au",
               True, "public", "", ("5,000", "5000"), ("5,000", "5000"), True,
               ["exceeds_public_limit"]),
    "kate": App("Kate Wilson", "Department of Social Services", "kate.wilson@dss.gov.au", True,
                "partner", "164.97.247.0/24", "5000", "9000", True, ["calls_exceed_records"]),
    "raj": App("Raj Patel", "Patel Data Services", "raj@pateldata.com.au", True, "partner",
               "203.2.218.0/24", ("TBC", ""), ("unknown", ""), True,
               ["invalid_expected_calls", "invalid_expected_records"]),
    "emma": App("Emma Thompson", "Tasmanian Department of Health", "emma.thompson@health.tas.gov.au",
                True, "both", "147.109.12.0/24", "800", "800", True,
                ["multiple_services_selected"]),
    "oliver": App("Oliver Smith", "City of Sydney", "osmith@cityofsydney.nsw.gov.au", True, "none",
                  "", "200", "100", True, ["service_not_selected"]),
    "grace": App("Grace Lee", "Monash University", "grace.lee@monash.edu", False, "public", "",
                 "500", "500", True, ["terms_not_accepted"]),
    "janes": App("Jane Smith", "Australian Bureau of Agricultural and Resource Economics",
                 ("jane(at)abs.gov.au", ""), True, "partner", "150.203.9.0/24", ("3,000", "3000"),
                 ("1,000", "1000"), True, ["invalid_contact_email"]),
    "daniel": App("Daniel Kim", "Kim & Co Research", "daniel@kimco.com.au", True, "partner",
                  "100.64.1.1", "2000", "2000", True, ["non_public_ip"]),
    "hannah": App("Dr Hannah Schmidt", "CSIRO", "hannah.schmidt@csiro.au", True, "partner",
                  "2001:db8::/48", ("100,000", "100000"), ("5,000", "5000"), True,
                  ["non_public_ip"]),
    "ahmed": App("Ahmed Hassan", "Australian Institute of Health and Welfare",
                 "ahmed.hassan@aihw.gov.au", True, "partner",
                 ("2001:0388:1000::/48", "2001:388:1000::/48"), ("50,000", "50000"),
                 ("3,000", "3000"), True, []),
    "lucy": App("Lucy Brown", "Queensland Treasury", "lucy.brown@treasury.qld.gov.au", True,
                "partner", "203.0.113.5", "4000", "1000", True, ["non_public_ip"]),
    "mark": App("Mark Jones", "Department of Education", "mark.jones@education.gov.au", True,
                "partner", "", ("100,000", "100000"), ("2,000", "2000"), True,
                ["missing_ip_allowlist"]),
    "chloe": App("Dr Chloe Martin", "Services Australia", "chloe.martin@servicesaustralia.gov.au",
                 True, "partner", "164.97.250.0/24", ("1.2 million", "1200000"),
                 ("20,000", "20000"), True, ["exceeds_partner_limit"]),
    "ben": App("Ben Taylor", "University of Sydney", "ben.taylor@sydney.edu.au", True, "public",
               "", "1000", "800", False, ["user_guide_not_agreed"]),
    "lan": App("Lan Nguyen", "Department of Home Affairs", "lan.nguyen@homeaffairs.gov.au", True,
               "partner", ("150.203.4.10 - 150.203.4.20", "150.203.4.10-150.203.4.20"),
               ("2,000 - 4,000", "4000"), ("1,500", "1500"), True, []),
    "peter": App("Peter Walsh", "Victorian Department of Health", "peter.walsh@health.vic.gov.au",
                 True, "partner", ("150.203.4.10, 150.203.4.11", "150.203.4.10; 150.203.4.11"),
                 ("10,000", "10000"), ("up to 800", "800"), True, []),
    "ga": App("", "Geoscience Australia", "", True, "partner", "150.203.5.0/24", "600", "600",
              True, ["missing_contact_email", "missing_full_name"], sender="Records Officer"),
    "sophie": App("Sophie Clarke", "Bureau of Meteorology", "sophie.clarke@bom.gov.au", True,
                  "public", "", "", "", True,
                  ["missing_expected_calls", "missing_expected_records"]),
    "jack": App("Jack White", "White Analytics", "jack@whiteanalytics.com.au", True, "partner",
                ("our office IP", ""), "3000", "1000", True, ["invalid_ip"]),
    "zoe": App("Zo\u00eb Nguy\u1ec5n", "Australian National University", "zoe.nguyen@anu.edu.au",
               True, "partner", "150.203.4.0/24", ("40,000", "40000"), ("1,000", "1000"), True, []),
    "renee": App("Ren\u00e9e Dubois-O\u2019Connor", "Department of Foreign Affairs and Trade",
                 "renee.dubois@dfat.gov.au", True, "public", "", "250", "250", True, []),
    "bjorn": App("Bj\u00f6rn \u00c5kesson",
                 "Department of Climate Change, Energy, the Environment and Water",
                 "bjorn.akesson@dcceew.gov.au", True, "public", "", "900", "900", True, []),
    "fiona": App("Dr Fiona MacLeod", "James Cook University", "fiona.macleod@jcu.edu.au",
                 True, "partner", "137.219.40.0/24", ("250,000", "250000"), ("4,000", "4000"),
                 True, []),
    "aroha": App("Ms Aroha Ngata", "Department of Finance", "aroha.ngata@finance.gov.au", True,
                 "public", "", ("approx. 5k", "5000"), "800", True, []),
    "liam": App("Liam O'Connor", "Department of Veterans' Affairs", "liam.oconnor@dva.gov.au",
                True, "partner", "10.20.30.0/24", ("8,000", "8000"), ("2,000", "2000"), True,
                ["non_public_ip"]),
    "michael": App("Michael Chen", "Department of Health and Aged Care",
                   "michael.chen@health.gov.au", True, "partner", "164.97.246.0/24",
                   ("30,000", "30000"), ("5,000", "5000"), True, []),
    "sarah": App("Sarah O'Neill", "Department of Health and Aged Care", "sarah.oneill@health.gov.au",
                 True, "partner", "10.0.0.5", ("30,000", "30000"), ("5,000", "5000"), True,
                 ["non_public_ip"]),
    "minli": App("Min Li", "ACME Analytics Pty Ltd", ("min.li@acme@acmeanalytics.com.au", ""),
                 True, "public", "", "400", "400", True, ["invalid_contact_email"]),
    "nadia": App("Dr Nadia Rossi", "", "nadia.rossi@pc.gov.au", True, "partner", "150.203.6.0/24",
                 ("1,000", "1000"), ("1,000", "1000"), True, ["missing_organisation"]),
    "ravi": App(("  Dr   Ravi  Kumar ", "Dr Ravi Kumar"), "Australian Digital Health Agency",
                ("Ravi.Kumar@DigitalHealth.gov.au", "ravi.kumar@digitalhealth.gov.au"), True,
                "partner", "150.203.7.0/24", ("1.5k", "1500"), "900", True, []),
    "olivia": App("Prof. Olivia Hart", "Australian Institute of Family Studies",
                  "olivia.hart@aifs.gov.au", True, "public", "", ("1,000", "1000"),
                  ("1,000", "1000"), True, []),
    "tariq": App("Dr Tariq Aziz", "NSW Department of Communities and Justice",
                 "tariq.aziz@dcj.nsw.gov.au", True, "partner",
                 ("150.203.8.0/24\n2001:388:2000::/48", "150.203.8.0/24; 2001:388:2000::/48"),
                 ("75,000", "75000"), ("6,000", "6000"), True, []),
    "wei": App("Assoc. Prof. Wei Zhang", "Curtin University", "wei.zhang@curtin.edu.au", True,
               "partner", "134.7.160.0/24", ("100k", "100000"), ("2.5k", "2500"), True, []),
    "marco": App("Marco Bianchi", "Bianchi Survey Research", "marco@bianchisurvey.com.au", True,
                 "partner", ("203.10.76.45 (DHCP, may change)", "203.10.76.45"),
                 ("12,000", "12000"), ("3,000", "3000"), True, ["dynamic_ip"]),
    "noah": App("Noah Williams", "Williams Research Pty Ltd", "noah@williamsresearch.com.au", True,
                "public", "", "100", "50", True, []),
}


def check_table() -> None:
    """Catches typos in the case table: a plain string must already be its recorded value."""
    for key, a in APPS.items():
        for what, v in (("email", a.email), ("records", a.records), ("calls", a.calls),
                        ("ip", a.ip), ("name", a.name)):
            if isinstance(v, tuple):
                continue
            if what == "email" and v != v.lower():
                raise SystemExit(f"{key}: email {v!r} needs (as written, recorded)")
            if what in ("records", "calls") and v and not v.isdigit():
                raise SystemExit(f"{key}: {what} {v!r} needs (as written, recorded)")
            if what == "ip" and (" " in v or "," in v):
                raise SystemExit(f"{key}: ip {v!r} needs (as written, recorded)")
            if what == "name" and "  " in v:
                raise SystemExit(f"{key}: name {v!r} needs (as written, recorded)")
        if a.flags != sorted(a.flags):
            raise SystemExit(f"{key}: flags not sorted")


def truth_fields(a: App) -> dict:
    return {
        "full_name": rec(a.name),
        "organisation": rec(a.org),
        "contact_email": rec(a.email),
        "terms_accepted": "yes" if a.terms else "no",
        "service": a.service if a.service in ("public", "partner") else "",
        "ip_allowlist": rec(a.ip),
        "expected_records_per_day": rec(a.records),
        "expected_api_calls_per_day": rec(a.calls),
        "user_guide_agreed": "yes" if a.guide else "no",
    }


# SPEC v2: a record whose form could not be read has empty yes/no fields too.
EMPTY_FIELDS = {
    "full_name": "", "organisation": "", "contact_email": "", "terms_accepted": "",
    "service": "", "ip_allowlist": "", "expected_records_per_day": "",
    "expected_api_calls_per_day": "", "user_guide_agreed": "",
}


def record(attachment: str, source: str, app: App | None = None, only_flag: str = "") -> dict:
    if app is None:
        return fx.record(attachment, source, [only_flag], EMPTY_FIELDS)
    return fx.record(attachment, source, app.flags, truth_fields(app))


# --------------------------------------------------------------------------------------------
# How a form is laid out and marked.


@dataclass
class Style:
    layout: str  # table | official | inline | deleted
    on: str = "\u2612"  # ☒
    off: str = "\u2610"  # ☐
    labels: str = "L1"  # inline label set
    sep: str = ": "


INLINE_LABELS = {
    # name, organisation, email, terms, service, ip, records, calls, guide, yes, no
    "L1": ("Name", "Organization", "Email", "Terms of Use accepted", "Service",
           "Static IP address or range", "Records per day (peak)",
           "API calls you expect to make", "User Guide agreement", "Yes", "No"),
    "L2": ("Applicant name", "Agency", "E-mail address", "Terms of Use", "Service required",
           "IP address(es) for allowlisting", "Records you expect to code per day",
           "API calls per day (peak)", "Agree to follow the User Guide", "Y", "N"),
    "L3": ("Full name", "Organisation name", "Contact e-mail", "Terms of Use", "Service",
           "IP address(es) for allowlisting", "Records per day (peak)",
           "API calls you expect to make", "User Guide", "I agree", "Do not agree"),
    "L4": ("Name", "Organisation", "Contact email", "Terms of Use", "Service", "Static IP address",
           "Expected records per day", "Expected API calls per day", "User Guide", "Agreed",
           "Not agreed"),
}
SERVICE_WORDS = {
    "L1": {"public": "Public", "partner": "Partner"},
    "L2": {"public": "Public coding service", "partner": "Partner coding service"},
    "L3": {"public": "public", "partner": "Partner"},
    "L4": {"public": "Public coding service", "partner": "Partner coding service"},
}


def mark(style: Style, on: bool) -> str:
    g = style.on if on else style.off
    return f"{g} " if g else ""


def blank(v: str, underscores: str) -> str:
    return f"[ {v} ]" if v else f"[ {underscores} ]"


def form_lines(a: App, s: Style) -> list[tuple[str, str]]:
    """The form as (kind, text) lines: kind h1/h2/p/row(label\tanswer). Shared by HTML and text."""
    pub = a.service in ("public", "both")
    par = a.service in ("partner", "both")
    out: list[tuple[str, str]] = [("h1", TITLE)]
    if s.layout == "inline":
        L = INLINE_LABELS[s.labels]
        yes, no = L[9], L[10]
        out += [
            ("p", f"{L[0]}{s.sep}{raw(a.name)}"),
            ("p", f"{L[1]}{s.sep}{raw(a.org)}"),
            ("p", f"{L[2]}{s.sep}{raw(a.email)}"),
            ("p", f"{L[3]}{s.sep}{yes if a.terms else no}"),
            ("p", f"{L[4]}{s.sep}{SERVICE_WORDS[s.labels].get(a.service, '')}"),
            ("p", f"{L[5]}{s.sep}{raw(a.ip)}"),
            ("p", f"{L[6]}{s.sep}{raw(a.records)}"),
            ("p", f"{L[7]}{s.sep}{raw(a.calls)}"),
            ("p", f"{L[8]}{s.sep}{yes if a.guide else no}"),
        ]
        return out
    if s.layout == "ticktable":
        # a Word form whose boxes are table cells: the mark typed into the left cell
        def tick(on: bool, text: str) -> tuple[str, str]:
            return ("tickrow", f"{(s.on if on else s.off)}\t{text}")

        out += [
            ("h2", "Your Details"),
            ("row", f"Full name\t{raw(a.name)}"),
            ("row", f"Organisation\t{raw(a.org)}"),
            ("row", f"Contact email\t{raw(a.email)}"),
            ("endtable", ""), ("h2", "Terms of Use"),
            tick(a.terms, TERMS_TEXT),
            ("endtable", ""), ("h2", "Service required"),
            tick(pub, PUBLIC_TEXT), tick(par, PARTNER_TEXT),
            ("endtable", ""), ("p", PARTNER_HELP),
            ("row", f"IP address(es)\t{raw(a.ip)}"),
            ("endtable", ""), ("h2", "Your expected use"), ("p", USE_INTRO),
            ("row", f"Records you expect to code\t{raw(a.records)}"),
            ("row", f"API calls you expect to make\t{raw(a.calls)}"),
            ("endtable", ""), ("h2", "User Guide agreement"),
            tick(a.guide, GUIDE_TEXT),
            ("endtable", ""), ("h2", "Provision of client credentials"),
            ("p", CREDENTIALS_TEXT), ("p", SEND_TEXT),
        ]
        return out
    if s.layout == "table":
        out += [
            ("h2", "Your Details"),
            ("row", f"Full name\t{raw(a.name)}"),
            ("row", f"Organisation\t{raw(a.org)}"),
            ("row", f"Contact email\t{raw(a.email)}"),
            ("row", f"Terms of Use\t{mark(s, a.terms)}{TERMS_TEXT}"),
            ("row", f"Service required\t{mark(s, pub)}{PUBLIC_TEXT}\n{mark(s, par)}{PARTNER_TEXT}"),
            ("row", f"Static IP address or range for allowlisting (Partner service only)\t{raw(a.ip)}"),
            ("row", f"Records you expect to code per day (peak)\t{raw(a.records)}"),
            ("row", f"API calls you expect to make per day (peak)\t{raw(a.calls)}"),
            ("row", f"User Guide agreement\t{mark(s, a.guide)}{GUIDE_TEXT}"),
            ("endtable", ""),
            ("h2", "Provision of client credentials"),
            ("p", CREDENTIALS_TEXT),
            ("p", SEND_TEXT),
        ]
        return out
    # official layout: label, then the answer on its own line; bracketed blanks filled in
    out += [
        ("h2", "Your Details"),
        ("p", "Full name"), ("p", raw(a.name)),
        ("p", "Organisation"), ("p", raw(a.org)),
        ("p", "Contact email"), ("p", raw(a.email)),
        ("h2", "Terms of Use"),
        ("p", f"{mark(s, a.terms)}{TERMS_TEXT}"),
        ("h2", "Service required"),
    ]
    if s.layout == "deleted":
        # the applicant deleted the service they do not want and ticked nothing
        if a.service == "public":
            out += [("p", PUBLIC_TEXT), ("p", PUBLIC_HELP)]
        else:
            out += [("p", PARTNER_TEXT), ("p", f"{PARTNER_HELP}  {blank(raw(a.ip), BLANK_IP)}")]
    else:
        out += [
            ("p", f"{mark(s, pub)}{PUBLIC_TEXT}"), ("p", PUBLIC_HELP),
            ("p", f"{mark(s, par)}{PARTNER_TEXT}"),
            ("p", f"{PARTNER_HELP}  {blank(raw(a.ip), BLANK_IP)}"),
        ]
    out += [
        ("h2", "Your expected use"),
        ("p", USE_INTRO),
        ("p", f"\u00b7 {RECORDS_Q} {blank(raw(a.records), BLANK_RECORDS)}"),
        ("p", f"\u00b7 {CALLS_Q} {blank(raw(a.calls), BLANK_CALLS)}"),
        ("p", USE_NOTE),
        ("h2", "User Guide agreement"),
        ("p", f"{mark(s, a.guide)}{GUIDE_TEXT}"),
        ("h2", "Provision of client credentials"),
        ("p", CREDENTIALS_TEXT),
        ("p", SEND_TEXT),
        ("p", PRIVACY_TEXT),
    ]
    return out


def form_html(a: App, s: Style, full_page: bool = True) -> str:
    parts = []
    in_table = False
    for kind, text in form_lines(a, s):
        if kind == "tickrow":
            if not in_table:
                parts.append('<table width="100%" border="1" cellpadding="5" cellspacing="0">')
                in_table = True
            box, statement = text.split("\t", 1)
            parts.append(f'<tr><td width="6%" align="center">{escape(box)}</td>'
                         f"<td>{escape(statement)}</td></tr>")
            continue
        if kind == "row":
            if not in_table:
                parts.append('<table width="100%" border="1" cellpadding="5" cellspacing="0">')
                in_table = True
            label, answer = text.split("\t", 1)
            cells = "<br>".join(escape(x) for x in answer.split("\n"))
            parts.append(f'<tr><td width="35%"><b>{escape(label)}</b></td><td>{cells}</td></tr>')
            continue
        if in_table:
            parts.append("</table>")
            in_table = False
        if kind == "endtable":
            continue
        parts.append(f"<{kind}>{escape(text)}</{kind}>")
    if in_table:
        parts.append("</table>")
    body = "\n".join(parts)
    if not full_page:
        return body
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{TITLE}</title>"
        "<style>body{font-family:'Liberation Sans',Arial,sans-serif;font-size:10pt}"
        "h1{font-size:15pt}h2{font-size:12pt}</style></head><body>\n"
        f"{body}\n</body></html>\n"
    )


def form_text(a: App, s: Style) -> str:
    """The form as an applicant pastes it into a mail body."""
    lines = []
    for kind, text in form_lines(a, s):
        if kind == "endtable":
            continue
        if kind == "h2":
            lines.append("")
        if kind == "tickrow":
            box, statement = text.split("\t", 1)
            lines.append(f"{box} {statement}".strip())
            continue
        if kind == "row":
            label, answer = text.split("\t", 1)
            lines.append(label)
            lines.extend(answer.split("\n"))
            continue
        lines.append(text)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# LibreOffice conversions are batched (one soffice start per target format) through
# fixturelib.Office; what LibreOffice stamps in per run is pinned here.

ZIP_TIME = (2026, 2, 10, 14, 41, 0)


def pin_times(path: Path) -> None:
    """Pins the conversion time LibreOffice stamps into its output (zip entry times, ODT Rsid,
    a PDF's CreationDate, /ID and /DocChecksum) so that re-running the script leaves the
    committed files unchanged. Content is untouched."""
    if path.read_bytes()[:2] == b"PK":
        fx.pin_package(path, ZIP_TIME, "2026-02-10T14:41:00Z")
    else:
        fx.pin_pdf(path, "20260210144100", fx.pdf_id_for(path.name), renumber=True)


# --------------------------------------------------------------------------------------------
# Word-shaped WordprocessingML written directly (what Word 2016+ saves).

W_NS = (
    'xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'xmlns:wp14="http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:w10="urn:schemas-microsoft-com:office:word" '
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
    'xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" '
    'xmlns:wpg="http://schemas.microsoft.com/office/word/2010/wordprocessingGroup" '
    'xmlns:wpi="http://schemas.microsoft.com/office/word/2010/wordprocessingInk" '
    'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'mc:Ignorable="w14 w15 w16se wp14"'
)


def x(t: str) -> str:
    return escape(t, quote=False)


class WordDoc:
    """Builds document.xml body content the way Word writes it (rsids and ids included)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.rsid = f"{self.rng.getrandbits(32):08X}"
        self.body: list[str] = []

    def sdt_id(self) -> int:
        return self.rng.randint(-2_000_000_000, 2_000_000_000)

    def run(self, text: str, bold: bool = False, extra_rpr: str = "") -> str:
        rpr = ("<w:b/>" if bold else "") + extra_rpr
        rpr = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
        return f'<w:r{self._rsid_r()}>{rpr}<w:t xml:space="preserve">{x(text)}</w:t></w:r>'

    def answer_runs(self, text: str) -> str:
        """An answer as Word stores typed text: split into runs, proofing marks between."""
        head, sep, tail = text.rpartition(" ")
        if not sep or not head.strip():
            return self.run(text)
        return (self.run(head + " ") + '<w:proofErr w:type="spellStart"/>' + self.run(tail)
                + '<w:proofErr w:type="spellEnd"/>')

    def _rsid_r(self) -> str:
        return f' w:rsidRPr="{self.rsid}"'

    def para(self, *runs: str, style: str = "") -> None:
        ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
        self.body.append(
            f'<w:p w:rsidR="{self.rsid}" w:rsidRDefault="{self.rsid}" w:rsidP="{self.rsid}">'
            f"{ppr}{''.join(runs)}</w:p>"
        )

    def heading(self, text: str, level: int = 2) -> None:
        self.para(self.run(text), style="Title" if level == 1 else "Heading2")

    # content controls -------------------------------------------------------------------
    def sdt_text(self, tag: str, alias: str, value: str) -> str:
        """A run-level plain-text content control; empty value leaves the placeholder showing."""
        if value:
            pr_extra, content = "", self.answer_runs(value)
        else:
            pr_extra = "<w:showingPlcHdr/>"
            content = (f'<w:r{self._rsid_r()}><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>'
                       "<w:t>Click or tap here to enter text.</w:t></w:r>")
        return (
            "<w:sdt><w:sdtPr>"
            f'<w:alias w:val="{x(alias)}"/><w:tag w:val="{x(tag)}"/><w:id w:val="{self.sdt_id()}"/>'
            '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>'
            f"{pr_extra}<w:text/></w:sdtPr><w:sdtEndPr/>"
            f"<w:sdtContent>{content}</w:sdtContent></w:sdt>"
        )

    def sdt_text_block(self, tag: str, alias: str, value: str) -> None:
        """A block-level text control holding a whole paragraph (Word does this when the
        control is inserted on an empty line)."""
        self.body.append(
            "<w:sdt><w:sdtPr>"
            f'<w:alias w:val="{x(alias)}"/><w:tag w:val="{x(tag)}"/><w:id w:val="{self.sdt_id()}"/>'
            '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>'
            "<w:text/></w:sdtPr><w:sdtEndPr/><w:sdtContent>"
            f'<w:p w:rsidR="{self.rsid}" w:rsidRDefault="{self.rsid}">{self.answer_runs(value)}'
            "</w:p></w:sdtContent></w:sdt>"
        )

    def sdt_check(self, tag: str, alias: str, checked: bool) -> str:
        glyph = "\u2612" if checked else "\u2610"
        return (
            "<w:sdt><w:sdtPr>"
            f'<w:alias w:val="{x(alias)}"/><w:tag w:val="{x(tag)}"/><w:id w:val="{self.sdt_id()}"/>'
            "<w14:checkbox>"
            f'<w14:checked w14:val="{1 if checked else 0}"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
            "</w14:checkbox></w:sdtPr><w:sdtEndPr/><w:sdtContent>"
            f'<w:r{self._rsid_r()}><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" '
            'w:hAnsi="MS Gothic" w:hint="eastAsia"/></w:rPr>'
            f"<w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"
        )

    # legacy form fields ---------------------------------------------------------------------
    def bookmark(self, name: str) -> tuple[str, str]:
        # Word names each legacy form field by a bookmark around it.
        self.bookmark_id = getattr(self, "bookmark_id", -1) + 1
        n = self.bookmark_id
        return (f'<w:bookmarkStart w:id="{n}" w:name="{x(name)}"/>',
                f'<w:bookmarkEnd w:id="{n}"/>')

    def formtext(self, name: str, value: str) -> str:
        # Word fills an empty FORMTEXT result with five en spaces.
        start, end = self.bookmark(name)
        result = (self.answer_runs(value) if value else
                  '<w:r><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">'
                  + "\u2002" * 5 + "</w:t></w:r>")
        return (
            f'{start}<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{x(name)}"/>'
            '<w:enabled/><w:calcOnExit w:val="0"/><w:textInput/></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            f"{result}"
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>{end}'
        )

    def formcheck(self, name: str, checked: bool, default: bool = False) -> str:
        # Word writes <w:checked/> only when the state differs from the default.
        if checked == default:
            state = ""
        else:
            state = "<w:checked/>" if checked else '<w:checked w:val="0"/>'
        start, end = self.bookmark(name)
        return (
            f'{start}<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{x(name)}"/>'
            '<w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>'
            f'<w:default w:val="{1 if default else 0}"/>{state}</w:checkBox></w:ffData>'
            "</w:fldChar></w:r>"
            '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            f'<w:r><w:fldChar w:fldCharType="end"/></w:r>{end}'
        )

    # Wingdings ticks --------------------------------------------------------------------------
    def sym(self, checked: bool) -> str:
        return f'<w:r><w:sym w:font="Wingdings" w:char="{"F0FE" if checked else "F0A8"}"/></w:r>'

    def save(self, path: Path, title: str, created: str) -> None:
        document = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            f"<w:document {W_NS}><w:body>{''.join(self.body)}"
            '<w:sectPr w:rsidR="' + self.rsid + '"><w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" '
            'w:footer="708" w:gutter="0"/><w:cols w:space="708"/><w:docGrid w:linePitch="360"/>'
            "</w:sectPr></w:body></w:document>"
        )
        styles = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:asciiTheme="minorHAnsi" '
            'w:hAnsiTheme="minorHAnsi"/><w:sz w:val="22"/><w:lang w:val="en-AU"/></w:rPr>'
            "</w:rPrDefault></w:docDefaults>"
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
            "<w:qFormat/></w:style>"
            '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/>'
            '<w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:sz w:val="36"/></w:rPr></w:style>'
            '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
            '<w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:b/><w:sz w:val="26"/></w:rPr>'
            "</w:style>"
            '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder '
            'Text"/><w:uiPriority w:val="99"/><w:semiHidden/><w:rPr><w:color w:val="808080"/>'
            "</w:rPr></w:style></w:styles>"
        )
        settings = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting '
            'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
            f'w:val="15"/></w:compat><w:rsids><w:rsidRoot w:val="{self.rsid}"/>'
            f'<w:rsid w:val="{self.rsid}"/></w:rsids></w:settings>'
        )
        content_types = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.styles+xml"/>'
            '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.settings+xml"/>'
            '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
            'package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.extended-properties+xml"/></Types>'
        )
        rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/extended-properties" Target="docProps/app.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        )
        doc_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/settings" Target="settings.xml"/>'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/styles" Target="styles.xml"/></Relationships>'
        )
        core = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://'
            'purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://'
            f'www.w3.org/2001/XMLSchema-instance"><dc:title>{x(title)}</dc:title>'
            "<dc:creator>Australian Bureau of Statistics</dc:creator>"
            "<cp:lastModifiedBy>Applicant</cp:lastModifiedBy><cp:revision>3</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-03T01:12:00Z</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>'
            "</cp:coreProperties>"
        )
        app = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-'
            'properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            'docPropsVTypes"><Template>Normal.dotm</Template><Application>Microsoft Office Word'
            "</Application><DocSecurity>0</DocSecurity><AppVersion>16.0000</AppVersion>"
            "</Properties>"
        )
        parts = [
            ("[Content_Types].xml", content_types), ("_rels/.rels", rels),
            ("word/document.xml", document), ("word/_rels/document.xml.rels", doc_rels),
            ("word/styles.xml", styles), ("word/settings.xml", settings),
            ("docProps/core.xml", core), ("docProps/app.xml", app),
        ]
        fx.write_zip(path, parts, (1980, 1, 1, 0, 0, 0))

def word_form(path: Path, a: App, kind: str, seed: int) -> None:
    """The official form as Word saves it, answers in content controls / legacy fields / w:sym."""
    d = WordDoc(seed)
    pub = a.service in ("public", "both")
    par = a.service in ("partner", "both")

    def text_answer(tag: str, alias: str, value: str, ff: str) -> str:
        if kind == "sdt":
            return d.sdt_text(tag, alias, value)
        if kind == "legacy":
            return d.formtext(ff, value)
        return d.answer_runs(value)

    def tick(tag: str, alias: str, on: bool, ff: str, default: bool = False) -> str:
        if kind == "sdt":
            return d.sdt_check(tag, alias, on)
        if kind == "legacy":
            return d.formcheck(ff, on, default)
        return d.sym(on)

    d.heading(TITLE, 1)
    d.heading("Your Details")
    d.para(d.run("Full name", bold=True))
    d.para(text_answer("full_name", "Full name", raw(a.name), "Text1"))
    d.para(d.run("Organisation", bold=True))
    d.para(text_answer("organisation", "Organisation", raw(a.org), "Text2"))
    d.para(d.run("Contact email", bold=True))
    if kind == "sdt" and raw(a.email):
        d.sdt_text_block("contact_email", "Contact email", raw(a.email))
    else:
        d.para(text_answer("contact_email", "Contact email", raw(a.email), "Text3"))
    d.heading("Terms of Use")
    d.para(tick("terms", "Terms of Use", a.terms, "Check1"), d.run(" " + TERMS_TEXT))
    d.heading("Service required")
    d.para(tick("public", "Public coding service", pub, "Check2"), d.run(" " + PUBLIC_TEXT))
    d.para(d.run(PUBLIC_HELP))
    d.para(tick("partner", "Partner coding service", par, "Check3"), d.run(" " + PARTNER_TEXT))
    d.para(d.run(PARTNER_HELP + "  "), text_answer("ip", "IP address", raw(a.ip), "Text4"))
    d.heading("Your expected use")
    d.para(d.run(USE_INTRO))
    d.para(d.run(f"\u00b7 {RECORDS_Q} "),
           text_answer("records", "Records per day", raw(a.records), "Text5"))
    d.para(d.run(f"\u00b7 {CALLS_Q} "), text_answer("calls", "API calls per day", raw(a.calls),
                                                   "Text6"))
    d.para(d.run(USE_NOTE))
    d.heading("User Guide agreement")
    # the legacy form's User Guide box defaults to ticked (the form's author set it so)
    d.para(tick("user_guide", "User Guide", a.guide, "Check4", default=True),
           d.run(" " + GUIDE_TEXT))
    d.heading("Provision of client credentials")
    d.para(d.run(CREDENTIALS_TEXT))
    d.para(d.run(SEND_TEXT))
    d.para(d.run(PRIVACY_TEXT))
    d.save(path, TITLE, "2026-02-10T03:41:00Z")


# --------------------------------------------------------------------------------------------
# Fillable PDF (AcroForm) made with reportlab, filled with pypdf.

GENERIC_NAMES = {
    "name": "Text1", "org": "Text2", "email": "Text3", "terms": "Check Box4",
    "public": "Check Box5", "partner": "Check Box6", "ip": "Text7", "records": "Text8",
    "calls": "Text9", "guide": "Check Box10",
}
MEANINGFUL_NAMES = {
    "name": "full_name", "org": "organisation", "email": "contact_email",
    "terms": "terms_of_use_agreed", "public": "service_public", "partner": "service_partner",
    "ip": "ip_allowlist", "records": "expected_records_per_day",
    "calls": "expected_api_calls_per_day", "guide": "user_guide_agreed",
}
TOOLTIPS = {
    "name": "Full name", "org": "Organisation", "email": "Contact email",
    "terms": "Terms of Use", "public": "Public coding service",
    "partner": "Partner coding service", "ip": "IP address or range for allowlisting",
    "records": "Records you expect to code per day", "calls": "API calls you expect to make per day",
    "guide": "User Guide agreement",
}


def wrap(c, text: str, x0: float, y: float, width: float, size: float = 9) -> float:
    words, line = text.split(), ""
    for w in words:
        trial = f"{line} {w}".strip()
        if c.stringWidth(trial, "Helvetica", size) > width:
            c.drawString(x0, y, line)
            y -= size + 3
            line = w
        else:
            line = trial
    if line:
        c.drawString(x0, y, line)
        y -= size + 3
    return y


def blank_acroform(path: Path, names: dict, tooltips: set) -> None:
    c = rl_canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(TITLE)
    c.setAuthor("Australian Bureau of Statistics")
    form = c.acroForm
    W, H = A4
    y = H - 60
    c.setFont("Helvetica-Bold", 15)
    c.drawString(50, y, TITLE)
    y -= 30

    def tip(key):
        return TOOLTIPS[key] if key in tooltips else ""

    def text_field(key, label):
        nonlocal y
        c.setFont("Helvetica", 10)
        c.drawString(50, y, label)
        form.textfield(name=names[key], tooltip=tip(key), x=200, y=y - 5, width=340, height=18,
                       fontName="Helvetica", fontSize=10, borderColor=black, fillColor=white,
                       textColor=black, forceBorder=True)
        y -= 26

    def check(key, text):
        nonlocal y
        form.checkbox(name=names[key], tooltip=tip(key), x=50, y=y - 4, size=12,
                      buttonStyle="check", borderColor=black, fillColor=white, textColor=black,
                      forceBorder=True)
        c.setFont("Helvetica", 9)
        y = wrap(c, text, 70, y, 470)
        y -= 6

    def heading(text):
        nonlocal y
        y -= 6
        c.setFont("Helvetica-Bold", 12)
        c.drawString(50, y, text)
        y -= 20

    heading("Your Details")
    text_field("name", "Full name")
    text_field("org", "Organisation")
    text_field("email", "Contact email")
    heading("Terms of Use")
    check("terms", TERMS_TEXT)
    heading("Service required")
    check("public", PUBLIC_TEXT)
    check("partner", PARTNER_TEXT)
    c.setFont("Helvetica", 9)
    y = wrap(c, PARTNER_HELP, 70, y, 470)
    y -= 4
    form.textfield(name=names["ip"], tooltip=tip("ip"), x=70, y=y - 5, width=470, height=18,
                   fontName="Helvetica", fontSize=10, borderColor=black, fillColor=white,
                   textColor=black, forceBorder=True)
    y -= 30
    heading("Your expected use")
    c.setFont("Helvetica", 9)
    c.drawString(50, y, USE_INTRO)
    y -= 20
    text_field("records", "\u2022 records you expect to code:")
    c.setFont("Helvetica", 9)
    c.drawString(50, y, "\u2022 API calls (batch or single record requests)")
    y -= 12
    text_field("calls", "  you expect to make:")
    heading("User Guide agreement")
    check("guide", GUIDE_TEXT)
    heading("Provision of client credentials")
    c.setFont("Helvetica", 9)
    y = wrap(c, CREDENTIALS_TEXT, 50, y, 490)
    y = wrap(c, SEND_TEXT, 50, y - 6, 490)
    c.showPage()
    c.save()


def fill_acroform(blank: Path, out: Path, a: App, names: dict, on_state: str) -> None:
    reader = pypdf.PdfReader(str(blank))
    writer = pypdf.PdfWriter(clone_from=reader)
    page = writer.pages[0]
    if on_state != "Yes":
        # Rename the check boxes' on appearance (/Yes -> /1), as forms made by other tools have.
        for annot_ref in page.get("/Annots", []):
            annot = annot_ref.get_object()
            ap = annot.get("/AP")
            if annot.get("/FT") != "/Btn" or ap is None:
                continue
            for key in ("/N", "/D"):
                states = ap.get(key)
                if states is not None and "/Yes" in states:
                    states[NameObject("/" + on_state)] = states.raw_get("/Yes")
                    del states["/Yes"]
    pub = a.service in ("public", "both")
    par = a.service in ("partner", "both")
    values = {
        names["name"]: raw(a.name), names["org"]: raw(a.org), names["email"]: raw(a.email),
        names["ip"]: raw(a.ip), names["records"]: raw(a.records), names["calls"]: raw(a.calls),
    }
    ticks = {names["terms"]: a.terms, names["public"]: pub, names["partner"]: par,
             names["guide"]: a.guide}
    writer.update_page_form_field_values(page, values, auto_regenerate=False)
    for annot_ref in page.get("/Annots", []):
        annot = annot_ref.get_object()
        name = annot.get("/T")
        if name in ticks:
            state = NameObject("/" + on_state if ticks[name] else "/Off")
            annot[NameObject("/V")] = state
            annot[NameObject("/AS")] = state
    writer.set_need_appearances_writer(True)
    with open(out, "wb") as f:
        writer.write(f)


# --------------------------------------------------------------------------------------------
# Mail.

MAIL_DATES: list[datetime] = []


def mail_date(i: int) -> str:
    """A fixed, plausible Date: between 2026-01-05 and 2026-12-20, AEDT/AEST or UTC."""
    start = datetime(2026, 1, 5, tzinfo=timezone.utc)
    span = (datetime(2026, 12, 20, tzinfo=timezone.utc) - start).total_seconds()
    r = random.Random(1000 + i)
    when = start + timedelta(seconds=int(r.random() * span))
    when = when.replace(hour=r.randint(0, 8), minute=r.randint(0, 59), second=r.randint(0, 59))
    # AEST (+1000) from 2026-04-05 03:00 AEDT to 2026-10-04 02:00 AEST, else AEDT (+1100)
    aest = datetime(2026, 4, 4, 16, tzinfo=timezone.utc) <= when < datetime(
        2026, 10, 3, 16, tzinfo=timezone.utc)
    if r.random() < 0.2:
        tz = timezone.utc
    else:
        tz = timezone(timedelta(hours=10 if aest else 11))
    return email.utils.format_datetime(when.astimezone(tz))


def message_id(i: int, domain: str) -> str:
    r = random.Random(2000 + i)
    if domain.endswith("gov.au") or domain.endswith("edu.au"):
        host = "SY4P282MB" + str(r.randint(1000, 4999))
        return f"<{host}{r.getrandbits(40):010X}@{host}.AUSP282.PROD.OUTLOOK.COM>"
    return f"<CA+{base64.b32encode(r.randbytes(15)).decode().lower()}@mail.gmail.com>"


def new_mail(i: int, a_from: str, subject: str, with_id: bool = True) -> EmailMessage:
    domain = a_from.rsplit("@", 1)[-1].rstrip(">")
    return fx.new_mail(a_from, subject, mail_date(i), message_id(i, domain) if with_id else "")


def sender(a: App) -> str:
    addr = rec(a.email) or f"records.officer@{'ga.gov.au'}"
    name = a.sender or rec(a.name)
    return email.utils.formataddr((name, addr))


DOCX_TYPE, ODT_TYPE, PDF_TYPE = fx.DOCX_TYPE, fx.ODT_TYPE, fx.PDF_TYPE

def greeting(a: App, what: str = "registration form") -> str:
    first = rec(a.name).split()[-1] if rec(a.name) else "Records Officer"
    return (f"Hello,\n\nPlease find attached our completed {what} for the Occupation Coding "
            f"Service.\n\nKind regards,\n{rec(a.name) or first}\n{rec(a.org)}\n")


def small_png(w: int, h: int, text: str, color: tuple) -> bytes:
    img = Image.new("RGB", (w, h), color)
    ImageDraw.Draw(img).text((6, h // 2 - 6), text, fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def pin_boundaries(msg, seed: str) -> None:
    """Fixed multipart boundaries (Python picks random ones), styled like Outlook's."""
    tag = hashlib.sha1(seed.encode()).hexdigest()[:16].upper()
    fx.pin_boundaries(msg, "_{n:03d}_SY4P282MB{tag}_", tag=tag)


# --------------------------------------------------------------------------------------------
# The documents in fixtures/forms/: (file name, applicant, how it is made).

OFFICE_FORMS = [
    # (file, applicant, style, format) — format: docx | odt | pdf-from-docx | pdf-from-odt | doc
    ("docx_table_glyphs.docx", "jane", Style("table"), "docx"),
    ("docx_official_ballot_box_check.docx", "alan", Style("official", "\u2611", "\u2610"), "docx"),
    ("docx_inline_colon_yes_no.docx", "maryjane", Style("inline", labels="L1", sep=": "), "docx"),
    ("docx_inline_dash_y_n.docx", "priya", Style("inline", labels="L2", sep=" - "), "docx"),
    ("docx_official_option_deleted.docx", "tom", Style("deleted", "\u2713", ""), "docx"),
    ("docx_official_x_no_mark.docx", "li", Style("official", "X", ""), "docx"),
    ("docx_official_square_brackets.docx", "sam", Style("official", "[x]", "[ ]"), "docx"),
    ("docx_official_parentheses.docx", "kate", Style("official", "(x)", "( )"), "docx"),
    ("docx_table_heavy_check.docx", "raj", Style("table", "\u2714", "\u2610"), "docx"),
    ("docx_table_missing_answers.docx", "ga", Style("table"), "docx"),
    ("docx_official_invalid_ip.docx", "jack", Style("official", "\u2612", "\u2610"), "docx"),
    ("docx_official_documentation_ip.docx", "lucy", Style("official", "[X]", "[ ]"), "docx"),
    ("docx_inline_agree_list.docx", "peter", Style("inline", labels="L3", sep=" : "), "docx"),
    ("odt_table_both_services.odt", "emma", Style("table"), "odt"),
    ("odt_official_neither_service.odt", "oliver", Style("official", "\u2713", ""), "odt"),
    ("odt_inline_do_not_agree.odt", "grace", Style("inline", labels="L3", sep=" : "), "odt"),
    ("odt_official_invalid_email.odt", "janes", Style("official"), "odt"),
    ("odt_official_range.odt", "lan", Style("official", "\u2714", "\u2610"), "odt"),
    ("odt_table_blank_numbers.odt", "sophie", Style("table", "\u2611", "\u2610"), "odt"),
    ("pdf_printed_table_cgnat.pdf", "daniel", Style("table"), "pdf-from-docx"),
    ("pdf_printed_official_ipv6_documentation.pdf", "hannah", Style("official"), "pdf-from-odt"),
    ("pdf_printed_inline_agreed.pdf", "ahmed", Style("inline", labels="L4", sep=": "),
     "pdf-from-docx"),
    ("pdf_printed_official_two_at.pdf", "minli", Style("official", "\u2612", "\u2610"),
     "pdf-from-odt"),
    ("docx_table_tick_cells.docx", "wei", Style("ticktable", "X", ""), "docx"),
    ("odt_table_tick_cells_dhcp.odt", "marco", Style("ticktable", "\u2612", "\u2610"), "odt"),
    ("odt_inline_y_n.odt", "olivia", Style("inline", labels="L2", sep=": "), "odt"),
    ("pdf_printed_table_ipv4_and_ipv6.pdf", "tariq", Style("table", "\u2611", "\u2610"),
     "pdf-from-docx"),
    ("doc_binary_word97.doc", "lan", Style("official"), "doc"),
]
# Made by this script (no LibreOffice): (file, applicant, kind)
WORD_FORMS = [
    ("docx_word_content_controls.docx", "nadia", "sdt"),
    ("docx_word_legacy_form_fields.docx", "mark", "legacy"),
    ("docx_word_wingdings_ticks.docx", "ben", "sym"),
]
# Fillable PDFs and what is done to them.
ACRO_GENERIC = "pdf_acroform_generic_names.pdf"
ACRO_NAMED = "pdf_acroform_named_fields.pdf"
ACRO_FLAT = "pdf_acroform_flattened.pdf"
ACRO_USER_PW = "pdf_acroform_user_password.pdf"
ACRO_OWNER_PW = "pdf_acroform_owner_password.pdf"
SCAN = "pdf_scan_image_only.pdf"
PREVIOUS: dict[str, bytes] = {}  # last run's files, kept when their source is unchanged
SCAN_OF = "pdf_printed_official_ipv6_documentation.pdf"
SCAN_TIME = time.strptime("2026-03-02 09:15:00", "%Y-%m-%d %H:%M:%S")


def source_of(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    if ext in ("docx", "odt"):
        return "docx"
    return "pdf-text"


def build_forms(work: Path, office: fx.Office) -> dict[str, dict]:
    """Writes fixtures/forms/ and returns each file's truth (one record)."""
    truth: dict[str, dict] = {}
    html_dir = work / "html"
    html_dir.mkdir()
    by_target: dict[str, list[Path]] = {"docx": [], "odt": []}
    for name, key, style, fmt in OFFICE_FORMS:
        stem = name.rsplit(".", 1)[0]
        src = html_dir / f"{stem}.html"
        src.write_text(form_html(APPS[key], style), encoding="utf-8")
        by_target["odt" if fmt in ("odt", "pdf-from-odt") else "docx"].append(src)
    office.convert(by_target["docx"], "docx:MS Word 2007 XML", work / "docx", "HTML (StarWriter)")
    office.convert(by_target["odt"], "odt:writer8", work / "odt", "HTML (StarWriter)")
    to_pdf, to_doc = [], []
    for name, key, style, fmt in OFFICE_FORMS:
        stem = name.rsplit(".", 1)[0]
        if fmt in ("docx", "odt"):
            shutil.copy(work / fmt / f"{stem}.{fmt}", FORMS / name)
        elif fmt == "pdf-from-docx":
            to_pdf.append(work / "docx" / f"{stem}.docx")
        elif fmt == "pdf-from-odt":
            to_pdf.append(work / "odt" / f"{stem}.odt")
        elif fmt == "doc":
            to_doc.append(work / "docx" / f"{stem}.docx")
        if fmt == "doc":
            truth[name] = record(name, "doc", APPS[key])
        else:
            truth[name] = record(name, source_of(name), APPS[key])
    office.convert(to_pdf, "pdf:writer_pdf_Export", work / "pdf")
    office.convert(to_doc, "doc:MS Word 97", work / "doc")
    for p in to_pdf:
        shutil.copy(work / "pdf" / f"{p.stem}.pdf", FORMS / f"{p.stem}.pdf")
    for p in to_doc:
        shutil.copy(work / "doc" / f"{p.stem}.doc", FORMS / f"{p.stem}.doc")
    for name, _key, _style, fmt in OFFICE_FORMS:
        if fmt != "doc":
            pin_times(FORMS / name)

    for i, (name, key, kind) in enumerate(WORD_FORMS):
        word_form(FORMS / name, APPS[key], kind, seed=300 + i)
        truth[name] = record(name, "docx", APPS[key])

    # fillable PDFs
    blank_generic, blank_named = work / "blank_generic.pdf", work / "blank_named.pdf"
    # the generic form's author gave its text fields tooltips, not its check boxes
    blank_acroform(blank_generic, GENERIC_NAMES,
                   tooltips={"name", "org", "email", "ip", "records", "calls"})
    blank_acroform(blank_named, MEANINGFUL_NAMES, tooltips=set(TOOLTIPS))
    fill_acroform(blank_generic, FORMS / ACRO_GENERIC, APPS["ravi"], GENERIC_NAMES, "Yes")
    fill_acroform(blank_named, FORMS / ACRO_NAMED, APPS["chloe"], MEANINGFUL_NAMES, "1")
    truth[ACRO_GENERIC] = record(ACRO_GENERIC, "pdf-form", APPS["ravi"])
    truth[ACRO_NAMED] = record(ACRO_NAMED, "pdf-form", APPS["chloe"])
    # qpdf warns about the /1 on-states it cannot generate appearances for (exit 3)
    fx.qpdf("--deterministic-id", "--flatten-annotations=all", "--generate-appearances",
            FORMS / ACRO_NAMED, FORMS / ACRO_FLAT)
    truth[ACRO_FLAT] = record(ACRO_FLAT, "pdf-text", APPS["chloe"])
    # qpdf needs a fixed id source for deterministic encryption output is not possible; fine.
    # qpdf draws a random file key, so an encrypted copy differs on every run: keep the last
    # run's copies when the document they encrypt is unchanged.
    if PREVIOUS.get(ACRO_GENERIC) == (FORMS / ACRO_GENERIC).read_bytes() and all(
            k in PREVIOUS for k in (ACRO_USER_PW, ACRO_OWNER_PW)):
        (FORMS / ACRO_USER_PW).write_bytes(PREVIOUS[ACRO_USER_PW])
        (FORMS / ACRO_OWNER_PW).write_bytes(PREVIOUS[ACRO_OWNER_PW])
    else:
        fx.qpdf("--encrypt", "opensesame", "abs-owner", "256", "--", FORMS / ACRO_GENERIC,
                FORMS / ACRO_USER_PW)
        fx.qpdf("--encrypt", "", "abs-owner", "256", "--print=none", "--modify=none", "--",
                FORMS / ACRO_GENERIC, FORMS / ACRO_OWNER_PW)
    truth[ACRO_USER_PW] = record(ACRO_USER_PW, "none", only_flag="unreadable_attachment")
    truth[ACRO_OWNER_PW] = record(ACRO_OWNER_PW, "pdf-form", APPS["ravi"])

    # a scan: the printed form's pages as images only, no text layer
    subprocess.run(["pdftoppm", "-r", "60", "-gray", "-png", str(FORMS / SCAN_OF),
                    str(work / "scan")], check=True)
    pages = [Image.open(p).convert("L") for p in sorted(work.glob("scan*.png"))]
    pages[0].save(FORMS / SCAN, "PDF", resolution=60.0, save_all=True,
                  append_images=pages[1:], title="Scanned document",
                  creationDate=SCAN_TIME, modDate=SCAN_TIME)
    # OCR reads it (a 60 dpi grey scan, so not every answer comes out right: known-misses.txt):
    # the printed form's answers, flagged read_by_ocr for staff to compare with the image.
    scan = record(SCAN, "ocr", APPS["hannah"])
    scan["flags"] = sorted(scan["flags"] + ["read_by_ocr"])
    truth[SCAN] = scan
    return truth


# --------------------------------------------------------------------------------------------
# The mails in fixtures/mail/.


def build_mail(work: Path, office: fx.Office, forms_truth: dict[str, dict]) -> dict[str, dict]:
    truth: dict[str, dict] = {}
    extra_html = work / "extra"
    extra_html.mkdir()

    def form_bytes(name: str) -> bytes:
        return (FORMS / name).read_bytes()

    def as_sent(form_name: str, sent_name: str) -> dict:
        r = json.loads(json.dumps(forms_truth[form_name]))
        r["attachment"] = sent_name
        return r

    def save(name: str, msg, records: list[dict]) -> None:
        if not isinstance(msg, bytes):
            pin_boundaries(msg, name)
        data = msg if isinstance(msg, bytes) else msg.as_bytes(policy=email.policy.SMTP)
        (MAIL / name).write_bytes(data)
        truth[name] = {"records": records}

    # Extra DOCX made for mails only (non-ASCII names, two applicants, forwards).
    extra = {
        "zoe": ("zoe", Style("official", "\u2612", "\u2610")),
        "bjorn": ("bjorn", Style("table")),
        "michael": ("michael", Style("table")),
        "sarah": ("sarah", Style("official", "X", "")),
    }
    for stem, (key, style) in extra.items():
        (extra_html / f"{stem}.html").write_text(form_html(APPS[key], style), encoding="utf-8")
    office.convert(sorted(extra_html.glob("*.html")), "docx:MS Word 2007 XML", work / "extra_docx",
                   "HTML (StarWriter)")

    for made in (work / "extra_docx").glob("*.docx"):
        pin_times(made)

    def extra_docx(stem: str) -> bytes:
        return (work / "extra_docx" / f"{stem}.docx").read_bytes()

    def attach_form(i, name, key, subject, form_name, sent_name, ctype=None, with_id=True,
                    html=False):
        a = APPS[key]
        msg = new_mail(i, sender(a), subject, with_id=with_id)
        msg.set_content(greeting(a))
        if html:  # Outlook: text and HTML alternatives, then the attachment
            paras = "".join(f'<p class="MsoNormal">{escape(p).replace(chr(10), "<br>")}</p>'
                            for p in greeting(a).split("\n\n"))
            msg.add_alternative(
                '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta '
                'http-equiv="Content-Type" content="text/html; charset=utf-8"><style>'
                "p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:Aptos,sans-serif}</style>"
                f'</head><body lang="EN-AU"><div class="WordSection1">{paras}</div></body></html>\n',
                subtype="html")
        maintype, subtype = ctype or fx.mime_type_for(sent_name)
        msg.add_attachment(form_bytes(form_name), maintype=maintype, subtype=subtype,
                           filename=sent_name)
        save(name, msg, [as_sent(form_name, sent_name)])

    attach_form(1, "m01_docx_attachment.eml", "jane", "Occupation Coding Service registration",
                "docx_table_glyphs.docx", "Registration Form - Jane Citizen.docx", html=True)
    attach_form(2, "m02_pdf_attachment.eml", "ahmed", "OCS registration form - AIHW",
                "pdf_printed_inline_agreed.pdf", "OCS registration.pdf")
    attach_form(3, "m03_odt_attachment.eml", "janes", "Registration for coding service",
                "odt_official_invalid_email.odt", "ABARES registration form.odt")
    attach_form(4, "m04_docx_as_octet_stream.eml", "alan", "Coding service registration - UC",
                "docx_official_ballot_box_check.docx", "OCS_Registration_UC.docx",
                ctype=("application", "octet-stream"))
    attach_form(5, "m05_docx_named_form_pdf.eml", "maryjane", "Registration form",
                "docx_inline_colon_yes_no.docx", "FORM.PDF", ctype=PDF_TYPE)

    # RFC 2231 encoded non-ASCII file name (what Python, Thunderbird and Gmail send)
    a = APPS["zoe"]
    msg = new_mail(6, sender(a), "Inscription \u2013 Occupation Coding Service")
    msg.set_content(greeting(a))
    zoe_name = "Inscription \u2013 Zo\u00eb Nguy\u1ec5n.docx"
    msg.add_attachment(extra_docx("zoe"), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename=("utf-8", "", zoe_name))
    save("m06_filename_rfc2231.eml", msg, [record(zoe_name, "docx", a)])

    # RFC 2047 encoded-word file name (what Outlook sends), written out by hand
    a = APPS["bjorn"]
    bjorn_name = "Registrering \u2013 Bj\u00f6rn \u00c5kesson.docx"
    ew = email.header.Header(bjorn_name, "utf-8").encode(maxlinelen=998)
    b64 = base64.encodebytes(extra_docx("bjorn")).decode("ascii").replace("\n", "\r\n")
    head = (
        f"From: {sender(a)}\r\nTo: {TO_ADDR}\r\nSubject: Registration form\r\n"
        f"Date: {mail_date(7)}\r\nMessage-ID: {message_id(7, 'dcceew.gov.au')}\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="_004_SY4P282MB3812D0B9_"\r\n'
        "Content-Language: en-AU\r\n\r\n"
        "--_004_SY4P282MB3812D0B9_\r\n"
        'Content-Type: text/plain; charset="us-ascii"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
        "Hi,\r\n\r\nOur registration form is attached.\r\n\r\nThanks,\r\nBjorn\r\n\r\n"
        "--_004_SY4P282MB3812D0B9_\r\n"
        f'Content-Type: {"/".join(DOCX_TYPE)};\r\n\tname="{ew}"\r\n'
        f'Content-Description: {ew}\r\n'
        f'Content-Disposition: attachment;\r\n\tfilename="{ew}"; size=9000;\r\n'
        '\tcreation-date="Tue, 10 Feb 2026 03:41:00 GMT";\r\n'
        '\tmodification-date="Tue, 10 Feb 2026 03:41:00 GMT"\r\n'
        "Content-Transfer-Encoding: base64\r\n\r\n"
    )
    raw_msg = head.encode("ascii") + b64.encode("ascii") + b"\r\n--_004_SY4P282MB3812D0B9_--\r\n"
    save("m07_filename_rfc2047.eml", raw_msg, [record(bjorn_name, "docx", a)])

    # the form pasted into a plain-text body
    a = APPS["fiona"]
    msg = new_mail(8, sender(a), "Registration - Occupation Coding Service")
    msg.set_content("Hi team,\n\nI couldn't open the Word version so I have pasted the form "
                    "below.\n\n" + form_text(a, Style("official", "[X]", "[ ]"))
                    + "\nCheers,\nFiona\n")
    save("m08_body_plain_text_form.eml", msg, [record("", "body", a)])

    # HTML-only body with the form as an HTML table
    a = APPS["aroha"]
    msg = new_mail(9, sender(a), "OCS registration (Finance)")
    msg.set_content("<html><body><p>Good afternoon,</p><p>Please see our registration details "
                    "below.</p>" + form_html(a, Style("table"), full_page=False)
                    + "<p>Ng\u0101 mihi,<br>Aroha</p></body></html>\n", subtype="html")
    save("m09_body_html_table_only.eml", msg, [record("", "body", a)])

    # windows-1252 body with é and smart quotes
    a = APPS["renee"]
    msg = new_mail(10, sender(a), "Registration \u2013 DFAT")
    body = ("Good morning,\n\nHere are my details for the \u201cOccupation Coding Service\u201d "
            "registration \u2013 I\u2019ve typed them in as the form wouldn\u2019t open.\n\n"
            + form_text(a, Style("inline", labels="L4", sep=": ")) + "\nRen\u00e9e\n")
    msg.set_content(body, charset="windows-1252", cte="quoted-printable")
    save("m10_body_windows_1252.eml", msg, [record("", "body", a)])

    # forwarded as an attachment (message/rfc822) holding the form
    a = APPS["kate"]
    inner = new_mail(11, sender(a), "Coding service registration")
    inner.replace_header("To", "Data Team <data.team@dss.gov.au>")
    inner.set_content(greeting(a))
    inner.add_attachment(form_bytes("docx_official_parentheses.docx"), maintype=DOCX_TYPE[0],
                         subtype=DOCX_TYPE[1], filename="OCS registration - DSS.docx")
    outer = new_mail(111, "Data Team <data.team@dss.gov.au>", "FW: Coding service registration")
    outer.set_content("Forwarding Kate's registration, see attached message.\n\nData Team\n")
    outer.add_attachment(inner, filename="Coding service registration.eml")
    save("m11_forward_as_attachment.eml", outer,
         [as_sent("docx_official_parentheses.docx", "OCS registration - DSS.docx")])

    # inline forward (Gmail style) with the form in the body
    a = APPS["liam"]
    msg = new_mail(12, "Helpdesk DVA <helpdesk@dva.gov.au>", "Fwd: OCS registration")
    msg.set_content(
        "Please action, this came to our shared box.\n\n"
        "---------- Forwarded message ---------\n"
        f"From: {sender(a)}\nDate: Mon, 9 Mar 2026 at 10:12\nSubject: OCS registration\n"
        "To: <helpdesk@dva.gov.au>\n\n\n"
        + form_text(a, Style("official", "\u2612", "\u2610")) + "\nLiam\n")
    save("m12_forward_inline.eml", msg, [record("", "body", a)])

    # logo and signature images beside the form (ignored)
    a = APPS["li"]
    msg = new_mail(13, sender(a), "DEWR - Occupation Coding Service registration")
    msg.set_content(greeting(a))
    msg.add_alternative(
        "<html><body><p>Hello,</p><p>Please find attached our completed registration form.</p>"
        '<p>Kind regards,<br>Dr Li Wei<br><img src="cid:image001.png@01DC8A2B.5E3F1A20" '
        'alt="DEWR logo"><br><img src="cid:image002.png@01DC8A2B.5E3F1A20" alt="signature">'
        "</p></body></html>\n", subtype="html")
    html_part = msg.get_payload()[1]
    html_part.add_related(small_png(160, 48, "DEWR", (0, 70, 127)), "image", "png",
                          cid="<image001.png@01DC8A2B.5E3F1A20>", filename="image001.png")
    html_part.add_related(small_png(120, 32, "Li Wei", (40, 40, 40)), "image", "png",
                          cid="<image002.png@01DC8A2B.5E3F1A20>", filename="image002.png")
    msg.add_attachment(form_bytes("docx_official_x_no_mark.docx"), maintype=DOCX_TYPE[0],
                       subtype=DOCX_TYPE[1], filename="DEWR OCS Registration.docx")
    save("m13_logo_and_signature_images.eml", msg,
         [as_sent("docx_official_x_no_mark.docx", "DEWR OCS Registration.docx")])

    # two applicants' forms in one message
    a, b = APPS["michael"], APPS["sarah"]
    msg = new_mail(14, sender(a), "Two registrations - Health")
    msg.set_content("Hello,\n\nAttached are registration forms for myself and my colleague "
                    "Sarah O'Neill.\n\nRegards,\nMichael Chen\n")
    msg.add_attachment(extra_docx("michael"), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename="Registration - Michael Chen.docx")
    msg.add_attachment(extra_docx("sarah"), maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename="Registration - Sarah O'Neill.docx")
    save("m14_two_forms.eml", msg, [record("Registration - Michael Chen.docx", "docx", a),
                                    record("Registration - Sarah O'Neill.docx", "docx", b)])

    # no form: a question
    msg = new_mail(15, sender(APPS["priya"]), "Credentials?")
    msg.set_content("Hi,\n\nI sent our registration form two weeks ago. When will my credentials "
                    "arrive?\n\nThanks,\nPriya\n")
    save("m15_no_form_question.eml", msg, [record("", "none", only_flag="no_form_found")])

    # a reply thread, '>' quoted, no form (and a line starting "From " for mboxrd quoting)
    msg = new_mail(16, sender(APPS["ahmed"]), "RE: OCS registration form - AIHW")
    msg["In-Reply-To"] = message_id(2, "aihw.gov.au")
    msg["References"] = message_id(2, "aihw.gov.au")
    msg.set_content(
        "Thanks, that's great.\n\nFrom what I can see we only need the one client ID for now.\n"
        "\nAhmed\n\n"
        "On Tue, 3 Mar 2026 at 09:14, Coding Service <coding.service.registration@abs.gov.au> "
        "wrote:\n"
        "> Hello Ahmed,\n>\n> Your registration has been received and your client credentials "
        "will be\n> sent within five business days.\n>\n"
        ">From the ABS Occupation Coding Service team\n")
    save("m16_reply_thread_no_form.eml", msg, [record("", "none", only_flag="no_form_found")])

    attach_form(17, "m17_no_message_id.eml", "sam", "Registration", "docx_official_square_brackets.docx",
                "registration.docx", with_id=False)
    attach_form(18, "m18_encrypted_pdf.eml", "ravi", "ADHA registration (password protected)",
                ACRO_USER_PW, "ADHA OCS registration.pdf")
    attach_form(19, "m19_scanned_pdf.eml", "hannah", "Scanned registration form", SCAN,
                "Scan_20260302_0915.pdf")
    attach_form(20, "m20_fillable_pdf.eml", "chloe", "Services Australia - OCS registration",
                ACRO_NAMED, "OCS Registration Form (fillable).pdf", html=True)
    attach_form(21, "m21_old_word_doc.eml", "lan", "Home Affairs registration",
                "doc_binary_word97.doc", "Registration form.doc")
    attach_form(22, "m22_content_controls.eml", "nadia", "Registration - Productivity Commission",
                "docx_word_content_controls.docx", "OCS Registration Form.docx", html=True)
    attach_form(23, "m23_owner_password_pdf.eml", "ravi", "ADHA registration",
                ACRO_OWNER_PW, "ADHA OCS registration (signed).pdf")

    # a DOCX cut short in transit
    a = APPS["oliver"]
    msg = new_mail(24, sender(a), "Registration form (City of Sydney)")
    msg.set_content(greeting(a))
    # cut in the middle of word/document.xml's compressed data: no reader can recover it
    whole = form_bytes("docx_table_glyphs.docx")
    with zipfile.ZipFile(io.BytesIO(whole)) as z:
        info = z.getinfo("word/document.xml")
    data_at = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    broken_docx = whole[: data_at + info.compress_size // 2]
    msg.add_attachment(broken_docx, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1],
                       filename="City of Sydney - registration.docx")
    save("m24_corrupt_docx.eml", msg,
         [record("City of Sydney - registration.docx", "none", only_flag="unreadable_attachment")])

    attach_form(25, "m25_legacy_form_fields.eml", "mark", "Dept of Education - registration form",
                "docx_word_legacy_form_fields.docx", "Registration_Form_Education.docx",
                html=True)
    attach_form(26, "m26_wingdings_ticks.eml", "ben", "Registration - University of Sydney",
                "docx_word_wingdings_ticks.docx", "OCS form - Ben Taylor.docx")
    attach_form(27, "m27_odt_range.eml", "lan", "Home Affairs registration (ODT)",
                "odt_official_range.odt", "registration-home-affairs.odt")
    attach_form(28, "m28_printed_pdf_cgnat.eml", "daniel", "Kim & Co registration",
                "pdf_printed_table_cgnat.pdf", "Kim&Co_OCS_registration.pdf")
    attach_form(29, "m29_docx_dynamic_ip.eml", "tom", "Registration - Baxter Consulting",
                "docx_official_option_deleted.docx", "Baxter Consulting OCS.docx")

    # the form typed inline in the body
    a = APPS["noah"]
    msg = new_mail(30, sender(a), "OCS registration")
    msg.set_content("Hi,\n\nI've filled in the form details below:\n\n"
                    + form_text(a, Style("inline", labels="L1", sep=": ")).split("\n", 1)[1]
                    + "\nThanks\nNoah Williams\nWilliams Research Pty Ltd\n")
    save("m30_body_inline_answers.eml", msg, [record("", "body", a)])

    attach_form(31, "m31_docx_invalid_ip.eml", "jack", "White Analytics registration",
                "docx_official_invalid_ip.docx", "White Analytics - registration form.docx")
    attach_form(32, "m32_odt_both_services.eml", "emma", "Registration (Tas Health)",
                "odt_table_both_services.odt", "Tas Health OCS.odt")
    attach_form(33, "m33_flattened_pdf.eml", "chloe", "Services Australia - OCS registration v2",
                ACRO_FLAT, "OCS Registration Form (flattened).pdf")
    return truth


def main() -> None:
    check_table()
    fx.require_tools("make_fixtures.py", "soffice", "qpdf", "pdftoppm")
    for keep in (ACRO_GENERIC, ACRO_USER_PW, ACRO_OWNER_PW):
        if (FORMS / keep).exists():
            PREVIOUS[keep] = (FORMS / keep).read_bytes()
    for d in (FORMS, MAIL, EXPECTED):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="regintake-fixtures-") as tmp, fx.Office() as office:
        work = Path(tmp)
        forms_truth = build_forms(work, office)
        mail_truth = build_mail(work, office, forms_truth)
    for name, r in forms_truth.items():
        fx.write_expected(EXPECTED, name, [r])
    for name, t in mail_truth.items():
        fx.write_expected(EXPECTED, name, t["records"])
    fx.write_mbox(sorted(MAIL.glob("*.eml")), FIX / "sample.mbox")
    total = fx.folder_size_report(FIX, 150_000, allow=("sample.mbox",))
    print(f"{len(forms_truth)} forms, {len(mail_truth)} mails, {total} bytes in fixtures/")


if __name__ == "__main__":
    main()
