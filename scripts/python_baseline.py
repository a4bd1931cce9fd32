#!/usr/bin/env python3
"""An mbox in -> one SQLite row per registration form out: the script a team would write instead of
regintake, used as the benchmark's baseline.

Plain and single-process, as such a script is: the standard library's `mailbox` and `email`
(policy.default) to read messages, pypdf for PDF (AcroForm fields, else page text), python-docx for
DOCX (paragraphs and tables, plus tick boxes read from the XML), zipfile + ElementTree for ODT, `re`
for the labels, `ipaddress` for the IP allowlist, and `sqlite3` with a commit every 256 messages.
It reads each message's form fields roughly the way regintake does (same fields, same flags, same
idempotency key) so that both do comparable work; it is not tuned, and not sabotaged either.

Usage: python_baseline.py ARCHIVE.mbox LEDGER.sqlite
"""

from __future__ import annotations

import datetime as dt
import email
import email.parser
import email.policy
import email.utils
import hashlib
import io
import ipaddress
import json
import mailbox
import re
import sqlite3
import sys
import time
import xml.etree.ElementTree as ET
import zipfile

import docx  # python-docx
import pypdf

TICKED, UNTICKED = "\u2612", "\u2610"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
ODT_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
ODT_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
BATCH = 256

# --------------------------------------------------------------------------------------------
# Documents -> lines of text (table rows as tab-joined cells) and named fields.


def docx_paragraph_text(p) -> str:
    """Text of a w:p including content controls, legacy check boxes and Wingdings ticks."""
    out = []
    for el in p.iter():
        tag = el.tag
        if tag == W + "t":
            out.append(el.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "sym":
            char = (el.get(W + "char") or "").upper()
            if char in ("F0FE", "F078", "F0FD", "F0FC"):
                out.append(TICKED + " ")
            elif char in ("F0A8", "F06F", "F071"):
                out.append(UNTICKED + " ")
        elif tag == W14 + "checked":
            out.append((TICKED if el.get(W14 + "val") in ("1", "true") else UNTICKED) + " ")
        elif tag == W + "checkBox":
            state = el.find(W + "checked")
            if state is None:
                state = el.find(W + "default")
            on = state is not None and state.get(W + "val", "1") in ("1", "true")
            out.append((TICKED if on else UNTICKED) + " ")
    return "".join(out)


def read_docx(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag == W + "p":
            lines.append(docx_paragraph_text(block))
        elif block.tag == W + "tbl":
            for row in block.iter(W + "tr"):
                cells = []
                for cell in row.iter(W + "tc"):
                    cells.append("\n".join(docx_paragraph_text(p) for p in cell.iter(W + "p")))
                lines.append("\t".join(cells))
        elif block.tag == W + "sdt":
            for p in block.iter(W + "p"):
                lines.append(docx_paragraph_text(p))
    return lines


def odt_text(el) -> str:
    parts = [el.text or ""]
    for child in el:
        if child.tag == ODT_TEXT + "tab":
            parts.append("\t")
        elif child.tag == ODT_TEXT + "line-break":
            parts.append("\n")
        elif child.tag == ODT_TEXT + "s":
            parts.append(" " * int(child.get(ODT_TEXT + "c", "1")))
        else:
            parts.append(odt_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def read_odt(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = ET.fromstring(z.read("content.xml"))
    lines = []

    def walk(el):
        for child in el:
            if child.tag in (ODT_TEXT + "p", ODT_TEXT + "h"):
                lines.append(odt_text(child))
            elif child.tag == ODT_TABLE + "table-row":
                cells = []
                for cell in child.iter(ODT_TABLE + "table-cell"):
                    cells.append(
                        "\n".join(
                            odt_text(p)
                            for p in cell.iter()
                            if p.tag in (ODT_TEXT + "p", ODT_TEXT + "h")
                        )
                    )
                lines.append("\t".join(cells))
            else:
                walk(child)

    walk(root)
    return lines


def read_pdf(data: bytes) -> tuple[list[str], dict[str, str], bool]:
    """(page text lines, AcroForm fields name -> value, scanned_without_text)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValueError("encrypted PDF")
    fields = {}
    for name, field in (reader.get_fields() or {}).items():
        value = field.get("/V")
        if value is None:
            continue
        tooltip = field.get("/TU") or ""
        fields[f"{name} {tooltip}".strip()] = str(value)
    if any(v.strip() for v in fields.values()):
        return [], fields, False
    lines = []
    for page in reader.pages[:50]:
        lines.extend((page.extract_text() or "").splitlines())
    scanned = not any(line.strip() for line in lines)
    return lines, {}, scanned


def html_to_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", html)
    html = re.sub(r"(?i)</t[dh]>", "\t", html)
    html = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|h\d|li)>", "\n", html)
    text = re.sub(r"<[^>]+>", "", html)
    import html as html_mod

    return html_mod.unescape(text)


# --------------------------------------------------------------------------------------------
# Lines -> answers.

LABELS = [
    ("contact_email", re.compile(r"e-?mail", re.I)),
    ("organisation", re.compile(r"organi[sz]ation|agency", re.I)),
    ("ip", re.compile(r"\bip\b|allowlist", re.I)),
    ("calls", re.compile(r"api calls", re.I)),
    ("records", re.compile(r"records", re.I)),
    ("full_name", re.compile(r"\bname\b", re.I)),
]
INLINE = re.compile(r"^([^:\t\[]{2,80}?)\s*(?::|\t| - |\[)\s*(.*)$")


def label_key(label: str) -> str | None:
    """Which question a short label asks, by its words."""
    if len(label) > 90:
        return None
    for key, rx in LABELS:
        if rx.search(label):
            return key
    return None


BRACKET = re.compile(r"\[\s*([^\]_]*?)\s*_*\s*\]")
YES = re.compile(r"^\s*(yes|y|i agree|agreed|agree|accepted|true|x)\b", re.I)
NO = re.compile(r"^\s*(no|n|do not agree|not agreed|false)\b", re.I)
MARK_ON = re.compile(r"(\u2612|\u2611|\u2714|\u2713|\[\s*[xX\u2713]\s*\]|\(\s*[xX]\s*\)|^\s*[xX]\s)")
MARK_OFF = re.compile(r"(\u2610|\[\s*\]|\(\s*\))")
STATEMENTS = {
    "terms": re.compile(r"terms of use", re.I),
    "public": re.compile(r"public coding service|^\W*public\b", re.I),
    "partner": re.compile(r"partner coding service|^\W*partner\b", re.I),
    "guide": re.compile(r"user guide", re.I),
}
FORM_WORDS = re.compile(r"occupation coding service|coding service|terms of use|api calls", re.I)


def tick_of(text: str):
    if MARK_ON.search(text):
        return True
    if MARK_OFF.search(text):
        return False
    return None


def read_answers(lines: list[str], fields: dict[str, str]) -> dict | None:
    rows = []
    for line in lines:
        for part in line.split("\n"):
            rows.append(part)
    text = "\n".join(rows)
    if not fields and len(FORM_WORDS.findall(text)) < 2:
        return None
    a = {"terms": None, "public": None, "partner": None, "guide": None}
    for i, row in enumerate(rows):
        cells = [c.strip() for c in row.split("\t")]
        m = INLINE.match(row.strip())
        key = label_key(m.group(1)) if m else None
        if key and key not in a and not m.group(2).lstrip().startswith(("[", "_")):
            a[key] = m.group(2).strip().strip("[]_ ").strip()
        elif not m:
            key = label_key(row.strip())
            if key and key not in a and len(row.split()) <= 6:
                nxt = next((r for r in rows[i + 1 : i + 3] if r.strip()), "").strip()
                if label_key(nxt) is None or "@" in nxt:
                    a[key] = nxt
        # bracketed blanks at the end of a question line: "records you expect to code: [ 5,000 ]"
        b = BRACKET.search(row)
        if b and b.group(1).strip():
            low = row.lower()
            if "records you expect" in low and not a.get("records"):
                a["records"] = b.group(1)
            elif "api calls" in low and not a.get("calls"):
                a["calls"] = b.group(1)
            elif "ip address" in low and not a.get("ip"):
                a["ip"] = b.group(1)
        for key, rx in STATEMENTS.items():
            if a[key] is None and rx.search(row):
                t = tick_of(row)
                if t is None and len(cells) > 1:
                    t = YES.match(cells[-1]) and True or (False if NO.match(cells[-1]) else None)
                if t is None and ":" in row:
                    after = row.split(":", 1)[1]
                    if key in ("public", "partner"):
                        continue
                    t = True if YES.match(after) else (False if NO.match(after) else None)
                if t is not None:
                    a[key] = t
        if re.match(r"^\W*service(\s+required)?\s*[:\t]\s*\S", row, re.I):
            choice = row.split(":" if ":" in row else "\t", 1)[1].lower()
            if tick_of(choice) is None:  # a written choice, not the tick-box list
                a["public"] = a["public"] or ("public" in choice)
                a["partner"] = a["partner"] or ("partner" in choice)
    for name, value in fields.items():
        low = name.lower()
        on = value.strip("/").lower() not in ("", "off", "no", "false")
        if "email" in low or "e-mail" in low:
            a["contact_email"] = value
        elif "organi" in low or "agency" in low:
            a["organisation"] = value
        elif "name" in low:
            a["full_name"] = value
        elif "ip" in low.split() or "allowlist" in low or "ip_" in low or "ip address" in low:
            a["ip"] = value
        elif "record" in low:
            a["records"] = value
        elif "call" in low:
            a["calls"] = value
        elif "terms" in low:
            a["terms"] = on
        elif "public" in low:
            a["public"] = on
        elif "partner" in low:
            a["partner"] = on
        elif "guide" in low:
            a["guide"] = on
    return a


# --------------------------------------------------------------------------------------------
# Answers -> fields and flags.

EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
NUMBER = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(k|thousand|m|million)?", re.I)
DYNAMIC = re.compile(r"dynamic|dhcp|home connection", re.I)


def quantity(text: str | None):
    if not text or not text.strip():
        return "missing", None
    best = None
    for m in NUMBER.finditer(text):
        n = float(m.group(1).replace(",", ""))
        unit = (m.group(2) or "").lower()
        n *= {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6}.get(unit, 1)
        best = n if best is None else max(best, n)
    if best is None:
        return "invalid", None
    return "ok", int(best)


def ip_entries(text: str):
    """(as written in the record, networks it covers) for each entry of an allowlist answer."""
    for token in re.split(r"[,;\s]+(?:and\s+)?", text.strip()):
        token = token.strip().strip(".")
        if not token:
            continue
        if "-" in token:
            lo, hi = token.split("-", 1)
            first, last = ipaddress.ip_address(lo), ipaddress.ip_address(hi)
            yield f"{first}-{last}", list(ipaddress.summarize_address_range(first, last))
        elif "/" in token:
            net = ipaddress.ip_network(token, strict=False)
            yield str(net), [net]
        else:
            address = ipaddress.ip_address(token)
            yield str(address), [ipaddress.ip_network(address)]


def validate(a: dict) -> tuple[dict, list[str]]:
    flags = []
    f = {}
    for key, flag in (("full_name", "missing_full_name"), ("organisation", "missing_organisation")):
        f[key] = " ".join((a.get(key) or "").split())
        if not f[key]:
            flags.append(flag)
    raw_email = (a.get("contact_email") or "").strip()
    f["contact_email"] = raw_email.lower() if EMAIL.match(raw_email) else ""
    if not raw_email:
        flags.append("missing_contact_email")
    elif not f["contact_email"]:
        flags.append("invalid_contact_email")
    f["terms_accepted"] = "yes" if a["terms"] else "no"
    f["user_guide_agreed"] = "yes" if a["guide"] else "no"
    if not a["terms"]:
        flags.append("terms_not_accepted")
    if not a["guide"]:
        flags.append("user_guide_not_agreed")
    service = ""
    if a["public"] and a["partner"]:
        flags.append("multiple_services_selected")
    elif a["public"]:
        service = "public"
    elif a["partner"]:
        service = "partner"
    else:
        flags.append("service_not_selected")
    f["service"] = service
    ip_text = (a.get("ip") or "").strip()
    entries = []
    if ip_text:
        if DYNAMIC.search(ip_text):
            flags.append("dynamic_ip")
        try:
            for written, nets in ip_entries(DYNAMIC.sub("", re.sub(r"\(.*?\)", "", ip_text))):
                entries.append(written)
                for net in nets:
                    if not net.is_global or net.is_multicast:
                        flags.append("non_public_ip")
                    limit = 24 if net.version == 4 else 48
                    if net.prefixlen < limit:
                        flags.append("ip_range_too_broad")
        except ValueError:
            flags.append("invalid_ip")
    elif service == "partner":
        flags.append("missing_ip_allowlist")
    f["ip_allowlist"] = "; ".join(entries)
    counts = {}
    for key, name in (("records", "records"), ("calls", "calls")):
        state, n = quantity(a.get(key))
        if state != "ok":
            flags.append(f"{state}_expected_{name}")
        counts[key] = n
    f["expected_records_per_day"] = "" if counts["records"] is None else str(counts["records"])
    f["expected_api_calls_per_day"] = "" if counts["calls"] is None else str(counts["calls"])
    if counts["records"] is not None and counts["calls"] is not None:
        if counts["calls"] > counts["records"]:
            flags.append("calls_exceed_records")
    if counts["calls"] is not None:
        if service == "public" and counts["calls"] > 1000:
            flags.append("exceeds_public_limit")
        if service == "partner" and counts["calls"] > 10000:
            flags.append("exceeds_partner_limit")
    return f, sorted(set(flags))


HOLIDAYS = {
    dt.date(2026, 1, 1), dt.date(2026, 1, 26), dt.date(2026, 4, 3), dt.date(2026, 4, 4),
    dt.date(2026, 4, 6), dt.date(2026, 4, 25), dt.date(2026, 12, 25), dt.date(2026, 12, 26),
    dt.date(2026, 12, 28), dt.date(2027, 1, 1), dt.date(2027, 1, 26), dt.date(2027, 3, 26),
    dt.date(2027, 3, 29), dt.date(2027, 4, 26), dt.date(2027, 12, 27), dt.date(2027, 12, 28),
}


def due_by(received: dt.datetime) -> str:
    day, left = received.date(), 5
    while left:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            left -= 1
    return day.isoformat()


# --------------------------------------------------------------------------------------------
# Messages -> records -> SQLite.

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    key TEXT PRIMARY KEY, message_id TEXT, sender TEXT, subject TEXT, received_at TEXT,
    raw_sha256 TEXT);
CREATE TABLE IF NOT EXISTS records (
    record_id INTEGER PRIMARY KEY, key TEXT REFERENCES messages(key), attachment TEXT,
    source TEXT, fields TEXT, status TEXT, flags TEXT, due_by TEXT);
"""


def sniff(data: bytes) -> str:
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return "docx"  # corrupt: counted unreadable below
        if "word/document.xml" in names:
            return "docx"
        if "content.xml" in names:
            return "odt"
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    return "other"


EMPTY_FIELDS = {
    "full_name": "", "organisation": "", "contact_email": "", "terms_accepted": "no",
    "user_guide_agreed": "no", "service": "", "ip_allowlist": "", "expected_records_per_day": "",
    "expected_api_calls_per_day": "",
}


def record(attachment: str, source: str, answers: dict | None, due: str, extra=()):
    if answers is None:
        fields, flags = dict(EMPTY_FIELDS), list(extra)
    else:
        fields, flags = validate(answers)
        flags = sorted(set(flags) | set(extra))
    return (attachment, source, fields, flags, due)


def process(msg: email.message.EmailMessage, due: str) -> list[tuple]:
    records = []
    seen = set()
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        name = part.get_filename() or ""
        if part.get_content_maintype() == "text" and not name:
            continue
        data = part.get_payload(decode=True)
        if not data:
            continue
        kind = sniff(data)
        if kind not in ("pdf", "docx", "odt", "doc"):
            continue
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        try:
            if kind == "doc":
                raise ValueError("old Word .doc")
            if kind == "pdf":
                lines, fields, scanned = read_pdf(data)
                source = "pdf-form" if fields else "pdf-text"
            elif kind == "docx":
                lines, fields, scanned, source = read_docx(data), {}, False, "docx"
            else:
                lines, fields, scanned, source = read_odt(data), {}, False, "docx"
        except Exception:
            records.append(record(name, "none", None, due, ["unreadable_attachment"]))
            continue
        answers = read_answers(lines, fields)
        if answers is not None:
            records.append(record(name, source, answers, due, ["scanned_without_text"] * scanned))
        elif scanned:
            records.append(record(name, source, None, due, ["scanned_without_text"]))
    if not records:
        body = msg.get_body(preferencelist=("plain", "html"))
        if body is not None:
            try:
                text = body.get_content()
            except (LookupError, UnicodeError):
                text = ""
            if body.get_content_subtype() == "html":
                text = html_to_text(text)
            lines = [re.sub(r"^(>\s?)+", "", line) for line in text.splitlines()]
            answers = read_answers(lines, {})
            if answers is not None:
                records.append(record("", "body", answers, due))
    if not records:
        records.append(record("", "none", None, due, ["no_form_found"]))
    return records


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    archive, db_path = sys.argv[1], sys.argv[2]
    started = time.monotonic()
    db = sqlite3.connect(db_path)
    db.executescript(SCHEMA)
    known = {row[0] for row in db.execute("SELECT key FROM messages")}
    parser = email.parser.BytesParser(policy=email.policy.default)
    counts = {"read": 0, "added": 0, "review": 0, "skipped": 0, "failed": 0}
    pending = 0
    mbox = mailbox.mbox(archive, create=False)
    for key in mbox.iterkeys():
        counts["read"] += 1
        try:
            raw = mbox.get_bytes(key)
            msg = parser.parsebytes(raw)
            digest = hashlib.sha256(raw).hexdigest()
            mid = (msg.get("Message-ID") or "").strip().strip("<>").strip()
            msg_key = f"mid:{mid}" if mid else f"sha256:{digest}"
            if msg_key in known:
                counts["skipped"] += 1
                continue
            try:
                received = email.utils.parsedate_to_datetime(msg["Date"])
            except (TypeError, ValueError):
                received = dt.datetime.now(dt.timezone.utc)
            records = process(msg, due_by(received))
            sender = email.utils.parseaddr(str(msg.get("From", "")))[1]
            db.execute(
                "INSERT INTO messages VALUES (?,?,?,?,?,?)",
                (msg_key, msg.get("Message-ID", ""), sender, str(msg.get("Subject", "")),
                 received.isoformat(), digest),
            )
            for attachment, source, fields, flags, due in records:
                db.execute(
                    "INSERT INTO records (key, attachment, source, fields, status, flags, due_by)"
                    " VALUES (?,?,?,?,?,?,?)",
                    (msg_key, attachment, source, json.dumps(fields),
                     "needs_review" if flags else "ok", ";".join(flags), due),
                )
                counts["added"] += 1
                counts["review"] += bool(flags)
            known.add(msg_key)
        except Exception as e:  # one bad message must not stop the run
            counts["failed"] += 1
            print(f"python_baseline: message {key}: {e}", file=sys.stderr)
        pending += 1
        if pending >= BATCH:
            db.commit()
            pending = 0
    db.commit()
    db.close()
    elapsed = time.monotonic() - started
    print(
        f"{counts['read']} messages read, {counts['added']} records added, "
        f"{counts['review']} needing review, {counts['skipped']} skipped as already recorded, "
        f"{counts['failed']} failed ({elapsed:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
