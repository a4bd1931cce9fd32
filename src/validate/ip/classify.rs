//! An allowlist entry in → whether it touches special-purpose address space (the IANA
//! registries), is too broad, overlaps known dynamic ranges, or says or looks dynamic
//! (wording, reverse DNS names); the reverse lookups themselves, bounded.

use super::{Cidr, Entry, Span, block, canonical, cidr_span, low_mask, normalise};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;
use std::sync::{LazyLock, mpsc};
use std::time::{Duration, Instant};

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
    let rc = match addr {
        IpAddr::V4(v4) => {
            // SAFETY: a zeroed sockaddr_in is a valid value; the fields are then set.
            let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
            sa.sin_family = libc::sa_family_t::try_from(libc::AF_INET).ok()?;
            sa.sin_addr = libc::in_addr {
                s_addr: u32::from_ne_bytes(v4.octets()),
            };
            // SAFETY: sa is a sockaddr_in.
            unsafe { name_info(&sa, &mut host)? }
        }
        IpAddr::V6(v6) => {
            // SAFETY: a zeroed sockaddr_in6 is a valid value; the fields are then set.
            let mut sa: libc::sockaddr_in6 = unsafe { std::mem::zeroed() };
            sa.sin6_family = libc::sa_family_t::try_from(libc::AF_INET6).ok()?;
            sa.sin6_addr = libc::in6_addr {
                s6_addr: v6.octets(),
            };
            // SAFETY: sa is a sockaddr_in6.
            unsafe { name_info(&sa, &mut host)? }
        }
    };
    if rc != 0 {
        return None;
    }
    // SAFETY: on success getnameinfo wrote a NUL-terminated string into host.
    let name = unsafe { std::ffi::CStr::from_ptr(host.as_ptr()) };
    name.to_str().ok().map(str::to_string)
}

/// `getnameinfo` for a socket address, the host name (required) written into `host`; its
/// return code.
///
/// # Safety
/// `T` must be the socket address type its family field says (`sockaddr_in`, `sockaddr_in6`).
unsafe fn name_info<T>(sa: &T, host: &mut [libc::c_char]) -> Option<libc::c_int> {
    let len = libc::socklen_t::try_from(std::mem::size_of::<T>()).ok()?;
    let host_len = libc::socklen_t::try_from(host.len()).ok()?;
    // SAFETY: sa and host are live for the call, with the lengths given; the caller vouches
    // that sa is the socket address its family says.
    Some(unsafe {
        libc::getnameinfo(
            std::ptr::from_ref(sa).cast::<libc::sockaddr>(),
            len,
            host.as_mut_ptr(),
            host_len,
            std::ptr::null_mut(),
            0,
            libc::NI_NAMEREQD,
        )
    })
}
