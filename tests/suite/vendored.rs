//! The vendored lopdf (vendor/lopdf, patched: fewer runs of the AES-256 password hash) held
//! against the published lopdf 0.47.0 it was taken from: every encrypted file either opens in
//! both, to the same objects with the same decrypted bytes, or stays shut in both.

use std::path::PathBuf;

use crate::support::repo;

/// Every encrypted PDF the tests and fixtures carry: each security handler (RC4 40/128,
/// AES-128, AES-256), with an empty user password, an owner password only, and a user password.
fn encrypted_pdfs() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = crate::support::files_in(&repo("tests/data"), &["pdf"])
        .into_iter()
        .chain(crate::support::files_in(&repo("fixtures"), &["forms"]))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.windows(8).any(|w| w == b"/Encrypt")))
        .collect();
    files.sort();
    files
}

/// One object as text, streams by their decrypted (still filtered) bytes: the two crates'
/// types differ, their `Debug` output of the same object does not.
fn objects_of_patched(doc: &lopdf::Document) -> Vec<(String, String)> {
    doc.objects
        .iter()
        .map(|(id, o)| {
            let text = match o {
                lopdf::Object::Stream(s) => format!("{:?} {:?}", s.dict, s.content),
                other => format!("{other:?}"),
            };
            (format!("{id:?}"), text)
        })
        .collect()
}

fn objects_of_upstream(doc: &lopdf_upstream::Document) -> Vec<(String, String)> {
    doc.objects
        .iter()
        .map(|(id, o)| {
            let text = match o {
                lopdf_upstream::Object::Stream(s) => format!("{:?} {:?}", s.dict, s.content),
                other => format!("{other:?}"),
            };
            (format!("{id:?}"), text)
        })
        .collect()
}

#[test]
fn patched_lopdf_opens_the_same_files_to_the_same_objects_as_the_published_one() {
    let files = encrypted_pdfs();
    // RC4 and AES files of tests/data/pdf, and the fixtures' AES-256 ones: all four handlers.
    assert!(files.len() >= 6, "too few encrypted PDFs found: {files:?}");
    let (mut opened, mut shut) = (0, 0);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let patched = lopdf::Document::load_mem(&bytes);
        let upstream = lopdf_upstream::Document::load_mem(&bytes);
        let name = path.display();
        match (patched, upstream) {
            (Ok(p), Ok(u)) => {
                assert_eq!(
                    p.is_encrypted(),
                    u.is_encrypted(),
                    "{name}: still encrypted?"
                );
                assert_eq!(objects_of_patched(&p), objects_of_upstream(&u), "{name}");
                if !p.is_encrypted() {
                    opened += 1;
                } else {
                    shut += 1;
                }
            }
            (Err(_), Err(_)) => shut += 1,
            (p, u) => panic!(
                "{name}: the patched crate {} it, the published one {} it",
                if p.is_ok() { "opened" } else { "refused" },
                if u.is_ok() { "opened" } else { "refused" }
            ),
        }
    }
    assert!(
        opened > 0 && shut > 0,
        "opened {opened}, shut {shut}: both cases must be seen"
    );
}
