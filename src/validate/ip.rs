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
use std::sync::{LazyLock, mpsc};
use std::time::{Duration, Instant};

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

// ---------------------------------------------------------------------------------------------
// Special-purpose address space.

/// The kind of address space a block of the special-purpose tables is, as a note names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// Globally reachable (a reachable row nested in a non-reachable one).
    Global,
    /// 0.0.0.0/8, "this network".
    ThisNetwork,
    /// RFC 1918 private-use.
    Private,
    /// 100.64.0.0/10, shared address space for carrier-grade NAT.
    SharedCgnat,
    Loopback,
    LinkLocal,
    /// IETF protocol assignments (192.0.0.0/24, 2001::/23).
    ProtocolAssignments,
    Documentation,
    Benchmarking,
    /// The deprecated 6to4 relay anycast block.
    Relay6to4,
    Multicast,
    /// Reserved for future use, or kept "Reserved by IETF".
    Reserved,
    /// 255.255.255.255.
    Broadcast,
    /// `::`.
    Unspecified,
    /// `::ffff:0:0/96` (only reachable for an address that is not read as IPv4).
    Ipv4Mapped,
    /// 64:ff9b:1::/48, local-use IPv4/IPv6 translation.
    LocalTranslation,
    /// 100::/64 and the dummy prefix.
    DiscardOnly,
    /// fc00::/7, IPv6's private-use space.
    UniqueLocal,
    /// 5f00::/16, segment routing identifiers.
    SegmentRouting,
}

impl Space {
    /// The space with its article, for "IP address X is {a private address}".
    pub fn one(self) -> &'static str {
        match self {
            Space::Global => "a public address",
            Space::ThisNetwork => "a \"this network\" (0.0.0.0/8) address",
            Space::Private => "a private address",
            Space::SharedCgnat => "a shared (carrier-grade NAT) address",
            Space::Loopback => "a loopback address",
            Space::LinkLocal => "a link-local address",
            Space::ProtocolAssignments => "an address reserved for IETF protocols",
            Space::Documentation => "a documentation address",
            Space::Benchmarking => "a benchmarking address",
            Space::Relay6to4 => "a deprecated 6to4 relay address",
            Space::Multicast => "a multicast address",
            Space::Reserved => "a reserved address",
            Space::Broadcast => "the broadcast address",
            Space::Unspecified => "the unspecified address",
            Space::Ipv4Mapped => "an IPv4-mapped address",
            Space::LocalTranslation => "a local-use translation address",
            Space::DiscardOnly => "a discard-only address",
            Space::UniqueLocal => "a unique-local (private) address",
            Space::SegmentRouting => "a segment-routing (SRv6) address",
        }
    }

    /// The space in the plural, for "IP block X includes {private addresses}".
    pub fn many(self) -> &'static str {
        match self {
            Space::Global => "public addresses",
            Space::ThisNetwork => "\"this network\" (0.0.0.0/8) addresses",
            Space::Private => "private addresses",
            Space::SharedCgnat => "shared (carrier-grade NAT) addresses",
            Space::Loopback => "loopback addresses",
            Space::LinkLocal => "link-local addresses",
            Space::ProtocolAssignments => "addresses reserved for IETF protocols",
            Space::Documentation => "documentation addresses",
            Space::Benchmarking => "benchmarking addresses",
            Space::Relay6to4 => "deprecated 6to4 relay addresses",
            Space::Multicast => "multicast addresses",
            Space::Reserved => "reserved addresses",
            Space::Broadcast => "the broadcast address",
            Space::Unspecified => "the unspecified address",
            Space::Ipv4Mapped => "IPv4-mapped addresses",
            Space::LocalTranslation => "local-use translation addresses",
            Space::DiscardOnly => "discard-only addresses",
            Space::UniqueLocal => "unique-local (private) addresses",
            Space::SegmentRouting => "segment-routing (SRv6) addresses",
        }
    }
}

/// A row of the special-purpose tables: a block and what kind of space it is (`Global` for a
/// globally reachable row).
struct SpecialBlock {
    addr: &'static str,
    prefix: u8,
    space: Space,
}

const fn row(addr: &'static str, prefix: u8, space: Space) -> SpecialBlock {
    SpecialBlock {
        addr,
        prefix,
        space,
    }
}

/// IANA IPv4 Special-Purpose Address Registry
/// (<https://www.iana.org/assignments/iana-ipv4-special-registry>, RFC 6890), rows with
/// "Globally Reachable = False", plus multicast (IANA IPv4 Multicast Address Space, RFC 5771).
/// The most specific row containing an address decides; addresses in no row are global.
const IPV4_SPECIAL: &[SpecialBlock] = &[
    row("0.0.0.0", 8, Space::ThisNetwork), // "This network", RFC 791 (0.0.0.0/32 "this host" within)
    row("10.0.0.0", 8, Space::Private),    // Private-Use, RFC 1918
    row("100.64.0.0", 10, Space::SharedCgnat), // Shared Address Space (CGNAT), RFC 6598
    row("127.0.0.0", 8, Space::Loopback),  // Loopback, RFC 1122
    row("169.254.0.0", 16, Space::LinkLocal), // Link Local, RFC 3927
    row("172.16.0.0", 12, Space::Private), // Private-Use, RFC 1918
    // IETF Protocol Assignments, RFC 6890. The registry marks 192.0.0.9/32 (PCP anycast) and
    // 192.0.0.10/32 (TURN anycast) reachable, but those are anycast service addresses that can
    // never be a client's source address, so the whole /24 is treated as non-public.
    row("192.0.0.0", 24, Space::ProtocolAssignments),
    row("192.0.2.0", 24, Space::Documentation), // Documentation (TEST-NET-1), RFC 5737
    row("192.31.196.0", 24, Space::Global),     // AS112-v4, RFC 7535: reachable
    row("192.52.193.0", 24, Space::Global),     // AMT, RFC 7450: reachable
    // Deprecated 6to4 Relay Anycast, RFC 7526: no longer routed, never a client's address.
    row("192.88.99.0", 24, Space::Relay6to4),
    row("192.168.0.0", 16, Space::Private), // Private-Use, RFC 1918
    row("192.175.48.0", 24, Space::Global), // Direct Delegation AS112 Service, RFC 7534: reachable
    row("198.18.0.0", 15, Space::Benchmarking), // Benchmarking, RFC 2544
    row("198.51.100.0", 24, Space::Documentation), // Documentation (TEST-NET-2), RFC 5737
    row("203.0.113.0", 24, Space::Documentation), // Documentation (TEST-NET-3), RFC 5737
    row("224.0.0.0", 4, Space::Multicast),  // Multicast, RFC 5771
    row("240.0.0.0", 4, Space::Reserved),   // Reserved, RFC 1112
    row("255.255.255.255", 32, Space::Broadcast), // Limited Broadcast, RFC 919
];

/// IANA IPv6 Special-Purpose Address Registry
/// (<https://www.iana.org/assignments/iana-ipv6-special-registry>, RFC 6890), rows with
/// "Globally Reachable = False" and the reachable rows nested in them, plus multicast and the
/// space the IANA IPv6 Address Space registry keeps "Reserved by IETF" (everything outside
/// 2000::/3 Global Unicast, fc00::/7, fe80::/10 and ff00::/8), which no one can be reached at.
/// The most specific row containing an address decides; addresses in no row are global.
const IPV6_SPECIAL: &[SpecialBlock] = &[
    row("::", 3, Space::Reserved), // Reserved by IETF (IPv6 Address Space registry, RFC 4291)
    row("4000::", 2, Space::Reserved), // Reserved by IETF
    row("8000::", 1, Space::Reserved), // Reserved by IETF (holds fc00::/7, fe80::/10, ff00::/8 below)
    row("::", 128, Space::Unspecified), // Unspecified Address, RFC 4291
    row("::1", 128, Space::Loopback),  // Loopback Address, RFC 4291
    row("::ffff:0:0", 96, Space::Ipv4Mapped), // IPv4-mapped Address, RFC 4291 (mapped entries are IPv4)
    row("64:ff9b::", 96, Space::Global),      // IPv4-IPv6 Translation, RFC 6052: reachable
    row("64:ff9b:1::", 48, Space::LocalTranslation), // Local-use IPv4/IPv6 Translation, RFC 8215
    row("100::", 64, Space::DiscardOnly),     // Discard-Only Address Block, RFC 6666
    row("100:0:0:1::", 64, Space::DiscardOnly), // Dummy IPv6 Prefix, RFC 9780
    // IETF Protocol Assignments, RFC 2928 (holds TEREDO 2001::/32 and ORCHID 2001:10::/28).
    // Its anycast /128s (2001:1::1, ::2, ::3) stay non-public for the reason given for
    // 192.0.0.0/24 above.
    row("2001::", 23, Space::ProtocolAssignments),
    row("2001:2::", 48, Space::Benchmarking), // Benchmarking, RFC 5180
    row("2001:3::", 32, Space::Global),       // AMT, RFC 7450: reachable
    row("2001:4:112::", 48, Space::Global),   // AS112-v6, RFC 7535: reachable
    row("2001:20::", 28, Space::Global),      // ORCHIDv2, RFC 7343: reachable
    row("2001:30::", 28, Space::Global), // Drone Remote ID Protocol Entity Tags, RFC 9374: reachable
    row("2001:db8::", 32, Space::Documentation), // Documentation, RFC 3849
    row("2620:4f:8000::", 48, Space::Global), // Direct Delegation AS112 Service, RFC 7534: reachable
    row("3fff::", 20, Space::Documentation),  // Documentation, RFC 9637
    row("5f00::", 16, Space::SegmentRouting), // Segment Routing (SRv6) SIDs, RFC 9602
    row("fc00::", 7, Space::UniqueLocal),     // Unique-Local, RFC 4193
    row("fe80::", 10, Space::LinkLocal),      // Link-Local Unicast, RFC 4291
    row("ff00::", 8, Space::Multicast),       // Multicast, RFC 4291
];

/// The tables as (span, prefix, space), parsed once.
fn special_spans(v6: bool) -> &'static [(Span, u8, Space)] {
    static V4: LazyLock<Vec<(Span, u8, Space)>> = LazyLock::new(|| parse_table(false));
    static V6: LazyLock<Vec<(Span, u8, Space)>> = LazyLock::new(|| parse_table(true));
    if v6 { &V6 } else { &V4 }
}

fn parse_table(v6: bool) -> Vec<(Span, u8, Space)> {
    let table = if v6 { IPV6_SPECIAL } else { IPV4_SPECIAL };
    table
        .iter()
        .filter_map(|row| Some((special_span(row, v6)?, row.prefix, row.space)))
        .collect()
}

fn special_span(b: &SpecialBlock, v6: bool) -> Option<Span> {
    let addr = if v6 {
        IpAddr::V6(Ipv6Addr::from_str(b.addr).ok()?)
    } else {
        IpAddr::V4(Ipv4Addr::from_str(b.addr).ok()?)
    };
    Some(cidr_span(Cidr {
        addr,
        prefix: b.prefix,
    }))
}

/// The space one address lies in by the tables above (`Global` when in no row).
fn point_space(v6: bool, n: u128) -> Space {
    let mut best: Option<(u8, Space)> = None;
    for &(span, prefix, space) in special_spans(v6) {
        if span.first <= n && n <= span.last && best.is_none_or(|(p, _)| prefix >= p) {
            best = Some((prefix, space));
        }
    }
    best.map_or(Space::Global, |(_, space)| space)
}

/// Every kind of space that is not globally reachable which some address of `span` lies in, in
/// address order, each once. The tables' block boundaries split the span into pieces in which
/// every address is classified alike; one address of each piece is checked.
pub fn non_public_spaces(span: Span) -> Vec<Space> {
    let mut probes = vec![span.first];
    for &(b, _, _) in special_spans(span.v6) {
        if !b.overlaps(&span) {
            continue;
        }
        if b.first > span.first {
            probes.push(b.first);
        }
        if b.last < span.last {
            probes.push(b.last + 1);
        }
    }
    probes.sort_unstable();
    let mut spaces = Vec::new();
    for n in probes {
        let space = point_space(span.v6, n);
        if space != Space::Global && !spaces.contains(&space) {
            spaces.push(space);
        }
    }
    spaces
}

/// Whether any address of `span` is not globally reachable.
pub fn touches_non_public(span: Span) -> bool {
    !non_public_spaces(span).is_empty()
}

/// Whether the entry is wider than the configured minimum prefix for its family.
pub fn too_broad(entry: &Entry, min_prefix_v4: u8, min_prefix_v6: u8) -> bool {
    let span = entry.span();
    let (bits, min) = if span.v6 {
        (128u32, min_prefix_v6)
    } else {
        (32u32, min_prefix_v4)
    };
    let largest_allowed = low_mask(bits.saturating_sub(u32::from(min)));
    match entry {
        Entry::Block(c) => c.prefix < min,
        _ => span.last - span.first > largest_allowed,
    }
}

/// Whether the entry overlaps any of the given blocks.
pub fn overlaps_any(entry: &Entry, blocks: &[Cidr]) -> bool {
    overlapping(entry, blocks).is_some()
}

/// The first of the blocks the entry overlaps, if any.
pub fn overlapping(entry: &Entry, blocks: &[Cidr]) -> Option<Cidr> {
    let span = entry.span();
    blocks
        .iter()
        .map(|b| block(b.addr, b.prefix))
        .find(|b| cidr_span(*b).overlaps(&span))
}

// ---------------------------------------------------------------------------------------------
// Dynamic addresses.

/// Whether the applicant's words say the address is dynamic (see `dynamic_words`).
pub fn says_dynamic(text: &str) -> bool {
    !dynamic_words(text).is_empty()
}

/// The words that say an address is dynamic, lower-cased, each phrase once in the order written
/// ("dynamic", "dhcp", "home broadband", "may change", "not static"); none when negated ("not
/// dynamic", "non-dynamic"). "not static" / "non-static" say it too.
pub fn dynamic_words(text: &str) -> Vec<String> {
    let lower = normalise(text).to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    const NEGATIONS: &[&str] = &[
        "not", "non", "no", "never", "isn't", "isnt", "aren't", "arent", "doesn't", "doesnt",
        "don't", "dont", "won't", "wont", "cannot", "can't", "cant", "without", "nor", "neither",
        "wasn't", "wouldn't",
    ];
    const MODALS: &[&str] = &[
        "may",
        "can",
        "might",
        "could",
        "will",
        "would",
        "often",
        "sometimes",
        "regularly",
        "periodically",
        "to",
        "frequently",
    ];
    const HOME_THINGS: &[&str] = &[
        "connection",
        "connections",
        "broadband",
        "internet",
        "network",
        "nbn",
        "router",
        "wifi",
        "modem",
        "ip",
        "isp",
        "adsl",
        "dsl",
        "cable",
        "address",
    ];
    let negated_within = |i: usize, window: usize| {
        (1..=window).any(|back| {
            i.checked_sub(back)
                .and_then(|j| words.get(j))
                .is_some_and(|w| NEGATIONS.contains(w))
        })
    };
    let mut found: Vec<String> = Vec::new();
    for i in 0..words.len() {
        let w = words[i];
        let previous = i.checked_sub(1).and_then(|j| words.get(j)).copied();
        let next = words.get(i + 1).copied();
        let phrase = match w {
            "dynamic" | "dynamically" | "dhcp" | "residential" | "changes" | "changing"
            | "changeable" | "rotating" | "rotates"
                if !negated_within(i, 2) =>
            {
                Some(w.to_string())
            }
            // "we don't expect it to change": look further back for the negation.
            "change" => match previous {
                Some(p) if MODALS.contains(&p) && !negated_within(i, 4) => Some(format!("{p} {w}")),
                _ => None,
            },
            "home" => match next {
                Some(n) if HOME_THINGS.contains(&n) && !negated_within(i, 2) => {
                    Some(format!("{w} {n}"))
                }
                _ => None,
            },
            "static" | "fixed" if negated_within(i, 2) => {
                let negation = (1..=2)
                    .filter_map(|back| i.checked_sub(back).and_then(|j| words.get(j)))
                    .find(|w| NEGATIONS.contains(w))
                    .copied()
                    .unwrap_or("not");
                Some(format!("{negation} {w}"))
            }
            _ => None,
        };
        if let Some(phrase) = phrase
            && !found.contains(&phrase)
        {
            found.push(phrase);
        }
    }
    found
}

/// Whether a reverse-DNS (PTR) name looks like one an ISP gives dynamic or residential
/// addresses: pool words (dyn, dhcp, pool, ppp, dsl, cable, dial, cpe, broadband, residential)
/// or the address's own octets embedded in the name ("c-1-2-3-4.isp.net", "4.3.2.1.pool…").
/// A name that says "static" or "fixed" is taken at its word.
pub fn ptr_name_looks_dynamic(name: &str, addr: IpAddr) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let alpha_runs: Vec<&str> = name
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|r| !r.is_empty())
        .collect();
    if alpha_runs
        .iter()
        .any(|r| r.contains("static") || *r == "fixed")
    {
        return false;
    }
    const ANYWHERE: &[&str] = &["dyn", "dhcp", "ppp", "dsl", "broadband", "residential"];
    // Short words that also begin ordinary words' ends ("liverpool"): matched at a run's start.
    const AT_START: &[&str] = &["pool", "cable", "dial", "cpe"];
    if alpha_runs.iter().any(|r| {
        ANYWHERE.iter().any(|k| r.contains(k)) || AT_START.iter().any(|k| r.starts_with(k))
    }) {
        return true;
    }
    let IpAddr::V4(v4) = canonical(addr) else {
        return false;
    };
    let octets = v4.octets();
    let numbers: Vec<u32> = name
        .split(|c: char| !c.is_ascii_digit())
        .filter(|r| !r.is_empty() && r.len() <= 3)
        .filter_map(|r| r.parse().ok())
        .collect();
    let forward: Vec<u32> = octets.iter().map(|&o| u32::from(o)).collect();
    let backward: Vec<u32> = forward.iter().rev().copied().collect();
    if numbers
        .windows(4)
        .any(|w| w == forward.as_slice() || w == backward.as_slice())
    {
        return true;
    }
    let padded = format!(
        "{:03}{:03}{:03}{:03}",
        octets[0], octets[1], octets[2], octets[3]
    );
    let hex = format!("{:08x}", u32::from(v4));
    name.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|run| run.contains(&padded) || run.contains(&hex))
}

/// Reverse lookups for at most this many addresses per answer.
const MAX_PTR_LOOKUPS: usize = 8;

/// The PTR names of `addrs`, looked up in parallel with one overall deadline; an address whose
/// lookup fails or does not finish in time is left out. Uses the system resolver.
pub fn reverse_lookups(addrs: &[IpAddr], timeout: Duration) -> Vec<(IpAddr, String)> {
    let (tx, rx) = mpsc::channel();
    let mut started = 0;
    for &addr in addrs.iter().take(MAX_PTR_LOOKUPS) {
        let tx = tx.clone();
        // getnameinfo cannot be cancelled: a lookup that outlives the deadline finishes on its
        // own thread and its answer is dropped.
        let spawned = std::thread::Builder::new()
            .name("ptr-lookup".into())
            .spawn(move || {
                let _ = tx.send((addr, reverse_lookup_blocking(addr)));
            });
        if spawned.is_ok() {
            started += 1;
        }
    }
    drop(tx);
    let deadline = Instant::now() + timeout;
    let mut names = Vec::new();
    for _ in 0..started {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((addr, Some(name))) => names.push((addr, name)),
            Ok((_, None)) => {}
            Err(_) => break,
        }
    }
    names
}

/// `getnameinfo(NI_NAMEREQD)`: the PTR name of one address, or `None`.
fn reverse_lookup_blocking(addr: IpAddr) -> Option<String> {
    let mut host = [0 as libc::c_char; 1025];
    let host_len = libc::socklen_t::try_from(host.len()).ok()?;
    let rc = match addr {
        IpAddr::V4(v4) => {
            // SAFETY: a zeroed sockaddr_in is a valid value; the fields are then set.
            let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sa.sin_family = libc::sa_family_t::try_from(libc::AF_INET).ok()?;
            sa.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(v4.octets()),
            };
            let len = libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr_in>()).ok()?;
            // SAFETY: sa and host are live for the call, with the lengths given.
            unsafe {
                libc::getnameinfo(
                    (&raw const sa).cast::<libc::sockaddr>(),
                    len,
                    host.as_mut_ptr(),
                    host_len,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
        IpAddr::V6(v6) => {
            // SAFETY: a zeroed sockaddr_in6 is a valid value; the fields are then set.
            let mut sa: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sa.sin6_family = libc::sa_family_t::try_from(libc::AF_INET6).ok()?;
            sa.sin6_addr = libc::in6_addr {
                s6_addr: v6.octets(),
            };
            let len = libc::socklen_t::try_from(std::mem::size_of::<libc::sockaddr_in6>()).ok()?;
            // SAFETY: sa and host are live for the call, with the lengths given.
            unsafe {
                libc::getnameinfo(
                    (&raw const sa).cast::<libc::sockaddr>(),
                    len,
                    host.as_mut_ptr(),
                    host_len,
                    std::ptr::null_mut(),
                    0,
                    libc::NI_NAMEREQD,
                )
            }
        }
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: on success getnameinfo wrote a NUL-terminated string into host.
    let name = unsafe { std::ffi::CStr::from_ptr(host.as_ptr()) };
    name.to_str().ok().map(str::to_string)
}

#[cfg(test)]
mod tests {
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
}
