//! Debug aid: a form document (.pdf, .docx, .odt) in → the extracted `Document` as JSON out.

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: dump_doc FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let kind = regintake::mime::sniff(&bytes, "", &path);
    let att = regintake::mime::Attachment {
        filename: path.clone(),
        content_type: String::new(),
        kind,
        bytes,
    };
    match regintake::extract::read_attachment(&att, &Default::default()) {
        Ok(Some(doc)) => {
            for l in &doc.lines {
                println!("{:?}", l.cells);
            }
            for f in &doc.fields {
                println!("FIELD {f:?}");
            }
        }
        Ok(None) => println!("not a document kind that holds forms"),
        Err(e) => println!("unreadable: {e}"),
    }
}
