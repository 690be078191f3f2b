//! Secrets, and Atlas's rules for masking them. The mask is behaviour Atlas
//! has changed before (a shorter fixed mask, once values in clear), so every
//! rule about it lives in this file and nowhere else.

use std::collections::HashMap;
use std::fmt;

/// A secret value. It cannot be printed: `Debug` shows a placeholder and there
/// is no `Display`. The plan compares it through [`Secret::matches_mask`]
/// and shows it through [`Secret::mask`]; a saved plan keeps only
/// [`Secret::salted_hash`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value itself, for what must send it: a request body or header
    /// (`atlas`), and the simulator, which plays Atlas and keeps it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn char_len(&self) -> usize {
        self.0.chars().count()
    }

    /// Whether `text` is this very value (Atlas returned it in clear).
    pub fn is(&self, text: &str) -> bool {
        self.0 == text
    }

    /// The value as output shows it: Atlas's mask (see [`mask`]), or only
    /// stars for a value of [`SHORT_SECRET`] characters or fewer, whose last
    /// four would give away too much of it.
    pub fn mask(&self) -> String {
        shown_mask(&self.0)
    }

    /// Atlas's mask of this value as a URL (see [`url_mask`]).
    pub fn url_mask(&self) -> String {
        url_mask(&self.0)
    }

    /// Whether the masked value Atlas returned is consistent with this value:
    /// same length and last four (for URLs, scheme, host and last four). A
    /// mask cannot prove equality; a mismatch proves a change.
    pub fn matches_mask(&self, live_masked: &str) -> bool {
        compare_masked(&self.0, live_masked) == MaskMatch::Consistent
    }

    /// Argon2id of the value with `salt`, hex: what a saved plan keeps to
    /// notice that a value changed without keeping the value. Slow on
    /// purpose (see [`SALTED_HASH_PARAMS`]): the salt is stored beside the
    /// hash, and a short secret behind a fast hash is found by trying them
    /// all.
    pub fn salted_hash(&self, salt: &str) -> String {
        let (memory_kib, passes, lanes) = SALTED_HASH_PARAMS;
        let params = argon2::Params::new(memory_kib, passes, lanes, Some(32))
            .expect("the parameters are within Argon2's bounds");
        let hasher =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = [0u8; 32];
        hasher
            .hash_password_into(self.0.as_bytes(), salt.as_bytes(), &mut out)
            .expect("a salt of 8 bytes or more and a 32-byte output are valid");
        out.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Argon2id's memory (KiB), passes and lanes for [`Secret::salted_hash`]:
/// OWASP's minimum for password storage (19 MiB, 2 passes, 1 lane).
pub const SALTED_HASH_PARAMS: (u32, u32, u32) = (19 * 1024, 2, 1);

/// Secrets this short are shown as stars only.
pub const SHORT_SECRET: usize = 8;

/// How output shows a value Atlas masks: its mask, or stars only when the
/// value is short.
pub fn shown_mask(value: &str) -> String {
    let len = value.chars().count();
    if len <= SHORT_SECRET {
        MASK_CHAR.to_string().repeat(len)
    } else {
        mask(value)
    }
}

/// The secrets of a file, to hide wherever they stand in text tether did not
/// write: a key Atlas keeps in a plain field (a Slack channel name holding
/// the PagerDuty key), an event's author, a project's name. A fleet has
/// thousands of secrets and a plan thousands of values: each value is
/// scanned once, looking its positions up by the next few bytes, rather than
/// searched once per secret.
#[derive(Clone, Default)]
pub struct KnownSecrets {
    /// Secrets of [`PREFIX`] bytes or more by their first bytes, longest
    /// first, so that a secret holding another is hidden whole.
    by_prefix: HashMap<[u8; PREFIX], Vec<Secret>>,
    /// The shorter ones, longest first.
    short: Vec<Secret>,
}

/// The bytes a position of text is looked up by.
const PREFIX: usize = 4;

/// How many secrets, never a byte of one (the index keys are secrets'
/// first bytes).
impl fmt::Debug for KnownSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.by_prefix.values().map(Vec::len).sum::<usize>() + self.short.len();
        write!(f, "KnownSecrets({count} secrets)")
    }
}

impl KnownSecrets {
    pub fn new(secrets: impl IntoIterator<Item = Secret>) -> Self {
        let mut secrets: Vec<Secret> = secrets
            .into_iter()
            .filter(|s| !s.expose().is_empty())
            .collect();
        secrets.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        secrets.dedup();
        let mut known = KnownSecrets::default();
        for secret in secrets {
            match secret.0.as_bytes().first_chunk::<PREFIX>() {
                Some(prefix) => known.by_prefix.entry(*prefix).or_default().push(secret),
                None => known.short.push(secret),
            }
        }
        known
    }

    pub fn is_empty(&self) -> bool {
        self.by_prefix.is_empty() && self.short.is_empty()
    }

    /// `text` with every occurrence of a known secret replaced by its mask
    /// (see [`Secret::mask`]), when it holds one.
    fn hide(&self, text: &str) -> Option<String> {
        let bytes = text.as_bytes();
        let mut hidden: Option<String> = None;
        let (mut at, mut i) = (0, 0);
        while let Some(window) = bytes.get(i..).and_then(<[u8]>::first_chunk::<PREFIX>) {
            // A secret is valid UTF-8, so a match never starts inside a
            // character of `text`.
            let found = self.by_prefix.get(window).and_then(|candidates| {
                candidates
                    .iter()
                    .find(|s| bytes[i..].starts_with(s.0.as_bytes()))
            });
            match found {
                Some(secret) => {
                    let out = hidden.get_or_insert_with(String::new);
                    out.push_str(&text[at..i]);
                    out.push_str(&secret.mask());
                    i += secret.0.len();
                    at = i;
                }
                None => i += 1,
            }
        }
        if let Some(out) = &mut hidden {
            out.push_str(&text[at..]);
        }
        for secret in &self.short {
            let current = hidden.as_deref().unwrap_or(text);
            if current.contains(secret.expose()) {
                hidden = Some(current.replace(secret.expose(), &secret.mask()));
            }
        }
        hidden
    }

    /// Every known secret in `text` replaced by its mask.
    pub fn hide_in(&self, text: &mut String) {
        if let Some(hidden) = self.hide(text) {
            *text = hidden;
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

const MASK_CHAR: char = '*';
const SHOWN_TAIL: usize = 4;
const URL_MASK: &str = "****";

/// The last `SHOWN_TAIL` characters of a value.
fn tail(value: &str) -> &str {
    let start = value
        .char_indices()
        .rev()
        .nth(SHOWN_TAIL - 1)
        .map_or(0, |(i, _)| i);
    &value[start..]
}

/// Atlas's mask of a secret: the length is kept and every character but the
/// last four becomes `*`. Values of four characters or fewer are fully masked
/// (unverified against Atlas; the safe reading).
pub fn mask(value: &str) -> String {
    let len = value.chars().count();
    if len <= SHOWN_TAIL {
        return MASK_CHAR.to_string().repeat(len);
    }
    let mut masked = MASK_CHAR.to_string().repeat(len - SHOWN_TAIL);
    masked.push_str(tail(value));
    masked
}

/// Atlas's mask of a URL: `scheme://host/`, then `****`, then the last four
/// characters of the whole URL. A port is kept with the host and credentials
/// in the authority are dropped (both unverified against Atlas). A URL whose
/// credentials hold `/`, `?` or `#` has no clear host: it is masked as well,
/// so that no part of the credentials is ever shown.
pub fn url_mask(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return mask(url);
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None if has_hidden_userinfo(rest, authority) => URL_MASK,
        None => authority,
    };
    format!("{scheme}://{host}/{URL_MASK}{}", tail(url))
}

/// Whether what looks like the authority may be the start of credentials
/// that hold `/`, `?` or `#`: an `@` before any query or fragment, or a
/// `user:password` where a port would be.
fn has_hidden_userinfo(rest: &str, authority: &str) -> bool {
    let before_query = rest.split(['?', '#']).next().unwrap_or("");
    let not_a_port = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.chars().all(|c| c.is_ascii_digit()));
    before_query.contains('@') || not_a_port
}

/// True when a value read from Atlas has the shape of one of its masks, which
/// happens for fields documented as returned in clear if Atlas starts masking
/// them.
pub fn looks_masked(value: &str) -> bool {
    value.contains("****") || (!value.is_empty() && value.chars().all(|c| c == MASK_CHAR))
}

/// Whether a secret field's value as Atlas returned it is one of its masks
/// and so tells no more than output shows: every character but the last
/// four a `*`, longer than [`SHORT_SECRET`] (output shows only stars for
/// shorter ones), or `scheme://host/****` and the last four. Anything else
/// may be the secret in clear.
pub fn shows_only_mask(value: &str) -> bool {
    let plain = value.chars().count() > SHORT_SECRET && mask(value) == value;
    plain || (value.contains("://") && url_mask(value) == value)
}

/// How a desired secret relates to the masked value Atlas returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaskMatch {
    /// Same length and last four (or same scheme, host and last four): most
    /// likely unchanged, but a mask cannot prove equality.
    Consistent,
    /// Certainly a different value.
    Different,
}

/// Compares a desired secret with a value Atlas returned masked.
pub fn compare_masked(desired: &str, live_masked: &str) -> MaskMatch {
    // A plain mask can contain `://` too, when the secret's last four do.
    let consistent = (live_masked.contains("://") && url_mask(desired) == live_masked)
        || compare_plain_mask(desired, live_masked);
    if consistent {
        MaskMatch::Consistent
    } else {
        MaskMatch::Different
    }
}

fn compare_plain_mask(desired: &str, live_masked: &str) -> bool {
    if mask(desired) == live_masked {
        return true;
    }
    // Older Atlas answers used a fixed-width mask (`******7890`) that does not
    // keep the length: only the last four can be compared then.
    let live_len = live_masked.chars().count();
    let stars = live_masked.chars().take_while(|&c| c == MASK_CHAR).count();
    let fixed_width = stars == 6 && live_len == 6 + SHOWN_TAIL;
    fixed_width && desired.chars().count() > SHOWN_TAIL && tail(desired) == tail(live_masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_hidden_wherever_they_stand_longest_first() {
        let known = KnownSecrets::new([
            Secret::new("pd-key-0123456789abcdef"),
            Secret::new("pd-key-0123"),
            Secret::new("abc"),
        ]);
        let mut text = "x pd-key-0123456789abcdef, pd-key-0123 and abc é".to_owned();
        known.hide_in(&mut text);
        assert_eq!(
            text,
            format!(
                "x {}, {} and *** é",
                Secret::new("pd-key-0123456789abcdef").mask(),
                Secret::new("pd-key-0123").mask()
            )
        );
        let mut plain = "nothing here: pd-key".to_owned();
        known.hide_in(&mut plain);
        assert_eq!(plain, "nothing here: pd-key");
    }

    #[test]
    fn mask_keeps_length_and_last_four() {
        let key = "0123456789abcdef0123456789a1b2";
        let masked = mask(key);
        assert_eq!(masked.len(), key.len());
        assert!(masked.ends_with("a1b2"));
        assert_eq!(masked.trim_end_matches("a1b2"), "*".repeat(key.len() - 4));
    }

    #[test]
    fn short_values_are_fully_masked() {
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask("ab"), "**");
        assert_eq!(mask(""), "");
    }

    #[test]
    fn mask_counts_characters_not_bytes() {
        assert_eq!(mask("ééééé1234"), "*****1234");
        assert_eq!(mask("xxé1éé"), "**é1éé");
    }

    #[test]
    fn url_mask_keeps_scheme_and_host_only() {
        assert_eq!(
            url_mask("https://example.com/hooks/abc/2101"),
            "https://example.com/****2101"
        );
        assert_eq!(
            url_mask("https://user:pw@example.com:8443/x?token=secret9876"),
            "https://example.com:8443/****9876"
        );
        assert_eq!(url_mask("not a url at all"), mask("not a url at all"));
    }

    #[test]
    fn compare_through_masks() {
        let key = "0123456789abcdef0123456789abcdef";
        assert_eq!(compare_masked(key, &mask(key)), MaskMatch::Consistent);
        let other = "ffffffffffffffffffffffffffffffff";
        assert_eq!(compare_masked(other, &mask(key)), MaskMatch::Different);
        assert_eq!(compare_masked("short", &mask(key)), MaskMatch::Different);
        assert_eq!(compare_masked(key, "******cdef"), MaskMatch::Consistent);
        assert_eq!(compare_masked(key, "******abcd"), MaskMatch::Different);
        let url = "https://hooks.example.com/services/T000/B000/XXXX2101";
        assert_eq!(compare_masked(url, &url_mask(url)), MaskMatch::Consistent);
        assert_eq!(
            compare_masked("https://other.example.com/x/2101", &url_mask(url)),
            MaskMatch::Different
        );
    }

    #[test]
    fn a_plain_mask_ending_like_a_url_still_matches() {
        for key in ["opsgenie-key://x", "k://", "abc://d/"] {
            assert_eq!(
                compare_masked(key, &mask(key)),
                MaskMatch::Consistent,
                "{key}"
            );
        }
        assert_eq!(
            compare_masked("other-key://x", &mask("opsgenie-key://x")),
            MaskMatch::Different
        );
    }

    #[test]
    fn looks_masked_recognizes_masks() {
        assert!(looks_masked(&mask("0123456789")));
        assert!(looks_masked(&url_mask("https://example.com/abcdef")));
        assert!(looks_masked("****"));
        assert!(!looks_masked("0123456789"));
        assert!(!looks_masked(""));
    }

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::new("hunter2-very-secret");
        assert!(!format!("{s:?}").contains("hunter2"));
    }
}

#[cfg(test)]
mod hashing_and_showing {
    use super::*;

    #[test]
    fn salted_hash_is_argon2id_with_the_documented_parameters() {
        let secret = Secret::new("hunter42");
        let hash = secret.salted_hash("0123456789abcdef0123456789abcdef");
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, secret.salted_hash("0123456789abcdef0123456789abcdef"));
        assert_ne!(hash, secret.salted_hash("fedcba9876543210fedcba9876543210"));
        let (memory, passes, lanes) = SALTED_HASH_PARAMS;
        let mut expected = [0u8; 32];
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(memory, passes, lanes, Some(32)).expect("params"),
        )
        .hash_password_into(
            b"hunter42",
            b"0123456789abcdef0123456789abcdef",
            &mut expected,
        )
        .expect("hashes");
        let expected: String = expected.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hash, expected);
        assert!(
            memory >= 19 * 1024 && passes >= 2,
            "OWASP's minimum or more"
        );
    }

    #[test]
    fn only_a_mask_shows_only_a_mask() {
        let key = "0123456789abcdef0123456789abcdef";
        assert!(shows_only_mask(&mask(key)));
        assert!(shows_only_mask(&url_mask(
            "https://hooks.example.com/x/abcd"
        )));
        for clear in [
            key,
            "****abcd",
            "*****bcd",
            "abcd",
            "",
            "https://hooks.example.com/x/abcd",
            "**********ab*d1234",
        ] {
            assert!(!shows_only_mask(clear), "{clear}");
        }
    }

    #[test]
    fn short_secrets_show_no_character() {
        for value in ["a", "abcd", "abcdefgh"] {
            let shown = Secret::new(value).mask();
            assert!(shown.chars().all(|c| c == '*'), "{value}: {shown}");
        }
        assert_eq!(Secret::new("abcdefghi").mask(), "*****fghi");
    }

    #[test]
    fn url_masks_never_show_credentials() {
        for url in [
            "https://user:pa/ss@hooks.example.com/path/abcd",
            "https://user:pa?ss@hooks.example.com/path/abcd",
            "https://user:pa#ss@hooks.example.com/path/abcd",
            "https://us/er@hooks.example.com/path/abcd",
            "https://user:password@hooks.example.com/path/abcd",
        ] {
            let masked = url_mask(url);
            assert!(!masked.contains("user"), "{url}: {masked}");
            assert!(!masked.contains("pa"), "{url}: {masked}");
            assert!(!masked.contains("us/er"), "{url}: {masked}");
            assert!(masked.ends_with("abcd"), "{url}: {masked}");
        }
        assert_eq!(
            url_mask("https://hooks.example.com:8443/x?to=a@b.example/abcd"),
            "https://hooks.example.com:8443/****abcd"
        );
    }
}
