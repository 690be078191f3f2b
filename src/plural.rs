//! Counted nouns in messages: "1 project", "2 projects".

/// `n` and the noun that goes with it: `one` for 1, else `many`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// The noun alone: `one` for 1, else `many`.
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}
