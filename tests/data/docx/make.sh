#!/bin/sh
# Regenerates the LibreOffice-made fixtures, so the tests read what a real word processor writes:
#   form.html   → form.docx, form.odt   (a table, ☒/☐ glyphs, HTML form controls)
#   fields.fodt → fields.docx           (content controls, legacy check boxes, input field,
#                                        text box, header)
# Run from anywhere: sh tests/data/docx/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/form.html" "$here/fields.fodt" "$work/"
cd "$work"
# A private profile keeps a desktop LibreOffice session (and its lock) out of the way.
lo() { soffice -env:UserInstallation="file://$work/profile" --headless "$@" >/dev/null 2>&1; }
lo --convert-to 'docx:MS Word 2007 XML' form.html
lo --convert-to 'odt:writer8' form.html
lo --convert-to 'docx:MS Word 2007 XML' fields.fodt
cp form.docx form.odt fields.docx "$here/"
