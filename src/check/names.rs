//! Lexical rules for names and values Kubernetes will see: DNS-1123 labels
//! and subdomains, hosts, resource quantities, CIDRs, durations.

/// A DNS-1123 label: lowercase alphanumerics and `-`, at most 63, starting
/// and ending alphanumeric. Namespaces, apps, Services use it.
#[must_use]
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// A DNS-1123 subdomain: dot-separated labels, at most 253.
#[must_use]
pub fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns1123_label)
}

/// A public host name for an IngressRoute and a Certificate: a subdomain
/// with at least two labels; `*.` wildcard allowed as the first label.
#[must_use]
pub fn is_host(host: &str) -> bool {
    let rest = host.strip_prefix("*.").unwrap_or(host);
    rest.contains('.') && is_dns1123_subdomain(rest)
}

/// A Kubernetes label key: optional DNS subdomain prefix and `/`, then a
/// name of at most 63 alphanumerics, `-`, `_`, `.`.
#[must_use]
pub fn is_label_key(key: &str) -> bool {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    prefix.is_none_or(is_dns1123_subdomain) && is_label_value(name) && !name.is_empty()
}

/// A Kubernetes label value: empty, or at most 63 alphanumerics, `-`, `_`,
/// `.`, starting and ending alphanumeric.
#[must_use]
pub fn is_label_value(value: &str) -> bool {
    let b = value.as_bytes();
    b.is_empty()
        || (b.len() <= 63
            && b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            && b[0].is_ascii_alphanumeric()
            && b[b.len() - 1].is_ascii_alphanumeric())
}

/// A Kubernetes resource quantity, e.g. `500m`, `1.5`, `10Gi`, `1e3`.
#[must_use]
pub fn is_quantity(q: &str) -> bool {
    let number_end = q
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '+' || *c == '-'))))
        .map_or(q.len(), |(i, _)| i);
    let (number, suffix) = q.split_at(number_end);
    let digits = number.trim_start_matches(['+', '-']);
    let valid_number =
        !digits.is_empty() && digits != "." && digits.matches('.').count() <= 1 && !number.starts_with('-');
    let valid_suffix = matches!(
        suffix,
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E"
    ) || is_exponent(suffix);
    valid_number && valid_suffix
}

fn is_exponent(suffix: &str) -> bool {
    let Some(rest) = suffix.strip_prefix(['e', 'E']) else {
        return false;
    };
    let digits = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

/// A Go duration as Flux takes it: `10m`, `1h30m`, `45s`.
#[must_use]
pub fn is_duration(d: &str) -> bool {
    let mut rest = d;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ms", "h", "m", "s"].into_iter().find(|u| rest.starts_with(u));
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        parts += 1;
    }
    parts > 0
}

/// An IPv4/IPv6 address or CIDR, normalised to CIDR form.
#[must_use]
pub fn cidr(text: &str) -> Option<String> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: std::net::IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix: u8 = match prefix {
        Some(p) => p.parse().ok().filter(|p| *p <= max)?,
        None => max,
    };
    Some(format!("{ip}/{prefix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert!(is_dns1123_label("authentik"));
        assert!(is_dns1123_label("a-1"));
        assert!(!is_dns1123_label("Auth"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label("a_b"));
        assert!(!is_dns1123_label(".."));
        assert!(!is_dns1123_label(&"a".repeat(64)));
    }

    #[test]
    fn hosts() {
        assert!(is_host("auth.acme.io"));
        assert!(is_host("*.acme.io"));
        assert!(!is_host("localhost"));
        assert!(!is_host("a`) || Host(`b.io"));
        assert!(!is_host("auth.acme.io\n"));
    }

    #[test]
    fn quantities() {
        for ok in ["1", "500m", "1.5", "10Gi", "128Mi", "1e3", "0.5Gi", "2k"] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "Gi", "10GB", "1..2", "ten", "-1", "1e", "10 Gi"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn durations_and_cidrs() {
        assert!(is_duration("10m") && is_duration("1h30m") && !is_duration("10") && !is_duration("m"));
        assert_eq!(cidr("10.0.0.10").as_deref(), Some("10.0.0.10/32"));
        assert_eq!(cidr("10.42.0.0/16").as_deref(), Some("10.42.0.0/16"));
        assert_eq!(cidr("10.0.0.1/33"), None);
        assert_eq!(cidr("host"), None);
    }
}
