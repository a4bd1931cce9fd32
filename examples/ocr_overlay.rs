//! Debug aid: an image or a scanned PDF in → `PREFIX-N.png` per page (what OCR saw: words,
//! ruling lines and tick boxes drawn over the straightened page) and the laid-out lines on stdout.

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(prefix)) = (args.next(), args.next()) else {
        eprintln!("usage: ocr_overlay FILE OUT_PREFIX");
        std::process::exit(2);
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1);
    });
    let settings = regintake::extract::ocr::OcrSettings::default();
    match regintake::extract::ocr::overlay(&bytes, &Default::default(), &settings) {
        Ok(pages) => {
            for (n, (image, lines)) in pages.iter().enumerate() {
                let out = format!("{prefix}-{}.png", n + 1);
                if let Err(e) = image.save(&out) {
                    eprintln!("{out}: {e}");
                }
                println!("--- page {}", n + 1);
                for l in lines {
                    println!("{:?}", l.cells);
                }
            }
        }
        Err(e) => println!("unreadable: {e}"),
    }
}
