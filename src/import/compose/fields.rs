//! Reading the Compose fields that have more than one spelling: ports
//! (`"8080:80/udp"` or a mapping), volumes (`./x:/y:ro` or a mapping),
//! commands (a string split as a shell would, or a list), durations
//! (`1m30s`), resource quantities (`0.5` CPUs, `512M` of memory), and
//! healthchecks (`CMD`, `CMD-SHELL` or a string).

use super::model::{Healthcheck, Mount, MountKind, Port};
use super::yaml::Yaml;

/// A `ports:` entry; `Err` says why it cannot be mapped.
pub fn port(y: &Yaml) -> Result<Port, String> {
    if let Some(entries) = y.entries() {
        let _ = entries;
        let target =
            y.get("target").and_then(Yaml::text).and_then(|t| t.parse().ok()).ok_or("a port without `target`")?;
        let published = y
            .get("published")
            .and_then(Yaml::text)
            .map(|p| p.parse::<u16>().map_err(|_| format!("published port `{p}`")))
            .transpose()?;
        let udp = y.get("protocol").and_then(Yaml::text) == Some("udp");
        return Ok(Port { target, published, udp, at: y.at });
    }
    let text = y.text().ok_or("a port that is neither a string nor a mapping")?;
    let (spec, udp) = match text.rsplit_once('/') {
        Some((spec, proto)) => (spec, proto.eq_ignore_ascii_case("udp")),
        None => (text, false),
    };
    // `[IP:][HOST:]CONTAINER`; an IPv6 address is in brackets.
    let spec = spec.rsplit_once(']').map_or(spec, |(_, rest)| rest.trim_start_matches(':'));
    let parts: Vec<&str> = spec.split(':').collect();
    let number = |s: &str| s.parse::<u16>().map_err(|_| format!("`{text}`: a port range or an unknown form"));
    let target = number(parts.last().copied().unwrap_or_default())?;
    let published = match parts.len() {
        1 => None,
        _ => Some(parts[parts.len() - 2]).filter(|p| !p.is_empty()).map(number).transpose()?,
    };
    Ok(Port { target, published, udp, at: y.at })
}

/// A `volumes:` entry; `Err` says why it cannot be mapped.
pub fn mount(y: &Yaml) -> Result<Mount, String> {
    if y.entries().is_some() {
        let text = |k: &str| y.get(k).and_then(Yaml::text);
        let target = text("target").ok_or("a volume without `target`")?.to_owned();
        let read_only = matches!(text("read_only"), Some("true" | "True"));
        let kind = match (text("type").unwrap_or("volume"), text("source")) {
            ("bind", Some(source)) => MountKind::Bind(source.to_owned()),
            ("tmpfs", _) => MountKind::Tmpfs,
            ("volume", source) => MountKind::Named(source.map(str::to_owned)),
            (other, _) => return Err(format!("a volume of type `{other}`")),
        };
        return Ok(Mount { kind, target, read_only, at: y.at });
    }
    let text = y.text().ok_or("a volume that is neither a string nor a mapping")?;
    let parts: Vec<&str> = text.split(':').collect();
    let (source, target, mode) = match parts.as_slice() {
        [target] => (None, *target, ""),
        [source, target] => (Some(*source), *target, ""),
        [source, target, mode] => (Some(*source), *target, *mode),
        _ => return Err(format!("`{text}`: a volume of an unknown form")),
    };
    let kind = match source {
        None => MountKind::Named(None),
        Some(s) if s.starts_with(['.', '/', '~']) => MountKind::Bind(s.to_owned()),
        Some(s) => MountKind::Named(Some(s.to_owned())),
    };
    let read_only = mode.split(',').any(|m| m == "ro");
    Ok(Mount { kind, target: target.to_owned(), read_only, at: y.at })
}

/// A command: a list as it is, a string split as a POSIX shell splits words.
pub fn command(y: &Yaml) -> Option<Vec<String>> {
    if let Some(items) = y.items() {
        return Some(items.iter().map(|i| i.text().unwrap_or_default().to_owned()).collect());
    }
    y.text().map(split_words)
}

/// Split words as `sh` does (quotes and backslashes; no expansion).
#[must_use]
pub fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => words.extend(word.take()),
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                w.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        c => w.push(c),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

/// A Go duration (`1m30s`, `500ms`, `10s`) in whole seconds, rounded up.
#[must_use]
pub fn seconds(text: &str) -> Option<u32> {
    let mut total_ms: u64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let ms = match &rest[..unit] {
            "h" => 3_600_000.0,
            "m" => 60_000.0,
            "s" | "" => 1000.0,
            "ms" => 1.0,
            "us" | "µs" => 0.001,
            _ => return None,
        };
        rest = &rest[unit..];
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        {
            total_ms += (number * ms) as u64;
        }
    }
    u32::try_from(total_ms.div_ceil(1000)).ok()
}

/// Compose `cpus` (`0.5`, `2`) as a Kubernetes quantity (`500m`, `2`).
#[must_use]
pub fn cpus(text: &str) -> Option<String> {
    let value: f64 = text.trim().parse().ok().filter(|v: &f64| *v > 0.0)?;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let milli = (value * 1000.0).round() as u64;
    Some(if milli.is_multiple_of(1000) { (milli / 1000).to_string() } else { format!("{milli}m") })
}

/// A Compose byte size (`512M`, `1g`, `256mb`, `1024`) as a Kubernetes
/// quantity (`512Mi`, `1Gi`): Compose's units are binary.
#[must_use]
pub fn memory(text: &str) -> Option<String> {
    let t = text.trim().to_ascii_lowercase();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let number: u64 = t[..digits].parse().ok().filter(|n| *n > 0)?;
    let unit = match t[digits..].trim_end_matches('b') {
        "" => "",
        "k" => "Ki",
        "m" => "Mi",
        "g" => "Gi",
        "t" => "Ti",
        _ => return None,
    };
    Some(format!("{number}{unit}"))
}

/// A `healthcheck` as an exec command with its timing; `None` when it is
/// disabled or has no `test` (the image's own `HEALTHCHECK`).
pub fn healthcheck(y: &Yaml) -> Option<Healthcheck> {
    if y.get("disable").and_then(Yaml::text) == Some("true") {
        return None;
    }
    let test = y.get("test")?;
    let test = match (test.items(), test.text()) {
        (Some(items), _) => {
            let words: Vec<String> = items.iter().filter_map(|i| i.text().map(str::to_owned)).collect();
            match words.split_first() {
                Some((first, rest)) if first == "CMD" => rest.to_vec(),
                Some((first, rest)) if first == "CMD-SHELL" => vec!["sh".into(), "-c".into(), rest.join(" ")],
                _ => return None,
            }
        }
        (None, Some(t)) => vec!["sh".into(), "-c".into(), t.to_owned()],
        _ => return None,
    };
    let secs = |k: &str| y.get(k).and_then(Yaml::text).and_then(seconds);
    let retries = y.get("retries").and_then(Yaml::text).and_then(|r| r.parse().ok());
    Some(Healthcheck {
        test,
        interval: secs("interval"),
        timeout: secs("timeout"),
        retries,
        start_period: secs("start_period"),
        at: y.at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(split_words(r#"sh -c "echo 'a b'" x\ y"#), ["sh", "-c", "echo 'a b'", "x y"]);
        assert_eq!(seconds("1m30s"), Some(90));
        assert_eq!(seconds("500ms"), Some(1));
        assert_eq!(cpus("0.5").as_deref(), Some("500m"));
        assert_eq!(cpus("2").as_deref(), Some("2"));
        assert_eq!(memory("512M").as_deref(), Some("512Mi"));
        assert_eq!(memory("1gb").as_deref(), Some("1Gi"));
    }
}
