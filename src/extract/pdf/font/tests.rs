//! Tests for PDF fonts: CMaps, glyph names, standard tables and symbol faces in → the text
//! and marks they decode to.

use super::encoding::glyph_name_to_text;
use super::*;

#[test]
fn glyph_text_keeps_any_text_whole() {
    let long = "ﬁ".repeat(GlyphText::INLINE);
    let edge = "é".repeat(GlyphText::INLINE / 2);
    for text in [
        "",
        "a",
        " ",
        "é",
        "☒",
        "ﬁ",
        "𝔸",
        "ab",
        &edge,
        &format!("{edge}x"),
        &long,
    ] {
        let glyph = GlyphText::new(text);
        assert_eq!(glyph.as_str(), text);
        assert_eq!(&*glyph, text);
        assert_eq!(glyph.clone(), glyph);
    }
    assert_eq!(GlyphText::from('☐').as_str(), "☐");
    assert_eq!(GlyphText::default().as_str(), "");
    assert_ne!(GlyphText::new("a"), GlyphText::new("b"));
}

#[test]
fn wingdings_faces_draw_their_own_boxes_and_ticks() {
    assert_eq!(
        Wingdings::of("ABCDEE+Wingdings-Regular"),
        Some(Wingdings::One)
    );
    assert_eq!(Wingdings::of("Wingdings2"), Some(Wingdings::Two));
    assert_eq!(Wingdings::of("Arial"), None);
    let one = Wingdings::One;
    assert_eq!(one.mark(0xFE), Some(crate::extract::TICKED));
    assert_eq!(one.mark(0xA8), Some(crate::extract::UNTICKED));
    assert_eq!(one.mark(0xFC), Some('\u{2714}'));
    // The same code is something else in Wingdings 2.
    assert_eq!(Wingdings::Two.mark(0xA8), None);
    assert_eq!(Wingdings::Two.mark(0x53), Some(crate::extract::TICKED));
    assert_eq!(Wingdings::Two.mark(0xA3), Some(crate::extract::UNTICKED));
    assert_eq!(Wingdings::Two.mark(0x50), Some('\u{2714}'));
}

#[test]
fn cmap_bfchar_bfrange_and_arrays() {
    let cmap = CMap::parse(
        b"/CIDInit /ProcSet findresource begin\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n\
          2 beginbfchar <0003> <0020> <0011> <00660069> endbfchar\n\
          2 beginbfrange <0024> <0026> <0041> <0030> <0031> [<00E9> <2612>] endbfrange end",
    );
    assert_eq!(cmap.lookup(2, 3).as_deref(), Some(" "));
    assert_eq!(cmap.lookup(2, 0x11).as_deref(), Some("fi"));
    assert_eq!(cmap.lookup(2, 0x25).as_deref(), Some("B"));
    assert_eq!(cmap.lookup(2, 0x31).as_deref(), Some("☒"));
    assert_eq!(cmap.lookup(2, 0x99), None);
    assert_eq!(cmap.code_len(&[0, 1]), Some(2));
}

#[test]
fn mixed_length_codespaces() {
    let cmap = CMap::parse(b"2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange");
    assert_eq!(cmap.code_len(&[0x41, 0x81]), Some(1));
    assert_eq!(cmap.code_len(&[0x81, 0x40]), Some(2));
}

#[test]
fn glyph_names() {
    assert_eq!(glyph_name_to_text("A").as_deref(), Some("A"));
    assert_eq!(glyph_name_to_text("eacute").as_deref(), Some("é"));
    assert_eq!(glyph_name_to_text("uni2612").as_deref(), Some("☒"));
    assert_eq!(glyph_name_to_text("u1F600").as_deref(), Some("😀"));
    assert_eq!(glyph_name_to_text("f_i").as_deref(), Some("fi"));
    assert_eq!(glyph_name_to_text("a.sc").as_deref(), Some("a"));
    assert_eq!(glyph_name_to_text("g123"), None);
}

#[test]
fn standard_tables_come_from_lopdf() {
    assert_eq!(
        standard_table(b"WinAnsiEncoding")[0x80].as_deref(),
        Some("€")
    );
    assert_eq!(
        standard_table(b"MacRomanEncoding")[0x8E].as_deref(),
        Some("é")
    );
    assert_eq!(
        standard_table(b"StandardEncoding")[0x27].as_deref(),
        Some("’")
    );
}
