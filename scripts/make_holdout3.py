#!/usr/bin/env python3
"""Make fixtures/holdout3/: registration forms and mails in the shapes applicants send.

Independent hold-out set: the shapes, wordings and applicants are invented here without reading
the reader, to measure how it generalises. Files are made with the tools applicants use
(LibreOffice, reportlab, pypdf, qpdf, poppler, ImageMagick, img2pdf, Python's email package, a
TNEF writer following MS-OXTNEF) and the expected JSON is written from the case table below, where
every expected value and flag was reasoned by hand from SPEC v2 (never by running regintake).

Run from the repository root:  python3 scripts/make_holdout3.py
Needs: soffice (LibreOffice Writer), qpdf, pdftoppm/pdftotext (poppler), ImageMagick 6 `convert`,
img2pdf, and the Python packages reportlab, pypdf, tnefparse (only to check the winmail.dat files).
"""

import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
from email import charset as email_charset
from email import encoders
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "holdout3"
CONVERT = shutil.which("convert-im6.q16") or "/usr/bin/convert"
FIXED_PDF_DATE = "D:20260302090000+11'00'"
REG_ADDR = "coding.service.registration@abs.gov.au"

# --------------------------------------------------------------------------------------------
# The official wording (seed/registration-form.txt)
# --------------------------------------------------------------------------------------------
TITLE = "Occupation Coding Service Registration Form"
TERMS = ("I have read, understand, and agree to be legally bound by the Terms of Use of the "
         "Australian Bureau of Statistics Occupation Coding Service.")
PUBLIC = "Public coding service (1 API call per second and up to 1,000 calls per day)."
PUBLIC_HELP = ("Select this service if you require real-time single record coding services, ad hoc "
               "coding, or real-time coding of small batches of data (up to 300 records).")
PARTNER = ("Partner coding service (Large batch coding, and real-time coding (1 API call per "
           "second and up to 10,000 real-time calls per day)).")
PARTNER_HELP = ("Select this service if you require single record, small batch and large dataset "
                "processing (up to millions of records). You must also provide a static agency IP "
                "address or range of addresses for allowlisting (not a local, personal, "
                "workstation or dynamic IP address):")
USE_INTRO = "Please indicate the approximate maximum number per day in a peak period of:"
REC_LABEL = "records you expect to code:"
CALLS_LABEL = "API calls (batch or single record requests) you expect to make:"
USE_NOTE = ("Your expected use will inform the ABS expectation of your fair use, as defined in the "
            "Terms of Use.")
GUIDE = ("I agree to read and follow the API integration instructions in the Occupation Coding "
         "Service User Guide.")
CRED = ("The ABS will aim to provide you with client credentials to use the service within five "
        "business days (Monday to Friday, excluding public holidays). While we strive to meet this "
        "timeframe, response times may vary depending on demand.")
SEND = ("On completion, please send this registration form to "
        "coding.service.registration@abs.gov.au.")
FOOT = ("For more information about the Coding Service, see ABS Whole of Australian Government "
        "Occupation Coding Service | Australian Bureau of Statistics.")

# --------------------------------------------------------------------------------------------
# The case table: each applicant's answers AS WRITTEN, and by hand the record a careful reviewer
# writes per SPEC v2 (fields, flags sorted). service: "public" | "partner" | "both" | None.
# --------------------------------------------------------------------------------------------
FIELD_ORDER = ["full_name", "organisation", "contact_email", "terms_accepted", "service",
               "ip_allowlist", "expected_records_per_day", "expected_api_calls_per_day",
               "user_guide_agreed"]


def app(key, name, org, email, terms, service, ip, records, calls, guide, exp, flags):
    """One applicant: answers as written plus the hand-written expected record."""
    assert list(flags) == sorted(flags), key
    fields = dict(zip(FIELD_ORDER, exp))
    return dict(key=key, name=name, org=org, email=email, terms=terms, service=service, ip=ip,
                records=records, calls=calls, guide=guide, fields=fields, flags=list(flags))


Y, N = "yes", "no"
APPS = {a["key"]: a for a in [
    # ---- bare form documents ----
    app("okonkwo", "Dr Miriam Okonkwo-Hale", "Murray-Darling Basin Health Analytics Unit",
        "m.okonkwo-hale@mdbhau.org.au", True, "partner", "131.242.16.0/24", "20,000", "2,500", True,
        ["Dr Miriam Okonkwo-Hale", "Murray-Darling Basin Health Analytics Unit",
         "m.okonkwo-hale@mdbhau.org.au", Y, "partner", "131.242.16.0/24", "20000", "2500", Y], []),
    app("wierzbicki", "Tomasz Wierzbicki", "Coastal Fisheries Research Cooperative",
        "T.Wierzbicki@CFRC.net.au", True, "partner", "10.44.0.0/24, 139.130.4.5", "approx. 2k",
        "600", True,
        ["Tomasz Wierzbicki", "Coastal Fisheries Research Cooperative", "t.wierzbicki@cfrc.net.au",
         Y, "partner", "10.44.0.0/24; 139.130.4.5", "2000", "600", Y], ["non_public_ip"]),
    app("ngata", "Aroha Ngata-Whitfield",
        "Department of Regional Workforce Planning and Skills Development "
        "(Northern Territory Office)",
        "aroha.ngata-whitfield@drwpsd.nt.gov.au", True, "public", "", "800", "1,200", False,
        ["Aroha Ngata-Whitfield",
         "Department of Regional Workforce Planning and Skills Development "
         "(Northern Territory Office)",
         "aroha.ngata-whitfield@drwpsd.nt.gov.au", Y, "public", "", "800", "1200", N],
        ["calls_exceed_records", "exceeds_public_limit", "user_guide_not_agreed"]),
    app("raghunathan", "Siddharth Raghunathan", "Kestrel Labour Market Insights Pty Ltd",
        "sid@kestrel-lmi.com.au", True, "partner", "2001:388:c0a5::/48", "1.5 million", "9,500",
        True,
        ["Siddharth Raghunathan", "Kestrel Labour Market Insights Pty Ltd",
         "sid@kestrel-lmi.com.au",
         Y, "partner", "2001:388:c0a5::/48", "1500000", "9500", Y], []),
    app("fitzgerald", "Prof. Eleanor Fitzgerald-Mbeki",
        "Centre for Longitudinal Studies of Employment Transitions, School of Economics and Public "
        "Policy, University of the Southern Tablelands",
        "e.fitzgerald-mbeki@ust.edu.au", True, "partner",
        "165.228.112.0/26; 165.228.113.10; 2407:8800:bc61:1300::/56", "2,000-4,000", "3,000", True,
        ["Prof. Eleanor Fitzgerald-Mbeki",
         "Centre for Longitudinal Studies of Employment Transitions, School of Economics and "
         "Public Policy, University of the Southern Tablelands",
         "e.fitzgerald-mbeki@ust.edu.au", Y, "partner",
         "165.228.112.0/26; 165.228.113.10; 2407:8800:bc61:1300::/56", "4000", "3000", Y], []),
    app("papadimitriou", "Grace Papadimitriou", "Hellenic Australian Community Services",
        "grace.p@hacs.org.au", True, "public", "N/A", "300", "300", False,
        ["Grace Papadimitriou", "Hellenic Australian Community Services", "grace.p@hacs.org.au", Y,
         "public", "", "300", "300", N], ["user_guide_not_agreed"]),
    app("mcallister", "Mr Hamish McAllister", "Tasman Freight Logistics Group",
        "hamish.mcallister@@tasmanfreight.com.au", True, "partner", "203.12.160.10 - 203.12.160.40",
        "50,000", "12,000", True,
        ["Mr Hamish McAllister", "Tasman Freight Logistics Group", "", Y, "partner",
         "203.12.160.10-203.12.160.40", "50000", "12000", Y],
        ["exceeds_partner_limit", "invalid_contact_email"]),
    app("nguyen", "Nguyen Thi Lan", "Western Sydney Migrant Resource Hub",
        "lan.nguyen@wsmrh.org.au",
        True, "both", "150.203.44.17", "1,000", "400", True,
        ["Nguyen Thi Lan", "Western Sydney Migrant Resource Hub", "lan.nguyen@wsmrh.org.au", Y, "",
         "150.203.44.17", "1000", "400", Y], ["multiple_services_selected"]),
    app("achterberg", "Bronwyn Achterberg", "Riverina Agricultural Employment Survey",
        "bronwyn.achterberg@raes.org.au", True, "partner", "202.14.81.0/28", "25000", "5000", True,
        ["Bronwyn Achterberg", "Riverina Agricultural Employment Survey",
         "bronwyn.achterberg@raes.org.au", Y, "partner", "202.14.81.0/28", "25000", "5000", Y],
        ["read_by_ocr"]),
    app("asante", "Kwame Asante", "Ashanti Data Cooperative", "kwame@ashantidata.coop", True,
        "public", "", "TBC", "200", True,
        ["Kwame Asante", "Ashanti Data Cooperative", "kwame@ashantidata.coop", Y, "public", "", "",
         "200", Y], ["invalid_expected_records", "read_by_ocr"]),
    app("solberg", "Ingrid Solberg", "Nordic-Australian Trade Council",
        "ingrid.solberg@natc.org.au",
        True, "partner", "100.72.15.3", "8,000", "8,000", True,
        ["Ingrid Solberg", "Nordic-Australian Trade Council", "ingrid.solberg@natc.org.au", Y,
         "partner", "100.72.15.3", "8000", "8000", Y], ["non_public_ip", "read_by_ocr"]),
    app("brennan", "Oliver Brennan-Tse", "Inner North Youth Employment Network",
        "oliver.bt@inyen.org.au", True, "public", "", "approx. 500", "approx. 500", True,
        ["Oliver Brennan-Tse", "Inner North Youth Employment Network", "oliver.bt@inyen.org.au", Y,
         "public", "", "500", "500", Y], []),
    app("taufa", "Mele Taufa", "Pacific Islands Labour Mobility Secretariat",
        "mele.taufa@pilms.org.fj", True, "partner", "10.1.1.256", "3,000", "3,000", True,
        ["Mele Taufa", "Pacific Islands Labour Mobility Secretariat", "mele.taufa@pilms.org.fj", Y,
         "partner", "", "3000", "3000", Y], ["invalid_ip"]),
    app("johansson", "Anders Johansson", "Baltic Maritime Workforce Institute",
        "anders.johansson@bmwi.se", True, "partner", "194.47.250.0/25", "7,000", "700", True,
        ["Anders Johansson", "Baltic Maritime Workforce Institute", "anders.johansson@bmwi.se", Y,
         "partner", "194.47.250.0/25", "7000", "700", Y], []),
    # ---- mails ----
    app("dubois", "Chloé Dubois-Martin", "Agence Franco-Australienne de Recherche Sociale",
        "chloe.dubois-martin@afars.org", True, "partner", "2402:7800:10::25", "10k", "2k", True,
        ["Chloé Dubois-Martin", "Agence Franco-Australienne de Recherche Sociale",
         "chloe.dubois-martin@afars.org", Y, "partner", "2402:7800:10::25", "10000", "2000", Y],
         []),
    app("parata", "Rangi Parata", "Whanganui River Communities Trust", "rangi@wrct.org.nz", True,
        "public", "N/A", "5,000", "1,500", False,
        ["Rangi Parata", "Whanganui River Communities Trust", "rangi@wrct.org.nz", Y, "public", "",
         "5000", "1500", N], ["exceeds_public_limit", "user_guide_not_agreed"]),
    app("pemberton", "Lachlan Pemberton", "Goldfields Mining Skills Council",
        "lachlan.pemberton@gmsc.com.au", True, "partner", "139.168.22.0/24", "15,000", "3,000",
        True,
        ["Lachlan Pemberton", "Goldfields Mining Skills Council", "lachlan.pemberton@gmsc.com.au",
        Y,
         "partner", "139.168.22.0/24", "15000", "3000", Y], []),
    app("haddad", "Farah Haddad", "Levant Settlement Services Inc.", "farah.haddad@lss.org.au",
        True, "public", "", "600", "450", True,
        ["Farah Haddad", "Levant Settlement Services Inc.", "farah.haddad@lss.org.au", Y, "public",
         "", "600", "450", Y], []),
    app("volkov", "Dmitri Volkov", "Alpine Energy Workforce Analytics", "d.volkov@aewa.com.au",
        True, "partner", "198.51.100.0/24", "40,000", "4,000", True,
        ["Dmitri Volkov", "Alpine Energy Workforce Analytics", "d.volkov@aewa.com.au", Y, "partner",
         "198.51.100.0/24", "40000", "4000", Y], ["non_public_ip"]),
    app("chakraborty", "Sunita Chakraborty", "Bengal Diaspora Research Network",
        "sunita.c@bdrn.org", True, None, "", "2,000", "100", True,
        ["Sunita Chakraborty", "Bengal Diaspora Research Network", "sunita.c@bdrn.org", Y, "", "",
         "2000", "100", Y], ["service_not_selected"]),
    app("lindqvist", "Dr Beatrix Lindqvist-Oyelaran", "Australian Institute for Skills Forecasting",
        "b.lindqvist@aisf.edu.au", True, "partner", "144.6.0.0 - 144.6.255.255",
        "about 1.2 million", "around 6,000", True,
        ["Dr Beatrix Lindqvist-Oyelaran", "Australian Institute for Skills Forecasting",
         "b.lindqvist@aisf.edu.au", Y, "partner", "144.6.0.0-144.6.255.255", "1200000", "6000", Y],
        ["ip_range_too_broad"]),
    app("whitlock", "Jarrah Whitlock", "Whitlock Consulting", "jarrah.whitlock(at)gmail.com", True,
        "partner", "120.155.23.8", "2,000", "2,500", False,
        ["Jarrah Whitlock", "Whitlock Consulting", "", Y, "partner", "120.155.23.8", "2000", "2500",
         N], ["calls_exceed_records", "dynamic_ip", "invalid_contact_email",
              "user_guide_not_agreed"]),
    app("kowalczyk", "Agnieszka Kowalczyk", "Polish Community Council of Victoria",
        "a.kowalczyk@pccv.org.au", True, "partner", "172.20.1.0/24", "3,500", "900", True,
        ["Agnieszka Kowalczyk", "Polish Community Council of Victoria", "a.kowalczyk@pccv.org.au",
        Y,
         "partner", "172.20.1.0/24", "3500", "900", Y], ["non_public_ip"]),
    app("oyelowo", "Benedict Oyelowo", "", "ben.oyelowo@health.wa.gov.au", True, "public", "",
        "1,000", "1,000", True,
        ["Benedict Oyelowo", "", "ben.oyelowo@health.wa.gov.au", Y, "public", "", "1000", "1000",
        Y],
        ["missing_organisation"]),
    app("leblanc", "Marguerite Leblanc", "Francophone Statistical Exchange of Oceania",
        "marguerite.leblanc@fseo.org", True, "partner", "fd12:3456:789a::/48", "", "750", True,
        ["Marguerite Leblanc", "Francophone Statistical Exchange of Oceania",
         "marguerite.leblanc@fseo.org", Y, "partner", "fd12:3456:789a::/48", "", "750", Y],
        ["missing_expected_records", "non_public_ip"]),
    app("tanabe", "Hiroshi Tanabe", "Pacific Rim Occupational Research Institute",
        "h.tanabe@prori.jp", True, "partner", "2404:6000::/32", "250K", "10,000", True,
        ["Hiroshi Tanabe", "Pacific Rim Occupational Research Institute", "h.tanabe@prori.jp", Y,
         "partner", "2404:6000::/32", "250000", "10000", Y], ["ip_range_too_broad"]),
    app("nkosi", "Precious Nkosi", "Gauteng-Australia Skills Partnership", "", False, "partner", "",
        "5,000", "500", True,
        ["Precious Nkosi", "Gauteng-Australia Skills Partnership", "", N, "partner", "", "5000",
         "500", Y], ["missing_contact_email", "missing_ip_allowlist", "terms_not_accepted"]),
    app("fraser", "Callum Fraser", "Highlands & Islands Labour Observatory",
        "callum.fraser@hilo.scot", True, "partner", "185.24.88.0/24", "12,000", "1,200", True,
        ["Callum Fraser", "Highlands & Islands Labour Observatory", "callum.fraser@hilo.scot", Y,
         "partner", "185.24.88.0/24", "12000", "1200", Y], ["read_by_ocr"]),
    app("alrashid", "Yasmin Al-Rashid", "Gulf Coast Employment Research Centre",
        "yasmin.alrashid@gcerc.org", True, "public", "", "approx. 2k", "1.5k", True,
        ["Yasmin Al-Rashid", "Gulf Coast Employment Research Centre", "yasmin.alrashid@gcerc.org",
        Y,
         "public", "", "2000", "1500", Y], ["exceeds_public_limit", "read_by_ocr"]),
    app("odriscoll", "Sean O'Driscoll", "Munster Regional Development Agency",
        "sean.odriscoll@mrda.ie", False, "partner", "192.0.2.44", "6,000", "6,000", True,
        ["Sean O'Driscoll", "Munster Regional Development Agency", "sean.odriscoll@mrda.ie", N,
         "partner", "192.0.2.44", "6000", "6000", Y],
        ["non_public_ip", "read_by_ocr", "terms_not_accepted"]),
    app("zhang", "Wei Zhang", "Northern Beaches Council", "wei.zhang@nbc.nsw.gov.au", True,
        "partner", "203.2.218.0/24", "3,000", "300", True,
        ["Wei Zhang", "Northern Beaches Council", "wei.zhang@nbc.nsw.gov.au", Y, "partner",
         "203.2.218.0/24", "3000", "300", Y], []),
    app("venkataraman", "Priya Venkataraman", "Northern Beaches Council", "priya.v@nbc.nsw.gov.au",
        True, "public", "", "200", "50", True,
        ["Priya Venkataraman", "Northern Beaches Council", "priya.v@nbc.nsw.gov.au", Y, "public",
        "",
         "200", "50", Y], []),
    app("achebe", "Rosalind Achebe", "Lagos-Perth Education Trust", "rosalind@lpet.org.au", True,
        "partner", "to be confirmed", "1,000 to 3,000", "TBC", True,
        ["Rosalind Achebe", "Lagos-Perth Education Trust", "rosalind@lpet.org.au", Y, "partner", "",
         "3000", "", Y], ["invalid_expected_calls", "invalid_ip"]),
    app("gallagher", "Eamon Gallagher", "Gallagher Research & Analytics",
        "eamon@gallagher-research.ie", True, "partner",
        "58.96.12.140 (assigned by DHCP, may change)",
        "4,500", "2,000", True,
        ["Eamon Gallagher", "Gallagher Research & Analytics", "eamon@gallagher-research.ie", Y,
         "partner", "58.96.12.140", "4500", "2000", Y], ["dynamic_ip"]),
    app("mueller", "Jürgen Müller", "Deutsch-Australisches Institut für Arbeitsmarktforschung",
        "juergen.mueller@daia.de", True, "partner", "141.30.0.0/16", "1,000,000", "8,000", True,
        ["Jürgen Müller", "Deutsch-Australisches Institut für Arbeitsmarktforschung",
         "juergen.mueller@daia.de", Y, "partner", "141.30.0.0/16", "1000000", "8000", Y],
        ["ip_range_too_broad"]),
    app("nakamura", "Tom Nakamura", "Kyogle Shire Council", "tom.nakamura@kyogle.nsw.gov.au", True,
        "public", "", "50", "50", True,
        ["Tom Nakamura", "Kyogle Shire Council", "tom.nakamura@kyogle.nsw.gov.au", Y, "public", "",
         "50", "50", Y], []),
    app("tnq", "", "Tropical North Queensland Tourism Research Unit", "research@tnqtru.com.au",
        True,
        None, "", "3k", "", True,
        ["", "Tropical North Queensland Tourism Research Unit", "research@tnqtru.com.au", Y, "", "",
         "3000", "", Y], ["missing_expected_calls", "missing_full_name", "service_not_selected"]),
    app("rossi", "Isabella Rossi",
        "Italo-Australian Welfare Association of South Australia Incorporated",
        "ISABELLA.ROSSI@IAWASA.ORG.AU", True, "partner", "202.158.214.0/24\n2001:df0:2c0::/48",
        "0.5 million", "7,500", True,
        ["Isabella Rossi", "Italo-Australian Welfare Association of South Australia Incorporated",
         "isabella.rossi@iawasa.org.au", Y, "partner", "202.158.214.0/24; 2001:df0:2c0::/48",
         "500000", "7500", Y], []),
    app("mensah", "Kofi Mensah-Bonsu", "Accra-Melbourne Trade Data Services", "kofi@amtds.com.au",
        True, "public", "", "900", "950", True,
        ["Kofi Mensah-Bonsu", "Accra-Melbourne Trade Data Services", "kofi@amtds.com.au", Y,
         "public", "", "900", "950", Y], ["calls_exceed_records"]),
    app("hrytsenko", "Oksana Hrytsenko",
        "Ukrainian Community Services Association of New South Wales",
        "oksana.hrytsenko@ucsansw.org.au", True, "partner", "131.170.4.0/23, 131.170.8.20", "9,000",
        "950", True,
        ["Oksana Hrytsenko", "Ukrainian Community Services Association of New South Wales",
         "oksana.hrytsenko@ucsansw.org.au", Y, "partner", "131.170.4.0/23; 131.170.8.20", "9000",
         "950", Y], ["ip_range_too_broad"]),
    app("karimi", "Ahmad Karimi", "Dari Language Services", "ahmad.karimi@dls@gmail.com", True,
        "partner", "169.254.33.7", "3.5k", "350", True,
        ["Ahmad Karimi", "Dari Language Services", "", Y, "partner", "169.254.33.7", "3500", "350",
         Y], ["invalid_contact_email", "non_public_ip"]),
    app("goldstein", "Rebecca Goldstein", "Goldstein & Partners Economic Consulting",
        "rgoldstein@gpec.com.au", True, "partner", "118.127.45.0/24", "approx. 20,000", "4,000",
        True,
        ["Rebecca Goldstein", "Goldstein & Partners Economic Consulting", "rgoldstein@gpec.com.au",
        Y,
         "partner", "118.127.45.0/24", "20000", "4000", Y], []),
]}

NO_FORM = {"attachment": "", "source": "none", "flags": ["no_form_found"],
           "fields": {k: "" for k in FIELD_ORDER}}


def record(key, source, attachment=""):
    a = APPS[key]
    return {"attachment": attachment, "source": source, "flags": a["flags"],
            "fields": {k: a["fields"][k] for k in FIELD_ORDER}}


# --------------------------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------------------------
def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, **kw)
    if r.returncode != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{r.stderr.decode(errors='replace')}")
    return r.stdout


WORK = Path(tempfile.mkdtemp(prefix="holdout3-"))
LO_PROFILE = WORK / "lo-profile"


def soffice(src: Path, target: str, infilter: str | None = None) -> Path:
    """Convert one file with LibreOffice; `target` is e.g. 'pdf:writer_pdf_Export'."""
    outdir = WORK / ("lo-" + target.split(":")[0])
    outdir.mkdir(exist_ok=True)
    cmd = ["soffice", f"-env:UserInstallation=file://{LO_PROFILE}", "--headless", "--norestore"]
    if infilter:
        cmd += [f"--infilter={infilter}"]
    cmd += ["--convert-to", target, "--outdir", str(outdir), str(src)]
    run(cmd)
    out = outdir / (src.stem + "." + target.split(":")[0])
    if not out.exists():
        sys.exit(f"LibreOffice made no {out}")
    return out


def html_to(html: str, stem: str, target: str) -> Path:
    src = WORK / f"{stem}.html"
    src.write_text(html, encoding="utf-8")
    return soffice(src, target, infilter="HTML (StarWriter)")


PDF_EXPORT = 'pdf:writer_pdf_Export'
PDF_EXPORT_FIELDS = 'pdf:writer_pdf_Export:{"ExportFormFields":{"type":"boolean","value":"true"}}'


def pin_pdf(src: Path, dst: Path, producer=None, flatten=False):
    """Pin the PDF's dates and id (qpdf --deterministic-id), optionally flattening annotations."""
    import pypdf
    r = pypdf.PdfReader(str(src))
    w = pypdf.PdfWriter(clone_from=r)
    meta = {"/CreationDate": FIXED_PDF_DATE, "/ModDate": FIXED_PDF_DATE}
    if producer:
        meta["/Producer"] = producer
    w.add_metadata(meta)
    # the producer's random /ID (qpdf --deterministic-id keeps its first half)
    fixed = pypdf.generic.ByteStringObject(dst.name.encode("utf-8")[:16].ljust(16, b"0"))
    w._ID = pypdf.generic.ArrayObject([fixed, fixed])
    tmp = WORK / (dst.name + ".pinned.pdf")
    with open(tmp, "wb") as f:
        w.write(f)
    cmd = ["qpdf", "--deterministic-id"]
    if flatten:
        cmd += ["--generate-appearances", "--flatten-annotations=all"]
    run(cmd + [str(tmp), str(dst)])


def pdf_bytes_pinned(src: Path, name: str, **kw) -> bytes:
    dst = WORK / ("pinned-" + name)
    pin_pdf(src, dst, **kw)
    return dst.read_bytes()


def marks(a):
    """(terms, public, partner, guide) ticked?"""
    s = a["service"]
    return a["terms"], s in ("public", "both"), s in ("partner", "both"), a["guide"]


def h(text):
    return escape(text).replace("\n", "<br>")


# --------------------------------------------------------------------------------------------
# Word-processor documents (HTML opened in LibreOffice Writer, then saved as PDF/DOC/RTF)
# --------------------------------------------------------------------------------------------
DOC_HEAD = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<meta name="author" content="{author}"><style>
body {{ font-family: '{font}'; font-size: {size}pt; }}
h1 {{ font-size: {hsize}pt; }} h2 {{ font-size: {h2size}pt; margin-top: 8pt; margin-bottom: 2pt; }}
td {{ vertical-align: top; font-size: {size}pt; }}
p {{ margin-top: 2pt; margin-bottom: 3pt; }}
</style></head><body>
"""


def doc_head(title="Registration form", author="", font="Liberation Sans", size=10):
    return DOC_HEAD.format(title=escape(title), author=escape(author), font=font, size=size,
                           hsize=size + 6, h2size=size + 2)


def tick_glyph(on_glyph, off_glyph, font="DejaVu Sans"):
    """A tick box as HTML: the glyph (raw HTML: a character or an entity) in the given font."""
    def tick(on):
        g = on_glyph if on else off_glyph
        if not g:
            return "&nbsp;"
        return f"<span style=\"font-family:'{font}'\">{g}</span>"
    return tick


def doc_table_layout(a, tick, labels=("Full name", "Organisation", "Contact email"),
                     ip_label="Static IP address(es) for allowlisting",
                     rec_label="Records you expect to code per day (peak)",
                     calls_label="API calls you expect to make per day (peak)", note=""):
    """Two-column table: label cell / answer cell; tick cell / statement cell."""
    t, pu, pa, g = marks(a)
    rows = [f"<tr><td width='35%'><b>{h(lab)}</b></td><td>{h(val)}</td></tr>"
            for lab, val in zip(labels, (a["name"], a["org"], a["email"]))]
    box = "<tr><td width='8%' align='center'>{}</td><td>{}</td></tr>"
    out = [f"<h1>{h(TITLE)}</h1>", note,
           "<h2>Your Details</h2><table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           *rows, "</table>",
           "<h2>Terms of Use</h2><table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           box.format(tick(t), h(TERMS)), "</table>",
           "<h2>Service required</h2>",
           "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           box.format(tick(pu), f"{h(PUBLIC)}<br><i>{h(PUBLIC_HELP)}</i>"),
           box.format(tick(pa), f"{h(PARTNER)}<br><i>{h(PARTNER_HELP)}</i>"), "</table>",
           "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           f"<tr><td width='35%'><b>{h(ip_label)}</b></td><td>{h(a['ip'])}</td></tr></table>",
           "<h2>Your expected use</h2><p>" + h(USE_INTRO) + "</p>",
           "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           f"<tr><td width='35%'>{h(rec_label)}</td><td>{h(a['records'])}</td></tr>",
           f"<tr><td>{h(calls_label)}</td><td>{h(a['calls'])}</td></tr></table>",
           f"<p><i>{h(USE_NOTE)}</i></p>",
           "<h2>User Guide agreement</h2>",
           "<table border='1' cellspacing='0' cellpadding='4' width='100%'>",
           box.format(tick(g), h(GUIDE)), "</table>",
           f"<h2>Provision of client credentials</h2><p>{h(CRED)}</p><p>{h(SEND)}</p>"]
    return "\n".join(out)


def doc_official_layout(a, tick, blank=False):
    """The official form's own layout: labels with the answer below, boxes before statements,
    bracketed blanks for IP and numbers (filled in, or left as underscores when blank)."""
    t, pu, pa, g = marks(a)

    def ans(v, width=30):
        if blank:
            return ""
        return h(v)

    def bracket(v, width):
        if blank or not v:
            return "[ " + "_" * width + " ]"
        return "[ " + h(v) + " ]"
    out = [f"<h1>{h(TITLE)}</h1>", "<h2>Your Details</h2>"]
    for lab, v in (("Full name", a["name"]), ("Organisation", a["org"]),
                   ("Contact email", a["email"])):
        out.append(f"<p style='margin-left:1cm'><b>{lab}</b></p>")
        out.append(f"<p style='margin-left:1cm'>{ans(v) or '&nbsp;'}</p>")
    out += ["<h2>Terms of Use</h2>", f"<p>{tick(t)} {h(TERMS)}</p>",
            "<h2>Service required</h2>", f"<p>{tick(pu)} {h(PUBLIC)}</p>",
            f"<p style='margin-left:0.8cm'>{h(PUBLIC_HELP)}</p>",
            f"<p>{tick(pa)} {h(PARTNER)}</p>",
            f"<p style='margin-left:0.8cm'>{h(PARTNER_HELP)} {bracket(a['ip'], 45)}</p>",
            "<h2>Your expected use</h2>", f"<p>{h(USE_INTRO)}</p>",
            f"<p style='margin-left:0.8cm'>&#183; {h(REC_LABEL)} {bracket(a['records'], 18)}</p>",
            f"<p style='margin-left:0.8cm'>&#183; {h(CALLS_LABEL)} {bracket(a['calls'], 14)}</p>",
            f"<p>{h(USE_NOTE)}</p>",
            "<h2>User Guide agreement</h2>", f"<p>{tick(g)} {h(GUIDE)}</p>",
            "<h2>Provision of client credentials</h2>", f"<p>{h(CRED)}</p>",
            f"<p style='margin-left:1cm'>{h(SEND)}</p>", f"<p><small>{h(FOOT)}</small></p>"]
    return "\n".join(out)


def doc_html(a, layout, tick, author="", font="Liberation Sans", size=10, **kw):
    body = layout(a, tick, **kw)
    return doc_head(author=author, font=font, size=size) + body + "\n</body></html>\n"


# --------------------------------------------------------------------------------------------
# Word 97-2003 form with legacy form fields (FORMCHECKBOX, FORMTEXT): a flat ODT with
# LibreOffice fieldmarks, saved by LibreOffice as "MS Word 97" (.doc) — what a Word template
# with "Legacy Tools" check boxes looks like once filled and saved in the old format.
# --------------------------------------------------------------------------------------------
FODT_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:field="urn:openoffice:names:experimental:ooo-ms-interop:xmlns:field:1.0"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><meta:creation-date>2026-02-23T10:15:00</meta:creation-date>
<dc:date>2026-03-02T08:40:00</dc:date><meta:initial-creator>{author}</meta:initial-creator>
<dc:creator>{author}</dc:creator><dc:title>{title}</dc:title></office:meta>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.12cm"/>
<style:text-properties style:font-name="Liberation Sans" fo:font-family="'Liberation Sans'" fo:font-size="10.5pt"/></style:default-style>
<style:style style:name="Heading" style:family="paragraph"><style:text-properties fo:font-size="15pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Section" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.3cm"/><style:text-properties fo:font-size="12pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Indent" style:family="paragraph"><style:paragraph-properties fo:margin-left="1.2cm"/></style:style>
</office:styles>
<office:automatic-styles>
<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="17cm" table:align="left"/></style:style>
<style:style style:name="TblA" style:family="table-column"><style:table-column-properties style:column-width="5cm"/></style:style>
<style:style style:name="TblB" style:family="table-column"><style:table-column-properties style:column-width="12cm"/></style:style>
<style:style style:name="Cell" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #000000"/></style:style>
</office:automatic-styles>
<office:body><office:text>
"""


CELL_OPEN = ('<table:table-cell table:style-name="Cell" office:value-type="string">'
             '<text:p>')


def fodt_escape(s):
    return escape(s, quote=True)


class Fodt:
    def __init__(self, author, title):
        self.parts = [FODT_HEAD.format(author=fodt_escape(author), title=fodt_escape(title))]
        self.n = 0

    def checkbox(self, on):
        self.n += 1
        checked = "true" if on else "false"
        return (f'<field:fieldmark text:name="Check{self.n}" '
                f'field:type="vnd.oasis.opendocument.field.FORMCHECKBOX">'
                f'<field:param field:name="Checkbox_Checked" field:value="{checked}"/>'
                f'</field:fieldmark>')

    def formtext(self, value):
        self.n += 1
        # Word's empty legacy text field shows five en spaces
        v = fodt_escape(value) if value else "\u2002" * 5
        return (f'<field:fieldmark-start text:name="Text{self.n}" '
                f'field:type="vnd.oasis.opendocument.field.FORMTEXT"/>{v}<field:fieldmark-end/>')

    def p(self, inner, style=None):
        st = f' text:style-name="{style}"' if style else ""
        self.parts.append(f"<text:p{st}>{inner}</text:p>")

    def table(self, rows):
        self.parts.append('<table:table table:name="Details" table:style-name="Tbl">'
                          '<table:table-column table:style-name="TblA"/>'
                          '<table:table-column table:style-name="TblB"/>')
        for a, b in rows:
            self.parts.append(
                '<table:table-row>'
                f'{CELL_OPEN}{a}</text:p></table:table-cell>'
                f'{CELL_OPEN}{b}</text:p></table:table-cell>'
                '</table:table-row>')
        self.parts.append("</table:table>")

    def text(self):
        return "".join(self.parts) + "</office:text></office:body></office:document>\n"


def legacy_fields_doc(a, stem, formtext):
    """A Word 97 form with legacy check boxes; answers typed in FORMTEXT fields or as text."""
    d = Fodt(author=a["name"] or "Registration", title=TITLE)
    t, pu, pa, g = marks(a)
    ans = (lambda v: d.formtext(v)) if formtext else (lambda v: fodt_escape(v))
    d.p(fodt_escape(TITLE), "Heading")
    d.p("Your Details", "Section")
    d.table([("Full name", ans(a["name"])), ("Organisation", ans(a["org"])),
             ("Contact email", ans(a["email"]))])
    d.p("Terms of Use", "Section")
    d.p(d.checkbox(t) + " " + fodt_escape(TERMS))
    d.p("Service required", "Section")
    d.p(d.checkbox(pu) + " " + fodt_escape(PUBLIC))
    d.p(fodt_escape(PUBLIC_HELP), "Indent")
    d.p(d.checkbox(pa) + " " + fodt_escape(PARTNER))
    d.p(fodt_escape(PARTNER_HELP), "Indent")
    d.p("IP address or range: " + ans(a["ip"]), "Indent")
    d.p("Your expected use", "Section")
    d.p(fodt_escape(USE_INTRO))
    d.p("\u00b7 " + fodt_escape(REC_LABEL) + " " + ans(a["records"]), "Indent")
    d.p("\u00b7 " + fodt_escape(CALLS_LABEL) + " " + ans(a["calls"]), "Indent")
    d.p(fodt_escape(USE_NOTE))
    d.p("User Guide agreement", "Section")
    d.p(d.checkbox(g) + " " + fodt_escape(GUIDE))
    d.p("Provision of client credentials", "Section")
    d.p(fodt_escape(CRED))
    d.p(fodt_escape(SEND), "Indent")
    src = WORK / f"{stem}.fodt"
    src.write_text(d.text(), encoding="utf-8")
    return soffice(src, "doc:MS Word 97").read_bytes()


# --------------------------------------------------------------------------------------------
# Printed PDFs made with reportlab (what a form-builder or a "print to PDF" of a retyped form
# gives): narrow tables with wrapped answers, tick glyphs, drawn boxes and drawn check marks.
# --------------------------------------------------------------------------------------------
def reportlab_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    for name, path in (("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                       ("DejaVuSans-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
                       ("DejaVuSerif", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
                       ("FreeSerif", "/usr/share/fonts/truetype/freefont/FreeSerif.ttf"),
                       ("FreeMono", "/usr/share/fonts/truetype/freefont/FreeMono.ttf")):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path))


def rl_invariant():
    from reportlab import rl_config
    rl_config.invariant = 1


def narrow_table_pdf(a, path, tick_on="\u2714", tick_off="", font="DejaVuSans", answer_cm=5.6,
                     title_note="Please complete every section and return to the ABS."):
    """A one-page printed table: No. | question | narrow answer column that wraps long answers."""
    rl_invariant()
    reportlab_fonts()
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    t, pu, pa, g = marks(a)
    st = ParagraphStyle("c", fontName=font, fontSize=8.5, leading=10.5)
    sb = ParagraphStyle("b", parent=st, fontName="DejaVuSans-Bold")
    tk = ParagraphStyle("t", parent=st, fontSize=13, leading=15, alignment=1)
    hd = ParagraphStyle("h", fontName="DejaVuSans-Bold", fontSize=14, leading=17)

    def P(x, s=st):
        return Paragraph(escape(x).replace("\n", "<br/>"), s)

    def T(on):
        return P(tick_on if on else tick_off, tk)
    rows = [[P("No.", sb), P("Question", sb), P("Answer", sb)],
            [P("1"), P("Full name"), P(a["name"])],
            [P("2"), P("Organisation"), P(a["org"])],
            [P("3"), P("Contact email"), P(a["email"])],
            [P("4"), P("Terms of Use: " + TERMS), T(t)],
            [P("5"), P(PUBLIC + " " + PUBLIC_HELP), T(pu)],
            [P("6"), P(PARTNER + " " + PARTNER_HELP[:PARTNER_HELP.index(" You must")]), T(pa)],
            [P("7"), P("Static agency IP address or range of addresses for allowlisting "
                       "(partner service; not a local, personal, workstation or dynamic IP "
                       "address)"), P(a["ip"])],
            [P("8"), P("Expected use - records you expect to code per day (peak period)"),
             P(a["records"])],
            [P("9"), P("Expected use - API calls (batch or single record requests) per day "
                       "(peak period)"), P(a["calls"])],
            [P("10"), P("User Guide agreement: " + GUIDE), T(g)]]
    tbl = Table(rows, colWidths=[1.0 * cm, 17.0 * cm - 1.0 * cm - answer_cm * cm, answer_cm * cm])
    tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.black),
                             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde4ee")),
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=1.6 * cm, bottomMargin=1.6 * cm, title=TITLE,
                            author=a["name"], creator="Form builder")
    doc.build([P(TITLE, hd), Spacer(1, 4), P(title_note), Spacer(1, 8), tbl, Spacer(1, 10),
               P(USE_NOTE), Spacer(1, 6), P(CRED), Spacer(1, 6), P(SEND)])


def wrap_words(c, text, font, size, width):
    from reportlab.pdfbase.pdfmetrics import stringWidth
    lines, cur = [], ""
    for w in text.split():
        nxt = (cur + " " + w).strip()
        if stringWidth(nxt, font, size) > width and cur:
            lines.append(cur)
            cur = w
        else:
            cur = nxt
    if cur:
        lines.append(cur)
    return lines


def drawn_boxes_pdf(a, path, mark="stroke", font="Helvetica", answer_font="Helvetica-Oblique"):
    """A printed form with drawn square boxes; a ticked box has a check mark drawn with strokes
    (mark="stroke"), a typed X (mark="X"), or a ✓ glyph (mark="glyph")."""
    rl_invariant()
    reportlab_fonts()
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    t, pu, pa, g = marks(a)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(TITLE)
    c.setAuthor(a["name"])
    W, H = A4
    x0, y = 56, H - 60
    c.setFont(font + "-Bold" if font == "Helvetica" else font, 15)
    c.drawString(x0, y, TITLE)
    y -= 30

    def section(title):
        nonlocal y
        c.setFont("Helvetica-Bold", 11.5)
        c.drawString(x0, y, title)
        y -= 18

    def para(text, x, width, size=9):
        nonlocal y
        c.setFont(font, size)
        for line in wrap_words(c, text, font, size, width):
            c.drawString(x, y, line)
            y -= size + 2.5

    def answer_line(label, value):
        nonlocal y
        c.setFont(font, 10)
        c.drawString(x0 + 10, y, label)
        c.setLineWidth(0.5)
        c.line(x0 + 130, y - 2, W - 56, y - 2)
        c.setFont(answer_font, 10.5)
        width = W - 56 - x0 - 140
        for i, line in enumerate(wrap_words(c, value, answer_font, 10.5, width) or [""]):
            if i:
                y -= 14
                c.line(x0 + 130, y - 2, W - 56, y - 2)
            c.drawString(x0 + 134, y, line)
        y -= 20

    def box(on, text, help_text=""):
        nonlocal y
        bx, by = x0 + 8, y - 3
        c.setLineWidth(0.8)
        c.rect(bx, by, 11, 11)
        if on:
            if mark == "stroke":
                c.setLineWidth(1.8)
                p = c.beginPath()
                p.moveTo(bx + 2, by + 5.5)
                p.lineTo(bx + 4.5, by + 2)
                p.lineTo(bx + 10.5, by + 11.5)
                c.drawPath(p, stroke=1, fill=0)
            elif mark == "X":
                c.setFont("Helvetica-Bold", 11)
                c.drawString(bx + 2, by + 1.8, "X")
            else:
                c.setFont("DejaVuSans", 11)
                c.drawString(bx + 1, by + 1.5, "\u2713")
        para(text, x0 + 28, W - x0 - 28 - 56, 9.5)
        if help_text:
            para(help_text, x0 + 28, W - x0 - 28 - 56, 8.5)
        y -= 6

    section("Your Details")
    answer_line("Full name", a["name"])
    answer_line("Organisation", a["org"])
    answer_line("Contact email", a["email"])
    section("Terms of Use")
    box(t, TERMS)
    section("Service required")
    box(pu, PUBLIC, PUBLIC_HELP)
    box(pa, PARTNER, PARTNER_HELP)
    answer_line("IP address(es)", a["ip"])
    section("Your expected use")
    para(USE_INTRO, x0 + 10, W - x0 - 66)
    y -= 4
    answer_line("Records per day", a["records"])
    answer_line("API calls per day", a["calls"])
    para(USE_NOTE, x0 + 10, W - x0 - 66, 8.5)
    y -= 8
    section("User Guide agreement")
    box(g, GUIDE)
    section("Provision of client credentials")
    para(CRED, x0 + 10, W - x0 - 66, 8.5)
    y -= 4
    para(SEND, x0 + 10, W - x0 - 66, 8.5)
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------
# The form filled in on screen: a printed blank form with FreeText (typewriter) annotations
# that carry appearance streams, as Acrobat's Fill & Sign / typewriter or macOS Preview write
# them; ticks as ZapfDingbats check marks, typed X, or Ink strokes (Preview's sketch).
# --------------------------------------------------------------------------------------------
def blank_official_pdf(stem, font="Liberation Sans", size=10):
    html = doc_html({"name": "", "org": "", "email": "", "terms": False, "service": None,
                     "ip": "", "records": "", "calls": "", "guide": False},
                    doc_official_layout, tick_glyph("\u2610", "\u2610"), font=font, size=size,
                    blank=True)
    return html_to(html, stem, PDF_EXPORT)


def word_boxes(pdf: Path):
    """Words with their boxes (PDF user space, origin bottom-left), page by page."""
    html = run(["pdftotext", "-bbox", str(pdf), "-"]).decode("utf-8")
    pages = []
    for pm in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
        ph = float(pm.group(2))
        words = []
        for wm in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                              r'yMax="([\d.]+)">(.*?)</word>', pm.group(3)):
            x1, y1, x2, y2 = map(float, wm.groups()[:4])
            words.append((x1, ph - y2, x2, ph - y1, wm.group(5)))
        pages.append(words)
    return pages


def find_phrase(pages, phrase, nth=0):
    want = [escape(w, quote=False) for w in phrase.split()]
    hits = []
    for pi, words in enumerate(pages):
        for i in range(len(words) - len(want) + 1):
            if all(words[i + k][4] == want[k] for k in range(len(want))):
                seg = words[i:i + len(want)]
                hits.append((pi, min(w[0] for w in seg), min(w[1] for w in seg),
                             max(w[2] for w in seg), max(w[3] for w in seg)))
    return hits[nth]


def pdf_string(s: str) -> bytes:
    b = s.encode("cp1252")
    return b"(" + b.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


class Annotator:
    """Adds annotations with appearance streams to a PDF with pypdf."""

    def __init__(self, pdf: Path, author):
        import pypdf
        from pypdf.generic import NameObject
        self.pypdf = pypdf
        self.w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(pdf)))
        self.author = author
        self.n = 0
        g = pypdf.generic
        self.helv = self.w._add_object(g.DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding")}))
        self.zadb = self.w._add_object(g.DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/ZapfDingbats")}))

    def _stream(self, w, h, content: bytes, fonts):
        g = self.pypdf.generic
        N = g.NameObject
        s = g.StreamObject()
        s[N("/Type")] = N("/XObject")
        s[N("/Subtype")] = N("/Form")
        s[N("/BBox")] = g.ArrayObject([g.FloatObject(0), g.FloatObject(0), g.FloatObject(w),
                                       g.FloatObject(h)])
        res = g.DictionaryObject()
        if fonts:
            res[N("/Font")] = g.DictionaryObject({N(k): v for k, v in fonts.items()})
        s[N("/Resources")] = res
        s.set_data(content)
        return self.w._add_object(s)

    def _annot(self, page, subtype, rect, ap, extra):
        g = self.pypdf.generic
        N = g.NameObject
        self.n += 1
        d = g.DictionaryObject({
            N("/Type"): N("/Annot"), N("/Subtype"): N(subtype),
            N("/Rect"): g.ArrayObject([g.FloatObject(round(v, 2)) for v in rect]),
            N("/F"): g.NumberObject(4), N("/M"): g.TextStringObject("D:20260302093000+11'00'"),
            N("/NM"): g.TextStringObject(f"annot-{self.n:03d}"),
            N("/T"): g.TextStringObject(self.author),
            N("/AP"): g.DictionaryObject({N("/N"): ap})})
        d.update(extra)
        ref = self.w._add_object(d)
        pg = self.w.pages[page]
        if "/Annots" not in pg:
            pg[N("/Annots")] = g.ArrayObject()
        pg["/Annots"].append(ref)

    def text(self, page, x, y, value, size=10, typewriter=False, color=(0, 0, 0.6)):
        """A FreeText annotation whose baseline starts at (x, y)."""
        from reportlab.pdfbase.pdfmetrics import stringWidth
        g = self.pypdf.generic
        N = g.NameObject
        lines = value.split("\n")
        w = max(stringWidth(line, "Helvetica", size) for line in lines) + 4
        hgt = size * 1.25 * len(lines) + 2
        rgb = " ".join(f"{c:g}" for c in color)
        ops = [b"/Tx BMC q BT", f"{rgb} rg /Helv {size:g} Tf {size * 1.2:g} TL".encode(),
               f"2 {hgt - size - 1:g} Td".encode()]
        for i, line in enumerate(lines):
            ops.append(pdf_string(line) + (b" Tj" if i == 0 else b" '"))
        ops.append(b"ET Q EMC")
        ap = self._stream(w, hgt, b"\n".join(ops), {"/Helv": self.helv})
        top = y + hgt - size - 1
        extra = {N("/Contents"): g.TextStringObject(value),
                 N("/DA"): g.TextStringObject(f"{rgb} rg /Helv {size:g} Tf"),
                 N("/DS"): g.TextStringObject(f"font: Helvetica {size:g}pt; color: #000099"),
                 N("/BS"): g.DictionaryObject({N("/W"): g.NumberObject(0)}),
                 N("/Border"): g.ArrayObject([g.NumberObject(0)] * 3)}
        if typewriter:
            extra[N("/IT")] = N("/FreeTextTypewriter")
        self._annot(page, "/FreeText", (x - 2, y - (hgt - size - 1) - 0, x - 2 + w, top + size + 1),
                    ap, extra)

    def check_zapf(self, page, x, y, size=11):
        """Acrobat's check mark: ZapfDingbats '4' (✔) in a FreeText appearance."""
        g = self.pypdf.generic
        N = g.NameObject
        w = hgt = size + 2
        ap = self._stream(w, hgt, f"q BT 0 0 0 rg /ZaDb {size:g} Tf 1 2 Td (4) Tj ET Q".encode(),
                          {"/ZaDb": self.zadb})
        self._annot(page, "/FreeText", (x, y, x + w, y + hgt), ap, {
            N("/Contents"): g.TextStringObject("\u2714"),
            N("/DA"): g.TextStringObject(f"0 g /ZaDb {size:g} Tf"),
            N("/Border"): g.ArrayObject([g.NumberObject(0)] * 3)})

    def check_ink(self, page, x, y, size=11):
        """Preview's sketch: a check mark drawn as an Ink annotation."""
        g = self.pypdf.generic
        N = g.NameObject
        pts = [(0.15, 0.5), (0.4, 0.1), (0.95, 1.05)]
        ap = self._stream(size + 4, size + 6, (
            f"q 0 0 0.55 RG 1.6 w 1 J 1 j {2 + pts[0][0] * size:.2f} {2 + pts[0][1] * size:.2f} m "
            + " ".join(f"{2 + px * size:.2f} {2 + py * size:.2f} l" for px, py in pts[1:])
            + " S Q").encode(), None)
        ink = g.ArrayObject([g.ArrayObject(sum(([g.FloatObject(round(x + 2 + px * size, 2)),
                                                  g.FloatObject(round(y + 2 + py * size, 2))]
                                                 for px, py in pts), []))])
        self._annot(page, "/Ink", (x, y, x + size + 4, y + size + 6), ap, {
            N("/InkList"): ink, N("/C"): g.ArrayObject([g.FloatObject(0), g.FloatObject(0),
                                                         g.FloatObject(0.55)]),
            N("/BS"): g.DictionaryObject({N("/W"): g.FloatObject(1.6)})})

    def save(self, path):
        with open(path, "wb") as f:
            self.w.write(f)


def annotated_form(a, stem, tick="zapf", typewriter=True, flatten=False, font="Liberation Sans"):
    """Fill the blank official form on screen. Returns the PDF bytes."""
    blank = blank_official_pdf(stem + "-blank", font=font)
    pages = word_boxes(blank)
    an = Annotator(blank, author=a["name"] or "User")
    t, pu, pa, g = marks(a)
    # Name / organisation / email: typed on the empty line below each label.
    for label, v in (("Full name", a["name"]), ("Organisation", a["org"]),
                     ("Contact email", a["email"])):
        if v:
            pi, x1, y1, x2, y2 = find_phrase(pages, label)
            an.text(pi, x1 + 4, y1 - 15, v, typewriter=typewriter)
    # The boxes: the ☐ glyphs in reading order are terms, public, partner, guide.
    boxes = [(pi, w) for pi, words in enumerate(pages) for w in words if w[4] == "\u2610"]
    for (pi, w), on in zip(boxes, (t, pu, pa, g)):
        if not on:
            continue
        if tick == "zapf":
            an.check_zapf(pi, w[0] - 0.5, w[1] - 1)
        elif tick == "ink":
            an.check_ink(pi, w[0] - 1, w[1] - 2)
        else:
            an.text(pi, w[0] + 1.2, w[1] + 1.5, "X", size=10, typewriter=typewriter)
    # Bracketed blanks: IP, records, calls, in that order; typed over the underscores.
    brackets = []
    for pi, words in enumerate(pages):
        for i, w in enumerate(words):
            if w[4] == "[" and i + 1 < len(words) and words[i + 1][4].startswith("___"):
                brackets.append((pi, words[i + 1]))
    for (pi, w), v in zip(brackets, (a["ip"], a["records"], a["calls"])):
        if v:
            an.text(pi, w[0] + 3, w[1] + 3, v, size=9.5, typewriter=typewriter)
    out = WORK / f"{stem}-annotated.pdf"
    an.save(out)
    return pdf_bytes_pinned(out, stem + ".pdf", flatten=flatten)


# --------------------------------------------------------------------------------------------
# Fillable PDFs: a Writer document with form controls exported with ExportFormFields, and a
# reportlab AcroForm; both filled in with pypdf (text fields, check boxes, radio buttons).
# --------------------------------------------------------------------------------------------
def writer_controls_form(names, stem):
    """A blank fillable form: HTML form controls opened in Writer, exported to PDF with fields.
    `names`: the field names the form author chose (dict by role)."""
    n = names
    radio = (f"<input type='radio' name='{n['service']}' value='{n['public_value']}'>",
             f"<input type='radio' name='{n['service']}' value='{n['partner_value']}'>")
    out = [doc_head(title=TITLE, author="Forms team", size=10), f"<h1>{h(TITLE)}</h1><form>",
           "<h2>Your Details</h2><table cellpadding='3'>"]
    for lab, key in (("Full name", "name"), ("Organisation", "org"), ("Contact email", "email")):
        out.append(f"<tr><td width='140'>{lab}</td><td><input type='text' name='{n[key]}' "
                   f"size='60'></td></tr>")
    out += ["</table>", "<h2>Terms of Use</h2>",
            f"<p><input type='checkbox' name='{n['terms']}' value='{n['on']}'> {h(TERMS)}</p>",
            "<h2>Service required</h2>",
            f"<p>{radio[0]} {h(PUBLIC)}</p><p style='margin-left:0.8cm'>{h(PUBLIC_HELP)}</p>",
            f"<p>{radio[1]} {h(PARTNER)}</p><p style='margin-left:0.8cm'>{h(PARTNER_HELP)}</p>",
            f"<p style='margin-left:0.8cm'><input type='text' name='{n['ip']}' size='70'></p>",
            "<h2>Your expected use</h2>", f"<p>{h(USE_INTRO)}</p>",
            f"<p style='margin-left:0.8cm'>&#183; {h(REC_LABEL)} <input type='text' "
            f"name='{n['records']}' size='18'></p>",
            f"<p style='margin-left:0.8cm'>&#183; {h(CALLS_LABEL)} <input type='text' "
            f"name='{n['calls']}' size='14'></p>", f"<p>{h(USE_NOTE)}</p>",
            "<h2>User Guide agreement</h2>",
            f"<p><input type='checkbox' name='{n['guide']}' value='{n['on']}'> {h(GUIDE)}</p>",
            "</form>", "<h2>Provision of client credentials</h2>", f"<p>{h(CRED)}</p>",
            f"<p>{h(SEND)}</p></body></html>\n"]
    return html_to("\n".join(out), stem, PDF_EXPORT_FIELDS)


def give_zadb_to_appearances(w):
    """reportlab's check box and radio appearances show ZapfDingbats as /ZaDb without naming the
    font in their resources (viewers take it from /DR); give them the font so that the ticks are
    drawn by every viewer and survive flattening."""
    import pypdf
    g = pypdf.generic
    N = g.NameObject
    zadb = None
    for page in w.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            for state in (annot.get("/AP", {}).get("/N", {}) or {}).values():
                st = state.get_object()
                if not isinstance(st, g.StreamObject) or b"/ZaDb" not in st.get_data():
                    continue
                res = st.setdefault(N("/Resources"), g.DictionaryObject())
                res = res.get_object()
                if "/Font" in res:
                    continue
                if zadb is None:
                    zadb = w._add_object(g.DictionaryObject({
                        N("/Type"): N("/Font"), N("/Subtype"): N("/Type1"),
                        N("/BaseFont"): N("/ZapfDingbats")}))
                res[N("/Font")] = g.DictionaryObject({N("/ZaDb"): zadb})


def fill_pdf(blank: Path, a, names, stem, flatten=False):
    """Fill a fillable PDF as a viewer does: text values, check box on-states, the radio kid."""
    import pypdf
    n = names
    t, pu, pa, g = marks(a)
    values = {n["name"]: a["name"], n["org"]: a["org"], n["email"]: a["email"],
              n["ip"]: a["ip"], n["records"]: a["records"], n["calls"]: a["calls"]}
    values = {k: v for k, v in values.items() if v}
    if t:
        values[n["terms"]] = "/" + n["on"]
    if g:
        values[n["guide"]] = "/" + n["on"]
    if a["service"] == "public":
        values[n["service"]] = "/" + n["public_value"]
    elif a["service"] == "partner":
        values[n["service"]] = "/" + n["partner_value"]
    w = pypdf.PdfWriter(clone_from=pypdf.PdfReader(str(blank)))
    for page in w.pages:
        w.update_page_form_field_values(page, values, auto_regenerate=False)
    give_zadb_to_appearances(w)
    out = WORK / f"{stem}-filled.pdf"
    with open(out, "wb") as f:
        w.write(f)
    # what a viewer shows must be what we meant
    got = pypdf.PdfReader(str(out)).get_fields()
    for k, v in values.items():
        assert str(got[k].get("/V")) == v, (stem, k, got[k].get("/V"), v)
    return pdf_bytes_pinned(out, stem + ".pdf", flatten=flatten)


def reportlab_acroform(path, names, tooltips=True, title=TITLE):
    """A fillable form drawn with reportlab's AcroForm: text fields, check boxes, a radio group."""
    rl_invariant()
    from reportlab.lib.colors import black, white
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    n = names
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    c.setTitle(title)
    W, H = A4
    x0, y = 50, H - 58
    form = c.acroForm
    c.setFont("Times-Bold", 16)
    c.drawString(x0, y, title)
    y -= 30

    def head(s):
        nonlocal y
        c.setFont("Times-Bold", 12)
        c.drawString(x0, y, s)
        y -= 20

    def para(text, x, size=9.5, width=None):
        nonlocal y
        c.setFont("Times-Roman", size)
        for line in wrap_words(c, text, "Times-Roman", size, width or (W - 50 - x)):
            c.drawString(x, y, line)
            y -= size + 2.5

    def textfield(label, key, width=330):
        nonlocal y
        c.setFont("Times-Roman", 10.5)
        c.drawString(x0 + 10, y, label)
        kw = dict(tooltip=label) if tooltips else {}
        form.textfield(name=n[key], x=x0 + 190, y=y - 5, width=width, height=17, borderWidth=0.6,
                       borderColor=black, fillColor=white, fontName="Helvetica", fontSize=10,
                       **kw)
        y -= 24

    def checkbox(key, text):
        nonlocal y
        form.checkbox(name=n[key], x=x0 + 8, y=y - 3, size=12, buttonStyle="check",
                      borderColor=black, fillColor=white, checked=False)
        para(text, x0 + 30)
        y -= 6

    def radio(value, text, help_text):
        nonlocal y
        form.radio(name=n["service"], value=value, x=x0 + 8, y=y - 3, size=12,
                   buttonStyle="circle", borderColor=black, fillColor=white, selected=False)
        para(text, x0 + 30)
        para(help_text, x0 + 30, 8.5)
        y -= 6

    head("Your Details")
    textfield("Full name", "name")
    textfield("Organisation", "org")
    textfield("Contact email", "email")
    head("Terms of Use")
    checkbox("terms", TERMS)
    head("Service required")
    radio(n["public_value"], PUBLIC, PUBLIC_HELP)
    radio(n["partner_value"], PARTNER, PARTNER_HELP)
    textfield("Static IP address(es) / range", "ip")
    head("Your expected use")
    para(USE_INTRO, x0 + 10)
    y -= 4
    textfield("Records you expect to code", "records", 150)
    textfield("API calls you expect to make", "calls", 150)
    para(USE_NOTE, x0 + 10, 8.5)
    y -= 8
    head("User Guide agreement")
    checkbox("guide", GUIDE)
    head("Provision of client credentials")
    para(CRED, x0 + 10, 8.5)
    para(SEND, x0 + 10, 8.5)
    c.showPage()
    c.save()


# --------------------------------------------------------------------------------------------
# Scans: the filled form printed to PDF, rasterised with pdftoppm, turned a little and noised
# with ImageMagick, saved as image-only PDF (img2pdf), JPEG or PNG.
# --------------------------------------------------------------------------------------------
def scan(pdf: Path, stem, kind, dpi=200, rotate=0.8, noise=0.35, seed=7, pages=None, quality=60):
    prefix = WORK / f"{stem}-raster"
    cmd = ["pdftoppm", "-r", str(dpi), "-gray"]
    if pages:
        cmd += ["-f", "1", "-l", str(pages)]
    run(cmd + [str(pdf), str(prefix)])
    rasters = sorted(WORK.glob(f"{stem}-raster*.pgm"))
    outs = []
    for i, r in enumerate(rasters):
        base = [CONVERT, str(r), "-seed", str(seed + i), "-background", "white",
                "-rotate", f"{rotate + 0.15 * i:g}", "+repage", "-attenuate", f"{noise:g}",
                "+noise", "Gaussian", "-blur", "0x0.5"]
        if kind in ("bilevel-pdf", "png"):
            out = WORK / f"{stem}-{i}.{'tif' if kind == 'bilevel-pdf' else 'png'}"
            extra = ["-threshold", "62%", "-type", "bilevel"]
            if kind == "bilevel-pdf":
                extra += ["-compress", "Group4"]
            run(base + extra + ["-density", str(dpi), "-units", "PixelsPerInch", "-strip",
                                str(out)])
        else:
            out = WORK / f"{stem}-{i}.jpg"
            run(base + ["-level", "6%,94%", "-quality", str(quality), "-sampling-factor", "2x2",
                        "-density", str(dpi), "-units", "PixelsPerInch", "-strip", str(out)])
        outs.append(out)
    if kind in ("bilevel-pdf", "gray-pdf"):
        out = WORK / f"{stem}.pdf"
        run(["img2pdf", "--creationdate", "2026-03-02T09:00:00", "--moddate",
             "2026-03-02T09:00:00", "--producer", "Scanner", "-o", str(out)]
            + [str(o) for o in outs])
        return pdf_bytes_pinned(out, f"{stem}.pdf", producer="Scanner")
    assert len(outs) == 1, "an image attachment holds one page"
    return outs[0].read_bytes()


# --------------------------------------------------------------------------------------------
# Outlook's winmail.dat (TNEF, [MS-OXTNEF]): a message with one attachment whose
# attAttachTitle is the 8.3 name and whose long name is PidTagAttachLongFilename.
# --------------------------------------------------------------------------------------------
TNEF_SIGNATURE = 0x223E9F78
LVL_MESSAGE, LVL_ATTACHMENT = 0x01, 0x02
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_SUBJECT = 0x00018004
ATT_MESSAGE_ID = 0x00018009
ATT_DATE_SENT = 0x00038005
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACH_CREATE = 0x00038012
ATT_ATTACHMENT = 0x00069005
PT_LONG, PT_STRING8, PT_UNICODE, PT_BINARY = 0x0003, 0x001E, 0x001F, 0x0102


def tnef_attr(level, attr_id, data: bytes) -> bytes:
    checksum = sum(data) & 0xFFFF
    return struct.pack("<BII", level, attr_id, len(data)) + data + struct.pack("<H", checksum)


def tnef_date(y, mo, d, hh, mi, ss):
    dow = 1  # Monday; informational only
    return struct.pack("<7H", y, mo, d, hh, mi, ss, dow)


def mapi_props(props):
    """Encode MAPI properties (tag, value) as in attAttachment / attMsgProps."""
    out = [struct.pack("<I", len(props))]
    for tag, value in props:
        ptype, pid = tag & 0xFFFF, tag >> 16
        out.append(struct.pack("<HH", ptype, pid))
        if ptype == PT_LONG:
            out.append(struct.pack("<I", value))
        else:
            if ptype == PT_UNICODE:
                raw = value.encode("utf-16-le") + b"\0\0"
            elif ptype == PT_STRING8:
                raw = value.encode("cp1252") + b"\0"
            else:
                raw = value
            out.append(struct.pack("<II", 1, len(raw)) + raw + b"\0" * (-len(raw) % 4))
    return b"".join(out)


def winmail_dat(subject, short_name, long_name, data: bytes, mime_tag):
    ext = os.path.splitext(long_name)[1]
    parts = [struct.pack("<IH", TNEF_SIGNATURE, 0x4D2B),
             tnef_attr(LVL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000)),
             tnef_attr(LVL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0)),
             tnef_attr(LVL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0"),
             tnef_attr(LVL_MESSAGE, ATT_SUBJECT, subject.encode("cp1252") + b"\0"),
             tnef_attr(LVL_MESSAGE, ATT_DATE_SENT, tnef_date(2026, 3, 2, 9, 41, 7)),
             tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_REND_DATA,
                       struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0, 0, 0x00000001)),
             tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_TITLE, short_name.encode("cp1252") + b"\0"),
             tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_CREATE, tnef_date(2026, 3, 2, 9, 38, 0)),
             tnef_attr(LVL_ATTACHMENT, ATT_ATTACH_DATA, data),
             tnef_attr(LVL_ATTACHMENT, ATT_ATTACHMENT, mapi_props([
                 (0x37050003, 1),                      # PidTagAttachMethod: by value
                 (0x3704001F, short_name),             # PidTagAttachFilename
                 (0x3707001F, long_name),              # PidTagAttachLongFilename
                 (0x3703001F, ext),                    # PidTagAttachExtension
                 (0x370E001F, mime_tag),               # PidTagAttachMimeTag
             ]))]
    blob = b"".join(parts)
    # check it the way a mail client would read it
    from tnefparse import TNEF
    t = TNEF(blob)
    assert len(t.attachments) == 1
    assert t.attachments[0].long_filename() == long_name, t.attachments[0].long_filename()
    assert t.attachments[0].data == data
    return blob


# --------------------------------------------------------------------------------------------
# Mail
# --------------------------------------------------------------------------------------------
QP_1252 = email_charset.Charset("windows-1252")
QP_1252.header_encoding = email_charset.QP
QP_1252.body_encoding = email_charset.QP
QP_UTF8 = email_charset.Charset("utf-8")
QP_UTF8.header_encoding = email_charset.QP
QP_UTF8.body_encoding = email_charset.QP
B64_UTF8 = email_charset.Charset("utf-8")
B64_UTF8.body_encoding = email_charset.BASE64


def text_part(text, subtype="plain", cs=QP_UTF8):
    p = MIMEText(text, subtype, cs)
    assert p["Content-Transfer-Encoding"] in ("quoted-printable", "base64"), p.items()
    del p["MIME-Version"]
    return p


def attachment(data, mimetype, filename, name_style="rfc2231"):
    maintype, subtype = mimetype.split("/")
    p = MIMEBase(maintype, subtype)
    del p["MIME-Version"]
    p.set_payload(data)
    encoders.encode_base64(p)
    if name_style == "rfc2047" or (name_style == "rfc2231" and not filename.isascii()):
        if name_style == "rfc2047":
            enc = Header(filename, "utf-8").encode()
            p.set_param("name", enc)
            p.add_header("Content-Disposition", "attachment", filename=enc)
            return p
        p.set_param("name", ("utf-8", "", filename))
        p.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
        return p
    p.set_param("name", filename)
    p.add_header("Content-Disposition", "attachment", filename=filename)
    return p


def headers(msg, frm, subject, date, msgid, to=REG_ADDR, extra=()):
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = Header(subject, "utf-8").encode() if not subject.isascii() else subject
    msg["Date"] = date
    msg["Message-ID"] = msgid
    for k, v in extra:
        msg[k] = v
    if "MIME-Version" not in msg:
        msg["MIME-Version"] = "1.0"
    return msg


def pin_boundaries(msg, prefix):
    n = 0
    for part in msg.walk():  # walks into forwarded message/rfc822 parts too
        if part.get_content_maintype() == "multipart":
            part.set_boundary(f"{prefix}{n:02d}")
            n += 1


def mail_bytes(msg, prefix, crlf=True):
    pin_boundaries(msg, prefix)
    f = io.BytesIO()
    pol = msg.policy.clone(linesep="\r\n" if crlf else "\n")
    BytesGenerator(f, mangle_from_=False, policy=pol).flatten(msg)
    return f.getvalue()


OUTLOOK_HEAD = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="http://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/REC-html40">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="Generator" content="Microsoft Word 15 (filtered medium)">
<style><!--
/* Font Definitions */
@font-face
	{{font-family:Wingdings;
	panose-1:5 0 0 0 0 0 0 0 0 0;}}
@font-face
	{{font-family:"Cambria Math";
	panose-1:2 4 5 3 5 4 6 3 2 4;}}
@font-face
	{{font-family:Calibri;
	panose-1:2 15 5 2 2 2 4 3 2 4;}}
/* Style Definitions */
p.MsoNormal, li.MsoNormal, div.MsoNormal
	{{margin:0cm;
	font-size:11.0pt;
	font-family:"Calibri",sans-serif;
	mso-fareast-language:EN-US;}}
a:link, span.MsoHyperlink
	{{mso-style-priority:99;
	color:#0563C1;
	text-decoration:underline;}}
span.EmailStyle17
	{{mso-style-type:personal-compose;
	font-family:"Calibri",sans-serif;
	color:windowtext;}}
.MsoChpDefault
	{{mso-style-type:export-only;
	font-family:"Calibri",sans-serif;
	mso-fareast-language:EN-US;}}
@page WordSection1
	{{size:612.0pt 792.0pt;
	margin:72.0pt 72.0pt 72.0pt 72.0pt;}}
div.WordSection1
	{{page:WordSection1;}}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]--><!--[if gte mso 9]><xml>
<o:shapelayout v:ext="edit">
<o:idmap v:ext="edit" data="1" />
</o:shapelayout></xml><![endif]-->
</head>
<body lang="EN-AU" link="#0563C1" vlink="#954F72" style="word-wrap:break-word">
<div class="WordSection1">
"""
OUTLOOK_TAIL = "</div>\n</body>\n</html>\n"


def mso_p(inner, style=""):
    st = f" style='{style}'" if style else ""
    return f"<p class=MsoNormal{st}>{inner}<o:p></o:p></p>\n"


def mso_td(inner, width_pt, bold=False):
    inner = f"<b>{inner}</b>" if bold else inner
    return (f"<td width={int(width_pt * 4 / 3)} valign=top "
            f"style='width:{width_pt:.1f}pt;border:solid "
            f"windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>\n{mso_p(inner)}</td>\n")


def wingdings(on):
    # Wingdings 0xFE is a ticked box, 0xA8 an empty box (code page 1252 þ and ¨)
    return f"<span style='font-family:Wingdings'>{'þ' if on else '¨'}</span>"


def outlook_form_table(a, tick, labels=("Full name", "Organisation", "Contact email"),
                       ip_label="IP address / range for allowlisting",
                       rec_label="Records to code per day (peak)",
                       calls_label="API calls per day (peak)"):
    """The form pasted into Outlook: a Word table with MsoNormal paragraphs."""
    t, pu, pa, g = marks(a)
    rows = []
    for lab, v in zip(labels, (a["name"], a["org"], a["email"])):
        val = (f"<a href=\"mailto:{h(v)}\">{h(v)}</a>" if "@" in v and v.count("@") == 1
               else h(v))
        rows.append(mso_td(h(lab), 150, bold=True) + mso_td(val, 300))
    rows.append(mso_td(tick(t), 150) + mso_td(h(TERMS), 300))
    rows.append(mso_td(tick(pu), 150) + mso_td(h(PUBLIC), 300))
    rows.append(mso_td(tick(pa), 150) + mso_td(h(PARTNER), 300))
    rows.append(mso_td(h(ip_label), 150, bold=True) + mso_td(h(a["ip"]) or "&nbsp;", 300))
    rows.append(mso_td(h(rec_label), 150, bold=True) + mso_td(h(a["records"]) or "&nbsp;", 300))
    rows.append(mso_td(h(calls_label), 150, bold=True) + mso_td(h(a["calls"]) or "&nbsp;", 300))
    rows.append(mso_td(tick(g), 150) + mso_td(h(GUIDE), 300))
    return ("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse;border:none'>\n"
            + "".join(f"<tr>\n{r}</tr>\n" for r in rows) + "</table>\n")


def outlook_text_table(a, on, off, labels=("Full name", "Organisation", "Contact email"),
                       ip_label="IP address / range for allowlisting",
                       rec_label="Records to code per day (peak)",
                       calls_label="API calls per day (peak)"):
    """What Outlook puts in the text/plain alternative of the same table (cells tab-separated,
    symbol-font boxes as their code-page characters)."""
    t, pu, pa, g = marks(a)
    lines = [f"{lab}\t{v}" for lab, v in zip(labels, (a["name"], a["org"], a["email"]))]
    lines += [f"{on if t else off}\t{TERMS}", f"{on if pu else off}\t{PUBLIC}",
              f"{on if pa else off}\t{PARTNER}", f"{ip_label}\t{a['ip']}",
              f"{rec_label}\t{a['records']}", f"{calls_label}\t{a['calls']}",
              f"{on if g else off}\t{GUIDE}"]
    return "\n\n".join(lines)


def plain_form(a, on="[x]", off="[ ]", style="labels"):
    """The form retyped or pasted as plain text."""
    t, pu, pa, g = marks(a)
    b = lambda m: on if m else off  # noqa: E731
    if style == "labels":
        return (f"Full name: {a['name']}\nOrganisation: {a['org']}\nContact email: {a['email']}\n\n"
                f"{b(t)} {TERMS}\n\nService required:\n{b(pu)} {PUBLIC}\n{b(pa)} {PARTNER}\n"
                f"IP address(es) for allowlisting: {a['ip']}\n\n"
                f"Expected use (peak day):\n  records to code: {a['records']}\n"
                f"  API calls: {a['calls']}\n\n{b(g)} {GUIDE}\n")
    # "official": the seed text pasted, answers written into it
    return (f" {TITLE}\n \nYour Details \n\tFull name  \n\t {a['name']}\n\n\tOrganisation \n\t "
            f"{a['org']}\n\n\tContact email \n\t {a['email']}\n\n\n \nTerms of Use\n"
            f"{b(t)} {TERMS} \n\n"
            f" \nService required\n{b(pu)} {PUBLIC} \n{PUBLIC_HELP} \n\n\n{b(pa)} {PARTNER} \n"
            f"{PARTNER_HELP}  [ {a['ip'] or '_' * 40} ]\n\n\nYour expected use \n{USE_INTRO}\n"
            f"\u00b7 {REC_LABEL} [ {a['records'] or '_' * 18} ]  \n"
            f"\u00b7 {CALLS_LABEL} [ {a['calls'] or '_' * 14} ]\n{USE_NOTE}\n\n\n"
            f"User Guide agreement \n{b(g)} {GUIDE} \n\n\n"
            f"Provision of client credentials\n{CRED}\n\n"
            f"\t{SEND}\n")


def quote(text):
    return "\n".join(("> " + line) if line else ">" for line in text.splitlines()) + "\n"


# --------------------------------------------------------------------------------------------
# The fixtures: each function makes one file and returns (bytes, expected records).
# Registered in order with: path, one-line shape description.
# --------------------------------------------------------------------------------------------
FIXTURES = []


def fixture(path, shape):
    def deco(fn):
        FIXTURES.append((path, shape, fn))
        return fn
    return deco


NAMES_GENERIC = dict(name="Text1", org="Text2", email="Text3", terms="Check Box1",
                     service="Group1", public_value="Choice1", partner_value="Choice2",
                     ip="Text4", records="Text5", calls="Text6", guide="Check Box2", on="Yes")
NAMES_WRITER = dict(name="Full name", org="Organisation", email="Contact email",
                    terms="Terms of Use", service="Service required", public_value="Public",
                    partner_value="Partner", ip="IP allowlist", records="Records per day",
                    calls="API calls per day", guide="User Guide", on="On")
NAMES_SNAKE = dict(name="applicant_name", org="applicant_org", email="applicant_email",
                   terms="agree_terms", service="service_type", public_value="public",
                   partner_value="partner", ip="ip_addresses", records="peak_records",
                   calls="peak_calls", guide="agree_user_guide", on="Yes")
NAMES_FLD = dict(name="fld_01", org="fld_02", email="fld_03", terms="chk_01", service="rad_01",
                 public_value="0", partner_value="1", ip="fld_04", records="fld_05",
                 calls="fld_06", guide="chk_02", on="Yes")


# ---- forms/ ----
@fixture("forms/acrobat_typewriter_zapf_ticks.pdf",
         "blank official form printed from Writer, filled with FreeText typewriter annotations "
         "(appearance streams, Helvetica), ticks as ZapfDingbats check-mark annotations placed "
         "over the printed ☐; not flattened")
def f_acrobat():
    a = APPS["okonkwo"]
    return annotated_form(a, "acrobat", tick="zapf", typewriter=True), \
        [record("okonkwo", "pdf-text", "acrobat_typewriter_zapf_ticks.pdf")]


@fixture("forms/preview_ink_ticks_flattened.pdf",
         "blank official form filled in macOS-Preview style (FreeText text boxes, ticks drawn "
         "as Ink strokes), then qpdf --flatten-annotations=all: ticks are paths over ☐")
def f_preview():
    return annotated_form(APPS["wierzbicki"], "preview", tick="ink", typewriter=False,
                          flatten=True, font="DejaVu Serif"), \
        [record("wierzbicki", "pdf-text", "preview_ink_ticks_flattened.pdf")]


@fixture("forms/writer_form_controls_filled.pdf",
         "Writer form controls exported with ExportFormFields (names Text1…, Check Box1, radio "
         "group Group1 with Choice1/Choice2), filled with pypdf")
def f_writer_controls():
    blank = writer_controls_form(NAMES_GENERIC, "writer-controls-generic")
    return fill_pdf(blank, APPS["ngata"], NAMES_GENERIC, "writer-controls-ngata"), \
        [record("ngata", "pdf-form", "writer_form_controls_filled.pdf")]


@fixture("forms/reportlab_acroform_radio.pdf",
         "reportlab AcroForm (text fields with tooltips, check boxes, radio group), filled with "
         "pypdf; IPv6 /48, \"1.5 million\"")
def f_reportlab_radio():
    blank = WORK / "acroform-snake.pdf"
    reportlab_acroform(blank, NAMES_SNAKE)
    return fill_pdf(blank, APPS["raghunathan"], NAMES_SNAKE, "acroform-raghunathan"), \
        [record("raghunathan", "pdf-form", "reportlab_acroform_radio.pdf")]


@fixture("forms/printed_table_narrow_cells.pdf",
         "printed 3-column table (No. | question | narrow answer) with a long organisation and "
         "an IP list wrapping over several lines, ✔ (U+2714) in the answer cell, empty cell = "
         "not ticked, range \"2,000-4,000\"")
def f_narrow():
    out = WORK / "narrow-fitzgerald.pdf"
    narrow_table_pdf(APPS["fitzgerald"], out)
    return pdf_bytes_pinned(out, "narrow.pdf"), \
        [record("fitzgerald", "pdf-text", "printed_table_narrow_cells.pdf")]


@fixture("forms/printed_drawn_checkmarks.pdf",
         "printed form with drawn square boxes and check marks drawn as strokes (no glyph), "
         "answers in italics on ruled lines; public service with IP \"N/A\"; User Guide box empty")
def f_drawn():
    out = WORK / "drawn-papadimitriou.pdf"
    drawn_boxes_pdf(APPS["papadimitriou"], out, mark="stroke")
    return pdf_bytes_pinned(out, "drawn.pdf"), \
        [record("papadimitriou", "pdf-text", "printed_drawn_checkmarks.pdf")]


@fixture("forms/word97_legacy_checkboxes.doc",
         "Word 97-2003 .doc (LibreOffice) with legacy FORMCHECKBOX fields; answers typed in a "
         "details table; email with two @; IP range written with spaces; 12,000 calls (partner)")
def f_doc_legacy():
    return legacy_fields_doc(APPS["mcallister"], "legacy-mcallister", formtext=False), \
        [record("mcallister", "doc", "word97_legacy_checkboxes.doc")]


@fixture("forms/rtf_table_ballot_boxes.rtf",
         "RTF (LibreOffice) of a two-column table form, ☒/☐ in their own cells, both services "
         "marked")
def f_rtf_both():
    html = doc_html(APPS["nguyen"], doc_table_layout, tick_glyph("\u2612", "\u2610"),
                    author="Lan Nguyen")
    return html_to(html, "rtf-nguyen", "rtf:Rich Text Format").read_bytes(), \
        [record("nguyen", "rtf", "rtf_table_ballot_boxes.rtf")]


@fixture("forms/scan_300dpi_bilevel.pdf",
         "Writer table form printed to PDF, scanned: 300 dpi, turned 0.7°, noise, 1-bit CCITT G4 "
         "in an image-only PDF (img2pdf); ☒ ticks")
def f_scan_bilevel():
    html = doc_html(APPS["achterberg"], doc_table_layout, tick_glyph("\u2612", "\u2610"),
                    size=9)
    pdf = html_to(html, "scan-achterberg", PDF_EXPORT)
    return scan(pdf, "scan-achterberg", "bilevel-pdf", dpi=300, rotate=0.7, noise=0.3), \
        [record("achterberg", "ocr", "scan_300dpi_bilevel.pdf")]


@fixture("forms/phone_photo_typed_x.jpg",
         "phone-photo JPEG (200 dpi, turned -1.2°, noise, grey levels): printed form with drawn "
         "boxes and typed X; records \"TBC\"")
def f_scan_jpeg():
    out = WORK / "photo-asante.pdf"
    drawn_boxes_pdf(APPS["asante"], out, mark="X", answer_font="Helvetica")
    return scan(out, "photo-asante", "jpeg", dpi=200, rotate=-1.2, noise=0.4, quality=55), \
        [record("asante", "ocr", "phone_photo_typed_x.jpg")]


@fixture("forms/scanner_200dpi_check_glyphs.png",
         "flatbed scan to PNG (200 dpi, 1-bit, turned 0.5°) of the printed narrow table with ✓ "
         "ticks; CGNAT address 100.72.15.3")
def f_scan_png():
    out = WORK / "png-solberg.pdf"
    narrow_table_pdf(APPS["solberg"], out, tick_on="\u2713", answer_cm=6.0)
    return scan(out, "png-solberg", "png", dpi=200, rotate=0.5, noise=0.25), \
        [record("solberg", "ocr", "scanner_200dpi_check_glyphs.png")]


@fixture("forms/acroform_flattened_qpdf.pdf",
         "reportlab AcroForm filled with pypdf then flattened with qpdf --generate-appearances "
         "--flatten-annotations=all: no fields left, ZapfDingbats ticks and radio dot in the "
         "page; \"approx. 500\"")
def f_acro_flat():
    blank = WORK / "acroform-fld.pdf"
    reportlab_acroform(blank, NAMES_FLD, tooltips=False)
    return fill_pdf(blank, APPS["brennan"], NAMES_FLD, "acroform-brennan", flatten=True), \
        [record("brennan", "pdf-text", "acroform_flattened_qpdf.pdf")]


@fixture("forms/word97_table_heavy_checks.doc",
         "Word 97-2003 .doc (LibreOffice from a table form), ✔ glyphs in tick cells, IP "
         "\"10.1.1.256\" (not an address)")
def f_doc_table():
    html = doc_html(APPS["taufa"], doc_table_layout, tick_glyph("\u2714", ""),
                    labels=("Name", "Organisation / agency", "Email"),
                    ip_label="Agency IP address(es)", author="Mele Taufa")
    return html_to(html, "doc-taufa", "doc:MS Word 97").read_bytes(), \
        [record("taufa", "doc", "word97_table_heavy_checks.doc")]


@fixture("forms/rtf_official_wingdings.rtf",
         "RTF (LibreOffice) of the official paragraph layout with Wingdings boxes (þ ticked, "
         "¨ empty) before the statements, answers in the brackets")
def f_rtf_wingdings():
    html = doc_html(APPS["johansson"], doc_official_layout, tick_glyph("&#254;", "&#168;",
                                                                        font="Wingdings"))
    return html_to(html, "rtf-johansson", "rtf:Rich Text Format").read_bytes(), \
        [record("johansson", "rtf", "rtf_official_wingdings.rtf")]


# ---- mail/ ----
def outlook_ids(n):
    return (f"<SY4PR01MB{7301 + n}C3{n:02d}A9D1E4F6B2{n:02d}@SY4PR01MB{7301 + n}.ausprd01.prod."
            f"outlook.com>")


OUTLOOK_EXTRA = (("Thread-Topic", "Occupation Coding Service registration"),
                 ("Thread-Index", "AdqMzX1f0bq3kW9TQ2e8h7yFzJ2m0w=="),
                 ("Content-Language", "en-AU"), ("X-MS-Has-Attach", ""),
                 ("X-MS-TNEF-Correlator", ""))


@fixture("mail/outlook_html_wingdings_cp1252.eml",
         "Outlook HTML (windows-1252, quoted-printable, MsoNormal, Word table) with Wingdings "
         "boxes þ/¨; the text/plain alternative carries þ/¨ too; IPv6 address, \"10k\"/\"2k\"")
def m_outlook_wingdings():
    a = APPS["dubois"]
    html = (OUTLOOK_HEAD.format(charset="windows-1252")
            + mso_p("Bonjour / Hello,") + mso_p("&nbsp;")
            + mso_p("Please find our registration for the Occupation Coding Service below.")
            + mso_p("&nbsp;") + outlook_form_table(a, wingdings) + mso_p("&nbsp;")
            + mso_p("Kind regards,") + mso_p("Chlo&eacute;") + mso_p("&nbsp;")
            + mso_p("<b><span style='color:#1F3864'>Chlo&eacute; Dubois-Martin</span></b> | "
                    "Responsable des donn&eacute;es")
            + mso_p("AFARS &#8211; Agence Franco-Australienne de Recherche Sociale | +61 3 9012 "
                    "4471")
            + OUTLOOK_TAIL)
    text = ("Bonjour / Hello,\n\nPlease find our registration for the Occupation Coding Service "
            "below.\n\n" + outlook_text_table(a, "þ", "¨")
            + "\n\nKind regards,\nChloé\n\nChloé Dubois-Martin | Responsable des données\n"
            "AFARS – Agence Franco-Australienne de Recherche Sociale | +61 3 9012 4471\n")
    msg = MIMEMultipart("alternative")
    msg.attach(text_part(text, "plain", QP_1252))
    msg.attach(text_part(html, "html", QP_1252))
    headers(msg, "=?windows-1252?Q?Chlo=E9_Dubois-Martin?= <chloe.dubois-martin@afars.org>",
            "Occupation Coding Service registration - AFARS", "Mon, 2 Mar 2026 10:14:52 +1100",
            outlook_ids(1), extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_000_SY4PR01MB7302C301A9D1E4F6B201_"), [record("dubois", "body")]


@fixture("mail/html_pasted_table_ballot_boxes.eml",
         "HTML mail (UTF-8, base64) with the form pasted as a table: ☒/☐ in their own cells; "
         "public service, 1,500 calls; IP \"N/A\"; User Guide ☐")
def m_html_ballot():
    a = APPS["parata"]
    t, pu, pa, g = marks(a)
    box = lambda m: "☒" if m else "☐"  # noqa: E731
    rows = [("Full name", h(a["name"])), ("Organisation", h(a["org"])),
            ("Contact email", h(a["email"])), (box(t), h(TERMS)), (box(pu), h(PUBLIC)),
            (box(pa), h(PARTNER)), ("IP address(es)", h(a["ip"])),
            ("Records per day", h(a["records"])), ("API calls per day", h(a["calls"])),
            (box(g), h(GUIDE))]
    html = ("<div dir=\"ltr\"><div>Kia ora,</div><div><br></div><div>Here is our form, copied in "
            "from the Word version.</div><div><br></div>"
            "<table style=\"border-collapse:collapse\" border=\"1\" cellpadding=\"4\"><tbody>"
            + "".join(f"<tr><td style=\"width:180px\">{x}</td><td>{y}</td></tr>" for x, y in rows)
            + "</tbody></table><div><br></div><div>Ngā mihi,</div><div>Rangi</div>"
            "<div>Whanganui River Communities Trust</div></div>\n")
    text = ("Kia ora,\n\nHere is our form, copied in from the Word version.\n\n"
            + "\n".join(f"{x}\t{y}" for x, y in
                        [(r[0], re.sub('<[^>]+>', '', r[1]).replace('&amp;', '&')) for r in rows])
            + "\n\nNgā mihi,\nRangi\nWhanganui River Communities Trust\n")
    msg = MIMEMultipart("alternative")
    msg.attach(text_part(text, "plain", B64_UTF8))
    msg.attach(text_part(html, "html", B64_UTF8))
    headers(msg, "Rangi Parata <rangi@wrct.org.nz>", "Registration form",
            "Tue, 3 Mar 2026 08:02:11 +1300",
            "<CAK7vPq1Xn3=Hq0b5Zr2mF8tLw9sUe4yD6cJ0aRgN1oVh@mail.gmail.com>")
    return mail_bytes(msg, "000000000000a1b2c3d4e5f6a7b8c9", crlf=False), [record("parata", "body")]


@fixture("mail/reply_plain_quoted_old_form.eml",
         "plain-text reply: corrected form ([x]/[ ]) on top, the older form (private IP "
         "192.168.22.0/24) quoted below with '> '; one record, the new answers")
def m_reply_quoted():
    a = APPS["pemberton"]
    old = dict(a, ip="192.168.22.0/24", records="15000", calls="3000")
    text = ("Hi,\n\nSorry - our network team gave me the internal range last time. Corrected "
            "form below (only the IP has changed).\n\n" + plain_form(a)
            + "\nCheers,\nLachlan Pemberton\nData & Systems Lead | Goldfields Mining Skills "
            "Council\n\nOn Mon, 2 Mar 2026 at 16:40, Lachlan Pemberton "
            "<lachlan.pemberton@gmsc.com.au> wrote:\n" + quote(plain_form(old)))
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "Lachlan Pemberton <lachlan.pemberton@gmsc.com.au>",
            "Re: Occupation Coding Service registration", "Wed, 4 Mar 2026 09:12:40 +0800",
            "<CAF3mLpS0q8Z=kR4yT7vX2nB9cW1eH5uJ6dG0aQ@mail.gmail.com>",
            extra=(("In-Reply-To", "<CAF3mLpQ7v2Xa=9Lk0tR4sB1nY8eW3uH6cJ5dG@mail.gmail.com>"),
                   ("References", "<CAF3mLpQ7v2Xa=9Lk0tR4sB1nY8eW3uH6cJ5dG@mail.gmail.com>")))
    return mail_bytes(msg, "", crlf=False), [record("pemberton", "body")]


@fixture("mail/outlook_reply_old_form_below.eml",
         "Outlook HTML reply: new form table on top, then the From:/Sent:/To:/Subject: block "
         "and the older form (no service, \"TBC\") below; one record, the new answers")
def m_outlook_reply():
    a = APPS["haddad"]
    old = dict(a, service=None, records="TBC", calls="TBC")
    tick = lambda m: "X" if m else "&nbsp;"  # noqa: E731
    html = (OUTLOOK_HEAD.format(charset="windows-1252")
            + mso_p("Hello,") + mso_p("&nbsp;")
            + mso_p("Thanks for your reply. Here is the form again with the service and our "
                    "numbers filled in.") + mso_p("&nbsp;")
            + outlook_form_table(a, tick) + mso_p("&nbsp;") + mso_p("Regards,")
            + mso_p("Farah Haddad") + mso_p("Program Coordinator, Levant Settlement Services Inc.")
            + mso_p("&nbsp;")
            + "<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>\n"
            + mso_p("<b><span lang=EN-US>From:</span></b><span lang=EN-US> Farah Haddad &lt;"
                    "farah.haddad@lss.org.au&gt; <br><b>Sent:</b> Friday, 27 February 2026 3:05 PM"
                    "<br><b>To:</b> coding.service.registration@abs.gov.au<br><b>Subject:</b> "
                    "Occupation Coding Service registration</span>")
            + "</div>\n" + mso_p("&nbsp;") + mso_p("Hi, our registration is below.")
            + mso_p("&nbsp;") + outlook_form_table(old, tick) + OUTLOOK_TAIL)
    msg = text_part(html, "html", QP_1252)
    headers(msg, "Farah Haddad <farah.haddad@lss.org.au>",
            "RE: Occupation Coding Service registration", "Tue, 3 Mar 2026 11:47:03 +1100",
            outlook_ids(2), extra=(("In-Reply-To", outlook_ids(9)),
                                   ("References", outlook_ids(8) + " " + outlook_ids(9)))
            + OUTLOOK_EXTRA)
    return mail_bytes(msg, ""), [record("haddad", "body")]


@fixture("mail/forward_rfc822_with_pdf.eml",
         "forward as attachment (message/rfc822): the original mail carries the form as a PDF "
         "printed from Writer (official layout, ✓ glyphs); documentation range 198.51.100.0/24")
def m_forward_pdf():
    a = APPS["volkov"]
    html = doc_html(a, doc_official_layout, tick_glyph("\u2713", "\u2610"), author=a["name"])
    pdf = pdf_bytes_pinned(html_to(html, "fwd-volkov", PDF_EXPORT), "fwd-volkov.pdf")
    inner = MIMEMultipart("mixed")
    inner.attach(text_part("Hello,\n\nAttached is our registration form for the Occupation "
                           "Coding Service.\n\nThanks,\nDmitri\n", "plain", QP_UTF8))
    inner.attach(attachment(pdf, "application/pdf", "AEWA registration form.pdf"))
    headers(inner, "Dmitri Volkov <d.volkov@aewa.com.au>", "Coding service registration",
            "Thu, 26 Feb 2026 17:20:00 +1100", "<8f2c1e0a-77b3-4d0e-9a51-2f6c4e1b9d03@aewa.com.au>",
            to="abs.enquiries@abs.gov.au")
    outer = MIMEMultipart("mixed")
    outer.attach(text_part("Hi team,\n\nThis registration came to our general enquiries "
                           "address - forwarding it to you as an attachment.\n\nRegards,\n"
                           "National Information and Referral Service\n", "plain", QP_UTF8))
    fwd = MIMEMessage(inner)
    del fwd["MIME-Version"]
    outer.attach(fwd)
    headers(outer, "NIRS <abs.enquiries@abs.gov.au>", "FW: Coding service registration",
            "Mon, 2 Mar 2026 09:03:44 +1100", "<20260302090344.4F1A2@mailhub.abs.gov.au>")
    return mail_bytes(outer, "----=_fwd_volkov_"), \
        [record("volkov", "pdf-text", "AEWA registration form.pdf")]


@fixture("mail/forward_rfc822_body_form.eml",
         "forward as attachment (message/rfc822) whose own plain body holds the form; neither "
         "service marked (( ) / ( ))")
def m_forward_body():
    a = APPS["chakraborty"]
    inner = text_part("Dear ABS,\n\nOur answers to the registration form:\n\n"
                      + plain_form(a, on="(x)", off="( )")
                      + "\nWith thanks,\nDr Sunita Chakraborty's office\n", "plain", QP_UTF8)
    headers(inner, "Sunita Chakraborty <sunita.c@bdrn.org>", "ABS registration",
            "Fri, 27 Feb 2026 13:10:09 +0530", "<1772178009.4417.sunita@bdrn.org>",
            to="occupation.coding@abs.gov.au")
    outer = MIMEMultipart("mixed")
    outer.attach(text_part("FYI - sent to the old address.\n", "plain", QP_UTF8))
    fwd = MIMEMessage(inner)
    del fwd["MIME-Version"]
    outer.attach(fwd)
    headers(outer, "Occupation Coding <occupation.coding@abs.gov.au>", "Fwd: ABS registration",
            "Mon, 2 Mar 2026 12:30:00 +1100", "<fwd-1772415000.abc@abs.gov.au>")
    return mail_bytes(outer, "=-=fwd-chakraborty-=", crlf=False), [record("chakraborty", "body")]


@fixture("mail/free_text_partner_wide_range.eml",
         "answers in free sentences (no form layout), a signature with phone numbers; IP range "
         "144.6.0.0 - 144.6.255.255 (a /16), \"about 1.2 million\", \"around 6,000\"")
def m_free_partner():
    text = (
        "Good afternoon,\n\n"
        "My name is Dr Beatrix Lindqvist-Oyelaran and I lead the data team at the Australian "
        "Institute for Skills Forecasting. We would like to register for the Partner coding "
        "service.\n\n"
        "I have read and agree to the Terms of Use, and I agree to read and follow the User Guide "
        "when we build the integration.\n\n"
        "Please use b.lindqvist@aisf.edu.au as the contact email. Our static range for "
        "allowlisting is 144.6.0.0 - 144.6.255.255. At peak we expect to code about 1.2 million "
        "records a day, in around 6,000 API calls.\n\n"
        "Many thanks,\nBeatrix\n\n--\nDr Beatrix Lindqvist-Oyelaran\nHead of Data, Australian "
        "Institute for Skills Forecasting\nLevel 4, 12 Marcus Clarke St, Canberra ACT 2601\n"
        "T +61 2 6120 4417 | M 0412 558 301\n")
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "\"Lindqvist-Oyelaran, Beatrix\" <b.lindqvist@aisf.edu.au>",
            "Registration - Partner coding service", "Wed, 4 Mar 2026 14:55:31 +1100",
            "<5C1D9E2A-3B4F-4E60-8A71-92B0C3D4E5F6@aisf.edu.au>",
            extra=(("X-Mailer", "Apple Mail (2.3774.500.171.1.1)"),))
    return mail_bytes(msg, "", crlf=False), [record("lindqvist", "body")]


@fixture("mail/free_text_home_dynamic.eml",
         "free sentences from a sole trader: \"(at)\" email, home connection / dynamic address, "
         "calls above records, the User Guide never mentioned")
def m_free_dynamic():
    text = (
        "Hi there,\n\n"
        "I'm Jarrah Whitlock, I run Whitlock Consulting (just me). I'd like access to the "
        "partner coding service for a client project.\n\n"
        "- contact: jarrah.whitlock(at)gmail.com\n"
        "- I accept the Terms of Use\n"
        "- IP: I work from home so it's 120.155.23.8 at the moment, it's a dynamic address on my "
        "home connection\n"
        "- records per day at peak: 2,000\n"
        "- API calls per day: 2,500\n\n"
        "Thanks!\nJarrah\n")
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "Jarrah Whitlock <jarrah.whitlock@gmail.com>", "api access",
            "Thu, 5 Mar 2026 21:07:19 +1000",
            "<CAOq1w7vB4n2M=Xc8dK5eF0gH9jL3pR6tY1uZ@mail.gmail.com>")
    return mail_bytes(msg, "", crlf=False), [record("whitlock", "body")]


WINMAIL_BODY = ("Hello,\n\nPlease find attached our completed registration form for the "
                "Occupation Coding Service.\n\nKind regards,\n{name}\n{org}\n")


@fixture("mail/outlook_winmail_dat_doc.eml",
         "Outlook rich-text mail: the form (.doc, ☒ table) inside winmail.dat (TNEF), 8.3 title "
         "OCCUPA~1.DOC, long name in PidTagAttachLongFilename; private 172.20.1.0/24")
def m_winmail_doc():
    a = APPS["kowalczyk"]
    long_name = ("Occupation Coding Service Registration Form - Polish Community Council of "
                 "Victoria.doc")
    html = doc_html(a, doc_table_layout, tick_glyph("\u2612", "\u2610"), author=a["name"])
    doc = html_to(html, "tnef-kowalczyk", "doc:MS Word 97").read_bytes()
    tnef = winmail_dat("Occupation Coding Service Registration", "OCCUPA~1.DOC", long_name, doc,
                       "application/msword")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part(WINMAIL_BODY.format(name=a["name"], org=a["org"]), "plain", QP_1252))
    p = MIMEApplication(tnef, "ms-tnef", name="winmail.dat")
    del p["MIME-Version"]
    p.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    msg.attach(p)
    headers(msg, "Agnieszka Kowalczyk <a.kowalczyk@pccv.org.au>",
            "Occupation Coding Service Registration", "Mon, 2 Mar 2026 09:41:07 +1100",
            outlook_ids(3), extra=OUTLOOK_EXTRA[:3] + (("X-MS-Has-Attach", "yes"),
                                                      ("X-MS-TNEF-Correlator", outlook_ids(3))))
    return mail_bytes(msg, "_002_SY4PR01MB7304C303A9D1E4F6B203_"), \
        [record("kowalczyk", "doc", long_name)]


@fixture("mail/word97_formtext_no_organisation.eml",
         "Word 97-2003 .doc with legacy FORMTEXT answer fields and FORMCHECKBOX boxes; the "
         "organisation field left empty (Word's five en spaces); 1,000 calls = the public limit")
def m_doc_formtext():
    a = APPS["oyelowo"]
    doc = legacy_fields_doc(a, "legacy-oyelowo", formtext=True)
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hi,\n\nCompleted form attached.\n\nBen\n", "plain", QP_UTF8))
    msg.attach(attachment(doc, "application/msword", "OCS_Registration_BOyelowo.doc"))
    headers(msg, "Oyelowo, Benedict <ben.oyelowo@health.wa.gov.au>", "OCS registration",
            "Tue, 3 Mar 2026 07:55:00 +0800", outlook_ids(4), extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_004_SY4PR01MB7305_"), \
        [record("oyelowo", "doc", "OCS_Registration_BOyelowo.doc")]


@fixture("mail/rtf_attachment_ula_no_records.eml",
         "RTF attachment (LibreOffice, table layout, [X]/[ ] typed in the tick cells); IPv6 ULA "
         "fd12:3456:789a::/48; records left blank")
def m_rtf_ula():
    a = APPS["leblanc"]
    html = doc_html(a, doc_table_layout, tick_glyph("[X]", "[ ]", font="Liberation Mono"),
                    labels=("Nom / Full name", "Organisation", "Courriel / Contact email"),
                    author=a["name"])
    rtf = html_to(html, "rtf-leblanc", "rtf:Rich Text Format").read_bytes()
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Bonjour,\n\nVeuillez trouver ci-joint notre formulaire / please find "
                         "our form attached.\n\nMarguerite Leblanc\n", "plain", QP_UTF8))
    msg.attach(attachment(rtf, "application/rtf", "formulaire_inscription_FSEO.rtf"))
    headers(msg, "Marguerite Leblanc <marguerite.leblanc@fseo.org>",
            "Inscription - Occupation Coding Service", "Wed, 4 Mar 2026 10:21:37 +1100",
            "<a93f0b7e-2d1c-4e55-b3aa-6c0f9e8d7a21@fseo.org>",
            extra=(("User-Agent", "Mozilla Thunderbird"),))
    return mail_bytes(msg, "------------fseo0b7e2d1c4e55b3aa", crlf=False), \
        [record("leblanc", "rtf", "formulaire_inscription_FSEO.rtf")]


@fixture("mail/acrobat_annotations_attachment.eml",
         "PDF filled with Acrobat-style typewriter annotations (ZapfDingbats ticks, not "
         "flattened), attached; IPv6 /32 (too broad), \"250K\", 10,000 calls = the partner limit")
def m_acrobat():
    a = APPS["tanabe"]
    pdf = annotated_form(a, "acrobat-tanabe", tick="zapf", typewriter=True,
                         font="DejaVu Sans")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Dear Sir or Madam,\n\nPlease find the registration form attached.\n\n"
                         "Best regards,\nHiroshi Tanabe\n", "plain", QP_UTF8))
    msg.attach(attachment(pdf, "application/pdf", "registration-form_PRORI_signed.pdf"))
    headers(msg, "Hiroshi Tanabe <h.tanabe@prori.jp>", "Registration form (PRORI)",
            "Thu, 5 Mar 2026 08:30:00 +0900", "<20260305083000.5d2a7f@prori.jp>")
    return mail_bytes(msg, "=_prori_5d2a7f_"), \
        [record("tanabe", "pdf-text", "registration-form_PRORI_signed.pdf")]


@fixture("mail/fillable_pdf_missing_email_terms.eml",
         "Writer fillable PDF with descriptive field names, filled with pypdf: no email, Terms "
         "box off, partner with no IP")
def m_fillable_missing():
    a = APPS["nkosi"]
    blank = writer_controls_form(NAMES_WRITER, "writer-controls-named")
    pdf = fill_pdf(blank, a, NAMES_WRITER, "writer-controls-nkosi")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Good day,\n\nAttached please find the filled registration form.\n\n"
                         "Precious Nkosi\n", "plain", QP_UTF8))
    msg.attach(attachment(pdf, "application/pdf", "Registration Form.pdf"))
    headers(msg, "Precious Nkosi <pnkosi.gasp@outlook.com>", "Registration Form",
            "Fri, 6 Mar 2026 16:45:12 +0200", outlook_ids(5))
    return mail_bytes(msg, "_005_"), [record("nkosi", "pdf-form", "Registration Form.pdf")]


@fixture("mail/phone_photo_jpeg.eml",
         "photo of the printed form (JPEG, 200 dpi, turned 1.5°, noise) from a phone; drawn "
         "boxes with typed X")
def m_photo():
    a = APPS["fraser"]
    out = WORK / "photo-fraser.pdf"
    drawn_boxes_pdf(a, out, mark="X", font="Helvetica", answer_font="Courier")
    jpg = scan(out, "photo-fraser", "jpeg", dpi=200, rotate=1.5, noise=0.45, seed=11,
               quality=55)
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Sent from my iPhone\n", "plain", QP_UTF8))
    msg.attach(attachment(jpg, "image/jpeg", "IMG_4471.jpg"))
    headers(msg, "Callum Fraser <callum.fraser@hilo.scot>", "Form",
            "Sat, 7 Mar 2026 07:12:55 +0000", "<B7E2C1D0-4A3F-4C8E-9F21-0D6A5B4C3E21@hilo.scot>",
            extra=(("X-Mailer", "iPhone Mail (22D82)"),))
    return mail_bytes(msg, "Apple-Mail-B7E2C1D0-4A3F", crlf=False), \
        [record("fraser", "ocr", "IMG_4471.jpg")]


@fixture("mail/scanned_pdf_attachment.eml",
         "multifunction-printer scan: image-only PDF (200 dpi grey JPEG pages, turned 0.6°) of "
         "the official layout printed from Writer with ☒ boxes; \"approx. 2k\", \"1.5k\" calls "
         "on the public service")
def m_scan_pdf():
    a = APPS["alrashid"]
    html = doc_html(a, doc_official_layout, tick_glyph("\u2612", "\u2610"), size=10)
    pdf = html_to(html, "scanpdf-alrashid", PDF_EXPORT)
    scanned = scan(pdf, "scanpdf-alrashid", "gray-pdf", dpi=200, rotate=0.6, noise=0.3, seed=21,
                   quality=50)
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Scanned from a Xerox multifunction device.\n\nAttachment file type: "
                         "PDF\n", "plain", QP_UTF8))
    msg.attach(attachment(scanned, "application/pdf", "Scan_20260305_101544.pdf"))
    headers(msg, "scanner@gcerc.org", "Scan from XRX-3F-02", "Thu, 5 Mar 2026 10:15:44 +1100",
            "<20260305101544.XRX3F02.1@gcerc.org>", extra=(("Reply-To",
                                                             "yasmin.alrashid@gcerc.org"),))
    return mail_bytes(msg, "XRX-boundary-"), [record("alrashid", "ocr", "Scan_20260305_101544.pdf")]


@fixture("mail/scanner_png_rfc2047_name.eml",
         "PNG scan (1-bit, 200 dpi) of the narrow printed table with ✓ ticks, the file name "
         "RFC 2047-encoded (Scan – Seán O'Driscoll.png); Terms not ticked; 192.0.2.44")
def m_scan_png():
    a = APPS["odriscoll"]
    out = WORK / "png-odriscoll.pdf"
    narrow_table_pdf(a, out, tick_on="\u2713", answer_cm=6.0,
                     title_note="Complete all questions. Tick the boxes that apply.")
    png = scan(out, "png-odriscoll", "png", dpi=200, rotate=-0.6, noise=0.25, seed=5)
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hello, please see attached scan.\nSeán\n", "plain", QP_UTF8))
    msg.attach(attachment(png, "image/png", "Scan \u2013 Se\u00e1n O'Driscoll.png",
                          name_style="rfc2047"))
    headers(msg, "=?utf-8?q?Se=C3=A1n_O=27Driscoll?= <sean.odriscoll@mrda.ie>",
            "Registration form (scanned)", "Mon, 9 Mar 2026 11:00:00 +0000", outlook_ids(6),
            extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_006_"), \
        [record("odriscoll", "ocr", "Scan \u2013 Se\u00e1n O'Driscoll.png")]


@fixture("mail/two_printed_forms.eml",
         "one mail with two forms (two officers of one council), printed narrow tables with "
         "☒ ticks; two records in attachment order")
def m_two_forms():
    pdfs = []
    for key in ("zhang", "venkataraman"):
        out = WORK / f"two-{key}.pdf"
        narrow_table_pdf(APPS[key], out, tick_on="\u2612", tick_off="\u2610", answer_cm=5.0)
        pdfs.append(pdf_bytes_pinned(out, f"two-{key}.pdf"))
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hello,\n\nTwo registrations from Northern Beaches Council: Wei (partner "
                         "service, for the batch system) and Priya (public service, for the "
                         "front counter tool).\n\nThanks,\nWei Zhang\n", "plain", QP_UTF8))
    msg.attach(attachment(pdfs[0], "application/pdf", "OCS form - W Zhang.pdf"))
    msg.attach(attachment(pdfs[1], "application/pdf", "OCS form - P Venkataraman.pdf"))
    headers(msg, "Wei Zhang <wei.zhang@nbc.nsw.gov.au>", "Two registrations - Northern Beaches "
            "Council", "Tue, 10 Mar 2026 13:30:00 +1100", outlook_ids(7), extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_007_"), [record("zhang", "pdf-text", "OCS form - W Zhang.pdf"),
                                      record("venkataraman", "pdf-text",
                                             "OCS form - P Venkataraman.pdf")]


def report_pdf(path, title, paragraphs):
    rl_invariant()
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    ss = getSampleStyleSheet()
    story = [Paragraph(escape(title), ss["Title"])]
    for p in paragraphs:
        if p.startswith("## "):
            story.append(Paragraph(escape(p[3:]), ss["Heading2"]))
        else:
            story.append(Paragraph(escape(p), ss["BodyText"]))
        story.append(Spacer(1, 4))
    SimpleDocTemplate(str(path), pagesize=A4, leftMargin=2.2 * cm, rightMargin=2.2 * cm,
                      title=title, author="Research team").build(story)


REPORT_TEXT = [
    "## 1. Summary",
    "Employment in the region rose by 2,300 persons (0.8%) over the quarter, with the largest "
    "increases in health care and social assistance. Occupation coding of the 48,000 free-text "
    "job titles collected in the quarter was completed in five business days.",
    "## 2. Method",
    "Job titles were coded to ANZSCO using an automated coding service and a clerical review of "
    "low-confidence results. Around 4,000 records per day were coded at peak, using about 800 "
    "requests per day. Records with a confidence below 0.7 were referred to coders.",
    "## 3. Results by occupation group",
    "Professionals grew by 1.9%, Community and Personal Service Workers by 1.4%, and Labourers "
    "fell by 0.6%. Managers were steady. The full tables are in the appendix.",
    "## 4. Data quality",
    "Of the coded records, 91% were coded automatically, 7% after clerical review and 2% could "
    "not be coded (blank or unusable responses). The coding service was reached from the "
    "research network's fixed address range; no personal or workstation addresses were used.",
    "## 5. Next steps",
    "The next quarter will add the 2026 supplementary survey. Please send questions to the "
    "research team at research@example-institute.org.",
] * 2


@fixture("mail/report_pdf_not_a_form.eml",
         "not a form: a quarterly report PDF (mentions occupation coding, records per day, "
         "requests per day, an address range, an e-mail address) → no_form_found")
def m_report():
    out = WORK / "report.pdf"
    report_pdf(out, "Regional Labour Market Snapshot - Quarter 3", REPORT_TEXT)
    pdf = pdf_bytes_pinned(out, "report.pdf")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hi all,\n\nAs discussed at Tuesday's meeting, the quarterly snapshot is "
                         "attached. It shows how we used the coding service this quarter.\n\n"
                         "Cheers,\nMarcus\n", "plain", QP_UTF8))
    msg.attach(attachment(pdf, "application/pdf", "Labour market snapshot Q3.pdf"))
    headers(msg, "Marcus Thorne <m.thorne@example-institute.org>", "Quarterly snapshot",
            "Wed, 11 Mar 2026 15:02:00 +1100", "<quarterly-q3-1773201720@example-institute.org>")
    return mail_bytes(msg, "=_snapshot_"), [NO_FORM]


CV_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Curriculum Vitae</title></head>
<body style="font-family:'Liberation Serif'">
<h1>Ahmed Farouk</h1>
<p>Canberra ACT &#183; ahmed.farouk@example.net &#183; 0400 112 233</p>
<h2>Profile</h2>
<p>Data analyst with six years of experience in survey processing, occupation and industry coding
(ANZSCO, ANZSIC) and reproducible reporting in R and Python.</p>
<h2>Experience</h2>
<table border="0" cellpadding="3">
<tr><td width="140">2022 - present</td><td><b>Senior Data Analyst</b>, Capital Region Research Partners.
Built the coding pipeline for 20,000 records a day; managed the API integration and the allowlisted
server addresses.</td></tr>
<tr><td>2019 - 2022</td><td><b>Data Analyst</b>, Department of Regional Services. Survey editing and
coding; trained 12 coders.</td></tr>
</table>
<h2>Education</h2>
<p>Master of Applied Statistics, Australian National University (2019)</p>
<h2>Skills</h2>
<p>&#10003; R, Python, SQL &#10003; Survey methods &#10003; ANZSCO coding &#10003; Dashboards</p>
<h2>Referees</h2>
<p>Available on request.</p>
</body></html>
"""


@fixture("mail/cv_word97_not_a_form.eml",
         "not a form: a job applicant's CV as a Word 97-2003 .doc (ticks, numbers, an e-mail "
         "address) → no_form_found")
def m_cv():
    doc = html_to(CV_HTML, "cv-farouk", "doc:MS Word 97").read_bytes()
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Dear Hiring Manager,\n\nI would like to apply for the Data Analyst "
                         "position advertised on your website. My CV is attached.\n\n"
                         "Yours sincerely,\nAhmed Farouk\n", "plain", QP_UTF8))
    msg.attach(attachment(doc, "application/msword", "CV_Ahmed_Farouk.doc"))
    headers(msg, "Ahmed Farouk <ahmed.farouk@example.net>", "Application - Data Analyst",
            "Thu, 12 Mar 2026 19:44:10 +1100", "<cv-ahmed-farouk-20260312@example.net>")
    return mail_bytes(msg, "=_cv_"), [NO_FORM]


@fixture("mail/plain_official_text_tbc.eml",
         "the official form text pasted into a plain mail (tabs and trailing spaces kept), "
         "answers typed in, [X] ticks; IP \"to be confirmed\", records \"1,000 to 3,000\", calls "
         "\"TBC\"")
def m_plain_official():
    a = APPS["achebe"]
    text = ("Dear Coding Service team,\n\nI copied your form into this email and filled it "
            "in.\n\n" + plain_form(a, on="[X]", off="[ ]", style="official")
            + "\nRegards\nRosalind Achebe\nLagos-Perth Education Trust\n")
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "Rosalind Achebe <rosalind@lpet.org.au>", "Registration",
            "Fri, 13 Mar 2026 10:05:00 +0800", "<lpet-0313-100500@lpet.org.au>")
    return mail_bytes(msg, ""), [record("achebe", "body")]


@fixture("mail/outlook_html_yes_answers_dhcp.eml",
         "Outlook HTML only (windows-1252 QP): a table of questions with Yes / Partner typed as "
         "answers instead of ticks; IP \"58.96.12.140 (assigned by DHCP, may change)\"")
def m_outlook_yes():
    a = APPS["gallagher"]
    rows = [("Full name", a["name"]), ("Organisation", a["org"]),
            ("Contact email", a["email"]),
            ("Do you agree to the Terms of Use of the ABS Occupation Coding Service?", "Yes"),
            ("Service required (Public or Partner)", "Partner coding service"),
            ("Static IP address or range for allowlisting", a["ip"]),
            ("Records you expect to code per day (peak)", a["records"]),
            ("API calls you expect to make per day (peak)", a["calls"]),
            ("Do you agree to read and follow the Occupation Coding Service User Guide?", "Yes")]
    table = ("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 "
             "style='border-collapse:collapse;border:none'>\n"
             + "".join(f"<tr>\n{mso_td(h(q), 220, bold=True)}{mso_td(h(v), 230)}</tr>\n"
                       for q, v in rows) + "</table>\n")
    html = (OUTLOOK_HEAD.format(charset="windows-1252") + mso_p("Hi,") + mso_p("&nbsp;")
            + mso_p("Our registration details are in the table below &#8211; let me know if you "
                    "need anything else.") + mso_p("&nbsp;") + table + mso_p("&nbsp;")
            + mso_p("Thanks a million,") + mso_p("Eamon") + OUTLOOK_TAIL)
    msg = text_part(html, "html", QP_1252)
    headers(msg, "Eamon Gallagher <eamon@gallagher-research.ie>",
            "OCS registration \u2013 Gallagher Research", "Mon, 16 Mar 2026 09:30:00 +0000",
            outlook_ids(10), extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, ""), [record("gallagher", "body")]


@fixture("mail/rfc2231_name_fillable.eml",
         "reportlab fillable PDF (fields fld_01…, radio export values 0/1) filled with pypdf, "
         "attached under an RFC 2231 UTF-8 name (Anmeldeformular_Müller.pdf); /16 too broad; "
         "\"1,000,000\"")
def m_rfc2231():
    a = APPS["mueller"]
    blank = WORK / "acroform-fld2.pdf"
    reportlab_acroform(blank, NAMES_FLD, tooltips=True)
    pdf = fill_pdf(blank, a, NAMES_FLD, "acroform-mueller")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Sehr geehrte Damen und Herren,\n\nanbei unser ausgefülltes Formular "
                         "(registration form attached).\n\nMit freundlichen Grüßen\nJürgen "
                         "Müller\n", "plain", QP_UTF8))
    msg.attach(attachment(pdf, "application/pdf", "Anmeldeformular_Müller.pdf"))
    headers(msg, "=?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <juergen.mueller@daia.de>",
            "Anmeldung / registration", "Tue, 17 Mar 2026 08:00:00 +0100",
            "<a1b2c3d4.mueller@daia.de>", extra=(("User-Agent", "Mozilla Thunderbird"),))
    return mail_bytes(msg, "------------daia1b2c3d4", crlf=False), \
        [record("mueller", "pdf-form", "Anmeldeformular_Müller.pdf")]


@fixture("mail/free_text_public_minimal.eml",
         "three sentences in a plain mail, every answer given; public service, 50 records and "
         "\"maybe 50\" calls")
def m_free_public():
    text = ("Hi, I'm Tom Nakamura from Kyogle Shire Council (tom.nakamura@kyogle.nsw.gov.au) and "
            "we'd like the public coding service. We expect about 50 records a day and maybe 50 "
            "API calls a day at most. I accept the Terms of Use and agree to follow the User "
            "Guide.\n\nTom\n")
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "Tom Nakamura <tom.nakamura@kyogle.nsw.gov.au>", "coding service",
            "Wed, 18 Mar 2026 12:00:00 +1100", "<kyogle-tn-20260318@kyogle.nsw.gov.au>")
    return mail_bytes(msg, "", crlf=False), [record("nakamura", "body")]


@fixture("mail/preview_x_flattened_no_name.eml",
         "blank official form filled with FreeText annotations, ticks typed as X text boxes, "
         "flattened with qpdf; name left blank, no service marked, calls blank, \"3k\"")
def m_preview_x():
    a = APPS["tnq"]
    pdf = annotated_form(a, "preview-tnq", tick="X", typewriter=False, flatten=True)
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hello, our form is attached. Research Unit, TNQ.\n", "plain", QP_UTF8))
    msg.attach(attachment(pdf, "application/pdf", "TNQTRU Registration.pdf"))
    headers(msg, "TNQ Tourism Research <research@tnqtru.com.au>", "Registration",
            "Thu, 19 Mar 2026 14:15:00 +1000",
            "<F00D1E55-0C0D-4E11-B2A6-7TNQTRU0319@tnqtru.com.au>",
            extra=(("X-Mailer", "Apple Mail (2.3774.500.171.1.1)"),))
    return mail_bytes(msg, "Apple-Mail=_F00D1E55", crlf=False), \
        [record("tnq", "pdf-text", "TNQTRU Registration.pdf")]


@fixture("mail/word97_table_x_cells.eml",
         "Word 97-2003 .doc (table form) with X typed in tick cells, empty cell = not ticked; "
         "e-mail in capitals; two IP entries on separate lines (IPv4 /24 and IPv6 /48); "
         "\"0.5 million\"")
def m_doc_xcells():
    a = APPS["rossi"]
    html = doc_html(a, doc_table_layout, tick_glyph("X", "", font="Liberation Sans"),
                    author=a["name"])
    doc = html_to(html, "doc-rossi", "doc:MS Word 97").read_bytes()
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Good morning,\n\nPlease see attached.\n\nIsabella Rossi\nIAWASA\n",
                         "plain", QP_UTF8))
    msg.attach(attachment(doc, "application/msword", "IAWASA - ABS coding registration.doc"))
    headers(msg, "Isabella Rossi <isabella.rossi@iawasa.org.au>", "ABS coding registration",
            "Fri, 20 Mar 2026 09:09:09 +1030", outlook_ids(11), extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_011_"), \
        [record("rossi", "doc", "IAWASA - ABS coding registration.doc")]


@fixture("mail/rtf_check_glyphs_calls_exceed.eml",
         "RTF attachment (official paragraph layout, ✓ before ticked statements, ☐ otherwise); "
         "950 calls > 900 records")
def m_rtf_checks():
    a = APPS["mensah"]
    html = doc_html(a, doc_official_layout, tick_glyph("\u2713", "\u2610"), author=a["name"],
                    font="Liberation Serif", size=11)
    rtf = html_to(html, "rtf-mensah", "rtf:Rich Text Format").read_bytes()
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Hello,\n\nAttached is our registration (RTF, as our system cannot save "
                         "Word files).\n\nKofi\n", "plain", QP_UTF8))
    msg.attach(attachment(rtf, "text/rtf", "AMTDS_registration.rtf"))
    headers(msg, "Kofi Mensah-Bonsu <kofi@amtds.com.au>", "registration - AMTDS",
            "Mon, 23 Mar 2026 10:10:10 +1100", "<amtds.20260323.101010@amtds.com.au>")
    return mail_bytes(msg, "=_amtds_"), [record("mensah", "rtf", "AMTDS_registration.rtf")]


@fixture("mail/outlook_winmail_dat_rtf.eml",
         "winmail.dat (TNEF) carrying an RTF form (two-column table, ☑/☐) with a long name "
         "with spaces and parentheses; a /23 and an address")
def m_winmail_rtf():
    a = APPS["hrytsenko"]
    long_name = "Registration form - Occupation Coding Service (UCSA NSW).rtf"
    html = doc_html(a, doc_table_layout, tick_glyph("\u2611", "\u2610"), author=a["name"])
    rtf = html_to(html, "tnef-hrytsenko", "rtf:Rich Text Format").read_bytes()
    tnef = winmail_dat("Registration", "REGIST~1.RTF", long_name, rtf, "application/rtf")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part(WINMAIL_BODY.format(name=a["name"], org=a["org"]), "plain", QP_1252))
    p = MIMEApplication(tnef, "ms-tnef", name="winmail.dat")
    del p["MIME-Version"]
    p.add_header("Content-Disposition", "attachment", filename="winmail.dat")
    msg.attach(p)
    headers(msg, "Oksana Hrytsenko <oksana.hrytsenko@ucsansw.org.au>", "Registration",
            "Tue, 24 Mar 2026 15:20:00 +1100", outlook_ids(12),
            extra=OUTLOOK_EXTRA[:3] + (("X-MS-Has-Attach", "yes"),
                                       ("X-MS-TNEF-Correlator", outlook_ids(12))))
    return mail_bytes(msg, "_012_"), [record("hrytsenko", "rtf", long_name)]


@fixture("mail/plain_yes_answers_link_local.eml",
         "plain-text retyped form with Yes/Partner written as answers; e-mail with two @; "
         "link-local 169.254.33.7 copied from ipconfig; \"3.5k\"")
def m_plain_yes():
    a = APPS["karimi"]
    text = ("Salaam,\n\nHere are my answers:\n\n"
            f"Full name: {a['name']}\nOrganisation: {a['org']}\nContact email: {a['email']}\n"
            "Terms of Use: Yes, I agree\nService required: Partner\n"
            f"IP address: {a['ip']}\n"
            f"Records you expect to code per day: {a['records']}\n"
            f"API calls per day: {a['calls']}\n"
            "User Guide agreement: Yes\n\nThank you,\nAhmad\n")
    msg = text_part(text, "plain", QP_UTF8)
    headers(msg, "Ahmad Karimi <ahmad.karimi.dls@gmail.com>", "Registration - Dari Language "
            "Services", "Wed, 25 Mar 2026 18:18:18 +1100",
            "<CAJx9rT4fQ1m=Zb7Lk2Nw5Pc8Vd3Hy6Ge0Ua@mail.gmail.com>")
    return mail_bytes(msg, "", crlf=False), [record("karimi", "body")]


@fixture("mail/form_plus_capability_statement.eml",
         "two PDF attachments: a capability statement (not a form) first, then the form "
         "(official layout from Writer, ✔ glyphs) → one record for the form only; "
         "\"approx. 20,000\"")
def m_form_plus():
    a = APPS["goldstein"]
    cap = WORK / "capability.pdf"
    report_pdf(cap, "Goldstein & Partners - Capability Statement", [
        "## About us", "Goldstein & Partners Economic Consulting is a Sydney firm of 14 "
        "economists and data scientists working on labour market analysis for government.",
        "## Services", "Workforce projections; occupation and industry coding; survey design; "
        "cost-benefit analysis.", "## Contact", "rgoldstein@gpec.com.au, +61 2 9011 3344"])
    html = doc_html(a, doc_official_layout, tick_glyph("\u2714", "\u2610"), author=a["name"])
    form = pdf_bytes_pinned(html_to(html, "form-goldstein", PDF_EXPORT), "form-goldstein.pdf")
    msg = MIMEMultipart("mixed")
    msg.attach(text_part("Dear ABS,\n\nPlease find attached our registration form, and our "
                         "capability statement for context.\n\nRebecca Goldstein\nDirector\n",
                         "plain", QP_UTF8))
    msg.attach(attachment(pdf_bytes_pinned(cap, "capability.pdf"), "application/pdf",
                          "GPEC capability statement 2026.pdf"))
    msg.attach(attachment(form, "application/pdf", "OCS registration - GPEC.pdf"))
    headers(msg, "Rebecca Goldstein <rgoldstein@gpec.com.au>", "Occupation Coding Service - "
            "registration", "Thu, 26 Mar 2026 09:45:00 +1100", outlook_ids(13),
            extra=OUTLOOK_EXTRA)
    return mail_bytes(msg, "_013_"), \
        [record("goldstein", "pdf-text", "OCS registration - GPEC.pdf")]


# --------------------------------------------------------------------------------------------
# Writing the set
# --------------------------------------------------------------------------------------------
def tool_versions():
    def first_line(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "not found"
    import pypdf
    import reportlab
    from importlib.metadata import version
    return [("LibreOffice", first_line(["soffice", "--version"])),
            ("qpdf", first_line(["qpdf", "--version"])),
            ("poppler (pdftoppm, pdftotext)", first_line(["pdftoppm", "-v"])),
            ("ImageMagick", first_line([CONVERT, "-version"])),
            ("img2pdf", first_line(["img2pdf", "--version"])),
            ("reportlab", reportlab.Version), ("pypdf", pypdf.__version__),
            ("tnefparse (check only)", version("tnefparse")),
            ("Python", sys.version.split()[0])]


README_HEAD = """# Hold-out set 3: forms and mails in the shapes applicants send

An independent hold-out set. Its author wrote it from SPEC v2, the official form text and the
project's fixture rules only, without reading the reader, to measure how the reader generalises
to shapes and wordings its authors did not imagine. Every file is made by
`scripts/make_holdout3.py` with the tools applicants use; nothing is hand-edited.

- `forms/`: single form documents (what `regintake check FILE` reads).
- `mail/`: one `.eml` per mail.
- `expected/<file name>.json`: the truth for each file, written from the case table in the
  script (`APPS`: each applicant's answers as written, and by hand the record a careful reviewer
  writes per SPEC v2). Never produced by running regintake.

Regenerate (from the repository root): `python3 scripts/make_holdout3.py`. The script needs
LibreOffice Writer, qpdf, poppler-utils, ImageMagick 6, img2pdf and the Python packages
reportlab, pypdf and tnefparse (`apt-get install -y libreoffice-writer-nogui qpdf poppler-utils
imagemagick img2pdf fonts-dejavu fonts-liberation fonts-freefont-ttf`, `pip install reportlab
pypdf tnefparse`). PDF dates and ids are pinned (`qpdf --deterministic-id`), MIME boundaries,
Message-IDs and dates are fixed, and the image noise is seeded (ImageMagick on one thread), so
PDFs, images and most mails come out byte for byte the same. LibreOffice's `.doc` (random names of
the legacy-field bookmarks) and `.rtf` (font-table order) output may differ in a few bytes between
runs, never in content.

## Judgement calls (where SPEC v2 leaves room), stated so they can be argued with

- A reply that quotes an older form below the new one (plain `> ` quoting, or Outlook's
  From:/Sent: block) is one registration: one record, from the new answers on top.
- Records per day / calls per day: a written range ("2,000-4,000", "1,000 to 3,000") is its
  peak; "approx.", "about", "around", "maybe", "~" are ignored; "10k"/"250K" are thousands.
- An IP answer with words but no address ("to be confirmed") or a malformed address
  ("10.1.1.256") gives `ip_allowlist` "" and `invalid_ip`, not `missing_ip_allowlist`.
- "N/A" in the IP answer of a public-service form is a blank answer: no flag.
- A range `start-end` is too broad when it covers more than a /24 (IPv4): 144.6.0.0 -
  144.6.255.255 is a /16. A range is written back without spaces around the dash.
- Text in the IP answer after the address ("(assigned by DHCP, may change)", "at the moment,
  it's a dynamic address on my home connection") is the applicant's words: `dynamic_ip`, and
  the address alone goes in `ip_allowlist`. The official form's own words "not a local,
  personal, workstation or dynamic IP address" are not the applicant's.
- Both services marked: `service` "" and only `multiple_services_selected` among the service,
  IP and limit flags; the IP answer is still recorded.
- Free-sentence mails: a statement the applicant does not make (e.g. the User Guide never
  mentioned) is "not ticked" → `no` and its flag. "Yes" / "Yes, I agree" / "Partner" written
  as answers count as marks.
- Outlook's text/plain alternative of a Wingdings table shows the boxes as `þ`/`¨`; the truth
  is what the HTML shows (þ in Wingdings is a ticked box, ¨ an empty one).
- Non-forms (a report, a CV, a capability statement) are sent as mail attachments, never as
  bare `forms/` files, because a bare non-form's `attachment` value is not fixed by the rules.
- OCR records: the expected fields are what is printed on the page (the truth), with
  `read_by_ocr` plus every flag the answers earn.

## Files

| file | source | flags | what it tests |
|---|---|---|---|
"""


def main():
    os.environ["MAGICK_THREAD_LIMIT"] = "1"  # seeded noise is only repeatable on one thread
    for sub in ("forms", "mail", "expected"):
        d = OUT / sub
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    rows = []
    for path, shape, fn in FIXTURES:
        data, records = fn()
        target = OUT / path
        target.write_bytes(data)
        exp = {"records": [{"attachment": r["attachment"], "source": r["source"],
                            "flags": sorted(r["flags"]),
                            "fields": {k: r["fields"][k] for k in FIELD_ORDER}} for r in records]}
        (OUT / "expected" / (target.name + ".json")).write_text(
            json.dumps(exp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        sources = ", ".join(dict.fromkeys(r["source"] for r in records))
        flags = "; ".join(", ".join(r["flags"]) or "—" for r in records)
        rows.append(f"| `{path}` | {sources} | {flags} | {shape.replace('|', '/')} |")
        print(f"{len(data):>8}  {path}")
    versions = "\n".join(f"- {name}: {v}" for name, v in tool_versions())
    n_forms = sum(1 for p, _, _ in FIXTURES if p.startswith("forms/"))
    readme = (README_HEAD + "\n".join(rows)
              + f"\n\n{len(FIXTURES)} files ({n_forms} forms, {len(FIXTURES) - n_forms} mails).\n"
              + "\n## Tools and versions used for the committed files\n\n" + versions + "\n")
    (OUT / "README.md").write_text(readme, encoding="utf-8")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
