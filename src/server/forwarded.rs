//! The client's address behind load balancers. The throttles key on it: behind a
//! proxy every request comes from the proxy, so without this one guesser would slow
//! every citizen's lookups. `X-Forwarded-For` is believed only when the connection
//! comes from a proxy the operator named (`PORTAL_TRUSTED_PROXIES`), and only as far
//! as the chain passes through such proxies: anyone can send the header.

use std::net::IpAddr;

/// One trusted proxy: an address, or a network in CIDR form (`10.0.0.0/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustedProxy {
    network: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    pub fn parse(text: &str) -> Option<TrustedProxy> {
        let (addr, prefix) = match text.trim().split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text.trim(), None),
        };
        let network: IpAddr = addr.parse().ok()?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p.parse::<u8>().ok().filter(|p| *p <= bits)?,
            None => bits,
        };
        Some(TrustedProxy { network, prefix })
    }

    pub fn contains(&self, addr: IpAddr) -> bool {
        let addr = canonical(addr);
        match (self.network, addr) {
            (IpAddr::V4(n), IpAddr::V4(a)) => masked(u32::from(n).into(), u32::from(a).into(), self.prefix, 32),
            (IpAddr::V6(n), IpAddr::V6(a)) => masked(u128::from(n), u128::from(a), self.prefix, 128),
            _ => false,
        }
    }
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, as dual-stack sockets give
/// it) is that IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(addr),
        v4 => v4,
    }
}

fn masked(network: u128, addr: u128, prefix: u8, bits: u32) -> bool {
    let shift = bits - u32::from(prefix);
    shift >= bits || (network >> shift) == (addr >> shift)
}

/// Parses `PORTAL_TRUSTED_PROXIES`: addresses or networks separated by commas.
pub fn parse_list(text: &str) -> Result<Vec<TrustedProxy>, String> {
    text.split(',')
        .filter(|t| !t.trim().is_empty())
        .map(|t| TrustedProxy::parse(t).ok_or_else(|| format!("PORTAL_TRUSTED_PROXIES / trusted_proxies: `{}` is not an address or a network such as 10.0.0.0/8", t.trim())))
        .collect()
}

/// The client: the connection's peer, unless that is a trusted proxy; then the last
/// address in `X-Forwarded-For` that is not a trusted proxy (each proxy appends the
/// address it received the request from, so everything left of the first untrusted
/// entry from the right may be the client's own invention). A malformed entry ends
/// the walk at the last address known good.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |a: IpAddr| trusted.iter().any(|t| t.contains(a));
    let mut client = canonical(peer);
    if !is_trusted(client) {
        return client;
    }
    // Several headers are one list, in order.
    let entries = forwarded_for.iter().flat_map(|h| h.split(',')).collect::<Vec<_>>();
    for entry in entries.into_iter().rev() {
        let Ok(addr) = entry.trim().parse::<IpAddr>() else { return client };
        client = canonical(addr);
        if !is_trusted(client) {
            return client;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_contain_their_addresses() {
        let lan = TrustedProxy::parse("10.0.0.0/8").unwrap();
        assert!(lan.contains(ip("10.1.2.3")));
        assert!(lan.contains(ip("::ffff:10.1.2.3")), "IPv4 written as IPv6");
        assert!(!lan.contains(ip("11.0.0.1")));
        let one = TrustedProxy::parse("192.0.2.7").unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let v6 = TrustedProxy::parse("2001:db8::/32").unwrap();
        assert!(v6.contains(ip("2001:db8:1::1")) && !v6.contains(ip("2001:db9::1")));
        assert!(TrustedProxy::parse("0.0.0.0/0").unwrap().contains(ip("203.0.113.9")));
        for bad in ["", "10.0.0.0/33", "10.0.0/8", "proxy.local", "::/129", "10.0.0.1/x"] {
            assert_eq!(TrustedProxy::parse(bad), None, "{bad}");
        }
        assert_eq!(parse_list(" 10.0.0.1 , 192.168.0.0/16 ").unwrap().len(), 2);
        assert!(parse_list("10.0.0.1,nope").unwrap_err().contains("`nope`"));
    }

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let trusted = parse_list("10.0.0.0/8").unwrap();
        // Straight from the internet: the header is the client's word, not believed.
        assert_eq!(client_address(ip("203.0.113.9"), &["198.51.100.1"], &trusted), ip("203.0.113.9"));
        // Through the load balancer.
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.1"], &trusted), ip("198.51.100.1"));
        // A client that forges an address before the real chain is seen as itself.
        assert_eq!(client_address(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.1"], &trusted), ip("198.51.100.1"));
        // Two proxies of ours in a row, and the list over two headers.
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.1, 10.0.0.9"], &trusted), ip("198.51.100.1"));
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.1", "10.0.0.9"], &trusted), ip("198.51.100.1"));
        // Garbage stops the walk at the last address known good.
        assert_eq!(client_address(ip("10.0.0.2"), &["<script>, 10.0.0.9"], &trusted), ip("10.0.0.9"));
        // No header, or no proxies named: the peer.
        assert_eq!(client_address(ip("10.0.0.2"), &[], &trusted), ip("10.0.0.2"));
        assert_eq!(client_address(ip("10.0.0.2"), &["198.51.100.1"], &[]), ip("10.0.0.2"));
    }
}
