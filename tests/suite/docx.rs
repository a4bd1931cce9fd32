//! DOCX / ODT reader tests: Word-shaped XML zipped in the test, a LibreOffice-made document
//! from tests/data/docx, and hostile archives.

use crate::make_hostile::{stored, zip_of};
use regintake::extract::docx::{read_docx, read_odt};
use regintake::extract::{Document, Field, FieldValue, Limit, Source, Unreadable};
use regintake::limits::Limits;
use std::io::Write;
use zip::write::SimpleFileOptions;

const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:v="urn:schemas-microsoft-com:vml" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

/// A DOCX whose body is `body` (the children of `w:body`).
fn docx(body: &str) -> Vec<u8> {
    docx_with(body, &[])
}

fn docx_with(body: &str, extra: &[(&str, &str)]) -> Vec<u8> {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W_NS}><w:body>{body}<w:sectPr/></w:body></w:document>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", b"<Types/>"),
        ("_rels/.rels", ROOT_RELS.as_bytes()),
        ("word/document.xml", document.as_bytes()),
    ];
    for (name, data) in extra {
        entries.push((name, data.as_bytes()));
    }
    zip_of(&entries, SimpleFileOptions::default())
}

fn read(body: &str) -> Document {
    read_docx(&docx(body), &Limits::default()).expect("readable docx")
}

fn lines(doc: &Document) -> Vec<String> {
    doc.lines.iter().map(|l| l.joined()).collect()
}

fn field<'a>(doc: &'a Document, name: &str) -> &'a Field {
    doc.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {:?}", doc.fields))
}

fn p(runs: &str) -> String {
    format!("<w:p>{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

#[test]
fn paragraphs_tabs_and_soft_breaks() {
    let body = p(&format!(
        "{}<w:r><w:tab/></w:r>{}<w:r><w:br/></w:r>{}<w:r><w:t>non</w:t><w:noBreakHyphen/><w:t>stop</w:t><w:softHyphen/><w:t>x</w:t></w:r>",
        r("Full name"),
        r("Jane"),
        r("Organisation")
    )) + &p(&r("Second paragraph"));
    let doc = read(&body);
    assert_eq!(doc.source, Source::Docx);
    assert_eq!(
        lines(&doc),
        vec![
            "Full name\tJane",
            "Organisationnon-stopx",
            "Second paragraph"
        ]
    );
}

#[test]
fn page_break_and_tab_stops_in_paragraph_properties() {
    // A w:tab inside w:pPr/w:tabs is a tab stop, not a tab character.
    let body = r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:t>Contact email</w:t></w:r><w:r><w:br w:type="page"/></w:r><w:r><w:t>jane@example.org</w:t></w:r></w:p>"#;
    assert_eq!(
        lines(&read(body)),
        vec!["Contact email", "jane@example.org"]
    );
}

fn tc(content: &str) -> String {
    format!("<w:tc>{}</w:tc>", p(&r(content)))
}

#[test]
fn two_column_table() {
    let body = format!(
        "<w:tbl><w:tblPr/><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>",
        tc("Full name"),
        tc("Jane Citizen"),
        tc("Organisation"),
        tc("ANU")
    );
    let doc = read(&body);
    assert_eq!(doc.lines[0].cells, vec!["Full name", "Jane Citizen"]);
    assert_eq!(doc.lines[1].cells, vec!["Organisation", "ANU"]);
}

#[test]
fn grid_span_and_vertical_merge() {
    let body = format!(
        r#"<w:tbl>
        <w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>{}</w:tc>{}</w:tr>
        <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>{}</w:tc>{}{}</w:tr>
        <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>{}</w:tc>{}{}</w:tr>
        </w:tbl>"#,
        p(&r("Spanning")),
        tc("Right"),
        p(&r("Service")),
        tc("Public"),
        tc("☒"),
        p(&r("")),
        tc("Partner"),
        tc("☐"),
    );
    let doc = read(&body);
    assert_eq!(
        doc.lines
            .iter()
            .map(|l| l.cells.clone())
            .collect::<Vec<_>>(),
        vec![
            vec!["Spanning".to_string(), "Right".to_string()],
            vec!["Service".into(), "Public".into(), "☒".into()],
            vec!["Partner".into(), "☐".into()],
        ]
    );
}

#[test]
fn multi_paragraph_cell_and_nested_table() {
    let body = format!(
        r#"<w:tbl><w:tr><w:tc>{}{}</w:tc><w:tc>{}</w:tc></w:tr>
        <w:tr><w:tc>{}<w:tbl><w:tr>{}{}</w:tr></w:tbl>{}</w:tc></w:tr></w:tbl>"#,
        p(&r("IP addresses")),
        p(&r("(one a line)")),
        p(&format!(
            "{}<w:r><w:br/></w:r>{}",
            r("150.203.0.0/24"),
            r("10.0.0.1")
        )),
        p(&r("Your details")),
        tc("Full name"),
        tc("Jane Citizen"),
        p(&r("After the inner table")),
    );
    let doc = read(&body);
    assert_eq!(
        doc.lines[0].cells,
        vec!["IP addresses\n(one a line)", "150.203.0.0/24\n10.0.0.1"]
    );
    assert_eq!(doc.lines[1].cells, vec!["Your details"]);
    assert_eq!(doc.lines[2].cells, vec!["Full name", "Jane Citizen"]);
    assert_eq!(doc.lines[3].cells, vec!["After the inner table"]);
}

#[test]
fn text_content_controls_and_placeholder() {
    let body = p(&format!(
        r#"{}<w:sdt><w:sdtPr><w:alias w:val="Full name"/><w:tag w:val="full_name"/><w:text/></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>"#,
        r("Full name: "),
        r("Jane Citizen")
    )) + &p(&format!(
        r#"{}<w:sdt><w:sdtPr><w:alias w:val="Organisation"/><w:showingPlcHdr/><w:text/></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Click or tap here to enter text.</w:t></w:r></w:sdtContent></w:sdt>"#,
        r("Organisation: ")
    ));
    // A control whose placeholder flag was lost but whose text is still in the placeholder style.
    let body = body
        + &p(&format!(
            r#"{}<w:sdt><w:sdtPr><w:tag w:val="email"/></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>Enter your email</w:t></w:r></w:sdtContent></w:sdt>"#,
            r("Contact email: ")
        ));
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec!["Full name: Jane Citizen", "Organisation:", "Contact email:"]
    );
    assert_eq!(field(&doc, "email").value, FieldValue::Text(String::new()));
    let name = field(&doc, "full_name");
    assert_eq!(name.tooltip, "Full name");
    assert_eq!(name.nearby_text, "Full name:");
    assert_eq!(name.value, FieldValue::Text("Jane Citizen".into()));
    let org = field(&doc, "Organisation");
    assert_eq!(org.value, FieldValue::Text(String::new()));
}

#[test]
fn cell_block_and_drop_down_content_controls() {
    let body = format!(
        r#"<w:tbl><w:tr>{}<w:sdt><w:sdtPr><w:tag w:val="name"/></w:sdtPr><w:sdtContent><w:tc>{}</w:tc></w:sdtContent></w:sdt></w:tr></w:tbl>
        <w:sdt><w:sdtPr><w:tag w:val="terms"/><w14:checkbox><w14:checked w14:val="1"/></w14:checkbox></w:sdtPr><w:sdtContent>{}</w:sdtContent></w:sdt>
        {}"#,
        tc("Full name"),
        p(&r("Jane Citizen")),
        p(&r("I accept the Terms of Use")),
        p(&format!(
            r#"{}<w:sdt><w:sdtPr><w:alias w:val="Service"/><w:dropDownList><w:listItem w:displayText="Choose an item." w:value=""/><w:listItem w:displayText="Partner" w:value="partner"/></w:dropDownList></w:sdtPr><w:sdtContent><w:r><w:t>Partner</w:t></w:r></w:sdtContent></w:sdt>"#,
            r("Service: ")
        )),
    );
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec![
            "Full name\tJane Citizen",
            "☒ I accept the Terms of Use",
            "Service: Partner"
        ]
    );
    let name = field(&doc, "name");
    assert_eq!(name.value, FieldValue::Text("Jane Citizen".into()));
    assert_eq!(name.nearby_text, "Full name");
    let terms = field(&doc, "terms");
    assert_eq!(terms.value, FieldValue::Check(true));
    assert_eq!(terms.nearby_text, "I accept the Terms of Use");
    assert_eq!(
        field(&doc, "Service").value,
        FieldValue::Text("Partner".into())
    );
}

fn check_sdt(tag: &str, checked: &str, glyph: &str) -> String {
    format!(
        r#"<w:sdt><w:sdtPr><w:tag w:val="{tag}"/><w14:checkbox><w14:checked w14:val="{checked}"/><w14:checkedState w14:val="2612" w14:font="MS Gothic"/><w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:rPr><w:rFonts w:ascii="MS Gothic" w:hAnsi="MS Gothic"/></w:rPr><w:t>{glyph}</w:t></w:r></w:sdtContent></w:sdt>"#
    )
}

#[test]
fn check_box_content_controls() {
    // The displayed glyph deliberately disagrees with w14:checked: the state wins.
    let body = p(&format!(
        "{}{}",
        check_sdt("terms", "1", "☐"),
        r(" I agree")
    )) + &p(&format!(
        "{}{}",
        check_sdt("public", "0", "☒"),
        r(" Public")
    )) + &p(&format!(
        "{}{}",
        check_sdt("partner", "true", "☒"),
        r(" Partner")
    ));
    let doc = read(&body);
    assert_eq!(lines(&doc), vec!["☒ I agree", "☐ Public", "☒ Partner"]);
    assert_eq!(field(&doc, "terms").value, FieldValue::Check(true));
    assert_eq!(field(&doc, "terms").nearby_text, "I agree");
    assert_eq!(field(&doc, "partner").nearby_text, "Partner");
    assert_eq!(field(&doc, "public").value, FieldValue::Check(false));
    assert_eq!(field(&doc, "partner").value, FieldValue::Check(true));
}

fn form_checkbox(name: &str, check_xml: &str) -> String {
    format!(
        r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="{name}"/><w:enabled/><w:calcOnExit w:val="0"/><w:checkBox><w:sizeAuto/>{check_xml}</w:checkBox></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#
    )
}

#[test]
fn check_boxes_are_described_by_the_words_beside_them() {
    // Two boxes on one line, a box after its label, and boxes alone in a cell of a row.
    let body = p(&format!(
        "{}{}{}{}",
        r("Service: "),
        check_sdt("a", "0", "☐"),
        r("Public "),
        check_sdt("b", "1", "☐")
    )) + &p(&format!("{}{}", r("Partner"), "")) // a plain paragraph between
        + &p(&format!("{}{}", r("I agree to the Terms"), check_sdt("c", "1", "☐")))
        + &format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc>{}</w:tr><w:tr>{}<w:tc>{}</w:tc></w:tr></w:tbl>",
            p(&check_sdt("d", "1", "☐")),
            tc("User Guide agreement"),
            tc("Public coding service"),
            p(&form_checkbox("Check9", "<w:checked/>")),
        );
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec![
            "Service: ☐ Public ☒",
            "Partner",
            "I agree to the Terms ☒",
            "☒\tUser Guide agreement",
            "Public coding service\t☒",
        ]
    );
    assert_eq!(field(&doc, "a").nearby_text, "Public");
    assert_eq!(field(&doc, "b").nearby_text, "Public");
    assert_eq!(field(&doc, "c").nearby_text, "I agree to the Terms");
    assert_eq!(field(&doc, "d").nearby_text, "User Guide agreement");
    assert_eq!(field(&doc, "Check9").nearby_text, "Public coding service");
    // No marker characters leak into the text or the fields.
    let all: String = lines(&doc).concat() + &format!("{:?}", doc.fields);
    assert!(all.chars().all(|c| (c as u32) < 0xF0000), "{all:?}");
}

#[test]
fn legacy_form_fields() {
    let text_field = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text1"/><w:enabled/><w:statusText w:type="text" w:val="Your full name"/><w:textInput><w:default w:val="Type here"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText xml:space="preserve"> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>Jane Citizen</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let default_only = r#"<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Text2"/><w:helpText w:type="text" w:val="Organisation"/><w:textInput><w:default w:val="ANU"/></w:textInput></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#;
    let body = p(&format!("{}{text_field}", r("Full name ")))
        + &p(&format!("{}{default_only}", r("Organisation ")))
        + &p(&format!(
            "{}{}",
            form_checkbox("Check1", "<w:checked/>"),
            r(" Terms")
        ))
        + &p(&format!(
            "{}{}",
            form_checkbox("Check2", r#"<w:default w:val="1"/><w:checked w:val="0"/>"#),
            r(" Public")
        ))
        + &p(&format!(
            "{}{}",
            form_checkbox("Check3", r#"<w:default w:val="1"/>"#),
            r(" Partner")
        ))
        + &p(&format!(
            "{}{}",
            form_checkbox("Check4", r#"<w:default w:val="0"/>"#),
            r(" Guide")
        ));
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec![
            "Full name Jane Citizen",
            "Organisation ANU",
            "☒ Terms",
            "☐ Public",
            "☒ Partner",
            "☐ Guide"
        ]
    );
    let text1 = field(&doc, "Text1");
    assert_eq!(text1.value, FieldValue::Text("Jane Citizen".into()));
    assert_eq!(text1.tooltip, "Your full name");
    assert_eq!(text1.nearby_text, "Full name");
    let text2 = field(&doc, "Text2");
    assert_eq!(text2.value, FieldValue::Text("ANU".into()));
    assert_eq!(text2.tooltip, "Organisation");
    assert_eq!(field(&doc, "Check1").value, FieldValue::Check(true));
    assert_eq!(field(&doc, "Check2").value, FieldValue::Check(false));
    assert_eq!(field(&doc, "Check3").value, FieldValue::Check(true));
    assert_eq!(field(&doc, "Check4").value, FieldValue::Check(false));
    assert!(!lines(&doc).concat().contains("FORMCHECKBOX"));
}

#[test]
fn legacy_drop_down_field() {
    let body = p(&format!(
        r#"{}<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:name w:val="Service"/><w:ddList><w:result w:val="1"/><w:listEntry w:val="Public"/><w:listEntry w:val="Partner"/></w:ddList></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMDROPDOWN </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>"#,
        r("Service: ")
    ));
    let doc = read(&body);
    assert_eq!(lines(&doc), vec!["Service: Partner"]);
    let service = field(&doc, "Service");
    assert_eq!(service.value, FieldValue::Text("Partner".into()));
    assert_eq!(service.nearby_text, "Service:");
}

#[test]
fn field_codes_hidden_results_and_simple_fields_kept() {
    let body = p(
        r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK "https://abs.gov.au" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>ABS website</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:fldSimple w:instr=" DATE "><w:r><w:t> 24/11/2026</w:t></w:r></w:fldSimple><w:hyperlink r:id="rId9"><w:r><w:t> link</w:t></w:r></w:hyperlink>"#,
    );
    assert_eq!(lines(&read(&body)), vec!["ABS website 24/11/2026 link"]);
}

#[test]
fn complex_script_symbol_font_does_not_swallow_latin_text() {
    let body = p(
        r#"<w:r><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:cs="Wingdings"/></w:rPr><w:t>Jane Citizen</w:t></w:r>"#,
    );
    assert_eq!(lines(&read(&body)), vec!["Jane Citizen"]);
}

#[test]
fn wingdings_symbol_ticks() {
    let body = p(&format!(
        r#"<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>{}<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>{}<w:r><w:sym w:font="Wingdings 2" w:char="F054"/></w:r>{}<w:r><w:sym w:font="Wingdings" w:char="F0D8"/></w:r>{}"#,
        r(" Public "),
        r(" Partner "),
        r(" Terms "),
        r("bullet")
    )) + &p(&format!(
        r#"<w:r><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/></w:rPr><w:t>o</w:t></w:r>{}<w:r><w:t>&#xF0FD;</w:t></w:r>{}"#,
        r(" No "),
        r(" Yes ☑ ✓")
    ));
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec!["☒ Public ☐ Partner ☒ Terms bullet", "☐ No ☒ Yes ☑ ✓"]
    );
}

#[test]
fn text_box_read_once_after_its_anchor() {
    let txbx = format!("<w:txbxContent>{}</w:txbxContent>", p(&r("Inside the box")));
    let body = p(&format!(
        r#"{}<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx>{txbx}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{txbx}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>{}"#,
        r("Anchor paragraph"),
        r(" continues")
    )) + &p(&r("Next paragraph"))
        + &p(&format!(
            "<w:r><w:pict><v:shape><v:textbox><w:txbxContent>{}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
            p(&r("VML only box"))
        ));
    let doc = read(&body);
    assert_eq!(
        lines(&doc),
        vec![
            "Anchor paragraph continues",
            "Inside the box",
            "Next paragraph",
            "VML only box"
        ]
    );
}

#[test]
fn header_comes_first() {
    let header = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:hdr {W_NS}>{}</w:hdr>"#,
        p(&r("Occupation Coding Service Registration Form"))
    );
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://abs.gov.au" TargetMode="External"/></Relationships>"#;
    let bytes = docx_with(
        &p(&r("Your Details")),
        &[
            ("word/header1.xml", &header),
            ("word/_rels/document.xml.rels", rels),
        ],
    );
    let doc = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "Occupation Coding Service Registration Form",
            "Your Details"
        ]
    );
}

#[test]
fn tick_box_list_bullets() {
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering {W_NS}>
        <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0A8;"/><w:rPr><w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings" w:hint="default"/></w:rPr></w:lvl></w:abstractNum>
        <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="☒"/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="&#xF0B7;"/><w:rPr><w:rFonts w:ascii="Symbol" w:hAnsi="Symbol"/></w:rPr></w:lvl></w:abstractNum>
        <w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
        <w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>
        <w:num w:numId="4"><w:abstractNumId w:val="2"/><w:lvlOverride w:ilvl="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="☐"/></w:lvl></w:lvlOverride></w:num>
        </w:numbering>"#
    );
    let item = |num: u32, level: u32, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:pStyle w:val="ListParagraph"/><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>{}</w:p>"#,
            r(text)
        )
    };
    let body = item(1, 0, "Public coding service")
        + &item(2, 0, "Partner coding service")
        + &item(2, 1, "a plain bullet")
        + &item(3, 0, "a numbered item")
        + &item(4, 0, "User Guide");
    let bytes = docx_with(&body, &[("word/numbering.xml", &numbering)]);
    let doc = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "☐ Public coding service",
            "☒ Partner coding service",
            "a plain bullet",
            "a numbered item",
            "☐ User Guide"
        ]
    );
}

#[test]
fn activex_controls_saved_as_property_bags() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/control" Target="activeX/activeX1.xml"/><Relationship Id="rId6" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/control" Target="activeX/activeX2.xml"/></Relationships>"#;
    let ocx = |value: &str, caption: &str| {
        format!(
            r#"<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{{8BD21D40-EC42-11CE-9E0D-00AA006002F3}}" ax:persistence="persistPropertyBag"><ax:ocxPr ax:name="Value" ax:value="{value}"/><ax:ocxPr ax:name="Caption" ax:value="{caption}"/></ax:ocx>"#
        )
    };
    let (public, partner) = (
        ocx("0", "Public coding service"),
        ocx("1", "Partner coding service"),
    );
    let control = |id: &str, name: &str, wrapper: &str| {
        format!(
            r#"<w:p><w:r><w:{wrapper}><v:shape id="s{id}"><v:imagedata r:id="rId99"/></v:shape><w:control r:id="{id}" w:name="{name}" w:shapeid="s{id}"/></w:{wrapper}></w:r></w:p>"#
        )
    };
    let body = control("rId5", "PublicBox", "pict") + &control("rId6", "PartnerBox", "object");
    let bytes = docx_with(
        &body,
        &[
            ("word/_rels/document.xml.rels", rels),
            ("word/activeX/activeX1.xml", &public),
            ("word/activeX/activeX2.xml", &partner),
        ],
    );
    let doc = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        lines(&doc),
        vec!["☐ Public coding service", "☒ Partner coding service"]
    );
    assert_eq!(field(&doc, "PublicBox").value, FieldValue::Check(false));
    assert_eq!(field(&doc, "PartnerBox").value, FieldValue::Check(true));
    assert_eq!(
        field(&doc, "PartnerBox").nearby_text,
        "Partner coding service"
    );
}

#[test]
fn deleted_text_skipped_inserted_kept() {
    let body = p(&format!(
        r#"{}<w:del w:id="1" w:author="x"><w:r><w:delText>Old Name</w:delText></w:r></w:del><w:ins w:id="2" w:author="x">{}</w:ins><w:moveFrom><w:r><w:t>moved away</w:t></w:r></w:moveFrom><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden note</w:t></w:r>"#,
        r("Name: "),
        r("New Name")
    ));
    assert_eq!(lines(&read(&body)), vec!["Name: New Name"]);
}

#[test]
fn unprefixed_default_namespace_is_understood() {
    // Some generators write WordprocessingML with a default namespace instead of `w:`.
    let document = r#"<?xml version="1.0"?><document xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><body><p><r><t>Plain</t><tab/><t>namespace</t></r></p></body></document>"#;
    let bytes = zip_of(&[("word/document.xml", document.as_bytes())], stored());
    let doc = read_docx(&bytes, &Limits::default()).unwrap();
    assert_eq!(lines(&doc), vec!["Plain\tnamespace"]);
}

const ODT_CONTENT_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:form="urn:oasis:names:tc:opendocument:xmlns:form:1.0" xmlns:xml="http://www.w3.org/XML/1998/namespace" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.3">"#;

fn odt(body_text: &str) -> Vec<u8> {
    let content = format!(
        "{ODT_CONTENT_HEAD}<office:body><office:text>{body_text}</office:text></office:body></office:document-content>"
    );
    zip_of(
        &[
            ("mimetype", b"application/vnd.oasis.opendocument.text"),
            ("content.xml", content.as_bytes()),
        ],
        SimpleFileOptions::default(),
    )
}

#[test]
fn odt_table_checkbox_and_spaces() {
    let body = r#"<office:forms><form:form form:name="Standard"><form:checkbox form:name="terms" form:label="I agree" xml:id="control1" form:id="control1" form:current-state="checked"><form:properties/></form:checkbox><form:checkbox form:name="partner" form:id="control2" form:state="unchecked"/><form:text form:name="org" form:id="control3" form:current-value="ANU"/></form:form></office:forms>
    <text:h text:outline-level="1">Your   Details</text:h>
    <table:table table:name="T1"><table:table-column table:number-columns-repeated="2"/>
      <table:table-row><table:table-cell><text:p>Full name</text:p></table:table-cell><table:table-cell><text:p>Jane<text:s text:c="3"/>Citizen</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16384"/></table:table-row>
      <table:table-row><table:table-cell table:number-columns-spanned="2"><text:p>Merged</text:p></table:table-cell><table:covered-table-cell><text:p>covered</text:p></table:covered-table-cell></table:table-row>
      <table:table-row table:number-rows-repeated="1048000"><table:table-cell/></table:table-row>
    </table:table>
    <text:p><draw:control draw:control="control1"/> Terms<text:tab/>x<text:line-break/>next line</text:p>
    <text:p>Partner <draw:control draw:control="control2"/></text:p>
    <text:p>Organisation <draw:control draw:control="control3"/></text:p>
    <text:list><text:list-item><text:p>Item <text:span>one</text:span></text:p></text:list-item></text:list>
    <text:p>Name: <text:text-input text:description="Full name">Jane</text:text-input></text:p>"#;
    let doc = read_odt(&odt(body), &Limits::default()).unwrap();
    assert_eq!(doc.source, Source::Docx);
    assert_eq!(
        lines(&doc),
        vec![
            "Your Details",
            "Full name\tJane   Citizen\t",
            "Merged",
            "☒ I agree Terms\tx",
            "next line",
            "Partner ☐",
            "Organisation ANU",
            "Item one",
            "Name: Jane"
        ]
    );
    assert_eq!(field(&doc, "terms").value, FieldValue::Check(true));
    assert_eq!(field(&doc, "partner").value, FieldValue::Check(false));
    assert_eq!(field(&doc, "partner").nearby_text, "Partner");
    assert_eq!(field(&doc, "org").value, FieldValue::Text("ANU".into()));
    assert_eq!(
        field(&doc, "Full name").value,
        FieldValue::Text("Jane".into())
    );
}

#[test]
fn odt_symbol_font_spans() {
    let content = format!(
        r#"{ODT_CONTENT_HEAD}<office:font-face-decls><style:font-face xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="Wingdings 2" svg:font-family="'Wingdings 2'"/></office:font-face-decls><office:automatic-styles xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"><style:style style:name="T1" style:family="text"><style:text-properties style:font-name="Wingdings 2"/></style:style><style:style style:name="T2" style:family="text" style:parent-style-name="T1"/><style:style style:name="T3" style:family="text"><style:text-properties style:font-name="Liberation Serif"/></style:style></office:automatic-styles><office:body><office:text><text:p><text:span text:style-name="T1">R</text:span> Terms <text:span text:style-name="T2">&#xF0A3;</text:span> Guide <text:span text:style-name="T1"><text:span text:style-name="T3">plain R</text:span></text:span></text:p></office:text></office:body></office:document-content>"#
    );
    let bytes = zip_of(
        &[("content.xml", content.as_bytes())],
        SimpleFileOptions::default(),
    );
    let doc = read_odt(&bytes, &Limits::default()).unwrap();
    assert_eq!(lines(&doc), vec!["☒ Terms ☐ Guide plain R"]);
}

#[test]
fn odt_page_header_first_and_footer_skipped() {
    let styles = r#"<?xml version="1.0"?><office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:master-styles><style:master-page style:name="Standard"><style:header><text:p>Registration Form</text:p></style:header><style:header-first><text:p>Registration Form</text:p></style:header-first><style:footer><text:p>Page 1</text:p></style:footer></style:master-page></office:master-styles></office:document-styles>"#;
    let content = format!(
        "{ODT_CONTENT_HEAD}<office:body><office:text><text:p>Your Details</text:p></office:text></office:body></office:document-content>"
    );
    let bytes = zip_of(
        &[
            ("content.xml", content.as_bytes()),
            ("styles.xml", styles.as_bytes()),
        ],
        SimpleFileOptions::default(),
    );
    let doc = read_odt(&bytes, &Limits::default()).unwrap();
    assert_eq!(lines(&doc), vec!["Registration Form", "Your Details"]);
}

#[test]
fn flat_odt_file() {
    // fields.fodt is the LibreOffice source of fields.docx: read directly, not zipped.
    let doc = read_odt(&fixture("fields.fodt"), &Limits::default()).unwrap();
    let text = lines(&doc);
    for line in [
        "Full name: Jane Citizen",
        "☒ I agree to the Terms of Use",
        "☐ Public coding service",
        "☒ Partner coding service",
        "☐ I agree to read the User Guide",
        "Organisation: ANU",
        "Boxed: 150.203.0.0/24",
        "Contact email\tjane@anu.edu.au",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:?}");
    }
    assert_eq!(
        text[0], "ABS Occupation Coding Service",
        "the page header comes first"
    );
    assert_eq!(
        field(&doc, "full_name").value,
        FieldValue::Text("Jane Citizen".into())
    );
    assert_eq!(
        check_field_beside(&doc, "Partner coding service").value,
        FieldValue::Check(true)
    );
    assert_eq!(field(&doc, "Check2").value, FieldValue::Check(false));
    assert_eq!(
        field(&doc, "Organisation").value,
        FieldValue::Text("ANU".into())
    );
}

#[test]
fn odt_radio_buttons_and_list_box() {
    let body = r#"<office:forms><form:form><form:radio form:name="service" form:label="Public" form:id="c1"/><form:radio form:name="service" form:label="Partner" form:id="c2" form:current-selected="true"/><form:listbox form:name="size" form:id="c3"><form:option form:label="Small"/><form:option form:label="Large" form:current-selected="true"/></form:listbox></form:form></office:forms>
    <text:p><draw:control draw:control="c1"/></text:p><text:p><draw:control draw:control="c2"/></text:p><text:p>Size: <draw:control draw:control="c3"/></text:p>"#;
    let doc = read_odt(&odt(body), &Limits::default()).unwrap();
    assert_eq!(lines(&doc), vec!["☐ Public", "☒ Partner", "Size: Large"]);
    let radios: Vec<_> = doc.fields.iter().filter(|f| f.name == "service").collect();
    assert_eq!(radios.len(), 2);
    assert_eq!(radios[0].value, FieldValue::Check(false));
    assert_eq!(radios[0].nearby_text, "Public");
    assert_eq!(radios[1].value, FieldValue::Check(true));
    assert_eq!(radios[1].nearby_text, "Partner");
    assert_eq!(field(&doc, "size").value, FieldValue::Text("Large".into()));
}

// ---- hostile input ----

fn unreadable(result: Result<Document, regintake::extract::Unreadable>) -> String {
    match result {
        Ok(doc) => panic!("expected Unreadable, read {} lines", doc.lines.len()),
        Err(e) => e.to_string(),
    }
}

/// Rewrites every local and central header's uncompressed size of a one-entry zip to `size`.
fn lie_about_size(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= zip.len() {
        let sig = &zip[i..i + 4];
        if sig == [0x50, 0x4b, 0x03, 0x04] {
            zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
        } else if sig == [0x50, 0x4b, 0x01, 0x02] {
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
        }
        i += 1;
    }
}

#[test]
fn entry_inflating_past_limit_with_tiny_declared_size() {
    // Poorly compressible text, so the ratio bound is not what trips.
    let mut text = String::from("<w:document><w:body><w:p><w:r><w:t>");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while text.len() < 3 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        text.push_str(&format!("{x:016x}"));
    }
    text.push_str("</w:t></w:r></w:p></w:body></w:document>");
    let mut bytes = zip_of(
        &[("word/document.xml", text.as_bytes())],
        SimpleFileOptions::default(),
    );
    lie_about_size(&mut bytes, 100);
    let limits = Limits {
        max_zip_entry_bytes: 1 << 20,
        ..Limits::default()
    };
    let reason = unreadable(read_docx(&bytes, &limits));
    assert!(
        reason.contains("entry limit") || reason.contains("declared uncompressed size"),
        "{reason}"
    );
    // Declared honestly, the entry is still refused by our own bound while inflating...
    let honest = zip_of(
        &[("word/document.xml", text.as_bytes())],
        SimpleFileOptions::default(),
    );
    let reason = unreadable(read_docx(&honest, &limits));
    assert!(reason.contains("entry limit"), "{reason}");
    // ...and reads when the limits allow it: the entry, and the 3 MiB of text it holds.
    let generous = Limits {
        max_zip_entry_bytes: 8 << 20,
        max_text_bytes: 8 << 20,
        ..Limits::default()
    };
    assert!(read_docx(&honest, &generous).is_ok());
    // More text than `max_text_bytes` is refused, whatever the zip limits allow.
    let entry_only = Limits {
        max_zip_entry_bytes: 8 << 20,
        ..Limits::default()
    };
    assert!(matches!(
        read_docx(&honest, &entry_only),
        Err(Unreadable::OverLimit {
            limit: Limit::TextBytes,
            ..
        })
    ));
    // The total bound applies across entries.
    let total = Limits {
        max_zip_total_bytes: 1 << 20,
        ..Limits::default()
    };
    assert!(unreadable(read_docx(&honest, &total)).contains("total limit"));
}

#[test]
fn zip_bomb_ratio_refused() {
    // 4 MiB of one letter deflates about a thousandfold.
    let body = p(&r(&"a".repeat(4 << 20)));
    let reason = unreadable(read_docx(&docx(&body), &Limits::default()));
    assert!(reason.contains("times its compressed size"), "{reason}");
}

#[test]
fn too_many_entries() {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..20_000 {
        writer.start_file(format!("f{i}"), options).unwrap();
    }
    writer.start_file("word/document.xml", options).unwrap();
    writer
        .write_all(
            format!(
                "<w:document {W_NS}><w:body>{}</w:body></w:document>",
                p(&r("x"))
            )
            .as_bytes(),
        )
        .unwrap();
    let bytes = writer.finish().unwrap().into_inner();
    let reason = unreadable(read_docx(&bytes, &Limits::default()));
    assert!(reason.contains("entries"), "{reason}");
}

#[test]
fn doctype_with_entities_refused() {
    let document = format!(
        r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document {W_NS}><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#
    );
    let bytes = zip_of(
        &[("word/document.xml", document.as_bytes())],
        SimpleFileOptions::default(),
    );
    let reason = unreadable(read_docx(&bytes, &Limits::default()));
    assert!(reason.contains("DOCTYPE"), "{reason}");
    let content = format!(
        r#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>{ODT_CONTENT_HEAD}<office:body><office:text><text:p>&e;</text:p></office:text></office:body></office:document-content>"#
    );
    let bytes = zip_of(
        &[("content.xml", content.as_bytes())],
        SimpleFileOptions::default(),
    );
    assert!(unreadable(read_odt(&bytes, &Limits::default())).contains("DOCTYPE"));
}

#[test]
fn corrupt_zip_bytes() {
    let mut bytes = docx(&p(&r("Full name Jane")));
    for (i, b) in bytes.iter_mut().enumerate().skip(40).step_by(7) {
        *b ^= (i as u8) | 1;
    }
    unreadable(read_docx(&bytes, &Limits::default()));
    unreadable(read_docx(
        b"PK\x03\x04 not really a zip",
        &Limits::default(),
    ));
    unreadable(read_docx(b"", &Limits::default()));
    unreadable(read_odt(&bytes, &Limits::default()));
    // A well-formed zip that is not a Word document.
    let other = zip_of(&[("hello.txt", b"hi")], stored());
    assert!(unreadable(read_docx(&other, &Limits::default())).contains("document.xml"));
    assert!(unreadable(read_odt(&other, &Limits::default())).contains("content.xml"));
}

#[test]
fn truncated_and_malformed_xml() {
    let bytes = zip_of(
        &[(
            "word/document.xml",
            format!("<w:document {W_NS}><w:body><w:p><w:r><w:t>x</w:t></w:p>").as_bytes(),
        )],
        SimpleFileOptions::default(),
    );
    unreadable(read_docx(&bytes, &Limits::default()));
}

#[test]
fn deep_nesting_refused() {
    let depth = 10_000;
    let body = "<w:sdt><w:sdtContent>".repeat(depth) + &"</w:sdtContent></w:sdt>".repeat(depth);
    let reason = unreadable(read_docx(&docx(&body), &Limits::default()));
    assert!(reason.contains("deeper"), "{reason}");
    let body = "<w:tbl><w:tr><w:tc>".repeat(30) + &"</w:tc></w:tr></w:tbl>".repeat(30);
    assert!(unreadable(read_docx(&docx(&body), &Limits::default())).contains("deeper"));
}

#[test]
fn every_prefix_of_a_document_is_handled_without_panic() {
    let body = format!(
        "{}{}{}",
        p(&format!("{}{}", check_sdt("t", "1", "☐"), r("x"))),
        form_checkbox("C", "<w:checked/>"),
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    );
    let bytes = docx(&body);
    for cut in (0..bytes.len()).step_by(13) {
        let _ = read_docx(&bytes[..cut], &Limits::default());
        let _ = read_odt(&bytes[..cut], &Limits::default());
    }
}

// ---- documents written by LibreOffice (tests/data/docx/make.sh) ----

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/docx/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn cells(doc: &Document) -> Vec<Vec<String>> {
    doc.lines.iter().map(|l| l.cells.clone()).collect()
}

/// What form.html says, as both the DOCX and the ODT conversion must read it.
fn assert_form_html_answers(doc: &Document) {
    let rows = cells(doc);
    for row in [
        ["Full name", "Jane Citizen"],
        ["Organisation", "Australian National University"],
        ["Contact email", "jane.citizen@anu.edu.au"],
    ] {
        assert!(
            rows.contains(&row.map(String::from).to_vec()),
            "{row:?} in {rows:?}"
        );
    }
    let text = lines(doc);
    for line in [
        "Occupation Coding Service Registration Form",
        "☒ I have read, understand, and agree to be legally bound by the Terms of Use.",
        "☐ Public coding service",
        "☒ Partner coding service",
        "IP addresses: 150.203.0.0/24",
    ] {
        assert!(text.iter().any(|l| l == line), "{line:?} in {text:?}");
    }
}

/// LibreOffice's DOCX and ODT conversions of form.html read the same, their inputs too (in the
/// DOCX, ActiveX controls, whose values live in binary compound files).
#[test]
fn libreoffice_docx_and_odt_from_html_form() {
    type Reader = fn(&[u8], &Limits) -> Result<Document, Unreadable>;
    for (name, read) in [("form.docx", read_docx as Reader), ("form.odt", read_odt)] {
        let doc =
            read(&fixture(name), &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_form_html_answers(&doc);
        let text = lines(&doc);
        for line in [
            "☒ I agree to read and follow the User Guide.",
            "Records per day: 5,000",
            "☐ Send me the newsletter.",
        ] {
            assert!(
                text.iter().any(|l| l == line),
                "{name}: {line:?} in {text:?}"
            );
        }
        let guide = field(&doc, "user_guide");
        assert_eq!(guide.value, FieldValue::Check(true), "{name}");
        assert_eq!(
            guide.nearby_text, "I agree to read and follow the User Guide.",
            "{name}"
        );
        assert_eq!(
            field(&doc, "records").value,
            FieldValue::Text("5,000".into()),
            "{name}"
        );
        assert_eq!(
            field(&doc, "newsletter").value,
            FieldValue::Check(false),
            "{name}"
        );
    }
}

fn check_field_beside<'a>(doc: &'a Document, label: &str) -> &'a Field {
    doc.fields
        .iter()
        .find(|f| f.nearby_text == label && matches!(f.value, FieldValue::Check(_)))
        .unwrap_or_else(|| panic!("no check field beside {label:?} in {:?}", doc.fields))
}

#[test]
fn libreoffice_docx_content_controls_and_legacy_fields() {
    let doc = read_docx(&fixture("fields.docx"), &Limits::default()).unwrap();
    assert_eq!(
        lines(&doc),
        vec![
            "ABS Occupation Coding Service",
            "Registration form (fields)",
            "Full name: Jane Citizen",
            "☒ I agree to the Terms of Use",
            "☐ Public coding service",
            "☒ Partner coding service",
            "☐ I agree to read the User Guide",
            "Organisation: ANU",
            "Anchor",
            "Boxed: 150.203.0.0/24",
            "Contact email\tjane@anu.edu.au",
        ]
    );
    // Content-control check boxes (w14:checkbox) and legacy FORMCHECKBOX fields.
    let terms = check_field_beside(&doc, "I agree to the Terms of Use");
    assert_eq!(terms.value, FieldValue::Check(true));
    let public = check_field_beside(&doc, "Public coding service");
    assert_eq!(public.value, FieldValue::Check(false));
    let partner = check_field_beside(&doc, "Partner coding service");
    assert_eq!(partner.value, FieldValue::Check(true));
    let guide = check_field_beside(&doc, "I agree to read the User Guide");
    assert_eq!(guide.value, FieldValue::Check(false));
    // The text content control (LibreOffice drops its alias) and the FILLIN input field.
    assert!(doc.fields.iter().any(
        |f| f.nearby_text == "Full name:" && f.value == FieldValue::Text("Jane Citizen".into())
    ));
    assert_eq!(
        field(&doc, "Organisation").value,
        FieldValue::Text("ANU".into())
    );
}

/// Mutates the XML of real documents (structure elements inserted at random places, spans cut
/// out) and reads each result: whatever the reader says, it must not panic.
#[test]
fn mutated_documents_never_panic() {
    let inserts = [
        "<w:tc>",
        "</w:tc>",
        "<w:tr>",
        "<w:tbl>",
        "</w:p>",
        "<w:p>",
        r#"<w:fldChar w:fldCharType="begin"/>"#,
        r#"<w:fldChar w:fldCharType="separate"/>"#,
        r#"<w:fldChar w:fldCharType="end"/>"#,
        "<w:sdt><w:sdtContent>",
        "</w:sdtContent></w:sdt>",
        "<w:txbxContent>",
        "<mc:AlternateContent><mc:Choice>",
        "<w:vMerge/>",
        "<table:table-row>",
        "<table:table-cell table:number-columns-repeated=\"99999999999\">",
        "<text:s text:c=\"4294967295\"/>",
        "<draw:control draw:control=\"control1\"/>",
        "<draw:text-box>",
        "<text:p>",
        "</text:p>",
        "&#xF0FE;",
        "&#1114109;",
    ];
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound.max(1) as u64) as usize
    };
    for (name, part) in [
        ("form.docx", "word/document.xml"),
        ("fields.docx", "word/document.xml"),
        ("form.odt", "content.xml"),
    ] {
        let original = fixture(name);
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name(part).unwrap(), &mut xml).unwrap();
        for _ in 0..150 {
            let mut mutated = xml.clone();
            for _ in 0..1 + next(4) {
                let at = next(mutated.len());
                if !mutated.is_char_boundary(at) {
                    continue;
                }
                if next(3) == 0 {
                    let end = (at + next(200)).min(mutated.len());
                    if mutated.is_char_boundary(end) {
                        mutated.replace_range(at..end, "");
                    }
                } else {
                    mutated.insert_str(at, inserts[next(inserts.len())]);
                }
            }
            let bytes = zip_of(&[(part, mutated.as_bytes())], SimpleFileOptions::default());
            let _ = read_docx(&bytes, &Limits::default());
            let _ = read_odt(&bytes, &Limits::default());
        }
    }
}

#[test]
fn many_fields_stay_bounded() {
    // 100,000 unclosed field begins, then separates and text: nothing quadratic, bounded state.
    let begins = r#"<w:r><w:fldChar w:fldCharType="begin"/></w:r>"#.repeat(100_000);
    let separates = r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r>"#.repeat(100_000);
    let body = p(&format!("{begins}{separates}{}", r("after")));
    let _ = read(&body);
    // 20,000 check boxes in one paragraph: fields are capped, the text keeps every box.
    let boxes = check_sdt("x", "1", "☐").repeat(20_000);
    let doc = read(&p(&format!("{}{boxes}", r("Label "))));
    assert_eq!(doc.fields.len(), 5_000);
    assert_eq!(lines(&doc).concat().matches('☒').count(), 20_000);
    assert!(
        doc.fields
            .iter()
            .all(|f| f.nearby_text.chars().count() <= 200)
    );
}

/// The ActiveX compound files of a real document, truncated and overwritten at random: the
/// reader may lose a control's value but must not panic, and the document stays readable.
#[test]
fn mutated_activex_parts_never_panic() {
    let original = fixture("form.docx");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&original)).unwrap();
    let mut entries: Vec<(String, Vec<u8>)> = Vec::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut data).unwrap();
        entries.push((file.name().unwrap().to_string(), data));
    }
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = |bound: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % bound.max(1) as u64) as usize
    };
    for round in 0..300 {
        let mutated: Vec<(String, Vec<u8>)> = entries
            .iter()
            .map(|(name, data)| {
                let mut data = data.clone();
                if name.ends_with(".bin") {
                    if round % 3 == 0 {
                        data.truncate(next(data.len()));
                    } else {
                        for _ in 0..1 + next(8) {
                            let at = next(data.len());
                            if let Some(b) = data.get_mut(at) {
                                *b = next(256) as u8;
                            }
                        }
                    }
                }
                (name.clone(), data)
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = mutated
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let doc = read_docx(
            &zip_of(&refs, SimpleFileOptions::default()),
            &Limits::default(),
        )
        .unwrap();
        assert_form_html_answers(&doc);
    }
}
