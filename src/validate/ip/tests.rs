//! Tests of reading allowlist answers and classifying their entries.

use super::*;

fn addr(s: &str) -> IpAddr {
    IpAddr::from_str(s).unwrap()
}

fn public(s: &str) -> bool {
    !touches_non_public(Entry::Address(canonical(addr(s))).span())
}

/// Every row of the special-purpose tables, written out independently of them: a block,
/// an address inside it, and the first address after it with whether that one is public.
#[test]
fn special_purpose_rows() {
    // (block, inside, non-public inside?, first address after, public after?)
    type Row = (
        &'static str,
        &'static str,
        bool,
        Option<(&'static str, bool)>,
    );
    let rows: &[Row] = &[
        ("0.0.0.0/8", "0.1.2.3", true, Some(("1.0.0.0", true))),
        ("10.0.0.0/8", "10.20.30.40", true, Some(("11.0.0.0", true))),
        (
            "100.64.0.0/10",
            "100.100.1.1",
            true,
            Some(("100.128.0.0", true)),
        ),
        ("127.0.0.0/8", "127.0.0.1", true, Some(("128.0.0.0", true))),
        (
            "169.254.0.0/16",
            "169.254.169.254",
            true,
            Some(("169.255.0.0", true)),
        ),
        (
            "172.16.0.0/12",
            "172.31.255.255",
            true,
            Some(("172.32.0.0", true)),
        ),
        ("192.0.0.0/24", "192.0.0.9", true, Some(("192.0.1.0", true))),
        ("192.0.0.0/24", "192.0.0.170", true, None),
        ("192.0.2.0/24", "192.0.2.1", true, Some(("192.0.3.0", true))),
        ("192.31.196.0/24", "192.31.196.1", false, None),
        ("192.52.193.0/24", "192.52.193.1", false, None),
        (
            "192.88.99.0/24",
            "192.88.99.1",
            true,
            Some(("192.88.100.0", true)),
        ),
        (
            "192.168.0.0/16",
            "192.168.1.1",
            true,
            Some(("192.169.0.0", true)),
        ),
        ("192.175.48.0/24", "192.175.48.1", false, None),
        (
            "198.18.0.0/15",
            "198.19.255.1",
            true,
            Some(("198.20.0.0", true)),
        ),
        (
            "198.51.100.0/24",
            "198.51.100.7",
            true,
            Some(("198.51.101.0", true)),
        ),
        (
            "203.0.113.0/24",
            "203.0.113.200",
            true,
            Some(("203.0.114.0", true)),
        ),
        (
            "224.0.0.0/4",
            "239.255.255.250",
            true,
            Some(("240.0.0.0", false)),
        ),
        ("240.0.0.0/4", "250.1.2.3", true, None),
        ("255.255.255.255/32", "255.255.255.255", true, None),
        ("::/128", "::", true, None),
        ("::1/128", "::1", true, None),
        ("::ffff:0:0/96", "::ffff:10.0.0.1", true, None),
        (
            "64:ff9b::/96",
            "64:ff9b::808:808",
            false,
            Some(("64:ff9b::1:0:0", false)),
        ),
        ("64:ff9b:1::/48", "64:ff9b:1::1", true, None),
        ("100::/64", "100::1", true, None),
        ("100:0:0:1::/64", "100:0:0:1::1", true, None),
        ("2001::/23", "2001::1", true, Some(("2001:200::", true))),
        ("2001::/32 Teredo", "2001:0:4136:e378::1", true, None),
        ("2001:1::1/128 anycast", "2001:1::1", true, None),
        ("2001:2::/48", "2001:2::1", true, None),
        ("2001:3::/32", "2001:3::1", false, Some(("2001:4::", false))),
        (
            "2001:4:112::/48",
            "2001:4:112::1",
            false,
            Some(("2001:4:113::", false)),
        ),
        ("2001:10::/28 ORCHID", "2001:10::1", true, None),
        ("2001:20::/28", "2001:20::1", false, None),
        (
            "2001:30::/28",
            "2001:30::1",
            false,
            Some(("2001:40::", false)),
        ),
        (
            "2001:db8::/32",
            "2001:db8:1::1",
            true,
            Some(("2001:db9::", true)),
        ),
        ("2620:4f:8000::/48", "2620:4f:8000::1", false, None),
        (
            "3fff::/20",
            "3fff:fff::1",
            true,
            Some(("3fff:1000::", true)),
        ),
        ("5f00::/16", "5f00::1", true, None),
        ("fc00::/7", "fd12:3456::1", true, None),
        ("fe80::/10", "fe80::1", true, None),
        ("ff00::/8", "ff02::1", true, None),
        ("4000::/2 reserved", "4000::1", true, None),
        ("::/3 reserved", "1234::1", true, Some(("2000::", true))),
        ("8000::/1 reserved", "8000::1", true, None),
    ];
    for &(block, inside, non_public, after) in rows {
        assert_eq!(!public(inside), non_public, "{block}: {inside}");
        if let Some((after, after_public)) = after {
            assert_eq!(public(after), after_public, "{block}: after {after}");
        }
    }
    // Ordinary global addresses.
    for a in [
        "150.203.4.7",
        "8.8.8.8",
        "1.1.1.1",
        "2400:cb00::1",
        "2001:200::1",
    ] {
        assert!(public(a), "{a}");
    }
}

#[test]
fn ranges_and_blocks_that_touch_special_space() {
    let rows = [
        // (answer, non-public?)
        ("9.255.255.250-10.0.0.1", true),
        ("9.255.255.0-9.255.255.255", false),
        ("11.0.0.0/8", false),
        ("8.0.0.0/6", true), // 8.0.0.0-11.255.255.255 holds 10/8
        ("192.0.0.0/23", true),
        ("192.31.196.0/24", false),
        ("192.31.196.0/23", false), // 192.31.196/24 and 192.31.197/24, both global
        ("192.31.0.0/16", false),
        ("192.175.48.0/22", false),
        ("203.0.112.0/23", true),
        ("223.255.255.0 - 224.0.0.3", true),
        ("0.0.0.0/0", true),
        ("2001:3::/32", false),
        ("2001:3::/31", true), // also holds 2001:2::/48
        ("2001:1f0::/28", true),
        ("2001:200::/23", false),
        ("2400::/12", false),
        ("2001:db7:ffff:ffff::1 - 2001:db8::1", true),
        ("64:ff9b::/96", false),
        ("64:ff9b::/95", true),
        ("::ffff:10.0.0.0/104", true),
        ("::ffff:150.203.0.0/112", false),
        ("::ffff:0:0/95", true),
    ];
    for (answer, expected) in rows {
        let list = parse_allowlist(answer);
        assert!(!list.invalid, "{answer}: {list:?}");
        assert_eq!(list.entries.len(), 1, "{answer}: {list:?}");
        assert_eq!(
            touches_non_public(list.entries[0].span()),
            expected,
            "{answer}: {list:?}"
        );
    }
}

#[test]
fn answers_parse_to_entries() {
    let rows = [
        ("150.203.4.7", "150.203.4.7"),
        ("150.203.0.0/24", "150.203.0.0/24"),
        ("150.203.0.77/24", "150.203.0.0/24"),
        ("150.203.0.0 /24", "150.203.0.0/24"),
        ("150.203.0.0/255.255.255.0", "150.203.0.0/24"),
        ("2001:DB8:0:0::/48", "2001:db8::/48"),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("150.203.4.10 - 150.203.4.20", "150.203.4.10-150.203.4.20"),
        ("150.203.4.10-150.203.4.20", "150.203.4.10-150.203.4.20"),
        ("150.203.4.10-20", "150.203.4.10-150.203.4.20"),
        ("150.203.4.10 – 20", "150.203.4.10-150.203.4.20"),
        ("150.203.4.10—150.203.4.20", "150.203.4.10-150.203.4.20"),
        ("150.203.4.10 to 150.203.4.20", "150.203.4.10-150.203.4.20"),
        (
            "from 150.203.4.10 through 150.203.4.20",
            "150.203.4.10-150.203.4.20",
        ),
        (
            "between 150.203.4.10 and 150.203.4.20",
            "150.203.4.10-150.203.4.20",
        ),
        ("150.203.4.10-150.203.4.10", "150.203.4.10"),
        ("2001:db8::10 - 2001:db8::ff", "2001:db8::10-2001:db8::ff"),
        ("2001:db8::10-1f", "2001:db8::10-2001:db8::1f"),
        ("150.203.4.7, 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7; 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7 and 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7 & 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7/150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7 / 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        ("150.203.4.7 150.203.4.8", "150.203.4.7; 150.203.4.8"),
        (
            "150.203.4.7\n150.203.4.8\r\n2001:db8::1",
            "150.203.4.7; 150.203.4.8; 2001:db8::1",
        ),
        ("IP: 150.203.4.7", "150.203.4.7"),
        ("IP:150.203.4.7", "150.203.4.7"),
        (
            "Primary: 150.203.4.7 (office)\nSecondary: 150.203.5.0/24 (data centre)",
            "150.203.4.7; 150.203.5.0/24",
        ),
        ("IPv6: 2001:db8::1", "2001:db8::1"),
        ("IPv6:2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("Our address is 150.203.4.7.", "150.203.4.7"),
        ("\"150.203.4.7\"", "150.203.4.7"),
        ("::ffff:150.203.4.7", "150.203.4.7"),
        ("::ffff:150.203.4.0/120", "150.203.4.0/24"),
        (
            "::ffff:150.203.4.1 - ::ffff:150.203.4.9",
            "150.203.4.1-150.203.4.9",
        ),
        ("150.203.4.*", "150.203.4.0/24"),
        ("150.203.x.x", "150.203.0.0/16"),
        ("150.203.004.007", "150.203.4.7"),
        ("http://150.203.4.7/", "150.203.4.7"),
        ("150.203.4.7\u{a0}/\u{a0}24", "150.203.4.0/24"),
        (
            "- 150.203.4.7\n- 150.203.4.8\n- 150.203.4.9",
            "150.203.4.7; 150.203.4.8; 150.203.4.9",
        ),
        (
            "• 150.203.4.7\r\n• 150.203.4.10-12",
            "150.203.4.7; 150.203.4.10-150.203.4.12",
        ),
    ];
    for (answer, expected) in rows {
        let list = parse_allowlist(answer);
        assert_eq!(list.value(), expected, "{answer:?}: {list:?}");
        assert!(!list.invalid && !list.blank, "{answer:?}: {list:?}");
    }
}

#[test]
fn invalid_answers_keep_what_parsed() {
    let rows = [
        ("150.203.4", ""),
        ("300.1.2.3", ""),
        ("150.203.4.7/33", ""),
        ("2001:db8::/129", ""),
        ("150.203.4.20-10", ""),
        ("150.203.4.20 - 150.203.4.10", ""),
        ("150.203.4.10-300", ""),
        ("150.203.4.10 - 2001:db8::1", ""),
        ("150.203.4.7:443", ""),
        ("fe80::1%eth0", ""),
        ("2001:db8::g", ""),
        ("2001:db8:::1", ""),
        ("1.2.3.4.5", ""),
        ("150.203.4.7, 150.203.4", "150.203.4.7"),
        ("150.203.4.7 and 999.1.1.1", "150.203.4.7"),
        ("our office gateway", ""),
        ("will provide later", ""),
        ("TBC", ""),
        ("gateway.abs.gov.au", ""),
    ];
    for (answer, kept) in rows {
        let list = parse_allowlist(answer);
        assert!(list.invalid, "{answer:?}: {list:?}");
        assert!(!list.blank, "{answer:?}");
        assert_eq!(list.value(), kept, "{answer:?}");
    }
}

#[test]
fn placeholders_are_blank() {
    for answer in [
        "",
        "   ",
        "N/A",
        "n/a - public service only",
        "none",
        "Nil",
        "not applicable",
        "Not required (public service)",
        "-",
        "___",
        "[___________________________________________________]",
        "Public service - no IP required",
        "Not relevant for the public service",
        "xxx.xxx.xxx.xxx",
    ] {
        let list = parse_allowlist(answer);
        assert!(list.blank, "{answer:?}: {list:?}");
        assert!(!list.invalid && list.entries.is_empty(), "{answer:?}");
    }
    // A placeholder word with an address after it is not blank.
    let list = parse_allowlist("none yet, but 150.203.4.7 for now");
    assert!(!list.blank);
    assert_eq!(list.value(), "150.203.4.7");
}

#[test]
fn too_broad() {
    let rows = [
        // (answer, v4 min, v6 min, too broad?)
        ("150.203.0.0/24", 24, 48, false),
        ("150.203.0.0/23", 24, 48, true),
        ("150.203.0.0/16", 16, 48, false),
        ("150.203.4.7", 32, 128, false),
        ("150.203.4.0-150.203.4.255", 24, 48, false),
        ("150.203.4.0-150.203.5.0", 24, 48, true),
        ("150.203.4.1-150.203.5.0", 24, 48, false), // 256 addresses, not aligned
        ("2001:db8::/48", 24, 48, false),
        ("2001:db8::/47", 24, 48, true),
        ("2001:db8:: - 2001:db8:1::", 24, 48, true),
        (
            "2001:db8:: - 2001:db8:0:ffff:ffff:ffff:ffff:ffff",
            24,
            48,
            false,
        ),
        ("::/0", 24, 0, false),
        ("0.0.0.0/0", 0, 48, false),
        (":: - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 24, 0, false),
        (":: - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 24, 1, true),
    ];
    for (answer, v4, v6, expected) in rows {
        let list = parse_allowlist(answer);
        assert_eq!(list.entries.len(), 1, "{answer}: {list:?}");
        assert_eq!(
            super::too_broad(&list.entries[0], v4, v6),
            expected,
            "{answer}"
        );
    }
}

#[test]
fn dynamic_words() {
    let rows = [
        ("150.203.4.7 (dynamic)", true),
        ("Dynamic IP from our ISP", true),
        ("DHCP assigned", true),
        ("home connection, 150.203.4.7", true),
        ("my home broadband", true),
        ("Residential NBN", true),
        ("it changes every few days", true),
        ("this may change", true),
        ("it is subject to change", true),
        ("not static", true),
        ("non-static address", true),
        ("isn't static", true),
        ("150.203.4.7 (static)", false),
        ("static, not dynamic", false),
        ("non-dynamic", false),
        ("not a dynamic address", false),
        ("it never changes", false),
        ("we don't expect it to change", false),
        ("fixed IP, no changes expected", false),
        ("150.203.4.7", false),
        ("not a home connection", false),
    ];
    for (answer, expected) in rows {
        assert_eq!(says_dynamic(answer), expected, "{answer:?}");
        assert_eq!(parse_allowlist(answer).says_dynamic, expected, "{answer:?}");
    }
}

#[test]
fn ptr_names() {
    let a = addr("150.203.4.7");
    let rows = [
        ("dyn-150-203-4-7.example.net", true),
        ("dynamic.isp.example", true),
        ("dhcp-22.isp.example", true),
        ("pool-9-9.isp.example", true),
        ("ppp1234.isp.example", true),
        ("adsl-99.isp.example", true),
        ("cable-modem.isp.example", true),
        ("dialup5.isp.example", true),
        ("cpe-1.isp.example", true),
        ("broadband.isp.example", true),
        ("residential.isp.example", true),
        ("c-150-203-4-7.hsd1.example.net.", true),
        ("7.4.203.150.in.example.net", true),
        ("host150203004007.example.net", true),
        ("h96cb0407.example.net", true),
        ("150-203-4-7.static.isp.example", false),
        ("gw.abs.gov.au", false),
        ("www.liverpool.example", false),
        ("mail.example.com", false),
        ("c-150-203-4-8.example.net", false),
    ];
    for (name, expected) in rows {
        assert_eq!(ptr_name_looks_dynamic(name, a), expected, "{name}");
    }
}

#[test]
fn parse_cidr_for_the_dynamic_ranges_file() {
    let rows = [
        ("150.203.0.0/16", Some("150.203.0.0/16")),
        (" 150.203.9.9/16 ", Some("150.203.0.0/16")),
        ("150.203.4.7", Some("150.203.4.7/32")),
        ("2001:db8::/32", Some("2001:db8::/32")),
        ("2001:db8::1", Some("2001:db8::1/128")),
        ("::ffff:150.203.0.0/112", Some("150.203.0.0/16")),
        ("150.203.0.0/33", None),
        ("150.203.0.0/", None),
        ("150.203.0.0/x", None),
        ("150.203.0", None),
        ("", None),
    ];
    for (line, expected) in rows {
        let got = parse_cidr(line).ok().map(|c| c.to_string());
        assert_eq!(got.as_deref(), expected, "{line:?}");
    }
    let dynamic = [parse_cidr("150.203.0.0/16").unwrap()];
    let list = parse_allowlist("150.202.255.0 - 150.203.0.3, 150.204.0.1");
    assert!(overlaps_any(&list.entries[0], &dynamic));
    assert!(!overlaps_any(&list.entries[1], &dynamic));
    let v6 = parse_allowlist("2001:db8::1");
    assert!(!overlaps_any(&v6.entries[0], &dynamic));
}

#[test]
fn hostile_input_does_not_panic() {
    let inputs = [
        "1.2.3.4-".repeat(10_000),
        "::".repeat(10_000),
        "/".repeat(10_000),
        "9".repeat(10_000),
        format!("{}/99999999999999999999", "1.2.3.4"),
        "1.2.3.4 - - - 5".to_string(),
        "1.2.3.4/-5".to_string(),
        "between".to_string(),
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff - ffff".to_string(),
    ];
    for input in &inputs {
        let _ = parse_allowlist(input);
    }
    let long = "150.203.4.7 ".repeat(3_000);
    let list = parse_allowlist(&long);
    assert!(
        list.invalid,
        "an answer cut short is left for a person to read"
    );
    assert_eq!(list.value(), "150.203.4.7");
}

#[test]
fn dynamic_words_are_the_phrases_found() {
    let rows: [(&str, &[&str]); 6] = [
        ("150.203.4.7 (Dynamic, DHCP)", &["dynamic", "dhcp"]),
        (
            "home broadband, may change",
            &["home broadband", "may change"],
        ),
        ("non-static address", &["non static"]),
        ("isn't fixed", &["isn't fixed"]),
        ("dynamic dynamic", &["dynamic"]),
        ("static, not dynamic", &[]),
    ];
    for (answer, words) in rows {
        assert_eq!(super::dynamic_words(answer), words, "{answer:?}");
        assert_eq!(parse_allowlist(answer).dynamic_words, words, "{answer:?}");
    }
}

#[test]
fn non_public_spaces_name_each_kind() {
    let spaces = |answer: &str| {
        parse_allowlist(answer)
            .entries
            .iter()
            .map(|e| non_public_spaces(e.span()))
            .collect::<Vec<_>>()
    };
    assert_eq!(spaces("192.168.10.4"), vec![vec![Space::Private]]);
    assert_eq!(spaces("150.203.4.7"), vec![vec![]]);
    assert_eq!(spaces("100.64.1.1"), vec![vec![Space::SharedCgnat]]);
    assert_eq!(spaces("::1"), vec![vec![Space::Loopback]]);
    assert_eq!(spaces("fd00::1"), vec![vec![Space::UniqueLocal]]);
    assert_eq!(spaces("2001:db8::/48"), vec![vec![Space::Documentation]]);
    assert_eq!(
        spaces("9.255.255.0 - 10.0.0.5"),
        vec![vec![Space::Private]],
        "a range from public into private space"
    );
    assert_eq!(
        spaces("126.0.0.0/7"),
        vec![vec![Space::Loopback]],
        "126/8 is public, 127/8 loopback"
    );
    assert_eq!(
        spaces("192.0.0.0/16"),
        vec![vec![Space::ProtocolAssignments, Space::Documentation]]
    );
    assert_eq!(spaces("224.0.0.1"), vec![vec![Space::Multicast]]);
    assert_eq!(Space::Private.one(), "a private address");
}

#[test]
fn unparsed_pieces_are_kept_as_written() {
    let rows: [(&str, &[&str]); 5] = [
        (
            "150.203.4.7, 150.203.4",
            &["\"150.203.4\" is not an IP address"],
        ),
        (
            "150.203.4.7/33",
            &["\"150.203.4.7/33\" has a prefix length that does not fit the address"],
        ),
        (
            "150.203.4.20 - 150.203.4.10",
            &["the range 150.203.4.20 to 150.203.4.10 ends below its start"],
        ),
        (
            "150.203.4.10-300",
            &["the range from 150.203.4.10 ends at \"300\", which is not an address"],
        ),
        (
            "150.203.4.10 - 2001:db8::1, fe80::1%eth0",
            &[
                "the range 150.203.4.10 to 2001:db8::1 mixes IPv4 and IPv6",
                "\"fe80::1%eth0\" is not an IP address",
            ],
        ),
    ];
    for (answer, reasons) in rows {
        let list = parse_allowlist(answer);
        let got: Vec<String> = list.unparsed.iter().map(ToString::to_string).collect();
        assert_eq!(got, reasons, "{answer:?}");
        assert!(list.invalid);
    }
    let list = parse_allowlist("our office IP");
    assert!(list.invalid && list.unparsed.is_empty() && list.cut_at.is_none());
    let long = "150.203.4.7 ".repeat(3_000);
    assert_eq!(parse_allowlist(&long).cut_at, Some(36_000));
}
