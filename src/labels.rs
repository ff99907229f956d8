//! [`LabelMap`]: a set of labels (a pod's, a namespace's, a selector's
//! `matchLabels`) packed into one string. The model holds tens of
//! thousands of such maps, mostly of one or two labels; a map of `String`s
//! would cost three allocations and 48 bytes of headers per label on top
//! of the text. The derive graph's nodes carry their pods' labels as one,
//! and the network proof's model (`verify::netpol`) all of its labels.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;

/// Labels by key, in key order (byte order of the keys, as a
/// `BTreeMap<String, String>` iterates), keys unique. Built from pairs,
/// where a later pair replaces an earlier one with the same key.
///
/// One string holds every label as its key's length, its value's length
/// (each written by `push_len`), the key and the value: 16 bytes and no
/// allocation when empty, one allocation otherwise. Lookups scan the
/// labels in order, which for the few labels of a pod or a selector is as
/// quick as a search.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct LabelMap {
    text: Box<str>,
}

impl LabelMap {
    /// No labels.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of labels.
    #[must_use]
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// True when there is no label.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The value of label `key`.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        for (k, v) in self {
            match k.cmp(key) {
                Ordering::Less => {}
                Ordering::Equal => return Some(v),
                Ordering::Greater => return None,
            }
        }
        None
    }

    /// Whether label `key` is set.
    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The labels as `(key, value)`, in key order.
    #[must_use]
    pub fn iter(&self) -> Iter<'_> {
        Iter { text: &self.text, at: 0 }
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + Clone {
        self.iter().map(|(k, _)| k)
    }
}

/// Marks a char of a length that another char continues. A char holds 14
/// bits of a length, below the surrogates, so any length is a valid char
/// (and one byte when below 128).
const MORE: u32 = 1 << 14;

/// Appends `n` to `text`, 14 bits a char, low bits first, every char but
/// the last marked with [`MORE`].
fn push_len(text: &mut String, n: usize) {
    let mut n = n;
    loop {
        let digit = u32::try_from(n % MORE as usize).unwrap_or_default();
        n /= MORE as usize;
        let more = if n == 0 { 0 } else { MORE };
        text.push(char::from_u32(digit | more).unwrap_or_default());
        if n == 0 {
            return;
        }
    }
}

/// The bytes [`push_len`] writes for `n`.
fn len_size(n: usize) -> usize {
    let mut n = n;
    let mut size = 0;
    loop {
        let digit = n % MORE as usize;
        n /= MORE as usize;
        size += match digit | if n == 0 { 0 } else { MORE as usize } {
            0..0x80 => 1,
            0x80..0x800 => 2,
            _ => 3,
        };
        if n == 0 {
            return size;
        }
    }
}

/// Reads a length written by [`push_len`] at `at`, moving `at` past it.
fn read_len(text: &str, at: &mut usize) -> usize {
    let mut n = 0;
    let mut shift = 0;
    for c in text[*at..].chars() {
        *at += c.len_utf8();
        let c = c as u32;
        n |= ((c % MORE) as usize) << shift;
        if c & MORE == 0 {
            break;
        }
        shift += 14;
    }
    n
}

/// The labels of a [`LabelMap`] as `(key, value)`, in key order.
#[derive(Clone)]
pub struct Iter<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.at == self.text.len() {
            return None;
        }
        let key_len = read_len(self.text, &mut self.at);
        let value_len = read_len(self.text, &mut self.at);
        let key = &self.text[self.at..self.at + key_len];
        let value = &self.text[self.at + key_len..self.at + key_len + value_len];
        self.at += key_len + value_len;
        Some((key, value))
    }
}

impl<'a> IntoIterator for &'a LabelMap {
    type Item = (&'a str, &'a str);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for LabelMap {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut pairs: Vec<(K, V)> = pairs.into_iter().collect();
        if !pairs.is_sorted_by(|a, b| a.0.as_ref() < b.0.as_ref()) {
            // Stable: of equal keys the pairs stay in input order, and the
            // last of each run wins.
            pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
            let mut kept: Vec<(K, V)> = Vec::with_capacity(pairs.len());
            for pair in pairs {
                match kept.last_mut() {
                    Some(last) if last.0.as_ref() == pair.0.as_ref() => *last = pair,
                    _ => kept.push(pair),
                }
            }
            pairs = kept;
        }
        let size = pairs.iter().map(|(k, v)| {
            let (k, v) = (k.as_ref().len(), v.as_ref().len());
            len_size(k) + len_size(v) + k + v
        });
        let mut text = String::with_capacity(size.sum());
        for (k, v) in &pairs {
            let (k, v) = (k.as_ref(), v.as_ref());
            push_len(&mut text, k.len());
            push_len(&mut text, v.len());
            text.push_str(k);
            text.push_str(v);
        }
        Self { text: text.into_boxed_str() }
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> From<[(K, V); N]> for LabelMap {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl From<BTreeMap<String, String>> for LabelMap {
    fn from(map: BTreeMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl serde::Serialize for LabelMap {
    /// As a `BTreeMap<String, String>` serializes: a map in key order, of
    /// a known length (so that a JSON object gets room for exactly that).
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl fmt::Debug for LabelMap {
    /// As a `BTreeMap<String, String>` prints: `{"k": "v", ...}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_as_a_btreemap_built_from_the_same_pairs() {
        let pairs = [("b", "1"), ("a", "2"), ("c", ""), ("a", "4"), ("", "5"), ("b", "6")];
        let labels: LabelMap = pairs.into_iter().collect();
        let tree: BTreeMap<String, String> = pairs.iter().map(|&(k, v)| (k.to_owned(), v.to_owned())).collect();
        assert!(labels.iter().eq(tree.iter().map(|(k, v)| (k.as_str(), v.as_str()))));
        assert_eq!(format!("{labels:?}"), format!("{tree:?}"));
        for k in ["", "a", "b", "c", "d", "ab"] {
            assert_eq!(labels.get(k), tree.get(k).map(String::as_str));
        }
        assert_eq!(serde_json::to_string(&labels).ok(), serde_json::to_string(&tree).ok());
        assert_eq!(LabelMap::from(tree), labels);
        assert_eq!(labels.len(), 4);
        assert!(LabelMap::new().is_empty() && LabelMap::new().get("").is_none());
    }

    #[test]
    fn long_and_non_ascii_labels_read_back() {
        let long = "x".repeat(70_000);
        let pairs = [("ü", long.as_str()), (long.as_str(), "\0"), ("a", "\u{10FFFF}")];
        let labels: LabelMap = pairs.into_iter().collect();
        let mut sorted = pairs.to_vec();
        sorted.sort_unstable();
        assert!(labels.iter().eq(sorted));
        assert_eq!(labels.get(&long), Some("\0"));
        assert_eq!(labels.len(), 3);
        for n in [0, 1, 127, 128, 2047, 2048, 16_383, 16_384, 70_000, usize::MAX] {
            let mut text = String::new();
            push_len(&mut text, n);
            assert_eq!((len_size(n), read_len(&text, &mut 0)), (text.len(), n));
        }
    }
}
