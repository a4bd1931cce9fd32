"""Makes fillable.pdf (an empty AcroForm like the registration form), then fills it with pypdf."""
import sys
from reportlab.pdfgen import canvas
from reportlab.lib.pagesizes import A4
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, BooleanObject, DictionaryObject, StreamObject, ArrayObject, NumberObject

out_empty, out_filled, out_needappearances = sys.argv[1:4]

c = canvas.Canvas(out_empty, pagesize=A4)
c.setFont("Helvetica-Bold", 14)
c.drawString(72, 780, "Occupation Coding Service Registration Form")
c.setFont("Helvetica", 11)
c.drawString(72, 750, "Your Details")
form = c.acroForm
y = 720
for name, label, tip in [("txtName", "Full name", "Full name"),
                         ("Text2", "Organisation", ""),
                         ("contact.email", "Contact email", "Your contact email address")]:
    c.drawString(72, y + 5, label)
    form.textfield(name=name, tooltip=tip or None, x=200, y=y, width=300, height=20,
                   borderWidth=1, fontSize=10, forceBorder=True)
    y -= 30
c.drawString(100, 615, "I have read, understand, and agree to the Terms of Use.")
form.checkbox(name="Terms", tooltip="Terms of Use", x=72, y=612, size=14, buttonStyle="cross")
c.drawString(72, 580, "Service required")
c.drawString(100, 555, "Public coding service (up to 1,000 calls per day).")
c.drawString(100, 530, "Partner coding service (up to 10,000 calls per day).")
form.radio(name="Service", value="Choice1", x=72, y=552, size=14, selected=False)
form.radio(name="Service", value="Choice2", x=72, y=527, size=14, selected=False)
c.drawString(72, 500, "Static agency IP address or range")
form.textfield(name="IP", x=72, y=470, width=400, height=20, fontSize=10)
c.drawString(100, 440, "I agree to follow the Occupation Coding Service User Guide.")
form.checkbox(name="Guide", x=72, y=437, size=14)
c.drawString(72, 410, "Expected records per day:")
form.textfield(name="records", x=250, y=405, width=120, height=20, fontSize=10)
c.drawString(72, 380, "Which state?")
form.choice(name="State", x=250, y=375, width=150, height=20, fontSize=10, value="ACT",
            options=[("Australian Capital Territory", "ACT"), ("New South Wales", "NSW")])
c.save()

# The "on" state of the Guide box is /1, not reportlab's /Yes: rename its appearance.
reader = PdfReader(out_empty)
writer = PdfWriter()
writer.append(reader)
for annot in writer.pages[0]["/Annots"]:
    a = annot.get_object()
    if a.get("/T") == "Guide":
        n = a["/AP"]["/N"]
        n[NameObject("/1")] = n.pop("/Yes")
        d = a["/AP"].get("/D")
        if d is not None and "/Yes" in d:
            d[NameObject("/1")] = d.pop("/Yes")
    if a.get("/T") == "Terms":
        # Acrobat-style "on" appearance: a ZapfDingbats check mark, as flattening keeps it.
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/ZapfDingbats")})
        on = StreamObject()
        on.set_data(b"q 0 0 0 rg BT /ZaDb 11 Tf 2 3 Td (4) Tj ET Q")
        on.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                   NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(14), NumberObject(14)]),
                   NameObject("/Resources"): DictionaryObject({NameObject("/Font"): DictionaryObject(
                       {NameObject("/ZaDb"): writer._add_object(font)})})})
        a["/AP"]["/N"][NameObject("/Yes")] = writer._add_object(on)
with open(out_empty, "wb") as f:
    writer.write(f)

values = {"txtName": "Zoë Ōtsuka-Müller", "Text2": "Bureau of Examples", "contact.email": "zoe@example.gov.au",
          "IP": "203.0.113.7", "records": "5,000", "Terms": "/Yes", "Guide": "/1", "Service": "/Choice2", "State": "NSW"}
reader = PdfReader(out_empty)
writer = PdfWriter()
writer.append(reader)
writer.update_page_form_field_values(writer.pages[0], values, auto_regenerate=False)
with open(out_filled, "wb") as f:
    writer.write(f)

# NeedAppearances: values only in /V; text widgets lose their appearance streams.
reader = PdfReader(out_filled)
writer = PdfWriter()
writer.append(reader)
writer._root_object["/AcroForm"][NameObject("/NeedAppearances")] = BooleanObject(True)
for annot in writer.pages[0]["/Annots"]:
    a = annot.get_object()
    if a.get("/FT") == "/Tx" and "/AP" in a:
        del a["/AP"]
with open(out_needappearances, "wb") as f:
    writer.write(f)
