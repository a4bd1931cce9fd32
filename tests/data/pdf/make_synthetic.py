"""Writes hand-made PDFs that exercise the content interpreter and hostile-input limits:
synthetic.pdf (ToUnicode CMaps, Identity-H, /Differences, MacRoman, TJ kerning, T* ' ",
nested and cyclic Form XObjects, a three-cell line), self-loop.pdf (a page tree that
points to itself), bomb.pdf (a content stream that inflates to 48 MiB)."""
import sys, zlib

def write_pdf(path, objects, root=1):
    """objects: list of bytes bodies for objects 1..n (stream bodies already included)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    open(path, "wb").write(out)

def stream(dict_body, data):
    return b"<< " + dict_body + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"

def synthetic(path):
    to_unicode = b"""/CIDInit /ProcSet findresource begin
12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0001> <0020> <0002> <2612> endbfchar
2 beginbfrange <0010> <0012> [<004F> <0072> <0067>] <0020> <0039> <0041> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end"""
    page = b"""BT /F2 14 Tf 72 770 Td (Synthetic layout test) Tj ET
BT /F2 11 Tf 72 740 Td [(Full) -250 (name)] TJ 178 0 Td [(Ja) 20 (ne Citizen)] TJ ET
BT /F2 11 Tf 72 740 Td 178 0 Td ET
BT /F1 11 Tf 72 720 Td <0010001100120001002000210022> Tj ET
BT /F2 11 Tf 14 TL 72 700 Td (Line one) Tj T* (Line two) Tj (Line three) ' 0 0 (Line four) " ET
BT /F2 11 Tf 72 630 Td [<80> -400 (Terms accepted)] TJ ET
BT /F3 11 Tf 72 610 Td (Caf\\216 cr\\217me) Tj ET
BT /F2 11 Tf 72 590 Td (Contact email) Tj 178 0 Td (jane@example.gov.au) Tj 200 0 Td (Phone) Tj ET
BT /F2 11 Tf 2 Tc 72 575 Td (Spaced out) Tj ET
q 1 0 0 1 0 0 cm /Fm1 Do Q
BT /F2 11 Tf 0 1 -1 0 500 300 Tm (Rotated text is left out) Tj ET
"""
    fm1 = b"BT /F2 11 Tf 0 0 Td (Inside a form) Tj ET /Fm2 Do"
    fm2 = b"BT /F2 11 Tf 0 0 Td (Nested form text) Tj ET /Fm1 Do"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R /F2 8 0 R /F3 9 0 R >> /XObject << /Fm1 10 0 R >> >> >>",
        stream(b"", page),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SynthSans /Encoding /Identity-H"
        b" /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SynthSans"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
        b" /FontDescriptor 12 0 R /DW 1000 /W [16 [600 600 600] 32 57 700 1 [278]] >>",
        stream(b"", to_unicode),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica"
        b" /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [128 /uni2612 /eacute] >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /MacRomanEncoding >>",
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Matrix [1 0 0 1 72 540]"
               b" /Resources << /Font << /F2 8 0 R >> /XObject << /Fm2 11 0 R >> >>", fm1),
        stream(b"/Type /XObject /Subtype /Form /BBox [0 0 300 100] /Matrix [1 0 0 1 0 -20]"
               b" /Resources << /Font << /F2 8 0 R >> /XObject << /Fm1 10 0 R >> >>", fm2),
        b"<< /Type /FontDescriptor /FontName /SynthSans /Flags 32 /FontBBox [0 0 1000 1000]"
        b" /ItalicAngle 0 /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ]
    write_pdf(path, objects)

def self_loop(path):
    # The page tree's root lists itself among its kids, and a kid points back to the root.
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R 2 0 R 4 0 R] /Count 3 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 5 0 R"
        b" /Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 4 0 R] /Count 1 >>",
        stream(b"", b"BT /F1 12 Tf 72 700 Td (Looped page tree) Tj ET"),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    write_pdf(path, objects)

def bomb(path):
    data = zlib.compress(b"0 0 m " * (8 << 20), 9)  # 48 MiB of operators
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << >> >>",
        stream(b"/Filter /FlateDecode", data),
    ]
    write_pdf(path, objects)

def free_text(path):
    # Answers typed onto a non-fillable form with a viewer's text tool: FreeText annotations,
    # one with an appearance stream (BBox away from the origin), one with only /Contents.
    page = b"""BT /F1 11 Tf 72 742 Td (Full name) Tj ET
BT /F1 11 Tf 72 712 Td (Organisation) Tj ET
BT /F1 11 Tf 72 682 Td (Contact email) Tj ET"""
    appearance = b"BT /Helv 11 Tf 102 705 Td (Jane Citizen) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R 7 0 R 9 0 R] >>",
        stream(b"", page),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Annot /Subtype /FreeText /Rect [200 736 400 756] /Contents (Jane Citizen)"
        b" /DA (/Helv 11 Tf 0 g) /AP << /N 8 0 R >> >>",
        b"<< /Type /Annot /Subtype /FreeText /Rect [200 706 400 726] /Contents (Department of Examples)"
        b" /DA (/Helv 12 Tf 0 g) >>",
        stream(b"/Type /XObject /Subtype /Form /BBox [100 700 300 720]"
               b" /Resources << /Font << /Helv 5 0 R >> >>", appearance),
        b"<< /Type /Annot /Subtype /FreeText /Rect [200 676 400 696] /F 2 /Contents (hidden@example.com) >>",
    ]
    write_pdf(path, objects)

out = sys.argv[1]
free_text(out + "/free-text.pdf")
synthetic(out + "/synthetic.pdf")
self_loop(out + "/self-loop.pdf")
bomb(out + "/bomb.pdf")
