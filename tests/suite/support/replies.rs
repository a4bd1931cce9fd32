//! Test harness for replies: registration mails with the form pasted in the body (answers chosen
//! per test), and Python's `email` package reading a draft back.

use std::io::Write;
use std::process::{Command, Stdio};

/// The answers of one registration.
#[derive(Clone)]
pub struct Form {
    pub message_id: String,
    pub from: String,
    pub subject: String,
    pub name: String,
    pub organisation: String,
    pub email: String,
    pub terms: bool,
    pub public: bool,
    pub partner: bool,
    pub ip: String,
    pub records: String,
    pub calls: String,
    pub guide: bool,
}

impl Form {
    /// A complete, correct partner registration.
    pub fn ok(n: usize) -> Form {
        Form {
            message_id: format!("<form-{n}.x7@mail.example.gov.au>"),
            from: format!("Applicant {n} <applicant{n}@example.gov.au>"),
            subject: "Registration - Occupation Coding Service".into(),
            name: format!("Alex Applicant{n}"),
            organisation: "Department of Examples".into(),
            email: format!("applicant{n}@example.gov.au"),
            terms: true,
            public: false,
            partner: true,
            ip: "150.203.4.7".into(),
            records: "50,000".into(),
            calls: "4,000".into(),
            guide: true,
        }
    }

    /// The message, as a mail client sends a form pasted in the body (UTF-8, 8bit).
    pub fn mail(&self) -> Vec<u8> {
        let tick = |b: bool| if b { "[X]" } else { "[ ]" };
        let mut m = String::new();
        m.push_str(&format!("From: {}\r\n", self.from));
        m.push_str("To: Coding Service Registration <coding.service.registration@abs.gov.au>\r\n");
        m.push_str(&format!("Subject: {}\r\n", self.subject));
        m.push_str("Date: Mon, 02 Mar 2026 09:15:00 +1100\r\n");
        m.push_str(&format!("Message-ID: {}\r\n", self.message_id));
        m.push_str("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n");
        m.push_str("Content-Transfer-Encoding: 8bit\r\n\r\n");
        m.push_str("Hello,\r\n\r\nPlease find our registration below.\r\n\r\n");
        m.push_str("Occupation Coding Service Registration Form\r\n\r\nYour Details\r\n");
        m.push_str(&format!("Full name\r\n{}\r\n", self.name));
        m.push_str(&format!("Organisation\r\n{}\r\n", self.organisation));
        m.push_str(&format!("Contact email\r\n{}\r\n\r\n", self.email));
        m.push_str("Terms of Use\r\n");
        m.push_str(&format!(
            "{} I have read, understand, and agree to be legally bound by the Terms of Use of \
             the Australian Bureau of Statistics Occupation Coding Service.\r\n\r\n",
            tick(self.terms)
        ));
        m.push_str("Service required\r\n");
        m.push_str(&format!(
            "{} Public coding service (1 API call per second and up to 1,000 calls per day).\r\n",
            tick(self.public)
        ));
        m.push_str(&format!(
            "{} Partner coding service (Large batch coding, and real-time coding (1 API call \
             per second and up to 10,000 real-time calls per day)).\r\n",
            tick(self.partner)
        ));
        m.push_str(&format!(
            "You must also provide a static agency IP address or range of addresses for \
             allowlisting: [ {} ]\r\n\r\n",
            self.ip
        ));
        m.push_str("Your expected use\r\n");
        m.push_str(
            "Please indicate the approximate maximum number per day in a peak period of:\r\n",
        );
        m.push_str(&format!(
            "- records you expect to code: [ {} ]\r\n",
            self.records
        ));
        m.push_str(&format!(
            "- API calls (batch or single record requests) you expect to make: [ {} ]\r\n\r\n",
            self.calls
        ));
        m.push_str("User Guide agreement\r\n");
        m.push_str(&format!(
            "{} I agree to read and follow the API integration instructions in the Occupation \
             Coding Service User Guide.\r\n\r\nKind regards\r\n",
            tick(self.guide)
        ));
        m.into_bytes()
    }
}

/// An mbox holding these messages.
pub fn mbox(mails: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in mails {
        out.extend_from_slice(b"From applicant@example.gov.au Mon Mar  2 09:15:00 2026\n");
        let text = String::from_utf8_lossy(m).replace("\r\n", "\n");
        for line in text.lines() {
            if line.starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
    }
    out
}

/// A draft as Python's `email` package reads it (policy=default).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PyMail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub message_id: String,
    pub in_reply_to: String,
    pub references: String,
    pub date: String,
    pub body: String,
    /// Every defect Python found, in any part.
    pub defects: Vec<String>,
    pub header_names: Vec<String>,
}

const PY_READ: &str = r#"
import email, email.policy, json, sys
out = []
for raw in json.load(sys.stdin):
    m = email.message_from_bytes(raw.encode("latin-1"), policy=email.policy.default)
    defects = [repr(d) for part in m.walk() for d in part.defects]
    for name, value in m.items():
        defects += [repr(d) for d in getattr(value, "defects", ())]
    body = m.get_body(preferencelist=("plain",))
    out.append({
        "from": str(m["From"] or ""), "to": str(m["To"] or ""),
        "subject": str(m["Subject"] or ""), "message_id": str(m["Message-ID"] or ""),
        "in_reply_to": str(m["In-Reply-To"] or ""), "references": str(m["References"] or ""),
        "date": str(m["Date"] or ""),
        "body": body.get_content() if body is not None else "",
        "defects": defects, "header_names": [k for k, _ in m.items()],
    })
json.dump(out, sys.stdout)
"#;

/// Reads each raw message with Python's `email` package (python3 is on every machine; a test
/// that needs it fails when it is missing).
pub fn python_read(raws: &[Vec<u8>]) -> Vec<PyMail> {
    let input: Vec<String> = raws
        .iter()
        .map(|r| r.iter().map(|&b| char::from(b)).collect())
        .collect();
    let mut child = Command::new("python3")
        .args(["-c", PY_READ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(serde_json::to_string(&input).unwrap().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python's JSON")
}

/// The body's words joined by single spaces (wrapping does not matter to a phrase).
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The raw message without its Date header line.
pub fn without_date(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw)
        .split("\r\n")
        .filter(|l| !l.starts_with("Date: "))
        .collect::<Vec<_>>()
        .join("\r\n")
}
