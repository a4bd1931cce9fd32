"""What the fixture scripts (scripts/make_*.py) share: the official form's wording, LibreOffice
conversion with a pinned font set, pinning of zip and PDF output, mail building and MIME boundary
pinning, the mbox writer, and the expected-file writer.

In: documents and messages a script has built from its own case table. Out: files whose bytes do
not change when the script is run again (same tool versions), and expected/*.json in one shape.
Each script keeps its own case table, answers and layouts; only the plumbing lives here.
"""

from __future__ import annotations

import base64
import email.policy
import email.utils
import hashlib
import html
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from datetime import datetime, timezone
from email.message import EmailMessage, Message
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
TO_ADDR = "coding.service.registration@abs.gov.au"
TO_HEADER = f"Coding Service Registration <{TO_ADDR}>"

# --------------------------------------------------------------------------------------------
# The official form's wording (/work/shared/seed/registration-form.txt, kept as printed).

TITLE = "Occupation Coding Service Registration Form"
TERMS_TEXT = (
    "I have read, understand, and agree to be legally bound by the Terms of Use of the Australian "
    "Bureau of Statistics Occupation Coding Service."
)
PUBLIC_TEXT = "Public coding service (1 API call per second and up to 1,000 calls per day)."
PUBLIC_HELP = (
    "Select this service if you require real-time single record coding services, ad hoc coding, "
    "or real-time coding of small batches of data (up to 300 records)."
)
PARTNER_TEXT = (
    "Partner coding service (Large batch coding, and real-time coding (1 API call per second and "
    "up to 10,000 real-time calls per day))."
)
PARTNER_HELP = (
    "Select this service if you require single record, small batch and large dataset processing "
    "(up to millions of records). You must also provide a static agency IP address or range of "
    "addresses for allowlisting (not a local, personal, workstation or dynamic IP address):"
)
USE_INTRO = "Please indicate the approximate maximum number per day in a peak period of:"
RECORDS_Q = "records you expect to code:"
CALLS_Q = "API calls (batch or single record requests) you expect to make:"
USE_NOTE = (
    "Your expected use will inform the ABS expectation of your fair use, as defined in the Terms "
    "of Use."
)
GUIDE_TEXT = (
    "I agree to read and follow the API integration instructions in the Occupation Coding "
    "Service User Guide."
)
CREDENTIALS_TEXT = (
    "The ABS will aim to provide you with client credentials to use the service within five "
    "business days (Monday to Friday, excluding public holidays). While we strive to meet this "
    "timeframe, response times may vary depending on demand."
)
SEND_TEXT = f"On completion, please send this registration form to {TO_ADDR}."
MORE_INFO_TEXT = (
    "For more information about the Coding Service, see ABS Whole of Australian Government "
    "Occupation Coding Service | Australian Bureau of Statistics."
)
PRIVACY_TEXT = (
    "The ABS complies with the Privacy Act and the Archives Act 1983 in the storage, use and "
    "destruction of your personal information collected for managing and operating our business "
    "(see the ABS Privacy Policy for Managing and Operating Our Business)."
)

# --------------------------------------------------------------------------------------------
# Tools.


def require_tools(script: str, *tools: str) -> None:
    """Stops with one line naming what to install when a command-line tool is missing."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"{script} needs {', '.join(missing)} on PATH "
                         "(apt-get install libreoffice-writer-nogui qpdf poppler-utils)")


def qpdf(*args: str | Path) -> None:
    """Runs qpdf; exit 3 is qpdf's "succeeded with warnings" (e.g. a check box on-state it
    does not know when generating appearances)."""
    done = subprocess.run(["qpdf", *map(str, args)], stderr=subprocess.PIPE)
    if done.returncode not in (0, 3):
        raise SystemExit(f"qpdf {' '.join(map(str, args))} failed: "
                         f"{done.stderr.decode(errors='replace').strip()}")


# --------------------------------------------------------------------------------------------
# LibreOffice.

# The committed LibreOffice output was made on a machine with only these fonts; LibreOffice
# substitutes from whatever is installed, so a machine with more fonts lays pages out
# differently. Office() shows LibreOffice exactly this list, whatever else is installed.
FONTS_DEJAVU_CORE = (  # Debian fonts-dejavu-core and fonts-opensymbol
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    "/usr/share/fonts/truetype/libreoffice/opens___.ttf",
)


class Office:
    """Headless LibreOffice with its own profile directory and a fixed font set, so runs do not
    share state with each other or with a desktop session. Use as a context manager."""

    def __init__(self, fonts: tuple[str, ...] = FONTS_DEJAVU_CORE):
        self.fonts = fonts
        self.tmp: Path | None = None

    def __enter__(self) -> Office:
        missing = [f for f in self.fonts if not os.path.exists(f)]
        if missing:
            raise SystemExit(f"fonts missing: {', '.join(missing)} (apt-get install "
                             "fonts-dejavu-core fonts-opensymbol, or the package named above)")
        self.tmp = Path(tempfile.mkdtemp(prefix="fixtures-office-"))
        (self.tmp / "fonts").mkdir()
        for f in self.fonts:  # fontconfig lists a folder's fonts by name
            (self.tmp / "fonts" / os.path.basename(f)).symlink_to(f)
        (self.tmp / "fonts.conf").write_text(
            '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
            f"<fontconfig><dir>{self.tmp / 'fonts'}</dir><cachedir>{self.tmp / 'fc-cache'}"
            '</cachedir><include ignore_missing="yes">/etc/fonts/conf.d</include></fontconfig>\n',
            encoding="utf-8")
        return self

    def __exit__(self, *exc) -> None:
        if self.tmp is not None:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None

    def convert(self, inputs: list[Path] | list[str], target: str, outdir: Path | str,
                infilter: str = "") -> list[Path]:
        """Converts every input in one soffice start (`target` as for --convert-to, e.g.
        "pdf:writer_pdf_Export"); returns the output paths, in input order."""
        if self.tmp is None:
            raise RuntimeError("Office used outside its with-block")
        if not inputs:
            return []
        outdir = Path(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        cmd = ["soffice", f"-env:UserInstallation=file://{self.tmp / 'profile'}", "--headless"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", target, "--outdir", str(outdir)] + [str(p) for p in inputs]
        env = dict(os.environ, FONTCONFIG_FILE=str(self.tmp / "fonts.conf"))
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=600, env=env)
        ext = target.split(":")[0]
        outs = [outdir / f"{Path(p).stem}.{ext}" for p in inputs]
        for p, out in zip(inputs, outs):
            if not out.exists():
                raise SystemExit(f"LibreOffice did not convert {p} to {ext}")
        return outs


# --------------------------------------------------------------------------------------------
# Zip packages (DOCX, ODT): fixed entry times, and the ids LibreOffice draws on every save.

ZipTime = tuple[int, int, int, int, int, int]


def write_zip(path: Path | str, members: list[tuple[str, bytes | str]], when: ZipTime,
              external_attr: int | None = None) -> None:
    """Writes a package from (name, content) in order: `mimetype` stored (ODF requires it
    first and uncompressed), everything else deflated, every entry dated `when`."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            if external_attr is not None:
                info.external_attr = external_attr
            z.writestr(info, data.encode("utf-8") if isinstance(data, str) else data)


def rezip(data: bytes, when: ZipTime, fix=None, keep_compression: bool = True,
          external_attr: int | None = None) -> bytes:
    """The same package with every entry dated `when`, each entry's content passed through
    fix(name, bytes) -> bytes when given. keep_compression keeps each entry's method as the
    source had it (LibreOffice stores images and empty folders uncompressed); otherwise the
    write_zip rule. external_attr None keeps each entry's own."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if fix is not None:
                content = fix(info.filename, content)
            pinned = zipfile.ZipInfo(info.filename, date_time=when)
            if keep_compression:
                pinned.compress_type = info.compress_type
            else:
                pinned.compress_type = (zipfile.ZIP_STORED if info.filename == "mimetype"
                                        else zipfile.ZIP_DEFLATED)
            pinned.external_attr = info.external_attr if external_attr is None else external_attr
            dst.writestr(pinned, content)
    return out.getvalue()


def pin_office_xml(name: str, data: bytes, when: str, rsid: int = 1048576,
                   total_time: int | None = None) -> bytes:
    """Pins what LibreOffice stamps into a package on every save: metadata dates (`when`, an
    ISO date-time written in place of each), the editing duration, DOCX TotalTime (when
    given), and the random revision-save ids (Rsid, officeooo:rsid)."""
    if name in ("meta.xml", "docProps/core.xml", "docProps/app.xml", "settings.xml"):
        data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z?", when.encode(), data)
        data = re.sub(rb"<meta:editing-duration>[^<]*<", b"<meta:editing-duration>PT1M<", data)
        if total_time is not None:
            data = re.sub(rb"(<TotalTime>)\d+", rb"\g<1>" + str(total_time).encode(), data)
    if name.endswith(".xml"):
        data = re.sub(rb'(config:name="Rsid(?:Root)?" config:type="int">)\d+',
                      rb"\g<1>" + str(rsid).encode(), data)
        data = re.sub(rb'(officeooo:(?:paragraph-)?rsid=")[0-9a-f]+"', rb'\g<1>00100000"', data)
    return data


def pin_package(path: Path | str, zip_time: ZipTime, when: str, rsid: int = 1048576,
                total_time: int | None = None, keep_compression: bool = True,
                external_attr: int | None = None) -> None:
    """Rewrites a LibreOffice (or python-docx) package in place with everything pinned."""
    path = Path(path)
    path.write_bytes(rezip(path.read_bytes(), zip_time,
                           lambda n, d: pin_office_xml(n, d, when, rsid, total_time),
                           keep_compression, external_attr))


# --------------------------------------------------------------------------------------------
# PDFs: fixed dates and ids.


def pdf_id_for(name: str) -> str:
    """A stable 32-hex-digit file id derived from a file name."""
    return hashlib.md5(name.encode()).hexdigest().upper()


def pin_pdf(path: Path | str, when: str, file_id: str, checksum: str | None = None,
            renumber: bool = False) -> None:
    """Pins a PDF's creation dates (`when` = YYYYMMDDHHMMSS; XMP dates too), its /ID pair
    (`file_id`, 32 hex digits), LibreOffice's /DocChecksum (`checksum`, default `file_id`)
    and XMP uuids, by same-length replacement so byte offsets stay valid (for a PDF whose
    trailer follows its xref table, as LibreOffice and pypdf write them). renumber then runs
    `qpdf --deterministic-id`, which renumbers objects in a fixed order (LibreOffice's order
    can vary) and derives /ID from the content."""
    path = Path(path)
    data = path.read_bytes()
    assert len(when) == 14 and len(file_id) == 32
    iso = f"{when[:4]}-{when[4:6]}-{when[6:8]}T{when[8:10]}:{when[10:12]}:{when[12:]}"
    # pypdf writes the colon of a date string as an octal escape (D\072...)
    data = re.sub(rb"D(:|\\072)\d{14}", lambda m: b"D" + m.group(1) + when.encode(), data)
    data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", iso.encode(), data)
    # LibreOffice's trailer comes after its xref table, so the /ID pair may lose the line
    # break between its two strings without moving any offset.
    data = re.sub(rb"/ID\s*\[\s*<[0-9A-Fa-f]{32}>\s*<[0-9A-Fa-f]{32}>\s*\]",
                  b"/ID [ <" + file_id.encode() + b"><" + file_id.encode() + b"> ]", data)
    data = re.sub(rb"/DocChecksum /[0-9A-F]{32}",
                  b"/DocChecksum /" + (checksum or file_id).encode(), data)
    data = re.sub(rb"uuid:[0-9a-f-]{36}", b"uuid:00000000-0000-4000-8000-000000000000", data)
    path.write_bytes(data)
    if renumber:
        staged = path.with_name(path.name + ".qpdf")
        qpdf("--deterministic-id", path, staged)
        os.replace(staged, path)


# --------------------------------------------------------------------------------------------
# Mail.

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT_TYPE = ("application", "vnd.oasis.opendocument.text")
PDF_TYPE = ("application", "pdf")
DOC_TYPE = ("application", "msword")


def mime_type_for(name: str) -> tuple[str, str]:
    ext = name.rsplit(".", 1)[-1].lower()
    return {"docx": DOCX_TYPE, "odt": ODT_TYPE, "pdf": PDF_TYPE, "doc": DOC_TYPE,
            "png": ("image", "png"), "jpg": ("image", "jpeg"),
            "tif": ("image", "tiff")}.get(ext, ("application", "octet-stream"))


def set_headers(msg: Message, sender: str, subject: str, date: str, message_id: str = "",
                to: str = TO_HEADER, extra=()) -> Message:
    """The top-level headers in the order mail clients write them; no Message-ID when empty."""
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = date
    if message_id:
        msg["Message-ID"] = message_id
    if "MIME-Version" not in msg:
        msg["MIME-Version"] = "1.0"
    for k, v in extra:
        msg[k] = v
    return msg


def new_mail(sender: str, subject: str, date: str, message_id: str = "", to: str = TO_HEADER,
             extra=()) -> EmailMessage:
    return set_headers(EmailMessage(policy=email.policy.SMTP), sender, subject, date,
                       message_id, to, extra)


def pin_boundaries(msg: Message, pattern: str, first: int = 0, **fields) -> int:
    """Replaces Python's random multipart boundaries with fixed ones. Parts are visited in
    msg.walk() order (into attached messages too); `pattern` is a str.format pattern with {n}
    (the multipart's number, counting from `first`), {i} (its index among all parts walked)
    and `fields`. Returns the next n."""
    n = first
    for i, part in enumerate(msg.walk()):
        # email calls a message/rfc822 part multipart too; it has no boundary of its own
        if part.get_content_maintype() == "multipart":
            part.set_boundary(pattern.format(n=n, i=i, **fields))
            n += 1
    return n


def _seeded(seed: str, n: int) -> bytes:
    return hashlib.sha256(seed.encode()).digest()[:n]


def _order_headers(part: Message, order: tuple[str, ...]) -> None:
    """Puts a part's headers in `order` (then the rest as they were), as a client writes them;
    drops MIME-Version, which belongs to the top of a message only."""
    items = [(k, v) for k, v in part.items() if k.lower() != "mime-version"]
    for k in set(k for k, _ in part.items()):
        del part[k]
    rank = {name.lower(): i for i, name in enumerate(order)}
    for k, v in sorted(items, key=lambda kv: rank.get(kv[0].lower(), len(order))):
        part[k] = v


def client_mail(client: str, sender: str, subject: str, date: datetime, text: str,
                attachments: list[tuple[str, bytes]], seed: str,
                to: str = TO_HEADER) -> EmailMessage:
    """A message shaped the way a mail client sends one with files attached: `outlook`
    (Outlook / Exchange: text and HTML alternatives, _000_/_004_ boundaries, Thread-Index,
    Content-Description and size/dates on each attachment), `gmail` (plain and
    <div dir="ltr"> HTML, 000000000000... boundaries, X-Attachment-Id) or `apple` (Apple Mail:
    plain text around the inline attachments, Apple-Mail=_ boundaries, x-unix-mode). Ids,
    boundaries and dates derive from `seed` and `date`, so rebuilding gives the same bytes."""
    h = _seeded(seed, 32)
    local = email.utils.parseaddr(sender)[1].split("@")[-1]
    stamp = email.utils.format_datetime(date)
    msg = EmailMessage(policy=email.policy.SMTP)
    if client == "outlook":
        box = "SY4P282MB" + str(1000 + int.from_bytes(h[:2], "big") % 9000)
        tag = box + h[2:10].hex().upper()
        set_headers(msg, sender, subject, stamp,
                    f"<{tag}@{box}.AUSP282.PROD.OUTLOOK.COM>", to, extra=[
                        ("Thread-Topic", subject),
                        ("Thread-Index", base64.b64encode(h[10:32]).decode()),
                        ("Accept-Language", "en-AU, en-US"), ("Content-Language", "en-AU"),
                        ("X-MS-Has-Attach", "yes"), ("X-MS-TNEF-Correlator", "")])
        msg.set_content(text, cte="quoted-printable")
        paras = "".join(f'<p class="MsoNormal">{html.escape(p).replace(chr(10), "<br>")}'
                        "<o:p></o:p></p>" for p in text.strip().split("\n\n"))
        msg.add_alternative(
            '<html xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns="http://www.w3.org/TR/REC-html40"><head><meta http-equiv="Content-Type" '
            'content="text/html; charset=utf-8"><style>p.MsoNormal{margin:0cm;font-size:11.0pt;'
            'font-family:"Aptos",sans-serif}</style></head><body lang="EN-AU" '
            f'style="word-wrap:break-word"><div class="WordSection1">{paras}</div></body></html>\n',
            subtype="html", cte="quoted-printable")
        gmt = email.utils.format_datetime(date.astimezone(timezone.utc), usegmt=True)
        for name, data in attachments:
            maintype, subtype = mime_type_for(name)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
            part = msg.get_payload()[-1]
            part["Content-Description"] = name
            part.set_param("size", str(len(data)), header="Content-Disposition", requote=False)
            for k in ("creation-date", "modification-date"):
                part.set_param(k, gmt, header="Content-Disposition")
            part.set_param("name", name)
            _order_headers(part, ("Content-Type", "Content-Description", "Content-Disposition",
                                  "Content-Transfer-Encoding"))
        msg.set_boundary(f"_004_{tag}_")
        msg.get_payload()[0].set_boundary(f"_000_{tag}_")
        for part in msg.get_payload()[0].get_payload():
            _order_headers(part, ("Content-Type", "Content-Transfer-Encoding"))
    elif client == "gmail":
        msg["MIME-Version"] = "1.0"
        msg["Date"] = stamp
        msg["Message-ID"] = (f"<CA+{base64.b32encode(h[:15]).decode().lower()}"
                             f"{base64.b32encode(h[15:25]).decode().lower()}@mail.gmail.com>")
        msg["Subject"] = subject
        msg["From"] = sender
        msg["To"] = to
        msg.set_content(text)
        body = "".join(f"<div>{html.escape(line) or '<br>'}</div>" for line in text.split("\n"))
        msg.add_alternative(f'<div dir="ltr">{body}</div>\n', subtype="html")
        for i, (name, data) in enumerate(attachments):
            maintype, subtype = mime_type_for(name)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
            part = msg.get_payload()[-1]
            part.set_param("name", name)
            att_id = f"f_{h[i + 3:i + 9].hex()[:9]}{i}"
            part["Content-ID"] = f"<{att_id}>"
            part["X-Attachment-Id"] = att_id
            _order_headers(part, ("Content-Type", "Content-Disposition",
                                  "Content-Transfer-Encoding", "Content-ID", "X-Attachment-Id"))
        msg.set_boundary(f"000000000000{h[:8].hex()[:16]}")
        msg.get_payload()[0].set_boundary(f"000000000000{h[8:16].hex()[:16]}")
        for part in msg.get_payload()[0].get_payload():
            part.set_param("charset", "UTF-8")
            _order_headers(part, ("Content-Type", "Content-Transfer-Encoding"))
    elif client == "apple":
        msg["Content-Type"] = "multipart/mixed"
        msg["Subject"] = subject
        msg["From"] = sender
        msg["Date"] = stamp
        msg["Message-Id"] = f"<{str(uuid.UUID(bytes=h[:16])).upper()}@{local}>"
        msg["To"] = to
        msg["Mime-Version"] = "1.0 (Mac OS X Mail 16.0 \\(3826.500.181.1.5\\))"
        msg["X-Mailer"] = "Apple Mail (2.3826.500.181.1.5)"
        head, _, tail = text.partition("\n\n\n")
        parts = [("text", head + "\n\n")]
        parts += [("file", a) for a in attachments]
        parts.append(("text", "\n\n" + (tail or "")))
        payload = []
        for kind, item in parts:
            part = EmailMessage(policy=email.policy.SMTP)
            if kind == "text":
                if item.isascii():
                    part.set_content(item, charset="us-ascii", cte="7bit")
                else:
                    part.set_content(item, charset="utf-8", cte="quoted-printable")
                _order_headers(part, ("Content-Type", "Content-Transfer-Encoding"))
            else:
                name, data = item
                maintype, subtype = mime_type_for(name)
                part.set_content(data, maintype=maintype, subtype=subtype,
                                 disposition="inline", filename=name)
                part.set_param("x-unix-mode", "0644", requote=False)
                part.set_param("name", name)
                _order_headers(part, ("Content-Disposition", "Content-Type",
                                      "Content-Transfer-Encoding"))
            payload.append(part)
        msg.set_payload(payload)
        msg.set_boundary(f"Apple-Mail=_{str(uuid.UUID(bytes=h[16:32])).upper()}")
    else:
        raise ValueError(f"unknown mail client {client!r}")
    return msg


def write_mbox(paths: list[Path], out: Path) -> None:
    """mboxrd: `From ` separator lines; body lines matching ^>*From  get one more '>'."""
    chunks = []
    for p in paths:
        data = p.read_bytes().replace(b"\r\n", b"\n")
        parsed = email.message_from_bytes(data, policy=email.policy.default)
        addr = email.utils.parseaddr(str(parsed.get("From", "")))[1] or "MAILER-DAEMON"
        try:
            when = email.utils.parsedate_to_datetime(str(parsed["Date"])).astimezone(timezone.utc)
        except (TypeError, ValueError):
            when = datetime(2026, 1, 5, tzinfo=timezone.utc)
        lines = []
        for line in data.split(b"\n"):
            if line.lstrip(b">").startswith(b"From "):
                line = b">" + line
            lines.append(line)
        body = b"\n".join(lines)
        if not body.endswith(b"\n"):
            body += b"\n"
        stamp = f"{when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}"  # asctime, as mbox writers do
        sep = f"From {addr} {stamp}\n".encode()
        chunks.append(sep + body + b"\n")
    out.write_bytes(b"".join(chunks))


# --------------------------------------------------------------------------------------------
# Expected files (the golden test's projection of `regintake check --json`).

FIELD_ORDER = ("full_name", "organisation", "contact_email", "terms_accepted", "service",
               "ip_allowlist", "expected_records_per_day", "expected_api_calls_per_day",
               "user_guide_agreed")


def record(attachment: str, source: str, flags, fields: dict) -> dict:
    """One expected record: flags sorted, fields in the report's column order."""
    if set(fields) != set(FIELD_ORDER):
        raise SystemExit(f"record fields {sorted(fields)} are not {list(FIELD_ORDER)}")
    return {"attachment": attachment, "source": source, "flags": sorted(flags),
            "fields": {k: fields[k] for k in FIELD_ORDER}}


def write_expected(expected_dir: Path | str, file_name: str, records: list[dict]) -> None:
    """expected/<file name>.json: {"records": [...]} as written by every fixture script."""
    out = Path(expected_dir) / f"{file_name}.json"
    out.write_text(json.dumps({"records": records}, indent=2, ensure_ascii=False) + "\n",
                   encoding="utf-8")


def folder_size_report(folder: Path, limit: int, allow=()) -> int:
    """Total bytes under folder; warns about any file over `limit` not named in `allow`."""
    total = 0
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            size = p.stat().st_size
            total += size
            if size > limit and p.name not in allow:
                print(f"warning: {p.relative_to(ROOT)} is {size} bytes")
    return total
