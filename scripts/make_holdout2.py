#!/usr/bin/env python3
"""Builds fixtures/holdout2: a third independent set of registration forms and mails.

Forms flow in as a hand-written case table (the truth); out come form documents
(reportlab AcroForm PDFs filled with pypdf, qpdf-flattened PDFs, raw Word 2016+
WordprocessingML DOCX, LibreOffice ODT/DOCX/PDF), .eml mails, and expected/*.json.
The expected JSON is written from the case table only, never from regintake output.

Needs: soffice, qpdf on PATH; python packages reportlab, pypdf, pillow.
Run from the repository root:  python3 scripts/make_holdout2.py
"""

import html
import io
import os
import shutil
import tempfile
from email import policy
from email.message import EmailMessage

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject

import fixturelib as fx
from fixturelib import (CALLS_Q, CREDENTIALS_TEXT, GUIDE_TEXT, PARTNER_HELP, PARTNER_TEXT,
                        PRIVACY_TEXT, PUBLIC_HELP, PUBLIC_TEXT, RECORDS_Q, SEND_TEXT, TERMS_TEXT,
                        USE_INTRO)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "holdout2")
FORMS = os.path.join(ROOT, "forms")
MAIL = os.path.join(ROOT, "mail")
EXPECTED = os.path.join(ROOT, "expected")

# --------------------------------------------------------------------------------------------
# The case table. `raw` is what the applicant typed/ticked; `truth` is the hand-written expected
# record (fields the reader must produce) and `flags` the hand-written flag codes.
# service in raw: "public" | "partner" | "both" | "" ; terms/guide: bool.
# --------------------------------------------------------------------------------------------

def case(name, kind, raw, truth, flags, note, source=None, **opts):
    return dict(name=name, kind=kind, raw=raw, truth=truth, flags=sorted(flags), note=note,
                source=source, opts=opts)


def raw(name, org, email, terms, service, ip, records, calls, guide):
    return dict(name=name, org=org, email=email, terms=terms, service=service, ip=ip,
                records=records, calls=calls, guide=guide)


def truth(name, org, email, terms, service, ip, records, calls, guide):
    return dict(full_name=name, organisation=org, contact_email=email,
                terms_accepted="yes" if terms else "no", service=service, ip_allowlist=ip,
                expected_records_per_day=records, expected_api_calls_per_day=calls,
                user_guide_agreed="yes" if guide else "no")


CASES = [
    # ---- reportlab AcroForm, filled with pypdf -------------------------------------------------
    case("f01_acroform_radio_descriptive.pdf", "acro",
         raw("Dr Mei-Ling  Tan", "Department of Health and Aged Care", "Mei-Ling.Tan@health.gov.au",
             True, "public", "", "1,000", "800", True),
         truth("Dr Mei-Ling Tan", "Department of Health and Aged Care", "mei-ling.tan@health.gov.au",
               True, "public", "", "1000", "800", True),
         [], "clean; descriptive names, radio ServiceType Public/Partner, check on-state /Yes, tooltips",
         source="pdf-form", names="descriptive", radio=("ServiceType", "Public", "Partner"),
         on="Yes", tooltips=True),
    case("f02_acroform_radio_choice.pdf", "acro",
         raw("Aaron Whitehouse", "Queensland Treasury", "aaron.whitehouse@treasury.qld.gov.au",
             True, "partner", "152.98.40.0/24, 152.98.41.17", "50,000", "9,500", True),
         truth("Aaron Whitehouse", "Queensland Treasury", "aaron.whitehouse@treasury.qld.gov.au",
               True, "partner", "152.98.40.0/24; 152.98.41.17", "50000", "9500", True),
         [], "clean partner; radio group export values Choice1/Choice2, on-state /On",
         source="pdf-form", names="descriptive", radio=("Group1", "Choice1", "Choice2"), on="On"),
    case("f03_acroform_meaningless_names.pdf", "acro",
         raw("Priya Raman", "Monash University", "priya.raman@monash.edu",
             True, "public", "", "5,000", "1,500", True),
         truth("Priya Raman", "Monash University", "priya.raman@monash.edu",
               True, "public", "", "5000", "1500", True),
         ["exceeds_public_limit"], "Text1..Text6 + Check Box1..4, no tooltips, on-state /1; public over 1,000 calls",
         source="pdf-form", names="meaningless", radio=None, on="1"),
    case("f04_acroform_ja_dynamic.pdf", "acro",
         raw("Lukas Brenner", "Brenner Analytics Pty Ltd", "lukas@brenneranalytics.com.au",
             True, "partner", "49.180.22.7 (home connection - dynamic)", "20000", "4000", True),
         truth("Lukas Brenner", "Brenner Analytics Pty Ltd", "lukas@brenneranalytics.com.au",
               True, "partner", "49.180.22.7", "20000", "4000", True),
         ["dynamic_ip"], "on-state /Ja; applicant says the address is a dynamic home connection",
         source="pdf-form", names="descriptive", radio=("ServiceType", "Public", "Partner"), on="Ja"),
    case("f05_acroform_partly_empty.pdf", "acro",
         raw("Sarah O'Connell", "", "s.oconnell@dss.gov.au",
             True, "partner", "", "", "2000", False),
         truth("Sarah O'Connell", "", "s.oconnell@dss.gov.au",
               True, "partner", "", "", "2000", False),
         ["missing_ip_allowlist", "missing_organisation", "missing_expected_records",
          "user_guide_not_agreed"],
         "left partly empty: organisation, IP, records blank, guide unticked",
         source="pdf-form", names="descriptive", radio=("ServiceType", "Public", "Partner"), on="Yes"),
    case("f06_acroform_flattened.pdf", "acro",
         raw("Tom Nguyen", "Australian Taxation Office", "tom.nguyen@ato.gov.au",
             True, "public", "", "2500", "600", True),
         truth("Tom Nguyen", "Australian Taxation Office", "tom.nguyen@ato.gov.au",
               True, "public", "", "2500", "600", True),
         [], "clean; filled then flattened with qpdf --flatten-annotations=all --generate-appearances",
         source="pdf-text", names="descriptive", radio=("ServiceType", "Public", "Partner"), on="Yes",
         flatten=True),
    case("f07_acroform_flattened_meaningless.pdf", "acro",
         raw("Hannah Kowalski", "City of Ballarat", "hkowalski@ballarat.vic.gov.au",
             True, "public", "", "200", "900", True),
         truth("Hannah Kowalski", "City of Ballarat", "hkowalski@ballarat.vic.gov.au",
               True, "public", "", "200", "900", True),
         ["calls_exceed_records"], "meaningless names, flattened; calls 900 > records 200",
         source="pdf-text", names="meaningless", radio=None, on="Yes", flatten=True),
    case("f08_acroform_bad_email.pdf", "acro",
         raw("James Nguyen", "CSIRO Data61", "james.nguyen(at)csiro.au",
             True, "public", "", "100", "100", True),
         truth("James Nguyen", "CSIRO Data61", "",
               True, "public", "", "100", "100", True),
         ["invalid_contact_email"], "email written with (at)",
         source="pdf-form", names="descriptive", radio=("ServiceType", "Public", "Partner"), on="On"),
    case("f09_acroform_number_shapes.pdf", "acro",
         raw("Rebecca Liu", "Transport for NSW", "rebecca.liu@transport.nsw.gov.au",
             True, "partner", "203.35.135.0/24", "5000+", "10k-20k", True),
         truth("Rebecca Liu", "Transport for NSW", "rebecca.liu@transport.nsw.gov.au",
               True, "partner", "203.35.135.0/24", "5000", "20000", True),
         ["exceeds_partner_limit", "calls_exceed_records"],
         "records '5000+', calls '10k-20k' (peak 20000): over partner limit and over records",
         source="pdf-form", names="descriptive", radio=("ServiceType", "Public", "Partner"), on="Yes"),
    case("f10_libreoffice_fillable.pdf", "lo_fillable",
         raw("Grace Papadopoulos", "Victorian Department of Education", "grace.papadopoulos@education.vic.gov.au",
             True, "partner", "147.41.128.0/24", "100000", "8000", True),
         truth("Grace Papadopoulos", "Victorian Department of Education",
               "grace.papadopoulos@education.vic.gov.au",
               True, "partner", "147.41.128.0/24", "100000", "8000", True),
         [], "clean partner; LibreOffice fillable PDF (HTML form controls exported), filled with pypdf",
         source="pdf-form"),
    case("f25_acroform_ip_words.pdf", "acro",
         raw("Michael Osei", "Northern Territory Police", "michael.osei@pfes.nt.gov.au",
             True, "partner", "our office gateway - address to be confirmed by IT", "30000", "6000", True),
         truth("Michael Osei", "Northern Territory Police", "michael.osei@pfes.nt.gov.au",
               True, "partner", "", "30000", "6000", True),
         ["invalid_ip"], "IP answer is words with no address",
         source="pdf-form", names="meaningless", radio=None, on="Yes"),
    # ---- raw WordprocessingML (Word 2016+) -----------------------------------------------------
    case("f11_word_content_controls.docx", "word_cc",
         raw("Ms Olivia Bennett", "Services Australia", "Olivia.Bennett@servicesaustralia.gov.au",
             True, "partner", "164.97.246.10-164.97.246.20", "250,000", "10,000", True),
         truth("Ms Olivia Bennett", "Services Australia", "olivia.bennett@servicesaustralia.gov.au",
               True, "partner", "164.97.246.10-164.97.246.20", "250000", "10000", True),
         [], "clean partner; content controls in table cells, drop-down service, w14 check boxes",
         source="docx"),
    case("f12_word_cc_placeholder_ip.docx", "word_cc",
         raw("Daniel Fraser", "Australian Institute of Health and Welfare", "daniel.fraser@aihw.gov.au",
             True, "partner", "", "40,000", "3,000", True),
         truth("Daniel Fraser", "Australian Institute of Health and Welfare", "daniel.fraser@aihw.gov.au",
               True, "partner", "", "40000", "3000", True),
         ["missing_ip_allowlist"], "IP control still shows 'Click or tap here to enter text.'",
         source="docx"),
    case("f13_word_cc_terms_unticked.docx", "word_cc",
         raw("Chloe Anderson", "Tasmanian Audit Office", "chloe.anderson@audit.tas.gov.au",
             False, "public", "", "≈ 3,000", "500", True),
         truth("Chloe Anderson", "Tasmanian Audit Office", "chloe.anderson@audit.tas.gov.au",
               False, "public", "", "3000", "500", True),
         ["terms_not_accepted"], "terms check box ☐ (w14:checked 0); records '≈ 3,000'",
         source="docx"),
    case("f16_word_cc_no_service.docx", "word_cc",
         raw("Wei Zhang", "University of Adelaide", "wei.zhang@adelaide.edu.au",
             True, "", "", "800", "400", True),
         truth("Wei Zhang", "University of Adelaide", "wei.zhang@adelaide.edu.au",
               True, "", "", "800", "400", True),
         ["service_not_selected"], "drop-down still shows 'Choose an item.'",
         source="docx"),
    case("f14_word_legacy_fields.docx", "word_legacy",
         raw("Andrew McKenzie", "Bureau of Meteorology", "andrew.mckenzie@bom.gov.au",
             True, "public", "", "1,500", "900", True),
         truth("Andrew McKenzie", "Bureau of Meteorology", "andrew.mckenzie@bom.gov.au",
               True, "public", "", "1500", "900", True),
         [], "clean; legacy FORMTEXT/FORMCHECKBOX in a table; ticks via w:default 1 with no w:checked, "
             "unticked partner box via w:default 1 + w:checked 0",
         source="docx"),
    case("f15_word_legacy_both_services.docx", "word_legacy",
         raw("Fatima Haddad", "Western Sydney Local Health District", "fatima.haddad@health.nsw.gov.au",
             True, "both", "", "7,500", "5,000", True),
         truth("Fatima Haddad", "Western Sydney Local Health District", "fatima.haddad@health.nsw.gov.au",
               True, "", "", "7500", "5000", True),
         ["multiple_services_selected"], "both service boxes ticked (no limit flag then)",
         source="docx"),
    # ---- LibreOffice from HTML / FODT ----------------------------------------------------------
    case("f17_lo_right_column.docx", "lo_html",
         raw("Benjamin Clarke", "Department of Agriculture, Fisheries and Forestry",
             "benjamin.clarke@aff.gov.au", True, "public", "", "400", "50 (peak 80)", True),
         truth("Benjamin Clarke", "Department of Agriculture, Fisheries and Forestry",
               "benjamin.clarke@aff.gov.au", True, "public", "", "400", "80", True),
         [], "clean; answers right-aligned in a second column; calls '50 (peak 80)'",
         source="docx", layout="right", fmt="docx"),
    case("f18_lo_colon_labels.odt", "lo_html",
         raw("Isabella Romano", "South Australian Health and Medical Research Institute",
             "isabella.romano@sahmri.com", True, "partner",
             "129.127.10.5\n129.127.10.6\n129.127.10.7", "between 1,000 and 2,000", "1500", True),
         truth("Isabella Romano", "South Australian Health and Medical Research Institute",
               "isabella.romano@sahmri.com", True, "partner",
               "129.127.10.5; 129.127.10.6; 129.127.10.7", "2000", "1500", True),
         [], "clean partner; 'Label:' column then answer; three IPs on three lines in one cell",
         source="docx", layout="colon", fmt="odt"),
    case("f19_lo_narrow_wrap.pdf", "lo_html",
         raw("Nathan Edwards",
             "Commonwealth Scientific and Industrial Research Organisation - Agriculture and Food Business Unit",
             "nathan.edwards@csiro.au", True, "public", "", "900", "700", True),
         truth("Nathan Edwards",
               "Commonwealth Scientific and Industrial Research Organisation - Agriculture and Food Business Unit",
               "nathan.edwards@csiro.au", True, "public", "", "900", "700", True),
         [], "clean; long organisation wraps in a narrow answer column, printed to PDF",
         source="pdf-text", layout="narrow", fmt="pdf"),
    case("f20_lo_checkbox_left.pdf", "lo_html",
         raw("Emily Tran", "Australian Electoral Commission", "emily.tran@aec.gov.au",
             True, "public", "", "1,000", "1,000", False),
         truth("Emily Tran", "Australian Electoral Commission", "emily.tran@aec.gov.au",
               True, "public", "", "1000", "1000", False),
         ["user_guide_not_agreed"], "☒/☐ column left of each statement; guide box empty",
         source="pdf-text", layout="checkleft", fmt="pdf"),
    case("f21_lo_private_wide.odt", "lo_fodt",
         raw("Samuel Okafor", "Department of Defence", "samuel.okafor@defence.gov.au",
             True, "partner", "10.0.0.0/8", "60,000", "9,000", True),
         truth("Samuel Okafor", "Department of Defence", "samuel.okafor@defence.gov.au",
               True, "partner", "10.0.0.0/8", "60000", "9000", True),
         ["non_public_ip", "ip_range_too_broad"], "FODT-made ODT; private /8 block",
         source="docx", fmt="odt"),
    case("f22_lo_three_ips_private.pdf", "lo_html",
         raw("Jessica Murphy", "Australian Bureau of Agricultural and Resource Economics",
             "jessica.murphy@abares.gov.au", True, "partner",
             "150.203.7.10\n192.168.1.20\n150.203.7.12", "12,000", "2,500", True),
         truth("Jessica Murphy", "Australian Bureau of Agricultural and Resource Economics",
               "jessica.murphy@abares.gov.au", True, "partner",
               "150.203.7.10; 192.168.1.20; 150.203.7.12", "12000", "2500", True),
         ["non_public_ip"], "three IPs on three lines in one cell, one is 192.168.x; printed PDF",
         source="pdf-text", layout="colon", fmt="pdf"),
    case("f23_lo_records_tbc.docx", "lo_html",
         raw("Liam O'Brien", "Jobs and Skills Australia", "liam.obrien@jsa.gov.au",
             True, "public", "", "TBC", "300", True),
         truth("Liam O'Brien", "Jobs and Skills Australia", "liam.obrien@jsa.gov.au",
               True, "public", "", "", "300", True),
         ["invalid_expected_records"], "records answer 'TBC'; checkbox-left layout as DOCX",
         source="docx", layout="checkleft", fmt="docx"),
    case("f24_lo_range_too_broad.odt", "lo_fodt",
         raw("Sophie Williams", "Geoscience Australia", "sophie.williams@ga.gov.au",
             True, "partner", "131.236.0.0/16", "80,000", "7,000", True),
         truth("Sophie Williams", "Geoscience Australia", "sophie.williams@ga.gov.au",
               True, "partner", "131.236.0.0/16", "80000", "7000", True),
         ["ip_range_too_broad"], "FODT-made ODT; /16 wider than the /24 minimum",
         source="docx", fmt="odt"),
]


# --------------------------------------------------------------------------------------------
# reportlab AcroForm PDFs
# --------------------------------------------------------------------------------------------

DESCRIPTIVE = dict(name="ApplicantName", org="org_name", email="email_addr", ip="ip_allowlist",
                   records="records_per_day", calls="api_calls_per_day", terms="agree_terms",
                   guide="agree_guide", public="svc_public", partner="svc_partner")
MEANINGLESS = dict(name="Text1", org="Text2", email="Text3", ip="Text4", records="Text5",
                   calls="Text6", terms="Check Box1", public="Check Box2", partner="Check Box3",
                   guide="Check Box4")
TOOLTIPS = dict(name="Full name", org="Organisation", email="Contact email",
                ip="Static agency IP address or range", records="Records per day",
                calls="API calls per day", terms="I agree to the Terms of Use",
                guide="I agree to the User Guide")


def build_acro_blank(path, names, radio, tooltips):
    from reportlab.lib.utils import simpleSplit
    c = canvas.Canvas(path, pagesize=A4, invariant=1)
    c.setTitle("Occupation Coding Service Registration Form")
    c.setAuthor("Australian Bureau of Statistics")
    form = c.acroForm
    width, height = A4
    left = 56
    y = height - 60

    def tip(key):
        return TOOLTIPS.get(key) if tooltips else None

    def para(text, x, y, size=9.5, w=width - 56 - 56, font="Helvetica"):
        lines = simpleSplit(text, font, size, w)
        c.setFont(font, size)
        for line in lines:
            c.drawString(x, y, line)
            y -= size + 3
        return y

    def heading(text, y):
        c.setFont("Helvetica-Bold", 12)
        c.drawString(left, y, text)
        return y - 18

    c.setFont("Helvetica-Bold", 15)
    c.drawString(left, y, "Occupation Coding Service Registration Form")
    y -= 30
    y = heading("Your Details", y)
    for key, label in (("name", "Full name"), ("org", "Organisation"), ("email", "Contact email")):
        c.setFont("Helvetica", 10)
        c.drawString(left + 8, y, label)
        form.textfield(name=names[key], tooltip=tip(key), x=left + 120, y=y - 6, width=360, height=20,
                       borderWidth=1, fontSize=10, fontName="Helvetica", maxlen=200)
        y -= 30
    y -= 6
    y = heading("Terms of Use", y)
    form.checkbox(name=names["terms"], tooltip=tip("terms"), x=left + 4, y=y - 10, size=13,
                  buttonStyle="check", borderWidth=1)
    y = para(TERMS_TEXT, left + 26, y, w=width - left - 26 - 56) - 10
    y = heading("Service required", y)
    if radio:
        group, pub_val, par_val = radio
        form.radio(name=group, value=pub_val, selected=False, x=left + 4, y=y - 10, size=13,
                   buttonStyle="circle", borderWidth=1,
                   tooltip="Service required" if tooltips else None)
    else:
        form.checkbox(name=names["public"], x=left + 4, y=y - 10, size=13, buttonStyle="check",
                      borderWidth=1)
    y = para(PUBLIC_TEXT, left + 26, y, w=width - left - 26 - 56)
    y = para(PUBLIC_HELP, left + 26, y, size=8.5, w=width - left - 26 - 56) - 8
    if radio:
        form.radio(name=group, value=par_val, selected=False, x=left + 4, y=y - 10, size=13,
                   buttonStyle="circle", borderWidth=1,
                   tooltip="Service required" if tooltips else None)
    else:
        form.checkbox(name=names["partner"], x=left + 4, y=y - 10, size=13, buttonStyle="check",
                      borderWidth=1)
    y = para(PARTNER_TEXT, left + 26, y, w=width - left - 26 - 56)
    y = para(PARTNER_HELP, left + 26, y, size=8.5, w=width - left - 26 - 56) - 4
    form.textfield(name=names["ip"], tooltip=tip("ip"), x=left + 26, y=y - 18, width=430, height=22,
                   borderWidth=1, fontSize=9, fontName="Helvetica", maxlen=300)
    y -= 40
    y = heading("Your expected use", y)
    y = para(USE_INTRO, left + 8, y) - 4
    for key, label in (("records", RECORDS_Q), ("calls", CALLS_Q)):
        c.setFont("Helvetica", 9.5)
        c.drawString(left + 12, y, "- " + label)
        form.textfield(name=names[key], tooltip=tip(key), x=left + 330, y=y - 6, width=130, height=20,
                       borderWidth=1, fontSize=10, fontName="Helvetica", maxlen=60)
        y -= 28
    y = para("Your expected use will inform the ABS expectation of your fair use, as defined in the "
             "Terms of Use.", left + 8, y, size=8.5) - 8
    y = heading("User Guide agreement", y)
    form.checkbox(name=names["guide"], tooltip=tip("guide"), x=left + 4, y=y - 10, size=13,
                  buttonStyle="check", borderWidth=1)
    y = para(GUIDE_TEXT, left + 26, y, w=width - left - 26 - 56) - 10
    y = heading("Provision of client credentials", y)
    y = para(CREDENTIALS_TEXT, left + 8, y, size=8.5) - 6
    y = para(SEND_TEXT, left + 8, y, size=9) - 10
    y = para(PRIVACY_TEXT, left + 8, y, size=7.5)
    c.showPage()
    c.save()


def restyle_buttons(writer, on):
    """Give check boxes and radio buttons Acrobat-style appearances (a ZapfDingbats check "4" or
    bullet "l" drawn as text, so a flattened copy still carries the mark as text) and rename the
    on-state (reportlab always writes /Yes) to mimic other authoring tools."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, ArrayObject, FloatObject
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/ZapfDingbats")}))

    def appearance(size, glyph):
        stream = DecodedStreamObject()
        box = "q 0.5 0.5 %g %g re 0.1 0.1 0.1 RG 1 w s Q\n" % (size - 1, size - 1)
        mark = "q BT 0.1 0.1 0.1 rg /ZaDb %g Tf %g %g Td (%s) Tj ET Q\n" % (
            size * 0.8, size * 0.15, size * 0.22, glyph) if glyph else ""
        stream.set_data((box + mark).encode("latin-1"))
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject([FloatObject(0), FloatObject(0), FloatObject(size),
                                                   FloatObject(size)])
        stream[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/ZaDb"): font})})
        return writer._add_object(stream)

    for page in writer.pages:
        for annot_ref in page.get("/Annots", []):
            annot = annot_ref.get_object()
            is_radio = "/Parent" in annot and annot["/Parent"].get_object().get("/FT") == "/Btn"
            if annot.get("/FT") != "/Btn" and not is_radio:
                continue
            ap = annot.get("/AP")
            if ap is None:
                continue
            rect = [float(v) for v in annot["/Rect"]]
            size = rect[2] - rect[0]
            glyph = "l" if is_radio else "4"
            annot[NameObject("/MK")] = DictionaryObject({NameObject("/CA"): TextStringObject(glyph)})
            annot[NameObject("/DA")] = TextStringObject("/ZaDb 0 Tf 0.1 0.1 0.1 rg")
            for state_key in ("/N", "/D"):
                states = ap.get(state_key)
                if states is None:
                    continue
                states = states.get_object()
                for key in list(states.keys()):
                    if key == "/Off":
                        states[NameObject("/Off")] = appearance(size, "")
                        continue
                    target = key
                    if not is_radio and key == "/Yes" and on != "Yes":
                        del states[key]
                        target = "/" + on
                    states[NameObject(target)] = appearance(size, glyph)


def fill_acro(blank, out, c, names, radio, on):
    r = c["raw"]
    reader = PdfReader(blank)
    writer = PdfWriter(clone_from=reader)
    restyle_buttons(writer, on)
    text_values = {names["name"]: r["name"], names["org"]: r["org"], names["email"]: r["email"],
                   names["ip"]: r["ip"], names["records"]: r["records"], names["calls"]: r["calls"]}
    text_values = {k: v for k, v in text_values.items() if v}
    writer.update_page_form_field_values(writer.pages[0], text_values, auto_regenerate=False)
    ticks = {names["terms"]: r["terms"], names["guide"]: r["guide"]}
    if not radio:
        ticks[names["public"]] = r["service"] in ("public", "both")
        ticks[names["partner"]] = r["service"] in ("partner", "both")
    radio_choice = None
    if radio:
        radio_choice = {"public": radio[1], "partner": radio[2]}.get(r["service"])
    for annot_ref in writer.pages[0].get("/Annots", []):
        annot = annot_ref.get_object()
        parent = annot.get("/Parent")
        if parent is not None:
            parent = parent.get_object()
            if radio and parent.get("/T") == radio[0]:
                states = [k for k in annot["/AP"]["/N"].keys() if k != "/Off"]
                mine = states[0][1:]
                annot[NameObject("/AS")] = NameObject("/" + mine if mine == radio_choice else "/Off")
                if radio_choice:
                    parent[NameObject("/V")] = NameObject("/" + radio_choice)
            continue
        name = annot.get("/T")
        if name in ticks:
            state = NameObject("/" + on if ticks[name] else "/Off")
            annot[NameObject("/V")] = state
            annot[NameObject("/AS")] = state
    writer.set_need_appearances_writer(True)
    writer.add_metadata({"/Producer": "pypdf"})
    with open(out, "wb") as fh:
        writer.write(fh)


def make_acro(c, tmp):
    o = c["opts"]
    names = DESCRIPTIVE if o["names"] == "descriptive" else MEANINGLESS
    blank = os.path.join(tmp, "blank_" + c["name"])
    build_acro_blank(blank, names, o.get("radio"), o.get("tooltips", False))
    out = os.path.join(FORMS, c["name"])
    if o.get("flatten"):
        filled = os.path.join(tmp, "filled_" + c["name"])
        fill_acro(blank, filled, c, names, o.get("radio"), o["on"])
        fx.qpdf("--deterministic-id", "--flatten-annotations=all", "--generate-appearances",
                filled, out)
    else:
        fill_acro(blank, out, c, names, o.get("radio"), o["on"])



# --------------------------------------------------------------------------------------------
# Word 2016+ style DOCX, written as raw WordprocessingML
# --------------------------------------------------------------------------------------------

W_NS = ('xmlns:wpc="http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math" '
        'xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:w10="urn:schemas-microsoft-com:office:word" '
        'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
        'xmlns:w16se="http://schemas.microsoft.com/office/word/2015/wordml/symex" '
        'xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml" '
        'mc:Ignorable="w14 w15 w16se wp14"')

_sdt_id = [-1854013400]


def next_id():
    _sdt_id[0] += 7919
    return _sdt_id[0]


def x(text):
    return html.escape(text, quote=False)


def run(text, bold=False, size=None):
    props = ""
    if bold or size:
        props = "<w:rPr>" + ("<w:b/><w:bCs/>" if bold else "") + (
            '<w:sz w:val="%d"/><w:szCs w:val="%d"/>' % (size, size) if size else "") + "</w:rPr>"
    return '<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>' % (props, x(text))


def para(inner, style=None, rsid="00A81F3C"):
    ppr = '<w:pPr><w:pStyle w:val="%s"/></w:pPr>' % style if style else ""
    return '<w:p w14:paraId="%08X" w14:textId="77777777" w:rsidR="%s" w:rsidRDefault="%s">%s%s</w:p>' % (
        abs(next_id()) % 0x7FFFFFFF, rsid, rsid, ppr, inner)


def sdt_text(value, alias=None):
    placeholder = not value
    shown = "Click or tap here to enter text." if placeholder else value
    pr = "<w:sdtPr>" + ('<w:alias w:val="%s"/><w:tag w:val="%s"/>' % (alias, alias) if alias else "") + \
        '<w:id w:val="%d"/>' % next_id() + \
        '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013440"/></w:placeholder>' + \
        ("<w:showingPlcHdr/>" if placeholder else "") + "<w:text/></w:sdtPr>"
    rpr = '<w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>' if placeholder else ""
    lines = shown.split("\n")
    body = ""
    for i, line in enumerate(lines):
        if i:
            body += "<w:br/>"
        body += '<w:t xml:space="preserve">%s</w:t>' % x(line)
    return "%s<w:sdtContent><w:r>%s%s</w:r></w:sdtContent>" % (pr, rpr, body)


def sdt_block_text(value, alias=None):
    return "<w:sdt>" + sdt_text(value, alias) + "</w:sdt>"


def sdt_checkbox(checked):
    return ('<w:sdt><w:sdtPr><w:id w:val="%d"/><w14:checkbox><w14:checked w14:val="%d"/>'
            '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
            '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr>'
            '<w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:eastAsia="MS Gothic" '
            'w:hAnsi="MS Gothic" w:hint="eastAsia"/></w:rPr><w:t>%s</w:t></w:r></w:sdtContent></w:sdt>'
            % (next_id(), 1 if checked else 0, "\u2612" if checked else "\u2610"))


def sdt_dropdown(service):
    shown = {"public": "Public coding service", "partner": "Partner coding service"}.get(service)
    placeholder = shown is None
    items = ('<w:listItem w:value="Choose an item."/>'
             '<w:listItem w:displayText="Public coding service" w:value="Public coding service"/>'
             '<w:listItem w:displayText="Partner coding service" w:value="Partner coding service"/>')
    pr = ('<w:sdtPr><w:alias w:val="Service required"/><w:tag w:val="Service"/><w:id w:val="%d"/>'
          '<w:placeholder><w:docPart w:val="DefaultPlaceholder_-1854013438"/></w:placeholder>%s'
          '<w:dropDownList>%s</w:dropDownList></w:sdtPr>' % (next_id(), "<w:showingPlcHdr/>" if placeholder else "", items))
    rpr = '<w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr>' if placeholder else ""
    return '<w:sdt>%s<w:sdtContent><w:r>%s<w:t>%s</w:t></w:r></w:sdtContent></w:sdt>' % (
        pr, rpr, x(shown or "Choose an item."))


def cell(inner_paras, width):
    return ('<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>%s</w:tc>' % (width, inner_paras))


def row(*cells):
    return '<w:tr w:rsidR="00A81F3C" w14:paraId="%08X" w14:textId="77777777">%s</w:tr>' % (
        abs(next_id()) % 0x7FFFFFFF, "".join(cells))


def table(rows, widths):
    grid = "".join('<w:gridCol w:w="%d"/>' % w for w in widths)
    return ('<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" '
            'w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>%s</w:tblGrid>%s</w:tbl>' % (grid, "".join(rows)))


def legacy_text(name, value):
    res = ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="%s"/><w:enabled/>'
           '<w:calcOnExit w:val="0"/><w:textInput/></w:ffData></w:fldChar></w:r>'
           '<w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r>'
           '<w:r><w:fldChar w:fldCharType="separate"/></w:r>' % name)
    if value:
        for i, line in enumerate(value.split("\n")):
            res += ("<w:r><w:br/></w:r>" if i else "") + '<w:r><w:rPr><w:noProof/></w:rPr><w:t xml:space="preserve">%s</w:t></w:r>' % x(line)
    else:
        res += '<w:r><w:rPr><w:noProof/></w:rPr><w:t>\u2002\u2002\u2002\u2002\u2002</w:t></w:r>'
    return res + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'


def legacy_check(name, checked, style):
    """style: 'default' -> ticked by w:default 1 with no w:checked; 'override_off' -> w:default 1 and
    w:checked 0; 'explicit' -> w:default 0 and w:checked (on) / w:checked w:val=0 (off)."""
    if style == "default":
        inner = '<w:default w:val="%d"/>' % (1 if checked else 0)
    elif style == "override_off":
        inner = '<w:default w:val="1"/><w:checked w:val="0"/>'
    else:
        inner = '<w:default w:val="0"/>' + ("<w:checked/>" if checked else '<w:checked w:val="0"/>')
    return ('<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="%s"/><w:enabled/>'
            '<w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>%s</w:checkBox></w:ffData></w:fldChar></w:r>'
            '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>' % (name, inner))


def word_body_cc(r):
    wl, wr = 3000, 6026
    details = table([
        row(cell(para(run("Full name")), wl), cell(para(sdt_text(r["name"], "Full name").join(("<w:sdt>", "</w:sdt>"))), wr)),
        row(cell(para(run("Organisation")), wl), cell(para("<w:sdt>" + sdt_text(r["org"], "Organisation") + "</w:sdt>"), wr)),
        row(cell(para(run("Contact email")), wl), cell(para("<w:sdt>" + sdt_text(r["email"], "Contact email") + "</w:sdt>"), wr)),
    ], [wl, wr])
    body = para(run("Occupation Coding Service Registration Form", bold=True, size=32), "Title")
    body += para(run("Your Details"), "Heading1") + details + para("")
    body += para(run("Terms of Use"), "Heading1")
    body += table([row(cell(para(sdt_checkbox(r["terms"])), 600), cell(para(run(TERMS_TEXT)), 8426))], [600, 8426])
    body += para(run("Service required"), "Heading1")
    body += para(run(PUBLIC_TEXT)) + para(run(PUBLIC_HELP))
    body += para(run(PARTNER_TEXT)) + para(run(PARTNER_HELP))
    body += table([
        row(cell(para(run("Service required")), wl), cell(para(sdt_dropdown(r["service"])), wr)),
        row(cell(para(run("Static agency IP address(es)")), wl), cell(para("<w:sdt>" + sdt_text(r["ip"], "IP addresses") + "</w:sdt>"), wr)),
    ], [wl, wr])
    body += para(run("Your expected use"), "Heading1") + para(run(USE_INTRO))
    body += table([
        row(cell(para(run("Records you expect to code")), 6000), cell(para("<w:sdt>" + sdt_text(r["records"]) + "</w:sdt>"), 3026)),
        row(cell(para(run("API calls (batch or single record requests) you expect to make")), 6000),
            cell(para("<w:sdt>" + sdt_text(r["calls"]) + "</w:sdt>"), 3026)),
    ], [6000, 3026])
    body += para(run("Your expected use will inform the ABS expectation of your fair use, as defined in the Terms of Use."))
    body += para(run("User Guide agreement"), "Heading1")
    body += table([row(cell(para(sdt_checkbox(r["guide"])), 600), cell(para(run(GUIDE_TEXT)), 8426))], [600, 8426])
    body += para(run("Provision of client credentials"), "Heading1") + para(run(CREDENTIALS_TEXT)) + para(run(SEND_TEXT))
    body += para(run(PRIVACY_TEXT))
    return body


def word_body_legacy(r, both_style):
    wl, wr = 3400, 5626
    svc = r["service"]
    pub_on = svc in ("public", "both")
    par_on = svc in ("partner", "both")
    body = para(run("Occupation Coding Service Registration Form", bold=True, size=32), "Title")
    rows = [
        row(cell(para(run("Full name")), wl), cell(para(legacy_text("Text1", r["name"])), wr)),
        row(cell(para(run("Organisation")), wl), cell(para(legacy_text("Text2", r["org"])), wr)),
        row(cell(para(run("Contact email")), wl), cell(para(legacy_text("Text3", r["email"])), wr)),
        row(cell(para(legacy_check("Check1", r["terms"], "default")), wl),
            cell(para(run("Terms of Use: " + TERMS_TEXT)), wr)),
        row(cell(para(legacy_check("Check2", pub_on, "default" if pub_on else "explicit")), wl),
            cell(para(run(PUBLIC_TEXT)) + para(run(PUBLIC_HELP)), wr)),
        row(cell(para(legacy_check("Check3", par_on, "explicit" if par_on else "override_off")), wl),
            cell(para(run(PARTNER_TEXT)) + para(run(PARTNER_HELP)), wr)),
        row(cell(para(run("IP address or range for allowlisting")), wl), cell(para(legacy_text("Text4", r["ip"])), wr)),
        row(cell(para(run("Records you expect to code (per day, peak)")), wl), cell(para(legacy_text("Text5", r["records"])), wr)),
        row(cell(para(run("API calls you expect to make (per day, peak)")), wl), cell(para(legacy_text("Text6", r["calls"])), wr)),
        row(cell(para(legacy_check("Check4", r["guide"], "explicit")), wl),
            cell(para(run("User Guide agreement: " + GUIDE_TEXT)), wr)),
    ]
    body += table(rows, [wl, wr])
    body += para(run("Provision of client credentials"), "Heading1") + para(run(CREDENTIALS_TEXT)) + para(run(SEND_TEXT))
    body += para(run(PRIVACY_TEXT))
    return body


FIXED_ZIP_TIME = (2026, 3, 2, 9, 30, 0)


def make_word(c):
    r = c["raw"]
    body = word_body_cc(r) if c["kind"] == "word_cc" else word_body_legacy(r, None)
    doc = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:document %s><w:body>%s'
           '<w:sectPr w:rsidR="00A81F3C"><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" '
           'w:right="1440" w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/>'
           '<w:cols w:space="708"/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>' % (W_NS, body))
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
          '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
          '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
          '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
          '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
          '</Types>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            '</Relationships>')
    doc_rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
                '</Relationships>')
    styles = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:styles %s>'
              '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/></w:style>'
              '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:qFormat/>'
              '<w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style>'
              '<w:style w:type="character" w:styleId="PlaceholderText"><w:name w:val="Placeholder Text"/>'
              '<w:semiHidden/><w:rPr><w:color w:val="808080"/></w:rPr></w:style>'
              '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
              '</w:styles>' % W_NS)
    settings = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<w:settings %s>'
                '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/><w:compat>'
                '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
                '</w:compat></w:settings>' % W_NS)
    core = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Occupation Coding Service '
            'Registration Form</dc:title><dc:creator>ABS</dc:creator><cp:lastModifiedBy>%s</cp:lastModifiedBy>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2025-11-03T23:10:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-01T22:41:00Z</dcterms:modified>'
            '</cp:coreProperties>' % x(r["name"] or "User"))
    app = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Properties '
           'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           '<Application>Microsoft Office Word</Application><AppVersion>16.0000</AppVersion></Properties>')
    fx.write_zip(os.path.join(FORMS, c["name"]), [
        ("[Content_Types].xml", ct), ("_rels/.rels", rels), ("word/document.xml", doc),
        ("word/_rels/document.xml.rels", doc_rels), ("word/styles.xml", styles),
        ("word/settings.xml", settings), ("docProps/core.xml", core), ("docProps/app.xml", app)],
        FIXED_ZIP_TIME)



# --------------------------------------------------------------------------------------------
# LibreOffice documents (HTML / FODT -> ODT, DOCX, PDF)
# --------------------------------------------------------------------------------------------

def h(text):
    return html.escape(text).replace("\n", "<br>")


def box(on):
    return "\u2612" if on else "\u2610"


def lo_html(r, layout):
    svc = r["service"]
    pub, par = svc in ("public", "both"), svc in ("partner", "both")
    style = "body{font-family:'DejaVu Sans';font-size:10pt} td{vertical-align:top;padding:3pt} h2{font-size:12pt}"
    out = ["<html><head><meta charset='utf-8'><title>Occupation Coding Service Registration Form</title>"
           "<style>%s</style></head><body>" % style,
           "<h1>Occupation Coding Service Registration Form</h1>"]
    if layout == "right":
        def line(label, value):
            return "<tr><td width='55%%'>%s</td><td width='45%%' align='right'>%s</td></tr>" % (h(label), h(value))
        out.append("<h2>Your Details</h2><table width='100%' border='1' cellspacing='0'>")
        out += [line("Full name", r["name"]), line("Organisation", r["org"]), line("Contact email", r["email"])]
        out.append("</table><h2>Terms of Use</h2><table width='100%' border='1' cellspacing='0'>")
        out.append(line(TERMS_TEXT, "Yes" if r["terms"] else "No"))
        out.append("</table><h2>Service required</h2><table width='100%' border='1' cellspacing='0'>")
        out.append(line(PUBLIC_TEXT, "X" if pub else ""))
        out.append(line(PARTNER_TEXT, "X" if par else ""))
        out.append(line("Static agency IP address or range of addresses for allowlisting", r["ip"]))
        out.append("</table><h2>Your expected use</h2><p>%s</p><table width='100%%' border='1' cellspacing='0'>" % h(USE_INTRO))
        out.append(line("Records you expect to code", r["records"]))
        out.append(line("API calls (batch or single record requests) you expect to make", r["calls"]))
        out.append("</table><h2>User Guide agreement</h2><table width='100%' border='1' cellspacing='0'>")
        out.append(line(GUIDE_TEXT, "Yes" if r["guide"] else "No"))
        out.append("</table>")
    elif layout in ("colon", "narrow"):
        lw, aw = ("30%", "70%") if layout == "colon" else ("70%", "30%")
        def line(label, value):
            return "<tr><td width='%s'>%s</td><td width='%s'>%s</td></tr>" % (lw, h(label), aw, h(value))
        out.append("<h2>Your Details</h2><table width='100%' border='0' cellspacing='0'>")
        out += [line("Full name:", r["name"]), line("Organisation:", r["org"]), line("Contact email:", r["email"])]
        out.append("</table><h2>Terms of Use</h2><p>%s</p>" % h(TERMS_TEXT))
        out.append("<table width='100%%' border='0'>%s</table>" % line("I agree to the Terms of Use:", "Yes" if r["terms"] else "No"))
        out.append("<h2>Service required</h2><p>%s<br>%s</p><p>%s<br>%s</p>" % (h(PUBLIC_TEXT), h(PUBLIC_HELP), h(PARTNER_TEXT), h(PARTNER_HELP)))
        chosen = {"public": "Public coding service", "partner": "Partner coding service",
                  "both": "Public coding service and Partner coding service", "": ""}[svc]
        out.append("<table width='100%' border='0'>")
        out.append(line("Service required:", chosen))
        out.append(line("IP address(es) for allowlisting:", r["ip"]))
        out.append("</table><h2>Your expected use</h2><p>%s</p><table width='100%%' border='0'>" % h(USE_INTRO))
        out.append(line("Records you expect to code:", r["records"]))
        out.append(line("API calls you expect to make:", r["calls"]))
        out.append("</table><h2>User Guide agreement</h2><p>%s</p>" % h(GUIDE_TEXT))
        out.append("<table width='100%%' border='0'>%s</table>" % line("I agree to the User Guide:", "Yes" if r["guide"] else "No"))
    elif layout == "checkleft":
        def chk(on, text, extra=""):
            return "<tr><td width='6%%' align='center'>%s</td><td width='94%%'>%s%s</td></tr>" % (box(on), h(text), extra)
        def line(label, value):
            return "<tr><td width='40%%'>%s</td><td width='60%%'>%s</td></tr>" % (h(label), h(value))
        out.append("<h2>Your Details</h2><table width='100%' border='1' cellspacing='0'>")
        out += [line("Full name", r["name"]), line("Organisation", r["org"]), line("Contact email", r["email"])]
        out.append("</table><h2>Terms of Use</h2><table width='100%' border='0'>")
        out.append(chk(r["terms"], TERMS_TEXT))
        out.append("</table><h2>Service required</h2><table width='100%' border='0'>")
        out.append(chk(pub, PUBLIC_TEXT, "<br><small>%s</small>" % h(PUBLIC_HELP)))
        out.append(chk(par, PARTNER_TEXT, "<br><small>%s</small>" % h(PARTNER_HELP)))
        out.append("</table><table width='100%' border='1' cellspacing='0'>")
        out.append(line("IP address or range", r["ip"]))
        out.append("</table><h2>Your expected use</h2><p>%s</p><table width='100%%' border='1' cellspacing='0'>" % h(USE_INTRO))
        out.append(line("Records you expect to code", r["records"]))
        out.append(line("API calls you expect to make", r["calls"]))
        out.append("</table><h2>User Guide agreement</h2><table width='100%' border='0'>")
        out.append(chk(r["guide"], GUIDE_TEXT))
        out.append("</table>")
    out.append("<h2>Provision of client credentials</h2><p>%s</p><p>%s</p><p><small>%s</small></p></body></html>"
               % (h(CREDENTIALS_TEXT), h(SEND_TEXT), h(PRIVACY_TEXT)))
    return "\n".join(out)


def fodt(r):
    def p(text, style="Standard"):
        return '<text:p text:style-name="%s">%s</text:p>' % (style, x(text).replace("\n", "<text:line-break/>"))
    def rowx(label, value):
        return ('<table:table-row><table:table-cell office:value-type="string">%s</table:table-cell>'
                '<table:table-cell office:value-type="string">%s</table:table-cell></table:table-row>' % (p(label), p(value)))
    svc = r["service"]
    marks = "Public coding service: %s    Partner coding service: %s" % (
        "[X]" if svc in ("public", "both") else "[ ]", "[X]" if svc in ("partner", "both") else "[ ]")
    body = [p("Occupation Coding Service Registration Form", "Title"), p("Your Details", "Heading_20_1"),
            '<table:table table:name="Details"><table:table-column table:number-columns-repeated="2"/>',
            rowx("Full name", r["name"]), rowx("Organisation", r["org"]), rowx("Contact email", r["email"]),
            "</table:table>", p("Terms of Use", "Heading_20_1"),
            p(("[X] " if r["terms"] else "[ ] ") + TERMS_TEXT), p("Service required", "Heading_20_1"),
            p(PUBLIC_TEXT), p(PUBLIC_HELP), p(PARTNER_TEXT), p(PARTNER_HELP), p(marks),
            '<table:table table:name="Use"><table:table-column table:number-columns-repeated="2"/>',
            rowx("Static IP address(es)", r["ip"]), rowx("Records you expect to code", r["records"]),
            rowx("API calls you expect to make", r["calls"]), "</table:table>",
            p("User Guide agreement", "Heading_20_1"), p(("[X] " if r["guide"] else "[ ] ") + GUIDE_TEXT),
            p("Provision of client credentials", "Heading_20_1"), p(CREDENTIALS_TEXT), p(SEND_TEXT), p(PRIVACY_TEXT)]
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
            'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
            '<office:body><office:text>%s</office:text></office:body></office:document>' % "".join(body))


def normalise_zip(path):
    """Fixed entry times, metadata dates and revision ids (deterministic rebuilds)."""
    fx.pin_package(path, FIXED_ZIP_TIME, "2026-03-02T09:30:00Z", total_time=1,
                   keep_compression=False)


def normalise_pdf(path):
    """Fixed dates and ids, objects renumbered by qpdf (deterministic rebuilds)."""
    fx.pin_pdf(path, "20260302093000", "0123456789ABCDEF" * 2, checksum="0" * 32, renumber=True)


PDF_FILTER = 'pdf:writer_pdf_Export'


def make_lo(c, tmp, office):
    r = c["raw"]
    o = c["opts"]
    stem = os.path.splitext(c["name"])[0]
    work = os.path.join(tmp, stem)
    os.makedirs(work, exist_ok=True)
    if c["kind"] == "lo_fodt":
        src = os.path.join(work, stem + ".fodt")
        open(src, "w", encoding="utf-8").write(fodt(r))
        infilter = None
    else:
        src = os.path.join(work, stem + ".html")
        open(src, "w", encoding="utf-8").write(lo_html(r, o["layout"]))
        infilter = "HTML (StarWriter)"
    fmt = o["fmt"]
    target = {"odt": "odt", "docx": 'docx:MS Word 2007 XML', "pdf": PDF_FILTER}[fmt]
    office.convert([src], target, work, infilter)
    produced = os.path.join(work, stem + "." + fmt)
    out = os.path.join(FORMS, c["name"])
    shutil.copyfile(produced, out)
    if fmt == "pdf":
        normalise_pdf(out)
    else:
        normalise_zip(out)


def lo_fillable_html(r):
    def field(name, label):
        return ("<tr><td width='35%%'>%s</td><td width='65%%'><input type='text' name='%s' size='40'></td></tr>"
                % (h(label), name))
    def check(name, text):
        return "<tr><td width='35%%'><input type='checkbox' name='%s'></td><td width='65%%'>%s</td></tr>" % (name, h(text))
    return ("<html><head><meta charset='utf-8'><title>Occupation Coding Service Registration Form</title></head><body>"
            "<h1>Occupation Coding Service Registration Form</h1><form><h2>Your Details</h2><table width='100%'>"
            + field("FullName", "Full name") + field("Organisation", "Organisation") + field("Email", "Contact email")
            + "</table><h2>Terms of Use</h2><table width='100%'>" + check("TermsOfUse", TERMS_TEXT)
            + "</table><h2>Service required</h2><table width='100%'>" + check("PublicService", PUBLIC_TEXT)
            + check("PartnerService", PARTNER_TEXT) + field("IPAddresses", "Static agency IP address or range")
            + "</table><h2>Your expected use</h2><p>" + h(USE_INTRO) + "</p><table width='100%'>"
            + field("RecordsPerDay", "Records you expect to code") + field("CallsPerDay", "API calls you expect to make")
            + "</table><h2>User Guide agreement</h2><table width='100%'>" + check("UserGuide", GUIDE_TEXT)
            + "</table></form><h2>Provision of client credentials</h2><p>" + h(CREDENTIALS_TEXT) + "</p><p>"
            + h(SEND_TEXT) + "</p></body></html>")


def make_lo_fillable(c, tmp, office):
    r = c["raw"]
    work = os.path.join(tmp, "fillable")
    os.makedirs(work, exist_ok=True)
    src = os.path.join(work, "blank.html")
    open(src, "w", encoding="utf-8").write(lo_fillable_html(r))
    office.convert([src], 'pdf:writer_pdf_Export:{"ExportFormFields":{"type":"boolean","value":"true"}}',
                   work, "HTML (StarWriter)")
    normalise_pdf(os.path.join(work, "blank.pdf"))
    reader = PdfReader(os.path.join(work, "blank.pdf"))
    fields = reader.get_fields() or {}
    if "FullName" not in fields:
        raise SystemExit("LibreOffice did not export form fields: %s" % sorted(fields))
    writer = PdfWriter(clone_from=reader)
    values = {"FullName": r["name"], "Organisation": r["org"], "Email": r["email"], "IPAddresses": r["ip"],
              "RecordsPerDay": r["records"], "CallsPerDay": r["calls"]}
    writer.update_page_form_field_values(None, {k: v for k, v in values.items() if v}, auto_regenerate=False)
    ticks = {"TermsOfUse": r["terms"], "UserGuide": r["guide"],
             "PublicService": r["service"] in ("public", "both"),
             "PartnerService": r["service"] in ("partner", "both")}
    for page in writer.pages:
        for annot_ref in page.get("/Annots", []):
            annot = annot_ref.get_object()
            name = annot.get("/T")
            if name in ticks:
                on = [k for k in annot["/AP"]["/N"].keys() if k != "/Off"][0]
                state = NameObject(on if ticks[name] else "/Off")
                annot[NameObject("/V")] = state
                annot[NameObject("/AS")] = state
    writer.set_need_appearances_writer(True)
    out = os.path.join(FORMS, c["name"])
    with open(out, "wb") as fh:
        writer.write(fh)
    normalise_pdf(out)




# --------------------------------------------------------------------------------------------
# Expected records and README
# --------------------------------------------------------------------------------------------

# SPEC v2: a record whose form could not be read has empty yes/no fields too.
EMPTY_FIELDS = dict(truth("", "", "", False, "", "", "", "", False), terms_accepted="",
                    user_guide_agreed="")


record = fx.record


def write_expected(file_name, records):
    fx.write_expected(EXPECTED, file_name, records)


def case_record(c, attachment=None):
    return record(c["name"] if attachment is None else attachment, c["source"], c["flags"], c["truth"])


def build_forms(tmp, office):
    for c in CASES:
        kind = c["kind"]
        if kind == "acro":
            make_acro(c, tmp)
        elif kind in ("word_cc", "word_legacy"):
            make_word(c)
        elif kind in ("lo_html", "lo_fodt"):
            make_lo(c, tmp, office)
        elif kind == "lo_fillable":
            make_lo_fillable(c, tmp, office)
        write_expected(c["name"], [case_record(c)])


# --------------------------------------------------------------------------------------------
# Mails
# --------------------------------------------------------------------------------------------

TO = fx.TO_HEADER


def case_by_prefix(prefix):
    return next(c for c in CASES if c["name"].startswith(prefix))


def fix_boundaries(msg, tag):
    fx.pin_boundaries(msg, "----=_NextPart_{tag}_{i:03d}_01DC8A2B", tag=tag)


def base_mail(sender, subject, date, msgid, extra=None):
    return fx.new_mail(sender, subject, date, msgid, to=TO, extra=extra or ())


def attach_file(m, path, filename=None):
    data = open(path, "rb").read()
    maintype, subtype = fx.mime_type_for(path)
    m.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename or os.path.basename(path))


def signature_png():
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (120, 32), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([2, 2, 30, 30], fill=(0, 84, 140))
    d.text((36, 10), "TMR QLD", fill=(0, 84, 140))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def write_mail(name, m, records):
    fix_boundaries(m, name[:3].upper())
    for part in m.walk():
        if part is not m and not (part.get_content_type() == "message/rfc822"):
            del part["MIME-Version"]
    with open(os.path.join(MAIL, name), "wb") as fh:
        fh.write(m.as_bytes(policy=policy.SMTP))
    write_expected(name, records)


def simple_form_mail(name, prefix, sender, subject, date, msgid, text, filename=None, extra=None):
    c = case_by_prefix(prefix)
    m = base_mail(sender, subject, date, msgid, extra)
    m.set_content(text)
    attach_file(m, os.path.join(FORMS, c["name"]), filename)
    write_mail(name, m, [case_record(c, filename)])


def html_body_table(rows):
    cells = []
    for label, value in rows:
        cells.append(
            "<tr style='height:18.0pt'><td width=246 valign=top style='width:184.5pt;border:solid windowtext 1.0pt;"
            "padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal><span style='font-size:10.0pt;font-family:\"Arial\",sans-serif'>"
            "%s<o:p></o:p></span></p></td><td width=355 valign=top style='width:266.0pt;border:solid windowtext 1.0pt;"
            "border-left:none;padding:0cm 5.4pt 0cm 5.4pt'><p class=MsoNormal><span style='font-size:10.0pt'>"
            "%s<o:p></o:p></span></p></td></tr>" % (label, value))
    return ("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>"
            "<tbody>%s</tbody></table>" % "".join(cells))


def build_mails():
    # m01: plain mail, fillable PDF with radio buttons.
    simple_form_mail(
        "m01_plain_radio_pdf.eml", "f01", "Dr Mei-Ling Tan <Mei-Ling.Tan@health.gov.au>",
        "Registration - Occupation Coding Service", "Mon, 02 Mar 2026 09:14:07 +1100",
        "<SY4PR01MB6321A1B2C3D4E5F6@SY4PR01MB6321.ausprd01.prod.outlook.com>",
        "Good morning,\n\nPlease find attached our completed registration form for the Occupation "
        "Coding Service.\n\nKind regards,\nMei-Ling\n\nDr Mei-Ling Tan | Senior Data Analyst\n"
        "Department of Health and Aged Care\n",
        extra=[("X-Mailer", "Microsoft Outlook 16.0")])

    # m02: Outlook message: related/alternative body with an inline image001.png signature + PDF.
    c = case_by_prefix("f02")
    m = base_mail("\"Whitehouse, Aaron\" <aaron.whitehouse@treasury.qld.gov.au>",
                  "OCS registration form - Queensland Treasury", "Tue, 03 Mar 2026 16:02:55 +1000",
                  "<ME3PR01MB7744D5E4C3B2A190@ME3PR01MB7744.ausprd01.prod.outlook.com>",
                  [("Thread-Topic", "OCS registration form - Queensland Treasury"),
                   ("Thread-Index", "AdyKKl5PmA3kR0JfQ6uR6sG1Zt3LpA=="), ("Accept-Language", "en-AU, en-US"),
                   ("Content-Language", "en-US"), ("X-MS-Has-Attach", "yes"),
                   ("X-MS-TNEF-Correlator", "")])
    alt = EmailMessage(policy=policy.SMTP)
    alt.set_content("Hi team,\n\nAttached is the registration form for the Partner coding service.\n\n"
                  "Regards\nAaron Whitehouse\nPrincipal Analyst | Economics and Fiscal\nQueensland Treasury\n")
    alt.add_alternative(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body lang=EN-AU>"
        "<div class=WordSection1><p class=MsoNormal>Hi team,<o:p></o:p></p><p class=MsoNormal>Attached is the "
        "registration form for the Partner coding service.<o:p></o:p></p><p class=MsoNormal>Regards<br>Aaron "
        "Whitehouse<br>Principal Analyst | Economics and Fiscal<br>Queensland Treasury</p><p class=MsoNormal>"
        "<img width=120 height=32 id=\"Picture_x0020_1\" src=\"cid:image001.png@01DC8A2B.5F3E2A10\" "
        "alt=\"Queensland Government\"></p></div></body></html>", subtype="html")
    # Outlook: mixed[related[alternative[plain, html], image001.png], attachment].
    rel = EmailMessage(policy=policy.SMTP)
    rel.make_related()
    rel.set_param("type", "multipart/alternative")
    del alt["MIME-Version"]
    rel.attach(alt)
    img = EmailMessage(policy=policy.SMTP)
    img.set_content(signature_png(), maintype="image", subtype="png", cid="<image001.png@01DC8A2B.5F3E2A10>",
                    filename="image001.png", disposition="inline")
    del img["MIME-Version"]
    rel.attach(img)
    del rel["MIME-Version"]
    m.add_header("Content-Type", "multipart/mixed")
    m.set_payload([rel])
    attach_file(m, os.path.join(FORMS, c["name"]))
    write_mail("m02_outlook_signature_image.eml", m, [case_record(c)])

    # m03: the form pasted into the body as an HTML table (Outlook/Word HTML), public, over 1,000 calls.
    pad = "&nbsp;&nbsp;&nbsp;"
    rows = [
        ("Full name", "<span lang=EN-US>Karen</span><span lang=EN-US>&nbsp;Li</span>" + pad),
        ("Organisation", "<span>NSW Department of Customer&nbsp;Service</span>"),
        ("Contact email", "<a href=\"mailto:karen.li@customerservice.nsw.gov.au\"><span style='color:#0563C1'>"
                          "karen.li@customerservice.nsw.gov.au</span></a>"),
        ("Terms of Use &#8211; " + html.escape(TERMS_TEXT), "<span style='font-family:\"MS Gothic\"'>&#9746;</span>"),
        (html.escape(PUBLIC_TEXT), "<span style='font-family:\"MS Gothic\"'>&#9746;</span>"),
        (html.escape(PARTNER_TEXT), "<span style='font-family:\"MS Gothic\"'>&#9744;</span>"),
        ("Static agency IP address or range", pad),
        ("Records you expect to code (per day, peak)", "<span>2,000</span>" + pad),
        ("API calls you expect to make (per day, peak)", "<span>1,200</span>"),
        ("User Guide agreement &#8211; " + html.escape(GUIDE_TEXT), "<span style='font-family:\"MS Gothic\"'>&#9746;</span>"),
    ]
    plain = ("Hello,\n\nOur printer won't let me fill in the PDF, so I have copied the form below.\n\n"
             "Occupation Coding Service Registration Form\n\n"
             "Full name\tKaren Li\nOrganisation\tNSW Department of Customer Service\n"
             "Contact email\tkaren.li@customerservice.nsw.gov.au\n"
             "Terms of Use - %s\t\u2612\n%s\t\u2612\n%s\t\u2610\nStatic agency IP address or range\t\n"
             "Records you expect to code (per day, peak)\t2,000\n"
             "API calls you expect to make (per day, peak)\t1,200\n"
             "User Guide agreement - %s\t\u2612\n\nThanks,\nKaren Li\n" % (TERMS_TEXT, PUBLIC_TEXT, PARTNER_TEXT, GUIDE_TEXT))
    m = base_mail("Karen Li <Karen.Li@customerservice.nsw.gov.au>", "Coding service registration",
                  "Wed, 04 Mar 2026 11:40:12 +1100",
                  "<SY5PR01MB9001F00DBA11C0DE@SY5PR01MB9001.ausprd01.prod.outlook.com>")
    m.set_content(plain)
    m.add_alternative(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><meta http-equiv=Content-Type "
        "content=\"text/html; charset=utf-8\"></head><body lang=EN-AU><div class=WordSection1>"
        "<p class=MsoNormal>Hello,<o:p></o:p></p><p class=MsoNormal>Our printer won&#8217;t let me fill in the PDF, "
        "so I have copied the form below.<o:p></o:p></p><p class=MsoNormal><b><span style='font-size:14.0pt'>"
        "Occupation Coding Service Registration Form</span></b><o:p></o:p></p>" + html_body_table(rows) +
        "<p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>Thanks,<br>Karen Li<o:p></o:p></p></div></body></html>",
        subtype="html")
    write_mail("m03_html_table_body.eml", m, [record("", "body", ["exceeds_public_limit"], truth(
        "Karen Li", "NSW Department of Customer Service", "karen.li@customerservice.nsw.gov.au", True, "public",
        "", "2000", "1200", True))])

    # m04: forwarded as an attached message (message/rfc822) holding the DOCX.
    c = case_by_prefix("f11")
    inner = base_mail("Ms Olivia Bennett <Olivia.Bennett@servicesaustralia.gov.au>",
                      "Registration form", "Thu, 05 Mar 2026 08:30:00 +1100",
                      "<PR3P192MB0714AB12CD34EF56@PR3P192MB0714.EURP192.PROD.OUTLOOK.COM>")
    inner.set_content("Hi,\n\nCompleted form attached.\n\nOlivia\n")
    attach_file(inner, os.path.join(FORMS, c["name"]))
    fix_boundaries(inner, "INR")
    m = base_mail("Service Desk <service.desk@servicesaustralia.gov.au>", "FW: Registration form",
                  "Thu, 05 Mar 2026 10:05:41 +1100",
                  "<SY6PR01MB4410C0FFEE123456@SY6PR01MB4410.ausprd01.prod.outlook.com>")
    m.set_content("Forwarding on behalf of Olivia, who sent this to our shared inbox by mistake.\n\nService Desk\n")
    m.add_attachment(inner, filename="Registration form.eml")
    write_mail("m04_forwarded_rfc822.eml", m, [case_record(c)])

    # m05: DOCX attached under a non-ASCII name (RFC 2231 encoded).
    simple_form_mail(
        "m05_docx_rfc2231_name.eml", "f14", "Andrew McKenzie <andrew.mckenzie@bom.gov.au>",
        "Occupation Coding Service – registration", "Mon, 09 Mar 2026 13:22:18 +1100",
        "<CAH3x9Q0bomKq7yN=Yf2K8pA1Zs@mail.gmail.com>",
        "Hello,\n\nRegistration form attached (Word).\n\nCheers,\nAndrew\n",
        filename="Registration form – Bureau of Meteorology.docx")

    # m06: no form at all.
    m = base_mail("Peter Sandoval <p.sandoval@latrobe.edu.au>", "Question about the coding service",
                  "Tue, 14 Jul 2026 10:11:12 +1000", "<d8e1c2b4-5f6a-4b7c-9d0e-1f2a3b4c5d6e@latrobe.edu.au>")
    m.set_content("Hi,\n\nBefore we register: does the public service accept batches of 300 records, or is "
                  "that only for the partner service? We would expect roughly 500 calls a day.\n\n"
                  "Thanks,\nPeter Sandoval\nLa Trobe University\n")
    write_mail("m06_question_no_form.eml", m, [record("", "none", ["no_form_found"], EMPTY_FIELDS)])

    simple_form_mail(
        "m07_printed_pdf_wrapped_org.eml", "f19", "Nathan Edwards <nathan.edwards@csiro.au>",
        "OCS registration", "Wed, 15 Jul 2026 15:47:03 +1000", "<20260715054703.1a2b3c@csiro.au>",
        "Hi,\n\nPlease see the attached registration (printed to PDF).\n\nNathan\n",
        extra=[("User-Agent", "Mozilla Thunderbird")])
    simple_form_mail(
        "m08_odt_three_ips.eml", "f18", "Isabella Romano <isabella.romano@sahmri.com>",
        "Partner coding service registration - SAHMRI", "Thu, 16 Jul 2026 09:33:27 +1000",
        "<5b6c7d8e-aaaa-4bbb-8ccc-123456789abc@sahmri.com>",
        "Dear ABS,\n\nAttached is our registration form (LibreOffice). We have three static addresses.\n\n"
        "Best regards,\nIsabella Romano\n")
    simple_form_mail(
        "m09_flattened_pdf.eml", "f06", "Tom Nguyen <tom.nguyen@ato.gov.au>",
        "RE: Occupation Coding Service registration", "Fri, 17 Jul 2026 12:00:45 +1000",
        "<ME0PR01MB1234ABCD5678EF90@ME0PR01MB1234.ausprd01.prod.outlook.com>",
        "Hi,\n\nResending the form - it is flattened this time so the answers stay put.\n\nTom\n",
        extra=[("In-Reply-To", "<abs-ocs-reply-0042@abs.gov.au>"), ("References", "<abs-ocs-reply-0042@abs.gov.au>")])
    simple_form_mail(
        "m10_checkbox_left_pdf.eml", "f20", "Emily Tran <emily.tran@aec.gov.au>",
        "Registration form", "Mon, 05 Oct 2026 08:55:10 +1100",
        "<SY7PR01MB2020ABCDEF012345@SY7PR01MB2020.ausprd01.prod.outlook.com>",
        "Good morning,\n\nAttached is our form.\n\nEmily Tran\nAustralian Electoral Commission\n")
    simple_form_mail(
        "m11_number_shapes_pdf.eml", "f09", "Rebecca Liu <rebecca.liu@transport.nsw.gov.au>",
        "TfNSW - Occupation Coding Service registration", "Tue, 06 Oct 2026 17:20:33 +1100",
        "<SY8PR01MB3030FEDCBA987654@SY8PR01MB3030.ausprd01.prod.outlook.com>",
        "Hello,\n\nOur completed registration form is attached.\n\nRegards,\nRebecca\n")


README_HEAD = """# holdout2 fixtures

A third independent set of registration forms and mails for `regintake`, built by
`scripts/make_holdout2.py` without reading the reader's source, to measure how well it
generalises. Every `expected/<file>.json` is the truth from the case table in the script
(hand-written per SPEC), never regintake output.

Regenerate (deterministic; needs `soffice`, `qpdf`, and `pip install reportlab pypdf pillow`):

    python3 scripts/make_holdout2.py

Tools: reportlab AcroForm PDFs (radio groups, check boxes whose on-states are renamed to
/On, /1, /Ja, Acrobat-style ZapfDingbats marks) filled with pypdf (NeedAppearances true);
two flattened with `qpdf --flatten-annotations=all --generate-appearances`; one LibreOffice
fillable PDF (HTML form controls exported with ExportFormFields, filled with pypdf, on-state
/on); Word 2016+ DOCX written as raw WordprocessingML (content controls in table cells,
drop-down, w14 check boxes, placeholders; legacy FORMTEXT/FORMCHECKBOX with w:default/w:checked);
LibreOffice DOCX/ODT/PDF from HTML and FODT (LibreOffice PDFs get fixed dates/ids and a
`qpdf --deterministic-id` pass only so that rebuilds are byte-identical).

## Forms

| file | source | flags | what it tests |
|---|---|---|---|
"""


def write_readme():
    lines = [README_HEAD]
    for c in sorted(CASES, key=lambda c: c["name"]):
        lines.append("| %s | %s | %s | %s |\n" % (c["name"], c["source"], ", ".join(c["flags"]) or "-",
                                                   c["note"].replace("|", "/")))
    lines.append("\n## Mails\n\n| file | what it holds |\n|---|---|\n")
    for name, note in MAIL_NOTES:
        lines.append("| %s | %s |\n" % (name, note))
    lines.append("""
Each expected/<file>.json holds the records for that file (a form file: one record whose
attachment is its own name; a mail: one record per form, or one `none` record).

## Judgement calls

- A fillable PDF is `pdf-form` even when answers are empty (f05); a qpdf-flattened PDF is
  `pdf-text`. Its ticks survive only as ZapfDingbats glyphs (pdftotext shows ✔ and ●) placed
  beside the statement's first line; they count as ticked, an absent glyph as not ticked.
- The LibreOffice fillable PDF (f10) uses on-state /on; its service choice is two check boxes.
- Numbers: '≈ 3,000' is 3000, '5000+' is 5000, '10k-20k' is 20000 (peak), 'between 1,000 and
  2,000' is 2000, '50 (peak 80)' is 80, 'TBC' is empty with invalid_expected_records.
- IP: '49.180.22.7 (home connection - dynamic)' keeps the address and is dynamic_ip; words with no
  address (f25) are invalid_ip with an empty ip_allowlist and no missing_ip_allowlist (the answer is
  not blank); '152.98.40.0/24, 152.98.41.17' and three lines in one cell become '; '-joined entries.
- 10.0.0.0/8 is both non_public_ip and ip_range_too_broad (default /24 minimum); 131.236.0.0/16
  is ip_range_too_broad only.
- Word placeholders 'Choose an item.' and 'Click or tap here to enter text.' are blank answers.
- Legacy check boxes: w:checked (with or without w:val) overrides w:default; w:default 1 with no
  w:checked is ticked; w:default 1 with w:checked w:val="0" is not ticked.
- Both services marked: service empty, multiple_services_selected, no limit flag. Exactly 1,000
  calls on public and 10,000 on partner are within the limit; equal calls and records is not
  calls_exceed_records.
- m03 (body form) has both a plain and an HTML part carrying the same answers; the record's
  attachment is empty and source `body`. m02's image001.png and m04's outer mail are not forms;
  m05's attachment is the decoded RFC 2231 name with its en dash.
""")
    open(os.path.join(ROOT, "README.md"), "w", encoding="utf-8").write("".join(lines))


MAIL_NOTES = [
    ("m01_plain_radio_pdf.eml", "plain text + f01 (radio-button AcroForm)"),
    ("m02_outlook_signature_image.eml", "Outlook related/alternative body with inline image001.png signature + f02 PDF"),
    ("m03_html_table_body.eml", "form pasted as an Outlook HTML table (nested p/span, &nbsp; padding) plus plain part; "
                                "public with 1,200 calls -> exceeds_public_limit"),
    ("m04_forwarded_rfc822.eml", "forward with the original mail attached as message/rfc822, holding f11 DOCX"),
    ("m05_docx_rfc2231_name.eml", "f14 DOCX under a non-ASCII (en dash) RFC 2231 file name"),
    ("m06_question_no_form.eml", "question only -> no_form_found"),
    ("m07_printed_pdf_wrapped_org.eml", "f19 printed PDF (Thunderbird)"),
    ("m08_odt_three_ips.eml", "f18 ODT (LibreOffice), three IPs on three lines"),
    ("m09_flattened_pdf.eml", "f06 flattened PDF, a reply"),
    ("m10_checkbox_left_pdf.eml", "f20 printed PDF with box column left"),
    ("m11_number_shapes_pdf.eml", "f09 AcroForm with '5000+' and '10k-20k'"),
]


def main():
    for d in (FORMS, MAIL, EXPECTED):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    tmp = tempfile.mkdtemp(prefix="holdout2_")
    try:
        with fx.Office() as office:
            build_forms(tmp, office)
        build_mails()
        write_readme()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    total = 0
    for d in (FORMS, MAIL, EXPECTED):
        for f in os.listdir(d):
            size = os.path.getsize(os.path.join(d, f))
            total += size
            if size >= 150 * 1024:
                raise SystemExit("%s is %d bytes (limit 150 KB)" % (f, size))
    print("holdout2: %d forms, %d mails, %d bytes" % (len(os.listdir(FORMS)), len(os.listdir(MAIL)), total))


if __name__ == "__main__":
    main()
