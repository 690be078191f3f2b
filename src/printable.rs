//! Text from outside (Atlas's answers, names, values, the environment) made
//! safe to print: characters that could move the cursor, recolour or
//! rewrite the screen, reorder or hide text, or start a new line are shown
//! as escapes.

use std::borrow::Cow;
use std::path::Path;

/// `text` as one line that cannot be mistaken for anything tether writes:
/// every control character (newline, carriage return and tab included) and
/// every invisible character that reorders or hides text written as
/// `\u{1b}`, so what the terminal shows cannot be steered by the text.
/// Every rendering shows a value from outside this way, within a line of
/// tether's own; text that spans lines (a template) is shown line by line.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A path (a flag's value, a directory's entry) for a message, as
/// [`one_line`] shows outside text.
pub fn path(path: &Path) -> String {
    one_line(&path.display().to_string()).into_owned()
}

/// A control character (C0, DEL, C1, line and paragraph separators), or a
/// character that reorders or hides text: the bidi controls (U+061C,
/// U+200E-U+200F, U+202A-U+202E, U+2066-U+2069), the zero-width characters
/// (U+200B-U+200D, U+2060-U+2064) and the byte-order mark.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            one_line("a\u{1b}[2Jb\u{0}c\rd\u{9b}e"),
            "a\\u{1b}[2Jb\\u{0}c\\u{d}d\\u{9b}e"
        );
        assert_eq!(one_line("naïve ✓"), "naïve ✓");
    }

    #[test]
    fn invisible_characters_that_reorder_or_hide_text_are_escaped() {
        assert_eq!(
            one_line("a\u{202e}b\u{2066}c\u{200b}d\u{feff}e\u{2028}f"),
            "a\\u{202e}b\\u{2066}c\\u{200b}d\\u{feff}e\\u{2028}f"
        );
    }

    #[test]
    fn one_line_escapes_line_breaks_and_tabs_too() {
        assert_eq!(
            one_line("name\n✓ update PAGER_DUTY: done\r\tx"),
            "name\\u{a}✓ update PAGER_DUTY: done\\u{d}\\u{9}x"
        );
        assert_eq!(one_line("plain name-1"), "plain name-1");
    }
}
