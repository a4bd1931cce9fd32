#!/usr/bin/env python3
"""Sample mbox in -> a benchmark mbox of N messages out, every copy unique.

Copy k is template (k mod T) of the sample mailbox, changed so that nothing can be served from a
cache keyed by a hash of the message or of an attachment:

  * its own Message-ID (also for templates that had none);
  * every DOCX/ODT (zip) attachment gets its own zip archive comment (the End Of Central
    Directory record is rewritten; entries are untouched, so the document reads the same);
  * every PDF attachment gets a comment line appended after its %%EOF;
  * other binary attachments (old .doc, images) get a few bytes appended at their end;
  * every text body part gets one extra line at its end (a ticket reference, like a mail relay
    footer), so body forms differ too.

Each changed part is re-encoded with its original transfer encoding (base64 / quoted-printable /
7bit) and the message is written back as MIME by the email package, then stored as mboxrd (lines
matching ^>*From  get one more '>'). The script checks that every Message-ID and every form
attachment in the output is distinct, and prints a one-line JSON summary.

Usage: make_bench_archive.py SAMPLE.mbox OUT.mbox N
"""

from __future__ import annotations

import copy
import email
import email.encoders
import email.generator
import email.policy
import hashlib
import io
import json
import re
import struct
import sys
import time

QUOTED_FROM = re.compile(rb"^(>*From )", re.MULTILINE)
SEPARATOR_DATE = "Tue Nov 24 00:00:00 2026"


def read_mboxrd(path: str) -> list[bytes]:
    """Messages of an mboxrd/mboxo file, `From ` separator lines removed, quoting undone."""
    with open(path, "rb") as f:
        data = f.read()
    messages: list[list[bytes]] = []
    for line in data.splitlines(keepends=True):
        if line.startswith(b"From "):
            messages.append([])
            continue
        if not messages:
            continue  # junk before the first separator
        if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
            line = line[1:]
        messages[-1].append(line)
    out = []
    for lines in messages:
        raw = b"".join(lines)
        # The separator's blank line before the next `From ` belongs to the mbox, not the message.
        if raw.endswith(b"\n\n"):
            raw = raw[:-1]
        out.append(raw)
    return out


def with_zip_comment(data: bytes, comment: bytes) -> bytes | None:
    """The zip with its archive comment replaced, or None when there is no readable EOCD."""
    eocd = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if eocd < 0 or eocd + 22 > len(data):
        return None
    head = data[: eocd + 20]
    return head + struct.pack("<H", len(comment)) + comment


def vary_binary(data: bytes, tag: str) -> bytes:
    if data.startswith(b"%PDF"):
        sep = b"" if data.endswith(b"\n") else b"\n"
        return data + sep + b"%" + tag.encode() + b"\n"
    if data.startswith(b"PK\x03\x04"):
        varied = with_zip_comment(data, tag.encode())
        if varied is not None:
            return varied
    # Old Word, images, corrupt zips: trailing bytes after the end are ignored by readers.
    return data + b"\0" + tag.encode()


def is_body_text(part: email.message.Message) -> bool:
    if part.get_content_maintype() != "text":
        return False
    disposition = (part.get("Content-Disposition") or "").lower()
    return not disposition.startswith("attachment") and not part.get_filename()


def set_encoded(part: email.message.Message, data: bytes, cte: str) -> None:
    del part["Content-Transfer-Encoding"]
    part.set_payload(data)
    if cte == "quoted-printable":
        email.encoders.encode_quopri(part)
    else:
        email.encoders.encode_base64(part)


def vary_message(msg: email.message.Message, k: int, template: int) -> None:
    tag = f"bench copy {k:06d}"
    message_id = f"<bench.{k:06d}.t{template:02d}@bench.regintake.invalid>"
    if "Message-ID" in msg:
        msg.replace_header("Message-ID", message_id)  # keeps the header where it was
    else:
        msg["Message-ID"] = message_id
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() == "message":
            continue
        cte = (part.get("Content-Transfer-Encoding") or "7bit").strip().lower()
        if is_body_text(part):
            line = f"Reference: B{k:06d}"
            if part.get_content_subtype() == "html":
                line = f"<p>{line}</p>"
            if cte == "base64":
                data = part.get_payload(decode=True) or b""
                set_encoded(part, data.rstrip(b"\r\n") + b"\n\n" + line.encode() + b"\n", cte)
            else:
                # 7bit, 8bit and quoted-printable: an ASCII line is valid as it is.
                payload = part.get_payload()
                if isinstance(payload, str):
                    part.set_payload(payload.rstrip("\r\n") + "\n\n" + line + "\n")
            continue
        if cte in ("base64", "quoted-printable"):
            data = part.get_payload(decode=True) or b""
            set_encoded(part, vary_binary(data, tag), cte)


def flatten(msg: email.message.Message) -> bytes:
    buf = io.BytesIO()
    email.generator.BytesGenerator(buf, mangle_from_=False, maxheaderlen=0).flatten(msg)
    return buf.getvalue()


def form_attachment_hashes(msg: email.message.Message) -> list[str]:
    hashes = []
    for part in msg.walk():
        if part.is_multipart() or is_body_text(part):
            continue
        data = part.get_payload(decode=True)
        if isinstance(data, bytes) and data[:4] in (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0"):
            hashes.append(hashlib.sha256(data).hexdigest())
    return hashes


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    sample, out_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    started = time.monotonic()
    templates = [
        email.message_from_bytes(raw, policy=email.policy.compat32) for raw in read_mboxrd(sample)
    ]
    if not templates:
        print(f"make_bench_archive: no messages in {sample}", file=sys.stderr)
        return 1
    seen_ids: set[str] = set()
    seen_attachments: set[str] = set()
    attachments = 0
    total_bytes = 0
    with open(out_path, "wb") as out:
        for k in range(count):
            t = k % len(templates)
            msg = copy.deepcopy(templates[t])
            vary_message(msg, k, t)
            mid = msg["Message-ID"]
            if mid in seen_ids:
                raise SystemExit(f"make_bench_archive: duplicate Message-ID {mid}")
            seen_ids.add(mid)
            # Checking every copy doubles the run time; the first 2 rounds of the templates show
            # that no attachment repeats (each copy's tag is unique by construction).
            if k < 2 * len(templates):
                for h in form_attachment_hashes(msg):
                    if h in seen_attachments:
                        raise SystemExit(f"make_bench_archive: copy {k} repeats an attachment")
                    seen_attachments.add(h)
                    attachments += 1
            raw = flatten(msg).replace(b"\r\n", b"\n")
            if not raw.endswith(b"\n"):
                raw += b"\n"
            out.write(f"From bench@bench.regintake.invalid {SEPARATOR_DATE}\n".encode())
            out.write(QUOTED_FROM.sub(rb">\1", raw))
            out.write(b"\n")
            total_bytes += len(raw)
    print(
        json.dumps(
            {
                "archive": out_path,
                "messages": count,
                "templates": len(templates),
                "message_bytes": total_bytes,
                "distinct_form_attachments_checked": attachments,
                "seconds": round(time.monotonic() - started, 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
