#!/usr/bin/env python3
"""Builds fixtures/formats: every file format and mail shape applicants send (issue 14).

In: the hand-written case table below (each applicant's answers as written, and by hand the
record a careful reviewer writes down per SPEC v2). Out: form documents in forms/ (Word 97-2003
.doc with legacy form fields and typed ticks, LibreOffice and WordPad .rtf), mails in mail/
(winmail.dat, Outlook HTML, replies, forwards, RFC 2231/2047 names, bracketed answers, free
wording, non-forms, photos of the printed form), expected/<file>.json from the case table only
(never from regintake output), and README.md.

Tools: LibreOffice (soffice --headless --convert-to doc/rtf/pdf, and the UNO bridge of the
system python3 for the password-protected .doc), python-docx, pypdf, qpdf, poppler (pdftoppm),
Pillow, olefile, tnefparse (read-back check of every winmail.dat), Python's email package.

Run from the repository root:  python3 scripts/make_formats.py
"""

import datetime as dt
import html
import io
import json
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from email import charset as email_charset
from email import encoders, policy
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import docx
import olefile
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Pt, RGBColor
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fixturelib as fx  # noqa: E402
from fixturelib import (  # noqa: E402
    CALLS_Q, CREDENTIALS_TEXT, GUIDE_TEXT, PARTNER_HELP, PARTNER_TEXT, PRIVACY_TEXT, PUBLIC_HELP,
    PUBLIC_TEXT, RECORDS_Q, SEND_TEXT, TERMS_TEXT, TITLE, USE_INTRO, USE_NOTE)

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
ROOT = os.path.join(REPO, "fixtures", "formats")
FORMS = os.path.join(ROOT, "forms")
MAIL = os.path.join(ROOT, "mail")
EXPECTED = os.path.join(ROOT, "expected")

# The official form's own words come from fixturelib (seed/registration-form.txt).
USE_TEXT, RECORDS_LABEL, CALLS_LABEL = USE_INTRO, RECORDS_Q, CALLS_Q
FIELD_ORDER = list(fx.FIELD_ORDER)

# ------------------------------------------------------------------------------------------------
# The case table. `raw`: what the applicant typed and ticked (service: public | partner | both |
# ""). `truth`: the record a careful reviewer writes down, by hand. `flags`: by hand, per SPEC v2.
# ------------------------------------------------------------------------------------------------


def raw(name, org, email, terms, service, ip, records, calls, guide):
    return dict(name=name, org=org, email=email, terms=terms, service=service, ip=ip,
                records=records, calls=calls, guide=guide)


def truth(name, org, email, terms, service, ip, records, calls, guide):
    return dict(full_name=name, organisation=org, contact_email=email,
                terms_accepted="yes" if terms else "no", service=service, ip_allowlist=ip,
                expected_records_per_day=records, expected_api_calls_per_day=calls,
                user_guide_agreed="yes" if guide else "no")


CASES = {}


def case(key, r, t, flags, source, note):
    CASES[key] = dict(key=key, raw=r, truth=t, flags=sorted(flags), source=source, note=note)


# ---- Word 97-2003 .doc (LibreOffice --convert-to doc) --------------------------------------------
case("D1", raw("Dr Amelia Hartono", "Bureau of Meteorology", "Amelia.Hartono@bom.gov.au",
               True, "partner", "134.178.63.0/24", "250,000", "8,000", True),
     truth("Dr Amelia Hartono", "Bureau of Meteorology", "amelia.hartono@bom.gov.au",
           True, "partner", "134.178.63.0/24", "250000", "8000", True),
     [], "doc",
     "FORMTEXT answers in a label | answer table, FORMCHECKBOX boxes before the statements")
case("D2", raw("Connor Walsh", "Wollongong City Council", "cwalsh@wollongong.nsw.gov.au",
               True, "public", "", "3,000", "1,500", True),
     truth("Connor Walsh", "Wollongong City Council", "cwalsh@wollongong.nsw.gov.au",
           True, "public", "", "3000", "1500", True),
     ["exceeds_public_limit"], "doc",
     "check boxes in their own table cells; terms and public left in their default-checked state "
     "(FFDATA iRes 25, wDef 1), partner's default-checked box unticked by the applicant (iRes 0, "
     "wDef 1)")
case("D3", raw("Harriet Lindqvist", "Flinders University", "harriet.lindqvist@flinders.edu.au",
               True, "partner", "10.20.30.0/24", "40000", "", False),
     truth("Harriet Lindqvist", "Flinders University", "harriet.lindqvist@flinders.edu.au",
           True, "partner", "10.20.30.0/24", "40000", "", False),
     ["missing_expected_calls", "non_public_ip", "user_guide_not_agreed"], "doc",
     "inline 'Label: FORMTEXT' paragraphs; calls field left as Word's five en spaces; guide box "
     "unticked")
case("D4", raw("Mele Taufa", "Western Sydney Local Health District", "Mele.Taufa@health.nsw.gov.au",
               True, "public", "", "200", "900", True),
     truth("Mele Taufa", "Western Sydney Local Health District", "mele.taufa@health.nsw.gov.au",
           True, "public", "", "200", "900", True),
     ["calls_exceed_records"], "doc", "typed ☒/☐ glyphs in their own cells beside the statements")
case("D5", raw("Rhys Llewellyn", "Australian Electoral Commission", "rhys.llewellyn@aec.gov.au",
               True, "partner", "from 210.8.208.38 through 210.8.208.56", "1.2 million", "9,000",
               True),
     truth("Rhys Llewellyn", "Australian Electoral Commission", "rhys.llewellyn@aec.gov.au",
           True, "partner", "210.8.208.38-210.8.208.56", "1200000", "9000", True),
     [], "doc",
     "official layout as paragraphs, a typed ✓ before the chosen statements; range in words")
case("D6", raw("Dr Ngaire Thompson [PhD]", "Charles Sturt University [CSU]", "nthompson@csu.edu.au",
               True, "public", "", "400 [see attached plan]", "150", True),
     truth("Dr Ngaire Thompson [PhD]", "Charles Sturt University [CSU]", "nthompson@csu.edu.au",
           True, "public", "", "400", "150", True),
     [], "doc",
     "bracketed text that is part of the answers; unused IP blank left as the form's [ ____ ]")
case("D7", raw("Peter Vukovic", "Australian Securities and Investments Commission",
               "peter.vukovic@asic.gov.au",
               True, "partner", "203.8.200.0/24", "20,000", "2,000", True),
     truth("", "", "", False, "", "", "", "", False), ["unreadable_attachment"], "none",
     "saved with a password (LibreOffice, RC4 CryptoAPI): the answers cannot be read")
case("D8", raw("Isabella Rossi", "Department of Finance", "isabella.rossi@finance.gov.au",
               True, "public", "", "500", "200", True),
     truth("", "", "", False, "", "", "", "", False), ["unreadable_attachment"], "none",
     "a LibreOffice .doc cut off at 3/5 of its length (directory gone)")

# ---- RTF ----------------------------------------------------------------------------------------
case("R1", raw("Sophie Nakamura", "Australian National University", "sophie.nakamura@anu.edu.au",
               True, "partner", "150.203.1.0 to 150.203.1.63", "60,000", "6,000", True),
     truth("Sophie Nakamura", "Australian National University", "sophie.nakamura@anu.edu.au",
           True, "partner", "150.203.1.0-150.203.1.63", "60000", "6000", True),
     [], "rtf",
     "LibreOffice RTF of a form with FORMTEXT and FORMCHECKBOX fields (\\formfield, \\ffres); "
     "terms box in Word's untouched default state (\\ffdefres1\\ffres25); range in words")
case("R2", raw("Oliver Brennan", "Department of Agriculture, Fisheries and Forestry",
               "oliver.brennan@aff.gov.au",
               True, "partner", "203.2.72.0/22", "500,000", "12,000", True),
     truth("Oliver Brennan", "Department of Agriculture, Fisheries and Forestry",
           "oliver.brennan@aff.gov.au",
           True, "partner", "203.2.72.0/22", "500000", "12000", True),
     ["exceeds_partner_limit", "ip_range_too_broad"], "rtf",
     "LibreOffice RTF of a table form, ☒/☐ typed in cells (\\u escapes)")
case("R3", raw("Kwame Mensah", "Deakin University", "k.mensah@deakin.edu.au",
               False, "public", "", "about 2k", "approx. 800", True),
     truth("Kwame Mensah", "Deakin University", "k.mensah@deakin.edu.au",
           False, "public", "", "2000", "800", True),
     ["terms_not_accepted"], "rtf",
     "LibreOffice RTF form fields; terms box ticked by default but unticked (\\ffdefres1\\ffres0)")
case("R4", raw("Renée Côté", "Canberra Institute of Technology", "renee.cote@cit.edu.au",
               True, "partner", "202.158.214.0/24", "15,000", "4,500", True),
     truth("Renée Côté", "Canberra Institute of Technology", "renee.cote@cit.edu.au",
           True, "partner", "202.158.214.0/24", "15000", "4500", True),
     [], "rtf",
     "WordPad RTF (ansicpg1252, \\'e9 escapes), Wingdings {\\f2\\'fe} ticked / {\\f2\\'a8} empty "
     "boxes")
case("R5", raw("Nguyễn Thị Hằng", "Victoria University", "hang.nguyen@@vu.edu.au",
               True, "public", "", "500", "about 500", True),
     truth("Nguyễn Thị Hằng", "Victoria University", "",
           True, "public", "", "500", "500", True),
     ["invalid_contact_email"], "rtf",
     "WordPad RTF with \\u escapes for Vietnamese letters, Wingdings tick {\\f2\\u252\\'fc} beside "
     "the chosen statements and nothing beside the others; e-mail with two @")
case("R6", raw("Declan O’Brien", "Murray–Darling Basin Authority", "declan.obrien@mdba.gov.au",
               True, "partner", "120.156.40.12 (home connection, dynamic)", "8000", "", True),
     truth("Declan O’Brien", "Murray–Darling Basin Authority", "declan.obrien@mdba.gov.au",
           True, "partner", "120.156.40.12", "8000", "", True),
     ["dynamic_ip", "missing_expected_calls"], "rtf",
     "WordPad RTF, inline answers, \\'92 and \\'96 escapes, [X]/[ ] boxes, Wingdings font switched "
     "without a group")

# ---- DOCX and PDF forms carried by the mail shapes ----------------------------------------------
case("X1", raw("Tariq Haddad", "NSW Department of Customer Service",
               "tariq.haddad@customerservice.nsw.gov.au",
               True, "partner", "203.4.16.0/24, 203.4.17.5", "10,000 - 20,000", "5,000", True),
     truth("Tariq Haddad", "NSW Department of Customer Service",
           "tariq.haddad@customerservice.nsw.gov.au",
           True, "partner", "203.4.16.0/24; 203.4.17.5", "20000", "5000", True),
     [], "docx", "DOCX (python-docx) sent with a .doc name and application/msword")
case("X2", raw("Lachlan Pike", "Sunshine Coast Council", "lachlan.pike@sunshinecoast.qld.gov.au",
               True, "partner", "100.72.14.3", "25,000", "2,500", True),
     truth("Lachlan Pike", "Sunshine Coast Council", "lachlan.pike@sunshinecoast.qld.gov.au",
           True, "partner", "100.72.14.3", "25000", "2500", True),
     ["non_public_ip"], "docx",
     "corrected DOCX attached to a reply that quotes the old form in the body")
case("X3", raw("Ming Zhou", "Australian Institute of Criminology", "ming.zhou@aic.gov.au",
               True, "public", "", "TBC", "500", True),
     truth("Ming Zhou", "Australian Institute of Criminology", "ming.zhou@aic.gov.au",
           True, "public", "", "", "500", True),
     ["invalid_expected_records"], "pdf-text",
     "printed PDF (LibreOffice) labelled text/plain in a forwarded message")
case("X4", raw("Samuel Adeyemi", "Department of Home Affairs", "samuel.adeyemi@homeaffairs.gov.au",
               True, "public", "", "20,000", "2,000", True),
     truth("Samuel Adeyemi", "Department of Home Affairs", "samuel.adeyemi@homeaffairs.gov.au",
           True, "public", "", "20000", "2000", True),
     ["exceeds_public_limit"], "docx", "DOCX form sent together with a CV")

# ---- winmail.dat --------------------------------------------------------------------------------
case("T1", raw("Kieran Murphy", "Queensland Health", "kieran.murphy@health.qld.gov.au",
               True, "partner", "203.12.160.0/24", "120,000", "10,000", True),
     truth("Kieran Murphy", "Queensland Health", "kieran.murphy@health.qld.gov.au",
           True, "partner", "203.12.160.0/24", "120000", "10000", True),
     [], "docx", "DOCX inside winmail.dat (long name in PR_ATTACH_LONG_FILENAME, PT_STRING8)")
case("T2", raw("Anjali Desai", "Australian Bureau of Agricultural and Resource Economics", "",
               True, "public", "", "1,000", "1,000", True),
     truth("Anjali Desai", "Australian Bureau of Agricultural and Resource Economics", "",
           True, "public", "", "1000", "1000", True),
     ["missing_contact_email"], "pdf-text", "printed PDF inside winmail.dat")
case("T3", raw("Ana Pereira", "Geoscience Australia", "ana.pereira@ga.gov.au",
               True, "partner", "2001:388:1:4000::/48", "100,000", "12,000", True),
     truth("Ana Pereira", "Geoscience Australia", "ana.pereira@ga.gov.au",
           True, "partner", "2001:388:1:4000::/48", "100000", "12000", True),
     ["exceeds_partner_limit"], "docx",
     "logo (Content-ID, hidden) and a DOCX inside winmail.dat, PT_UNICODE long name")
case("T4", raw("Hélène Lefèvre", "Alliance Française de Melbourne",
               "helene.lefevre@afmelbourne.com.au",
               True, "public", "", "600", "600", False),
     truth("Hélène Lefèvre", "Alliance Française de Melbourne", "helene.lefevre@afmelbourne.com.au",
           True, "public", "", "600", "600", False),
     ["user_guide_not_agreed"], "pdf-form",
     "fillable PDF (LibreOffice, filled with pypdf) inside winmail.dat, "
     "windows-1252 long name")

# ---- HTML mail bodies ---------------------------------------------------------------------------
case("H1", raw("Chloé Martin", "St Vincent’s Hospital Melbourne", "chloe.martin@svha.org.au",
               True, "partner", "203.13.208.0/24", "75,000", "9,500", True),
     truth("Chloé Martin", "St Vincent’s Hospital Melbourne", "chloe.martin@svha.org.au",
           True, "partner", "203.13.208.0/24", "75000", "9500", True),
     [], "body", "Outlook HTML: label | answer table, Wingdings þ/¨ boxes, windows-1252 QP")
case("H2", raw("Aroha Ngata", "Inner West Council", "Aroha.Ngata@innerwest.nsw.gov.au",
               True, "public", "", "5,000", "1,200", True),
     truth("Aroha Ngata", "Inner West Council", "aroha.ngata@innerwest.nsw.gov.au",
           True, "public", "", "5000", "1200", True),
     ["exceeds_public_limit"], "body", "Outlook HTML: statement cell, ☒/✔/☐ in the next cell")
case("H3", raw("Benjamin Cho", "Australian Institute of Family Studies", "benjamin.cho@aifs.gov.au",
               True, "public", "", "800", "300", False),
     truth("Benjamin Cho", "Australian Institute of Family Studies", "benjamin.cho@aifs.gov.au",
           True, "public", "", "800", "300", False),
     ["user_guide_not_agreed"], "body", "HTML with <input type=checkbox checked> and radio buttons")
case("H4", raw("Siobhán O’Connor", "Tourism Research Australia", "siobhan.oconnor@tra.gov.au",
               True, "both", "203.57.112.0/24", "30,000", "15,000", True),
     truth("Siobhán O’Connor", "Tourism Research Australia", "siobhan.oconnor@tra.gov.au",
           True, "", "203.57.112.0/24", "30000", "15000", True),
     ["multiple_services_selected"], "body",
     "Outlook MsoNormal paragraphs with &nbsp;, Wingdings &#254;/&#168;; "
     "both services ticked")

# ---- replies (new form on top, old form quoted) -------------------------------------------------
case("P1", raw("Hamish Douglas", "Charles Darwin University", "hamish.douglas@cdu.edu.au",
               True, "partner", "138.80.12.0/24", "30,000", "3,000", True),
     truth("Hamish Douglas", "Charles Darwin University", "hamish.douglas@cdu.edu.au",
           True, "partner", "138.80.12.0/24", "30000", "3000", True),
     [], "body", "plain reply; old form (192.168.0.10, calls 30000) quoted with > below")
case("P2", raw("Fatima Rahimi", "Multicultural NSW", "fatima.rahimi@multicultural.nsw.gov.au",
               True, "public", "", "1,000", "2,500", True),
     truth("Fatima Rahimi", "Multicultural NSW", "fatima.rahimi@multicultural.nsw.gov.au",
           True, "public", "", "1000", "2500", True),
     ["calls_exceed_records", "exceeds_public_limit"], "body",
     "Outlook HTML reply; two quoted levels under From/Sent/To/Subject blocks, the old form "
     "(partner, "
     "no IP, terms unticked) at the bottom")
case("P3", raw("Ethan Brooks", "Brooks & Kaur Analytics Pty Ltd", "ethan@brookskaur.com.au",
               True, "partner", "180.150.36.0/24", "12,000", "1,500", True),
     truth("Ethan Brooks", "Brooks & Kaur Analytics Pty Ltd", "ethan@brookskaur.com.au",
           True, "partner", "180.150.36.0/24", "12000", "1500", True),
     [], "body",
     "Gmail reply; old form (e-mail written with (at)) inside div.gmail_quote / blockquote")

# ---- forwards -----------------------------------------------------------------------------------
case("F2", raw("Dr Mia Rossi [she/her]", "Macquarie University", "mia.rossi@mq.edu.au",
               True, "partner", "our office IP", "35,000", "4,000", True),
     truth("Dr Mia Rossi [she/her]", "Macquarie University", "mia.rossi@mq.edu.au",
           True, "partner", "", "35000", "4000", True),
     ["invalid_ip"], "body", "Gmail forward: the form is in the forwarded part only")
case("F3", raw("Jack Thornton", "Department of Veterans’ Affairs", "jack.thornton@dva.gov.au",
               True, "", "203.6.92.0/24", "2,000", "800", True),
     truth("Jack Thornton", "Department of Veterans’ Affairs", "jack.thornton@dva.gov.au",
           True, "", "203.6.92.0/24", "2000", "800", True),
     ["service_not_selected"], "body",
     "Outlook forward: form table under the From/Sent/To/Subject block")
case("F4", raw("Padraig O'Neill", "Australian Antarctic Division", "padraig.oneill@aad.gov.au",
               True, "public", "", "1,000", "900", True),
     truth("Padraig O'Neill", "Australian Antarctic Division", "padraig.oneill@aad.gov.au",
           True, "public", "", "1000", "900", True),
     [], "body", "forward as message/rfc822 whose own body holds the form")

# ---- encoded attachment names -------------------------------------------------------------------
case("N1", raw("Dmitri Volkov", "University of Tasmania", "dmitri.volkov@utas.edu.au",
               True, "public", "", "700", "700", True),
     truth("Dmitri Volkov", "University of Tasmania", "dmitri.volkov@utas.edu.au",
           True, "public", "", "700", "700", True),
     [], "pdf-text", "printed PDF under an RFC 2231 windows-1251 continued name")
case("N2", raw("Beatriz Souza", "Griffith University", "b.souza@griffith.edu.au",
               True, "partner", "132.234.20.0/24", "", "3,000", True),
     truth("Beatriz Souza", "Griffith University", "b.souza@griffith.edu.au",
           True, "partner", "132.234.20.0/24", "", "3000", True),
     ["missing_expected_records"], "docx",
     "DOCX under an RFC 2231 UTF-8 name split inside a character")
case("N3", raw("Katarzyna Nowak", "Curtin University", "k.nowak@curtin.edu.au",
               True, "partner", "134.7.134.0/24", "4,000", "5,000", True),
     truth("Katarzyna Nowak", "Curtin University", "k.nowak@curtin.edu.au",
           True, "partner", "134.7.134.0/24", "4000", "5000", True),
     ["calls_exceed_records"], "doc", ".doc under an RFC 2047 name in two charsets")

# ---- bracketed answers and free wording in the body ---------------------------------------------
case("B1", raw("Jordan Ellis [they/them]", "Australian Catholic University [ACU]",
               "jordan.ellis@acu.edu.au",
               True, "public", "", "2,500 [peak in March]", "250 [approx.]", True),
     truth("Jordan Ellis [they/them]", "Australian Catholic University [ACU]",
           "jordan.ellis@acu.edu.au",
           True, "public", "", "2500", "250", True),
     [], "body", "brackets that are part of the answers")
case("B2", raw("Priya Venkataraman", "Telstra Health", "priya.v@telstrahealth.com",
               True, "partner", "144.132.8.0/24", "12,000", "1,000", True),
     truth("Priya Venkataraman", "Telstra Health", "priya.v@telstrahealth.com",
           True, "partner", "144.132.8.0/24", "12000", "1000", True),
     [], "body",
     "the form's [ ... ] blanks filled in, the name blank's closing ] deleted (stray [)")
case("W1", raw("Dr Alistair Reid", "University of Newcastle", "alistair.reid@newcastle.edu.au",
               True, "partner", "from 134.148.5.10 to 134.148.5.40", "around 50,000", "about 2,000",
               True),
     truth("Dr Alistair Reid", "University of Newcastle", "alistair.reid@newcastle.edu.au",
           True, "partner", "134.148.5.10-134.148.5.40", "50000", "2000", True),
     [], "body", "free wording: every answer in the applicant's own sentences")
case("W2", raw("Grace Liu", "Hunter New England Health", "grace.liu@health.nsw.gov.au",
               True, "public", "", "300", "300", False),
     truth("Grace Liu", "Hunter New England Health", "grace.liu@health.nsw.gov.au",
           True, "public", "", "300", "300", False),
     ["user_guide_not_agreed"], "body", "free wording; the User Guide is never mentioned")
case("W3", raw("Tomasz Nowak", "Riverina Analytics", "tomasz@riverinaanalytics.com.au",
               True, "partner", "203.0.113.0/24", "20,000", "5,000", True),
     truth("Tomasz Nowak", "Riverina Analytics", "tomasz@riverinaanalytics.com.au",
           True, "partner", "203.0.113.0/24", "20000", "5000", True),
     ["non_public_ip"], "body", "free wording with a documentation block (TEST-NET-3)")
case("W4", raw("Nikhil Rao", "Fernhill Data Pty Ltd", "nikhil@fernhilldata.com.au",
               True, "partner", "121.44.198.7", "5k", "1.5k", True),
     truth("Nikhil Rao", "Fernhill Data Pty Ltd", "nikhil@fernhilldata.com.au",
           True, "partner", "121.44.198.7", "5000", "1500", True),
     ["dynamic_ip"], "body",
     "free wording in Outlook HTML; the address is a dynamic home connection")

# ---- images of the printed form -----------------------------------------------------------------
case("I1", raw("Lucy Harrington", "Australian Institute of Marine Science",
               "l.harrington@aims.gov.au",
               True, "public", "", "900", "450", True),
     truth("Lucy Harrington", "Australian Institute of Marine Science", "l.harrington@aims.gov.au",
           True, "public", "", "900", "450", True),
     ["read_by_ocr"], "ocr",
     "JPEG phone photo of the printed form (≈150 dpi, tilted, uneven light)")
case("I2", raw("Marcus Webb", "Department of Education", "marcus.webb@education.gov.au",
               True, "partner", "172.16.40.0/24", "80,000", "6,000", True),
     truth("Marcus Webb", "Department of Education", "marcus.webb@education.gov.au",
           True, "partner", "172.16.40.0/24", "80000", "6000", True),
     ["non_public_ip", "read_by_ocr"], "ocr", "PNG scan of the printed form, 200 dpi grey")
case("I3", raw("Yasmin Haddad", "City of Adelaide", "y.haddad@cityofadelaide.com.au",
               True, "public", "", "300", "600", True),
     truth("Yasmin Haddad", "City of Adelaide", "y.haddad@cityofadelaide.com.au",
           True, "public", "", "300", "600", True),
     ["calls_exceed_records", "read_by_ocr"], "ocr",
     "JPEG photo (≈170 dpi) with an inline signature image")

UNREADABLE = ["D7", "D8"]


def sanity_check(c):
    """Guards the hand-written truth against slips: the mechanical flag rules of SPEC v2 must agree
    with the hand-written flags (IP classification and wording stay hand-judged)."""
    if c["key"] in UNREADABLE:
        return
    t, f = c["truth"], set(c["flags"])
    problems = []

    def need(cond, flag):
        if cond != (flag in f):
            problems.append(flag)

    need(t["full_name"] == "", "missing_full_name")
    need(t["organisation"] == "", "missing_organisation")
    if t["contact_email"] == "" and not ({"missing_contact_email", "invalid_contact_email"} & f):
        problems.append("contact email flag")
    need(t["terms_accepted"] == "no", "terms_not_accepted")
    need(t["user_guide_agreed"] == "no", "user_guide_not_agreed")
    raw_service = c["raw"]["service"]
    need(raw_service == "both", "multiple_services_selected")
    need(raw_service == "", "service_not_selected")
    rec, calls = t["expected_records_per_day"], t["expected_api_calls_per_day"]
    if rec == "" and not ({"missing_expected_records", "invalid_expected_records"} & f):
        problems.append("records flag")
    if calls == "" and not ({"missing_expected_calls", "invalid_expected_calls"} & f):
        problems.append("calls flag")
    need(rec != "" and calls != "" and int(calls) > int(rec), "calls_exceed_records")
    need(t["service"] == "public" and calls != "" and int(calls) > 1000, "exceeds_public_limit")
    need(t["service"] == "partner" and calls != "" and int(calls) > 10000, "exceeds_partner_limit")
    if t["service"] == "partner" and t["ip_allowlist"] == "" and not ({"missing_ip_allowlist",
                                                                       "invalid_ip"} & f):
        problems.append("ip flag")
    need(c["source"] == "ocr", "read_by_ocr")
    if problems:
        raise SystemExit("case %s: hand-written flags disagree on %s" % (c["key"], problems))


for _c in CASES.values():
    sanity_check(_c)


# ================================================================================================
# Plumbing: scripts/fixturelib.py (LibreOffice with a fixed font set, pinning, boundaries, expected
# files), plus what only this set needs (saving with a password, headers written verbatim).
# ================================================================================================

PIN_DATE = "2026-03-02T09:30:00Z"
FIXED_ZIP_TIME = (2026, 3, 2, 9, 30, 0)
# LibreOffice seeds its random numbers (form-field bookmark names, ids) from this when set, so a
# rebuild writes the same bytes.
os.environ["SAL_RAND_REPEATABLE"] = "1"
OFFICE = None   # the fx.Office of this run, set in main()


def soffice(src, target, outdir, infilter=None):
    """Convert one file with LibreOffice; returns the produced path."""
    return str(OFFICE.convert([src], target, outdir, infilter or "")[0])


UNO_SAVE_WITH_PASSWORD = r'''
import os, subprocess, sys, time
import uno
from com.sun.star.beans import PropertyValue
def pv(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
src, dst, filt, password, profile = sys.argv[1:6]
pipe = "make_formats_%d" % os.getpid()
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
                         "-env:UserInstallation=" + profile, "--accept=pipe,name=%s;urp;" % pipe],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext(
    "com.sun.star.bridge.UnoUrlResolver", local)
ctx = None
for _ in range(200):
    try:
        ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
        break
    except Exception:
        time.sleep(0.2)
desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
                                   (pv("Hidden", True),))
doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
               (pv("FilterName", filt), pv("Password", password)))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=60)
'''


def soffice_save_with_password(src, dst, filter_name, password, tmp):
    """LibreOffice's File > Save As with a password, through the UNO bridge of the system python3
    (python3-uno); --convert-to cannot pass a password to the Word 97 filter."""
    profile = "file://" + os.path.join(tmp, "uno-profile")
    subprocess.run(["/usr/bin/python3", "-c", UNO_SAVE_WITH_PASSWORD, src, dst, filter_name,
                    password, profile],
                   check=True, timeout=300)


def normalise_zip(path):
    """Fixed entry times, metadata dates and revision ids (deterministic rebuilds)."""
    fx.pin_package(path, FIXED_ZIP_TIME, PIN_DATE, total_time=1, keep_compression=False)


def normalise_pdf(path):
    """Fixed dates and ids, objects renumbered by qpdf (deterministic rebuilds)."""
    fx.pin_pdf(path, "20260302093000", fx.pdf_id_for(os.path.basename(path)), checksum="0" * 32,
               renumber=True)


record = fx.record
EMPTY_FIELDS = {k: "" for k in FIELD_ORDER}


def write_expected(file_name, records):
    fx.write_expected(EXPECTED, file_name, records)


TO = fx.TO_HEADER


def headers(msg, sender, subject, date, msgid, extra=()):
    return fx.set_headers(msg, sender, subject, date, msgid, extra=extra)


def write_mail(name, msg, records):
    fx.pin_boundaries(msg, "----=_NextPart_{tag}_{i:03d}_01DCA9B2.5F3C1E40", tag=name[1:3])
    # Body parts carry no MIME-Version; a forwarded message/rfc822 keeps its own.
    inner = {id(p.get_payload(0)) for p in msg.walk() if p.get_content_type() == "message/rfc822"}
    for part in msg.walk():
        if part is not msg and id(part) not in inner and "MIME-Version" in part:
            del part["MIME-Version"]
    # Headers are written as given (pre-folded where long): no re-encoding of the RFC 2231 / 2047
    # names this set is about.
    with open(os.path.join(MAIL, name), "wb") as fh:
        fh.write(msg.as_bytes(policy=policy.SMTP.clone(refold_source="none")))
    write_expected(name, records)


# ------------------------------------------------------------------------------------------------
# Word documents written with python-docx (the source of every .doc, and the DOCX forms)
# ------------------------------------------------------------------------------------------------

def x(text):
    return html.escape(text, quote=False)


def new_document(author, font="Calibri", size=10.5):
    d = docx.Document()
    normal = d.styles["Normal"]
    normal.font.name = font
    normal.font.size = Pt(size)
    for sec in d.sections:
        sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
        sec.left_margin = sec.right_margin = Cm(2.2)
        sec.top_margin = sec.bottom_margin = Cm(2.0)
    cp = d.core_properties
    cp.title = TITLE
    cp.author = "Australian Bureau of Statistics"
    cp.last_modified_by = author or "User"
    cp.created = dt.datetime(2025, 11, 3, 23, 10)
    cp.modified = dt.datetime(2026, 3, 1, 22, 41)
    cp.revision = 3
    cp.comments = ""
    return d


def save_docx(d, path):
    d.save(path)
    normalise_zip(path)


def heading(d, text, size=12.5, before=10):
    p = d.add_paragraph()
    p.paragraph_format.space_before = Pt(before)
    p.paragraph_format.space_after = Pt(3)
    r = p.add_run(text)
    r.bold = True
    r.font.size = Pt(size)
    return p


def title(d, text=TITLE, size=17):
    p = d.add_paragraph()
    r = p.add_run(text)
    r.bold = True
    r.font.size = Pt(size)
    r.font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
    return p


def append_xml(paragraph, runs_xml):
    frag = parse_xml("<w:p %s>%s</w:p>" % (nsdecls("w"), runs_xml))
    for child in list(frag):
        paragraph._p.append(child)


def run_xml(text, bold=False):
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (rpr, x(text))


def formtext_xml(name, value):
    """A legacy FORMTEXT field as Word writes it; an empty one holds Word's five en spaces."""
    return bookmarked(name, _formtext_xml(name, value))


def _formtext_xml(name, value):
    shown = value if value else "\u2002" * 5
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="%s"/><w:enabled/>'
            '<w:calcOnExit w:val="0"/><w:textInput/></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
            '<w:r><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>' % (name, x(shown)))


BOOKMARK_IDS = iter(range(100, 100000))


def bookmarked(name, field_xml):
    """Word wraps every named legacy form field in a bookmark of the same name."""
    n = next(BOOKMARK_IDS)
    return ('<w:bookmarkStart w:id="%d" w:name="%s"/>%s<w:bookmarkEnd w:id="%d"/>' % (n, name,
                                                                                      field_xml, n))


def formcheckbox_xml(name, checked):
    return bookmarked(name, _formcheckbox_xml(name, checked))


def _formcheckbox_xml(name, checked):
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="%s"/><w:enabled/>'
            '<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/><w:default '
            'w:val="0"/>%s</w:checkBox>'
            '</w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX '
            '</w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            % (name, "<w:checked/>" if checked else ""))


def cell_xml(cell, runs_xml):
    p = cell.paragraphs[0]
    append_xml(p, runs_xml)


def set_col_widths(table, widths_cm):
    for row in table.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)


def svc_on(r):
    return r["service"] in ("public", "both"), r["service"] in ("partner", "both")


def closing(d):
    heading(d, "Provision of client credentials")
    d.add_paragraph(CREDENTIALS_TEXT)
    d.add_paragraph(SEND_TEXT)
    p = d.add_paragraph(PRIVACY_TEXT)
    p.runs[0].font.size = Pt(8.5)


def docx_fields_table(r):
    """Legacy form fields: FORMTEXT in the answer column of a table, FORMCHECKBOX before the
    statements (a form designed in Word with the Legacy Tools, then filled in)."""
    d = new_document(r["name"], font="Arial", size=10)
    title(d)
    heading(d, "Your Details")
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    for i, (label, value) in enumerate([("Full name", r["name"]), ("Organisation", r["org"]),
                                        ("Contact email", r["email"])]):
        t.cell(i, 0).text = label
        cell_xml(t.cell(i, 1), formtext_xml("Text%d" % (i + 1), value))
    set_col_widths(t, [4.5, 12.0])
    heading(d, "Terms of Use")
    append_xml(d.add_paragraph(), formcheckbox_xml("Check1", r["terms"])
               + run_xml("  " + TERMS_TEXT))
    heading(d, "Service required")
    pub, par = svc_on(r)
    append_xml(d.add_paragraph(), formcheckbox_xml("Check2", pub) + run_xml("  " + PUBLIC_TEXT))
    d.add_paragraph(PUBLIC_HELP)
    append_xml(d.add_paragraph(), formcheckbox_xml("Check3", par) + run_xml("  " + PARTNER_TEXT))
    append_xml(d.add_paragraph(), run_xml(PARTNER_HELP + " ") + formtext_xml("Text4", r["ip"]))
    heading(d, "Your expected use")
    d.add_paragraph(USE_TEXT)
    t = d.add_table(rows=2, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = "Records you expect to code"
    cell_xml(t.cell(0, 1), formtext_xml("Text5", r["records"]))
    t.cell(1, 0).text = "API calls (batch or single record requests) you expect to make"
    cell_xml(t.cell(1, 1), formtext_xml("Text6", r["calls"]))
    set_col_widths(t, [11.0, 5.5])
    d.add_paragraph(USE_NOTE)
    heading(d, "User Guide agreement")
    append_xml(d.add_paragraph(), formcheckbox_xml("Check4", r["guide"])
               + run_xml("  " + GUIDE_TEXT))
    closing(d)
    return d


def docx_fields_boxcells(r):
    """Everything in one table; the check boxes sit in a narrow cell left of each statement."""
    d = new_document(r["name"], font="Calibri", size=10.5)
    title(d, "ABS " + TITLE, 15)
    pub, par = svc_on(r)
    rows = [
        ("text", "Full name", r["name"]), ("text", "Organisation", r["org"]),
        ("text", "Contact email", r["email"]),
        ("box", r["terms"], "Terms of Use. " + TERMS_TEXT),
        ("box", pub, PUBLIC_TEXT + " " + PUBLIC_HELP),
        ("box", par, PARTNER_TEXT + " " + PARTNER_HELP),
        ("text", "Static agency IP address or range", r["ip"]),
        ("text", "Records you expect to code (per day, peak)", r["records"]),
        ("text", "API calls you expect to make (per day, peak)", r["calls"]),
        ("box", r["guide"], "User Guide agreement. " + GUIDE_TEXT),
    ]
    t = d.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    n_text = n_box = 0
    for i, row in enumerate(rows):
        if row[0] == "text":
            n_text += 1
            t.cell(i, 0).text = row[1]
            cell_xml(t.cell(i, 1), formtext_xml("Text%d" % n_text, row[2]))
        else:
            n_box += 1
            cell_xml(t.cell(i, 0), formcheckbox_xml("Check%d" % n_box, row[1]))
            t.cell(i, 1).text = row[2]
    set_col_widths(t, [5.0, 11.5])
    closing(d)
    return d


def docx_fields_inline(r):
    """'Label: FORMTEXT' lines; both service boxes on one line."""
    d = new_document(r["name"], font="Times New Roman", size=11)
    title(d, TITLE, 16)
    d.add_paragraph("Please complete all fields and return to "
                    "coding.service.registration@abs.gov.au.")
    heading(d, "Your Details")
    for i, (label, value) in enumerate([("Full name", r["name"]), ("Organisation", r["org"]),
                                        ("Contact email", r["email"])]):
        append_xml(d.add_paragraph(), run_xml(label + ": ", bold=True) + formtext_xml("Text%d"
                                                                                      % (i + 1),
                                                                                      value))
    heading(d, "Terms of Use")
    append_xml(d.add_paragraph(), formcheckbox_xml("Check1", r["terms"])
               + run_xml(" " + TERMS_TEXT))
    heading(d, "Service required")
    pub, par = svc_on(r)
    append_xml(d.add_paragraph(), run_xml("Service: ", bold=True) + formcheckbox_xml("Check2", pub)
               + run_xml(" Public coding service     ") + formcheckbox_xml("Check3", par)
               + run_xml(" Partner coding service"))
    d.add_paragraph("Public: up to 1,000 calls per day. Partner: large batch coding and up to "
                    "10,000 "
                    "real-time calls per day; a static agency IP address or range is required.")
    append_xml(d.add_paragraph(), run_xml("Static IP address(es) for allowlisting: ", bold=True)
               + formtext_xml("Text4", r["ip"]))
    heading(d, "Your expected use")
    d.add_paragraph(USE_TEXT)
    append_xml(d.add_paragraph(), run_xml("Records per day (peak): ", bold=True)
               + formtext_xml("Text5", r["records"]))
    append_xml(d.add_paragraph(), run_xml("API calls per day (peak): ", bold=True)
               + formtext_xml("Text6", r["calls"]))
    heading(d, "User Guide agreement")
    append_xml(d.add_paragraph(), formcheckbox_xml("Check4", r["guide"])
               + run_xml(" " + GUIDE_TEXT))
    closing(d)
    return d


def docx_glyph_cells(r, on, off, font="Calibri"):
    """Typed tick glyphs in their own cell left of each statement; details as label | answer."""
    d = new_document(r["name"], font=font, size=10.5)
    title(d)
    heading(d, "Your Details")
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    for i, (label, value) in enumerate([("Full name", r["name"]), ("Organisation", r["org"]),
                                        ("Contact email", r["email"])]):
        t.cell(i, 0).text = label
        t.cell(i, 1).text = value
    set_col_widths(t, [4.5, 12.0])
    pub, par = svc_on(r)
    heading(d, "Terms of Use")
    t = d.add_table(rows=1, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = on if r["terms"] else off
    t.cell(0, 1).text = TERMS_TEXT
    set_col_widths(t, [1.2, 15.3])
    heading(d, "Service required")
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = on if pub else off
    t.cell(0, 1).text = PUBLIC_TEXT + "\n" + PUBLIC_HELP
    t.cell(1, 0).text = on if par else off
    t.cell(1, 1).text = PARTNER_TEXT + "\n" + PARTNER_HELP
    t.cell(2, 0).text = ""
    t.cell(2, 1).text = "IP address(es): " + r["ip"]
    set_col_widths(t, [1.2, 15.3])
    heading(d, "Your expected use")
    d.add_paragraph(USE_TEXT)
    t = d.add_table(rows=2, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = "Records you expect to code"
    t.cell(0, 1).text = r["records"]
    t.cell(1, 0).text = "API calls (batch or single record requests) you expect to make"
    t.cell(1, 1).text = r["calls"]
    set_col_widths(t, [11.0, 5.5])
    d.add_paragraph(USE_NOTE)
    heading(d, "User Guide agreement")
    t = d.add_table(rows=1, cols=2)
    t.style = "Table Grid"
    t.cell(0, 0).text = on if r["guide"] else off
    t.cell(0, 1).text = GUIDE_TEXT
    set_col_widths(t, [1.2, 15.3])
    closing(d)
    return d


BLANK_IP = "[___________________________________________________]"


def docx_official_lines(r, on, off, font="Calibri"):
    """The official form's layout as paragraphs: label, then the answer on the next line(s); a mark
    typed before the chosen statements (off may be "" = nothing typed)."""
    d = new_document(r["name"], font=font, size=10.5)
    title(d, " " + TITLE)
    heading(d, "Your Details ")
    for label, value in [("Full name", r["name"]), ("Organisation", r["org"]), ("Contact email",
                                                                                r["email"])]:
        p = d.add_paragraph("\t" + label + " ")
        p.paragraph_format.space_after = Pt(0)
        p = d.add_paragraph("\t" + value)
        p.paragraph_format.space_after = Pt(6)

    def mark(flag):
        return (on + " ") if flag else ((off + " ") if off else "")

    heading(d, "Terms of Use")
    d.add_paragraph(mark(r["terms"]) + TERMS_TEXT + " ")
    heading(d, "Service required")
    pub, par = svc_on(r)
    d.add_paragraph(mark(pub) + PUBLIC_TEXT + " ")
    d.add_paragraph(PUBLIC_HELP)
    d.add_paragraph(mark(par) + PARTNER_TEXT + " ")
    ip = ("[ %s ]" % r["ip"]) if r["ip"] else BLANK_IP
    d.add_paragraph(PARTNER_HELP + "  " + ip)
    heading(d, "Your expected use ")
    d.add_paragraph(USE_TEXT)
    rec = ("[ %s ]" % r["records"]) if r["records"] else "[ __________________ ]"
    calls = ("[ %s ]" % r["calls"]) if r["calls"] else "[ ______________ ]"
    d.add_paragraph("· " + RECORDS_LABEL + " " + rec + "  ")
    d.add_paragraph("· " + CALLS_LABEL + " " + calls)
    d.add_paragraph(USE_NOTE)
    heading(d, "User Guide agreement ")
    d.add_paragraph(mark(r["guide"]) + GUIDE_TEXT + " ")
    closing(d)
    return d


def docx_bracket_form(r):
    """Details in a table; the rest as the official form's lines with its [ ... ] blanks, some
    answers holding brackets of their own."""
    d = new_document(r["name"], font="Cambria", size=10.5)
    title(d)
    heading(d, "Your Details")
    t = d.add_table(rows=3, cols=2)
    t.style = "Table Grid"
    for i, (label, value) in enumerate([("Full name", r["name"]), ("Organisation", r["org"]),
                                        ("Contact email", r["email"])]):
        t.cell(i, 0).text = label
        t.cell(i, 1).text = value
    set_col_widths(t, [4.5, 12.0])
    pub, par = svc_on(r)
    heading(d, "Terms of Use")
    d.add_paragraph(("[X] " if r["terms"] else "[ ] ") + TERMS_TEXT)
    heading(d, "Service required")
    d.add_paragraph(("[X] " if pub else "[ ] ") + PUBLIC_TEXT)
    d.add_paragraph(PUBLIC_HELP)
    d.add_paragraph(("[X] " if par else "[ ] ") + PARTNER_TEXT)
    d.add_paragraph(PARTNER_HELP + "  " + (("[ %s ]" % r["ip"]) if r["ip"] else BLANK_IP))
    heading(d, "Your expected use")
    d.add_paragraph(USE_TEXT)
    d.add_paragraph("· " + RECORDS_LABEL + " [ " + r["records"] + " ]")
    d.add_paragraph("· " + CALLS_LABEL + " [ " + r["calls"] + " ]")
    d.add_paragraph(USE_NOTE)
    heading(d, "User Guide agreement")
    d.add_paragraph(("[X] " if r["guide"] else "[ ] ") + GUIDE_TEXT)
    closing(d)
    return d


def docx_answer_table(r, yes="Yes", no="No"):
    """One two-column table, every answer written out (Yes/No, the service's name)."""
    d = new_document(r["name"], font="Segoe UI", size=10)
    title(d, TITLE, 15)
    d.add_paragraph("Completed by the applicant. " + SEND_TEXT)
    service = {"public": "Public coding service", "partner": "Partner coding service",
               "both": "Public coding service and Partner coding service", "": ""}[r["service"]]
    rows = [("Full name", r["name"]), ("Organisation", r["org"]), ("Contact email", r["email"]),
            ("Terms of Use – " + TERMS_TEXT, yes if r["terms"] else no),
            ("Service required", service),
            ("Static agency IP address or range (Partner service only)", r["ip"]),
            ("Records you expect to code per day (peak)", r["records"]),
            ("API calls you expect to make per day (peak)", r["calls"]),
            ("User Guide agreement – " + GUIDE_TEXT, yes if r["guide"] else no)]
    t = d.add_table(rows=len(rows), cols=2)
    t.style = "Table Grid"
    for i, (label, value) in enumerate(rows):
        t.cell(i, 0).text = label
        t.cell(i, 1).text = value
        t.cell(i, 0).paragraphs[0].runs[0].bold = True
    set_col_widths(t, [9.5, 7.0])
    closing(d)
    return d


def docx_colon_lines(r, on, off):
    """'Label: answer' lines as an applicant retypes the form; [x] marks."""
    d = new_document(r["name"], font="Calibri", size=11)
    title(d, "Registration – " + TITLE, 14)
    pub, par = svc_on(r)
    lines = [("Full name", r["name"]), ("Organisation", r["org"]), ("Contact email", r["email"])]
    for label, value in lines:
        p = d.add_paragraph()
        p.add_run(label + ": ").bold = True
        p.add_run(value)
    d.add_paragraph("%s Terms of Use: %s" % (on if r["terms"] else off, TERMS_TEXT))
    d.add_paragraph("Service required:")
    d.add_paragraph("    %s %s" % (on if pub else off, PUBLIC_TEXT))
    d.add_paragraph("    %s %s" % (on if par else off, PARTNER_TEXT))
    for label, value in [("IP address(es) for allowlisting", r["ip"]),
                         ("Expected records per day (peak)", r["records"]),
                         ("Expected API calls per day (peak)", r["calls"])]:
        p = d.add_paragraph()
        p.add_run(label + ": ").bold = True
        p.add_run(value)
    d.add_paragraph("%s User Guide: %s" % (on if r["guide"] else off, GUIDE_TEXT))
    closing(d)
    return d


# ------------------------------------------------------------------------------------------------
# .doc: LibreOffice --convert-to doc, then only what Word itself would have written differently
# ------------------------------------------------------------------------------------------------

def doc_checkboxes(path):
    """The FFDATA records of the check boxes in a .doc's Data stream: (offset, bits, wDef)."""
    ole = olefile.OleFileIO(path)
    data = ole.openstream("Data").read()
    ole.close()
    found, i = [], 0
    while i + 6 <= len(data):
        lcb, cb_header = struct.unpack_from("<IH", data, i)
        if lcb == 0:
            break
        ff = i + cb_header
        if data[ff:ff + 4] == b"\xff\xff\xff\xff":
            bits = struct.unpack_from("<H", data, ff + 4)[0]
            if bits & 3 == 1:
                found.append((ff, bits, struct.unpack_from("<H", data, ff + 14)[0]))
        i += lcb
    return found


def set_doc_checkbox_states(path, states):
    """Give check boxes the state Word writes for a box left at its default: FFDATA iRes 25 with
    wDef the default (MS-DOC 2.9.81); states: per box in document order, None = keep, else
    (iRes, wDef). Same-length rewrite of the Data stream."""
    boxes = doc_checkboxes(path)
    if len(boxes) != len(states):
        raise SystemExit("%s: %d check boxes, expected %d" % (path, len(boxes), len(states)))
    ole = olefile.OleFileIO(path, write_mode=True)
    data = bytearray(ole.openstream("Data").read())
    for (ff, bits, _), state in zip(boxes, states):
        if state is None:
            continue
        ires, wdef = state
        struct.pack_into("<H", data, ff + 4, (bits & ~(0x1F << 2)) | (ires << 2))
        struct.pack_into("<H", data, ff + 14, wdef)
    ole.write_stream("Data", bytes(data))
    ole.close()


def docx_to_doc(d, name, tmp):
    work = os.path.join(tmp, "doc_" + os.path.splitext(name)[0])
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, os.path.splitext(name)[0] + ".docx")
    save_docx(d, src)
    return soffice(src, "doc:MS Word 97", work)


# ------------------------------------------------------------------------------------------------
# HTML for LibreOffice (RTF with form fields, printed PDFs, fillable PDF, pages to photograph)
# ------------------------------------------------------------------------------------------------

def html_page(body, font="Liberation Sans", size="10.5pt"):
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title>"
            "<style>body{font-family:'%s';font-size:%s} h1{font-size:16pt;color:#1f3a5f} "
            "h2{font-size:12pt;margin-bottom:2pt} "
            "td{vertical-align:top;font-size:%s}</style></head>"
            "<body>%s</body></html>" % (TITLE, font, size, size, body))


def html_closing():
    return ("<h2>Provision of client credentials</h2><p>%s</p><p>%s</p><p "
            "style='font-size:8pt'>%s</p>"
            % (x(CREDENTIALS_TEXT), x(SEND_TEXT), x(PRIVACY_TEXT)))


def html_form_table(r, on, off, mark_size="", closing=True):
    """The form as a bordered table: label | answer, then a mark cell left of each statement."""
    pub, par = svc_on(r)

    def row(label, value):
        return "<tr><td width='32%%'>%s</td><td width='68%%'>%s</td></tr>" % (x(label), x(value))

    def box(flag, text):
        mark = x(on if flag else off)
        if mark_size:
            # LibreOffice's HTML import lets the cell's CSS win over <font>/<span>; a paragraph
            # style works, for Latin marks only (a lone ☒ takes the Asian font size, which HTML
            # does not set)
            mark = "<p style='font-size:%s;margin:0'>%s</p>" % (mark_size, mark)
        return ("<tr><td width='7%%' align='center'>%s</td><td width='93%%'>%s</td></tr>"
                % (mark, text))
    tb = "<table border='1' cellspacing='0' cellpadding='5' width='100%'>"
    return (("<h1>%s</h1><h2>Your Details</h2>" % x(TITLE)) + tb
            + row("Full name", r["name"]) + row("Organisation", r["org"]) + row("Contact email",
                                                                                r["email"])
            + "</table><h2>Terms of Use</h2>" + tb + box(r["terms"], x(TERMS_TEXT))
            + "</table><h2>Service required</h2>" + tb
            + box(pub, x(PUBLIC_TEXT) + "<br><small>" + x(PUBLIC_HELP) + "</small>")
            + box(par, x(PARTNER_TEXT) + "<br><small>" + x(PARTNER_HELP) + "</small>") + "</table>"
            + tb + row("Static agency IP address(es)", r["ip"]) + "</table>"
            + "<h2>Your expected use</h2><p>" + x(USE_TEXT) + "</p>" + tb
            + row("Records you expect to code", r["records"])
            + row("API calls you expect to make", r["calls"]) + "</table><p>" + x(USE_NOTE) + "</p>"
            + "<h2>User Guide agreement</h2>" + tb + box(r["guide"], x(GUIDE_TEXT)) + "</table>"
            + (html_closing() if closing else "<p>" + x(SEND_TEXT) + "</p>"))


def html_form_official(r, on, off, closing=True):
    """The form as the official paragraphs, answers indented under labels, bracket blanks."""
    pub, par = svc_on(r)

    def mark(flag):
        return x(on if flag else off) + "&nbsp;&nbsp;"
    ind = "<p style='margin-left:1.2cm;margin-top:0'>%s</p>"
    return (("<h1>%s</h1><h2>Your Details</h2>" % x(TITLE))
            + "".join("<p style='margin-bottom:0'>%s</p>" % x(l) + ind % x(v)
                      for l, v in [("Full name", r["name"]), ("Organisation", r["org"]),
                                   ("Contact email", r["email"])])
            + "<h2>Terms of Use</h2><p>" + mark(r["terms"]) + x(TERMS_TEXT) + "</p>"
            + "<h2>Service required</h2><p>" + mark(pub) + x(PUBLIC_TEXT) + "</p><p>"
            + x(PUBLIC_HELP) + "</p>"
            + "<p>" + mark(par) + x(PARTNER_TEXT) + "</p><p>" + x(PARTNER_HELP) + " "
            + (("[ %s ]" % x(r["ip"])) if r["ip"] else x(BLANK_IP)) + "</p>"
            + "<h2>Your expected use</h2><p>" + x(USE_TEXT) + "</p>"
            + "<p>· %s [ %s ]</p><p>· %s [ %s ]</p>" % (x(RECORDS_LABEL), x(r["records"]),
                                                        x(CALLS_LABEL), x(r["calls"]))
            + "<p>" + x(USE_NOTE) + "</p><h2>User Guide agreement</h2><p>" + mark(r["guide"])
            + x(GUIDE_TEXT) + "</p>" + (html_closing() if closing else "<p>" + x(SEND_TEXT)
                                        + "</p>"))


def html_form_controls(r):
    """The form with HTML form controls (text inputs holding the answers, check boxes): LibreOffice
    turns them into Word form fields (FORMTEXT / FORMCHECKBOX) when it writes RTF."""
    pub, par = svc_on(r)

    def text(name, label, value):
        return ("<tr><td width='35%%'>%s</td><td width='65%%'><input type='text' name='%s' "
                "size='45' "
                "value='%s'></td></tr>" % (x(label), name, html.escape(value, quote=True)))

    def check(name, flag, text_):
        return ("<p><input type='checkbox' name='%s'%s> %s</p>"
                % (name, " checked" if flag else "", x(text_)))
    return ("<h1>%s</h1><form><h2>Your Details</h2><table border='1' cellspacing='0' "
            "cellpadding='4' width='100%%'>"
            % x(TITLE)
            + text("FullName", "Full name", r["name"]) + text("Organisation", "Organisation",
                                                              r["org"])
            + text("ContactEmail", "Contact email", r["email"]) + "</table>"
            + "<h2>Terms of Use</h2>" + check("TermsOfUse", r["terms"], TERMS_TEXT)
            + "<h2>Service required</h2>" + check("PublicService", pub, PUBLIC_TEXT) + "<p>"
            + x(PUBLIC_HELP) + "</p>"
            + check("PartnerService", par, PARTNER_TEXT) + "<p>" + x(PARTNER_HELP) + "</p>"
            + "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            + text("IPAddresses", "IP address(es)", r["ip"]) + "</table>"
            + "<h2>Your expected use</h2><p>" + x(USE_TEXT) + "</p>"
            + "<table border='1' cellspacing='0' cellpadding='4' width='100%'>"
            + text("RecordsPerDay", "Records you expect to code", r["records"])
            + text("CallsPerDay", "API calls you expect to make", r["calls"]) + "</table>"
            + "<h2>User Guide agreement</h2>" + check("UserGuide", r["guide"], GUIDE_TEXT)
            + "</form>" + html_closing())


def lo_from_html(body_html, name, target, tmp, font="Liberation Sans", size="10.5pt"):
    stem = os.path.splitext(name)[0]
    work = os.path.join(tmp, "html_" + stem)
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, stem + ".html")
    with open(src, "w", encoding="utf-8") as fh:
        fh.write(html_page(body_html, font, size))
    return soffice(src, target, work, "HTML (StarWriter)")


PDF_FILTER = "pdf:writer_pdf_Export"


def printed_pdf(body_html, name, tmp, font="Liberation Sans", size="10.5pt"):
    out = lo_from_html(body_html, name, PDF_FILTER, tmp, font, size)
    normalise_pdf(out)
    return out


def fillable_pdf(r, name, tmp):
    """LibreOffice fillable PDF (form controls exported as AcroForm fields), filled in with pypdf
    the way a PDF viewer saves it (NeedAppearances)."""
    blank = dict(r, name="", org="", email="", ip="", records="", calls="", terms=False,
                 guide=False,
                 service="")
    src = lo_from_html(html_form_controls(blank), name, 'pdf:writer_pdf_Export:{"ExportFormFields":'
                       '{"type":"boolean","value":"true"}}', tmp)
    normalise_pdf(src)
    reader = PdfReader(src)
    fields = reader.get_fields() or {}
    if "FullName" not in fields:
        raise SystemExit("LibreOffice did not export form fields: %s" % sorted(fields))
    writer = PdfWriter(clone_from=reader)
    values = {"FullName": r["name"], "Organisation": r["org"], "ContactEmail": r["email"],
              "IPAddresses": r["ip"], "RecordsPerDay": r["records"], "CallsPerDay": r["calls"]}
    writer.update_page_form_field_values(None, {k: v for k, v in values.items() if v},
                                         auto_regenerate=False)
    pub, par = svc_on(r)
    ticks = {"TermsOfUse": r["terms"], "UserGuide": r["guide"], "PublicService": pub,
             "PartnerService": par}
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            fname = annot.get("/T")
            if fname in ticks:
                on = [k for k in annot["/AP"]["/N"].keys() if k != "/Off"][0]
                state = NameObject(on if ticks[fname] else "/Off")
                annot[NameObject("/V")] = state
                annot[NameObject("/AS")] = state
    writer.set_need_appearances_writer(True)
    out = os.path.join(tmp, name)
    with open(out, "wb") as fh:
        writer.write(fh)
    normalise_pdf(out)
    return out


# ------------------------------------------------------------------------------------------------
# RTF
# ------------------------------------------------------------------------------------------------

def lo_rtf_formfields(r, name, tmp, box_patches):
    """LibreOffice RTF of the HTML form controls: FORMTEXT fields with \\fldrslt answers and
    FORMCHECKBOX fields with \\ffdefres/\\ffres. box_patches: {box name: (defres, res)} for the
    states Word writes and LibreOffice does not (res 25 = untouched default)."""
    out = lo_from_html(html_form_controls(r), name, "rtf", tmp)
    text = open(out, encoding="ascii").read()
    for box, (defres, res) in box_patches.items():
        pat = re.compile(r"(\{\\\*\\ffname %s\}.*?)\\ffdefres\d+\\ffres\d+" % box)
        text, n = pat.subn(lambda m: m.group(1) + "\\ffdefres%d\\ffres%d" % (defres, res), text,
                           count=1)
        if n != 1:
            raise SystemExit("%s: no check box %s to set" % (name, box))
    with open(out, "w", encoding="ascii", newline="") as fh:
        fh.write(text)
    return out


def rtf_escape(s, codepage="cp1252"):
    """Text as WordPad writes it: \\'hh for the code page's own characters, \\uN? beyond it."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch in "\\{}":
            out.append("\\" + ch)
        elif 0x20 <= o < 0x7F:
            out.append(ch)
        elif ch == "\t":
            out.append("\\tab ")
        else:
            try:
                b = ch.encode(codepage)
                out.append("".join("\\'%02x" % v for v in b))
            except UnicodeEncodeError:
                n = o if o < 0x8000 else o - 0x10000
                out.append("\\u%d?" % n)
    return "".join(out)


WORDPAD_HEAD = ("{\\rtf1\\ansi\\ansicpg1252\\deff0\\nouicompat\\deflang3081"
                "{\\fonttbl{\\f0\\fnil\\fcharset0 Calibri;}"
                "{\\f1\\fnil\\fcharset0 Calibri Light;}{\\f2\\fnil\\fcharset2 Wingdings;}}\r\n"
                "{\\*\\generator Riched20 10.0.19041}\\viewkind4\\uc1 \r\n")


def wordpad_rtf_boxes(r):
    """WordPad: headings, 'Label:\\tab answer' lines, Wingdings boxes in groups: {\\f2\\'fe} is the
    ticked box, {\\f2\\'a8} the empty one."""
    pub, par = svc_on(r)

    def box(flag):
        return "{\\f2\\'fe}" if flag else "{\\f2\\'a8}"
    e = rtf_escape
    lines = ["\\pard\\sa200\\sl276\\slmult1\\b\\f1\\fs32\\lang9 %s\\b0\\f0\\fs22\\par" % e(TITLE),
             "\\b Your Details\\b0\\par",
             "Full name:\\tab %s\\par" % e(r["name"]),
             "Organisation:\\tab %s\\par" % e(r["org"]),
             "Contact email:\\tab %s\\par" % e(r["email"]),
             "\\b Terms of Use\\b0\\par",
             "%s  %s\\par" % (box(r["terms"]), e(TERMS_TEXT)),
             "\\b Service required\\b0\\par",
             "%s  %s\\par" % (box(pub), e(PUBLIC_TEXT)),
             "%s  %s\\par" % (box(par), e(PARTNER_TEXT)),
             "IP address(es) for allowlisting:\\tab %s\\par" % e(r["ip"]),
             "\\b Your expected use\\b0\\par",
             "Records you expect to code per day:\\tab %s\\par" % e(r["records"]),
             "API calls you expect to make per day:\\tab %s\\par" % e(r["calls"]),
             "\\b User Guide agreement\\b0\\par",
             "%s  %s\\par" % (box(r["guide"]), e(GUIDE_TEXT)),
             "\\par", e(SEND_TEXT) + "\\par", "}"]
    return WORDPAD_HEAD + "\r\n".join(lines) + "\r\n\x00"


def wordpad_rtf_ticks(r):
    """WordPad with a Wingdings tick (\\u252 = 0xFC, ✓) typed before the chosen statements and
    nothing before the others; the name needs \\u escapes (beyond windows-1252)."""
    pub, par = svc_on(r)
    tick = "{\\f2\\u252\\'fc}  "

    def mark(flag):
        return tick if flag else ""
    e = rtf_escape
    lines = ["\\pard\\sa160\\sl252\\slmult1\\qc\\b\\f0\\fs30\\lang3081 %s\\par" % e(TITLE),
             "\\pard\\sa160\\sl252\\slmult1\\b0\\fs22 %s\\par" % e("Please tick what applies."),
             "\\b Full name\\b0 : %s\\par" % e(r["name"]),
             "\\b Organisation\\b0 : %s\\par" % e(r["org"]),
             "\\b Contact email\\b0 : %s\\par" % e(r["email"]),
             "%s%s\\par" % (mark(r["terms"]), e(TERMS_TEXT)),
             "%s%s\\par" % (mark(pub), e(PUBLIC_TEXT)),
             "%s%s\\par" % (mark(par), e(PARTNER_TEXT)),
             "\\b Static IP address or range\\b0 : %s\\par" % e(r["ip"]),
             "\\b Records per day (peak)\\b0 : %s\\par" % e(r["records"]),
             "\\b API calls per day (peak)\\b0 : %s\\par" % e(r["calls"]),
             "%s%s\\par" % (mark(r["guide"]), e(GUIDE_TEXT)),
             "}"]
    return WORDPAD_HEAD + "\r\n".join(lines) + "\r\n\x00"


def wordpad_rtf_inline(r):
    """WordPad, inline answers; [X]/[ ] for terms and service, the guide's tick typed as Wingdings
    with a font switch instead of a group (\\f2\\'fe\\f0)."""
    pub, par = svc_on(r)
    e = rtf_escape
    lines = ["\\pard\\sa200\\sl276\\slmult1\\f0\\fs22\\lang9 %s\\par" % e("ABS – " + TITLE),
             "%s\\par" % e("Full name: " + r["name"]),
             "%s\\par" % e("Organisation: " + r["org"]),
             "%s\\par" % e("Contact email: " + r["email"]),
             "%s\\par" % e(("[X] " if r["terms"] else "[ ] ") + "Terms of Use – " + TERMS_TEXT),
             "%s\\par" % e("Service required: %s Public coding service   %s Partner coding service"
                           % ("[X]" if pub else "[ ]", "[X]" if par else "[ ]")),
             "%s\\par" % e("Static agency IP address(es): " + r["ip"]),
             "%s\\par" % e("Records you expect to code (per day, peak): " + r["records"]),
             "%s\\par" % e("API calls you expect to make (per day, peak): " + r["calls"]),
             ("\\f2\\'fe\\f0  " if r["guide"] else "\\f2\\'a8\\f0  ") + e("User Guide – "
                                                                          + GUIDE_TEXT) + "\\par",
             "}"]
    return WORDPAD_HEAD + "\r\n".join(lines) + "\r\n\x00"


# ------------------------------------------------------------------------------------------------
# TNEF (winmail.dat) per MS-OXTNEF
# ------------------------------------------------------------------------------------------------

LVL_MESSAGE, LVL_ATTACHMENT = 0x01, 0x02
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_DATE_SENT = 0x00038005
ATT_DATE_MODIFIED = 0x00038020
ATT_MSG_PROPS = 0x00069003
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACH_MODIFY_DATE = 0x00038013
ATT_ATTACHMENT = 0x00069005

PT_LONG, PT_BOOLEAN, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x000B, 0x001E, 0x001F, 0x0102
PR_ATTACH_EXTENSION, PR_ATTACH_FILENAME, PR_ATTACH_METHOD = 0x3703, 0x3704, 0x3705
PR_ATTACH_LONG_FILENAME, PR_RENDERING_POSITION, PR_ATTACH_MIME_TAG = 0x3707, 0x370B, 0x370E
PR_ATTACH_CONTENT_ID, PR_ATTACH_FLAGS, PR_ATTACHMENT_HIDDEN = 0x3712, 0x3714, 0x7FFE
PR_DISPLAY_NAME, PR_ATTACH_SIZE = 0x3001, 0x0E20
PR_RTF_COMPRESSED, PR_INTERNET_CPID, PR_MESSAGE_CODEPAGE = 0x1009, 0x3FDE, 0x3FFD


def tnef_attr(level, attr_id, data):
    return struct.pack("<BII", level, attr_id,
                       len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef_date(when):
    # atpDate: year, month, day, hour, minute, second, day of week (0 = Sunday)
    return struct.pack("<7H", when.year, when.month, when.day, when.hour, when.minute, when.second,
                       (when.weekday() + 1) % 7)


def mapi_props(props):
    """A MAPI property list (MS-OXTNEF 2.1.3.4): count, then tag + value, values padded to 4."""
    out = struct.pack("<I", len(props))
    for ptype, pid, value in props:
        out += struct.pack("<HH", ptype, pid)
        if ptype == PT_LONG:
            out += struct.pack("<I", value & 0xFFFFFFFF)
        elif ptype == PT_BOOLEAN:
            out += struct.pack("<HH", 1 if value else 0, 0)
        else:
            if ptype == PT_STRING8:
                blob = value.encode("cp1252") + b"\x00"
            elif ptype == PT_UNICODE:
                blob = value.encode("utf-16-le") + b"\x00\x00"
            else:
                blob = value
            out += struct.pack("<II", 1, len(blob)) + blob + b"\x00" * (-len(blob) % 4)
    return out


def compressed_rtf_uncompressed(rtf):
    """PR_RTF_COMPRESSED in its uncompressed form (MS-OXRTFCP: COMPTYPE 'MELA', CRC 0)."""
    raw_bytes = rtf.encode("cp1252")
    return struct.pack("<IIII", len(raw_bytes) + 12, len(raw_bytes), 0x414C454D, 0) + raw_bytes


def build_tnef(body_text, attachments, key, sent):
    """attachments: dicts with short (8.3 attAttachTitle), long, data, mime, long_type
    (PT_STRING8 or PT_UNICODE), optional content_id (an inline picture, hidden)."""
    rtf = ("{\\rtf1\\ansi\\ansicpg1252\\fromtext \\fbidis \\deff0{\\fonttbl{\\f0\\fswiss Arial;}"
           "{\\f1\\fmodern Courier New;}{\\f2\\fnil\\fcharset2 "
           "Symbol;}}\r\n{\\colortbl\\red0\\green0\\blue0;"
           "\\red0\\green0\\blue255;}\r\n\\uc1\\pard\\plain\\deftab360 \\f0\\fs20 "
           + rtf_escape(body_text).replace("\n", "\\par\r\n") + "\\par\r\n}")
    out = struct.pack("<IH", 0x223E9F78, key)
    out += tnef_attr(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += tnef_attr(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += tnef_attr(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Note\x00")
    out += tnef_attr(LVL_MESSAGE, ATT_DATE_SENT, tnef_date(sent))
    out += tnef_attr(LVL_MESSAGE, ATT_DATE_MODIFIED, tnef_date(sent))
    out += tnef_attr(LVL_MESSAGE, ATT_MSG_PROPS, mapi_props([
        (PT_BINARY, PR_RTF_COMPRESSED, compressed_rtf_uncompressed(rtf)),
        (PT_LONG, PR_INTERNET_CPID, 1252), (PT_LONG, PR_MESSAGE_CODEPAGE, 1252)]))
    for a in attachments:
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA,
                         struct.pack("<HIHHI", 1, 0xFFFFFFFF, 32, 32, 0))
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_MODIFY_DATE,
                         tnef_date(sent - dt.timedelta(minutes=7)))
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_TITLE, a["short"].encode("cp1252") + b"\x00")
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_DATA, a["data"])
        props = [(PT_LONG, PR_ATTACH_METHOD, 1), (PT_LONG, PR_RENDERING_POSITION, -1),
                 (PT_LONG, PR_ATTACH_SIZE, len(a["data"])),
                 (PT_STRING8, PR_ATTACH_FILENAME, a["short"]),
                 (a["long_type"], PR_ATTACH_LONG_FILENAME, a["long"]),
                 (a["long_type"], PR_DISPLAY_NAME, a["long"]),
                 (PT_STRING8, PR_ATTACH_EXTENSION, os.path.splitext(a["long"])[1]),
                 (PT_STRING8, PR_ATTACH_MIME_TAG, a["mime"])]
        if a.get("content_id"):
            props += [(PT_STRING8, PR_ATTACH_CONTENT_ID, a["content_id"]), (PT_LONG,
                                                                            PR_ATTACH_FLAGS, 4),
                      (PT_BOOLEAN, PR_ATTACHMENT_HIDDEN, True)]
        out += tnef_attr(LVL_ATTACHMENT, ATT_ATTACHMENT, mapi_props(props))
    return out


def check_tnef(blob, attachments):
    """Read the winmail.dat back with tnefparse: every attachment's long name and bytes must come
    back identical."""
    import tnefparse
    parsed = tnefparse.TNEF(blob, do_checksum=True)
    got = [(a.long_filename(), a.data) for a in parsed.attachments]
    want = [(a["long"], a["data"]) for a in attachments]
    if got != want:
        raise SystemExit("winmail.dat does not read back: %s" % [(n, len(d)) for n, d in got])
    for obj in parsed.objects:
        if not obj.good_checksum:
            raise SystemExit("winmail.dat: bad checksum on %s" % obj)


# ------------------------------------------------------------------------------------------------
# Images: the printed form photographed or scanned; logos and signatures
# ------------------------------------------------------------------------------------------------

def render_page(pdf, dpi, tmp, stem):
    prefix = os.path.join(tmp, stem)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-gray", "-png", pdf, prefix],
                   check=True)
    page = [f for f in os.listdir(tmp) if f.startswith(stem) and f.endswith(".png")]
    return Image.open(os.path.join(tmp, sorted(page)[0]))


def phone_photo(page, seed, angle, quality, scale=1.0):
    """A phone photo of the printed page on a desk: a border of desk, tilt, uneven light, slight
    blur and sensor noise, JPEG."""
    rnd = random.Random(seed)
    page = page.convert("L")
    if scale != 1.0:
        page = page.resize((int(page.width * scale), int(page.height * scale)), Image.LANCZOS)
    w, h = page.size
    canvas = Image.new("L", (w + 90, h + 110), 92)
    canvas.paste(page, (42, 55))
    canvas = canvas.rotate(angle, resample=Image.BICUBIC, fillcolor=92)
    light = Image.linear_gradient("L").resize(canvas.size).rotate(35, fillcolor=128)
    canvas = Image.blend(canvas, Image.eval(light, lambda v: 120 + v // 3), 0.18)
    canvas = canvas.filter(ImageFilter.GaussianBlur(0.6))
    px = canvas.load()
    for _ in range(canvas.width * canvas.height // 40):
        cx, cy = rnd.randrange(canvas.width), rnd.randrange(canvas.height)
        px[cx, cy] = max(0, min(255, px[cx, cy] + rnd.randint(-18, 18)))
    rgb = Image.merge("RGB", (canvas, canvas.point(lambda v: int(v * 0.98)),
                              canvas.point(lambda v: int(v * 0.93))))
    buf = io.BytesIO()
    rgb.save(buf, "JPEG", quality=quality, optimize=True, dpi=(150, 150))
    return buf.getvalue()


def grey_scan(page, dpi):
    """A flatbed scan: grey, a hair of skew, saved as PNG with 16 grey levels."""
    page = page.convert("L").rotate(-0.4, resample=Image.BICUBIC, fillcolor=255)
    page = page.point(lambda v: 255 if v > 235 else v).quantize(16).convert("L")
    buf = io.BytesIO()
    page.save(buf, "PNG", optimize=True, dpi=(dpi, dpi))
    return buf.getvalue()


def logo_png(text, colour, size=(180, 48)):
    img = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([4, 6, 40, 42], fill=colour)
    d.ellipse([12, 14, 32, 34], fill=(255, 255, 255))
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 13)
    d.text((48, 16), text, fill=colour, font=font)
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def signature_jpeg(name):
    img = Image.new("RGB", (260, 70), (255, 255, 255))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", 22)
    d.text((10, 8), name, fill=(20, 40, 110), font=font)
    d.line([(10, 52), (240, 46)], fill=(20, 40, 110), width=2)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------
# Documents that are not the registration form
# ------------------------------------------------------------------------------------------------

def publication_html():
    """A 20+ page report that mentions organisations, numbers, e-mail addresses and IP addresses,
    the Australian Public Service and a user guide, but is no registration form."""
    rnd = random.Random(1414)
    subjects = ["the survey frame", "respondent burden", "the coding workflow", "record linkage",
                "the occupation classification", "editing and imputation", "the collection portal",
                "data custodians", "the quality gate", "industry coding", "the release calendar"]
    verbs = ["reduced", "improved", "measured", "reviewed", "documented", "stabilised", "extended"]
    tails = ["across all states and territories", "for the 2024–25 reference year",
             "in line with the framework", "at the request of partner agencies",
             "without a change in methodology", "after consultation with users"]
    parts = ["<h1>Data Quality and Coding Practice: Annual Statistical Report 2024–25</h1>",
             "<p>Prepared by the National Statistical Methods Network. Organisation: Statistical "
             "Methods Network Ltd (ABN 12 345 678 901). Enquiries: methods.enquiries@nsmn.org.au, "
             "phone 02 6100 0000.</p>"]
    for chapter in range(1, 23):
        parts.append("<h2>Chapter %d. %s</h2>" % (chapter, rnd.choice(subjects).capitalize()))
        for para in range(7):
            sentences = []
            for _ in range(6):
                sentences.append("In %d the team %s %s by %s%% %s." % (
                    rnd.randint(2019, 2025), rnd.choice(verbs), rnd.choice(subjects),
                    rnd.randint(2, 48), rnd.choice(tails)))
            if para == 2:
                sentences.append("Each participating organisation nominated a full name and "
                                 "contact email for its data custodian; %d organisations "
                                 "responded and %d records per day were processed at peak."
                                 % (rnd.randint(40, 90), rnd.randint(5, 90) * 1000))
            if para == 4:
                sentences.append("Collection servers were reached from 203.2.218.%d and the backup "
                                 "site from 150.203.%d.0/24; the Australian Public Service network "
                                 "used 10.%d.0.0/16 internally." % (rnd.randint(1, 250),
                                                                    rnd.randint(1, 250),
                                                                   rnd.randint(1, 250)))
            if para == 5:
                sentences.append("Agencies agreed to the terms of use of the portal and to follow "
                                 "the "
                                 "user guide issued in %d." % rnd.randint(2018, 2024))
            parts.append("<p>%s</p>" % " ".join(sentences))
        parts.append("<table border='1' cellspacing='0' "
                     "cellpadding='3'><tr><th>Measure</th><th>2023–24</th>"
                     "<th>2024–25</th></tr>" + "".join(
                         "<tr><td>%s</td><td>%s</td><td>%s</td></tr>" % (
                             rnd.choice(subjects).capitalize(),
                             "{:,}".format(rnd.randint(1000, 900000)),
                             "{:,}".format(rnd.randint(1000, 900000))) for _ in range(6))
                     + "</table>")
    return "".join(parts)


def checklist_docx():
    """A job applicant's checklist, filled in: Full name, Email, ticked boxes, 'I agree'."""
    d = new_document("Samira Haddad", font="Arial", size=10.5)
    d.core_properties.title = "Application checklist"
    title(d, "APS 6 Data Analyst (Job reference 2026/0147) – Application checklist", 14)
    d.add_paragraph("Please complete this checklist and include it with your application.")
    t = d.add_table(rows=5, cols=2)
    t.style = "Table Grid"
    for i, (label, value) in enumerate([("Full name", "Samira Haddad"),
                                        ("Email", "samira.haddad@outlook.com"),
                                        ("Phone", "0412 555 019"),
                                        ("Current organisation",
                                         "Department of Health and Aged Care"),
                                        ("Position number", "60012345")]):
        t.cell(i, 0).text = label
        t.cell(i, 1).text = value
    heading(d, "Documents attached")
    for flag, text in [(True, "Resume (no more than 2 pages)"),
                       (True, "Pitch of no more than 750 words against the selection criteria"),
                       (False, "Copy of academic transcript (graduate positions only)"),
                       (True, "Contact details of two referees")]:
        d.add_paragraph(("☒ " if flag else "☐ ") + text)
    heading(d, "Declaration")
    d.add_paragraph("☒ I agree to the collection of my personal information in accordance with the "
                    "APS recruitment privacy notice.")
    d.add_paragraph("☒ I have read the applicant information pack and the user guide for the "
                    "e-recruitment system.")
    d.add_paragraph("Preferred work location: Canberra (hybrid). Expected start date: 4 May 2026.")
    return d


def cv_html():
    return ("<h1>Liam Fitzgerald</h1><p>Senior Network and Data Engineer · Canberra ACT · "
            "liam.fitzgerald@protonmail.com · 0400 123 987</p>"
            "<h2>Profile</h2><p>Data engineer with ten years in government and higher education. "
            "Built secure pipelines that code up to 2,000,000 records per day and expose APIs to "
            "partner agencies.</p>"
            "<h2>Experience</h2>"
            "<p><b>Organisation:</b> Department of Finance — Data Engineer (2019–2025)</p>"
            "<ul><li>Ran the allowlists for 150.207.0.0/16 and the 10.12.0.0/16 internal "
            "range.</li>"
            "<li>Cut nightly batch time from 6 hours to 40 minutes (45,000 API calls a "
            "day).</li></ul>"
            "<p><b>Organisation:</b> Australian National University — Research Software Engineer "
            "(2015–2019)</p>"
            "<ul><li>Maintained the survey portal and its user guide; 300 users, 99.9% "
            "uptime.</li></ul>"
            "<h2>Education</h2><p>Bachelor of Information Technology, University of Canberra "
            "(2014)</p>"
            "<h2>Referees</h2><p>Full name: Dr Helen Park, Director, Department of Finance, "
            "helen.park@finance.gov.au</p><p>Full name: Prof. Arun Mehta, ANU, "
            "arun.mehta@anu.edu.au</p>")


# ------------------------------------------------------------------------------------------------
# Mail parts
# ------------------------------------------------------------------------------------------------

def qp_charset(name):
    c = email_charset.Charset(name)
    c.body_encoding = email_charset.QP
    return c


def text_part(text, subtype="plain", charset="utf-8"):
    """A text part as mail programs write it: CRLF lines; 7bit when ASCII, else quoted-printable."""
    text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    if all(ord(ch) < 128 for ch in text) and charset in ("us-ascii", "utf-8"):
        return MIMEText(text, subtype, "us-ascii")
    return MIMEText(text, subtype, qp_charset(charset))


def file_part(data, ctype, filename, disposition="attachment", raw_params=None, cid=None):
    """An attachment, base64. raw_params: (content-type params, disposition params) written
    verbatim, pre-folded, for RFC 2231 / RFC 2047 names."""
    maintype, subtype = ctype.split("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(data)
    encoders.encode_base64(part)
    if raw_params:
        del part["Content-Type"]
        part["Content-Type"] = "%s;%s" % (ctype, raw_params[0])
        part["Content-Disposition"] = "%s;%s" % (disposition, raw_params[1])
    else:
        if filename:
            part.set_param("name", filename)
            part.add_header("Content-Disposition", disposition, filename=filename)
        else:
            part.add_header("Content-Disposition", disposition)
    if cid:
        part["Content-ID"] = "<%s>" % cid
    return part


def mixed(sender, subject, date, msgid, extra=()):
    return headers(MIMEMultipart("mixed"), sender, subject, date, msgid, extra)


def alternative(plain, html_text, plain_charset="utf-8", html_charset="utf-8"):
    alt = MIMEMultipart("alternative")
    alt.attach(text_part(plain, "plain", plain_charset))
    alt.attach(text_part(html_text, "html", html_charset))
    return alt


def single(part, sender, subject, date, msgid, extra=()):
    return headers(part, sender, subject, date, msgid, extra)


def outlook_headers(thread_topic, index, has_attach=False, tnef=None):
    h = [("Thread-Topic", thread_topic), ("Thread-Index", index), ("Accept-Language",
                                                                   "en-AU, en-US"),
         ("Content-Language", "en-AU"), ("X-MS-Has-Attach", "yes" if has_attach else ""),
         ("X-MS-TNEF-Correlator", tnef or "")]
    return [(k, v) for k, v in h if v or k == "X-MS-Has-Attach"]


def outlook_html(inner, charset="windows-1252"):
    """Outlook's HTML around a body: Word's namespaces, MsoNormal, WordSection1."""
    return ("<html xmlns:v=\"urn:schemas-microsoft-com:vml\" "
            "xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
            "xmlns:w=\"urn:schemas-microsoft-com:office:word\" "
            "xmlns:m=\"http://schemas.microsoft.com/office/2004/12/omml\" "
            "xmlns=\"http://www.w3.org/TR/REC-html40\">\n"
            "<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=%s\">\n"
            "<meta name=\"Generator\" content=\"Microsoft Word 15 (filtered medium)\">\n"
            "<style><!--\n/* Font Definitions "
            "*/\n@font-face\n\t{font-family:Wingdings;\n\tpanose-1:5 0 0 0 0 0 0 0 0 0;}\n"
            "@font-face\n\t{font-family:\"Cambria Math\";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n"
            "@font-face\n\t{font-family:Aptos;}\n@font-face\n\t{font-family:\"Segoe UI "
            "Symbol\";\n\tpanose-1:2 11 5 2 4 2 4 2 2 3;}\n"
            "/* Style Definitions */\np.MsoNormal, li.MsoNormal, "
            "div.MsoNormal\n\t{margin:0cm;\n\tfont-size:11.0pt;\n"
            "\tfont-family:\"Aptos\",sans-serif;\n\tmso-ligatures:standardcontextual;\n"
            "\tmso-fareast-language:EN-US;}\n"
            "span.EmailStyle17\n\t{mso-style-type:personal-compose;\n"
            "\tfont-family:\"Aptos\",sans-serif;\n\tcolor:windowtext;}\n"
            ".MsoChpDefault\n\t{mso-style-type:export-only;\n\tfont-size:11.0pt;\n"
            "\tmso-fareast-language:EN-US;}\n"
            "@page WordSection1\n\t{size:612.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}\n"
            "div.WordSection1\n\t{page:WordSection1;}\n--></style>\n</head>\n"
            "<body lang=EN-AU link=\"#467886\" vlink=\"#96607D\" style='word-wrap:break-word'>\n"
            "<div class=WordSection1>\n%s\n</div>\n</body>\n</html>\n" % (charset, inner))


def mso(inner):
    return "<p class=MsoNormal>%s<o:p></o:p></p>\n" % inner


MSO_EMPTY = "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n"


def mso_table(rows, widths=(200, 380)):
    """A Word table as Outlook writes it (MsoTableGrid, cells holding MsoNormal paragraphs)."""
    out = ["<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 "
           "style='border-collapse:collapse;border:none'>\n"]
    for cells in rows:
        out.append("<tr>\n")
        for i, cell in enumerate(cells):
            w = widths[i] if i < len(widths) else 60
            out.append("<td width=%d valign=top style='width:%.1fpt;border:solid windowtext 1.0pt;"
                       "padding:0cm 5.4pt 0cm 5.4pt'>\n%s</td>\n" % (w, w * 0.75, mso(cell)))
        out.append("</tr>\n")
    out.append("</table>\n")
    return "".join(out)


def wingdings(ch):
    return "<span style='font-family:Wingdings'>%s</span>" % ch


def outlook_quote_block(sender, sent, to, subject, html_mode=True):
    """Outlook's header block above quoted mail."""
    if html_mode:
        return ("<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm "
                "0cm'>\n"
                + mso("<b><span lang=EN-US>From:</span></b><span lang=EN-US> %s <br>\n<b>Sent:</b> "
                      "%s<br>\n"
                      "<b>To:</b> %s<br>\n<b>Subject:</b> %s</span>"
                      % (html.escape(sender), sent, html.escape(to), html.escape(subject)))
                + "</div>\n" + MSO_EMPTY)
    return ("________________________________\nFrom: %s\nSent: %s\nTo: %s\nSubject: %s\n\n"
            % (sender, sent, to, subject))


def plain_table(rows):
    """What Outlook's text part keeps of a table: every cell on its own line."""
    return "\n\n".join("\n".join(c for c in cells if c) for cells in rows) + "\n"


# ---- plain-text forms --------------------------------------------------------------------------

def plain_colon_form(r):
    pub, par = svc_on(r)
    return ("Full name: %s\nOrganisation: %s\nContact email: %s\n\n"
            "Terms of Use: %s %s\n\n"
            "Service required: %s Public coding service   %s Partner coding service\n"
            "Static IP address or range: %s\n\n"
            "Records you expect to code per day (peak): %s\n"
            "API calls you expect to make per day (peak): %s\n\n"
            "User Guide agreement: %s %s\n"
            % (r["name"], r["org"], r["email"], "[X]" if r["terms"] else "[ ]", TERMS_TEXT,
               "[X]" if pub else "[ ]", "[X]" if par else "[ ]", r["ip"], r["records"], r["calls"],
               "[X]" if r["guide"] else "[ ]", GUIDE_TEXT))


def plain_yes_no_form(r):
    service = {"public": "Public", "partner": "Partner", "both": "Public and Partner",
               "": ""}[r["service"]]
    return ("Full name - %s\nOrganisation - %s\nContact email - %s\n"
            "I agree to the Terms of Use - %s\n"
            "Service required - %s\n"
            "IP address(es) - %s\n"
            "Records per day (peak) - %s\n"
            "API calls per day (peak) - %s\n"
            "I agree to follow the User Guide - %s\n"
            % (r["name"], r["org"], r["email"], "Yes" if r["terms"] else "No", service, r["ip"],
               r["records"], r["calls"], "Yes" if r["guide"] else "No"))


def quote(text, prefix="> "):
    return "".join((prefix + line).rstrip() + "\n" for line in text.rstrip("\n").split("\n"))


def html_lines(text):
    return "".join("<div>%s</div>\n" % (html.escape(line) if line else "<br>")
                   for line in text.rstrip("\n").split("\n"))


# ---- the Outlook HTML forms of H1, H2, H4, P2, F3 -----------------------------------------------

def outlook_form_wingdings_table(r, entity=False):
    """Label | answer table for the details and numbers; Wingdings boxes before the statements
    (þ ticked, ¨ empty). Returns (html, plain as Outlook's text part writes it: glyphs lost)."""
    pub, par = svc_on(r)
    on, off = ("&#254;", "&#168;") if entity else ("\u00fe", "\u00a8")

    def stmt(flag, text):
        return mso(wingdings(on if flag else off) + "<span lang=EN-AU>&nbsp; %s</span>"
                   % html.escape(text))
    details = [("Full name", r["name"]), ("Organisation", r["org"]), ("Contact email", r["email"])]
    numbers = [("Static IP address(es)", r["ip"]), ("Records you expect to code (per day, peak)",
                                                    r["records"]),
               ("API calls you expect to make (per day, peak)", r["calls"])]
    h = (mso("<b>Your Details</b>") + mso_table([(html.escape(a), html.escape(b)) for a,
                                                 b in details])
         + MSO_EMPTY + mso("<b>Terms of Use</b>") + stmt(r["terms"], TERMS_TEXT) + MSO_EMPTY
         + mso("<b>Service required</b>") + stmt(pub, PUBLIC_TEXT) + stmt(par, PARTNER_TEXT)
         + MSO_EMPTY
         + mso_table([(html.escape(a), html.escape(b)) for a, b in numbers]) + MSO_EMPTY
         + mso("<b>User Guide agreement</b>") + stmt(r["guide"], GUIDE_TEXT))
    p = ("Your Details\n\n" + plain_table(details) + "\nTerms of Use\n\n " + TERMS_TEXT
         + "\n\nService required\n\n " + PUBLIC_TEXT + "\n\n " + PARTNER_TEXT + "\n\n"
         + plain_table(numbers) + "\nUser Guide agreement\n\n " + GUIDE_TEXT + "\n")
    return h, p


def outlook_form_next_cell(r):
    """Statement cell, then the mark in the next cell (☒ / ✔ ticked, ☐ empty)."""
    pub, par = svc_on(r)

    def mark(flag, glyph):
        return ("<span style='font-family:\"Segoe UI Symbol\",sans-serif'>%s</span>"
                % (glyph if flag else "&#9744;"))
    rows = [("Full name", html.escape(r["name"])), ("Organisation", html.escape(r["org"])),
            ("Contact email", "<a href=\"mailto:%s\"><span style='color:#467886'>%s</span></a>"
             % (r["email"], r["email"])),
            (html.escape(TERMS_TEXT), mark(r["terms"], "&#10004;")),
            (html.escape(PUBLIC_TEXT), mark(pub, "&#9746;")),
            (html.escape(PARTNER_TEXT), mark(par, "&#9746;")),
            ("IP address(es) for allowlisting", html.escape(r["ip"])),
            ("Records you expect to code per day", html.escape(r["records"])),
            ("API calls you expect to make per day", html.escape(r["calls"])),
            (html.escape(GUIDE_TEXT), mark(r["guide"], "&#10004;"))]
    h = mso("<b>%s</b>" % TITLE) + mso_table(rows, widths=(420, 160))
    p = TITLE + "\n\n" + plain_table([
        ("Full name", r["name"]), ("Organisation", r["org"]), ("Contact email", r["email"]),
        (TERMS_TEXT, ""), (PUBLIC_TEXT, ""), (PARTNER_TEXT, ""),
        ("IP address(es) for allowlisting", r["ip"]), ("Records you expect to code per day",
                                                       r["records"]),
        ("API calls you expect to make per day", r["calls"]), (GUIDE_TEXT, "")])
    return h, p


def outlook_form_paragraphs(r):
    """MsoNormal paragraphs 'Label:&nbsp;&nbsp;answer'; Wingdings entities for the boxes."""
    pub, par = svc_on(r)

    def line(label, value):
        return mso("<b>%s:</b>&nbsp;&nbsp;&nbsp;%s" % (label, html.escape(value)))

    def stmt(flag, text):
        return mso(wingdings("&#254;" if flag else "&#168;") + "&nbsp;&nbsp;" + html.escape(text))
    h = (line("Full name", r["name"]) + line("Organisation", r["org"]) + line("Contact email",
                                                                              r["email"])
         + MSO_EMPTY + stmt(r["terms"], TERMS_TEXT) + MSO_EMPTY
         + mso("<b>Service required:</b>") + stmt(pub, PUBLIC_TEXT) + stmt(par, PARTNER_TEXT)
         + line("IP address(es)", r["ip"]) + MSO_EMPTY
         + line("Records per day (peak)", r["records"]) + line("API calls per day (peak)",
                                                               r["calls"])
         + MSO_EMPTY + stmt(r["guide"], GUIDE_TEXT))
    p = ("Full name:   %s\nOrganisation:   %s\nContact email:   %s\n\n  %s\n\nService required:\n  "
         "%s\n  %s\n"
         "IP address(es):   %s\n\nRecords per day (peak):   %s\nAPI calls per day (peak):   %s\n\n "
         " %s\n"
         % (r["name"], r["org"], r["email"], TERMS_TEXT, PUBLIC_TEXT, PARTNER_TEXT, r["ip"],
            r["records"],
            r["calls"], GUIDE_TEXT))
    return h, p


# ------------------------------------------------------------------------------------------------
# Build
# ------------------------------------------------------------------------------------------------

MADE = {}   # case key -> bytes of the form document made for it


def case_record(key, attachment):
    c = CASES[key]
    if key in UNREADABLE:
        return record(attachment, "none", ["unreadable_attachment"], EMPTY_FIELDS)
    return record(attachment, c["source"], c["flags"], c["truth"])


NO_FORM = record("", "none", ["no_form_found"], EMPTY_FIELDS)

FORM_FILES = []   # (file name, case key, shape) for the README


def put_form(name, key, data, shape):
    with open(os.path.join(FORMS, name), "wb") as fh:
        fh.write(data)
    write_expected(name, [case_record(key, name)])
    FORM_FILES.append((name, key, shape))


def truncate_cfb(data):
    """Cut a compound file well before its directory sector, as a broken download or a full disk
    leaves it: the header and FAT are there, the directory and the end of the text are not."""
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    dir_start = struct.unpack_from("<I", data, 0x30)[0]
    cut = min((dir_start + 1) * sector, len(data) * 3 // 5) - 300
    if cut <= 4 * sector:
        raise SystemExit("compound file too small to truncate meaningfully")
    return data[:cut]


def build_forms(tmp):
    # .doc with legacy form fields
    d1 = docx_to_doc(docx_fields_table(CASES["D1"]["raw"]), "D1.doc", tmp)
    MADE["D1"] = open(d1, "rb").read()
    put_form("doc_formfields_table.doc", "D1", MADE["D1"],
             "LibreOffice .doc: FORMTEXT answers in a label | answer table, FORMCHECKBOX before "
             "the statements")

    d2 = docx_to_doc(docx_fields_boxcells(CASES["D2"]["raw"]), "D2.doc", tmp)
    # terms and public: untouched default-checked boxes; partner: default-checked, unticked by
    # the applicant; guide: ticked by the applicant (as LibreOffice wrote it).
    set_doc_checkbox_states(d2, [(25, 1), (25, 1), (0, 1), None])
    MADE["D2"] = open(d2, "rb").read()
    put_form("doc_formfields_default_checked.doc", "D2", MADE["D2"],
             "FORMCHECKBOX in table cells; two boxes in Word's default state (iRes 25, wDef 1), "
             "one default "
             "box unticked (iRes 0, wDef 1)")

    d3 = docx_to_doc(docx_fields_inline(CASES["D3"]["raw"]), "D3.doc", tmp)
    MADE["D3"] = open(d3, "rb").read()
    put_form("doc_formfields_inline.doc", "D3", MADE["D3"],
             "inline 'Label: FORMTEXT'; both service boxes on one line; an empty field of five en "
             "spaces")

    d4 = docx_to_doc(docx_glyph_cells(CASES["D4"]["raw"], "☒", "☐"), "D4.doc", tmp)
    MADE["D4"] = open(d4, "rb").read()
    put_form("doc_table_glyphs.doc", "D4", MADE["D4"],
             "typed ☒/☐ in their own cells (Unicode text pieces)")

    d5 = docx_to_doc(docx_official_lines(CASES["D5"]["raw"], "✓", ""), "D5.doc", tmp)
    MADE["D5"] = open(d5, "rb").read()
    put_form("doc_check_marks_official.doc", "D5", MADE["D5"],
             "official layout, ✓ typed before the chosen statements, nothing before the others; IP "
             "range in words")

    d6 = docx_to_doc(docx_bracket_form(CASES["D6"]["raw"]), "D6.doc", tmp)
    MADE["D6"] = open(d6, "rb").read()
    put_form("doc_bracketed_answers.doc", "D6", MADE["D6"],
             "answers holding brackets ([PhD], [CSU], '[ 400 [see attached plan] ]'); unused IP "
             "blank [____]")

    work = os.path.join(tmp, "D7")
    os.makedirs(work)
    src = os.path.join(work, "D7.docx")
    save_docx(docx_fields_table(CASES["D7"]["raw"]), src)
    d7 = os.path.join(work, "D7.doc")
    soffice_save_with_password(src, d7, "MS Word 97", "Vukovic#2026", tmp)
    MADE["D7"] = open(d7, "rb").read()
    import msoffcrypto
    if not msoffcrypto.OfficeFile(io.BytesIO(MADE["D7"])).is_encrypted():
        raise SystemExit("the password-protected .doc is not encrypted")
    put_form("doc_password_protected.doc", "D7", MADE["D7"],
             "saved with a password (LibreOffice File > Save As, RC4 CryptoAPI) -> "
             "unreadable_attachment")

    d8 = docx_to_doc(docx_glyph_cells(CASES["D8"]["raw"], "X", ""), "D8.doc", tmp)
    MADE["D8"] = truncate_cfb(open(d8, "rb").read())
    try:
        olefile.OleFileIO(io.BytesIO(MADE["D8"])).openstream("WordDocument").read()
        raise SystemExit("the truncated .doc still opens")
    except SystemExit:
        raise
    except Exception:
        pass
    put_form("doc_truncated.doc", "D8", MADE["D8"],
             "a .doc cut off at 3/5 of its length (directory sector and the rest missing) -> "
             "unreadable_attachment")

    # RTF
    r1 = lo_rtf_formfields(CASES["R1"]["raw"], "R1.rtf", tmp, {"TermsOfUse": (1, 25)})
    MADE["R1"] = open(r1, "rb").read()
    put_form("rtf_lo_formfields.rtf", "R1", MADE["R1"],
             "LibreOffice RTF: FORMTEXT (\\fldrslt) and FORMCHECKBOX (\\ffres) fields; terms box "
             "\\ffdefres1\\ffres25")
    r2 = lo_from_html(html_form_table(CASES["R2"]["raw"], "☒", "☐"), "R2.rtf", "rtf", tmp)
    MADE["R2"] = open(r2, "rb").read()
    put_form("rtf_lo_table_glyphs.rtf", "R2", MADE["R2"],
             "LibreOffice RTF of a table form, ☒/☐ as \\u escapes")
    r3_raw = dict(CASES["R3"]["raw"],
                  terms=True)   # the box was ticked by default; patched to unticked
    r3 = lo_rtf_formfields(r3_raw, "R3.rtf", tmp, {"TermsOfUse": (1, 0)})
    MADE["R3"] = open(r3, "rb").read()
    put_form("rtf_lo_formfields_terms_unticked.rtf", "R3", MADE["R3"],
             "LibreOffice RTF form fields; terms box default ticked but unticked "
             "(\\ffdefres1\\ffres0)")
    MADE["R4"] = wordpad_rtf_boxes(CASES["R4"]["raw"]).encode("ascii")
    put_form("rtf_wordpad_wingdings.rtf", "R4", MADE["R4"],
             "WordPad RTF, windows-1252 \\'hh escapes, Wingdings {\\f2\\'fe} / {\\f2\\'a8} boxes")
    MADE["R5"] = wordpad_rtf_ticks(CASES["R5"]["raw"]).encode("ascii")
    put_form("rtf_wordpad_unicode_ticks.rtf", "R5", MADE["R5"],
             "WordPad RTF, \\uN? escapes, Wingdings tick {\\f2\\u252\\'fc} only beside the chosen "
             "statements")
    MADE["R6"] = wordpad_rtf_inline(CASES["R6"]["raw"]).encode("ascii")
    put_form("rtf_wordpad_inline.rtf", "R6", MADE["R6"],
             "WordPad RTF, inline answers, \\'92 / \\'96, [X]/[ ], Wingdings by font switch "
             "(\\f2\\'fe\\f0)")


def build_attachments(tmp):
    """Form documents that travel only inside mails."""
    def docx_bytes(d, key):
        path = os.path.join(tmp, key + ".docx")
        save_docx(d, path)
        MADE[key] = open(path, "rb").read()

    docx_bytes(docx_glyph_cells(CASES["X1"]["raw"], "☑", "☐"), "X1")
    docx_bytes(docx_official_lines(CASES["X2"]["raw"], "☒", "☐"), "X2")
    docx_bytes(docx_answer_table(CASES["X4"]["raw"]), "X4")
    docx_bytes(docx_glyph_cells(CASES["T1"]["raw"], "☒", "☐", font="Arial"), "T1")
    docx_bytes(docx_official_lines(CASES["T3"]["raw"], "✔", "☐", font="Aptos"), "T3")
    docx_bytes(docx_colon_lines(CASES["N2"]["raw"], "[x]", "[ ]"), "N2")
    MADE["X3"] = open(printed_pdf(html_form_official(CASES["X3"]["raw"], "☒", "☐"), "X3.pdf", tmp),
                      "rb").read()
    MADE["T2"] = open(printed_pdf(html_form_table(CASES["T2"]["raw"], "X", ""), "T2.pdf", tmp,
                                  font="Liberation Serif"), "rb").read()
    MADE["N1"] = open(printed_pdf(html_form_table(CASES["N1"]["raw"], "✔", ""), "N1.pdf", tmp),
                      "rb").read()
    MADE["T4"] = open(fillable_pdf(CASES["T4"]["raw"], "T4.pdf", tmp), "rb").read()
    MADE["N3"] = open(docx_to_doc(docx_colon_lines(CASES["N3"]["raw"], "X", "-"), "N3.doc", tmp),
                      "rb").read()
    # not forms
    MADE["publication"] = open(printed_pdf(publication_html(), "publication.pdf", tmp,
                                           "Liberation Serif"), "rb").read()
    pages = len(PdfReader(io.BytesIO(MADE["publication"])).pages)
    if pages < 20:
        raise SystemExit("the publication has only %d pages" % pages)
    docx_bytes(checklist_docx(), "checklist")
    cv_doc = lo_from_html(cv_html(), "cv.doc", "doc:MS Word 97", tmp)
    MADE["cv_doc"] = open(cv_doc, "rb").read()
    MADE["cv_pdf"] = open(printed_pdf(cv_html(), "cv.pdf", tmp), "rb").read()
    # photographs and scans of the printed form
    # (one page each: the whole form must be in the picture)
    i1 = printed_pdf(html_form_table(CASES["I1"]["raw"], "☒", "☐", closing=False),
                     "I1.pdf", tmp, size="10pt")
    MADE["I1"] = phone_photo(render_page(one_page(i1), 150, tmp, "I1page"), 101, 1.3, 72)
    i2 = printed_pdf(html_form_official(CASES["I2"]["raw"], "☒", "☐", closing=False), "I2.pdf", tmp,
                     size="10pt")
    MADE["I2"] = grey_scan(render_page(one_page(i2), 200, tmp, "I2page"), 200)
    i3 = printed_pdf(html_form_table(CASES["I3"]["raw"], "X", "", "13pt", closing=False),
                     "I3.pdf", tmp, font="DejaVu Sans", size="9.5pt")
    MADE["I3"] = phone_photo(render_page(one_page(i3), 170, tmp, "I3page"), 303, -1.8, 70)


def one_page(pdf):
    pages = len(PdfReader(pdf).pages)
    if pages != 1:
        raise SystemExit("%s: the form to photograph has %d pages, not 1" % (pdf, pages))
    return pdf


MAIL_FILES = []   # (file name, [case keys or None], shape) for the README


def encoded_word(text, charset, enc):
    """One RFC 2047 encoded word, upper-case charset as Outlook and Thunderbird write it."""
    import base64
    import quopri
    data = text.encode(charset)
    if enc == "B":
        payload = base64.b64encode(data).decode("ascii")
    else:
        payload = quopri.encodestring(data, header=True).decode("ascii").replace("=\n", "")
    return "=?%s?%s?%s?=" % (charset.upper(), enc, payload)
AEDT = dt.timezone(dt.timedelta(hours=11))


def when(day, hh, mm, ss=0):
    return dt.datetime(2026, 3, day, hh, mm, ss, tzinfo=AEDT)


def date_header(moment):
    from email.utils import format_datetime
    return format_datetime(moment)


def outlook_id(n):
    return "<SY4P282MB%04dF3C1E40A9B2%04d@SY4P282MB%04d.AUSP282.PROD.OUTLOOK.COM>" % (n, n * 7, n)


def gmail_id(n):
    return "<CAH%04dq8Zk%sJ3xVw=mK2fP7Lr+%03dTgQ@mail.gmail.com>" % (n, "x" * (n % 5 + 1), n)


def mail(name, msg, keys_and_names, shape):
    """keys_and_names: [(case key, attachment name)] in the order the message holds the forms, or
    [] for a message with no form."""
    records = [case_record(k, a) for k, a in keys_and_names] or [NO_FORM]
    write_mail(name, msg, records)
    MAIL_FILES.append((name, [k for k, _ in keys_and_names], shape))


MSWORD = "application/msword"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def build_mails():
    # ---- .doc -----------------------------------------------------------------------------------
    m = mixed("Dr Amelia Hartono <Amelia.Hartono@bom.gov.au>",
              "Occupation Coding Service - registration form",
              date_header(when(2, 9, 14, 27)), outlook_id(1),
              outlook_headers("Occupation Coding Service - registration form",
                              "AQHcqbJfPBHkQ2mZ9kOeLw3cF1Zx0A==", True))
    m.attach(text_part("Good morning,\n\nPlease find attached our completed registration form for "
                       "the Partner "
                       "coding service.\n\nKind regards\nAmelia\n\nDr Amelia Hartono | Senior Data "
                       "Scientist\n"
                       "Bureau of Meteorology\n", charset="us-ascii"))
    name = "OCS Registration Form - BoM.doc"
    m.attach(file_part(MADE["D1"], MSWORD, name))
    mail("m01_doc_formfields.eml", m, [("D1", name)],
         "Word 97 .doc with legacy form fields, application/msword")

    m = mixed("Tariq Haddad <tariq.haddad@customerservice.nsw.gov.au>", "Registration",
              date_header(when(2, 10, 2, 11)), outlook_id(2))
    m.attach(text_part("Hi,\n\nForm attached.\n\nThanks,\nTariq\n", charset="us-ascii"))
    name = "OCS_registration_form.doc"
    m.attach(file_part(MADE["X1"], MSWORD, name))
    mail("m02_docx_named_doc.eml", m, [("X1", name)],
         "a DOCX sent with a .doc name and application/msword: read as what its bytes are (docx)")

    m = mixed("Isabella Rossi <isabella.rossi@finance.gov.au>", "OCS registration form",
              date_header(when(2, 11, 45, 3)),
              "<9F3C2B1A-7D4E-4B8A-9C21-30F5D6E7A8B9@finance.gov.au>",
              [("X-Mailer", "iPhone Mail (22D72)")])
    m.attach(text_part("Hello, here's the form. Sorry if it comes through strangely, sent from my "
                       "phone.\n\n"
                       "Isabella\n", charset="us-ascii"))
    name = "Registration Form.doc"
    m.attach(file_part(MADE["D8"], MSWORD, name))
    mail("m03_doc_truncated.eml", m, [("D8", name)], "a truncated .doc -> unreadable_attachment")

    m = mixed("Peter Vukovic <peter.vukovic@asic.gov.au>", "[SEC=OFFICIAL] OCS registration",
              date_header(when(3, 8, 31, 40)), outlook_id(4),
              outlook_headers("[SEC=OFFICIAL] OCS registration", "AQHcqsH1mN3bBk7TQ0yQ8vR2p5Jc1g==",
                              True)
              + [("X-Protective-Marking",
                  "VER=2018.1, NS=gov.au, SEC=OFFICIAL, ORIGIN=peter.vukovic@asic.gov.au")])
    m.attach(text_part("Dear Coding Service team,\n\nPlease find attached our registration form. "
                       "As per our "
                       "security policy the document is password protected; the password will "
                       "follow in a "
                       "separate email.\n\nRegards,\nPeter Vukovic\nASIC\n", charset="us-ascii"))
    name = "OCS registration (protected).doc"
    m.attach(file_part(MADE["D7"], MSWORD, name))
    mail("m04_doc_password_protected.eml", m, [("D7", name)],
         "a password-protected .doc -> unreadable_attachment")

    m = mixed("Ngaire Thompson <nthompson@csu.edu.au>", "Registration form",
              date_header(when(3, 13, 5, 52)), "<1741912345.4471.nthompson@csu.edu.au>",
              [("X-Mailer", "Microsoft Outlook 14.0")])
    m.attach(text_part("Registration attached.\n\nNgaire\n", charset="us-ascii"))
    name = "REGFORM.DOC"
    m.attach(file_part(MADE["D6"], "application/octet-stream", name))
    mail("m05_doc_octet_stream.eml", m, [("D6", name)],
         ".doc as application/octet-stream with an upper-case name")

    # ---- RTF ------------------------------------------------------------------------------------
    m = mixed("=?utf-8?q?Ren=C3=A9e_C=C3=B4t=C3=A9?= <renee.cote@cit.edu.au>", "OCS registration",
              date_header(when(3, 15, 20, 9)), "<d41c7e0b-5a4f-4e3e-9b0a-cb2f1e6a7d10@cit.edu.au>")
    m.attach(text_part("Bonjour / Hello,\n\nPlease find my registration form attached (written in "
                       "WordPad, "
                       "I hope that is OK).\n\nRenée\n"))
    name = "registration.rtf"
    m.attach(file_part(MADE["R4"], "application/rtf", name))
    mail("m06_rtf_wordpad.eml", m, [("R4", name)], "WordPad RTF as application/rtf")

    m = mixed("Oliver Brennan <oliver.brennan@aff.gov.au>", "Coding service registration - DAFF",
              date_header(when(4, 9, 0, 30)), outlook_id(7),
              outlook_headers("Coding service registration - DAFF",
                              "AQHcq5Z2kf8mXUu0S0m7eVqgk3W6YQ==", True))
    m.attach(text_part("Hi,\n\nOur registration is attached.\n\nOliver Brennan\nData Services | "
                       "DAFF\n",
                       charset="us-ascii"))
    name = "OCS form - DAFF.rtf"
    m.attach(file_part(MADE["R2"], MSWORD, name))
    mail("m07_rtf_labelled_msword.eml", m, [("R2", name)],
         "LibreOffice RTF labelled application/msword")

    m = mixed("Hang Nguyen <hang.nguyen@vu.edu.au>", "Registration form",
              date_header(when(4, 11, 12, 44)), "<5c0f8a3e-91d2-4a7b-8e54-2f6b1d9c3a70@vu.edu.au>",
              [("User-Agent", "Mozilla Thunderbird")])
    m.attach(text_part("Hello,\n\nAttached is my registration form.\n\nBest regards,\nNguyễn Thị "
                       "Hằng\n"))
    rtf_part = MIMEText(MADE["R5"].decode("ascii").replace("\x00", ""), "rtf",
                        qp_charset("us-ascii"))
    rtf_part.add_header("Content-Disposition", "attachment", filename="dang-ky.rtf")
    rtf_part.set_param("name", "dang-ky.rtf")
    m.attach(rtf_part)
    mail("m08_rtf_text_rtf_qp.eml", m, [("R5", "dang-ky.rtf")],
         "WordPad RTF as text/rtf, quoted-printable (Thunderbird)")

    # ---- winmail.dat ----------------------------------------------------------------------------
    def tnef_mail(fname, key_order, sender, subject, body, atts, n, sent, index):
        blob = build_tnef(body, atts, 0x4D2A + n, sent.replace(tzinfo=None))
        check_tnef(blob, atts)
        m = mixed(sender, subject, date_header(sent), outlook_id(n),
                  outlook_headers(subject, index, True, outlook_id(n)))
        m.attach(text_part(body, charset="windows-1252"))
        part = file_part(blob, "application/ms-tnef", "winmail.dat")
        m.attach(part)
        forms = [(k, a["long"]) for k, a in zip(key_order, atts) if k]
        mail(fname, m, forms, "winmail.dat (application/ms-tnef): " + ", ".join(
            "%s%s" % (a["long"], " (logo)" if a.get("content_id") else "") for a in atts))

    tnef_mail("m09_tnef_docx.eml", ["T1"], "Kieran Murphy <kieran.murphy@health.qld.gov.au>",
              "OCS registration - Queensland Health",
              "Hi,\n\nPlease see attached our registration for the Partner coding "
              "service.\n\nRegards\nKieran Murphy\n"
              "Queensland Health\n",
              [dict(short="OCCUPA~1.DOC",
                    long="Occupation Coding Service Registration Form - Kieran Murphy.docx",
                    data=MADE["T1"], mime=DOCX_TYPE, long_type=PT_STRING8)], 9, when(4, 14, 3, 18),
              "AQHcq7VbA9k2oQm8S2yV0LZtq3WbUw==")
    tnef_mail("m10_tnef_printed_pdf.eml", ["T2"], "Anjali Desai <anjali.desai@aff.gov.au>",
              "Registration form - ABARES",
              "Good afternoon,\n\nAttached is our completed registration form (scanned to PDF from "
              "Word).\n\n"
              "Thanks,\nAnjali\n",
              [dict(short="ABSOCS~1.PDF", long="ABS OCS registration form (completed).pdf",
                    data=MADE["T2"],
                    mime="application/pdf", long_type=PT_STRING8)], 10, when(4, 16, 40, 2),
              "AQHcq8PqUe0t1E0kSy6mXz2LhUqkAg==")
    logo = logo_png("Geoscience Australia", (0, 98, 65))
    tnef_mail("m11_tnef_logo_and_docx.eml", [None, "T3"], "Ana Pereira <ana.pereira@ga.gov.au>",
              "Occupation Coding Service registration",
              "Olá / Hello,\n\nOur registration form is attached.\n\nAna Pereira\nGeoscience "
              "Australia\n",
              [dict(short="IMAGE001.PNG", long="image001.png", data=logo, mime="image/png",
                    long_type=PT_UNICODE,
                    content_id="image001.png@01DCA9B2.5F3C1E40"),
               dict(short="REGIST~1.DOC",
                    long="Registration form – Ana Pereira (Geoscience Australia).docx",
                    data=MADE["T3"], mime=DOCX_TYPE, long_type=PT_UNICODE)], 11, when(5, 9, 22, 51),
              "AQHcrGz1v6QyB8i4R0G8xTn3sWk5pw==")
    tnef_mail("m12_tnef_fillable_pdf.eml", ["T4"],
              "=?windows-1252?q?H=E9l=E8ne_Lef=E8vre?= <helene.lefevre@afmelbourne.com.au>",
              "Inscription - Occupation Coding Service",
              "Bonjour,\n\nVeuillez trouver ci-joint le formulaire d’inscription "
              "rempli.\n\nCordialement,\n"
              "Hélène Lefèvre\n",
              [dict(short="FORMUL~1.PDF", long="Formulaire d’inscription – Hélène Lefèvre.pdf",
                    data=MADE["T4"],
                    mime="application/pdf", long_type=PT_STRING8)], 12, when(5, 10, 5, 37),
              "AQHcrHd4Qm3kq0m7TUmq8F1x7N0u6A==")

    # ---- HTML mail (form in the body) -----------------------------------------------------------
    r = CASES["H1"]["raw"]
    form_h, form_p = outlook_form_wingdings_table(r)
    h = outlook_html(mso("Hi,") + MSO_EMPTY + mso("Please see my registration below.") + MSO_EMPTY
                     + form_h
                     + MSO_EMPTY + mso("Kind regards,") + mso("Chloé Martin")
                     + mso("Health Information Services"))
    p = ("Hi,\n\nPlease see my registration below.\n\n" + form_p
         + "\nKind regards,\nChloé Martin\nHealth Information Services\n")
    m = single(alternative(p, h, "windows-1252", "windows-1252"),
               "=?windows-1252?Q?Chlo=E9_Martin?= <chloe.martin@svha.org.au>",
               "OCS registration", date_header(when(5, 13, 30, 0)), outlook_id(13),
               outlook_headers("OCS registration", "AQHcrKn3x6Fb0vWnSlKjv2F8a1l0mQ=="))
    mail("m13_outlook_html_wingdings_table.eml", m, [("H1", "")],
         "Outlook HTML (windows-1252 QP): label | answer tables, Wingdings þ/¨ before the "
         "statements; the text "
         "part lost the boxes and the tables")

    r = CASES["H2"]["raw"]
    form_h, form_p = outlook_form_next_cell(r)
    h = outlook_html(mso("Hello,") + MSO_EMPTY + mso("My registration for the coding service:")
                     + MSO_EMPTY
                     + form_h + MSO_EMPTY + mso("Thanks, Aroha"))
    p = "Hello,\n\nMy registration for the coding service:\n\n" + form_p + "\nThanks, Aroha\n"
    m = single(alternative(p, h, "windows-1252", "windows-1252"),
               "Aroha Ngata <Aroha.Ngata@innerwest.nsw.gov.au>",
               "Occupation Coding Service Registration Form", date_header(when(5, 15, 2, 40)),
               outlook_id(14),
               outlook_headers("Occupation Coding Service Registration Form",
                               "AQHcrLMcZ0wTnb8IQk2lqv3y8c7e1w=="))
    mail("m14_outlook_html_glyph_next_cell.eml", m, [("H2", "")],
         "Outlook HTML: statement cell with ✔/☒/☐ in the next cell; the text part lost them")

    r = CASES["H3"]["raw"]
    pub, par = svc_on(r)
    h = ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n"
         "<p>Hello,</p><p>I filled in the registration below.</p>\n"
         "<p><b>Full name:</b> %s<br>\n<b>Organisation:</b> %s<br>\n<b>Contact email:</b> %s</p>\n"
         "<p><input type=checkbox%s> %s</p>\n"
         "<p><b>Service required:</b><br>\n<input type=radio name=service%s> %s<br>\n"
         "<input type=radio name=service%s> %s</p>\n"
         "<p><b>Static agency IP address(es):</b> %s</p>\n"
         "<p><b>Records you expect to code per day:</b> %s<br>\n<b>API calls you expect to make "
         "per day:</b> %s</p>\n"
         "<p><input type=checkbox%s> %s</p>\n<p>Cheers,<br>Ben</p>\n</body></html>\n"
         % (html.escape(r["name"]), html.escape(r["org"]), html.escape(r["email"]),
            " checked" if r["terms"] else "", html.escape(TERMS_TEXT),
            " checked" if pub else "", html.escape(PUBLIC_TEXT), " checked" if par else "",
            html.escape(PARTNER_TEXT),
            html.escape(r["ip"]), html.escape(r["records"]), html.escape(r["calls"]),
            " checked" if r["guide"] else "", html.escape(GUIDE_TEXT)))
    p = ("Hello,\n\nI filled in the registration below.\n\nFull name: %s\nOrganisation: "
         "%s\nContact email: %s\n\n%s\n\n"
         "Service required:\n%s\n%s\n\nStatic agency IP address(es): %s\n\nRecords you expect to "
         "code per day: %s\n"
         "API calls you expect to make per day: %s\n\n%s\n\nCheers,\nBen\n"
         % (r["name"], r["org"], r["email"], TERMS_TEXT, PUBLIC_TEXT, PARTNER_TEXT, r["ip"],
            r["records"],
            r["calls"], GUIDE_TEXT))
    m = single(alternative(p, h), "Benjamin Cho <benjamin.cho@aifs.gov.au>",
               "OCS registration - AIFS",
               date_header(when(6, 8, 50, 12)), "<20260306085012.7d3f1a2b@aifs.gov.au>",
               [("User-Agent", "Roundcube Webmail/1.6.9")])
    mail("m15_html_input_checkbox.eml", m, [("H3", "")],
         "HTML with <input type=checkbox checked> and radio buttons (UTF-8); the text part has no "
         "marks")

    r = CASES["H4"]["raw"]
    form_h, form_p = outlook_form_paragraphs(r)
    h = outlook_html(mso("Good morning,") + MSO_EMPTY + form_h + MSO_EMPTY + mso("Many thanks,")
                     + mso("Siobhán"))
    p = "Good morning,\n\n" + form_p + "\nMany thanks,\nSiobhán\n"
    m = single(alternative(p, h, "windows-1252", "windows-1252"),
               "=?windows-1252?Q?Siobh=E1n_O=92Connor?= <siobhan.oconnor@tra.gov.au>",
               "Registration",
               date_header(when(6, 10, 11, 5)), outlook_id(16),
               outlook_headers("Registration", "AQHcrVf0p8z9Z3k2Q0eK9sM7w1a2bA=="))
    mail("m16_outlook_msonormal_both_services.eml", m, [("H4", "")],
         "Outlook MsoNormal paragraphs, &nbsp; padding, =E1/=92 QP, Wingdings &#254;/&#168;; both "
         "services ticked")

    # ---- replies --------------------------------------------------------------------------------
    r = CASES["P1"]["raw"]
    old = dict(r, ip="192.168.0.10", records="3000", calls="30000")
    p = ("Hi team,\n\nSorry about that - corrected form below (our public range this time).\n\n"
         + plain_colon_form(r)
         + "\nRegards,\nHamish\n\n"
         "On Tue, 3 Mar 2026 at 10:02, Coding Service Registration "
         "<coding.service.registration@abs.gov.au> wrote:\n"
         + quote("Dear Hamish,\n\nThank you for your registration. The IP address you gave "
                 "(192.168.0.10) is a "
                 "private address and cannot be allowlisted, and the API calls you expect (30000) "
                 "are above the "
                 "Partner limit. Please send the form again.\n\nABS Occupation Coding Service\n\n"
                 "On Mon, 2 Mar 2026 at 16:40, Hamish Douglas <hamish.douglas@cdu.edu.au> wrote:\n"
                 + quote(plain_colon_form(old))))
    m = single(text_part(p, charset="us-ascii"), "Hamish Douglas <hamish.douglas@cdu.edu.au>",
               "Re: Occupation Coding Service registration", date_header(when(3, 11, 47, 30)),
               "<a3c9e1f0-2b7d-4c55-9e8a-61f0d2b4c7e3@cdu.edu.au>",
               [("In-Reply-To", "<abs-ocs-0302-117@abs.gov.au>"),
                ("References",
                 "<b7e2d9c4-1f3a-4e6b-8d21-9a0c5e7f3b12@cdu.edu.au> <abs-ocs-0302-117@abs.gov.au>"),
                ("User-Agent", "Mozilla Thunderbird")])
    mail("m17_reply_plain_quoted.eml", m, [("P1", "")],
         "plain reply, new form on top, the old form (192.168.0.10, 30000 calls) quoted with > and "
         "> > below")

    r = CASES["P2"]["raw"]
    old = dict(r, terms=False, service="partner", ip="", records="1,000", calls="500")
    new_h, new_p = outlook_form_wingdings_table(r, entity=True)
    old_h, old_p = outlook_form_wingdings_table(old, entity=True)
    staff = "Coding Service Registration <coding.service.registration@abs.gov.au>"
    me = "Fatima Rahimi <fatima.rahimi@multicultural.nsw.gov.au>"
    h = outlook_html(
        mso("Hello,") + MSO_EMPTY
                     + mso("Apologies, we only need the Public service. Updated form:") + MSO_EMPTY
        + new_h + MSO_EMPTY + mso("Regards,") + mso("Fatima Rahimi") + mso("Multicultural NSW")
                     + MSO_EMPTY
        + outlook_quote_block(staff, "Wednesday, 4 March 2026 2:15 PM", me, "RE: OCS registration")
        + mso("Dear Fatima,") + MSO_EMPTY
        + mso("The Terms of Use box is not ticked and the Partner service needs a static IP "
              "address. Please "
              "send the form again.") + MSO_EMPTY + mso("ABS Occupation Coding Service") + MSO_EMPTY
        + outlook_quote_block(me, "Tuesday, 3 March 2026 4:52 PM", staff, "OCS registration")
        + mso("Hi,") + MSO_EMPTY + old_h + MSO_EMPTY + mso("Fatima"))
    p = ("Hello,\n\nApologies, we only need the Public service. Updated form:\n\n" + new_p
         + "\nRegards,\nFatima Rahimi\nMulticultural NSW\n\n"
         + outlook_quote_block(staff, "Wednesday, 4 March 2026 2:15 PM", me, "RE: OCS registration",
                               False)
         + "Dear Fatima,\n\nThe Terms of Use box is not ticked and the Partner service needs a "
         "static IP address. "
           "Please send the form again.\n\nABS Occupation Coding Service\n\n"
         + outlook_quote_block(me, "Tuesday, 3 March 2026 4:52 PM", staff, "OCS registration",
                               False)
         + "Hi,\n\n" + old_p + "\nFatima\n")
    m = single(alternative(p, h, "windows-1252", "windows-1252"), me, "RE: OCS registration",
               date_header(when(5, 9, 3, 16)), outlook_id(18),
               outlook_headers("OCS registration", "AQHcrKn3x6Fb0vWnSlKjv2F8a1l0mQAAC2bwgA==")
               + [("In-Reply-To", "<abs-ocs-0304-221@abs.gov.au>"),
                  ("References", "<abs-ocs-0304-221@abs.gov.au>")])
    mail("m18_reply_outlook_block.eml", m, [("P2", "")],
         "Outlook reply: new form on top; below two From/Sent/To/Subject blocks, the old form "
         "(partner, no IP, terms unticked) at the bottom; no > marks")

    r = CASES["P3"]["raw"]
    old = dict(r, email="ethan(at)brookskaur.com.au")
    new_text = plain_yes_no_form(r)
    old_text = plain_yes_no_form(old)
    attr = "On Wed, 4 Mar 2026 at 09:12, Ethan Brooks &lt;ethan@brookskaur.com.au&gt; wrote:"
    h = ("<div dir=\"ltr\"><div>Hi again,</div><div><br></div><div>Fixed the email address, see "
         "below.</div>"
         "<div><br></div>" + html_lines(new_text) + "<div><br></div><div>Ethan</div></div><br>"
         "<div class=\"gmail_quote gmail_quote_container\"><div dir=\"ltr\" class=\"gmail_attr\">"
         + attr + "<br></div>"
         "<blockquote class=\"gmail_quote\" style=\"margin:0px 0px 0px 0.8ex;border-left:1px solid "
         "rgb(204,204,204);"
         "padding-left:1ex\"><div dir=\"ltr\">" + html_lines(old_text)
         + "</div>\n</blockquote></div>\n")
    p = ("Hi again,\n\nFixed the email address, see below.\n\n" + new_text + "\nEthan\n\n"
         + html.unescape(attr) + "\n\n" + quote(old_text))
    m = single(alternative(p, h), "Ethan Brooks <ethan@brookskaur.com.au>", "Re: OCS registration",
               date_header(when(4, 9, 40, 1)), gmail_id(19),
               [("In-Reply-To", gmail_id(190)), ("References", gmail_id(190))])
    mail("m19_reply_gmail_quote.eml", m, [("P3", "")],
         "Gmail reply: new form on top, the old form (e-mail with (at)) in "
         "div.gmail_quote/blockquote and > lines")

    r = CASES["X2"]["raw"]
    old = dict(r, ip="10.8.1.20", calls="25,000")
    m = mixed("Lachlan Pike <lachlan.pike@sunshinecoast.qld.gov.au>",
              "RE: Occupation Coding Service registration",
              date_header(when(6, 14, 25, 0)), outlook_id(20),
              outlook_headers("Occupation Coding Service registration",
                              "AQHcrnq8Y1Mx7w0dQk+9n3L5pV2rHg==", True))
    m.attach(text_part("Hi,\n\nUpdated form attached with the address our network team gave "
                       "me.\n\nLachlan\n\n"
                       + outlook_quote_block("Lachlan Pike <lachlan.pike@sunshinecoast.qld.gov.au>",
                                             "Thursday, 5 March 2026 3:10 PM", TO,
                                             "Occupation Coding Service registration", False)
                       + "Hi, my answers are below.\n\n" + quote(plain_colon_form(old)),
                       charset="us-ascii"))
    name = "OCS registration v2.docx"
    m.attach(file_part(MADE["X2"], DOCX_TYPE, name))
    mail("m20_reply_docx_quoted_old_form.eml", m, [("X2", name)],
         "reply with the corrected DOCX attached; the old answers (10.8.1.20, 25,000 calls) quoted "
         "in the body")

    # ---- forwards -------------------------------------------------------------------------------
    inner = mixed("Ming Zhou <ming.zhou@aic.gov.au>", "OCS registration",
                  date_header(when(5, 16, 5, 0)), outlook_id(210))
    del inner["To"]
    inner["To"] = "Data Services <data.services@aic.gov.au>"
    inner.attach(text_part("Hi, here is the form for the coding service. Can you send it "
                           "on?\nMing\n",
                           charset="us-ascii"))
    name = "OCS registration - Ming Zhou.pdf"
    pdf_as_text = file_part(MADE["X3"], "text/plain", name)
    pdf_as_text.set_param("charset", "us-ascii")
    inner.attach(pdf_as_text)
    m = mixed("Data Services <data.services@aic.gov.au>", "FW: OCS registration",
              date_header(when(6, 9, 15, 0)), outlook_id(21),
              outlook_headers("OCS registration", "AQHcrf1o2b3c4d5e6f7g8h9i0j1k2A==", True))
    m.attach(text_part("Hello,\n\nForwarding Ming's registration (attached as the original "
                       "message).\n\n"
                       "Data Services\nAustralian Institute of Criminology\n", charset="us-ascii"))
    m.attach(MIMEMessage(inner))
    mail("m21_fwd_rfc822_pdf_as_text_plain.eml", m, [("X3", name)],
         "forward as message/rfc822; inside it the form PDF labelled text/plain (type by bytes)")

    r = CASES["F2"]["raw"]
    fwd_head = ("---------- Forwarded message ---------\nFrom: Mia Rossi <mia.rossi@mq.edu.au>\n"
                "Date: Thu, 5 Mar 2026 at 15:12\nSubject: Registration - Occupation Coding "
                "Service\n"
                "To: Tom Baxter <tom.baxter@mq.edu.au>\n")
    form = plain_colon_form(r)
    p = ("Hi,\n\nForwarding Mia's registration as her mail is bouncing.\n\nCheers,\nTom\n\n"
         + fwd_head + "\n\n" + form)
    h = ("<div dir=\"ltr\"><div>Hi,</div><div><br></div><div>Forwarding Mia's registration as her "
         "mail is "
         "bouncing.</div><div><br></div><div>Cheers,</div><div>Tom</div><br><div "
         "class=\"gmail_quote "
         "gmail_quote_container\"><div dir=\"ltr\" class=\"gmail_attr\">"
         + html.escape(fwd_head).replace("\n", "<br>")
         + "</div><br><br><div dir=\"ltr\">" + html_lines(form) + "</div></div></div>\n")
    m = single(alternative(p, h), "Tom Baxter <tom.baxter@mq.edu.au>",
               "Fwd: Registration - Occupation Coding Service",
               date_header(when(6, 11, 0, 45)), gmail_id(22))
    mail("m22_fwd_inline_gmail.eml", m, [("F2", "")],
         "Gmail forward: the form only in the forwarded part (gmail_quote div), pronouns in "
         "brackets, IP in words")

    r = CASES["F3"]["raw"]
    form_h, form_p = outlook_form_wingdings_table(r)
    jack = "Jack Thornton <jack.thornton@dva.gov.au>"
    pris = "Priscilla Grant <priscilla.grant@dva.gov.au>"
    h = outlook_html(mso("Hi,") + MSO_EMPTY
                     + mso("Please see Jack’s registration below – can you action?")
                     + MSO_EMPTY + mso("Thanks,") + mso("Priscilla") + MSO_EMPTY
                     + outlook_quote_block(jack, "Thursday, 5 March 2026 10:41 AM", pris,
                                           "OCS registration form")
                     + mso("Hi Priscilla, here are my answers for the form:") + MSO_EMPTY + form_h)
    p = ("Hi,\n\nPlease see Jack’s registration below – can you action?\n\nThanks,\nPriscilla\n\n"
         + outlook_quote_block(jack, "Thursday, 5 March 2026 10:41 AM", pris,
                               "OCS registration form", False)
         + "Hi Priscilla, here are my answers for the form:\n\n" + form_p)
    m = single(alternative(p, h, "windows-1252", "windows-1252"), pris, "FW: OCS registration form",
               date_header(when(6, 13, 20, 0)), outlook_id(23),
               outlook_headers("OCS registration form", "AQHcrgX9f3q1b2T0S0m0b4Jq2c8k3wAAAbCdEf=="))
    mail("m23_fwd_outlook_html.eml", m, [("F3", "")],
         "Outlook forward: the form table under the From/Sent/To/Subject block; no service ticked")

    r = CASES["F4"]["raw"]
    inner = single(text_part("Hello,\n\nMy registration:\n\n" + plain_colon_form(r) + "\nPadraig\n",
                             charset="us-ascii"),
                   "Padraig O'Neill <padraig.oneill@aad.gov.au>", "Coding service registration",
                   date_header(when(5, 12, 0, 0)),
                   "<3f6e2c1a-0b9d-4e7f-a1c2-5d8e9f0a1b2c@aad.gov.au>")
    m = mixed("Station Leader <station.leader@aad.gov.au>", "Fwd: Coding service registration",
              date_header(when(6, 15, 30, 0)), "<7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f@aad.gov.au>",
              [("User-Agent", "Mozilla Thunderbird")])
    m.attach(text_part("Forwarding on Padraig's behalf (he is on station with limited mail).\n",
                       charset="us-ascii"))
    fwd = MIMEMessage(inner)
    fwd.add_header("Content-Disposition", "inline")
    m.attach(fwd)
    mail("m24_fwd_rfc822_body_form.eml", m, [("F4", "")],
         "forward as message/rfc822 whose own text body holds the form")

    # ---- encoded attachment names ---------------------------------------------------------------
    m = mixed("Dmitri Volkov <dmitri.volkov@utas.edu.au>", encoded_word("Заявление - OCS",
                                                                        "windows-1251", "B"),
              date_header(when(9, 9, 5, 0)), "<1234567890.20260309090500@utas.edu.au>",
              [("X-Mailer", "The Bat! (v10.4.2)")])
    m.attach(text_part("Здравствуйте!\n\nPlease find my registration form attached.\n\nДмитрий "
                       "Волков\n",
                       charset="windows-1251"))
    m.attach(file_part(MADE["N1"], "application/pdf", None, raw_params=(
        "\r\n name*0*=windows-1251''%C7%E0%FF%E2%EB%E5;\r\n name*1*=%ED%E8%E5.pdf",
        "\r\n filename*0*=windows-1251''%C7%E0%FF%E2%EB%E5;\r\n filename*1*=%ED%E8%E5.pdf")))
    mail("m25_rfc2231_windows1251.eml", m, [("N1", "Заявление.pdf")],
         "RFC 2231 continued name in windows-1251 (filename*0*=windows-1251''...; "
         "filename*1*=%ED%E8%E5.pdf)")

    m = mixed("Beatriz Souza <b.souza@griffith.edu.au>", "OCS registration",
              date_header(when(9, 10, 30, 0)),
              "<e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b@griffith.edu.au>")
    m.attach(text_part("Olá,\n\nSegue em anexo o formulário / the form is attached.\n\nBeatriz\n"))
    m.attach(file_part(MADE["N2"], DOCX_TYPE, None, raw_params=(
        "\r\n name*0*=UTF-8''Formul%C3;\r\n name*1*=%A1rio%20de%20registo%20;\r\n "
                                                                "name*2=\"(final).docx\"",
        "\r\n filename*0*=UTF-8''Formul%C3;\r\n filename*1*=%A1rio%20de%20registo%20;\r\n "
                                                                "filename*2=\"(final).docx\"")))
    mail("m26_rfc2231_utf8_split.eml", m, [("N2", "Formulário de registo (final).docx")],
         "RFC 2231 UTF-8 name split inside a character (%C3 | %A1), last segment unencoded")

    name = "Formularz Łódź – rejestracja.doc"
    m = mixed("Katarzyna Nowak <k.nowak@curtin.edu.au>", "Rejestracja / registration",
              date_header(when(9, 11, 45, 0)), "<20260309114500.K7N@curtin.edu.au>",
              [("User-Agent", "Mozilla Thunderbird")])
    m.attach(text_part("Dzień dobry,\n\nthe registration form is attached.\n\nKatarzyna\n",
                       charset="iso-8859-2"))
    words = encoded_word("Formularz Łódź", "iso-8859-2",
                         "Q") + "\r\n " + encoded_word(" – rejestracja.doc", "utf-8", "B")
    if "=?ISO-8859-2?Q?Formularz_=A3=F3d=BC?=" not in words:
        raise SystemExit("unexpected encoded word: " + words)
    m.attach(file_part(MADE["N3"], MSWORD, None, raw_params=(
        "\r\n name=\"%s\"" % words, "\r\n filename=\"%s\"" % words)))
    mail("m27_rfc2047_mixed_charsets.eml", m, [("N3", name)],
         "RFC 2047 name in two encoded words of different charsets (ISO-8859-2 Q, UTF-8 B) on a "
         ".doc")

    # ---- bracketed answers, stray bracket -------------------------------------------------------
    r = CASES["B1"]["raw"]
    m = single(text_part("Hi,\n\nMy registration details:\n\n" + plain_colon_form(r)
                         + "\nThanks,\nJordan\n"),
               "Jordan Ellis <jordan.ellis@acu.edu.au>", "OCS registration",
               date_header(when(9, 13, 0, 0)), outlook_id(28))
    mail("m28_body_brackets.eml", m, [("B1", "")],
         "plain body; [they/them], [ACU], '2,500 [peak in March]', '250 [approx.]' are part of the "
         "answers")

    r = CASES["B2"]["raw"]
    body = ("Hello,\n\nI copied the form into this email:\n\n"
            "Occupation Coding Service Registration Form\n\nYour Details\n"
            "Full name [ %s\nOrganisation [ %s ]\nContact email [ %s ]\n\n"
            "Terms of Use\n(X) %s\n\nService required\n( ) %s\n(X) %s\n%s [ %s ]\n\n"
            "Your expected use\n%s\n- %s [ %s ]\n- %s [ %s ]\n\nUser Guide agreement\n(X) %s\n\n"
            "Kind regards,\nPriya\n"
            % (r["name"], r["org"], r["email"], TERMS_TEXT, PUBLIC_TEXT, PARTNER_TEXT, PARTNER_HELP,
               r["ip"],
               USE_TEXT, RECORDS_LABEL, r["records"], CALLS_LABEL, r["calls"], GUIDE_TEXT))
    m = single(text_part(body, charset="us-ascii"),
               "Priya Venkataraman <priya.v@telstrahealth.com>",
               "Registration form", date_header(when(9, 14, 10, 0)), outlook_id(29))
    mail("m29_body_stray_bracket.eml", m, [("B2", "")],
         "the form's [ ... ] blanks filled in the body; the name blank's ] deleted (a stray [ "
         "before the name)")

    # ---- free wording ---------------------------------------------------------------------------
    m = single(text_part(
        "Hello,\n\nMy name is Dr Alistair Reid and I work at the University of Newcastle. We would "
                         "like to "
        "register for the Partner coding service so that we can code the occupation fields of a "
                         "large cohort "
        "study.\n\nPlease allowlist our static addresses from 134.148.5.10 to 134.148.5.40 (our "
                         "research "
        "computing servers). At peak we expect to code around 50,000 records a day, with about "
                         "2,000 API "
        "calls a day.\n\nI have read and agree to the Terms of Use, and we will read and follow "
                         "the User "
        "Guide when we integrate.\n\nYou can contact me at alistair.reid@newcastle.edu.au.\n\n"
        "Best wishes,\nAlistair\n", charset="us-ascii"),
        "Alistair Reid <alistair.reid@newcastle.edu.au>",
               "Registration for the Occupation Coding Service",
        date_header(when(10, 9, 0, 0)), outlook_id(30))
    mail("m30_free_wording_partner_range.eml", m, [("W1", "")],
         "free wording: name, organisation, range 'from A to B', 'around 50,000', agreements in "
         "sentences")

    m = single(text_part(
        "Hi there,\n\nI'm Grace Liu from Hunter New England Health and we'd like access to the "
                         "public coding "
        "service for some ad hoc coding. We'd only code a few hundred records a day - say 300 - "
                         "with maybe "
        "300 API calls.\n\nI accept the terms of use.\n\nEmail me at grace.liu@health.nsw.gov.au "
                         "if you need "
        "anything else.\n\nThanks\nGrace\n", charset="us-ascii"),
        "Grace Liu <grace.liu@health.nsw.gov.au>", "Coding service access",
        date_header(when(10, 10, 20, 0)), gmail_id(31))
    mail("m31_free_wording_public.eml", m, [("W2", "")],
         "free wording; terms accepted in words, the User Guide never mentioned")

    m = single(text_part(
        "Good afternoon,\n\nMy name is Tomasz Nowak, I work at Riverina Analytics. We need the "
                         "Partner "
        "service; please use 203.0.113.0/24 for our servers. We expect 20,000 records and 5,000 "
                         "calls per "
        "day at peak. I agree to the Terms of Use and to follow the User Guide.\n\n"
        "Contact: tomasz@riverinaanalytics.com.au\n\nTomasz\n", charset="us-ascii"),
        "Tomasz Nowak <tomasz@riverinaanalytics.com.au>", "OCS - partner service",
        date_header(when(10, 13, 15, 0)),
               "<0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0@riverinaanalytics.com.au>")
    mail("m32_free_wording_documentation_ip.eml", m, [("W3", "")],
         "free wording with a documentation address block (203.0.113.0/24)")

    h = outlook_html(
        mso("Hi,") + MSO_EMPTY
        + mso("I’m Nikhil Rao, director of Fernhill Data Pty Ltd, a two-person consultancy. We’d "
              "like to "
              "register for the Partner coding service.") + MSO_EMPTY
        + mso("Our office internet is a home NBN connection, so the address 121.44.198.7 is "
              "dynamic and may "
              "change from time to time.") + MSO_EMPTY
        + mso("We expect around 5k records a day at peak and about 1.5k API calls a day.")
                     + MSO_EMPTY
        + mso("I agree to the Terms of Use and will follow the User Guide. My email is "
              "<a href=\"mailto:nikhil@fernhilldata.com.au\">nikhil@fernhilldata.com.au</a>.")
        + MSO_EMPTY + mso("Regards,") + mso("Nikhil"))
    p = ("Hi,\n\nI’m Nikhil Rao, director of Fernhill Data Pty Ltd, a two-person consultancy. We’d "
         "like to register "
         "for the Partner coding service.\n\nOur office internet is a home NBN connection, so the "
         "address "
         "121.44.198.7 is dynamic and may change from time to time.\n\nWe expect around 5k records "
         "a day at peak "
         "and about 1.5k API calls a day.\n\nI agree to the Terms of Use and will follow the User "
         "Guide. My email "
         "is nikhil@fernhilldata.com.au.\n\nRegards,\nNikhil\n")
    m = single(alternative(p, h, "windows-1252", "windows-1252"),
               "Nikhil Rao <nikhil@fernhilldata.com.au>",
               "Partner service registration", date_header(when(10, 15, 0, 0)), outlook_id(33),
               outlook_headers("Partner service registration", "AQHcsB1k3m5o7q9s1u3w5y7a9c1e3g=="))
    mail("m33_free_wording_html_dynamic.eml", m, [("W4", "")],
         "free wording in Outlook HTML; the address is a dynamic home connection; '5k', '1.5k'")

    # ---- not forms ------------------------------------------------------------------------------
    m = mixed("Publications <publications@nsmn.org.au>", "Annual Statistical Report 2024-25",
              date_header(when(10, 16, 0, 0)), "<pub-2025-annual.8842@nsmn.org.au>")
    m.attach(text_part("Dear colleague,\n\nAs requested, please find attached our Annual "
                       "Statistical Report "
                       "2024-25.\n\nPublications team\n", charset="us-ascii"))
    m.attach(file_part(MADE["publication"], "application/pdf",
                       "NSMN Annual Statistical Report 2024-25.pdf"))
    mail("m34_publication_pdf.eml", m, [],
         "a 20+ page report PDF mentioning organisations, numbers, e-mails, IPs")

    m = mixed("Samira Haddad <samira.haddad@outlook.com>",
              "Application - APS 6 Data Analyst (2026/0147)",
              date_header(when(11, 8, 30, 0)), outlook_id(35))
    m.attach(text_part("Hello,\n\nPlease find my application checklist attached for the APS 6 Data "
                       "Analyst role.\n\n"
                       "Kind regards,\nSamira Haddad\n", charset="us-ascii"))
    m.attach(file_part(MADE["checklist"], DOCX_TYPE, "Application checklist - Samira Haddad.docx"))
    mail("m35_job_checklist.eml", m, [],
         "a filled job-application checklist (Full name, Email, ☒ boxes, I agree)")

    m = mixed("Liam Fitzgerald <liam.fitzgerald@protonmail.com>", "Expression of interest",
              date_header(when(11, 9, 45, 0)), "<Lf8Qz2XkP0vN3mA7@protonmail.com>")
    m.attach(text_part("Hi,\n\nI saw you are building a coding service and would love to help. CV "
                       "attached.\n\n"
                       "Liam\n", charset="us-ascii"))
    m.attach(file_part(MADE["cv_doc"], MSWORD, "Liam Fitzgerald CV.doc"))
    mail("m36_cv_doc.eml", m, [],
         "a CV as Word 97 .doc (Organisation:, Full name:, IP ranges, numbers)")

    m = mixed("Samuel Adeyemi <samuel.adeyemi@homeaffairs.gov.au>",
              "OCS registration + CV of our lead",
              date_header(when(11, 11, 0, 0)), outlook_id(37),
              outlook_headers("OCS registration + CV of our lead",
                              "AQHcsX2a4c6e8g0i2k4m6o8q0s2u4w==", True))
    m.attach(text_part("Hello,\n\nOur registration form is attached, with the CV of the engineer "
                       "who will lead "
                       "the integration.\n\nSamuel\n", charset="us-ascii"))
    m.attach(file_part(MADE["cv_pdf"], "application/pdf", "CV - Liam Fitzgerald.pdf"))
    name = "OCS registration form.docx"
    m.attach(file_part(MADE["X4"], DOCX_TYPE, name))
    mail("m37_cv_and_form.eml", m, [("X4", name)],
         "a CV (PDF) and the form (DOCX): one record, for the form")

    # ---- photos and scans of the printed form ---------------------------------------------------
    def related_mail(fname, key, sender, subject, moment, msgid, text, logo_bytes, logo_type,
                     logo_name, cid,
                     image_bytes, image_type, image_name, shape, extra=()):
        rel = MIMEMultipart("related")
        paras = "".join("<p>%s</p>" % html.escape(line) for line in text.split("\n") if line)
        body_h = ("<html><head><meta charset=\"utf-8\"></head><body>%s<p><img src=\"cid:%s\" "
                  "width=\"180\" alt=\"logo\"></p></body></html>\n" % (paras, cid))
        rel.attach(alternative(text, body_h))
        rel.attach(file_part(logo_bytes, logo_type, logo_name, "inline", cid=cid))
        m = mixed(sender, subject, date_header(moment), msgid, extra)
        m.attach(rel)
        m.attach(file_part(image_bytes, image_type, image_name))
        mail(fname, m, [(key, image_name)], shape)

    related_mail("m38_photo_jpeg_logo.eml", "I1", "Lucy Harrington <l.harrington@aims.gov.au>",
                 "Registration form (photo)", when(12, 9, 10, 0), outlook_id(38),
                 "Hi,\nOur printer-scanner is broken, so here is a photo of the signed form.\nLucy "
                 "Harrington\n"
                 "Australian Institute of Marine Science",
                 logo_png("AIMS", (0, 90, 140)), "image/png", "image001.png",
                 "image001.png@01DCAD1F.2B3C4D50",
                 MADE["I1"], "image/jpeg", "IMG_20260312_090412.jpg",
                 "JPEG phone photo of the printed form; an inline logo referenced by Content-ID")
    related_mail("m39_scan_png_logo.eml", "I2", "Marcus Webb <marcus.webb@education.gov.au>",
                 "Scanned registration form", when(12, 10, 30, 0), outlook_id(39),
                 "Good morning,\nPlease find the scanned registration form attached.\nMarcus Webb\n"
                 "Department of Education",
                 logo_png("Education", (110, 30, 90)), "image/png", "image002.png",
                 "image002.png@01DCAD2A.6E7F8090",
                 MADE["I2"], "image/png", "Scan_0312_1029.png",
                 "PNG scan (200 dpi grey) of the printed form; an inline logo referenced by "
                 "Content-ID")
    related_mail("m40_photo_jpeg_signature.eml", "I3",
                 "Yasmin Haddad <y.haddad@cityofadelaide.com.au>",
                 "OCS form", when(12, 13, 0, 0),
                 "<A1B2C3D4-E5F6-4711-8899-AABBCCDDEEFF@cityofadelaide.com.au>",
                 "Hello,\nPhoto of our form attached.\nYasmin",
                 signature_jpeg("Yasmin Haddad"), "image/jpeg", "signature.jpg",
                 "sig-yh-2026@cityofadelaide.com.au",
                 MADE["I3"], "image/jpeg", "form photo.jpeg",
                 "JPEG photo of the printed form; an inline signature image referenced by "
                 "Content-ID",
                 [("X-Mailer", "iPhone Mail (22D72)")])


# ------------------------------------------------------------------------------------------------
# README
# ------------------------------------------------------------------------------------------------

def tool_versions():
    def first_line(cmd):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout or ""
            return out.strip().splitlines()[0] if out.strip() else "?"
        except OSError:
            return "?"
    from importlib.metadata import version
    return [" ".join(first_line(["soffice", "--version"]).split()[:2]),
            first_line(["qpdf", "--version"]),
            "poppler " + (subprocess.run(["pdftoppm", "-v"], capture_output=True,
                                         text=True).stderr.split()[2]
                          if subprocess.run(["pdftoppm", "-v"], capture_output=True,
                                            text=True).stderr else "?"),
            "Python %d.%d" % sys.version_info[:2]] + ["%s %s" % (p, version(p)) for p in
                                                       ("python-docx", "pypdf", "Pillow", "olefile",
                                                        "tnefparse",
                                                        "msoffcrypto-tool")]


def md_cell(text):
    return text.replace("|", "\\|")


def flags_cell(rec):
    return ", ".join(rec["flags"]) or "-"


def write_readme():
    rows_forms = []
    for name, key, shape in FORM_FILES:
        rec = case_record(key, name)
        rows_forms.append("| %s | %s | %s | %s |" % (name, rec["source"], flags_cell(rec),
                                                     md_cell(shape)))
    rows_mail = []
    for name, keys, shape in MAIL_FILES:
        recs = json.load(open(os.path.join(EXPECTED, name + ".json"), encoding="utf-8"))["records"]
        rows_mail.append("| %s | %s | %s | %s |" % (
            name, "; ".join(r["source"] for r in recs), "; ".join(flags_cell(r) for r in recs),
                                                    md_cell(shape)))
    text = """# formats fixtures

Every file format and mail shape applicants send that the first sets did not have (issue 14):
Word 97-2003 `.doc` with legacy form fields, RTF from LibreOffice and WordPad, Outlook
`winmail.dat`, Outlook/Gmail HTML mail, replies that quote an older form, forwards, RFC 2231 /
RFC 2047 file names, bracketed answers, ranges and answers in free wording, documents that are not
the form, and photos or scans of the printed form. Built by `scripts/make_formats.py`; nothing
here is hand-edited.

- `forms/`: bare form documents (`regintake check FILE`): {nforms} files.
- `mail/`: one message per file (`regintake check FILE.eml`): {nmail} files.
- `expected/<file>.json`: the truth for every file, written from the case table `CASES` in the
  script (each applicant's answers as written and, by hand, the record a careful reviewer writes
  per SPEC v2). Never produced by running regintake. Records that could not be read
  (`unreadable_attachment`) or messages with no form (`no_form_found`) have every field "" and
  only that flag.

Regenerate (deterministic apart from the password-protected .doc, whose RC4 salt is random):

    python3 scripts/make_formats.py

Needs `soffice` (libreoffice-writer-nogui; it is shown only the DejaVu core and OpenSymbol fonts,
`scripts/fixturelib.py`, so pages lay out the same on any machine), python3-uno (for the
password-protected .doc: the system `/usr/bin/python3` drives LibreOffice over its UNO pipe),
`qpdf`, `pdftoppm` (poppler-utils), and `pip install python-docx pypdf pillow olefile tnefparse
msoffcrypto-tool`. Built with: {tools}.

## Forms

| file | source | flags | shape |
|---|---|---|---|
{forms}

## Mails

| file | source | flags | shape |
|---|---|---|---|
{mails}

## How the files were made

- `.doc`: the form written with python-docx (legacy `FORMTEXT`/`FORMCHECKBOX` fields, or typed
  ☒/☐/✓ glyphs, or `[X]`), then `soffice --convert-to doc` ("MS Word 97"). LibreOffice writes each
  check box's state as FFDATA `iRes` 0/1 with `wDef` 0; Word writes a box the user never touched
  as `iRes` 25 ("use the default") with `wDef` the default, so `doc_formfields_default_checked.doc`
  gets those two bytes set in its `Data` stream (same length; LibreOffice reads them back as
  ticked). LibreOffice runs with `SAL_RAND_REPEATABLE=1` so its random bookmark names repeat.
  `doc_password_protected.doc` is LibreOffice's Save As with a password (UNO `storeToURL`
  `Password`), checked as encrypted with msoffcrypto-tool. `doc_truncated.doc` is a LibreOffice
  `.doc` cut at 3/5 of its length, before its directory sector (checked: olefile cannot open it).
- `.rtf` from LibreOffice: form fields come from HTML form controls (LibreOffice's RTF export of
  Word fieldmark check boxes drops their state, so the controls route is the one that keeps it);
  two check boxes get the state Word writes and LibreOffice does not (`\\ffdefres1\\ffres25`, the
  untouched default, and `\\ffdefres1\\ffres0`, a default box unticked). WordPad RTF is written
  by hand as WordPad (RichEdit 10) writes it: `\\ansicpg1252`, `\\'hh` and `\\uN?` escapes, a
  Wingdings font `\\f2` (`\\'fe` ticked box, `\\'a8` empty box, `\\u252\\'fc` tick), and the
  trailing NUL byte.
- `winmail.dat`: written per MS-OXTNEF (signature, attTnefVersion, attOemCodepage,
  attMessageClass, dates, attMsgProps with an uncompressed PR_RTF_COMPRESSED body; per
  attachment attAttachRendData, attAttachModifyDate, attAttachTitle = the 8.3 name, attAttachData,
  attAttachment = MAPI properties with PR_ATTACH_LONG_FILENAME (PT_STRING8 in windows-1252 or
  PT_UNICODE), checksums). Each is read back with tnefparse: long names and bytes identical. The
  logo in m11 carries PR_ATTACH_CONTENT_ID, PR_ATTACH_FLAGS 4 and PR_ATTACHMENT_HIDDEN.
- PDFs: LibreOffice `--convert-to pdf` of HTML (printed forms, the 22-page report, the CV); the
  fillable one is LibreOffice's ExportFormFields PDF filled with pypdf (NeedAppearances). Dates and
  ids pinned, `qpdf --deterministic-id`.
- Photos and scans: the printed form (one page) rendered by `pdftoppm` at 150/170/200 dpi; the
  photos get a desk border, a tilt of 1.3 and -1.8 degrees, uneven light, blur and noise (Pillow,
  fixed seeds), JPEG quality 70-72; the scan is 16-level grey PNG with a 0.4 degree skew.
- Mails: Python's `email` package; fixed dates (+11:00), Message-IDs and MIME boundaries.
  Outlook-shaped parts are windows-1252 quoted-printable with Word's HTML (`MsoNormal`,
  `MsoTableGrid`, `<o:p>`, Wingdings spans); special file names are written verbatim.

## Judgement calls (argue with them here)

- A reply's or forward's quoted text is read only when the new part holds no form: in m17-m19
  the new form on top is the truth and the quoted older form (different answers) is not recorded;
  in m22/m23 the new part is a covering note and the forwarded form is recorded (source `body`).
  m20 carries the corrected form as a DOCX: the attachment is recorded, the quoted body is not.
- A form forwarded as `message/rfc822` belongs to the outer message; its attachment name is the
  inner attachment's name (m21). The inner PDF is labelled `text/plain`; it is read as a PDF.
- A form inside winmail.dat is recorded under its long MAPI name (PR_ATTACH_LONG_FILENAME), not
  the 8.3 attAttachTitle and not "winmail.dat"; the inline logo inside it is not a form.
- Brackets are part of the answer unless they are the form's own blank: "Dr Ngaire Thompson [PhD]",
  "Charles Sturt University [CSU]", "Jordan Ellis [they/them]" are recorded as written;
  "[ 400 [see attached plan] ]" (the form's blank around the answer) is 400; "2,500 [peak in
  March]" is 2500. In m29 the applicant filled the form's "[ ... ]" blanks and deleted the closing
  bracket of the name blank ("Full name [ Priya Venkataraman"): the name is "Priya Venkataraman",
  and it ends at the end of its line.
- A range written in words is one range entry: "from 210.8.208.38 through 210.8.208.56" is
  `210.8.208.38-210.8.208.56`, "150.203.1.0 to 150.203.1.63" is `150.203.1.0-150.203.1.63`.
- Free wording is a registration: the reviewer records what the sentences say. An agreement
  counts only when the applicant states it ("I accept the terms of use"); a User Guide never
  mentioned is `user_guide_not_agreed` (m31). "203.0.113.0/24" is documentation space:
  `non_public_ip` (m32). "a home NBN connection ... is dynamic" is `dynamic_ip` (m33). "around
  50,000", "a few hundred records a day - say 300", "5k" and "1.5k" are 50000, 300, 5000 and 1500.
- Word FFDATA `iRes` 25 means the box shows its default (`wDef`); `wDef` 1 with `iRes` 0 is a
  default-ticked box the applicant unticked. RTF `\\ffres25` likewise shows `\\ffdefres`.
- A Wingdings `\\'fe`/`&#254;`/þ is a ticked box, `\\'a8`/`&#168;`/¨ an empty one, `\\u252`/`\\'fc`
  a tick; nothing typed before a statement (R5, D5) is not ticked.
- Images of the form: source `ocr`, flag `read_by_ocr` plus what the answers earn; the logo or
  signature referenced by Content-ID is not a form. Without OCR these would be
  `scanned_without_text`; the expected files assume OCR is on (the default `auto` with Tesseract
  installed).
- The CV, the job-application checklist and the report hold a "Full name", "Email",
  "Organisation", ticked boxes or IP addresses of their own, but not the registration form's
  labels and options: `no_form_found` (m34-m36); next to a real form (m37) they add no record.
- A `.docx` named `.doc` and sent as `application/msword` is read as DOCX (source `docx`, m02);
  an RTF labelled `application/msword` or `text/rtf` is RTF.
""".format(nforms=len(FORM_FILES), nmail=len(MAIL_FILES), tools=", ".join(tool_versions()),
           forms="\n".join(rows_forms), mails="\n".join(rows_mail))
    with open(os.path.join(ROOT, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(text)


def main():
    for d in (FORMS, MAIL, EXPECTED):
        if os.path.isdir(d):
            shutil.rmtree(d)
        os.makedirs(d)
    global OFFICE
    fx.require_tools("make_formats.py", "soffice", "qpdf", "pdftoppm")
    with tempfile.TemporaryDirectory(prefix="make_formats_") as tmp, fx.Office() as office:
        OFFICE = office
        build_forms(tmp)
        build_attachments(tmp)
        build_mails()
    write_readme()
    total = sum(os.path.getsize(os.path.join(dp, f)) for dp, _, fs in os.walk(ROOT) for f in fs)
    print("fixtures/formats: %d forms, %d mails, %.1f MB" % (len(FORM_FILES), len(MAIL_FILES),
                                                             total / 1e6))


if __name__ == "__main__":
    main()
