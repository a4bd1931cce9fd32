//! A prepared page in (8-bit grey pixels) → Tesseract's words with their boxes out, by running
//! the `tesseract` command (`tesseract stdin stdout --dpi N -l LANGS tsv`) on it, with Otsu's
//! global threshold or Sauvola's local one (`-c thresholding_method=2`), as a page or as one
//! block of lines (`--psm 6`); the turn that stands a page upright (`--psm 0`, the `osd`
//! model); and whether Tesseract is installed, and which version.
//!
//! Why the command and not the library: a binary linked against libtesseract would not start on
//! a machine without it, while `[ocr] enabled = "auto"` must run there (without OCR); the
//! binding crates also need libclang and the -dev packages to build. The command costs one
//! process start (~0.1 s, next to 1–3 s of recognition) and gives the isolation for free: it
//! inherits the worker's address-space limit, dies with the worker (`PR_SET_PDEATHSIG`), and is
//! killed at the deadline; its output is capped.

use anyhow::{Context as _, Result, bail};
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The program run, found on `PATH`.
const PROGRAM: &str = "tesseract";
/// Largest TSV output read for one page (a dense page gives ~100 KB).
const MAX_OUTPUT_BYTES: u64 = 16 << 20;

/// One recognised word: its text and box in the image's pixels, and Tesseract's confidence
/// (0–100). `line` numbers the text line it belongs to, page-wide.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub text: String,
    pub left: u32,
    pub top: u32,
    pub width: u32,
    pub height: u32,
    pub confidence: f32,
    pub line: u32,
}

/// Whether OCR can run here, for `doctor` and for `enabled = "auto"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    /// Tesseract runs; its version line ("tesseract 5.3.0") and installed languages.
    Available {
        version: String,
        languages: Vec<String>,
    },
    /// Not installed, or it does not run; the reason in one line.
    Missing { reason: String },
}

/// Runs `tesseract --version` and `--list-langs` (a few hundred milliseconds).
pub fn availability() -> Availability {
    let version = match run_small(&["--version"]) {
        Ok(out) => out
            .lines()
            .find(|l| l.trim_start().starts_with("tesseract"))
            .map(|l| l.trim().to_string())
            .unwrap_or_else(|| out.lines().next().unwrap_or("").trim().to_string()),
        Err(e) => {
            return Availability::Missing {
                reason: format!("{e:#}"),
            };
        }
    };
    let languages = match run_small(&["--list-langs"]) {
        Ok(out) => out
            .lines()
            .skip_while(|l| !l.starts_with("List of available languages"))
            .skip(1)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        Err(e) => {
            return Availability::Missing {
                reason: format!("{e:#}"),
            };
        }
    };
    Availability::Available { version, languages }
}

fn run_small(args: &[&str]) -> Result<String> {
    let out = Command::new(PROGRAM)
        .args(args)
        .stdin(Stdio::null())
        .env("OMP_THREAD_LIMIT", "1")
        .output()
        .with_context(|| format!("cannot run {PROGRAM}"))?;
    if !out.status.success() {
        bail!("{PROGRAM} {} failed: {}", args.join(" "), out.status);
    }
    // Older versions print to stderr.
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Ok(text)
}

/// How a recognition run failed.
#[derive(Debug)]
pub(crate) enum RunError {
    /// Past the deadline: killed.
    TimedOut,
    /// Could not start, crashed or said no; what happened in one line.
    Failed(String),
}

/// How Tesseract finds the text in an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segmentation {
    /// A page: blocks, columns and lines found by Tesseract (its default).
    Page,
    /// One block of lines (`--psm 6`): for images we compose, one short line per row.
    Block,
}

/// How Tesseract parts ink from paper before it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Threshold {
    /// One level for the whole image (Otsu's; Tesseract's default).
    Global,
    /// A level per neighbourhood (Sauvola's, `thresholding_method=2`, Tesseract 5): faint
    /// print beside dark print, a photo's uneven light.
    Local,
}

/// How Tesseract is asked to read an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mode {
    pub segmentation: Segmentation,
    pub threshold: Threshold,
}

/// Recognises one page: `pixels` is `width` × `height` 8-bit grey at `dpi`. `languages` is
/// Tesseract's `-l` value (checked by the config: letters, digits, `_` and `+`).
pub(crate) fn recognise(
    pixels: &[u8],
    width: u32,
    height: u32,
    dpi: f32,
    languages: &str,
    mode: Mode,
    deadline: Instant,
) -> Result<Vec<Word>, RunError> {
    let dpi_arg = dpi_arg(dpi);
    let mut args = vec!["stdin", "stdout", "--dpi", &dpi_arg, "-l", languages];
    if mode.threshold == Threshold::Local {
        args.extend(["-c", "thresholding_method=2"]);
    }
    if mode.segmentation == Segmentation::Block {
        args.extend(["--psm", "6"]);
    }
    args.push("tsv");
    let out = run(&args, pgm(pixels, width, height), deadline)?;
    Ok(parse_tsv(&String::from_utf8_lossy(&out)))
}

/// How far a page must be turned to stand upright, by Tesseract's orientation detection
/// (`--psm 0` with its `osd` model, installed with Tesseract on Debian): the clockwise turn in
/// degrees (0, 90, 180 or 270) and Tesseract's confidence in it. `Failed` when the model is
/// missing or the page has too little text to tell.
pub(crate) fn orientation(
    pixels: &[u8],
    width: u32,
    height: u32,
    dpi: f32,
    deadline: Instant,
) -> Result<(u32, f32), RunError> {
    let dpi_arg = dpi_arg(dpi);
    let args = [
        "stdin", "stdout", "--dpi", &dpi_arg, "--psm", "0", "-l", "osd",
    ];
    let out = run(&args, pgm(pixels, width, height), deadline)?;
    parse_orientation(&String::from_utf8_lossy(&out))
        .ok_or_else(|| RunError::Failed("no orientation in Tesseract's answer".into()))
}

/// `Rotate: 270` and `Orientation confidence: 14.55` from Tesseract's `--psm 0` answer.
pub(crate) fn parse_orientation(text: &str) -> Option<(u32, f32)> {
    let value = |key: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(key))
            .map(str::trim)
    };
    let turn = value("Rotate:")?.parse::<u32>().ok()?;
    let confidence = value("Orientation confidence:")?.parse::<f32>().ok()?;
    (matches!(turn, 0 | 90 | 180 | 270) && confidence.is_finite()).then_some((turn, confidence))
}

/// A binary PGM of the pixels: Leptonica reads it from stdin without a decoder.
fn pgm(pixels: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut input = format!("P5\n{width} {height}\n255\n").into_bytes();
    input.extend_from_slice(pixels);
    input
}

fn dpi_arg(dpi: f32) -> String {
    format!("{}", dpi.round().clamp(70.0, 2400.0) as u32)
}

/// Runs Tesseract with `args` on `input` (its stdin) and returns what it wrote (capped), killing
/// it at `deadline`.
fn run(args: &[&str], input: Vec<u8>, deadline: Instant) -> Result<Vec<u8>, RunError> {
    let mut command = Command::new(PROGRAM);
    command
        .args(args)
        .env("OMP_THREAD_LIMIT", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: prctl is async-signal-safe; it makes the kernel kill Tesseract when the worker
    // that started it dies (killed at its own deadline), so no recognition outlives its reader.
    unsafe {
        command.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            Ok(())
        });
    }
    let mut child = command
        .spawn()
        .map_err(|e| RunError::Failed(format!("cannot run {PROGRAM}: {e}")))?;
    let (Some(mut stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(RunError::Failed("no pipes to tesseract".into()));
    };
    // Tesseract reads all of its input before it writes anything, but the pipes are drained on
    // their own threads all the same, so no order of events can block both sides.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout.take(MAX_OUTPUT_BYTES).read_to_end(&mut out);
        out
    });
    let err_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr.take(64 << 10).read_to_end(&mut out);
        out
    });
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() >= deadline => break None,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(_) => break None,
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        let _ = writer.join();
        let _ = reader.join();
        let _ = err_reader.join();
        return Err(RunError::TimedOut);
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let said = String::from_utf8_lossy(&err);
        let last = said
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(RunError::Failed(format!(
            "{PROGRAM} failed ({status}){}{}",
            if last.is_empty() { "" } else { ": " },
            last.trim()
        )));
    }
    Ok(out)
}

/// Tesseract's TSV: a header, then one row per page, block, paragraph, line and word (level
/// 1–5). Only words with text are kept; a row that does not parse is skipped.
pub(crate) fn parse_tsv(tsv: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut line_ids: Vec<(u32, u32, u32)> = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let num = |i: usize| cols[i].trim().parse::<u32>().ok();
        let (Some(block), Some(par), Some(line)) = (num(2), num(3), num(4)) else {
            continue;
        };
        let (Some(left), Some(top), Some(width), Some(height)) = (num(6), num(7), num(8), num(9))
        else {
            continue;
        };
        let confidence = cols[10].trim().parse::<f32>().unwrap_or(-1.0);
        let text = cols[11..].join("\t").trim().to_string();
        if text.is_empty() || width == 0 || height == 0 {
            continue;
        }
        let key = (block, par, line);
        let id = match line_ids.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                line_ids.push(key);
                line_ids.len() - 1
            }
        } as u32;
        words.push(Word {
            text,
            left,
            top,
            width,
            height,
            confidence,
            line: id,
        });
    }
    words
}

/// Where the program would be run from, for `doctor` (the first `tesseract` on `PATH`).
pub fn program_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(PROGRAM))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_turn_a_page_needs_is_read_from_the_orientation_answer() {
        let answer = "Page number: 0\nOrientation in degrees: 90\nRotate: 270\n\
                      Orientation confidence: 14.55\nScript: Latin\nScript confidence: 3.72\n";
        assert_eq!(parse_orientation(answer), Some((270, 14.55)));
        assert_eq!(
            parse_orientation("Rotate: 45\nOrientation confidence: 9.0"),
            None
        );
        assert_eq!(parse_orientation("Rotate: 180\n"), None);
        assert_eq!(
            parse_orientation("Too few characters. Skipping this page"),
            None
        );
    }

    #[test]
    fn tsv_words_keep_their_boxes_and_lines() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
1\t1\t0\t0\t0\t0\t0\t0\t2481\t3508\t-1\t\n\
4\t1\t1\t1\t1\t0\t150\t200\t400\t40\t-1\t\n\
5\t1\t1\t1\t1\t1\t150\t200\t120\t40\t96.5\tFull\n\
5\t1\t1\t1\t1\t2\t280\t200\t130\t40\t95.1\tname\n\
5\t1\t2\t1\t1\t1\t900\t205\t300\t38\t71\tJane\n\
5\t1\t2\t1\t1\t2\t900\t205\t0\t38\t71\tzero\n\
5\t1\t2\t1\t1\t3\tx\t205\t30\t38\t71\tbad\n\
5\t1\t2\t1\t1\t4\t950\t205\t30\t38\t71\t   \n";
        let words = parse_tsv(tsv);
        let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["Full", "name", "Jane"]);
        assert_eq!(words[0].line, words[1].line);
        assert_ne!(words[1].line, words[2].line);
        assert_eq!(
            (words[2].left, words[2].top, words[2].width),
            (900, 205, 300)
        );
        assert_eq!(words[0].confidence, 96.5);
    }
}
