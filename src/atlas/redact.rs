//! Finding known secrets in text a server sent, in the forms a server may
//! echo them: as sent, JSON-escaped, percent-encoded (`%2F` or `+` for a
//! space), in another letter case, in part, or inside base64 (standard or
//! URL-safe, of the secret alone or of any text that holds it, at any
//! offset): every run of base64 characters is read from each of its four
//! alignments, and a run whose reading holds a secret is redacted whole.
//!
//! A part of a secret is found when it is at least [`fragment_len`] bytes
//! long: half the secret, 4 bytes at the least and [`MAX_FRAGMENT`] at the
//! most. So a fragment left in a message shows at most 7 characters of a
//! secret of 16 or more, and fewer than half of a shorter one; Atlas's own
//! masks show the last 4. Shorter windows would also hide ordinary words and
//! ids in Atlas's messages. A secret shorter than 4 bytes is found only
//! whole. Letter case is folded for ASCII letters only.

use std::collections::{HashMap, HashSet};

use crate::secret::Secret;

/// A fragment this long of a secret is always found (see the module doc).
pub const MAX_FRAGMENT: usize = 8;
const MIN_FRAGMENT: usize = 4;

/// The shortest fragment of a secret of `len` bytes that is found.
pub fn fragment_len(len: usize) -> usize {
    if len < MIN_FRAGMENT {
        len
    } else {
        len.div_ceil(2).clamp(MIN_FRAGMENT, MAX_FRAGMENT)
    }
}

/// One secret to look for.
#[derive(Clone)]
struct Known {
    value: Secret,
    /// Shown as Atlas's mask when found whole and as written; otherwise (and
    /// for credentials) as [`REDACTED`].
    masked: bool,
}

/// What a found secret, or a part of one, is replaced with.
pub const REDACTED: &str = "[redacted]";

/// The secrets of one request: the credentials, the bearer tokens of the
/// run, and the secrets the request carried.
#[derive(Clone, Default)]
pub struct Redactor {
    known: Vec<Known>,
}

/// A stretch of text to replace: `range` in bytes, on char boundaries.
#[derive(Debug, PartialEq, Eq)]
pub struct Hit {
    pub range: std::ops::Range<usize>,
    pub replacement: String,
}

impl Redactor {
    /// A credential or a token: never shown in any part.
    pub fn credential(&mut self, value: &Secret) {
        self.push(value.expose(), false);
    }

    /// A value tether sent: when quoted whole, it is shown as Atlas masks
    /// it, as plans show it.
    pub fn sent(&mut self, value: &Secret) {
        self.push(value.expose(), true);
    }

    fn push(&mut self, value: &str, masked: bool) {
        if !value.is_empty() {
            self.known.push(Known {
                value: Secret::new(value),
                masked,
            });
        }
    }

    pub fn is_empty(&self) -> bool {
        self.known.is_empty()
    }

    /// This redactor and `more`.
    pub fn and(&self, more: &Redactor) -> Redactor {
        let mut known = self.known.clone();
        known.extend(more.known.iter().cloned());
        Redactor { known }
    }

    /// `text` with every secret found replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for hit in self.hits(text) {
            out.push_str(&text[at..hit.range.start]);
            out.push_str(&hit.replacement);
            at = hit.range.end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Every stretch of `text` that holds a secret or a part of one, in
    /// order, not overlapping.
    pub fn hits(&self, text: &str) -> Vec<Hit> {
        if self.known.is_empty() || text.is_empty() {
            return Vec::new();
        }
        let folded: Vec<Vec<u8>> = self
            .known
            .iter()
            .map(|k| k.value.expose().bytes().map(fold).collect())
            .collect();
        let mut windows: HashMap<usize, HashSet<&[u8]>> = HashMap::new();
        for secret in &folded {
            let len = fragment_len(secret.len());
            windows.entry(len).or_default().extend(secret.windows(len));
        }
        let mut covered = vec![false; text.len()];
        let plain = View::plain(text.as_bytes());
        let decoded = plain.decoded();
        let twice = decoded.decoded();
        for view in [&plain, &decoded, &twice] {
            view.mark(&windows, &mut covered);
            view.mark_base64(&windows, &mut covered);
        }
        self.runs(text, &covered)
    }

    /// The covered runs of `text`, widened to char boundaries.
    fn runs(&self, text: &str, covered: &[bool]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < covered.len() {
            if !covered[i] {
                i += 1;
                continue;
            }
            let mut start = i;
            let mut end = i;
            while end < covered.len() && covered[end] {
                end += 1;
            }
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            while !text.is_char_boundary(end) {
                end += 1;
            }
            let found = &text[start..end];
            let replacement = self
                .known
                .iter()
                .find(|k| k.masked && k.value.is(found))
                .map_or_else(|| REDACTED.to_owned(), |k| k.value.mask());
            if let Some(last) = hits.last_mut().filter(|h: &&mut Hit| h.range.end >= start) {
                last.range.end = end;
                last.replacement = REDACTED.to_owned();
            } else {
                hits.push(Hit {
                    range: start..end,
                    replacement,
                });
            }
            i = end;
        }
        hits
    }
}

/// ASCII letters in one case, and `+` as the space it encodes in a form.
fn fold(byte: u8) -> u8 {
    match byte {
        b'+' => b' ',
        other => other.to_ascii_lowercase(),
    }
}

/// Text as bytes to match, each with the stretch of the original text it
/// came from: `raw` as it reads, `bytes` folded (see [`fold`]).
struct View {
    raw: Vec<u8>,
    bytes: Vec<u8>,
    spans: Vec<(usize, usize)>,
}

impl View {
    fn plain(text: &[u8]) -> View {
        View {
            raw: text.to_vec(),
            bytes: text.iter().copied().map(fold).collect(),
            spans: (0..text.len()).map(|i| (i, i + 1)).collect(),
        }
    }

    /// One round of decoding: `%XX`, and the JSON escapes `\uXXXX` (with
    /// surrogate pairs), `\"`, `\\`, `\/`, `\n`, `\r`, `\t`, `\b`, `\f`.
    fn decoded(&self) -> View {
        let b = &self.raw;
        let mut out = View {
            raw: Vec::with_capacity(b.len()),
            bytes: Vec::with_capacity(b.len()),
            spans: Vec::with_capacity(b.len()),
        };
        let mut i = 0;
        while i < b.len() {
            let (produced, used) = decode_at(b, i);
            let span = (self.spans[i].0, self.spans[i + used - 1].1);
            for byte in produced {
                out.raw.push(byte);
                out.bytes.push(fold(byte));
                out.spans.push(span);
            }
            i += used;
        }
        out
    }

    /// Marks every run of base64 characters whose reading, from any of its
    /// four alignments, holds a secret in any of the forms [`View`] finds.
    fn mark_base64(&self, windows: &HashMap<usize, HashSet<&[u8]>>, covered: &mut [bool]) {
        let shortest = windows.keys().copied().filter(|&len| len > 0).min();
        let Some(shortest) = shortest else { return };
        // Four base64 characters carry three bytes.
        let min_run = shortest.div_ceil(3) * 4;
        let mut i = 0;
        while i < self.raw.len() {
            if !is_base64(self.raw[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < self.raw.len() && is_base64(self.raw[i]) {
                i += 1;
            }
            if i - start < min_run {
                continue;
            }
            let run = &self.raw[start..i];
            let holds_secret = (0..4).any(|skip| {
                let reading = View::plain(&base64_reading(&run[skip.min(run.len())..]));
                let decoded = reading.decoded();
                let mut found = vec![false; reading.raw.len()];
                reading.mark(windows, &mut found);
                decoded.mark(windows, &mut found);
                found.contains(&true)
            });
            if holds_secret {
                let (from, to) = (self.spans[start].0, self.spans[i - 1].1);
                covered[from..to].iter_mut().for_each(|c| *c = true);
            }
        }
    }

    fn mark(&self, windows: &HashMap<usize, HashSet<&[u8]>>, covered: &mut [bool]) {
        for (&len, set) in windows {
            if len == 0 || self.bytes.len() < len {
                continue;
            }
            for (i, window) in self.bytes.windows(len).enumerate() {
                if set.contains(window) {
                    let from = self.spans[i].0;
                    let to = self.spans[i + len - 1].1;
                    covered[from..to].iter_mut().for_each(|c| *c = true);
                }
            }
        }
    }
}

/// A character of the standard or the URL-safe base64 alphabet.
fn is_base64(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'/' | b'-' | b'_')
}

/// What base64 `chars` stand for, read from their first character: each
/// whole group of four gives three bytes, a last group of two or three
/// gives one or two.
fn base64_reading(chars: &[u8]) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' | b'-' => 62,
            _ => 63,
        }
    };
    let mut out = Vec::with_capacity(chars.len() / 4 * 3 + 2);
    for group in chars.chunks(4) {
        let bits = group
            .iter()
            .enumerate()
            .fold(0u32, |acc, (k, &c)| acc | value(c) << (18 - 6 * k));
        let bytes = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&bytes[..group.len().saturating_sub(1)]);
    }
    out
}

/// The bytes one escape at `i` stands for, and how many bytes it takes;
/// a byte that starts no escape stands for itself.
fn decode_at(b: &[u8], i: usize) -> (Vec<u8>, usize) {
    let hex = |from: usize, n: usize| -> Option<u32> {
        let digits = b.get(from..from + n)?;
        let text = std::str::from_utf8(digits).ok()?;
        if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(text, 16).ok()
    };
    match b[i] {
        b'%' => {
            if let Some(value) = hex(i + 1, 2) {
                return (vec![value as u8], 3);
            }
        }
        b'\\' => match b.get(i + 1) {
            Some(b'u') => {
                if let Some(unit) = hex(i + 2, 4) {
                    let pair = (0xD800..0xDC00).contains(&unit)
                        && b.get(i + 6..i + 8) == Some(b"\\u".as_slice());
                    let low = if pair { hex(i + 8, 4) } else { None };
                    let (code, used) = match low {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            (0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00), 12)
                        }
                        _ => (unit, 6),
                    };
                    if let Some(c) = char::from_u32(code) {
                        return (c.to_string().into_bytes(), used);
                    }
                }
            }
            Some(&c @ (b'"' | b'\\' | b'/')) => return (vec![c], 2),
            Some(b'n') => return (vec![b'\n'], 2),
            Some(b'r') => return (vec![b'\r'], 2),
            Some(b't') => return (vec![b'\t'], 2),
            Some(b'b') => return (vec![0x08], 2),
            Some(b'f') => return (vec![0x0c], 2),
            _ => {}
        },
        _ => {}
    }
    (vec![b[i]], 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    const SECRET: &str = "Zx9/q+Rk\"Lm2 Tp7é0022";

    fn redactor() -> Redactor {
        let mut r = Redactor::default();
        r.sent(&Secret::new(SECRET));
        r
    }

    /// True when `shown` holds no fragment of `SECRET` as long as the
    /// threshold, in any letter case.
    fn clean(shown: &str) -> bool {
        let len = fragment_len(SECRET.len());
        let lower = shown.to_lowercase();
        !SECRET
            .as_bytes()
            .windows(len)
            .filter_map(|w| std::str::from_utf8(w).ok())
            .any(|w| lower.contains(&w.to_lowercase()))
    }

    #[test]
    fn thresholds() {
        assert_eq!(fragment_len(0), 0);
        assert_eq!(fragment_len(3), 3);
        assert_eq!(fragment_len(4), 4);
        assert_eq!(fragment_len(8), 4);
        assert_eq!(fragment_len(10), 5);
        assert_eq!(fragment_len(15), 8);
        assert_eq!(fragment_len(64), 8);
    }

    #[test]
    fn every_form_of_a_secret_is_found() {
        let json = serde_json::to_string(SECRET).unwrap();
        let json_ascii = SECRET
            .chars()
            .map(|c| match c {
                '"' => "\\\"".to_owned(),
                '/' => "\\/".to_owned(),
                c if c.is_ascii() => c.to_string(),
                c => format!("\\u{:04X}", c as u32),
            })
            .collect::<String>();
        let percent: String = SECRET
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let form = percent.replace("%20", "+").to_lowercase();
        let double = percent.replace('%', "%25");
        let upper = SECRET.to_uppercase();
        let partial = &SECRET[3..14];
        for (name, text) in [
            ("clear", SECRET.to_owned()),
            ("json", json),
            ("json ascii", json_ascii),
            ("percent", percent),
            ("form, lower hex", form),
            ("double percent", double),
            ("upper", upper),
            ("partial", partial.to_owned()),
        ] {
            let shown = redactor().redact(&format!("bad value <{text}> here"));
            assert!(clean(&shown), "{name}: {shown}");
            assert!(shown.starts_with("bad value <"), "{name}: {shown}");
            assert!(shown.ends_with("> here"), "{name}: {shown}");
        }
    }

    #[test]
    fn a_secret_quoted_whole_is_shown_as_atlas_masks_it() {
        let shown = redactor().redact(&format!("key {SECRET} is invalid"));
        assert_eq!(
            shown,
            format!("key {} is invalid", Secret::new(SECRET).mask())
        );
        let partial = redactor().redact(&format!("key {} is invalid", &SECRET[..10]));
        assert_eq!(partial, "key [redacted] is invalid");
    }

    #[test]
    fn credentials_are_found_in_base64_and_never_masked() {
        let mut r = Redactor::default();
        let secret = Secret::new("mdb_sa_sk_client-secret-value-91c2");
        r.credential(&secret);
        let basic = base64::engine::general_purpose::STANDARD
            .encode("mdb_sa_id_01:mdb_sa_sk_client-secret-value-91c2");
        r.credential(&Secret::new(&basic));
        let shown = r.redact(&format!(
            "got Authorization: Basic {basic} and {}",
            secret.expose()
        ));
        assert_eq!(shown, "got Authorization: Basic [redacted] and [redacted]");
    }

    #[test]
    fn short_fragments_and_other_text_are_left() {
        let shown = redactor().redact("Zx9/q is fine, so is 0022 and plain words");
        assert_eq!(shown, "Zx9/q is fine, so is 0022 and plain words");
        assert!(Redactor::default().hits("anything").is_empty());
    }

    #[test]
    fn hits_never_split_a_character() {
        let mut r = Redactor::default();
        r.credential(&Secret::new("ééééé"));
        let shown = r.redact("aéééééb");
        assert_eq!(shown, "a[redacted]b");
    }
}
