#!/usr/bin/env python3
"""Make fixtures/scans-jbig2/: typed-then-scanned registration forms in PDFs whose page images
are JBIG2, the way office scanners' black-and-white "compact PDF" modes, PDF optimisers and
OCRmyPDF write them.

How a file is made:
- the typed form exactly as scripts/make_scans.py makes its scans (it is imported): LibreOffice
  prints the typed form to PDF, poppler's pdftoppm rasterises it, Pillow draws pen ticks where
  the applicant ticked by hand, ImageMagick degrades the page like an office scanner (skew, blur,
  grain, dust);
- ImageMagick thresholds each page to one bit per pixel, like a scanner's black-and-white mode;
- a JBIG2 encoder written by others, the crate jbig2enc-rust (built from scripts/jbig2-encode),
  codes the pages: `symbols`, a pixel-exact symbol dictionary with text regions, one dictionary
  shared by every page of a document as the PDF's /JBIG2Globals stream; or `generic`, one
  arithmetic-coded generic region per page. (Lossy symbol coding is left out: the crate's lossy
  presets write streams that poppler, jbig2dec and hayro-jbig2 decode differently, dropping thin
  glyphs or hyphens in some and not others, so the page an applicant would see is not known);
- the PDF around the streams is put together here (each page draws one image XObject over the
  whole page, as scanners write it), then rewritten by qpdf (with object streams for one file);
- poppler, whose JBIG2 decoder is not the one regintake uses, must decode every page
  (pdfimages) exactly as the bitmap that was encoded; pdfimages must list every image as jbig2;
  pdftotext must find no text layer.

The expected files are written from the case table below by hand-reasoning per SPEC v2: the
truth is what the applicant typed and ticked, never what OCR makes of it.

Needs on PATH: cargo, and what make_scans.py needs (soffice, poppler-utils, ImageMagick 6,
qpdf, the fonts it lists); Python packages pillow and img2pdf.

Usage: python3 scripts/make_jbig2_scans.py   (rewrites fixtures/scans-jbig2; 2-3 minutes)
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
from datetime import datetime
from email import policy
from email.utils import format_datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_scans as ms  # noqa: E402
from fixturelib import (Office, client_mail, new_mail, pin_boundaries, record,  # noqa: E402
                        require_tools, write_expected)

ROOT = ms.ROOT
OUT = os.path.join(ROOT, "fixtures", "scans-jbig2")
ENCODER_CRATE = os.path.join(ROOT, "scripts", "jbig2-encode")
case, typed, truth = ms.case, ms.typed, ms.truth

CASES = [
    case("official_jbig2_300dpi_two_pages.pdf", "forms",
         typed("Dr Imogen Kowalczyk", "Australian Bureau of Agricultural and Resource Economics",
               "imogen.kowalczyk@agriculture.gov.au", True, "partner", "164.97.240.0/22",
               "15,000", "2,500", True),
         truth("Dr Imogen Kowalczyk", "Australian Bureau of Agricultural and Resource Economics",
               "imogen.kowalczyk@agriculture.gov.au", True, "partner", "164.97.240.0/22", "15000",
               "2500", True),
         ["ip_range_too_broad"], "JBIG2 symbol dictionary shared by two pages (/JBIG2Globals), pixel-exact, 300 dpi, "
         "−0.7°", "/22 block; ☒/☐ typed before the statements", size=13, pages=2, out="symbols",
         dpi=300, angle=-0.7, seed=61, noise=0.12, speckle=25),
    case("table_jbig2_generic_200dpi_pen_check.pdf", "forms",
         typed("Ms Chloe Papadopoulos", "Victorian Department of Education",
               "chloe.papadopoulos@education.vic.gov.au", True, "public", "", "800", "1,200",
               True),
         truth("Ms Chloe Papadopoulos", "Victorian Department of Education",
               "chloe.papadopoulos@education.vic.gov.au", True, "public", "", "800", "1200",
               True),
         ["calls_exceed_records", "exceeds_public_limit"],
         "JBIG2 generic region, 200 dpi, +1.2°, table, pen ✓ ticks",
         "calls > records, over the Public limit; ✓ strokes drawn in printed ☐", layout="table",
         font="Liberation Sans", size=10, ticks="pen_check", out="generic", dpi=200, angle=1.2,
         seed=62, noise=0.12, speckle=25),
    case("official_jbig2_one_page_300dpi.pdf", "forms",
         typed("Mr Rhys Llewellyn-Jones", "Australian Institute of Family Studies",
               "rhys.llewellyn-jones@aifs.gov.au", True, "partner", "203.12.144.0/20", "3,000",
               "1,000", True),
         truth("Mr Rhys Llewellyn-Jones", "Australian Institute of Family Studies",
               "rhys.llewellyn-jones@aifs.gov.au", True, "partner", "203.12.144.0/20", "3000",
               "1000", True),
         ["ip_range_too_broad"], "JBIG2 symbol dictionary in the page's own stream, 300 dpi, "
         "+0.4°, qpdf object streams", "/20 block; [X]/[ ] typed", font="DejaVu Serif", size=11,
         ticks="bracket_x", out="symbols", dpi=300, angle=0.4, seed=63, noise=0.1, speckle=20),
    case("scan_20260512_093114.pdf", "m01_scanner_jbig2_pdf.eml",
         typed("Mrs Deborah Achterberg", "Department of Veterans' Affairs",
               "deborah.achterberg@dva.gov.au", False, "partner", "10.42.8.0/24", "2,000",
               "500", True),
         truth("Mrs Deborah Achterberg", "Department of Veterans' Affairs",
               "deborah.achterberg@dva.gov.au", False, "partner", "10.42.8.0/24", "2000", "500",
               True),
         ["non_public_ip", "terms_not_accepted"],
         "copier's scan-to-email: JBIG2 symbols with /JBIG2Globals, 200 dpi, +0.8°, two pages",
         "private range; terms box left empty; ☒/☐ typed", size=12.5, pages=2, out="symbols",
         dpi=200, angle=0.8, seed=64, noise=0.12, speckle=25),
    case("Registration form - signed.pdf", "m02_outlook_jbig2_generic.eml",
         typed("Mr Sione Tupou", "Pacific Labour Facility", "sione.tupou@plf.gov.au", True,
               "partner", "124.19.6.33 (dynamic)", "600", "600", False),
         truth("Mr Sione Tupou", "Pacific Labour Facility", "sione.tupou@plf.gov.au", True,
               "partner", "124.19.6.33", "600", "600", False),
         ["dynamic_ip", "user_guide_not_agreed"],
         "Outlook mail, JBIG2 generic region, 300 dpi, −1.0°, pen X ticks",
         "\"(dynamic)\" address; User Guide box left empty; X strokes drawn in printed ☐",
         font="Liberation Serif", size=11, ticks="pen_x", out="generic", dpi=300, angle=-1.0,
         seed=65, noise=0.12, speckle=25),
    case("official_jbig2_sideways_300dpi.pdf", "forms",
         typed("Ms Yuki Nakamura-Hayes", "Department of Finance", "yuki.nakamura-hayes@finance.gov.au",
               True, "partner", "203.6.248.10", "4,500", "900", True),
         truth("Ms Yuki Nakamura-Hayes", "Department of Finance",
               "yuki.nakamura-hayes@finance.gov.au", True, "partner", "203.6.248.10", "4500",
               "900", True),
         [], "JBIG2 generic region, 300 dpi, the sheet fed sideways (a landscape page, the form "
         "turned a quarter clockwise), +0.5°", "clean; ☒/☐ typed", size=11, out="generic",
         dpi=300, angle=0.5, seed=66, noise=0.1, speckle=20, turn=90),
    case("Scan0001.pdf", "m03_gmail_jbig2_upside_down.eml",
         typed("Dr Oluwaseun Adebayo", "Australian Institute of Criminology",
               "oluwaseun.adebayo@aic.gov.au", True, "public", "", "250", "250", True),
         truth("Dr Oluwaseun Adebayo", "Australian Institute of Criminology",
               "oluwaseun.adebayo@aic.gov.au", True, "public", "", "250", "250", True),
         [], "Gmail, JBIG2 symbols with /JBIG2Globals, 200 dpi, the sheet scanned upside down, "
         "two pages", "clean; ☒/☐ typed", size=12.5, pages=2, out="symbols", dpi=200,
         angle=-0.6, seed=67, noise=0.12, speckle=25, turn=180),
]

MAILS = {
    "m01_scanner_jbig2_pdf.eml": dict(
        how="scanner", sender="Deborah Achterberg <deborah.achterberg@dva.gov.au>",
        subject="Scanned from a Xerox Multifunction Printer",
        date=datetime(2026, 5, 12, 9, 31, 14, tzinfo=ms.AEST),
        msgid="<XRX-AltaLink-C8155-20260512093114-2201@dva.gov.au>",
        body="Please open the attached document. It was scanned and sent to you using a Xerox "
             "Multifunction Printer.\n\nAttachment File Type: PDF\n\nDevice Name: "
             "DVA-L3-MFP02\nDevice Location: Level 3, Canberra\n"),
    "m02_outlook_jbig2_generic.eml": dict(
        how="outlook", sender="\"Tupou, Sione\" <sione.tupou@plf.gov.au>",
        subject="Occupation Coding Service - registration form",
        date=datetime(2026, 6, 2, 16, 5, 48, tzinfo=ms.AEST),
        body="Hi team,\n\nPlease see our signed registration form attached.\n\nMalo aupito,\n"
             "Sione\n"),
    "m03_gmail_jbig2_upside_down.eml": dict(
        how="gmail", sender="Oluwaseun Adebayo <oluwaseun.adebayo@aic.gov.au>",
        subject="Registration form for the coding service",
        date=datetime(2026, 7, 21, 11, 42, 9, tzinfo=ms.AEST),
        body="Hello,\n\nAttached is our completed registration form (scanned).\n\nRegards,\n"
             "Oluwaseun\n"),
}

def build_encoder(tmp):
    target = os.path.join(tmp, "target")
    ms.run(["cargo", "build", "--quiet", "--release", "--locked", "--manifest-path",
            os.path.join(ENCODER_CRATE, "Cargo.toml"), "--target-dir", target])
    return os.path.join(target, "release", "jbig2-encode")


def to_bilevel(degraded, work, turn=0):
    """Each degraded grey page as a binary PBM (1 = black), thresholded as a scanner's
    black-and-white mode does; `turn`: degrees clockwise the sheet lay turned on the glass."""
    out = []
    for i, p in enumerate(degraded):
        pbm = os.path.join(work, "page-%d.pbm" % (i + 1))
        ms.run(["convert", p, "-rotate", str(turn), "-colorspace", "Gray", "-threshold", "55%",
                "-type", "bilevel", pbm])
        out.append(pbm)
    return out


def pbm_size(path):
    with open(path, "rb") as fh:
        head = fh.read(64).split()
    if head[0] != b"P4":
        raise SystemExit("%s: ImageMagick did not write a binary PBM" % path)
    return int(head[1]), int(head[2])


def stream(dictionary, data):
    return b"%s /Length %d >>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def jbig2_pdf(dest, sizes, streams, globals_data, dpi, producer):
    """One page per JBIG2 stream, each drawing its image over the whole page (the page's size is
    the image's pixels at `dpi`)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", None]
    parms = b""
    if globals_data is not None:
        objects.append(stream(b"<<", globals_data))
        parms = b" /DecodeParms << /JBIG2Globals %d 0 R >>" % len(objects)
    kids = []
    for (w, h), data in zip(sizes, streams):
        objects.append(stream(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 1 /Filter /JBIG2Decode%s" % (w, h, parms), data))
        image = len(objects)
        pw, ph = w * 72.0 / dpi, h * 72.0 / dpi
        objects.append(stream(b"<<", b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (pw, ph)))
        content = len(objects)
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.4f %.4f] /Resources "
                       b"<< /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                       % (pw, ph, image, content))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    objects.append(b"<< /Producer (%s) /CreationDate (D:%s+10'00') >>"
                   % (producer.encode(), ms.PDF_DATE.encode()))
    info = len(objects)
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, info, xref)
    with open(dest, "wb") as fh:
        fh.write(out)


def package(c, degraded, dest, encoder, work):
    s = c["scan"]
    pbms = to_bilevel(degraded, work, s.get("turn", 0))
    coded = os.path.join(work, "jbig2")
    os.makedirs(coded)
    ms.run([encoder, c["out"], coded] + pbms)
    globals_path = os.path.join(coded, "globals.jb2")
    globals_data = open(globals_path, "rb").read() if os.path.exists(globals_path) else None
    # One dictionary for several pages goes to /JBIG2Globals; a one-page document keeps its own.
    if c["out"] == "symbols" and c["pages"] > 1 and globals_data is None:
        raise SystemExit("%s: the encoder wrote no shared symbol dictionary" % c["file"])
    streams = [open(os.path.join(coded, "page-%d.jb2" % (i + 1)), "rb").read()
               for i in range(len(pbms))]
    raw = os.path.join(work, "assembled.pdf")
    jbig2_pdf(raw, [pbm_size(p) for p in pbms], streams, globals_data, s["dpi"],
              "Xerox AltaLink C8155" if c["where"] != "forms" else "ABBYY FineReader PDF 16")
    extra = ["--object-streams=generate"] if c["pages"] == 1 and c["out"] == "symbols" else []
    ms.run(["qpdf", "--deterministic-id"] + extra + [raw, dest])
    verify(dest, pbms, work)
    return [pbm_size(p) for p in pbms], streams, globals_data


def verify(pdf, pbms, work):
    """poppler must list a JBIG2 image on every page and, with its own JBIG2 decoder, give back
    each page's bitmap (pdfimages writes the decoded image as it is stored)."""
    listed = ms.run(["pdfimages", "-list", pdf]).decode().splitlines()[2:]
    encodings = [line.split()[8] for line in listed]
    if encodings != ["jbig2"] * len(pbms):
        raise SystemExit("%s: pdfimages lists %s" % (pdf, encodings))
    if ms.run(["pdftotext", pdf, "-"]).decode().strip():
        raise SystemExit("%s: has a text layer" % pdf)
    from PIL import Image
    for i, pbm in enumerate(pbms, 1):
        prefix = os.path.join(work, "poppler-%d" % i)
        ms.run(["pdfimages", "-png", "-f", str(i), "-l", str(i), pdf, prefix])
        shown = Image.open(prefix + "-000.png").convert("1")
        coded = Image.open(pbm).convert("1")
        if shown.size != coded.size:
            raise SystemExit("%s page %d: poppler decodes %s, the bitmap is %s"
                             % (pdf, i, shown.size, coded.size))
        a, b = shown.tobytes(), coded.tobytes()
        differ = sum(bin(x ^ y).count("1") for x, y in zip(a, b))
        if differ:
            raise SystemExit("%s page %d: poppler's decoding differs from the bitmap in %d "
                             "pixels" % (pdf, i, differ))


def segment(number, kind, data, refers_to=()):
    """A JBIG2 segment header (7.2, embedded organisation: page 1) and its data."""
    head = struct.pack(">IB", number, kind) + bytes([len(refers_to) << 5]) + bytes(refers_to)
    return head + struct.pack(">BI", 1, len(data)) + data


def page_information(width, height):
    return segment(0, 48, struct.pack(">IIIIB", width, height, 300, 300, 0) + b"\0\0")


def write_hostile(two_pages):
    """Hostile JBIG2 pages (hand-made segments where no encoder writes them, and a real page
    cut short), each expected to end in one flagged record: `scanned_without_text` when the
    picture is refused or blank, `unreadable_attachment` when a limit stops the reader."""
    sizes, streams, globals_data = two_pages
    garbage = bytes((i * 2654435761 >> 13) & 0xFF for i in range(4096))
    generic_flags = bytes([0, 3, 0xFF, 0xFD, 0xFF, 2, 0xFE, 0xFE, 0xFE])  # template 0, AT pixels
    end = segment(2, 49, b"")
    hostile = {
        # The page says 60,000 x 60,000 pixels: refused by the image limit before decoding.
        "page_60000_squared.pdf": ([(850, 1100)], [page_information(60000, 60000) + end], None),
        # A generic region of 65,535 x 65,535 pixels (the decoder's largest) on a small page.
        "region_65535_squared.pdf": ([(1000, 1000)], [
            page_information(1000, 1000)
            + segment(1, 38, struct.pack(">IIIIB", 65535, 65535, 0, 0, 0) + generic_flags
                      + garbage) + end], None),
        # A text region using a symbol dictionary (segment 7) that is nowhere.
        "missing_dictionary.pdf": ([(1000, 1000)], [
            page_information(1000, 1000)
            + segment(1, 6, struct.pack(">IIIIB", 1000, 1000, 0, 0, 0) + garbage[:64],
                      refers_to=(7,)) + end], None),
        # A scanner's two-page JBIG2 PDF whose first page stream was cut off half way.
        "truncated_page.pdf": (sizes[:1], [streams[0][:len(streams[0]) // 2]], globals_data),
    }
    for name, (page_sizes, page_streams, page_globals) in hostile.items():
        jbig2_pdf(os.path.join(OUT, "hostile", name), page_sizes, page_streams, page_globals, 300,
                  "hand-made")


def build_mail(name, c, path):
    spec = MAILS[name]
    data = open(path, "rb").read()
    if spec["how"] == "scanner":
        m = new_mail(spec["sender"], spec["subject"], format_datetime(spec["date"]),
                     spec["msgid"])
        m.set_content(spec["body"])
        m.add_attachment(data, maintype="application", subtype="pdf", filename=c["file"])
        pin_boundaries(m, "----=_NextPart_{tag}_{n:03d}_01DCE1A4", tag=name[:3].upper())
        for part in m.walk():
            if part is not m:
                del part["MIME-Version"]
    else:
        m = client_mail(spec["how"], spec["sender"], spec["subject"], spec["date"], spec["body"],
                        [(c["file"], data)], seed=name)
    with open(os.path.join(OUT, "mail", name), "wb") as fh:
        fh.write(m.as_bytes(policy=policy.SMTP))
    write_expected(os.path.join(OUT, "expected"), name,
                   [record(c["file"], "ocr", c["flags"] + ["read_by_ocr"], c["t"])])


def main():
    require_tools("make_jbig2_scans.py", "cargo", "soffice", "pdftoppm", "pdfimages",
                  "pdftotext", "pdfinfo", "convert", "qpdf")
    for sub in ("forms", "mail", "expected", "hostile"):
        shutil.rmtree(os.path.join(OUT, sub), ignore_errors=True)
        os.makedirs(os.path.join(OUT, sub))
    with tempfile.TemporaryDirectory(prefix="make_jbig2_scans_") as tmp:
        encoder = build_encoder(tmp)
        doc_dir = os.path.join(tmp, "documents")
        os.makedirs(doc_dir)
        srcs = []
        for i, c in enumerate(CASES):
            src = os.path.join(doc_dir, "case%02d.fodt" % i)
            open(src, "w", encoding="utf-8").write(ms.form_fodt(c))
            srcs.append(src)
        with Office(ms.FONTS) as office:
            office.convert(srcs, "pdf:writer_pdf_Export", doc_dir)
        two_pages = None
        for i, c in enumerate(CASES):
            work = os.path.join(tmp, "case%02d" % i)
            os.makedirs(work)
            degraded = ms.make_scan(c, os.path.join(doc_dir, "case%02d.pdf" % i), work)
            if c["where"] == "forms":
                dest = os.path.join(OUT, "forms", c["file"])
                coded = package(c, degraded, dest, encoder, work)
                if c["pages"] == 2 and two_pages is None:
                    two_pages = coded
                write_expected(os.path.join(OUT, "expected"), c["file"],
                               [record(c["file"], "ocr", c["flags"] + ["read_by_ocr"], c["t"])])
            else:
                dest = os.path.join(work, c["file"])
                package(c, degraded, dest, encoder, work)
                build_mail(c["where"], c, dest)
            print("%-45s %s" % (c["file"], ms.check_scan_file(dest)))
        write_hostile(two_pages)


if __name__ == "__main__":
    main()
