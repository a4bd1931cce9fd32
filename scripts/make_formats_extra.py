#!/usr/bin/env python3
"""fixtures/formats-extra: a few more shapes of the formats the reader learnt, made by other
routes than scripts/make_formats.py, to check it generalises:

- a .doc converted by LibreOffice from a hand-written RTF whose ticks are Wingdings characters
  (the .doc then carries them as symbol-font text, not Unicode boxes);
- a .doc from an HTML table form with empty answer cells and a nested tick table;
- an RTF written the way Word writes it: table rows with \\cell/\\row, FORMCHECKBOX fields
  with \\ffres in cells, SYMBOL fields for Wingdings ticks, a windows-1251 name in \\'hh;
- a plain reply whose new form on top leaves out the User Guide statement while the quoted
  older form below has it ticked (the quoted form must not fill the gap);
- a winmail.dat holding a .doc under a PT_STRING8 windows-1252 long name;
- a free-wording mail with a range "150.203.1.0 to 150.203.1.63" and numbers in "k".

Truth by hand in CASES. Run from the repository root (needs soffice):
    python3 scripts/make_formats_extra.py
"""
import email.policy
import shutil
import struct
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fixturelib as fx  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "formats-extra"
FORMS, MAIL, EXPECTED = OUT / "forms", OUT / "mail", OUT / "expected"

TERMS = ("I have read, understand, and agree to be legally bound by the Terms of Use of the "
         "Australian Bureau of Statistics Occupation Coding Service.")
PUBLIC = "Public coding service (1 API call per second and up to 1,000 calls per day)."
PARTNER = ("Partner coding service (Large batch coding, and real-time coding (1 API call per "
           "second and up to 10,000 real-time calls per day)).")
GUIDE = ("I agree to read and follow the API integration instructions in the Occupation Coding "
         "Service User Guide.")


def fields(name, org, email, terms, service, ip, records, calls, guide):
    return {"full_name": name, "organisation": org, "contact_email": email,
            "terms_accepted": terms, "service": service, "ip_allowlist": ip,
            "expected_records_per_day": records, "expected_api_calls_per_day": calls,
            "user_guide_agreed": guide}


def rtf_wingdings_source():
    box = lambda on: r"{\f2\'fe}" if on else r"{\f2\'a8}"  # noqa: E731
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\fswiss\\fcharset0 DejaVu Sans;}"
            "{\\f2\\fnil\\fcharset2 Wingdings;}}\n\\pard\\b Occupation Coding Service Registration "
            "Form\\b0\\par\nFull name:\\tab Ms Aroha Ngata\\par\nOrganisation:\\tab Te Whatu Ora "
            "Liaison Office\\par\nContact email:\\tab aroha.ngata@example.org.au\\par\n"
            f"{box(True)} {TERMS}\\par\n{box(True)} {PUBLIC}\\par\n{box(False)} {PARTNER}\\par\n"
            "Records you expect to code per day:\\tab 750\\par\n"
            "API calls you expect to make per day:\\tab 600\\par\n"
            f"{box(False)} {GUIDE}\\par\n}}\n")


def html_table_form():
    tick = lambda on: "&#9746;" if on else "&#9744;"  # noqa: E731
    rows = [("Full name", "Dr Ravi Shankar"), ("Organisation", "Queensland Health"),
            ("Contact email", "ravi.shankar@health.qld.gov.au"), ("Phone (optional)", ""),
            ("Static IP address or range", "203.2.75.0/24"),
            ("Records you expect to code per day", "12,000"),
            ("API calls you expect to make per day", "4,000")]
    body = "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
    ticks = "".join(f"<tr><td>{tick(on)}</td><td>{text}</td></tr>" for on, text in
                    [(True, TERMS), (False, PUBLIC), (True, PARTNER), (True, GUIDE)])
    return ("<html><body><h1>Occupation Coding Service Registration Form</h1>"
            f"<table border=1>{body}</table><table border=1><tr><td>"
            f"<table border=1>{ticks}</table></td></tr></table></body></html>")


def rtf_word_style():
    def checkbox(name, on):
        return ("{\\field{\\*\\fldinst {FORMCHECKBOX }{\\*\\datafield 6500000014000000}"
                f"{{\\*\\formfield{{\\fftype1\\ffres{25 if on else 0}\\fftypetxt0\\ffhps20"
                f"\\ffdefres{1 if on else 0}{{\\*\\ffname {name}}}}}}}}}{{\\fldrslt }}}}")

    def symbol(on):
        code = 254 if on else 168
        return (f"{{\\field{{\\*\\fldinst SYMBOL {code} \\\\f \"Wingdings\" \\\\s 11}}"
                f"{{\\fldrslt\\f2\\fs22}}}}")

    def row(*cells):
        defs = "".join(f"\\cellx{2500 * (i + 1)}" for i in range(len(cells)))
        return ("\\trowd\\trgaph108" + defs + "\\pard\\intbl "
                + "".join(f"{c}\\cell " for c in cells) + "\\row\n")

    name = "".join(f"\\'{b:02x}" for b in "Олена Коваль".encode("cp1251"))
    return ("{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman\\fcharset0 Times New Roman;}"
            "{\\f1\\froman\\fcharset204 Times New Roman Cyr;}{\\f2\\fnil\\fcharset2 Wingdings;}}\n"
            "\\pard\\b Occupation Coding Service Registration Form\\b0\\par\n"
            + row("Full name", f"{{\\f1 {name}}}")
            + row("Organisation", "Ukrainian Council of Queensland")
            + row("Contact email", "olena.koval@ucq.org.au")
            + row(checkbox("Terms", True), TERMS)
            + row(symbol(False), PUBLIC)
            + row(symbol(True), PARTNER)
            + row("IP address(es) for allowlisting", "150.101.20.0/24")
            + row("Records you expect to code per day", "\\u8776? 6,000")
            + row("API calls you expect to make per day", "2,500")
            + row(checkbox("UserGuide", True), GUIDE)
            + "\\pard\\par}\n")


def mail(subject, sender, date, mid, text):
    msg = fx.new_mail(sender, subject, date, mid)
    msg.set_content(text)
    return msg


def tnef_with(name, data):
    def rec(level, attr, payload):
        return (bytes([level]) + struct.pack("<II", attr, len(payload)) + payload
                + struct.pack("<H", sum(payload) & 0xFFFF))
    long_name = name.encode("cp1252") + b"\x00"
    padded = long_name + b"\x00" * (-len(long_name) % 4)
    props = (struct.pack("<I", 1) + struct.pack("<HH", 0x001E, 0x3707) + struct.pack("<I", 1)
             + struct.pack("<I", len(long_name)) + padded)
    out = b"\x78\x9f\x3e\x22\x01\x00"
    out += rec(1, 0x00089006, struct.pack("<I", 0x00010000))  # attTnefVersion
    out += rec(1, 0x00069007, struct.pack("<II", 1252, 0))    # attOemCodepage
    out += rec(2, 0x00069002, b"\x01\x00" + b"\x00" * 12)     # attAttachRendData
    out += rec(2, 0x00018010, b"REGIST~1.DOC\x00")           # attAttachTitle
    out += rec(2, 0x0006800F, data)                           # attAttachData
    out += rec(2, 0x00069005, props)                          # attAttachment
    return out


def main():
    fx.require_tools("make_formats_extra", "soffice")
    if OUT.exists():
        shutil.rmtree(OUT)
    for d in (FORMS, MAIL, EXPECTED):
        d.mkdir(parents=True)
    work = Path(tempfile.mkdtemp(prefix="formats-extra-"))
    (work / "wingdings_from_rtf.rtf").write_text(rtf_wingdings_source(), encoding="ascii")
    (work / "html_table_nested_ticks.html").write_text(html_table_form(), encoding="utf-8")
    with fx.Office() as office:
        office.convert([work / "wingdings_from_rtf.rtf", work / "html_table_nested_ticks.html"],
                       "doc:MS Word 97", work / "doc",
                       )
    shutil.copy(work / "doc" / "wingdings_from_rtf.doc", FORMS / "doc_wingdings_from_rtf.doc")
    shutil.copy(work / "doc" / "html_table_nested_ticks.doc",
                FORMS / "doc_html_table_nested_ticks.doc")
    (FORMS / "rtf_word_style_fields_symbols.rtf").write_text(rtf_word_style(), encoding="ascii")
    shutil.rmtree(work)

    truth = {
        "doc_wingdings_from_rtf.doc": [fx.record(
            "doc_wingdings_from_rtf.doc", "doc", ["user_guide_not_agreed"],
            fields("Ms Aroha Ngata", "Te Whatu Ora Liaison Office", "aroha.ngata@example.org.au",
                   "yes", "public", "", "750", "600", "no"))],
        "doc_html_table_nested_ticks.doc": [fx.record(
            "doc_html_table_nested_ticks.doc", "doc", [],
            fields("Dr Ravi Shankar", "Queensland Health", "ravi.shankar@health.qld.gov.au",
                   "yes", "partner", "203.2.75.0/24", "12000", "4000", "yes"))],
        "rtf_word_style_fields_symbols.rtf": [fx.record(
            "rtf_word_style_fields_symbols.rtf", "rtf", [],
            fields("Олена Коваль", "Ukrainian Council of Queensland", "olena.koval@ucq.org.au",
                   "yes", "partner", "150.101.20.0/24", "6000", "2500", "yes"))],
    }

    new = ("Hi, the corrected form is below.\n\nFull name: Sione Tupou\nOrganisation: Pasifika "
           "Health Network\nContact email: sione.tupou@phn.org.au\n"
           f"[X] {TERMS}\n[X] {PUBLIC}\n[ ] {PARTNER}\n"
           "Records you expect to code per day: 400\nAPI calls you expect to make per day: 300\n"
           "\nSione\n\n"
           "On Mon, 9 Mar 2026 at 09:02, Sione Tupou <sione.tupou@phn.org.au> wrote:\n"
           "> Full name: Sione Tupou\n> Organisation: Pasifika Health Network\n"
           "> Contact email: sione.tupou@phn.org.au\n"
           f"> [X] {TERMS}\n> [ ] {PUBLIC}\n> [X] {PARTNER}\n"
           "> IP address(es): 10.0.0.8\n> Records you expect to code per day: 40,000\n"
           f"> API calls you expect to make per day: 30,000\n> [X] {GUIDE}\n")
    msg = mail("Re: OCS registration", "Sione Tupou <sione.tupou@phn.org.au>",
               "Tue, 10 Mar 2026 08:15:00 +1100", "<extra-01@phn.org.au>", new)
    (MAIL / "reply_new_form_no_guide.eml").write_bytes(msg.as_bytes())
    truth["reply_new_form_no_guide.eml"] = [fx.record(
        "", "body", ["user_guide_not_agreed"],
        fields("Sione Tupou", "Pasifika Health Network", "sione.tupou@phn.org.au", "yes",
               "public", "", "400", "300", "no"))]

    doc_bytes = (FORMS / "doc_wingdings_from_rtf.doc").read_bytes()
    long_name = "Registration – Aroha Ngata (final).doc"
    msg = mail("OCS registration", "Aroha Ngata <aroha.ngata@example.org.au>",
               "Wed, 11 Mar 2026 10:00:00 +1100", "<extra-02@example.org.au>",
               "Please find the form attached.\n")
    msg.add_attachment(tnef_with(long_name, doc_bytes), maintype="application",
                       subtype="ms-tnef", filename="winmail.dat")
    fx.pin_boundaries(msg, "----=_extra_{n}")
    (MAIL / "winmail_dat_doc_string8_name.eml").write_bytes(msg.as_bytes())
    truth["winmail_dat_doc_string8_name.eml"] = [dict(
        truth["doc_wingdings_from_rtf.doc"][0], attachment=long_name)]

    text = ("Hello,\n\nThis is Priya Raman from the Australian Antarctic Division. We need the "
            "Partner coding service for our survey data. Our servers are 150.203.1.0 to "
            "150.203.1.63. We expect about 8k records a day and 3k API calls a day. I accept the "
            "Terms of Use and I will follow the User Guide.\n\nEmail: priya.raman@aad.gov.au\n")
    msg = mail("Registration", "Priya Raman <priya.raman@aad.gov.au>",
               "Thu, 12 Mar 2026 11:30:00 +1100", "<extra-03@aad.gov.au>", text)
    (MAIL / "free_wording_range_to.eml").write_bytes(msg.as_bytes())
    truth["free_wording_range_to.eml"] = [fx.record(
        "", "body", [],
        fields("Priya Raman", "Australian Antarctic Division", "priya.raman@aad.gov.au", "yes",
               "partner", "150.203.1.0-150.203.1.63", "8000", "3000", "yes"))]

    for name, records in truth.items():
        fx.write_expected(EXPECTED, name, records)


if __name__ == "__main__":
    main()
