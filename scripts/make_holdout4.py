#!/usr/bin/env python3
"""Writes fixtures/holdout4/: a blind set of registration forms and mails in shapes the reader's
authors have not seen (typed-on PDFs as Acrobat Fill & Sign / Preview leave them, fillable PDFs
filled by pypdf, Word/RTF/Word 97 documents made by LibreOffice from this script's own layouts,
Outlook HTML mail with the form pasted as a table, replies and forwards quoting a form, free-worded
mail, two forms in one mail, a mail with no form).

In: the case table below (each applicant's answers as written, and by hand the values and flags a
careful reviewer records per SPEC v2). Out: forms/, mail/, expected/ under fixtures/holdout4/.
Run: python3 scripts/make_holdout4.py (needs soffice, qpdf, pdftotext, pypdf).
"""

from __future__ import annotations

import email.policy
import email.utils
import html
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, BooleanObject, DecodedStreamObject, DictionaryObject,
                           FloatObject, NameObject, NumberObject, TextStringObject)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixturelib as fl  # noqa: E402

SET = fl.FIXTURES / "holdout4"
FORMS = SET / "forms"
MAIL = SET / "mail"
EXPECTED = SET / "expected"
ZIP_TIME = (2026, 11, 9, 9, 30, 0)
WHEN_ISO = "2026-11-09T09:30:00"
WHEN_PDF = "20261109093000"
AEST = timezone(timedelta(hours=11))

# --------------------------------------------------------------------------------------------
# Case table. A(...) is what the applicant wrote; E(...) is the truth, written by hand.


def A(name, org, email, terms, service, ip, records, calls, guide):
    """service: "public", "partner", "both" or "none" (what is ticked)."""
    return dict(name=name, org=org, email=email, terms=terms, service=service, ip=ip,
                records=records, calls=calls, guide=guide)


def E(name, org, email, terms, service, ip, records, calls, guide, flags):
    return dict(fields=dict(full_name=name, organisation=org, contact_email=email,
                            terms_accepted=terms, service=service, ip_allowlist=ip,
                            expected_records_per_day=records, expected_api_calls_per_day=calls,
                            user_guide_agreed=guide), flags=flags)


CASES = {
    # ---- typed on a printed PDF (Fill & Sign / Preview FreeText annotations) ----
    "fillsign_table_anu": (
        A("Dr Mei-Ling Tan", "Australian National University", "Mei-Ling.Tan@anu.edu.au", True,
          "partner", "150.203.0.0/24", "~30k", "2,500-4,000", True),
        E("Dr Mei-Ling Tan", "Australian National University", "mei-ling.tan@anu.edu.au", "yes",
          "partner", "150.203.0.0/24", "30000", "4000", "yes", [])),
    "fillsign_table_flat_csiro": (
        A("Rohan Castellanos", "CSIRO Data61", "rohan.castellanos@data61.csiro.au", True,
          "partner", "2001:388:c000::/36", "250,000", "9,500", True),
        E("Rohan Castellanos", "CSIRO Data61", "rohan.castellanos@data61.csiro.au", "yes",
          "partner", "2001:388:c000::/36", "250000", "9500", "yes", ["ip_range_too_broad"])),
    "fillsign_official_unimelb": (
        A("Harriet O'Dwyer", "The University of Melbourne", "h.odwyer@unimelb.edu.au", True,
          "public", "", "12,000", "1,500", True),
        E("Harriet O'Dwyer", "The University of Melbourne", "h.odwyer@unimelb.edu.au", "yes",
          "public", "", "12000", "1500", "yes", ["exceeds_public_limit"])),
    "fillsign_official_flat_tfnsw": (
        A("Tomas Novak", "Transport for NSW", "tomas.novak@transport.nsw.gov.au", True,
          "partner", "10.20.30.0/24, 203.2.218.214", "5000", "5000", True),
        E("Tomas Novak", "Transport for NSW", "tomas.novak@transport.nsw.gov.au", "yes",
          "partner", "10.20.30.0/24; 203.2.218.214", "5000", "5000", "yes", ["non_public_ip"])),
    "fillsign_table_terms_unticked": (
        A("Aroha Whitfield", "Queensland Health", "AROHA.WHITFIELD@health.qld.gov.au", False,
          "public", "", "600", "450", True),
        E("Aroha Whitfield", "Queensland Health", "aroha.whitfield@health.qld.gov.au", "no",
          "public", "", "600", "450", "yes", ["terms_not_accepted"])),
    "fillsign_table_ipv6_range": (
        A("Noah Williams", "Australian Institute of Marine Science", "noah.williams@aims.gov.au",
          True, "partner", "2001:388:1:5062::10 - 2001:388:1:5062::1f", "2,500", "2,500", True),
        E("Noah Williams", "Australian Institute of Marine Science", "noah.williams@aims.gov.au",
          "yes", "partner", "2001:388:1:5062::10-2001:388:1:5062::1f", "2500", "2500", "yes", [])),
    # ---- fillable PDFs (fields added over the printed form, filled with pypdf) ----
    "fillable_generic_bom": (
        A("Benjamin Okafor", "Bureau of Meteorology", "b.okafor@bom.gov.au", True, "partner",
          "203.6.248.10 - 203.6.248.20", "1.5 million", "8000", True),
        E("Benjamin Okafor", "Bureau of Meteorology", "b.okafor@bom.gov.au", "yes", "partner",
          "203.6.248.10-203.6.248.20", "1500000", "8000", "yes", [])),
    "fillable_named_treasury_bad_email": (
        A("Kim Nguyen", "Department of the Treasury", "k.nguyen(at)treasury.gov.au", True,
          "public", "", "500", "200", True),
        E("Kim Nguyen", "Department of the Treasury", "", "yes", "public", "", "500", "200",
          "yes", ["invalid_contact_email"])),
    "fillable_named_monash_both": (
        A("Sione Taufa", "Monash University", "sione.taufa@monash.edu", True, "both",
          "130.194.10.0/24", "20,000", "15,000", True),
        E("Sione Taufa", "Monash University", "sione.taufa@monash.edu", "yes", "",
          "130.194.10.0/24", "20000", "15000", "yes", ["multiple_services_selected"])),
    "fillable_generic_deloitte": (
        A("Zoe Adams", "Deloitte Access Economics", "zoe.adams@deloitte.com.au", True, "partner",
          "52.62.10.20", "3,000", "", False),
        E("Zoe Adams", "Deloitte Access Economics", "zoe.adams@deloitte.com.au", "yes", "partner",
          "52.62.10.20", "3000", "", "no", ["missing_expected_calls", "user_guide_not_agreed"])),
    # ---- Word / RTF / Word 97 made by LibreOffice from this script's layouts ----
    "docx_table_xcells_deakin": (
        A("Georgia Pappas", "Deakin University", "georgia.pappas@deakin.edu.au", True, "partner",
          "128.184.20.0/24", "75,000", "6,000", True),
        E("Georgia Pappas", "Deakin University", "georgia.pappas@deakin.edu.au", "yes", "partner",
          "128.184.20.0/24", "75000", "6000", "yes", [])),
    "docx_glyphs_dhcp": (
        A("Liam Fitzgerald", "Fitzgerald Analytics Pty Ltd", "liam@fitzanalytics.com.au", True,
          "partner", "49.255.12.34 (DHCP from our ISP, may change)", "10000", "2000", True),
        E("Liam Fitzgerald", "Fitzgerald Analytics Pty Ltd", "liam@fitzanalytics.com.au", "yes",
          "partner", "49.255.12.34", "10000", "2000", "yes", ["dynamic_ip"])),
    "docx_official_missing_name": (
        A("", "Services Australia", "data.linkage@servicesaustralia.gov.au", True, "public", "",
          "about 900", "300", True),
        E("", "Services Australia", "data.linkage@servicesaustralia.gov.au", "yes", "public", "",
          "900", "300", "yes", ["missing_full_name"])),
    "docx_glyphs_neither_tbc": (
        A("Chen Wei", "University of Technology Sydney", "chen.wei@uts.edu.au", True, "none", "",
          "3,000", "TBC", True),
        E("Chen Wei", "University of Technology Sydney", "chen.wei@uts.edu.au", "yes", "", "",
          "3000", "", "yes", ["invalid_expected_calls", "service_not_selected"])),
    "docx_table_partner_no_ip": (
        A("Natasha Ivanova", "Australian Taxation Office", "natasha.ivanova@ato.gov.au", True,
          "partner", "", "2,000,000", "12,000", True),
        E("Natasha Ivanova", "Australian Taxation Office", "natasha.ivanova@ato.gov.au", "yes",
          "partner", "", "2000000", "12000", "yes",
          ["exceeds_partner_limit", "missing_ip_allowlist"])),
    "word97_table_adelaide": (
        A("Dr Ahmed Karimi", "University of Adelaide", "ahmed.karimi@adelaide.edu.au", True,
          "partner", "2001:388:1:5062::a, 129.127.5.20", "50k", "5k", True),
        E("Dr Ahmed Karimi", "University of Adelaide", "ahmed.karimi@adelaide.edu.au", "yes",
          "partner", "2001:388:1:5062::a; 129.127.5.20", "50000", "5000", "yes", [])),
    "rtf_glyphs_aihw_no_guide": (
        A("Jacqueline Moreau", "Australian Institute of Health and Welfare",
          "j.moreau@aihw.gov.au", True, "public", "", "2,500-4,000", "~800", False),
        E("Jacqueline Moreau", "Australian Institute of Health and Welfare",
          "j.moreau@aihw.gov.au", "yes", "public", "", "4000", "800", "no",
          ["user_guide_not_agreed"])),
    # ---- mails ----
    "outlook_html_pasted_table": (
        A("Oliver Bright", "Department of Finance", "oliver.bright@finance.gov.au", True,
          "partner", "203.4.100.0/23", "60,000", "3,000", True),
        E("Oliver Bright", "Department of Finance", "oliver.bright@finance.gov.au", "yes",
          "partner", "203.4.100.0/23", "60000", "3000", "yes", ["ip_range_too_broad"])),
    "outlook_html_x_cells_wsu": (
        A("Fatima Al-Sayed", "Western Sydney University", "F.Al-Sayed@westernsydney.edu.au", True,
          "public", "", "50 (peak 80)", "80", True),
        E("Fatima Al-Sayed", "Western Sydney University", "f.al-sayed@westernsydney.edu.au",
          "yes", "public", "", "80", "80", "yes", [])),
    "reply_corrected_form_on_top": (
        A("Sarah Lindqvist", "Charles Sturt University", "slindqvist@csu.edu.au", True, "partner",
          "137.166.4.0/24", "8,000", "8,000", True),
        E("Sarah Lindqvist", "Charles Sturt University", "slindqvist@csu.edu.au", "yes",
          "partner", "137.166.4.0/24", "8000", "8000", "yes", [])),
    "reply_quoted_form_only": (
        A("Ella Thompson", "NSW Department of Education", "ella.thompson@det.nsw.edu.au", True,
          "partner", "2001:388:6080::/48", "20,000", "2,000", True),
        E("Ella Thompson", "NSW Department of Education", "ella.thompson@det.nsw.edu.au", "yes",
          "partner", "2001:388:6080::/48", "20000", "2000", "yes", [])),
    "forward_inline_form_ga": (
        A("Raj Patel", "Geoscience Australia", "raj.patel@ga.gov.au", True, "partner",
          "172.16.5.0/24", "4,000", "1,000", True),
        E("Raj Patel", "Geoscience Australia", "raj.patel@ga.gov.au", "yes", "partner",
          "172.16.5.0/24", "4000", "1000", "yes", ["non_public_ip"])),
    "free_worded_health": (
        None,
        E("Dr Priya Raman", "Department of Health and Aged Care", "priya.raman@health.gov.au",
          "yes", "partner", "2001:388:1000:110::/64", "20000", "5000", "yes", [])),
    "free_worded_home_dynamic": (
        None,
        E("Jack Sullivan", "Sullivan Workforce Insights", "jack@sullivanwi.com.au", "yes",
          "partner", "121.44.87.10", "5000", "1000", "yes", ["dynamic_ip"])),
    "two_forms_daff_zhou": (
        A("Emily Zhou", "Australian Bureau of Agricultural and Resource Economics and Sciences",
          "emily.zhou@aff.gov.au", True, "partner", "164.97.246.0/24", "300,000", "9,000", True),
        E("Emily Zhou", "Australian Bureau of Agricultural and Resource Economics and Sciences",
          "emily.zhou@aff.gov.au", "yes", "partner", "164.97.246.0/24", "300000", "9000", "yes",
          [])),
    "two_forms_daff_bell": (
        A("Marcus Bell", "Australian Bureau of Agricultural and Resource Economics and Sciences",
          "marcus.bell@aff.gov.au", True, "public", "", "1,000", "1,200", True),
        E("Marcus Bell", "Australian Bureau of Agricultural and Resource Economics and Sciences",
          "marcus.bell@aff.gov.au", "yes", "public", "", "1000", "1200", "yes",
          ["calls_exceed_records", "exceeds_public_limit"])),
    "gmail_word97_vu_invalid_ip": (
        A("Nguyen Thi Lan", "Victoria University", "lan.nguyen@vu.edu.au", True, "partner",
          "our campus NAT address (will confirm)", "10,000", "500", True),
        E("Nguyen Thi Lan", "Victoria University", "lan.nguyen@vu.edu.au", "yes", "partner", "",
          "10000", "500", "yes", ["invalid_ip"])),
    "apple_rtf_aec_blanks": (
        A("Matthew O'Brien", "", "matthew.obrien@aec.gov.au", True, "public", "", "", "400",
          True),
        E("Matthew O'Brien", "", "matthew.obrien@aec.gov.au", "yes", "public", "", "", "400",
          "yes", ["missing_expected_records", "missing_organisation"])),
    "outlook_fillsign_flat_cgnat": (
        A("Isabella Rossi", "Rossi & Partners Consulting", "isabella@rossipartners.com.au", True,
          "partner", "100.72.14.9", "15,000", "11,000", True),
        E("Isabella Rossi", "Rossi & Partners Consulting", "isabella@rossipartners.com.au", "yes",
          "partner", "100.72.14.9", "15000", "11000", "yes",
          ["exceeds_partner_limit", "non_public_ip"])),
    "gmail_fillable_utas_wide": (
        A("Hamish McLeod", "University of Tasmania", "hamish.mcleod@utas.edu.au", True, "partner",
          "131.217.0.0/16", "1.2 million", "10,000", True),
        E("Hamish McLeod", "University of Tasmania", "hamish.mcleod@utas.edu.au", "yes",
          "partner", "131.217.0.0/16", "1200000", "10000", "yes", ["ip_range_too_broad"])),
}

# --------------------------------------------------------------------------------------------
# Layouts of the form (HTML for LibreOffice and for HTML mail; plain text for mail bodies).

CSS = ("body{font-family:'%s';font-size:10pt} h1{font-size:15pt} h2{font-size:12pt}")


def html_page(body: str, font: str = "DejaVu Sans") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{fl.TITLE}</title>'
            f"<style>{CSS % font}</style></head><body>{body}</body></html>")


def e(s: str) -> str:
    return html.escape(s, quote=False)


def layout_table_x(a: dict, blank_answers: bool = False) -> str:
    """Label cell / answer cell; each statement has its own box cell holding X or nothing."""
    def row(label, value):
        return f'<tr><td width="36%">{e(label)}</td><td>{e(value)}</td></tr>'

    def tick(on, text):
        return (f'<tr><td width="6%" align="center"><b>{"X" if on else ""}</b></td>'
                f"<td>{text}</td></tr>")
    t = '<table border="1" cellpadding="4" cellspacing="0" width="100%">'
    return (f"<h1>{fl.TITLE}</h1><h2>Your Details</h2>{t}"
            + row("Full name", a["name"]) + row("Organisation", a["org"])
            + row("Contact email", a["email"]) + "</table>"
            + f"<h2>Terms of Use</h2>{t}" + tick(a["terms"], e(fl.TERMS_TEXT)) + "</table>"
            + f"<h2>Service required</h2><p>Mark one service with an X.</p>{t}"
            + tick(a["service"] in ("public", "both"),
                   f"{e(fl.PUBLIC_TEXT)}<br><i>{e(fl.PUBLIC_HELP)}</i>")
            + tick(a["service"] in ("partner", "both"),
                   f"{e(fl.PARTNER_TEXT)}<br><i>{e(fl.PARTNER_HELP)}</i>") + "</table><p></p>"
            + t + row("Static IP address(es) for allowlisting", a["ip"]) + "</table>"
            + f"<h2>Your expected use</h2><p>{e(fl.USE_INTRO)}</p>{t}"
            + row("Records you expect to code", a["records"])
            + row("API calls (batch or single record requests) you expect to make", a["calls"])
            + f"</table><p>{e(fl.USE_NOTE)}</p>"
            + f"<h2>User Guide agreement</h2>{t}" + tick(a["guide"], e(fl.GUIDE_TEXT))
            + "</table>"
            + f"<h2>Provision of client credentials</h2><p>{e(fl.CREDENTIALS_TEXT)}</p>"
            + f"<p>{e(fl.SEND_TEXT)}</p>")


def layout_glyphs(a: dict, on: str = "\u2612", off: str = "\u2610") -> str:
    """Inline "Label: answer" lines; a tick glyph before each statement."""
    def box(v):
        return on if v else off
    return (f"<h1>{fl.TITLE}</h1><h2>Your Details</h2>"
            f"<p>Full name: {e(a['name'])}</p><p>Organisation: {e(a['org'])}</p>"
            f"<p>Contact email: {e(a['email'])}</p>"
            f"<h2>Terms of Use</h2><p>{box(a['terms'])} {e(fl.TERMS_TEXT)}</p>"
            f"<h2>Service required</h2>"
            f"<p>{box(a['service'] in ('public', 'both'))} {e(fl.PUBLIC_TEXT)}</p>"
            f"<p style='margin-left:1cm'>{e(fl.PUBLIC_HELP)}</p>"
            f"<p>{box(a['service'] in ('partner', 'both'))} {e(fl.PARTNER_TEXT)}</p>"
            f"<p style='margin-left:1cm'>{e(fl.PARTNER_HELP)}</p>"
            f"<p style='margin-left:1cm'>IP address(es): {e(a['ip'])}</p>"
            f"<h2>Your expected use</h2><p>{e(fl.USE_INTRO)}</p>"
            f"<ul><li>{e(fl.RECORDS_Q)} {e(a['records'])}</li>"
            f"<li>{e(fl.CALLS_Q)} {e(a['calls'])}</li></ul><p>{e(fl.USE_NOTE)}</p>"
            f"<h2>User Guide agreement</h2><p>{box(a['guide'])} {e(fl.GUIDE_TEXT)}</p>"
            f"<h2>Provision of client credentials</h2><p>{e(fl.CREDENTIALS_TEXT)}</p>"
            f"<p>{e(fl.SEND_TEXT)}</p>")


def bracket(v: str, width: int) -> str:
    return f"[ {v} ]" if v else "[ " + "_" * width + " ]"


def layout_official(a: dict, on: str = "\u2611", off: str = "\u2610",
                    printed_blank: bool = False) -> str:
    """The official form's own shape: each label on its line, the answer on the line below,
    bracketed blanks for the IP address and the two numbers. printed_blank: the empty form."""
    def box(v):
        return off if printed_blank else (on if v else off)

    def ans(v):
        return "&nbsp;" if printed_blank or not v else e(v)

    def br(v, w):
        return bracket("" if printed_blank else e(v), w)
    return (f"<h1>{fl.TITLE}</h1><h2>Your Details</h2>"
            f"<p style='margin-left:0.6cm'><b>Full name</b></p>"
            f"<p style='margin-left:0.6cm'>{ans(a['name'])}</p>"
            f"<p style='margin-left:0.6cm'><b>Organisation</b></p>"
            f"<p style='margin-left:0.6cm'>{ans(a['org'])}</p>"
            f"<p style='margin-left:0.6cm'><b>Contact email</b></p>"
            f"<p style='margin-left:0.6cm'>{ans(a['email'])}</p>"
            f"<h2>Terms of Use</h2><p>{box(a['terms'])} {e(fl.TERMS_TEXT)}</p>"
            f"<h2>Service required</h2>"
            f"<p>{box(a['service'] in ('public', 'both'))} {e(fl.PUBLIC_TEXT)}</p>"
            f"<p>{e(fl.PUBLIC_HELP)}</p>"
            f"<p>{box(a['service'] in ('partner', 'both'))} {e(fl.PARTNER_TEXT)}</p>"
            f"<p>{e(fl.PARTNER_HELP)}</p><p>{br(a['ip'], 40)}</p>"
            f"<h2>Your expected use</h2><p>{e(fl.USE_INTRO)}</p>"
            f"<p>\u00b7 {e(fl.RECORDS_Q)} {br(a['records'], 18)}</p>"
            f"<p>\u00b7 {e(fl.CALLS_Q)} {br(a['calls'], 14)}</p><p>{e(fl.USE_NOTE)}</p>"
            f"<h2>User Guide agreement</h2><p>{box(a['guide'])} {e(fl.GUIDE_TEXT)}</p>"
            f"<h2>Provision of client credentials</h2><p>{e(fl.CREDENTIALS_TEXT)}</p>"
            f"<p>{e(fl.SEND_TEXT)}</p>")


def layout_printed_table() -> str:
    """The blank form as an agency might publish it for printing: a Question / Your answer
    table with empty answer cells, and a box glyph before each statement."""
    t = '<table border="1" cellpadding="5" cellspacing="0" width="100%">'

    def row(label):
        return f'<tr><td width="38%">{e(label)}</td><td>&nbsp;</td></tr>'
    return (f"<h1>{fl.TITLE}</h1><h2>Your Details</h2>{t}"
            '<tr><td width="38%"><b>Question</b></td><td><b>Your answer</b></td></tr>'
            + row("Full name") + row("Organisation") + row("Contact email") + "</table>"
            + f"<h2>Terms of Use</h2><p>\u2610 {e(fl.TERMS_TEXT)}</p>"
            + f"<h2>Service required</h2><p>\u2610 {e(fl.PUBLIC_TEXT)}</p>"
            + f"<p>{e(fl.PUBLIC_HELP)}</p><p>\u2610 {e(fl.PARTNER_TEXT)}</p>"
            + f"<p>{e(fl.PARTNER_HELP)}</p>{t}" + row("Allowlist IP address(es)") + "</table>"
            + f"<h2>Your expected use</h2><p>{e(fl.USE_INTRO)}</p>{t}"
            + row("Peak records to code per day") + row("Peak API calls per day") + "</table>"
            + f"<p>{e(fl.USE_NOTE)}</p>"
            + f"<h2>User Guide agreement</h2><p>\u2610 {e(fl.GUIDE_TEXT)}</p>"
            + f"<h2>Provision of client credentials</h2><p>{e(fl.CREDENTIALS_TEXT)}</p>"
            + f"<p>{e(fl.SEND_TEXT)}</p>")


def text_form(a: dict, on: str = "[X]", off: str = "[ ]") -> str:
    """The form as a person types it into a plain-text mail."""
    def box(v):
        return on if v else off
    return "\n".join([
        fl.TITLE, "",
        "Your Details",
        f"Full name: {a['name']}",
        f"Organisation: {a['org']}",
        f"Contact email: {a['email']}", "",
        "Terms of Use",
        f"{box(a['terms'])} {fl.TERMS_TEXT}", "",
        "Service required",
        f"{box(a['service'] in ('public', 'both'))} {fl.PUBLIC_TEXT}",
        f"{box(a['service'] in ('partner', 'both'))} {fl.PARTNER_TEXT}",
        f"IP address(es) for allowlisting: {a['ip']}", "",
        "Your expected use",
        f"- {fl.RECORDS_Q} {a['records']}",
        f"- {fl.CALLS_Q} {a['calls']}", "",
        "User Guide agreement",
        f"{box(a['guide'])} {fl.GUIDE_TEXT}", ""])


# --------------------------------------------------------------------------------------------
# PDF annotation and form-field work (pypdf), positioned from pdftotext's word boxes.


def words(pdf: Path) -> tuple[float, list[tuple[str, float, float, float, float]]]:
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(pdf), "-"],
                         check=True, capture_output=True, text=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    ws = [(html.unescape(m.group(5)), float(m.group(1)), float(m.group(2)), float(m.group(3)),
           float(m.group(4)))
          for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                               r'yMax="([\d.]+)">([^<]*)</word>', out)]
    return height, ws


def find_seq(ws, seq: list[str], nth: int = 0):
    hits = [ws[i] for i in range(len(ws) - len(seq) + 1)
            if [w[0] for w in ws[i:i + len(seq)]] == seq]
    return hits[nth]


def stream(writer: PdfWriter, content: str, rect, fonts: dict) -> object:
    s = DecodedStreamObject()
    s.set_data(content.encode("latin-1"))
    s.update({NameObject("/Type"): NameObject("/XObject"),
              NameObject("/Subtype"): NameObject("/Form"),
              NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0),
                                                FloatObject(rect[2] - rect[0]),
                                                FloatObject(rect[3] - rect[1])])})
    if fonts:
        fd = DictionaryObject()
        for key, base in fonts.items():
            fd[NameObject(key)] = DictionaryObject({
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject(base),
                **({NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}
                   if base != "/ZapfDingbats" else {})})
        s[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fd})
    return writer._add_object(s)


def pdf_str(s: str) -> str:
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def free_text(writer: PdfWriter, page, rect, text: str, font: str = "/Helv",
              base: str = "/Helvetica", size: float = 10, intent: str = "/FreeTextTypewriter"):
    """A FreeText annotation with its own appearance stream, as Fill & Sign and Preview save
    typed text (no border, no fill)."""
    ap = stream(writer, f"/Tx BMC q BT {font} {size:g} Tf 0 0 0 rg 2 3 Td ({pdf_str(text)}) Tj "
                        "ET Q EMC", rect, {font: base})
    annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/FreeText"),
        NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
        NameObject("/Contents"): TextStringObject(text),
        NameObject("/DA"): TextStringObject(f"{font} {size:g} Tf 0 0 0 rg"),
        NameObject("/F"): NumberObject(4),
        NameObject("/IT"): NameObject(intent),
        NameObject("/BS"): DictionaryObject({NameObject("/W"): NumberObject(0)}),
        NameObject("/M"): TextStringObject(f"D:{WHEN_PDF}+11'00'"),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): ap}),
    })
    page.setdefault(NameObject("/Annots"), ArrayObject()).append(writer._add_object(annot))


def tick_annot(writer, page, box, height, style):
    """A tick typed over a printed box glyph: Zapf Dingbats check (style "check") or a
    Helvetica X (style "x")."""
    _, x0, y0, x1, y1 = box
    size = 11
    rect = [x0 - 1, height - y1, x0 + 12, height - y1 + 15]
    if style == "check":
        free_text(writer, page, rect, "4", "/ZaDb", "/ZapfDingbats", size)
    else:
        free_text(writer, page, rect, "X", "/Helv", "/Helvetica", size)


def fill_and_sign(blank: Path, layout: str, a: dict, style: str, out: Path) -> None:
    height, ws = words(blank)
    writer = PdfWriter(clone_from=str(blank))
    page = writer.pages[0]
    if layout == "table":
        col = find_seq(ws, ["Your", "answer"])[1] + 2

        def at_label(seq, value):
            w = find_seq(ws, seq)
            if value:
                free_text(writer, page, [col, height - w[4] - 1, col + 280, height - w[4] + 14],
                          value)
        at_label(["Full", "name"], a["name"])
        at_label(["Organisation"], a["org"])
        at_label(["Contact", "email"], a["email"])
        at_label(["Allowlist", "IP"], a["ip"])
        at_label(["Peak", "records"], a["records"])
        at_label(["Peak", "API"], a["calls"])
    else:  # official: the answer on the line below each label, inside the brackets
        def below(seq, value):
            w = find_seq(ws, seq)
            if value:
                top = height - w[4] - 16
                free_text(writer, page, [w[1] + 4, top - 1, w[1] + 320, top + 14], value)
        below(["Full", "name"], a["name"])
        below(["Organisation"], a["org"])
        below(["Contact", "email"], a["email"])
        opens = [w for w in ws if w[0] == "["]
        for w, value in zip(opens, (a["ip"], a["records"], a["calls"])):
            if value:
                free_text(writer, page, [w[3] + 3, height - w[4] - 1, w[3] + 260,
                                         height - w[4] + 14], value)
    boxes = [w for w in ws if w[0] == "\u2610"]
    marks = (a["terms"], a["service"] in ("public", "both"),
             a["service"] in ("partner", "both"), a["guide"])
    # The guide box may be on page 2: only page-1 boxes are handled here, so the printed form
    # is kept to one page (checked below).
    assert len(boxes) == 4, f"{blank}: {len(boxes)} boxes on page 1"
    for box, on in zip(boxes, marks):
        if on:
            tick_annot(writer, page, box, height, style)
    writer.write(str(out))


def fillable(blank: Path, names: dict, a: dict, out: Path) -> None:
    """Adds AcroForm fields over the printed blanks (as an agency's "prepare form" step does),
    saves that, then fills it with pypdf as an applicant's PDF tool would."""
    height, ws = words(blank)
    writer = PdfWriter(clone_from=str(blank))
    page = writer.pages[0]
    col = find_seq(ws, ["Your", "answer"])[1]
    fields = ArrayObject()

    def add(widget):
        ref = writer._add_object(widget)
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(ref)
        fields.append(ref)

    for key, seq in (("name", ["Full", "name"]), ("org", ["Organisation"]),
                     ("email", ["Contact", "email"]), ("ip", ["Allowlist", "IP"]),
                     ("records", ["Peak", "records"]), ("calls", ["Peak", "API"])):
        w = find_seq(ws, seq)
        rect = [col, height - w[4] - 2, col + 290, height - w[4] + 13]
        field = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Tx"), NameObject("/T"): TextStringObject(names[key][0]),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g"), NameObject("/F"): NumberObject(4),
            NameObject("/V"): TextStringObject("")})
        if names[key][1]:
            field[NameObject("/TU")] = TextStringObject(names[key][1])
        add(field)
    on_name = names["on"]
    boxes = [w for w in ws if w[0] == "\u2610"]
    assert len(boxes) == 4
    for key, box in zip(("terms", "public", "partner", "guide"), boxes):
        _, x0, y0, x1, y1 = box
        rect = [x0, height - y1 + 2, x0 + 11, height - y1 + 13]
        on_ap = stream(writer, "q BT /ZaDb 9 Tf 0 g 1.5 2 Td (4) Tj ET Q", rect,
                       {"/ZaDb": "/ZapfDingbats"})
        off_ap = stream(writer, "", rect, {})
        field = DictionaryObject({
            NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/FT"): NameObject("/Btn"), NameObject("/T"): TextStringObject(names[key][0]),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in rect]),
            NameObject("/F"): NumberObject(4), NameObject("/V"): NameObject("/Off"),
            NameObject("/AS"): NameObject("/Off"),
            NameObject("/MK"): DictionaryObject({NameObject("/CA"): TextStringObject("4")}),
            NameObject("/DA"): TextStringObject("/ZaDb 0 Tf 0 g"),
            NameObject("/AP"): DictionaryObject({NameObject("/N"): DictionaryObject({
                NameObject(on_name): on_ap, NameObject("/Off"): off_ap})})})
        if names[key][1]:
            field[NameObject("/TU")] = TextStringObject(names[key][1])
        add(field)
    helv = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
    zadb = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/ZapfDingbats")}))
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): fields, NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): DictionaryObject({
            NameObject("/Helv"): helv, NameObject("/ZaDb"): zadb})})})
    staged = out.with_suffix(".blank.pdf")
    writer.write(str(staged))

    # The applicant fills it in.
    filler = PdfWriter(clone_from=str(staged))
    staged.unlink()
    values = {names[k][0]: a[k] for k in ("name", "org", "email", "ip", "records", "calls")}
    filler.update_page_form_field_values(filler.pages[0], values, auto_regenerate=False)
    ticks = {names["terms"][0]: a["terms"],
             names["public"][0]: a["service"] in ("public", "both"),
             names["partner"][0]: a["service"] in ("partner", "both"),
             names["guide"][0]: a["guide"]}
    for ref in filler.pages[0]["/Annots"]:
        annot = ref.get_object()
        t = annot.get("/T")
        if t in ticks:
            state = NameObject(on_name if ticks[t] else "/Off")
            annot[NameObject("/V")] = state
            annot[NameObject("/AS")] = state
    filler._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
    filler.write(str(out))


GENERIC_NAMES = {"name": ("Text1", "Full name"), "org": ("Text2", "Organisation"),
                 "email": ("Text3", "Contact email"), "ip": ("Text4", "IP address"),
                 "records": ("Text5", "Records per day"), "calls": ("Text6", "API calls per day"),
                 "terms": ("Check Box1", ""), "public": ("Check Box2", ""),
                 "partner": ("Check Box3", ""), "guide": ("Check Box4", ""), "on": "/Yes"}
NAMED_NAMES = {"name": ("applicant_full_name", "Your full name"),
               "org": ("applicant_organisation", "Agency or organisation"),
               "email": ("applicant_email", "Contact email address"),
               "ip": ("allowlist_ip", "Static IP address or range"),
               "records": ("peak_records", "Records to code per day (peak)"),
               "calls": ("peak_api_calls", "API calls per day (peak)"),
               "terms": ("agree_terms", "I agree to the Terms of Use"),
               "public": ("service_public", "Public coding service"),
               "partner": ("service_partner", "Partner coding service"),
               "guide": ("agree_user_guide", "I agree to follow the User Guide"), "on": "/On"}

# --------------------------------------------------------------------------------------------
# Building.


def pin_rtf(path: Path) -> None:
    data = path.read_bytes()
    data = re.sub(rb"\\(creatim|revtim|printim)(\\yr\d+\\mo\d+\\dy\d+\\hr\d+\\min\d+)",
                  rb"\\\1\\yr2026\\mo11\\dy9\\hr9\\min30", data)
    path.write_bytes(data)


def office_files(office, tmp: Path, docs: dict[str, str], target: str, ext: str) -> dict:
    """docs: stem -> HTML; converts all in one soffice start; returns stem -> bytes."""
    src = tmp / f"src-{ext}"
    src.mkdir(exist_ok=True)
    paths = []
    for stem, body in docs.items():
        p = src / f"{stem}.html"
        p.write_text(body, encoding="utf-8")
        paths.append(p)
    outs = office.convert(paths, target, tmp / f"out-{ext}", infilter="HTML (StarWriter)")
    result = {}
    for p, out in zip(paths, outs):
        if ext == "docx":
            fl.pin_package(out, ZIP_TIME, WHEN_ISO)
        elif ext == "pdf":
            fl.pin_pdf(out, WHEN_PDF, fl.pdf_id_for(out.name), renumber=True)
        elif ext == "rtf":
            pin_rtf(out)
        result[p.stem] = out.read_bytes()
    return result


def finish_pdf(path: Path, flatten: bool = False) -> None:
    staged = path.with_name(path.name + ".tmp")
    if flatten:
        fl.qpdf("--flatten-annotations=all", "--deterministic-id", path, staged)
    else:
        fl.qpdf("--deterministic-id", path, staged)
    staged.replace(path)
    fl.pin_pdf(path, WHEN_PDF, fl.pdf_id_for(path.name))


def plain_mail(sender, subject, date, mid, text, extra=()) -> EmailMessage:
    msg = fl.new_mail(sender, subject, email.utils.format_datetime(date), mid, extra=extra)
    msg.set_content(text, cte="quoted-printable" if not text.isascii() else "7bit")
    return msg


def write_mail(name: str, msg: EmailMessage) -> None:
    fl.pin_boundaries(msg, "----=_Part_{n}_" + str(abs(hash_of(name)))[:10])
    (MAIL / name).write_bytes(msg.as_bytes(policy=email.policy.SMTP))


def hash_of(s: str) -> int:
    import hashlib
    return int(hashlib.sha256(s.encode()).hexdigest()[:12], 16)


def when(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, 0, tzinfo=AEST)


def main() -> None:
    fl.require_tools("make_holdout4.py", "soffice", "qpdf", "pdftotext")
    for d in (FORMS, MAIL, EXPECTED):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    tmp = Path(tempfile.mkdtemp(prefix="holdout4-"))
    expected: dict[str, list[dict]] = {}

    def rec(file_name, attachment, source, case):
        exp = CASES[case][1]
        expected.setdefault(file_name, []).append(
            fl.record(attachment, source, exp["flags"], exp["fields"]))

    ans = {k: v[0] for k, v in CASES.items()}
    try:
        with fl.Office() as office:
            # Blank printed forms, and the filled Word / RTF / Word 97 documents.
            blank_a = ans["fillsign_table_anu"]
            pdfs = office_files(office, tmp, {
                "blank_table": html_page(layout_printed_table()),
                "blank_official": html_page(layout_official(blank_a, printed_blank=True),
                                            "DejaVu Serif"),
            }, "pdf:writer_pdf_Export", "pdf")
            docx = office_files(office, tmp, {
                "docx_table_xcells_deakin": html_page(layout_table_x(
                    ans["docx_table_xcells_deakin"])),
                "docx_glyphs_dhcp": html_page(layout_glyphs(ans["docx_glyphs_dhcp"]),
                                              "DejaVu Serif"),
                "docx_official_missing_name": html_page(layout_official(
                    ans["docx_official_missing_name"], on="\u2714")),
                "docx_glyphs_neither_tbc": html_page(layout_glyphs(
                    ans["docx_glyphs_neither_tbc"], on="\u2611")),
                "docx_table_partner_no_ip": html_page(layout_table_x(
                    ans["docx_table_partner_no_ip"]), "DejaVu Serif"),
                "two_forms_daff_zhou": html_page(layout_glyphs(ans["two_forms_daff_zhou"])),
            }, "docx:MS Word 2007 XML", "docx")
            doc = office_files(office, tmp, {
                "word97_table_adelaide": html_page(layout_table_x(
                    ans["word97_table_adelaide"])),
                "gmail_word97_vu_invalid_ip": html_page(layout_official(
                    ans["gmail_word97_vu_invalid_ip"], on="\u2612"), "DejaVu Serif"),
            }, "doc:MS Word 97", "doc")
            rtf = office_files(office, tmp, {
                "rtf_glyphs_aihw_no_guide": html_page(layout_glyphs(
                    ans["rtf_glyphs_aihw_no_guide"])),
                "apple_rtf_aec_blanks": html_page(layout_table_x(ans["apple_rtf_aec_blanks"])),
            }, "rtf:Rich Text Format", "rtf")
        for kind, blob in pdfs.items():
            (tmp / f"{kind}.pdf").write_bytes(blob)
        blank_table, blank_official = tmp / "blank_table.pdf", tmp / "blank_official.pdf"

        # ---- forms/ ----
        def fs(case, layout, style, flatten, out: Path):
            fill_and_sign(blank_table if layout == "table" else blank_official, layout,
                          ans[case], style, out)
            finish_pdf(out, flatten)

        for case, layout, style, flatten in (
                ("fillsign_table_anu", "table", "check", False),
                ("fillsign_table_flat_csiro", "table", "x", True),
                ("fillsign_official_unimelb", "official", "check", False),
                ("fillsign_official_flat_tfnsw", "official", "x", True),
                ("fillsign_table_terms_unticked", "table", "check", False),
                ("fillsign_table_ipv6_range", "table", "x", False)):
            fs(case, layout, style, flatten, FORMS / f"{case}.pdf")
            rec(f"{case}.pdf", f"{case}.pdf", "pdf-text", case)
        for case, names in (("fillable_generic_bom", GENERIC_NAMES),
                            ("fillable_named_treasury_bad_email", NAMED_NAMES),
                            ("fillable_named_monash_both", NAMED_NAMES),
                            ("fillable_generic_deloitte", GENERIC_NAMES)):
            out = FORMS / f"{case}.pdf"
            fillable(blank_table, names, ans[case], out)
            finish_pdf(out)
            rec(out.name, out.name, "pdf-form", case)
        for case in ("docx_table_xcells_deakin", "docx_glyphs_dhcp", "docx_official_missing_name",
                     "docx_glyphs_neither_tbc", "docx_table_partner_no_ip"):
            (FORMS / f"{case}.docx").write_bytes(docx[case])
            rec(f"{case}.docx", f"{case}.docx", "docx", case)
        (FORMS / "word97_table_adelaide.doc").write_bytes(doc["word97_table_adelaide"])
        rec("word97_table_adelaide.doc", "word97_table_adelaide.doc", "doc",
            "word97_table_adelaide")
        (FORMS / "rtf_glyphs_aihw_no_guide.rtf").write_bytes(rtf["rtf_glyphs_aihw_no_guide"])
        rec("rtf_glyphs_aihw_no_guide.rtf", "rtf_glyphs_aihw_no_guide.rtf", "rtf",
            "rtf_glyphs_aihw_no_guide")

        # ---- mail/ ----
        # Outlook HTML mail, the form pasted from Word as a table (☒/☐ in the HTML; the text
        # alternative is what Outlook derives: one cell a line).
        a = ans["outlook_html_pasted_table"]
        msg = fl.new_mail("Oliver Bright <oliver.bright@finance.gov.au>",
                          "Occupation Coding Service registration - Finance",
                          email.utils.format_datetime(when(10, 9, 14)),
                          "<ME3P282MB1742A1B2C3D4E5F6@ME3P282MB1742.AUSP282.PROD.OUTLOOK.COM>",
                          extra=[("Thread-Topic", "Occupation Coding Service registration"),
                                 ("Content-Language", "en-AU")])
        cells = [("Full name", a["name"]), ("Organisation", a["org"]),
                 ("Contact email", a["email"])]
        box = {True: "\u2612", False: "\u2610"}
        stmt = [(box[a["terms"]], fl.TERMS_TEXT),
                (box[a["service"] == "public"], fl.PUBLIC_TEXT),
                (box[a["service"] == "partner"], fl.PARTNER_TEXT)]
        text = ("Hi team,\n\nPlease find our registration below.\n\n" + fl.TITLE + "\n\n"
                + "\n".join(f"{k}\n{v}\n" for k, v in cells)
                + "\n".join(f"{b} {s}\n" for b, s in stmt)
                + f"IP address(es) for allowlisting\n{a['ip']}\n\n"
                + f"{fl.RECORDS_Q}\n{a['records']}\n\n{fl.CALLS_Q}\n{a['calls']}\n\n"
                + f"{box[a['guide']]} {fl.GUIDE_TEXT}\n\nRegards,\nOliver Bright\n"
                "Data Analytics Branch | Department of Finance\n")
        td = 'style="border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt"'
        rows = "".join(f'<tr><td {td}><p class="MsoNormal"><b>{e(k)}</b></p></td>'
                       f'<td {td}><p class="MsoNormal">{e(v)}</p></td></tr>' for k, v in cells)
        rows += "".join(f'<tr><td {td}><p class="MsoNormal">{b}</p></td>'
                        f'<td {td}><p class="MsoNormal">{e(s)}</p></td></tr>' for b, s in stmt)
        rows += (f'<tr><td {td}><p class="MsoNormal"><b>IP address(es) for allowlisting</b></p>'
                 f'</td><td {td}><p class="MsoNormal">{e(a["ip"])}</p></td></tr>'
                 f'<tr><td {td}><p class="MsoNormal"><b>{e(fl.RECORDS_Q)}</b></p></td>'
                 f'<td {td}><p class="MsoNormal">{e(a["records"])}</p></td></tr>'
                 f'<tr><td {td}><p class="MsoNormal"><b>{e(fl.CALLS_Q)}</b></p></td>'
                 f'<td {td}><p class="MsoNormal">{e(a["calls"])}</p></td></tr>'
                 f'<tr><td {td}><p class="MsoNormal">{box[a["guide"]]}</p></td>'
                 f'<td {td}><p class="MsoNormal">{e(fl.GUIDE_TEXT)}</p></td></tr>')
        msg.set_content(text, cte="quoted-printable")
        msg.add_alternative(
            '<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style>'
            'p.MsoNormal{margin:0cm;font-size:11.0pt;font-family:"Aptos",sans-serif}</style>'
            '</head><body lang="EN-AU"><div class="WordSection1">'
            '<p class="MsoNormal">Hi team,</p><p class="MsoNormal">&nbsp;</p>'
            '<p class="MsoNormal">Please find our registration below.</p>'
            f'<p class="MsoNormal"><b>{e(fl.TITLE)}</b></p>'
            '<table class="MsoTableGrid" border="1" cellspacing="0" cellpadding="0" '
            f'style="border-collapse:collapse;border:none">{rows}</table>'
            '<p class="MsoNormal">&nbsp;</p><p class="MsoNormal">Regards,<br>Oliver Bright<br>'
            'Data Analytics Branch | Department of Finance</p></div></body></html>\n',
            subtype="html", cte="quoted-printable")
        write_mail("outlook_html_pasted_table.eml", msg)
        rec("outlook_html_pasted_table.eml", "", "body", "outlook_html_pasted_table")

        # Outlook HTML with the form as a table whose tick cells hold X (HTML only mail).
        a = ans["outlook_html_x_cells_wsu"]
        msg = fl.new_mail("\"Al-Sayed, Fatima\" <F.Al-Sayed@westernsydney.edu.au>",
                          "Registration form - Public coding service",
                          email.utils.format_datetime(when(11, 16, 2)),
                          "<SY5P282MB4471C0FFEE12@SY5P282MB4471.AUSP282.PROD.OUTLOOK.COM>")
        body = html_page("<p>Good afternoon,</p><p>Our completed registration is pasted below."
                         "</p>" + layout_table_x(a) + "<p>Kind regards,<br>Fatima</p>",
                         "Calibri")
        msg.set_content(body, subtype="html", cte="quoted-printable")
        write_mail("outlook_html_x_cells_wsu.eml", msg)
        rec("outlook_html_x_cells_wsu.eml", "", "body", "outlook_html_x_cells_wsu")

        # A reply with a corrected form typed above the quoted older one.
        a = ans["reply_corrected_form_on_top"]
        old = dict(a, ip="192.168.0.10", calls="12000")
        quoted = "\n".join(("> " + line).rstrip() for line in text_form(old).split("\n"))
        body = ("Hello,\n\nSorry - our network team corrected the IP address and the call "
                "estimate. Updated form:\n\n" + text_form(a) + "\nThanks,\nSarah\n\n"
                "On Tue, 10 Nov 2026 at 14:05, Sarah Lindqvist <slindqvist@csu.edu.au> wrote:\n"
                + quoted + "\n")
        msg = plain_mail("Sarah Lindqvist <slindqvist@csu.edu.au>",
                         "Re: Occupation Coding Service registration",
                         when(12, 8, 41), "<d41c7a@mail.csu.edu.au>", body,
                         extra=[("In-Reply-To", "<a93f10@mail.csu.edu.au>"),
                                ("References", "<a93f10@mail.csu.edu.au>")])
        write_mail("reply_corrected_form_on_top.eml", msg)
        rec("reply_corrected_form_on_top.eml", "", "body", "reply_corrected_form_on_top")

        # A reply whose top part has no form: the quoted form is the registration.
        a = ans["reply_quoted_form_only"]
        quoted = "\n".join(("> " + line).rstrip() for line in
                           ("Hi,\n\nMy registration:\n\n" + text_form(a, "(x)", "( )")
                            + "\nElla").split("\n"))
        body = ("Hi again,\n\nJust checking this came through - the details below are still "
                "current.\n\nElla Thompson\nNSW Department of Education\n\n"
                "On Mon, 9 Nov 2026 at 11:20 am, Ella Thompson "
                "<ella.thompson@det.nsw.edu.au> wrote:\n" + quoted + "\n")
        msg = plain_mail("Ella Thompson <ella.thompson@det.nsw.edu.au>",
                         "Re: Registration - Occupation Coding Service", when(16, 10, 5),
                         "<CAEt9d1x2k@mail.gmail.com>", body,
                         extra=[("In-Reply-To", "<CAEt9a0q7z@mail.gmail.com>")])
        write_mail("reply_quoted_form_only.eml", msg)
        rec("reply_quoted_form_only.eml", "", "body", "reply_quoted_form_only")

        # A forward: a colleague sends on a form written in another person's mail.
        a = ans["forward_inline_form_ga"]
        body = ("FYI - forwarding Raj's registration as he is travelling this week.\n\n"
                "Cheers,\nDeb\n\n---------- Forwarded message ---------\n"
                "From: Raj Patel <raj.patel@ga.gov.au>\nDate: Tue, 10 Nov 2026 at 15:40\n"
                "Subject: Coding service form\nTo: Deborah Hale <deborah.hale@ga.gov.au>\n\n"
                "Deb, can you send this on for me?\n\n" + text_form(a, "\u2714", "\u2610")
                + "\nRaj\n")
        msg = plain_mail("Deborah Hale <deborah.hale@ga.gov.au>",
                         "Fwd: Coding service form", when(11, 9, 2),
                         "<CAF0wd7Hs2@mail.gmail.com>", body)
        write_mail("forward_inline_form_ga.eml", msg)
        rec("forward_inline_form_ga.eml", "", "body", "forward_inline_form_ga")

        # Free-worded mails.
        body = ("Dear Coding Service team,\n\n"
                "My name is Dr Priya Raman and I work in the Department of Health and Aged Care "
                "(data and analytics division). We would like to register for the Partner "
                "coding service.\n\nOur static IP range for the allowlist is "
                "2001:388:1000:110::/64. We expect to code approx. 20k records a day at peak "
                "and to make about 5,000 API calls a day.\n\nI accept the Terms of Use, and I "
                "agree to read and follow the User Guide. Please use "
                "priya.raman@health.gov.au as the contact email.\n\nMany thanks,\nPriya\n")
        msg = plain_mail("Priya Raman <Priya.Raman@health.gov.au>",
                         "Partner coding service access", when(12, 13, 30),
                         "<2026111213300.PR@health.gov.au>", body)
        write_mail("free_worded_health.eml", msg)
        rec("free_worded_health.eml", "", "body", "free_worded_health")

        body = ("Hi,\n\nI'm Jack Sullivan, a consultant at Sullivan Workforce Insights. I'd "
                "like to sign up for the partner coding service. I'll be calling the API from "
                "my home connection - the IP is 121.44.87.10 today, though it changes every "
                "now and then.\n\nVolumes: maybe 3-5k records a day, and no more than 1,000 API "
                "calls.\n\nI agree to the terms of use and will follow the user guide. You can "
                "reach me at jack@sullivanwi.com.au.\n\nJack\n")
        msg = plain_mail("jack@sullivanwi.com.au", "sign up - coding service",
                         when(13, 21, 47), "<5f2e9b1c@sullivanwi.com.au>", body)
        write_mail("free_worded_home_dynamic.eml", msg)
        rec("free_worded_home_dynamic.eml", "", "body", "free_worded_home_dynamic")

        # Two forms attached to one Outlook mail: a DOCX and a typed-on PDF.
        bell_pdf = tmp / "bell.pdf"
        fs("two_forms_daff_bell", "table", "check", False, bell_pdf)
        msg = fl.client_mail(
            "outlook", "Emily Zhou <emily.zhou@aff.gov.au>",
            "Registrations for two ABARES staff", when(13, 11, 15),
            "Hello,\n\nPlease find attached registration forms for myself and my colleague "
            "Marcus.\n\nThanks,\nEmily Zhou\nABARES\n",
            [("Registration - Emily Zhou.docx", docx["two_forms_daff_zhou"]),
             ("Registration - Marcus Bell.pdf", bell_pdf.read_bytes())], "holdout4-two-forms")
        (MAIL / "two_forms_attached.eml").write_bytes(msg.as_bytes(policy=email.policy.SMTP))
        rec("two_forms_attached.eml", "Registration - Emily Zhou.docx", "docx",
            "two_forms_daff_zhou")
        rec("two_forms_attached.eml", "Registration - Marcus Bell.pdf", "pdf-text",
            "two_forms_daff_bell")

        # No form at all.
        msg = plain_mail("Ben Carter <ben.carter@dewr.gov.au>",
                         "Question about occupation coding", when(16, 15, 12),
                         "<ab12cd34@dewr.gov.au>",
                         "Hi,\n\nWe are looking at coding about 40,000 job ads a month to "
                         "ANZSCO. Is the Partner service the right fit, and where do I find the "
                         "registration form?\n\nRegards,\nBen Carter\nDepartment of Employment "
                         "and Workplace Relations\n")
        write_mail("no_form_question.eml", msg)
        expected["no_form_question.eml"] = [fl.record("", "none", ["no_form_found"], {
            k: "" for k in fl.FIELD_ORDER})]

        # Gmail with a Word 97 .doc.
        msg = fl.client_mail("gmail", "Lan Nguyen <lan.nguyen@vu.edu.au>",
                             "ABS coding service registration", when(17, 9, 58),
                             "Hi,\n\nAttached is my completed form.\n\nLan\n",
                             [("OCS_registration_VU.doc", doc["gmail_word97_vu_invalid_ip"])],
                             "holdout4-gmail-doc")
        (MAIL / "gmail_word97_vu_invalid_ip.eml").write_bytes(
            msg.as_bytes(policy=email.policy.SMTP))
        rec("gmail_word97_vu_invalid_ip.eml", "OCS_registration_VU.doc", "doc",
            "gmail_word97_vu_invalid_ip")

        # Apple Mail with an RTF.
        msg = fl.client_mail("apple", "Matthew O'Brien <matthew.obrien@aec.gov.au>",
                             "Coding Service form", when(17, 14, 20),
                             "Hello,\n\nForm attached.\n\n\nMatt\n",
                             [("Coding service form.rtf", rtf["apple_rtf_aec_blanks"])],
                             "holdout4-apple-rtf")
        (MAIL / "apple_rtf_aec_blanks.eml").write_bytes(msg.as_bytes(policy=email.policy.SMTP))
        rec("apple_rtf_aec_blanks.eml", "Coding service form.rtf", "rtf",
            "apple_rtf_aec_blanks")

        # Outlook with a flattened typed-on PDF.
        flat = tmp / "rossi.pdf"
        fs("outlook_fillsign_flat_cgnat", "official", "check", True, flat)
        msg = fl.client_mail("outlook", "Isabella Rossi <isabella@rossipartners.com.au>",
                             "ABS Occupation Coding Service - registration", when(18, 8, 5),
                             "Good morning,\n\nPlease see my signed registration attached.\n\n"
                             "Isabella Rossi\nDirector, Rossi & Partners Consulting\n",
                             [("OCS Registration Form - signed.pdf", flat.read_bytes())],
                             "holdout4-outlook-flat")
        (MAIL / "outlook_fillsign_flat_cgnat.eml").write_bytes(
            msg.as_bytes(policy=email.policy.SMTP))
        rec("outlook_fillsign_flat_cgnat.eml", "OCS Registration Form - signed.pdf", "pdf-text",
            "outlook_fillsign_flat_cgnat")

        # Gmail with a fillable PDF.
        filled = tmp / "utas.pdf"
        fillable(blank_table, GENERIC_NAMES, ans["gmail_fillable_utas_wide"], filled)
        finish_pdf(filled)
        msg = fl.client_mail("gmail", "Hamish McLeod <hamish.mcleod@utas.edu.au>",
                             "Partner service registration - UTAS", when(18, 16, 44),
                             "Hi there,\n\nFilled-in form attached.\n\nCheers,\nHamish\n",
                             [("registration-form-filled.pdf", filled.read_bytes())],
                             "holdout4-gmail-fillable")
        (MAIL / "gmail_fillable_utas_wide.eml").write_bytes(
            msg.as_bytes(policy=email.policy.SMTP))
        rec("gmail_fillable_utas_wide.eml", "registration-form-filled.pdf", "pdf-form",
            "gmail_fillable_utas_wide")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    for name, records in sorted(expected.items()):
        fl.write_expected(EXPECTED, name, records)
    files = sorted(p.name for p in list(FORMS.iterdir()) + list(MAIL.iterdir()))
    missing = set(files) ^ set(expected)
    if missing:
        raise SystemExit(f"files and expected out of step: {sorted(missing)}")
    total = fl.folder_size_report(SET, 150_000)
    print(f"holdout4: {len(files)} files, {total} bytes")


if __name__ == "__main__":
    main()
