//! An IP allowlist answer in → addresses, CIDR blocks and ranges, classified against the IANA
//! special-purpose registries.

/// An address block `addr/prefix` (IPv4 or IPv6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: std::net::IpAddr,
    pub prefix: u8,
}

/// Parses `addr/prefix` (or a bare address as a single-address block).
pub fn parse_cidr(s: &str) -> anyhow::Result<Cidr> {
    anyhow::bail!("not written yet: {s}")
}
