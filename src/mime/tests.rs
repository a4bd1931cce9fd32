use super::html::{decode_entities, find_tag_ignoring_case, html_to_text_within};
use super::nesting::{count_markers, count_markers_in_qp};
use super::walker::{percent_decode, rfc2231_continued, text_cost, text_within};
use super::*;
use crate::limits::TEXT_BREAK_COST;

#[test]
fn text_is_cut_by_what_holding_it_costs() {
    let c = TEXT_BREAK_COST;
    assert_eq!(text_cost("ab\ncd\te"), 7 + 2 * c);
    assert_eq!(text_within("abcdef", 100), ("abcdef", 6));
    assert_eq!(text_within("abcdef", 4).0, "abcd");
    // A line break costs its byte and a line's upkeep.
    assert_eq!(text_within("ab\ncd", 3 + c), ("ab\n", 3 + c));
    assert_eq!(text_within("ab\ncd", 2 + c).0, "ab");
    assert_eq!(text_within("ab\ncd", 5 + c).0, "ab\ncd");
    // Never inside a character.
    assert_eq!(text_within("aé", 2).0, "a");
    for budget in 0..80 {
        let text = "Full name:\tJane\nÉcole\t\t\nx";
        let (head, cost) = text_within(text, budget);
        assert_eq!(text_cost(head), cost, "{budget}: {head:?}");
        assert!(cost <= budget, "{budget}: {head:?}");
        assert!(text.starts_with(head));
    }
}

#[test]
fn a_body_is_read_up_to_the_text_limit() {
    let limits = Limits {
        max_text_bytes: 4096,
        ..Limits::default()
    };
    let line = "Full name: Jane Citizen ".repeat(1000);
    let plain = format!("From: a@b.example\r\nSubject: long\r\n\r\n{line}\r\n");
    let html = format!(
        "From: a@b.example\r\nSubject: long\r\nContent-Type: text/html\r\n\r\n<p>{line}</p>\r\n"
    );
    for raw in [plain, html] {
        let m = parse(raw.as_bytes(), &limits);
        assert!(m.body_text.starts_with("Full name: Jane Citizen"));
        assert!(text_cost(&m.body_text) <= 4096, "{}", m.body_text.len());
        assert!(m.body_text.len() > 3000, "{}", m.body_text.len());
        assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
    }
    let short = parse(b"From: a@b.example\r\n\r\nFull name: Jane\r\n", &limits);
    assert_eq!(short.body_text, "Full name: Jane");
    assert!(short.problems.is_empty(), "{:?}", short.problems);
    // Many short lines cost more than their bytes.
    let lines = "x\n".repeat(4096);
    let raw = format!("From: a@b.example\r\n\r\n{lines}");
    let m = parse(raw.as_bytes(), &limits);
    assert!(m.body_text.lines().count() < 4096 / TEXT_BREAK_COST);
    assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
}

#[test]
fn an_html_alternative_and_empty_cells_are_read_within_the_text_limit() {
    let limits = Limits {
        max_text_bytes: 4096,
        ..Limits::default()
    };
    // A rich HTML alternative is read within the budget too, and when it is kept the cut
    // is its own.
    let rows = "<tr><td>Full name</td><td>Jane Citizen</td></tr>".repeat(2000);
    let raw = format!(
        "From: a@b.example\r\nSubject: alt\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain\r\n\r\nFull name Jane Citizen\r\n\
         --b\r\nContent-Type: text/html\r\n\r\n<table>{rows}</table>\r\n--b--\r\n"
    );
    let m = parse(raw.as_bytes(), &limits);
    assert!(
        m.body_text.starts_with("Full name\tJane Citizen\n"),
        "{}",
        m.body_text
    );
    assert!(text_cost(&m.body_text) <= 4096, "{}", m.body_text.len());
    assert_eq!(m.problems, vec![Problem::BodyTextCut { limit: 4096 }]);
    // Cells without text cost their upkeep: a page of empty cells stops as well.
    let (text, stopped) = html_to_text_within(&"<td>".repeat(100_000), 4096);
    assert!(stopped);
    assert!(text.len() <= 4096 / TEXT_BREAK_COST + 1, "{}", text.len());
    let (text, stopped) = html_to_text_within("<table><tr><td>a</td><td>b</td></tr></table>", 4096);
    assert_eq!((text.as_str(), stopped), ("a\tb\n", false));
}

#[test]
fn tag_names_match_in_any_case() {
    let html = "<HTML><HEAD><STYLE>p{}</StYlE></HEAD><BODY><TABLE><TR><TD>a</TD><TD>b</TD></TR></TABLE><SCRIPT>x</SCRIPT>c</BODY>";
    assert_eq!(html_to_text(html), "a\tb\nc\n");
    assert_eq!(find_tag_ignoring_case("x<A<Body", "<body", 0), Some(3));
    assert_eq!(find_tag_ignoring_case("<body", "<body", 1), None);
}

#[test]
fn html_table_cells_become_tabs() {
    let html = "<html><head><style>p{color:red}</style><title>T</title></head><body>\
        <p>Intro&nbsp;text</p><table><tr><td><p class=MsoNormal>Full name<o:p></o:p></p></td>\
        <td><p>Jane &amp; Co</p></td></tr><tr><th>Email</th><td>j@x.au</td></tr></table>\
        <div>after<br>break</div><script>alert(1)</script></body></html>";
    let text = html_to_text(html);
    assert_eq!(
        text,
        "Intro text\nFull name\tJane & Co\nEmail\tj@x.au\nafter\nbreak\n"
    );
}

#[test]
fn entities() {
    let cases = [
        ("a&amp;b", "a&b"),
        ("&#146;x&#x2019;", "’x’"),
        ("&eacute;t&eacute;", "été"),
        ("&bogus; &", "&bogus; &"),
        ("&lt&gt", "<>"),
        ("&#0;", "\u{FFFD}"),
        ("&#99999999999;", "&#99999999999;"),
    ];
    for (input, want) in cases {
        assert_eq!(decode_entities(input), want, "{input}");
    }
}

#[test]
fn markers_are_counted_across_encodings_and_chunks() {
    for pad in [8170, 8180, 8185, 8190, 8200, 16_370] {
        let mut bytes = vec![b'x'; pad];
        bytes.extend_from_slice(b"Message/RFC822 and m=65ssage/glo=\r\nbal=");
        assert_eq!(count_markers_in_qp(&bytes), 2, "pad {pad}");
    }
    assert_eq!(
        count_markers(b"multipart/digest message/rfc822 message/"),
        2
    );
    let b64 = "Q29udGVudC1UeXBlOiBtZXNzYWdlL3JmYzgyMg0KDQpDb250ZW50LVR5cGU6IG1lc3NhZ2UvcmZjODIy";
    let raw = format!("Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n{b64}\n");
    assert_eq!(nested_message_markers(raw.as_bytes()), 3);
}

#[test]
fn many_unclosed_heads_are_linear() {
    let html = "<head><body>x ".repeat(200_000) + "</head>";
    let started = std::time::Instant::now();
    let text = html_to_text(&html);
    assert!(text.starts_with("x\nx\n"), "{}", &text[..20]);
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    assert_eq!(
        html_to_text("<p>a</p><head><title>t</title></head><p>b</p>"),
        "a\nb\n"
    );
    assert_eq!(
        html_to_text("<head>never closed<p>kept</p>"),
        "never closed\nkept\n"
    );
}

#[test]
fn wingdings_spans_and_inputs_become_ticks() {
    let html = "<p><span style='font-family:Wingdings'>&#254;</span>&nbsp; Terms</p>\
        <p><span style=\"font-family:&quot;Wingdings 2&quot;\">&#163;</span> Public</p>\
        <p><font face=Wingdings>¨</font> Partner</p>\
        <p><input type=checkbox checked> Guide <input type='radio' name=s> No</p>\
        <p><span style='font-family:Wingdings'>J</span>smile</p>";
    assert_eq!(
        html_to_text(html),
        "☒  Terms\n☐ Public\n☐ Partner\n☒ Guide ☐ No\nsmile\n"
    );
}

#[test]
fn rfc2231_continuations_decode_in_the_declared_charset() {
    let v = "attachment;\r\n filename*0*=windows-1251''%C7%E0%FF%E2%EB%E5;\r\n filename*1*=%ED%E8%E5.pdf";
    assert_eq!(
        rfc2231_continued(v, "filename").as_deref(),
        Some("Заявление.pdf")
    );
    // UTF-8 split inside a character, the last segment not encoded, out of order.
    let v = "attachment; filename*1*=%A1rio; filename*0*=utf-8''Formul%C3; filename*2=\" (final).docx\"";
    assert_eq!(
        rfc2231_continued(v, "filename").as_deref(),
        Some("Formulário (final).docx")
    );
    assert_eq!(
        rfc2231_continued("attachment; filename=\"a.pdf\"", "filename"),
        None
    );
    assert_eq!(percent_decode("%zz%4"), b"%zz%4".to_vec());
}

#[test]
fn images_shown_in_the_body_or_tiny_are_not_candidate_forms() {
    fn base64(bytes: &[u8]) -> String {
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for (i, chunk) in bytes.chunks(3).enumerate() {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (k, &b)| n | (u32::from(b) << (16 - 8 * k)));
            for k in 0..4 {
                out.push(if k <= chunk.len() {
                    A[(n >> (18 - 6 * k)) as usize & 63] as char
                } else {
                    '='
                });
            }
            if i % 19 == 18 {
                out.push_str("\r\n");
            }
        }
        out
    }
    let png = |w: u32, h: u32, len: usize| {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&h.to_be_bytes());
        b.resize(len, 7);
        base64(&b)
    };
    let raw = format!(
        "From: a@b.au\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=B\r\n\r\n\
         --B\r\nContent-Type: text/html\r\n\r\n<p>hi <img src=\"cid:logo@x\"></p>\r\n\
         --B\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --B\r\nContent-Type: image/png; name=scan.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n\
         --B\r\nContent-Type: image/png; name=icon.png\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--B--\r\n",
        png(1700, 2200, 40_000),
        png(1700, 2200, 40_000),
        png(64, 64, 30_000)
    );
    let m = parse(raw.as_bytes(), &Limits::default());
    let kinds: Vec<FileKind> = m.attachments.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FileKind::InlineImage,
            FileKind::Image,
            FileKind::InlineImage
        ]
    );
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic";
    assert_eq!(sniff(heic, "", ""), FileKind::Image);
}

#[test]
fn layout_table_keeps_lines() {
    let html = "<table><tr><td><p>One</p><p>Two</p></td></tr></table>";
    assert_eq!(html_to_text(html), "One\nTwo\n");
}
