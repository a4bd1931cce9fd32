//! What reading attachments needs, checked: OCR (Tesseract and its languages, as `[ocr]` asks)
//! and worker isolation (a worker process reads a small form made here) in → a line of the
//! report each.

use super::{Report, context};
use crate::config::Config;
use std::io::Write;

/// Whether scans and photos are read: Tesseract and the `[ocr]` languages, as the run will see them.
pub(super) fn check_ocr(config: &Config, report: &mut Report) {
    use crate::config::OcrMode;
    use crate::extract::ocr::{Availability, availability};
    let settings = &config.ocr;
    if settings.enabled == OcrMode::Off {
        report.ok(
            "ocr",
            "off ([ocr] enabled = \"off\"): scanned forms are recorded scanned_without_text",
        );
        return;
    }
    match (settings.missing(), availability()) {
        (None, Availability::Available { version, .. }) => report.ok(
            "ocr",
            format!(
                "{version}, languages {}: scans and photos of forms are read",
                settings.languages
            ),
        ),
        (None, Availability::Missing { reason }) => report.warn("ocr", reason),
        (Some(why), _) if settings.enabled == OcrMode::On => report.fail(
            "ocr",
            format!("{why}; [ocr] enabled = \"on\" stops every run until it is installed"),
        ),
        (Some(why), _) => report.warn(
            "ocr",
            format!("{why}: scanned forms are recorded scanned_without_text (enabled = \"auto\")"),
        ),
    }
}

/// A worker process reads a small registration form made here: isolation works end to end.
pub(super) fn check_worker(config: &Config, report: &mut Report) {
    if !config.isolate_attachments {
        report.warn(
            "worker isolation",
            "off (isolate_attachments = false): attachments are read inside the main process, \
             so a hostile one can crash or exhaust the run; remove the setting",
        );
        return;
    }
    let ctx = match context(config) {
        Ok(ctx) => ctx,
        Err(e) => {
            report.fail("worker isolation", format!("{e:#}"));
            return;
        }
    };
    let Some(exe) = ctx.worker_exe.clone() else {
        report.fail(
            "worker isolation",
            "cannot find this program's own path to start a worker from",
        );
        return;
    };
    let form = match sample_form() {
        Ok(bytes) => bytes,
        Err(e) => {
            report.fail(
                "worker isolation",
                format!("cannot make the sample form: {e}"),
            );
            return;
        }
    };
    let started = std::time::Instant::now();
    let records = ctx.process_document("doctor-sample.docx", form);
    let record = records.first();
    let name = record.map(|r| r.fields.full_name.as_str()).unwrap_or("");
    if name == SAMPLE_NAME {
        report.ok(
            "worker isolation",
            format!(
                "a worker ({} worker) read a sample form in {} ms (memory limit {} MiB)",
                exe.display(),
                started.elapsed().as_millis(),
                config.limits.worker_memory_bytes >> 20
            ),
        );
    } else {
        let why = record
            .and_then(|r| r.detail.notes.first())
            .map(String::as_str)
            .unwrap_or("the form's answers were not found");
        report.fail(
            "worker isolation",
            format!(
                "a worker ({} worker) could not read a sample form: {why}; check \
                 limits.worker_memory_bytes and attachment_deadline_ms, and that {} runs",
                exe.display(),
                exe.display()
            ),
        );
    }
}

const SAMPLE_NAME: &str = "Dr Doctor Sample";

/// A small DOCX holding the registration form filled in.
fn sample_form() -> zip::result::ZipResult<Vec<u8>> {
    use zip::write::SimpleFileOptions;
    let lines = [
        "Occupation Coding Service Registration Form",
        "Your Details",
        &format!("Full name: {SAMPLE_NAME}"),
        "Organisation: Regintake Set-up Check",
        "Contact email: doctor@example.org",
        "Terms of Use",
        "\u{2612} I have read, understand, and agree to be legally bound by the Terms of Use of the Australian Bureau of Statistics Occupation Coding Service.",
        "Service required",
        "\u{2612} Public coding service (1 API call per second and up to 1,000 calls per day).",
        "\u{2610} Partner coding service (Large batch coding, and real-time coding).",
        "Your expected use",
        "Records you expect to code per day: 100",
        "API calls you expect to make per day: 50",
        "User Guide agreement",
        "\u{2612} I agree to read and follow the API integration instructions in the Occupation Coding Service User Guide.",
    ];
    let body: String = lines
        .iter()
        .map(|l| format!("<w:p><w:r><w:t xml:space=\"preserve\">{l}</w:t></w:r></w:p>"))
        .collect();
    let document = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
         <w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
         <w:body>{body}</w:body></w:document>"
    );
    let parts = [
        (
            "[Content_Types].xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
             <Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
             </Types>"
                .to_string(),
        ),
        (
            "_rels/.rels",
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
             <Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
             <Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
             </Relationships>"
                .to_string(),
        ),
        ("word/document.xml", document),
    ];
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_form_reads_as_a_clean_registration() {
        let ctx = crate::pipeline::Pipeline::default();
        let records = ctx.process_document("sample.docx", sample_form().unwrap());
        let record = &records[0];
        assert_eq!(record.fields.full_name, SAMPLE_NAME);
        assert_eq!(record.source, crate::extract::Source::Docx);
        assert!(record.flags.is_empty(), "{:?}", record.flags);
    }
}
