#!/bin/sh
# Regenerates the PDF test documents in this folder. Needs LibreOffice (soffice), qpdf,
# python3 with reportlab, pypdf and Pillow. Every file stays under 100 KB.
set -eu
cd "$(dirname "$0")"

# A filled form "printed" to PDF from a word processor: table cells, ☒ / ☐ ticks.
soffice --headless --convert-to pdf --outdir . printed-form.html >/dev/null 2>&1
# A bordered table whose columns fit their text: only the borders separate label and answer.
soffice --headless --convert-to pdf --outdir . tight-table.html >/dev/null 2>&1

# A fillable AcroForm filled in with pypdf (UTF-16 value, /Yes and /1 check boxes, radio
# group), and a /NeedAppearances copy whose text widgets have no appearance streams.
python3 make_fillable.py "${TMPDIR:-/tmp}/fillable-empty.pdf" fillable.pdf fillable-needappearances.pdf

# The same form flattened: widget appearances merged into the page content as Form XObjects.
qpdf --flatten-annotations=all --generate-appearances fillable.pdf fillable-flattened.pdf

# Encrypted: one needs a password to open, the other only restricts editing (empty user password).
qpdf --encrypt USERPW OWNERPW 256 -- printed-form.pdf encrypted-user.pdf
qpdf --encrypt "" OWNERPW 256 -- printed-form.pdf encrypted-owner.pdf
# An empty owner password opens the file as the owner, whatever the user password.
qpdf --encrypt USERPW "" 256 --allow-insecure -- printed-form.pdf encrypted-user-empty-owner.pdf
# Older security handlers: AES-128 (revision 4) and RC4 (revision 3).
qpdf --encrypt "" OWNERPW 128 --use-aes=y -- printed-form.pdf encrypted-owner-aes128.pdf
qpdf --allow-weak-crypto --encrypt "" OWNERPW 128 --use-aes=n -- printed-form.pdf encrypted-owner-rc4.pdf
qpdf --allow-weak-crypto --encrypt USERPW OWNERPW 128 --use-aes=n -- printed-form.pdf encrypted-user-rc4.pdf

# A scan: one page that is only a picture.
python3 make_scan.py scan.pdf

# Hand-written PDFs: content-stream features, a self-referencing page tree, a Flate bomb.
python3 make_synthetic.py .

# A truncated copy of the printed form (cut inside its objects, no xref or trailer left).
head -c 6000 printed-form.pdf > truncated.pdf
