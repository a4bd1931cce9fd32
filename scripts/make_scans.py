#!/usr/bin/env python3
"""Make fixtures/scans/ and fixtures/scans-hostile/: typed-then-scanned registration forms.

Applicants type their answers into the form (ticks typed as ☒, ✓, ✔ or X in the boxes, or left
for a pen), print it, and scan or photograph it. This script does the same with the real tools:
LibreOffice prints each typed form to PDF, poppler's pdftoppm rasterises it at 150/200/300 dpi,
Pillow draws pen ticks into the printed boxes, ImageMagick rotates, blurs, noises and greys the
page like an office scanner (or tints, tilts and shades it like a phone camera), and img2pdf,
tiff2pdf (CCITT G4, as office scanners write it) and exiftool (EXIF Orientation) package the
result. The expected files are written from the case table below by hand-reasoning per SPEC v2:
the truth is what the applicant typed and ticked, never what OCR makes of it.

Needs on PATH: soffice (LibreOffice), pdfinfo + pdftoppm + pdftotext + pdfimages (poppler-utils),
convert + identify (ImageMagick 6), tiff2pdf + tiffinfo (libtiff-tools), exiftool
(libimage-exiftool-perl), qpdf; fonts fonts-dejavu-core, fonts-opensymbol, fonts-liberation2,
fonts-urw-base35. Python packages: pillow, img2pdf. Shared plumbing (LibreOffice with a pinned
font set, PDF pinning, mail headers and boundaries, expected files) comes from fixturelib.

Usage: python3 scripts/make_scans.py   (rewrites both folders; 7-9 minutes on two busy cores)
"""

import html
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from email import policy
from datetime import datetime, timedelta, timezone
from email.parser import BytesParser
from email.utils import format_datetime
from pathlib import Path

import img2pdf
from PIL import Image, ImageDraw, ImageOps

from fixturelib import (CALLS_Q, CREDENTIALS_TEXT, FONTS_DEJAVU_CORE, GUIDE_TEXT, MORE_INFO_TEXT,
                        PARTNER_HELP, PARTNER_TEXT, PRIVACY_TEXT, PUBLIC_HELP, PUBLIC_TEXT,
                        RECORDS_Q, SEND_TEXT, TERMS_TEXT, TITLE, USE_INTRO, USE_NOTE, Office,
                        folder_size_report, mime_type_for, new_mail, client_mail, pdf_id_for,
                        pin_boundaries, pin_pdf, record, require_tools, write_expected)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCANS = os.path.join(ROOT, "fixtures", "scans")
HOSTILE = os.path.join(ROOT, "fixtures", "scans-hostile")

# The fonts LibreOffice is shown (fixturelib.Office hides every other installed font, so the
# layout does not depend on the machine): DejaVu (fonts-dejavu-core; also the tick-box glyphs),
# Liberation (fonts-liberation2) and URW's base 35 (fonts-urw-base35).
FONTS = FONTS_DEJAVU_CORE + tuple(
    "/usr/share/fonts/truetype/liberation2/Liberation%s.ttf" % f
    for f in ("Sans-Regular", "Sans-Bold", "Serif-Regular", "Serif-Bold")) + tuple(
        "/usr/share/fonts/opentype/urw-base35/%s.otf" % f
        for f in ("C059-Roman", "C059-Bold", "NimbusSans-Regular", "NimbusSans-Bold", "P052-Roman",
                  "P052-Bold", "URWBookman-Light", "URWBookman-Demi"))
PDF_DATE = "20260302093000"
AEST, AEDT, AWST = (timezone(timedelta(hours=h)) for h in (10, 11, 8))


def run(cmd, **kw):
    """Run a tool, failing loudly with its stderr."""
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)
    if res.returncode != 0:
        raise SystemExit(
            "%s failed (%d): %s" %
            (" ".join(cmd[:3]), res.returncode, res.stderr.decode("utf-8", "replace")[-2000:]))
    return res.stdout


# --------------------------------------------------------------------------------------------
# The case table: what each applicant typed and ticked, and by hand the record a careful
# reviewer writes down per SPEC v2 (values normalised, flags raised).
# --------------------------------------------------------------------------------------------


def typed(name, org, email, terms, service, ip, records, calls, guide):
    """The answers as the applicant typed them; service: public/partner/both/"" (what is ticked)."""
    return dict(name=name, org=org, email=email, terms=terms, service=service, ip=ip,
                records=records, calls=calls, guide=guide)


def truth(full_name, organisation, contact_email, terms, service, ip, records, calls, guide):
    return dict(full_name=full_name, organisation=organisation, contact_email=contact_email,
                terms_accepted="yes" if terms else "no", service=service, ip_allowlist=ip,
                expected_records_per_day=records, expected_api_calls_per_day=calls,
                user_guide_agreed="yes" if guide else "no")


EMPTY = truth("", "", "", False, "", "", "", "", False)
for _k in ("terms_accepted", "user_guide_agreed"):
    EMPTY[_k] = ""

# Scan styles. dpi: pdftoppm resolution; angle: degrees (ImageMagick: positive is clockwise);
# blur: Gaussian sigma in pixels; noise: attenuation of ImageMagick's Gaussian noise; speckle:
# dust dots per page; paper/ink: grey levels the white and black of the page come out at.
LOSSLESS = ("png", "png16", "greytif", "photo_png")
SCAN = dict(dpi=200, angle=0.0, blur=0.6, noise=0.25, speckle=40, paper=236, ink=28, quality=60)


def case(file, where, answers, expect, flags, shape, note, layout="official",
         font="Liberation Serif", size=10, ticks="glyph", answer_font=None, pages=1, out="img2pdf",
         seed=1, **scan):
    """One applicant's form: `file` is its name as sent, `where` "forms" or the mail it is sent
    in; `shape` and `note` go into the README; the rest says how it is typed and scanned."""
    s = dict(SCAN)
    if out in LOSSLESS:
        s["noise"] = 0.0  # no grain: the scanner's own clean-up; a lossless file stays small
    s.update(scan)
    return dict(file=file, where=where, a=answers, t=expect, flags=sorted(flags), shape=shape,
                note=note, layout=layout, font=font, size=size, ticks=ticks,
                answer_font=answer_font or font, pages=pages, out=out, seed=seed, scan=s)


CASES = [
    case("official_150dpi_two_pages.pdf", "forms",
         typed("Dr Margaret O'Sullivan-Reyes", "Department of Health, Disability and Ageing",
               "Margaret.OSullivan-Reyes@health.gov.au", True, "partner", "150.203.4.0/24", "5,000",
               "800", True),
         truth("Dr Margaret O'Sullivan-Reyes", "Department of Health, Disability and Ageing",
               "margaret.osullivan-reyes@health.gov.au", True, "partner", "150.203.4.0/24", "5000",
               "800", True),
         [], "img2pdf grey JPEG, 150 dpi, +0.8°, form over two pages",
         "clean; ☒/☐ typed before the statements", size=13, pages=2, out="img2pdf", dpi=150,
         angle=0.8, seed=11, answer_font="Liberation Sans"),
    case("official_200dpi_two_pages.pdf", "forms",
         typed("Mr Tomasz Wiśniewski", "Australian Institute of Health and Welfare",
               "t.wisniewski@aihw.gov.au", True, "partner", "192.168.20.15", "20,000", "4,000",
               True),
         truth("Mr Tomasz Wiśniewski", "Australian Institute of Health and Welfare",
               "t.wisniewski@aihw.gov.au", True, "partner", "192.168.20.15", "20000", "4000", True),
         ["non_public_ip"], "img2pdf grey JPEG, 200 dpi, −1.3°, two pages",
         "private IPv4; [X]/[ ] typed", font="DejaVu Serif", size=11.5, ticks="bracket_x", pages=2,
         out="img2pdf", dpi=200, angle=-1.3, seed=12),
    case("official_300dpi.pdf", "forms",
         typed("Professor Alan Chen-Whitfield",
               "The University of Melbourne, Melbourne Institute: Applied Economic & Social "
               "Research",
               "alan.chen-whitfield@unimelb.edu.au", True, "partner", "128.250.0.0/16",
               "1.2 million", "9,500", True),
         truth("Professor Alan Chen-Whitfield",
               "The University of Melbourne, Melbourne Institute: Applied Economic & Social "
               "Research",
               "alan.chen-whitfield@unimelb.edu.au", True, "partner", "128.250.0.0/16", "1200000",
               "9500", True),
         ["ip_range_too_broad"], "img2pdf grey JPEG, 300 dpi, +0.5°",
         "/16 block; \"1.2 million\"; [✓]/[ ] typed", font="Nimbus Sans", size=9.5,
         ticks="bracket_check", out="img2pdf", dpi=300, angle=0.5, seed=13, quality=45, noise=0.15),
    case("table_200dpi_x_cells.pdf", "forms",
         typed("Ms Priya Ramanathan", "Queensland Government Statistician's Office",
               "priya.ramanathan@treasury.qld.gov.au", True, "public", "", "approx. 2k", "500",
               True),
         truth("Ms Priya Ramanathan", "Queensland Government Statistician's Office",
               "priya.ramanathan@treasury.qld.gov.au", True, "public", "", "2000", "500", True),
         [], "img2pdf grey JPEG, 200 dpi, −0.6°, two-column table",
         "clean; \"approx. 2k\"; X typed in narrow tick cells", layout="table",
         font="Liberation Sans", size=10, ticks="cell_x", out="img2pdf", dpi=200, angle=-0.6,
         seed=14),
    case("table_150dpi_two_pages.pdf", "forms",
         typed("Dr Hamish McAllister", "Department of Employment and Workplace Relations",
               "hamish.mcallister@dewr.gov.au", True, "partner",
               "203.2.218.214, 2401:d002:3c00::/48", "50000", "2,000 - 4,000", True),
         truth("Dr Hamish McAllister", "Department of Employment and Workplace Relations",
               "hamish.mcallister@dewr.gov.au", True, "partner",
               "203.2.218.214; 2401:d002:3c00::/48", "50000", "4000", True),
         [], "img2pdf grey JPEG, 150 dpi, +1.6°, table over two pages",
         "clean; IPv4 + IPv6; calls a range \"2,000 - 4,000\"; ☒/☐ in the answer column",
         layout="table", font="P052", size=12.5, ticks="glyph", pages=2, out="img2pdf", dpi=150,
         angle=1.6, seed=15),
    case("official_g4_300dpi_two_pages.pdf", "forms",
         typed("Mrs Lorraine Fitzgerald-Brown", "NSW Department of Communities and Justice",
               "Lorraine.Fitzgerald-Brown@dcj.nsw.gov.au", True, "partner", "100.64.12.1", "2,000",
               "6,000", True),
         truth("Mrs Lorraine Fitzgerald-Brown", "NSW Department of Communities and Justice",
               "lorraine.fitzgerald-brown@dcj.nsw.gov.au", True, "partner", "100.64.12.1", "2000",
               "6000", True),
         ["calls_exceed_records", "non_public_ip"],
         "CCITT G4 bilevel TIFF in PDF (tiff2pdf), 300 dpi, −0.9°, two pages",
         "CGNAT 100.64/10; calls > records; ☒/☐ typed", font="Liberation Serif", size=13,
         ticks="glyph", pages=2, out="g4pdf", dpi=300, angle=-0.9, seed=16, noise=0.12, speckle=25),
    case("table_g4_200dpi_pen_x.pdf", "forms",
         typed("Mr Nguyen Van Duc", "Australian Taxation Office", "duc.nguyen(at)ato.gov.au", True,
               "partner", "58.96.12.7 (home connection \u2013 dynamic)", "10,000", "3,000", True),
         truth("Mr Nguyen Van Duc", "Australian Taxation Office", "", True, "partner", "58.96.12.7",
               "10000", "3000", True),
         ["dynamic_ip", "invalid_contact_email"],
         "CCITT G4 TIFF in PDF, 200 dpi, +1.1°, table, pen X ticks",
         "\"(at)\" email; \"home connection – dynamic\"; X strokes drawn in printed ☐",
         layout="table", font="Liberation Sans", size=10, ticks="pen_x", out="g4pdf", dpi=200,
         angle=1.1, seed=17, noise=0.12, speckle=25),
    case("official_150dpi_pen_check.pdf", "forms",
         typed("Ms Aroha Ngata", "", "aroha.ngata@servicesaustralia.gov.au", True, "public", "",
               "300", "300", False),
         truth("Ms Aroha Ngata", "", "aroha.ngata@servicesaustralia.gov.au", True, "public", "",
               "300", "300", False),
         ["missing_organisation", "user_guide_not_agreed"],
         "img2pdf grey JPEG, 150 dpi, −1.8°, pen ✓ ticks",
         "organisation left blank; User Guide box left empty; ✓ strokes drawn in printed ☐",
         font="C059", size=10, ticks="pen_check", out="img2pdf", dpi=150, angle=-1.8, seed=18),
    case("official_200dpi_pen_x_two_pages.pdf", "forms",
         typed("Dr Siobhan Kearney", "Department of Social Services", "siobhan.kearney@dss.gov.au",
               False, "partner", "2001:db8:12::/48", "8,000", "7,500", True),
         truth("Dr Siobhan Kearney", "Department of Social Services", "siobhan.kearney@dss.gov.au",
               False, "partner", "2001:db8:12::/48", "8000", "7500", True),
         ["non_public_ip", "terms_not_accepted"],
         "img2pdf grey JPEG, 200 dpi, +1.3°, pen X ticks, two pages",
         "IPv6 documentation prefix; Terms box left empty", font="DejaVu Sans", size=11.5,
         ticks="pen_x", pages=2, out="img2pdf", dpi=200, angle=1.3, seed=19),
    case("table_300dpi_pen_check_both_services.pdf", "forms",
         typed("Mr Rajesh Krishnamurthy",
               "Australian Bureau of Agricultural and Resource Economics and Sciences (ABARES)",
               "rajesh.krishnamurthy@aff.gov.au", True, "both", "137.92.97.0/24", "15,000",
               "12,000", True),
         truth("Mr Rajesh Krishnamurthy",
               "Australian Bureau of Agricultural and Resource Economics and Sciences (ABARES)",
               "rajesh.krishnamurthy@aff.gov.au", True, "", "137.92.97.0/24", "15000", "12000",
               True),
         ["multiple_services_selected"], "img2pdf grey JPEG, 300 dpi, −0.7°, table, pen ✓ ticks",
         "both services ticked (only that flag)", layout="table", font="URW Bookman", size=9.5,
         ticks="pen_check", out="img2pdf", dpi=300, angle=-0.7, seed=20, quality=40, noise=0.15),
    case("photo_exif_orientation_6.jpg", "forms",
         typed("Ms Chloe Baptiste", "Australian Institute of Family Studies",
               "CHLOE.BAPTISTE@AIFS.GOV.AU", True, "public", "", "1,000", "1,000", True),
         truth("Ms Chloe Baptiste", "Australian Institute of Family Studies",
               "chloe.baptiste@aifs.gov.au", True, "public", "", "1000", "1000", True),
         [],
         "phone photo, colour JPEG stored sideways with EXIF Orientation 6 (rotate 90° clockwise "
         "to view)",
         "clean; public at exactly 1,000 calls; upper-case email", font="Liberation Serif", size=10,
         ticks="glyph", out="photo", dpi=170, angle=0.4, seed=21, orientation=6, keystone=0.02,
         shade=0.22),
    case("photo_perspective_lighting.jpg", "forms",
         typed("Associate Professor Wendy Okafor",
               "Curtin University \u2014 Bankwest Economics Centre", "w.okafor@curtin.edu.au", True,
               "public", "", "20,000", "5,000", True),
         truth("Associate Professor Wendy Okafor",
               "Curtin University \u2014 Bankwest Economics Centre", "w.okafor@curtin.edu.au", True,
               "public", "", "20000", "5000", True),
         ["exceeds_public_limit"],
         "phone photo, colour JPEG, keystone perspective, shadowed corner",
         "public over 1,000 calls; X typed in tick cells", layout="table", font="Liberation Sans",
         size=10, ticks="cell_x", out="photo", dpi=170, angle=-1.0, seed=22, orientation=1,
         keystone=0.05, shade=0.4),
    case("photo_pen_check.png", "forms",
         typed("Mr Declan O'Brien", "Tasmanian Department of Premier and Cabinet",
               "declan.obrien@dpac.tas.gov.au", True, "partner", "", "3,000", "1,500", True),
         truth("Mr Declan O'Brien", "Tasmanian Department of Premier and Cabinet",
               "declan.obrien@dpac.tas.gov.au", True, "partner", "", "3000", "1500", True),
         ["missing_ip_allowlist"], "phone-style PNG (grey), uneven light, pen ✓ ticks",
         "partner with the IP blank left [ ____ ]", font="DejaVu Serif", size=9.5,
         ticks="pen_check", out="photo_png", dpi=150, angle=0.9, seed=23, keystone=0.015,
         shade=0.3),
    case("scan_g4_two_pages.tif", "forms",
         typed("Dr Fatima Al-Rashid", "Victorian Department of Education",
               "fatima.al-rashid@education.vic.gov.au", True, "partner",
               "our agency gateway \u2013 address to be confirmed by IT", "TBC", "unknown", True),
         truth("Dr Fatima Al-Rashid", "Victorian Department of Education",
               "fatima.al-rashid@education.vic.gov.au", True, "partner", "", "", "", True),
         ["invalid_expected_calls", "invalid_expected_records", "invalid_ip"],
         "multi-page CCITT G4 TIFF (scan to file), 200 dpi, +0.7°",
         "IP answer with no address; \"TBC\" / \"unknown\"; ✔ typed over the ticked boxes",
         font="Liberation Sans", size=12, ticks="heavy", pages=2, out="g4tif", dpi=200, angle=0.7,
         seed=24, noise=0.12, speckle=20),
    case("scan_grey_lzw_150dpi.tif", "forms",
         typed("Mr Ahmed Hassan", "Department of Foreign Affairs and Trade",
               "ahmed.hassan@dfat.gov.au", True, "partner", "10.0.0.0/8", "25,000", "25,000", True),
         truth("Mr Ahmed Hassan", "Department of Foreign Affairs and Trade",
               "ahmed.hassan@dfat.gov.au", True, "partner", "10.0.0.0/8", "25000", "25000", True),
         ["exceeds_partner_limit", "ip_range_too_broad", "non_public_ip"],
         "grey TIFF, LZW, 150 dpi, −0.4°, table", "10/8: private and too broad; over 10,000 calls",
         layout="table", font="DejaVu Sans", size=9.5, ticks="glyph", out="greytif", dpi=150,
         angle=-0.4, seed=25),
    case("scan_cmyk.jpg", "forms",
         typed("Ms Eleanor Whitcombe", "Australian Institute of Criminology",
               "eleanor.whitcombe@aic.gov.au", True, "public", "", "", "", True),
         truth("Ms Eleanor Whitcombe", "Australian Institute of Criminology",
               "eleanor.whitcombe@aic.gov.au", True, "public", "", "", "", True),
         ["missing_expected_calls", "missing_expected_records"],
         "CMYK JPEG (scanner software), 150 dpi, +1.2°",
         "both numbers left [ ____ ]; [X]/[ ] typed", font="Liberation Serif", size=10,
         ticks="bracket_x", out="cmyk", dpi=150, angle=1.2, seed=26),
    case("scan_16bit_grey.png", "forms",
         typed("", "Bureau of Meteorology", "", True, "partner", "134.178.63.0/24", "4,000",
               "4,000", True),
         truth("", "Bureau of Meteorology", "", True, "partner", "134.178.63.0/24", "4000", "4000",
               True),
         ["missing_contact_email", "missing_full_name"], "16-bit grey PNG, 150 dpi, −0.3°, table",
         "name and email left blank; ✓ typed in the tick column", layout="table",
         font="Nimbus Sans", size=10, ticks="check", out="png16", dpi=150, angle=-0.3, seed=27),
    case("official_200dpi_rotated_2deg.pdf", "forms",
         typed("Mr Benjamin Osei-Tutu",
               "Department of Infrastructure, Transport, Regional Development, Communications, "
               "Sport and the Arts",
               "benjamin.osei-tutu@infrastructure.gov.au", True, "", "", "6,000", "600", True),
         truth("Mr Benjamin Osei-Tutu",
               "Department of Infrastructure, Transport, Regional Development, Communications, "
               "Sport and the Arts",
               "benjamin.osei-tutu@infrastructure.gov.au", True, "", "", "6000", "600", True),
         ["service_not_selected"], "img2pdf grey JPEG, 200 dpi, −2.0°",
         "neither service ticked; long organisation", font="P052", size=10, ticks="glyph",
         out="img2pdf", dpi=200, angle=-2.0, seed=28),
    case("official_300dpi_jpeg_artefacts.pdf", "forms",
         typed("Dr Li Wei Zhang", "CSIRO Data61", "liwei.zhang@csiro.au", True, "partner",
               "130.155.194.0/24, 2405:b000:302::/48", "approx. 250k", "8k", True),
         truth("Dr Li Wei Zhang", "CSIRO Data61", "liwei.zhang@csiro.au", True, "partner",
               "130.155.194.0/24; 2405:b000:302::/48", "250000", "8000", True),
         [], "img2pdf grey JPEG at quality 30 (blocky), 300 dpi, +1.9°",
         "clean; \"approx. 250k\", \"8k\"; [✓] typed", font="Liberation Sans", size=10,
         ticks="bracket_check", out="img2pdf", dpi=300, angle=1.9, seed=29, quality=30, blur=0.9),
    case("official_200dpi_box_after.pdf", "forms",
         typed("Ms Isabella Rossi", "Reserve Bank of Australia", "isabella.rossi@rba.gov.au", True,
               "partner", "2402:7800:10::/48", "2.5 million", "9,000", True),
         truth("Ms Isabella Rossi", "Reserve Bank of Australia", "isabella.rossi@rba.gov.au", True,
               "partner", "2402:7800:10::/48", "2500000", "9000", True),
         [], "img2pdf grey JPEG, 200 dpi, +1.0°", "clean; IPv6 /48; ☒/☐ typed after each statement",
         font="Liberation Sans", size=10, ticks="glyph_after", out="img2pdf", dpi=200, angle=1.0,
         seed=30),
    case("SKM_C45826031010150.pdf", "m01_scanner_g4_pdf.eml",
         typed("Mr Oliver Pemberton", "Australian Communications and Media Authority",
               "oliver.pemberton@acma.gov.au", True, "partner", "202.14.81.0/24", "7,500", "2,500",
               True),
         truth("Mr Oliver Pemberton", "Australian Communications and Media Authority",
               "oliver.pemberton@acma.gov.au", True, "partner", "202.14.81.0/24", "7500", "2500",
               True),
         [], "office scanner's scan-to-email: CCITT G4 PDF, 200 dpi, two pages", "clean",
         font="Liberation Serif", size=13, ticks="glyph", pages=2, out="g4pdf", dpi=200, angle=-0.5,
         seed=31, noise=0.12, speckle=20),
    case("IMG_4821.JPG", "m02_phone_photo_jpeg.eml",
         typed("Ms Grace Tanaka", "Western Australian Department of Health",
               "grace.tanaka@health@wa.gov.au", True, "public", "", "500", "200", True),
         truth("Ms Grace Tanaka", "Western Australian Department of Health", "", True, "public", "",
               "500", "200", True),
         ["invalid_contact_email"],
         "phone photo attached as image/jpeg, EXIF Orientation 8 (rotate 90° anticlockwise)",
         "email with two @; pen ✓ ticks", layout="table", font="DejaVu Sans", size=9.5,
         ticks="pen_check", out="photo", dpi=170, angle=1.4, seed=32, orientation=8, keystone=0.03,
         shade=0.3),
    case("Registration form.jpg", "m03_photo_with_signature_logo.eml",
         typed("Dr Samuel Adeyemi", "Productivity Commission", "samuel.adeyemi@pc.gov.au", True,
               "public", "", "900", "450", True),
         truth("Dr Samuel Adeyemi", "Productivity Commission", "samuel.adeyemi@pc.gov.au", True,
               "public", "", "900", "450", True),
         [],
         "phone photo (image/jpeg) beside an inline signature logo (cid:, multipart/related) that "
         "is not a form",
         "clean; one record, the logo is not a form", font="Liberation Serif", size=10,
         ticks="glyph", out="photo", dpi=170, angle=-0.6, seed=33, orientation=1, keystone=0.025,
         shade=0.25),
    case("Registration_Form_signed.pdf", "m04_scan_img2pdf_pdf.eml",
         typed("Mrs Kathleen Doherty", "Australian Electoral Commission",
               "kathleen.doherty@aec.gov.au", True, "partner", "fe80::1c2b:3aff:fe4d:12", "12,000",
               "18,000", True),
         truth("Mrs Kathleen Doherty", "Australian Electoral Commission",
               "kathleen.doherty@aec.gov.au", True, "partner", "fe80::1c2b:3aff:fe4d:12", "12000",
               "18000", True),
         ["calls_exceed_records", "exceeds_partner_limit", "non_public_ip"],
         "img2pdf grey JPEG attached as application/pdf, 150 dpi, two pages, table",
         "IPv6 link-local; calls > records and over 10,000", layout="table",
         font="Liberation Serif", size=12.5, ticks="glyph", pages=2, out="img2pdf", dpi=150,
         angle=0.6, seed=34),
    case("scan0001.png", "m05_png_scan.eml",
         typed("Mr Jack Thornton", "Department of the Prime Minister and Cabinet",
               "jack.thornton@pmc.gov.au", True, "partner", "150.207.10.1-150.207.10.30", "100k",
               "10,000", True),
         truth("Mr Jack Thornton", "Department of the Prime Minister and Cabinet",
               "jack.thornton@pmc.gov.au", True, "partner", "150.207.10.1-150.207.10.30", "100000",
               "10000", True),
         [], "grey PNG scan attached as image/png, 150 dpi",
         "clean; an address range; partner at exactly 10,000", font="Nimbus Sans", size=9.5,
         ticks="bracket_check", out="png", dpi=150, angle=-1.1, seed=35),
]

# How each mail was sent: "scanner" (a copier's scan-to-email, one plain part and the PDF),
# "logo" (a signature logo referenced by cid: from the HTML body, beside the attached photo), or a
# mail client as fixturelib.client_mail shapes it (Apple Mail sends a photo as an inline part).
MAILS = {
    "m01_scanner_g4_pdf.eml": dict(
        how="scanner", sender="Oliver Pemberton <oliver.pemberton@acma.gov.au>",
        subject="Message from KM_C458", date=datetime(2026, 3, 10, 10, 15, 2, tzinfo=AEDT),
        msgid="<KM_C458-20260310101502-4471@acma.gov.au>",
        body="Please find attached the scanned registration form for the Occupation Coding "
             "Service.\n\nOliver Pemberton\nData Services | ACMA\n"),
    "m02_phone_photo_jpeg.eml": dict(
        how="apple", sender="Grace Tanaka <grace.tanaka@health.wa.gov.au>",
        subject="Coding service registration", date=datetime(2026, 4, 15, 19, 42, 11, tzinfo=AWST),
        body="Hi, photo of our signed form attached.\n\n\nSent from my iPhone\n"),
    "m03_photo_with_signature_logo.eml": dict(
        how="logo", sender="Samuel Adeyemi <samuel.adeyemi@pc.gov.au>",
        subject="Registration - Occupation Coding Service",
        date=datetime(2026, 5, 4, 9, 3, 40, tzinfo=AEST),
        msgid="<SY4P282MB4410C0DE2FA1@SY4P282MB4410.AUSP282.PROD.OUTLOOK.COM>",
        body="Good morning,\n\nPlease find our registration form attached (photo).\n\n"
             "Kind regards,\nDr Samuel Adeyemi\nProductivity Commission\n"),
    "m04_scan_img2pdf_pdf.eml": dict(
        how="outlook", sender="\"Doherty, Kathleen\" <kathleen.doherty@aec.gov.au>",
        subject="RE: API access - registration form",
        date=datetime(2026, 6, 18, 14, 27, 55, tzinfo=AEST),
        body="Hello,\n\nSigned and scanned form attached as requested.\n\nKathleen\n"),
    "m05_png_scan.eml": dict(
        how="gmail", sender="Jack Thornton <jack.thornton@pmc.gov.au>",
        subject="OCS registration form (scanned)",
        date=datetime(2026, 8, 7, 8, 51, 19, tzinfo=AEST),
        body="Form attached.\n\nJack\n"),
}

# A scanned page that is not the form: an invoice.
INVOICE = "invoice_scan_200dpi.pdf"

# --------------------------------------------------------------------------------------------
# Typing the form: a flat ODF text document (.fodt) that LibreOffice prints to PDF. Written as
# ODF rather than HTML because LibreOffice's HTML import drops the font and size of runs it
# files under Asian script (☐ ☒ ✓ are among them), and the printed boxes need their size.
# --------------------------------------------------------------------------------------------


def x(text):
    return html.escape(text, quote=False)


def font_decl(name):
    return '<style:font-face style:name="%s" svg:font-family="&apos;%s&apos;"/>' % (name, name)


def text_props(font=None, size=None, bold=False):
    """Text properties for all three script classes (Western, Asian, complex)."""
    p = []
    if font:
        p.append('style:font-name="%s" style:font-name-asian="%s" style:font-name-complex="%s"' %
                 (font, font, font))
    if size:
        p.append('fo:font-size="%spt" style:font-size-asian="%spt" style:font-size-complex="%spt"' %
                 (size, size, size))
    if bold:
        p.append(
            'fo:font-weight="bold" style:font-weight-asian="bold" style:font-weight-complex="bold"')
    return "<style:text-properties %s/>" % " ".join(p)


def spaces(n):
    return ' <text:s text:c="%d"/>' % (n - 1) if n > 1 else " "


def fodt(body_xml, font, size, extra_fonts=(), columns=None):
    """The document: A4, the body font everywhere, and the paragraph and table styles."""
    fonts = sorted({font, "DejaVu Sans"} | set(extra_fonts))

    def para(name, parent="Standard", props="", text=""):
        props = props and "<style:paragraph-properties %s/>" % props
        return ('<style:style style:name="%s" style:family="paragraph" '
                'style:parent-style-name="%s">%s%s</style:style>' % (name, parent, props, text))

    def cell(name, props):
        return ('<style:style style:name="%s" style:family="table-cell">'
                '<style:table-cell-properties %s/></style:style>' % (name, props))
    border = 'fo:padding="0.08cm" fo:border="0.5pt solid #000000"'
    styles = [
        '<style:default-style style:family="paragraph">%s</style:default-style>' %
        text_props(font, size).replace("/>", ' fo:language="en" fo:country="AU"/>'),
        '<style:style style:name="Standard" style:family="paragraph"><style:paragraph-properties '
        'fo:margin-top="2pt" fo:margin-bottom="4pt"/></style:style>',
        para("Title", props='fo:margin-bottom="8pt"', text=text_props(size=size + 6, bold=True)),
        para("H2", props='fo:margin-top="9pt" fo:margin-bottom="3pt" fo:keep-with-next="always"',
             text=text_props(size=size + 2, bold=True)),
        para("Help", text=text_props(size=size - 1)),
        para("Label", props='fo:keep-with-next="always"', text=text_props(bold=True)),
        para("Answer", props='fo:margin-left="1.2cm"'),
        para("Cell", props='fo:margin-top="0pt" fo:margin-bottom="0pt"'),
        para("CellC", "Cell", props='fo:text-align="center"'),
        para("HelpCell", "Cell", text=text_props(size=size - 1)),
    ]
    auto = [
        '<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" '
        'fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.8cm" '
        'fo:margin-bottom="1.6cm" fo:margin-left="2cm" fo:margin-right="2cm"/></style:page-layout>',
        '<style:style style:name="B" style:family="text">%s</style:style>' % text_props(bold=True),
        '<style:style style:name="Tbl" style:family="table"><style:table-properties '
        'style:width="17cm" table:align="margins" fo:margin-top="2pt" fo:margin-bottom="4pt"/>'
        '</style:style>',
        cell("Td", border),
        cell("TdM", border + ' style:vertical-align="middle"'),
    ]
    for name, width in (columns or {}).items():
        auto.append(
            '<style:style style:name="%s" style:family="table-column">'
            '<style:table-column-properties '
            'style:column-width="%scm"/></style:style>' % (name, width))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
        'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
        'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
        '<office:font-face-decls>%s</office:font-face-decls><office:styles>%s</office:styles>'
        '<office:automatic-styles>%s</office:automatic-styles><office:master-styles>'
        '<style:master-page style:name="Standard" style:page-layout-name="pm1"/>'
        '</office:master-styles>'
        '<office:body><office:text>%s</office:text></office:body></office:document>' %
        ("".join(font_decl(f) for f in fonts), "".join(styles), "".join(auto), body_xml))


def text_styles(c):
    """Automatic text styles for the typed answers and the tick boxes."""
    return [
        '<style:style style:name="Ans" style:family="text">%s</style:style>' %
        text_props(c["answer_font"]),
        '<style:style style:name="Box" style:family="text">%s</style:style>' %
        text_props("DejaVu Sans", c["size"] + 1),
        '<style:style style:name="BoxBig" style:family="text">%s</style:style>' %
        text_props("DejaVu Sans", 16)
    ]


def tick(style, on):
    """What sits in a tick box, as the applicant typed it (or the empty printed box for a pen)."""

    def box(glyph):
        return '<text:span text:style-name="Box">%s</text:span>' % glyph

    if style in ("glyph", "glyph_after"):
        return box("\u2612" if on else "\u2610")
    if style == "heavy":
        return box("\u2714" if on else "\u2610")
    if style == "bracket_x":
        return "[ X ]" if on else "[" + spaces(5) + "]"
    if style == "bracket_check":
        return "[ %s ]" % box("\u2713") if on else "[" + spaces(5) + "]"
    if style == "check":
        return box("\u2713") if on else ""
    if style == "cell_x":
        return "X" if on else ""
    if style.startswith("pen_"):
        return '<text:span text:style-name="BoxBig">\u2610</text:span>'
    raise ValueError(style)


def p(text_xml, style="Standard"):
    return '<text:p text:style-name="%s">%s</text:p>' % (style, text_xml)


def ans(text):
    return '<text:span text:style-name="Ans">%s</text:span>' % x(text) if text else ""


def blank(text, width):
    """An official [ ____ ] blank, filled in or left."""
    return "[ %s ]" % ans(text) if text else "[ %s ]" % ("_" * width)


def tail_xml():
    return (p("Provision of client credentials", "H2") + p(x(CREDENTIALS_TEXT)) + p(x(SEND_TEXT)) +
            p(x(MORE_INFO_TEXT), "Help") + p(x(PRIVACY_TEXT), "Help"))


def table(col_styles, rows):
    cols = "".join('<table:table-column table:style-name="%s"/>' % s for s in col_styles)
    return '<table:table table:style-name="Tbl">%s%s</table:table>' % (cols, "".join(rows))


def form_fodt(c):
    a = c["a"]
    style = c["ticks"]
    svc = a["service"]
    pub, par = svc in ("public", "both"), svc in ("partner", "both")
    body = [p(x(TITLE), "Title")]
    if c["layout"] == "official":

        def statement(on, text):
            t = tick(style, on)
            if style == "glyph_after":
                return p(x(text) + spaces(2) + t)
            return p(t + spaces(2) + x(text))

        def detail(label, value):
            return p(x(label), "Label") + p(ans(value), "Answer")

        body += [
            p("Your Details", "H2"),
            detail("Full name", a["name"]),
            detail("Organisation", a["org"]),
            detail("Contact email", a["email"]),
            p("Terms of Use", "H2"),
            statement(a["terms"], TERMS_TEXT),
            p("Service required", "H2"),
            statement(pub, PUBLIC_TEXT),
            p(x(PUBLIC_HELP), "Help"),
            statement(par, PARTNER_TEXT),
            p(x(PARTNER_HELP) + spaces(2) + blank(a["ip"], 40), "Help"),
            p("Your expected use", "H2"),
            p(x(USE_INTRO)),
            p("\u00b7 %s %s" % (x(RECORDS_Q), blank(a["records"], 18))),
            p("\u00b7 %s %s" % (x(CALLS_Q), blank(a["calls"], 14))),
            p(x(USE_NOTE)),
            p("User Guide agreement", "H2"),
            statement(a["guide"], GUIDE_TEXT)
        ]
        columns = {}
    else:

        def cell(inner, style_name="Td"):
            return ('<table:table-cell table:style-name="%s" office:value-type="string">%s'
                    '</table:table-cell>' % (style_name, inner))

        def row(label, value):
            bold = '<text:span text:style-name="B">%s</text:span>' % x(label)
            return "<table:table-row>%s%s</table:table-row>" % (cell(p(bold, "Cell")),
                                                                cell(p(ans(value), "Cell")))

        def chk(on, text, helptext=""):
            inner = p(x(text), "Cell") + (p(x(helptext), "HelpCell") if helptext else "")
            return "<table:table-row>%s%s</table:table-row>" % (
                cell(inner), cell(p(tick(style, on), "CellC"), "TdM"))

        details = ("L", "R")
        ticks = ("S", "K")
        body += [
            p("Your Details", "H2"),
            table(details, [
                row("Full name", a["name"]),
                row("Organisation", a["org"]),
                row("Contact email", a["email"])
            ]),
            p("Terms of Use", "H2"),
            table(ticks, [chk(a["terms"], TERMS_TEXT)]),
            p("Service required", "H2"),
            table(ticks, [chk(pub, PUBLIC_TEXT, PUBLIC_HELP),
                          chk(par, PARTNER_TEXT, PARTNER_HELP)]),
            table(details,
                  [row("Static agency IP address(es) or range for allowlisting", a["ip"])]),
            p("Your expected use", "H2"),
            p(x(USE_INTRO)),
            table(details, [
                row("Records you expect to code", a["records"]),
                row("API calls (batch or single record requests) you expect to make", a["calls"])
            ]),
            p(x(USE_NOTE), "Help"),
            p("User Guide agreement", "H2"),
            table(ticks, [chk(a["guide"], GUIDE_TEXT)])
        ]
        columns = {"L": 5.6, "R": 11.4, "S": 15.3, "K": 1.7}
    body.append(tail_xml())
    doc = fodt("".join(body), c["font"], c["size"], extra_fonts=[c["answer_font"]], columns=columns)
    return doc.replace("</office:automatic-styles>",
                       "".join(text_styles(c)) + "</office:automatic-styles>")


def invoice_fodt():
    items = [("A4 copy paper 80gsm, carton of 5 reams", 12, 38.50),
             ("Toner cartridge TN-3480 black", 4, 129.00),
             ("Lever arch files, blue (box of 10)", 3, 42.90),
             ("Whiteboard markers, assorted (pack of 12)", 6, 17.25),
             ("Delivery - Belconnen ACT", 1, 25.00)]

    def cell(text, style="Cell"):
        return ('<table:table-cell table:style-name="Td" office:value-type="string">%s'
                '</table:table-cell>' % p(x(text), style))

    def row(*cells):
        return "<table:table-row>%s</table:table-row>" % "".join(cells)
    rows = [row(cell("Description"), cell("Qty", "CellC"), cell("Unit price", "CellC"),
                cell("Amount", "CellC"))]
    rows += [row(cell(d), cell(str(q), "CellC"), cell("%.2f" % u, "CellC"),
                 cell("%.2f" % (q * u), "CellC")) for d, q, u in items]
    sub = sum(q * u for _, q, u in items)
    body = [
        p("TAX INVOICE", "Title"),
        p('<text:span text:style-name="B">Capital Office Supplies Pty Ltd</text:span>'),
        p("ABN 51 824 753 556 \u00b7 14 Lathlain Street, Belconnen ACT 2617 \u00b7 "
          "accounts@capitaloffice.com.au"),
        p('<text:span text:style-name="B">Bill to:</text:span> Australian Bureau of Statistics, '
          "Accounts Payable, Locked Bag 10, Belconnen ACT 2616"),
        p("Invoice no. INV-208817" + spaces(4) + "Date: 2 March 2026" + spaces(4) +
          "Purchase order: PO-4410-2291" + spaces(4) + "Terms: 30 days"),
        table(("D", "Q", "U", "A"), rows),
        p("Subtotal: $%.2f" % sub),
        p("GST (10%%): $%.2f" % (sub * 0.1)),
        p('<text:span text:style-name="B">Total due: $%.2f</text:span>' % (sub * 1.1)),
        p("Please pay by EFT to BSB 062-000, account 1234 5678, quoting the invoice number."),
        p("Thank you for your business.", "Help")
    ]
    return fodt("".join(body), "Liberation Sans", 10,
                columns={"D": 9.5, "Q": 1.8, "U": 2.8, "A": 2.9})


# --------------------------------------------------------------------------------------------
# Scanning: rasterise, pen ticks, scanner/phone degradation, packaging
# --------------------------------------------------------------------------------------------


def pdf_pages(pdf):
    out = run(["pdfinfo", pdf]).decode()
    return int(re.search(r"Pages:\s+(\d+)", out).group(1))


def rasterise(pdf, dpi, prefix):
    run(["pdftoppm", "-r", str(dpi), "-gray", "-png", pdf, prefix])
    d = os.path.dirname(prefix)
    base = os.path.basename(prefix)
    return sorted(
        os.path.join(d, f) for f in os.listdir(d)
        if f.startswith(base + "-") and f.endswith(".png"))


def printed_boxes(pdf):
    """(page index, xMin, yMin, xMax, yMax in points) of every printed ☐, in reading order."""
    text = run(["pdftotext", "-bbox", pdf, "-"]).decode("utf-8")
    boxes = []
    for page_no, page in enumerate(text.split("<page ")[1:]):
        for m in re.finditer(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                '\u2610</word>', page):
            boxes.append((page_no, ) + tuple(float(v) for v in m.groups()))
    return sorted(boxes, key=lambda b: (b[0], b[2], b[1]))


def ink_bounds(img, region):
    """The printed square inside a glyph's box: its edges are the rows and columns that are mostly
    ink (letters of the next line, which the glyph box can reach into, are not)."""
    x0, y0, x1, y1 = region
    crop = img.crop((x0, y0, x1, y1))
    w, h = crop.size
    dark = [[crop.getpixel((i, j)) < 140 for i in range(w)] for j in range(h)]
    rows = [j for j in range(h) if sum(dark[j]) >= 0.5 * w]
    if len(rows) < 2:
        raise SystemExit("no printed box found at %s" % (region, ))
    top, bottom = rows[0], rows[-1]
    cols = [
        i for i in range(w)
        if sum(dark[j][i] for j in range(top, bottom + 1)) >= 0.7 * (bottom - top)
    ]
    if len(cols) < 2 or cols[-1] - cols[0] < 6 or bottom - top < 6:
        raise SystemExit("no printed box found at %s" % (region, ))
    return (x0 + cols[0], y0 + top, x0 + cols[-1] + 1, y0 + bottom + 1)


def pen_line(draw, pts, width, ink, rng):
    """A hand stroke: the polyline subdivided and jittered, thicker in the middle."""
    path = []
    for (xa, ya), (xb, yb) in zip(pts, pts[1:]):
        n = 7
        for i in range(n):
            t = i / n
            j = width * 0.35
            path.append(
                (xa + (xb - xa) * t + rng.uniform(-j, j), ya + (yb - ya) * t + rng.uniform(-j, j)))
    path.append(pts[-1])
    draw.line(path, fill=ink, width=width, joint="curve")
    mid = path[len(path) // 4:3 * len(path) // 4]
    draw.line([(x + 0.6, y + 0.4) for x, y in mid], fill=ink, width=width, joint="curve")


def draw_pen_ticks(page_imgs, pdf, dpi, kind, marks, rng, ink):
    """Draw a ✓ or X stroke into each printed box whose mark is True (terms, public, partner,
    guide)."""
    boxes = printed_boxes(pdf)
    if len(boxes) != 4:
        raise SystemExit("%s: expected 4 printed boxes, found %d" % (pdf, len(boxes)))
    scale = dpi / 72.0
    for (page, x0, y0, x1, y1), on in zip(boxes, marks):
        if not on:
            continue
        img = page_imgs[page]
        region = (int(x0 * scale) - 2, int(y0 * scale) - 2, int(x1 * scale) + 3,
                  int(y1 * scale) + 3)
        bx0, by0, bx1, by1 = ink_bounds(img.convert("L"), region)
        w, hgt = bx1 - bx0, by1 - by0
        width = max(3, round(dpi / 42.0 + rng.uniform(-0.5, 0.8)))
        d = ImageDraw.Draw(img)

        def p(fx, fy, j=0.08):
            return (bx0 + w * (fx + rng.uniform(-j, j)), by0 + hgt * (fy + rng.uniform(-j, j)))

        if kind == "pen_check":
            # A tick: a short stroke down into the box, a long one up and out past its top right.
            stroke = [p(0.05, 0.45), p(0.25, 0.7), p(0.42, 0.95), p(0.75, 0.35), p(1.25, -0.4)]
            pen_line(d, stroke, width, ink, rng)
        else:
            # A cross bigger than the box, a little off centre, as a hand draws it.
            dx, dy = rng.uniform(-0.12, 0.12), rng.uniform(-0.1, 0.1)
            down = [p(-0.12 + dx, -0.1 + dy), p(0.5 + dx, 0.52 + dy), p(1.12 + dx, 1.12 + dy)]
            up = [p(1.1 + dx, -0.14 + dy), p(0.48 + dx, 0.5 + dy), p(-0.08 + dx, 1.1 + dy)]
            pen_line(d, down, width, ink, rng)
            pen_line(d, up, width, ink, rng)


def degrade_scan(src, dst, s, seed):
    """An office scanner: slight skew, optics blur, sensor noise, dust, grey paper and ink."""
    img = Image.open(src)
    w, hgt = img.size
    dust = Image.new("L", (w, hgt), 255)
    rng = random.Random(seed)
    d = ImageDraw.Draw(dust)
    for _ in range(s["speckle"]):
        x, y, r = rng.uniform(0, w), rng.uniform(0, hgt), rng.uniform(0.6, 1.8) * s["dpi"] / 150
        d.ellipse([x - r, y - r, x + r, y + r], fill=rng.randint(40, 150))
    dust_path = dst + ".dust.png"
    dust.save(dust_path)
    lo, hi = s["ink"] / 255 * 100, s["paper"] / 255 * 100
    run(["convert", src, "-colorspace", "Gray",
         dust_path, "-compose", "Multiply", "-composite",
         "-background", "white", "-rotate", "%.2f" % s["angle"],
         "-gravity", "center", "-extent", "%dx%d" % (w, hgt),
         "-blur", "0x%.2f" % s["blur"],
         "-seed", str(seed), "-attenuate", "%.2f" % s["noise"], "+noise", "Gaussian",
         "+level", "%.1f%%,%.1f%%" % (lo, hi),
         "-depth", "8", "-strip", "-define", "png:exclude-chunks=date,time", dst])
    os.remove(dust_path)


def degrade_photo(src, dst, s, seed, colour):
    """A phone camera: paper tint, tilt, keystone perspective on a desk, uneven light, noise."""
    img = Image.open(src)
    w, hgt = img.size
    bw, bh = int(w * 0.06), int(hgt * 0.05)
    W, H = w + 2 * bw, hgt + 2 * bh
    k = s["keystone"]
    # Page corners after the border, moved so the top edge is narrower (camera tilted back).
    pts = [(bw, bh, bw + w * k, bh + hgt * k * 0.6),
           (bw + w, bh, bw + w - w * k * 0.7, bh + hgt * k * 0.3),
           (bw, bh + hgt, bw - w * k * 0.3, bh + hgt),
           (bw + w, bh + hgt, bw + w + w * k * 0.2, bh + hgt - hgt * k * 0.2)]
    persp = " ".join("%.1f,%.1f %.1f,%.1f" % p for p in pts)
    sh = s["shade"]
    light = "0,0 gray%d %d,0 gray%d 0,%d gray%d %d,%d gray%d" % (
        100, W, int(100 - sh * 40), H, int(100 - sh * 60), W, H, int(100 - sh * 100))
    desk = "#5d5048"
    cmd = ["convert", src, "-colorspace", "sRGB", "-type", "TrueColor",
           "(", "+clone", "-fill", "#efe7d6", "-colorize", "100", ")",
           "-compose", "Multiply", "-composite",
           "-bordercolor", desk, "-compose", "Over", "-border", "%dx%d" % (bw, bh),
           "-background", desk, "-virtual-pixel", "background", "-rotate", "%.2f" % s["angle"],
           "-gravity", "center", "-extent", "%dx%d" % (W, H),
           "+distort", "Perspective", persp,
           "-gravity", "center", "-extent", "%dx%d" % (W, H),
           "(", "+clone", "-sparse-color", "Bilinear", light, ")",
           "-compose", "Multiply", "-composite",
           "-blur", "0x%.2f" % s["blur"],
           "-seed", str(seed), "-attenuate", "%.2f" % s["noise"], "+noise", "Gaussian"]
    if not colour:
        cmd += ["-colorspace", "Gray"]
    cmd += ["-depth", "8", "-strip", "-define", "png:exclude-chunks=date,time", dst]
    run(cmd)


def to_jpeg(src, dst, quality, dpi, grey=True, extra=()):
    run(["convert", src] + (["-colorspace", "Gray"] if grey else []) + list(extra)
        + ["-density", str(dpi), "-units", "PixelsPerInch", "-strip",
           "-quality", str(quality), dst])


def make_scan(c, pdf, work):
    s = c["scan"]
    dpi = s["dpi"]
    stem = os.path.join(work, "page")
    pages = rasterise(pdf, dpi, stem)
    if len(pages) != c["pages"]:
        raise SystemExit("%s: LibreOffice printed %d pages, the case says %d" %
                         (c["file"], len(pages), c["pages"]))
    rng = random.Random(c["seed"])
    photo = c["out"] in ("photo", "photo_png")
    if c["ticks"].startswith("pen_"):
        colour = c["out"] == "photo"
        imgs = [Image.open(p).convert("RGB" if colour else "L") for p in pages]
        a = c["a"]
        marks = [a["terms"], a["service"] in ("public", "both"),
                 a["service"] in ("partner", "both"), a["guide"]]
        ink = (28, 38, 120) if colour else 35
        draw_pen_ticks(imgs, pdf, dpi, c["ticks"], marks, rng, ink)
        for img, p in zip(imgs, pages):
            img.save(p)
    degraded = []
    for i, p in enumerate(pages):
        dst = os.path.join(work, "degraded-%d.png" % i)
        if photo:
            degrade_photo(p, dst, s, c["seed"] * 10 + i, colour=c["out"] == "photo")
        else:
            degrade_scan(p, dst, s, c["seed"] * 10 + i)
        degraded.append(dst)
    return degraded


def package(c, degraded, dest, work):
    s = c["scan"]
    dpi, out = s["dpi"], c["out"]
    if out == "img2pdf":
        jpgs = []
        for i, p in enumerate(degraded):
            j = os.path.join(work, "page-%d.jpg" % i)
            to_jpeg(p, j, s["quality"], dpi)
            jpgs.append(j)
        with open(dest, "wb") as fh:
            fh.write(img2pdf.convert(jpgs, nodate=True))
        # img2pdf draws a new /ID each run
        pin_pdf(dest, PDF_DATE, pdf_id_for(c["file"]), renumber=True)
    elif out in ("g4pdf", "g4tif"):
        tif = dest if out == "g4tif" else os.path.join(work, "scan.tif")
        run(["convert"] + degraded
            + ["-threshold", "55%", "-type", "bilevel", "-compress", "Group4",
               "-density", str(dpi), "-units", "PixelsPerInch", "-strip", tif])
        if out == "g4pdf":
            run(["tiff2pdf", "-p", "A4", "-c", "KONICA MINOLTA bizhub C458", "-o", dest, tif])
            pin_pdf(dest, PDF_DATE, pdf_id_for(c["file"]), renumber=True)
    elif out == "greytif":
        run(["convert", degraded[0], "-colorspace", "Gray", "-compress", "LZW",
             "-density", str(dpi), "-units", "PixelsPerInch", "-strip", dest])
    elif out in ("png", "photo_png"):
        run(["convert", degraded[0], "-colorspace", "Gray", "-depth", "8",
             "-density", str(dpi), "-units", "PixelsPerInch", "-strip",
             "-define", "png:exclude-chunks=date,time", dest])
    elif out == "png16":
        # Scaled a hair at 16 bits so the file holds real 16-bit values, not 8-bit ones times 257.
        run(["convert", degraded[0], "-colorspace", "Gray", "-depth", "16",
             "-evaluate", "multiply", "0.9985",
             "-define", "png:bit-depth=16", "-define", "png:color-type=0",
             "-density", str(dpi), "-units", "PixelsPerInch", "-strip",
             "-define", "png:exclude-chunks=date,time", dest])
    elif out == "cmyk":
        to_jpeg(degraded[0], dest, 70, dpi, grey=False, extra=["-colorspace", "CMYK"])
    elif out == "photo":
        # The camera stores the sensor's pixels and says in EXIF how to turn them for viewing.
        turn = {1: [], 6: ["-rotate", "-90"], 8: ["-rotate", "90"]}[s["orientation"]]
        to_jpeg(degraded[0], dest, 72, 72, grey=False, extra=turn + ["-sampling-factor", "2x2"])
        run(["exiftool", "-q", "-overwrite_original", "-n", "-Orientation=%d" % s["orientation"],
             "-Make=Apple", "-Model=iPhone 13", "-Software=17.3.1",
             "-DateTimeOriginal=2026:03:09 18:22:41",
             "-XResolution=72", "-YResolution=72", "-ResolutionUnit=2", dest])
        # A viewer that honours EXIF must see the upright page (not sideways, not upside down).
        upright = Image.open(degraded[0]).convert("L").resize((60, 80))
        shown = ImageOps.exif_transpose(Image.open(dest)).convert("L")
        if shown.width > shown.height:
            raise SystemExit("%s: EXIF orientation does not turn the photo upright" % dest)
        shown = shown.resize((60, 80))

        def diff(img):
            return sum(abs(a - b) for a, b in zip(upright.tobytes(), img.tobytes())) / (60 * 80)

        if not diff(shown) < diff(shown.rotate(180)):
            raise SystemExit("%s: EXIF orientation shows the photo upside down" % dest)
    else:
        raise ValueError(out)


# --------------------------------------------------------------------------------------------
# Mails
# --------------------------------------------------------------------------------------------


def logo_png():
    img = Image.new("RGB", (220, 56), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([4, 6, 48, 50], fill=(0, 92, 132))
    d.polygon([(12, 42), (26, 14), (40, 42)], fill=(255, 200, 40))
    d.text((58, 14), "Productivity", fill=(0, 92, 132))
    d.text((58, 30), "Commission", fill=(0, 92, 132))
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def build_mail(name, c, path):
    spec = MAILS[name]
    data = open(path, "rb").read()
    how = spec["how"]
    if how in ("outlook", "gmail", "apple"):
        m = client_mail(how, spec["sender"], spec["subject"], spec["date"], spec["body"],
                        [(c["file"], data)], seed=name)
    else:
        m = new_mail(spec["sender"], spec["subject"], format_datetime(spec["date"]), spec["msgid"])
        m.set_content(spec["body"])
        if how == "logo":
            cid = "image001.png@01DCDB7A.5E3F1C20"
            m.add_alternative(
                "<html><body><p>Good morning,</p><p>Please find our registration form attached "
                "(photo).</p><p>Kind regards,<br>Dr Samuel Adeyemi<br>Productivity Commission</p>"
                "<p><img src=\"cid:%s\" alt=\"Productivity Commission\" width=\"220\" "
                "height=\"56\"></p></body></html>" % cid, subtype="html")
            m.get_payload()[1].add_related(logo_png(), maintype="image", subtype="png",
                                           cid="<%s>" % cid, disposition="inline",
                                           filename="image001.png")
        maintype, subtype = mime_type_for(c["file"])
        m.add_attachment(data, maintype=maintype, subtype=subtype, filename=c["file"])
        pin_boundaries(m, "----=_NextPart_{tag}_{n:03d}_01DC8A2B", tag=name[:3].upper())
        for part in m.walk():
            if part is not m:
                del part["MIME-Version"]
    with open(os.path.join(SCANS, "mail", name), "wb") as fh:
        fh.write(m.as_bytes(policy=policy.SMTP))
    write_expected(os.path.join(SCANS, "expected"), name,
                   [record(c["file"], "ocr", c["flags"] + ["read_by_ocr"], c["t"])])


# --------------------------------------------------------------------------------------------
# Hostile images (hand-written bytes where no tool will write them)
# --------------------------------------------------------------------------------------------


def png_chunk(kind, data):
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def png_file(width, height, bit_depth, colour_type, row, palette=None):
    """A PNG whose every row is the same bytes, compressed as one zlib stream, streamed. Rows of
    zero bytes compress best (deflate's limit is about 1,030 to 1)."""
    comp = zlib.compressobj(9)
    parts = []
    line = b"\x00" + row
    for _ in range(height):
        parts.append(comp.compress(line))
    parts.append(comp.flush())
    idat = b"".join(parts)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    chunks = [png_chunk(b"IHDR", ihdr)]
    if palette:
        chunks.append(png_chunk(b"PLTE", palette))
    for i in range(0, len(idat), 1 << 20):
        chunks.append(png_chunk(b"IDAT", idat[i:i + (1 << 20)]))
    chunks.append(png_chunk(b"IEND", b""))
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def tiff_pages(count, loop=False):
    """A little-endian TIFF of `count` 1x1 bilevel pages sharing one strip byte (loop: the last
    IFD points back to the first)."""
    entries = 6
    ifd_size = 2 + entries * 12 + 4
    first = 8
    strip = first + count * ifd_size
    out = bytearray(b"II*\x00" + struct.pack("<I", first))
    for i in range(count):
        nxt = first + (i + 1) * ifd_size if i + 1 < count else (first if loop else 0)
        out += struct.pack("<H", entries)
        # width, height, compression none, white is zero, strip offset, strip byte count
        for tag, typ, val in ((256, 3, 1), (257, 3, 1), (259, 3, 1), (262, 3, 0),
                              (273, 4, strip), (279, 4, 1)):
            out += struct.pack("<HHII", tag, typ, 1, val)
        out += struct.pack("<I", nxt)
    out += b"\x00"
    return bytes(out)


def patch_sof(jpeg, width, height):
    """Rewrite the frame header's size (SOF0/SOF2), leaving the scan data as it was."""
    data = bytearray(jpeg)
    i = 2
    while i < len(data) - 9:
        if data[i] != 0xFF:
            raise SystemExit("JPEG marker expected")
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            data[i + 5:i + 9] = struct.pack(">HH", height, width)
            return bytes(data)
        i += 2 + length
    raise SystemExit("no SOF marker")


HOSTILE_CASES = [
    ("huge_60000x60000.png", "unreadable_attachment",
     "60,000 × 60,000 1-bit palette PNG, all white: 3.6 gigapixels (14 GB as RGBA) in 440 KB"),
    ("bomb_rgba_9000x9000.png", "unreadable_attachment",
     "decompression bomb: 9,000 × 9,000 RGBA (transparent), 81 megapixels (under a common "
     "89-megapixel cap), inflating to 324 MB from 315 KB"),
    ("one_pixel.png", "scanned_without_text", "a 1 × 1 image"),
    ("pages_10000.tif", "unreadable_attachment",
     "a TIFF with 10,000 pages (1 × 1 each, one shared strip byte)"),
    ("ifd_loop.tif", "unreadable_attachment",
     "a TIFF whose second page's next-page link points back to the first"),
    ("jpeg_claims_50000x50000.jpg", "unreadable_attachment",
     "a 240 × 320 JPEG whose frame header claims 50,000 × 50,000"),
    ("jpeg_claims_16x16_holds_1600.jpg", "scanned_without_text",
     "a 1,600 × 1,600 JPEG whose frame header claims 16 × 16 (decodes as a tiny image, the "
     "rest is surplus)"),
    ("cmyk_adobe.jpg", "scanned_without_text",
     "a CMYK JPEG (Adobe APP14) of a blank grey page, no form"),
    ("rgba_16bit.png", "scanned_without_text", "a 16-bit RGBA PNG (gradient), no form"),
    ("truncated.jpg", "unreadable_attachment",
     "a JPEG of a blank grey page cut off a third of the way into its entropy-coded data"),
]


def build_hostile(work):
    forms = os.path.join(HOSTILE, "forms")
    w = lambda name, data: open(os.path.join(forms, name), "wb").write(data)
    w("huge_60000x60000.png",
      png_file(60000, 60000, 1, 3, bytes(7500), palette=b"\xff\xff\xff\x00\x00\x00"))
    w("bomb_rgba_9000x9000.png", png_file(9000, 9000, 8, 6, bytes(4 * 9000)))
    w("one_pixel.png", png_file(1, 1, 8, 0, b"\xff"))
    w("pages_10000.tif", tiff_pages(10000))
    w("ifd_loop.tif", tiff_pages(2, loop=True))
    small = os.path.join(work, "small.jpg")
    run(["convert", "-size", "240x320", "gradient:white-gray80", "-quality", "80", "-strip", small])
    w("jpeg_claims_50000x50000.jpg", patch_sof(open(small, "rb").read(), 50000, 50000))
    big = os.path.join(work, "big.jpg")
    run(["convert", "-size", "1600x1600", "-seed", "5", "plasma:gray90-gray60",
         "-colorspace", "Gray", "-quality", "50", "-strip", big])
    w("jpeg_claims_16x16_holds_1600.jpg", patch_sof(open(big, "rb").read(), 16, 16))
    run(["convert", "-size", "800x1100", "xc:gray92",
         "-seed", "7", "-attenuate", "0.2", "+noise", "Gaussian",
         "-colorspace", "CMYK", "-quality", "60", "-strip", os.path.join(forms, "cmyk_adobe.jpg")])
    run(["convert", "-size", "600x600", "gradient:#ffffff-#c0c8d0", "-alpha", "set",
         "-depth", "16", "-strip", "-define", "png:exclude-chunks=date,time",
         os.path.join(forms, "rgba_16bit.png")])
    page = os.path.join(work, "page.jpg")
    run(["convert", "-size", "1240x1754", "xc:gray93",
         "-seed", "9", "-attenuate", "0.3", "+noise", "Gaussian",
         "-colorspace", "Gray", "-quality", "60", "-strip", page])
    data = open(page, "rb").read()
    sos = data.index(b"\xff\xda")
    w("truncated.jpg", data[:sos + (len(data) - sos) // 3])
    for name, flag, _ in HOSTILE_CASES:
        write_expected(os.path.join(HOSTILE, "expected"), name,
                       [record(name, "none", [flag], EMPTY)])


# --------------------------------------------------------------------------------------------
# Checks and README
# --------------------------------------------------------------------------------------------


def check_scan_file(path):
    """Open the file with the tool family that made it; return a one-line description."""
    ext = os.path.splitext(path)[1].lower()
    if ext == ".pdf":
        pages = pdf_pages(path)
        lst = run(["pdfimages", "-list", path]).decode().splitlines()[2:]
        encs = sorted({l.split()[8] for l in lst})
        if len(lst) != pages:
            raise SystemExit("%s: %d images on %d pages" % (path, len(lst), pages))
        text = run(["pdftotext", path, "-"]).decode().strip()
        if text:
            raise SystemExit("%s: has a text layer" % path)
        return "PDF, %d page(s), images: %s" % (pages, ",".join(encs))
    fmt = "%m %wx%h %[colorspace] %z-bit %C|"
    out = run(["identify", "-format", fmt, path]).decode().rstrip("|").split("|")
    return "%d frame(s): %s" % (len(out), out[0])


def check_hostile_file(path):
    """What the file claims, read with the tools (identify -ping, tiffinfo) or from its header."""
    name = os.path.basename(path)
    with open(path, "rb") as fh:
        head = fh.read(64)
    if head.startswith(b"\x89PNG"):
        w, h, depth, ctype = struct.unpack(">IIBB", head[16:26])
        return "PNG header %dx%d, %d-bit, colour type %d" % (w, h, depth, ctype)
    if name.endswith(".tif"):
        r = subprocess.run(["tiffinfo", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        dirs = r.stdout.count(b"TIFF Directory at offset")
        said = r.stderr.decode().strip().splitlines()
        return "tiffinfo: %d directories%s" % (dirs, ", " + said[-1][:80] if said else "")
    r = subprocess.run(["identify", "-ping", "-format", "%m %wx%h %[colorspace]", path],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return "identify -ping: %s" % (r.stdout.decode().strip() or r.stderr.decode().strip()[:100])


def check_mail(path):
    with open(path, "rb") as fh:
        msg = BytesParser(policy=policy.default).parse(fh)
    return "mail: " + ", ".join(
        "%s%s" % (p.get_content_type(), " " + repr(p.get_filename()) if p.get_filename() else "")
        for p in msg.walk() if not p.is_multipart())


def tool_versions():
    """One line per tool, as the tools report themselves."""

    def said(cmd, pattern=None):
        try:
            r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        except OSError:
            return "?"
        text = r.stdout.decode("utf-8", "replace")
        if pattern:
            m = re.search(pattern, text)
            return m.group(0) if m else "?"
        return text.strip().splitlines()[0] if text.strip() else "?"

    return [said(["soffice", "--version"]), said(["pdftoppm", "-v"]), said(["convert", "-version"]),
            "img2pdf " + img2pdf.__version__, "Pillow " + Image.__version__,
            "tiff2pdf (" + said(["tiff2pdf"], r"LIBTIFF, Version [\d.]+") + ")",
            "exiftool " + said(["exiftool", "-ver"]), said(["qpdf", "--version"]),
            "Python " + sys.version.split()[0]]


def main():
    require_tools("make_scans.py", "soffice", "pdfinfo", "pdftoppm", "pdftotext", "pdfimages",
                  "convert", "identify", "tiff2pdf", "tiffinfo", "exiftool", "qpdf")
    for d in (SCANS, HOSTILE):
        for sub in ("forms", "mail", "expected"):
            shutil.rmtree(os.path.join(d, sub), ignore_errors=True)
        os.makedirs(os.path.join(d, "forms"), exist_ok=True)
        os.makedirs(os.path.join(d, "expected"), exist_ok=True)
    os.makedirs(os.path.join(SCANS, "mail"), exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="make_scans_") as tmp:
        doc_dir = os.path.join(tmp, "documents")
        os.makedirs(doc_dir)
        srcs = []
        for i, c in enumerate(CASES):
            src = os.path.join(doc_dir, "case%02d.fodt" % i)
            open(src, "w", encoding="utf-8").write(form_fodt(c))
            srcs.append(src)
        inv_src = os.path.join(doc_dir, "invoice.fodt")
        open(inv_src, "w", encoding="utf-8").write(invoice_fodt())
        srcs.append(inv_src)
        with Office(FONTS) as office:
            office.convert(srcs, "pdf:writer_pdf_Export", doc_dir)
        for i, c in enumerate(CASES):
            work = os.path.join(tmp, "case%02d" % i)
            os.makedirs(work)
            degraded = make_scan(c, os.path.join(doc_dir, "case%02d.pdf" % i), work)
            if c["where"] == "forms":
                dest = os.path.join(SCANS, "forms", c["file"])
                package(c, degraded, dest, work)
                write_expected(os.path.join(SCANS, "expected"), c["file"],
                               [record(c["file"], "ocr", c["flags"] + ["read_by_ocr"], c["t"])])
            else:
                dest = os.path.join(work, c["file"])
                package(c, degraded, dest, work)
                build_mail(c["where"], c, dest)
                mail = os.path.join(SCANS, "mail", c["where"])
                print("%-45s %s" % (c["where"], check_mail(mail)))
            print("%-45s %s" % (c["file"], check_scan_file(dest)))
        inv = dict(file=INVOICE, pages=1, ticks="typed", out="img2pdf", seed=40, a={},
                   scan=dict(SCAN, dpi=200, angle=0.6))
        work = os.path.join(tmp, "invoice")
        os.makedirs(work)
        degraded = make_scan(inv, os.path.join(doc_dir, "invoice.pdf"), work)
        dest = os.path.join(SCANS, "forms", INVOICE)
        package(inv, degraded, dest, work)
        write_expected(os.path.join(SCANS, "expected"), INVOICE,
                       [record(INVOICE, "none", ["scanned_without_text"], EMPTY)])
        print("%-45s %s" % (INVOICE, check_scan_file(dest)))
        hw = os.path.join(tmp, "hostile")
        os.makedirs(hw)
        build_hostile(hw)
        for name, _, _ in HOSTILE_CASES:
            print("%-45s %s" % (name, check_hostile_file(os.path.join(HOSTILE, "forms", name))))
    write_readmes(tool_versions())


def folder_mb(path, allow=()):
    """The folder's size for the README; warns about any file over 500 KB not in `allow`."""
    return "%.1f MB" % (folder_size_report(Path(path), 500_000, allow) / 1e6)


def flag_cell(flags):
    return ", ".join("`%s`" % f for f in flags) if flags else "— (clean)"


SCANS_README_HEAD = """# Scanned and photographed forms

Typed-then-scanned registration forms, made the way applicants make them: the official form typed
into in LibreOffice (answers typed, ticks typed as ☒, ✓, ✔ or X in the boxes, or the boxes left
empty for a pen), printed to PDF, rasterised with poppler at 150, 200 or 300 dpi, pen ticks drawn
into the printed boxes (Pillow: a thick, jittered polyline, ✓ or X, overshooting the box as a
hand does), then degraded with ImageMagick like an office scanner (skew of ±0.4–2°, optics blur,
sensor grain, dust specks, grey paper and ink, JPEG artefacts) or a phone camera (paper tint,
tilt, keystone perspective on a desk, one darker corner). Everything here is written by
`scripts/make_scans.py`; nothing is hand-edited. No file has a text layer: every answer must be
read from pixels.

- `forms/`: single documents (what `regintake check FILE` reads): image-only PDFs, JPEG, PNG, TIFF.
- `mail/`: one `.eml` per mail, the scan attached as `application/pdf`, `image/jpeg` or `image/png`.
- `expected/<file name>.json`: the truth for every file in `forms/` and `mail/`.

## The expected files are the truth, not OCR's output

Each expected file is written from the case table in the script (`CASES`: what each applicant
typed and ticked, and by hand the record a careful reviewer writes down per SPEC v2). They were
never produced by running regintake or by reading Tesseract's output; a name typed with a
diacritic (`Mr Tomasz Wiśniewski`) is recorded as typed even where OCR may drop the accent.

- Every record read from an image has `source` `ocr` and the flag `read_by_ocr`, plus every
  flag its answers earn (same rules as the other sets: see `fixtures/README.md`).
- `invoice_scan_200dpi.pdf` is a scanned page that is **not** the form (a supplier's tax
  invoice). Judgement call: source `none`, only `scanned_without_text`, every field empty
  (SPEC: an image that OCR finds no form on stays `scanned_without_text`; as nothing was read
  from it, `ocr` would claim answers that are not there).
- `m03` carries an inline signature logo (`multipart/related`, referenced from the HTML body by
  `cid:`) beside the attached photo: the logo is not a form and gets no record.
- The form's closing paragraph names coding.service.registration@abs.gov.au: that is the
  service's address, never the applicant's contact email.

## Files

| file | source | flags (besides `read_by_ocr`) | shape | answers |
|---|---|---|---|---|
"""

HOSTILE_README = """# Hostile images

Images built to exhaust a reader: pixel counts in the billions, decompression bombs, endless or
looping page lists, headers that lie, unusual colour models, data cut short. Written by
`scripts/make_scans.py` (hand-written bytes where no tool writes such a file; ImageMagick for the
rest). Each is tiny on disk compared with what it claims. Reading any of them must stay within
the worker's time and memory limits and end in one flagged row at worst; the main process must
never crash.

`expected/` holds one record per file: source `none`, every field empty, one flag. Which flag is
a judgement call, made as follows (if the reader engineers settle on the other safe outcome for
a file, change `HOSTILE_CASES` in the script and regenerate):

- `unreadable_attachment` where the file cannot be decoded within sane limits or is corrupt
  (SPEC: "corrupt, over a size limit"): the giant, the bomb, 10,000 pages, the IFD loop, a
  header claiming 50,000 × 50,000, the truncated JPEG.
- `scanned_without_text` where the image decodes fine but holds no form (SPEC: an image that
  OCR finds no form on): the 1-pixel image, the CMYK and 16-bit images, and the JPEG whose header
  claims 16 × 16 (decoders read the 16 × 16 it claims and ignore the surplus data).

| file | expected flag | what it is |
|---|---|---|
"""


SCANS_README_TAIL = """
{records} form records ({in_forms} in `forms/`, {in_mails} in mails) plus the invoice; {clean} of
the {records} are clean apart from `read_by_ocr`.

## Shapes covered

- Layouts: the official paragraph layout (label, answer on the next line, `[ ____ ]` blanks filled
  or left, the box before or after each statement) and a two-column table layout (label | answer;
  statement | tick cell). Fonts: Liberation Serif/Sans, DejaVu Serif/Sans, Nimbus Sans, C059, P052,
  URW Bookman; some answers typed in a different font from the form.
- Ticks typed: ☒/☐, [X]/[ ], [✓]/[ ], ✔ over the box, ✓ or X alone in a tick cell. Ticks drawn:
  pen ✓ and pen X strokes (dark grey on scans, blue ink on the colour photo) in printed ☐ boxes.
- Image-only PDFs: img2pdf with one grey JPEG (DCT) per page, 150/200/300 dpi, quality 30–60;
  CCITT Group 4 bilevel TIFF wrapped by tiff2pdf (the G4 stream kept: `pdfimages -list` says
  `ccitt`), 200/300 dpi. Two-page forms in both kinds.
- Image files: multi-page G4 TIFF; grey LZW TIFF; grey 8-bit PNG; 16-bit grey PNG; CMYK JPEG;
  phone-style colour JPEGs with EXIF Orientation 6 (stored rotated: turn 90° clockwise to view)
  and 8 (turn 90° anticlockwise), and one upright with keystone perspective and a shadowed
  corner; a phone-style grey PNG with uneven light.
- Mails: a copier's scan-to-email PDF; Apple Mail sending the photo as an inline part between
  two text parts; Outlook and Gmail attachments (shaped by `fixturelib.client_mail`; Gmail gives
  the PNG a Content-ID too, yet nothing refers to it: it is an attachment, not an inline image);
  and a photo beside a logo the HTML body does show by its cid:.
- Skew from −2.0° to +1.9°; lossy files carry sensor grain, lossless ones only blur and dust (a
  scanner's own clean-up, and it keeps them small).

## Regenerate

```sh
apt-get install -y libreoffice-writer-nogui poppler-utils imagemagick libtiff-tools qpdf \\
    libimage-exiftool-perl fonts-dejavu-core fonts-opensymbol fonts-liberation2 fonts-urw-base35
pip install pillow img2pdf
python3 scripts/make_scans.py
```

The script wipes and rewrites `forms/`, `mail/` and `expected/` here and in
`fixtures/scans-hostile/`, and opens every file it wrote with the matching tool (`pdfinfo`,
`pdfimages -list`, `pdftotext` to prove there is no text layer, ImageMagick's `identify`, a
mail parser). LibreOffice sees only the fonts listed in the script. Seeds, dates, Message-IDs
and MIME boundaries are fixed; img2pdf's and tiff2pdf's PDFs get pinned dates and
`qpdf --deterministic-id`, so with the same tool versions a rebuild gives the same bytes.

Made with:

{versions}

Size: {size} for this folder (no file over 500 KB).
"""


def write_readmes(versions):
    rows = []
    mails = []
    for c in CASES:
        flags = flag_cell(c["flags"])
        if c["where"] == "forms":
            rows.append("| `%s` | `ocr` | %s | %s | %s |"
                        % (c["file"], flags, c["shape"], c["note"]))
        else:
            mails.append("| `%s` | `%s` | `ocr` | %s | %s; %s |"
                         % (c["where"], c["file"], flags, c["shape"], c["note"]))
    rows.append("| `%s` | `none` | `scanned_without_text` only (no `read_by_ocr`) | img2pdf "
                "grey JPEG, 200 dpi: a supplier's tax invoice | not the form; all fields empty |"
                % INVOICE)
    mails = ["", "## Mails", "",
             "| mail | attachment (as sent) | source | flags (besides `read_by_ocr`) | shape |",
             "|---|---|---|---|---|"] + mails
    tail = SCANS_README_TAIL.format(
        records=len(CASES), in_forms=sum(1 for c in CASES if c["where"] == "forms"),
        in_mails=sum(1 for c in CASES if c["where"] != "forms"),
        clean=sum(1 for c in CASES if not c["flags"]),
        versions="\n".join("- " + v for v in versions),
        size=folder_mb(SCANS))
    with open(os.path.join(SCANS, "README.md"), "w", encoding="utf-8") as fh:
        fh.write("\n".join([SCANS_README_HEAD.rstrip("\n")] + rows + mails) + "\n" + tail)
    hrows = ["| `%s` | `%s` | %s |" % (name, flag, what) for name, flag, what in HOSTILE_CASES]
    with open(os.path.join(HOSTILE, "README.md"), "w", encoding="utf-8") as fh:
        fh.write(HOSTILE_README + "\n".join(hrows) + "\n\nSize: %s for this folder.\n"
                 % folder_mb(HOSTILE, allow=("pages_10000.tif",)))


if __name__ == "__main__":
    main()
