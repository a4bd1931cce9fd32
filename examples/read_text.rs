//! Debug aid: plain text on stdin (a pasted form, `pdftotext -layout` output) → the answers and
//! the record `regintake` would make of it, as JSON on stdout.

use std::io::Read;

fn main() {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        eprintln!("stdin is not UTF-8 text");
        std::process::exit(2);
    }
    let doc = regintake::extract::body::read(&text);
    match regintake::form::read(&doc) {
        None => println!("not a registration form"),
        Some(answers) => {
            let v = regintake::validate::validate(&answers, &Default::default());
            let out = serde_json::json!({
                "answers": answers,
                "fields": v.fields,
                "flags": v.flags,
                "notes": v.notes(),
            });
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
    }
}
