//! The SSRF guard: which addresses a customer's webhook URL may reach. Refused: loopback, private,
//! carrier-grade NAT, link-local, unique-local, unspecified, multicast and broadcast, documentation
//! and benchmarking ranges, and the cloud metadata addresses; an IPv6 address that embeds an IPv4
//! one (IPv4-mapped, IPv4-compatible, NAT64, 6to4) is judged by the IPv4 address inside, so
//! `::ffff:127.0.0.1` is loopback. The operator may allow ranges (tests allow loopback this way).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

/// Why an address is refused; stable strings for the delivery log and problem documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Loopback,
    Private,
    SharedAddressSpace,
    LinkLocal,
    UniqueLocal,
    Unspecified,
    Multicast,
    Broadcast,
    Reserved,
    CloudMetadata,
}

impl Refusal {
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::Loopback => "loopback",
            Refusal::Private => "private",
            Refusal::SharedAddressSpace => "shared_address_space",
            Refusal::LinkLocal => "link_local",
            Refusal::UniqueLocal => "unique_local",
            Refusal::Unspecified => "unspecified",
            Refusal::Multicast => "multicast",
            Refusal::Broadcast => "broadcast",
            Refusal::Reserved => "reserved",
            Refusal::CloudMetadata => "cloud_metadata",
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The addresses of metadata services that are not already inside a refused range
/// (169.254.169.254 and fd00:ec2::254 are link-local and unique-local anyway).
const METADATA_V4: [Ipv4Addr; 2] = [
    Ipv4Addr::new(100, 100, 100, 200), // Alibaba Cloud
    Ipv4Addr::new(192, 0, 0, 192),     // Oracle Cloud
];

/// What may be reached: every public address, plus the operator's allowed ranges.
#[derive(Debug, Clone, Default)]
pub struct AddressGuard {
    allowed: Vec<IpNet>,
}

impl AddressGuard {
    /// A guard that also lets `allowed` through (e.g. `127.0.0.0/8` in tests, an internal
    /// network an operator trusts).
    pub fn new(allowed: Vec<IpNet>) -> Self {
        Self { allowed }
    }

    /// `Ok` when `ip` may be connected to.
    pub fn check(&self, ip: IpAddr) -> Result<(), Refusal> {
        // An allowed IPv4 range also covers its IPv6 spellings (`::ffff:127.0.0.1`).
        let v4 = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map(IpAddr::V4),
            IpAddr::V4(_) => None,
        };
        let allowed = |ip: IpAddr| self.allowed.iter().any(|net| net.contains(&ip));
        if allowed(ip) || v4.is_some_and(allowed) {
            return Ok(());
        }
        match classify(ip) {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }
}

/// Why `ip` is not a public address, if it is not.
pub fn classify(ip: IpAddr) -> Option<Refusal> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => classify_v4(v4),
            None => classify_v6(v6),
        },
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<Refusal> {
    let [a, b, c, _] = ip.octets();
    let refusal = if METADATA_V4.contains(&ip) || ip == Ipv4Addr::new(169, 254, 169, 254) {
        Refusal::CloudMetadata
    } else if ip.is_loopback() {
        Refusal::Loopback
    } else if ip.is_private() {
        Refusal::Private
    } else if a == 100 && (64..128).contains(&b) {
        Refusal::SharedAddressSpace
    } else if ip.is_link_local() {
        Refusal::LinkLocal
    } else if a == 0 {
        Refusal::Unspecified
    } else if ip.is_broadcast() {
        Refusal::Broadcast
    } else if ip.is_multicast() {
        Refusal::Multicast
    } else if ip.is_documentation()
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240
    {
        Refusal::Reserved
    } else {
        return None;
    };
    Some(refusal)
}

fn classify_v6(ip: Ipv6Addr) -> Option<Refusal> {
    let first = ip.segments()[0];
    let refusal = if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        Refusal::CloudMetadata
    } else if ip.is_loopback() {
        Refusal::Loopback
    } else if ip.is_unspecified() {
        Refusal::Unspecified
    } else if ip.is_multicast() {
        Refusal::Multicast
    } else if first & 0xffc0 == 0xfe80 {
        Refusal::LinkLocal
    } else if first & 0xfe00 == 0xfc00 {
        Refusal::UniqueLocal
    } else if first & 0xffc0 == 0xfec0 || (first == 0x2001 && ip.segments()[1] == 0x0db8) {
        // Deprecated site-local, and the documentation prefix.
        Refusal::Reserved
    } else {
        return None;
    };
    Some(refusal)
}

/// The IPv4 address an IPv6 address carries: IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
/// `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d` and 6to4 `2002:aabb:ccdd::`.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !(s[6] == 0 && s[7] <= 1) {
        return Some(tail());
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        return Some(tail());
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new(
            (s[1] >> 8) as u8,
            s[1] as u8,
            (s[2] >> 8) as u8,
            s[2] as u8,
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<&'static str> {
        classify(text.parse().unwrap()).map(Refusal::as_str)
    }

    #[test]
    fn the_ssrf_table() {
        let table = [
            ("127.0.0.1", Some("loopback")),
            ("127.255.255.254", Some("loopback")),
            ("10.1.2.3", Some("private")),
            ("172.16.0.1", Some("private")),
            ("172.31.255.255", Some("private")),
            ("192.168.1.1", Some("private")),
            ("100.64.0.1", Some("shared_address_space")),
            ("169.254.1.1", Some("link_local")),
            ("169.254.169.254", Some("cloud_metadata")),
            ("100.100.100.200", Some("cloud_metadata")),
            ("192.0.0.192", Some("cloud_metadata")),
            ("0.0.0.0", Some("unspecified")),
            ("0.1.2.3", Some("unspecified")),
            ("255.255.255.255", Some("broadcast")),
            ("224.0.0.1", Some("multicast")),
            ("192.0.2.1", Some("reserved")),
            ("198.18.0.1", Some("reserved")),
            ("240.0.0.1", Some("reserved")),
            ("::1", Some("loopback")),
            ("::", Some("unspecified")),
            ("fe80::1", Some("link_local")),
            ("fc00::1", Some("unique_local")),
            ("fd12:3456::1", Some("unique_local")),
            ("fd00:ec2::254", Some("cloud_metadata")),
            ("ff02::1", Some("multicast")),
            ("2001:db8::1", Some("reserved")),
            ("::ffff:127.0.0.1", Some("loopback")),
            ("::ffff:10.0.0.1", Some("private")),
            ("::ffff:169.254.169.254", Some("cloud_metadata")),
            ("::127.0.0.1", Some("loopback")),
            ("64:ff9b::a9fe:a9fe", Some("cloud_metadata")),
            ("2002:7f00:1::", Some("loopback")),
            ("2002:c0a8:101::", Some("private")),
            ("93.184.216.34", None),
            ("8.8.8.8", None),
            ("172.32.0.1", None),
            ("100.128.0.1", None),
            ("2606:4700::1111", None),
            ("::ffff:8.8.8.8", None),
            ("2002:808:808::", None),
        ];
        for (ip, expected) in table {
            assert_eq!(refused(ip), expected, "{ip}");
        }
    }

    #[test]
    fn the_operator_allows_ranges() {
        let guard = AddressGuard::new(vec!["127.0.0.0/8".parse().unwrap()]);
        assert_eq!(guard.check("127.0.0.1".parse().unwrap()), Ok(()));
        assert_eq!(guard.check("::ffff:127.0.0.1".parse().unwrap()), Ok(()));
        assert_eq!(guard.check("::1".parse().unwrap()), Err(Refusal::Loopback));
        assert_eq!(
            AddressGuard::default().check("127.0.0.1".parse().unwrap()),
            Err(Refusal::Loopback)
        );
    }
}
