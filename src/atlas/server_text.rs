//! Text a server sent, made fit to show: known secrets redacted, control
//! characters escaped, and the length capped. Every piece of a server's
//! answer that goes into an [`ApiError`](super::ApiError) message passes
//! through [`server_text`].

use super::redact::Redactor;

/// Bytes of server text kept in a message; the rest is counted.
pub const MAX_SHOWN_BYTES: usize = 2048;

/// `max` bytes of `raw` at most as readable text: secrets `redactor` knows
/// replaced, control characters (C0 but newline and tab, DEL, C1) and the
/// invisible characters that reorder or hide text (bidi controls,
/// zero-width characters) written as `\u{..}`, then `… (N bytes more)`
/// when some was left out. Bytes that are not UTF-8 read as `\u{fffd}`.
pub fn server_text(raw: impl AsRef<[u8]>, redactor: &Redactor, max: usize) -> String {
    let raw = raw.as_ref();
    // Only the start can be shown; what follows it is searched too, so that
    // a secret cut by the cap is still found. Escapes only lengthen text.
    let scanned = raw.len().min(max.saturating_mul(4).max(32 * 1024));
    let text = String::from_utf8_lossy(&raw[..scanned]);
    let hits = redactor.hits(&text);
    let mut hits = hits.iter().peekable();
    let mut out = String::new();
    let mut at = 0;
    while at < text.len() {
        let (piece, next) = match hits.peek() {
            Some(hit) if hit.range.start == at => {
                let piece = hit.replacement.clone();
                let next = hit.range.end;
                hits.next();
                (piece, next)
            }
            _ => {
                let c = text[at..].chars().next().unwrap_or_default();
                (escaped(c), at + c.len_utf8().max(1))
            }
        };
        if out.len() + piece.len() > max {
            break;
        }
        out.push_str(&piece);
        at = next;
    }
    let more = text.len().saturating_sub(at) + (raw.len() - scanned);
    if more > 0 {
        out.push_str(&format!("… ({more} bytes more)"));
    }
    out
}

/// `c`, or `\u{..}` for a character that would act on a terminal or hide.
fn escaped(c: char) -> String {
    if crate::printable::is_unsafe(c) && c != '\n' && c != '\t' {
        format!("\\u{{{:x}}}", c as u32)
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::Secret;

    #[test]
    fn control_characters_are_escaped_and_newlines_kept() {
        let shown = server_text(
            "a\u{1b}[31mred\0\r\u{7f}\u{85}\u{202e}b\nc\td",
            &Redactor::default(),
            100,
        );
        assert_eq!(
            shown,
            "a\\u{1b}[31mred\\u{0}\\u{d}\\u{7f}\\u{85}\\u{202e}b\nc\td"
        );
    }

    #[test]
    fn long_text_is_cut_and_the_rest_counted() {
        let raw = "x".repeat(20 * 1024 * 1024);
        let shown = server_text(&raw, &Redactor::default(), MAX_SHOWN_BYTES);
        assert_eq!(
            shown,
            format!(
                "{}… ({} bytes more)",
                "x".repeat(MAX_SHOWN_BYTES),
                raw.len() - MAX_SHOWN_BYTES
            )
        );
        let escapes = "\0".repeat(10);
        assert_eq!(
            server_text(&escapes, &Redactor::default(), 12),
            "\\u{0}\\u{0}… (8 bytes more)"
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_do_not_stop_it() {
        assert_eq!(
            server_text(b"ok \xff\xfe end", &Redactor::default(), 100),
            "ok \u{fffd}\u{fffd} end"
        );
    }

    #[test]
    fn secrets_are_redacted_even_across_the_cut() {
        let mut redactor = Redactor::default();
        redactor.credential(&Secret::new("private-key-0000-secret-7f3a"));
        let raw = format!("{}private-key-0000-secret-7f3a", "y".repeat(20));
        let shown = server_text(&raw, &redactor, 25);
        assert!(!shown.contains("private-k"), "{shown}");
        assert_eq!(shown, format!("{}… (28 bytes more)", "y".repeat(20)));
    }
}
