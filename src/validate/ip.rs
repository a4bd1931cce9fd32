//! An IP allowlist answer in → addresses, CIDR blocks and ranges, classified against the IANA
//! special-purpose registries.
//!
//! Reading the free text: entries are single addresses, CIDR blocks (`150.203.0.0/24`,
//! `2001:db8::/48`, also `a.b.c.d/255.255.255.0` and wildcards `150.203.4.*` / `150.203.x.x`),
//! and ranges (`a - b`, `a to b`, `between a and b`, last-octet shorthand `a.b.c.10-20`, last-group
//! shorthand `2001:db8::10-1f`). Entries are separated by anything else: commas, semicolons,
//! "and", "&", slashes between two addresses (`1.2.3.4/5.6.7.8`), spaces, new lines. Labels
//! ("IP:", "Primary:") and notes ("(office)") are skipped. IPv4-mapped IPv6 addresses are read as
//! the IPv4 address they carry. Zone ids (`fe80::1%eth0`) are refused. IPv4 octets written with
//! leading zeros (`150.203.004.007`) are read as decimal.
//!
//! A word that looks like an address but is not one (`150.203.4`, `300.1.2.3`, `1.2.3.4/33`,
//! `1.2.3.4:443`, a range whose end is below its start) makes the answer invalid; the entries
//! that did parse are kept.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An address block `addr/prefix` (IPv4 or IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: std::net::IpAddr,
    pub prefix: u8,
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// Parses `addr/prefix` (or a bare address as a single-address block). The address is reduced to
/// the block's network address; an IPv4-mapped IPv6 block is read as the IPv4 block it covers.
pub fn parse_cidr(s: &str) -> anyhow::Result<Cidr> {
    let s = s.trim();
    let (addr_text, prefix_text) = match s.split_once('/') {
        Some((a, p)) => (a.trim(), Some(p.trim())),
        None => (s, None),
    };
    let addr = IpAddr::from_str(addr_text)
        .map_err(|_| anyhow::anyhow!("{addr_text:?} is not an IP address"))?;
    let max = max_prefix(addr);
    let prefix = match prefix_text {
        None => max,
        Some(p) => {
            let prefix: u8 = p
                .parse()
                .ok()
                .filter(|n| *n <= max)
                .ok_or_else(|| anyhow::anyhow!("{p:?} is not a prefix length 0 to {max}"))?;
            prefix
        }
    };
    Ok(block(addr, prefix))
}

/// One allowlist entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    Address(IpAddr),
    Block(Cidr),
    /// First and last address, same family, first < last.
    Range(IpAddr, IpAddr),
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Address(a) => write!(f, "{a}"),
            Entry::Block(c) => write!(f, "{c}"),
            Entry::Range(a, b) => write!(f, "{a}-{b}"),
        }
    }
}

/// An address family and the numeric interval an entry covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub v6: bool,
    pub first: u128,
    pub last: u128,
}

impl Span {
    fn overlaps(&self, other: &Span) -> bool {
        self.v6 == other.v6 && self.first <= other.last && other.first <= self.last
    }
}

impl Entry {
    pub fn span(&self) -> Span {
        match *self {
            Entry::Address(a) => Span {
                v6: a.is_ipv6(),
                first: to_u128(a),
                last: to_u128(a),
            },
            Entry::Block(c) => cidr_span(c),
            Entry::Range(a, b) => Span {
                v6: a.is_ipv6(),
                first: to_u128(a),
                last: to_u128(b),
            },
        }
    }
}

pub fn cidr_span(c: Cidr) -> Span {
    let bits = u32::from(max_prefix(c.addr));
    let host_bits = bits.saturating_sub(u32::from(c.prefix));
    let first = to_u128(c.addr);
    let host_mask = low_mask(host_bits);
    Span {
        v6: c.addr.is_ipv6(),
        first: first & !host_mask,
        last: first | host_mask,
    }
}

/// The lowest `bits` bits set.
fn low_mask(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

fn to_u128(a: IpAddr) -> u128 {
    match a {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn from_u128(v6: bool, n: u128) -> IpAddr {
    if v6 {
        IpAddr::V6(Ipv6Addr::from(n))
    } else {
        IpAddr::V4(Ipv4Addr::from(u32::try_from(n).unwrap_or(u32::MAX)))
    }
}

fn max_prefix(a: IpAddr) -> u8 {
    if a.is_ipv6() { 128 } else { 32 }
}

/// An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) as the IPv4 address it carries.
fn canonical(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(a, IpAddr::V4),
        v4 => v4,
    }
}

/// The block of `prefix` bits around `addr`, by its network address; IPv4-mapped IPv6 blocks
/// inside `::ffff:0:0/96` become IPv4 blocks.
fn block(addr: IpAddr, prefix: u8) -> Cidr {
    let (addr, prefix) = match addr {
        IpAddr::V6(v6) if prefix >= 96 && v6.to_ipv4_mapped().is_some() => {
            (canonical(addr), prefix - 96)
        }
        a => (a, prefix),
    };
    let span = cidr_span(Cidr { addr, prefix });
    Cidr {
        addr: from_u128(span.v6, span.first),
        prefix,
    }
}

/// What an allowlist answer says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    pub entries: Vec<Entry>,
    /// Blank, or a placeholder ("N/A", "none", "-", "___") with no address in it.
    pub blank: bool,
    /// Something that looks like an address is not one, or the text holds no address at all.
    pub invalid: bool,
    /// What made it invalid, in the order written (empty when the text simply holds no
    /// address, or was only cut short).
    pub unparsed: Vec<Unparsed>,
    /// The answer was longer than `MAX_ANSWER_CHARS` characters (its length) and only its start
    /// was read.
    pub cut_at: Option<usize>,
    /// The applicant's words say the address is dynamic.
    pub says_dynamic: bool,
    /// The words that say so, as `dynamic_words` finds them.
    pub dynamic_words: Vec<String>,
}

/// A piece of an allowlist answer that looks like an address, block or range but is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unparsed {
    /// A word shaped like an address that is not one (`150.203.4`, `300.1.2.3`, `fe80::1%eth0`).
    NotAnAddress(String),
    /// A prefix length that does not fit the address (`150.203.4.7/33`).
    BadPrefix { address: IpAddr, prefix: String },
    /// A range whose end is not an address (`150.203.4.10-300`).
    BadRangeEnd { start: IpAddr, end: String },
    /// A range that ends below its start.
    Backwards { start: IpAddr, end: IpAddr },
    /// A range from an IPv4 to an IPv6 address, or the other way.
    MixedFamilies { start: IpAddr, end: IpAddr },
}

impl fmt::Display for Unparsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unparsed::NotAnAddress(word) => write!(f, "\"{word}\" is not an IP address"),
            Unparsed::BadPrefix { address, prefix } => write!(
                f,
                "\"{address}/{prefix}\" has a prefix length that does not fit the address"
            ),
            Unparsed::BadRangeEnd { start, end } => {
                write!(
                    f,
                    "the range from {start} ends at \"{end}\", which is not an address"
                )
            }
            Unparsed::Backwards { start, end } => {
                write!(f, "the range {start} to {end} ends below its start")
            }
            Unparsed::MixedFamilies { start, end } => {
                write!(f, "the range {start} to {end} mixes IPv4 and IPv6")
            }
        }
    }
}

impl Allowlist {
    /// The record's field value: entries joined by "; ".
    pub fn value(&self) -> String {
        let parts: Vec<String> = self.entries.iter().map(Entry::to_string).collect();
        parts.join("; ")
    }
}

/// Answers longer than this are cut (and marked invalid for a person to read): a real allowlist
/// is a few lines.
const MAX_ANSWER_CHARS: usize = 20_000;

/// Reads a free-text allowlist answer.
pub fn parse_allowlist(text: &str) -> Allowlist {
    let truncated = text.chars().nth(MAX_ANSWER_CHARS).is_some();
    let cut_at = truncated.then(|| text.chars().count());
    let text: String = text.chars().take(MAX_ANSWER_CHARS).collect();
    let text = normalise(&text);
    let items = tokens(&text);
    let (mut entries, unparsed) = assemble(&items);
    let bad = !unparsed.is_empty();
    // The same entry written twice is recorded once, in first-seen order.
    let mut seen = Vec::with_capacity(entries.len());
    entries.retain(|e| {
        let new = !seen.contains(e);
        if new {
            seen.push(*e);
        }
        new
    });
    let dynamic_words = dynamic_words(&text);
    let blank = entries.is_empty() && !bad && is_placeholder(&text);
    Allowlist {
        invalid: !blank && (bad || truncated || entries.is_empty()),
        entries,
        blank,
        unparsed,
        cut_at,
        says_dynamic: !dynamic_words.is_empty(),
        dynamic_words,
    }
}

/// One kind of dash and one kind of space.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => '-',
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{FF0F}' => '/',
            '\u{FF0E}' => '.',
            '\u{200B}' | '\u{FEFF}' => ' ',
            // Line ends separate entries: a "- " starting a line is a bullet, not a range.
            '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' | '\u{0B}' | '\u{0C}' => '\n',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .collect()
}

/// Blank, only punctuation, or (the caller has found no address in it) an answer saying there is
/// nothing to give: "N/A", "none", "nil", "not applicable", "Public service - no IP required".
fn is_placeholder(text: &str) -> bool {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return true;
    }
    // "xxx.xxx.xxx.xxx": the form's own pattern left unfilled.
    if words.iter().all(|w| w.chars().all(|c| c == 'x')) {
        return true;
    }
    let single = |w: &str| matches!(w, "na" | "none" | "nil" | "nothing");
    let pair = |a: &str, b: &str| {
        matches!(
            (a, b),
            ("n", "a")
                | (
                    "not",
                    "applicable" | "required" | "needed" | "relevant" | "available"
                )
                | (
                    "no",
                    "ip" | "ips" | "address" | "addresses" | "allowlist" | "whitelist"
                )
        )
    };
    words.iter().any(|w| single(w)) || words.windows(2).any(|w| pair(w[0], w[1]))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Addr(IpAddr),
    /// A wildcard block such as `150.203.*.*`.
    Wild(Cidr),
    /// Looks like an address but is not one (the word as written).
    Bad(String),
    /// Digits, or 1-4 hex digits (a prefix length, or the end of a shorthand range).
    Num(String),
    Dash,
    Slash,
    Sep,
    Word(String),
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | ':' | '%' | '_' | '*')
}

fn tokens(text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut word = String::new();
    let flush = |word: &mut String, items: &mut Vec<Item>| {
        if !word.is_empty() {
            items.extend(classify_word(word));
            word.clear();
        }
    };
    for c in text.chars() {
        if is_word_char(c) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut items);
        match c {
            '-' => items.push(Item::Dash),
            '/' | '\\' => items.push(Item::Slash),
            ' ' => {}
            _ => items.push(Item::Sep),
        }
    }
    flush(&mut word, &mut items);
    items
}

fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}

fn classify_word(raw: &str) -> Option<Item> {
    let mut word = raw;
    // "IP:", "Primary:1.2.3.4", "IPv6:2001:db8::1": a label before the first ':' that cannot be
    // part of an IPv6 address.
    while let Some((label, rest)) = word.split_once(':') {
        let is_label = !label.is_empty()
            && !label.contains('.')
            && (label.len() > 4 || !label.chars().all(is_hex) || !rest.contains(':'));
        if is_label {
            word = rest;
        } else {
            break;
        }
    }
    // Sentence punctuation after an address: "…is 1.2.3.4." / "1.2.3.4:".
    word = word.trim_end_matches('.');
    if word.ends_with(':') && !word.ends_with("::") {
        word = &word[..word.len() - 1];
    }
    word = word
        .trim_start_matches(['.', '_', '*'])
        .trim_end_matches('_');
    if word.is_empty() {
        return None;
    }
    if word.chars().all(|c| c.is_ascii_digit()) {
        return Some(Item::Num(word.to_string()));
    }
    let dots = word.matches('.').count();
    let colons = word.matches(':').count();
    let starts_with_digit = word.starts_with(|c: char| c.is_ascii_digit());
    if colons >= 2 {
        let before_zone = word.split('%').next().unwrap_or(word);
        if before_zone
            .chars()
            .all(|c| is_hex(c) || c == ':' || c == '.')
        {
            if word.contains('%') {
                return Some(Item::Bad(word.to_string())); // zone ids are refused
            }
            return Some(match Ipv6Addr::from_str(word) {
                Ok(a) => Item::Addr(IpAddr::V6(a)),
                Err(_) => Item::Bad(word.to_string()),
            });
        }
    }
    if starts_with_digit && dots >= 2 {
        if let Some(a) = parse_ipv4(word) {
            return Some(Item::Addr(IpAddr::V4(a)));
        }
        if let Some(c) = parse_wildcard(word) {
            return Some(Item::Wild(c));
        }
        return Some(Item::Bad(word.to_string()));
    }
    if word.len() <= 4 && word.chars().all(is_hex) {
        return Some(Item::Num(word.to_string()));
    }
    Some(Item::Word(word.to_lowercase()))
}

/// Dotted-quad IPv4, decimal octets (leading zeros allowed and read as decimal).
fn parse_ipv4(word: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = word.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 3 || !part.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

/// `150.203.*.*`, `150.203.4.x`: leading decimal octets, then wildcards to the end.
fn parse_wildcard(word: &str) -> Option<Cidr> {
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let fixed = parts
        .iter()
        .take_while(|p| !matches!(**p, "*" | "x" | "X" | "xx" | "xxx" | "XXX"))
        .count();
    if fixed == 0 || fixed == 4 {
        return None;
    }
    if !parts[fixed..]
        .iter()
        .all(|p| matches!(*p, "*" | "x" | "X" | "xx" | "xxx" | "XXX"))
    {
        return None;
    }
    let mut octets = [0u8; 4];
    for (octet, part) in octets.iter_mut().zip(&parts[..fixed]) {
        if part.is_empty() || part.len() > 3 || !part.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse().ok()?;
    }
    let prefix = u8::try_from(fixed * 8).ok()?;
    Some(block(IpAddr::V4(Ipv4Addr::from(octets)), prefix))
}

/// A contiguous IPv4 netmask with a first octet of 255 (so it cannot be mistaken for a second
/// address in a list such as `1.2.3.4/5.6.7.8`), as a prefix length.
fn netmask_prefix(mask: IpAddr) -> Option<u8> {
    let IpAddr::V4(m) = mask else { return None };
    let bits = u32::from(m);
    let ones = bits.leading_ones();
    (ones >= 8 && bits.checked_shl(ones).unwrap_or(0) == 0).then(|| u8::try_from(ones).ok())?
}

fn is_range_word(item: Option<&Item>, between: bool) -> bool {
    match item {
        Some(Item::Dash) => true,
        Some(Item::Word(w)) => {
            matches!(w.as_str(), "to" | "through" | "thru" | "till" | "until")
                || (between && w == "and")
        }
        _ => false,
    }
}

/// Turns the token stream into entries. Returns the entries and what looked like an address,
/// block or range but was not one.
fn assemble(items: &[Item]) -> (Vec<Entry>, Vec<Unparsed>) {
    let mut entries = Vec::new();
    let mut bad = Vec::new();
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Bad(word) => bad.push(Unparsed::NotAnAddress(word.clone())),
            Item::Wild(c) => entries.push(Entry::Block(*c)),
            Item::Addr(a) => {
                let a = *a;
                let between = i > 0 && items.get(i - 1) == Some(&Item::Word("between".into()));
                if items.get(i + 1) == Some(&Item::Slash) {
                    match items.get(i + 2) {
                        Some(Item::Num(p)) => {
                            let max = max_prefix(a);
                            match p.parse::<u8>().ok().filter(|n| *n <= max) {
                                Some(prefix) if p.chars().all(|c| c.is_ascii_digit()) => {
                                    entries.push(Entry::Block(block(a, prefix)))
                                }
                                _ => bad.push(Unparsed::BadPrefix {
                                    address: a,
                                    prefix: p.clone(),
                                }),
                            }
                            i += 3;
                            continue;
                        }
                        Some(Item::Addr(m)) if a.is_ipv4() && netmask_prefix(*m).is_some() => {
                            let prefix = netmask_prefix(*m).unwrap_or(32);
                            entries.push(Entry::Block(block(a, prefix)));
                            i += 3;
                            continue;
                        }
                        _ => {
                            // "1.2.3.4/5.6.7.8" is a list; a trailing slash is punctuation.
                            entries.push(single(a));
                            i += 2;
                            continue;
                        }
                    }
                }
                if is_range_word(items.get(i + 1), between) {
                    match range_end(a, items.get(i + 2)) {
                        Some(Ok(end)) => {
                            match make_range(a, end) {
                                Ok(entry) => entries.push(entry),
                                Err(why) => bad.push(why),
                            }
                            i += 3;
                            continue;
                        }
                        Some(Err(end)) => {
                            bad.push(Unparsed::BadRangeEnd { start: a, end });
                            i += 3;
                            continue;
                        }
                        None => {}
                    }
                }
                entries.push(single(a));
            }
            _ => {}
        }
        i += 1;
    }
    (entries, bad)
}

fn single(a: IpAddr) -> Entry {
    Entry::Address(canonical(a))
}

/// The end of a range starting at `start`: another address, or a shorthand last octet / group.
/// `None` when the next item is not a range end at all (the dash was punctuation),
/// `Some(Err)` (the end as written) when it is one but malformed.
fn range_end(start: IpAddr, next: Option<&Item>) -> Option<Result<IpAddr, String>> {
    match (canonical(start), next?) {
        (_, Item::Addr(b)) => Some(Ok(*b)),
        (_, Item::Bad(word)) => Some(Err(word.clone())),
        (IpAddr::V4(a), Item::Num(n)) => {
            let last = n
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| n.parse::<u8>().ok())
                .flatten();
            Some(last.map_or(Err(n.clone()), |last| {
                let [o1, o2, o3, _] = a.octets();
                Ok(IpAddr::V4(Ipv4Addr::new(o1, o2, o3, last)))
            }))
        }
        (IpAddr::V6(a), Item::Num(n)) => {
            let group = u16::from_str_radix(n, 16).ok();
            Some(group.map_or(Err(n.clone()), |group| {
                let mut segments = a.segments();
                segments[7] = group;
                Ok(IpAddr::V6(Ipv6Addr::from(segments)))
            }))
        }
        _ => None,
    }
}

/// A range from `a` to `b` (IPv4-mapped ends read as IPv4); why not, when the families differ
/// or the end is below the start.
fn make_range(a: IpAddr, b: IpAddr) -> Result<Entry, Unparsed> {
    let (a, b) = (canonical(a), canonical(b));
    if a.is_ipv4() != b.is_ipv4() {
        return Err(Unparsed::MixedFamilies { start: a, end: b });
    }
    let (first, last) = (to_u128(a), to_u128(b));
    match first.cmp(&last) {
        std::cmp::Ordering::Less => Ok(Entry::Range(a, b)),
        std::cmp::Ordering::Equal => Ok(Entry::Address(a)),
        std::cmp::Ordering::Greater => Err(Unparsed::Backwards { start: a, end: b }),
    }
}

mod classify;

pub use classify::{
    Space, dynamic_words, non_public_spaces, overlapping, overlaps_any, ptr_name_looks_dynamic,
    reverse_lookups, says_dynamic, too_broad, touches_non_public,
};

#[cfg(test)]
mod tests;
