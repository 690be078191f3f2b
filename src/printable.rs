//! Text from outside (Atlas's answers, names, values) made safe to print on
//! a terminal: control characters, which could move the cursor, recolour or
//! rewrite the screen, are shown as escapes.

use std::borrow::Cow;

/// `text` with every control character but newline and tab written as
/// `\u{1b}`: what the terminal shows cannot be steered by the text.
pub fn printable(text: &str) -> Cow<'_, str> {
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

fn is_unsafe(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(printable("plain\ttext\nnext"), "plain\ttext\nnext");
        assert_eq!(
            printable("a\u{1b}[2Jb\u{0}c\rd\u{9b}e"),
            "a\\u{1b}[2Jb\\u{0}c\\u{d}d\\u{9b}e"
        );
        assert_eq!(printable("naïve ✓"), "naïve ✓");
    }
}
