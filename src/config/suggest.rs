//! "Did you mean" for keys and values that are almost right.

/// The candidate closest to `input`, if one is close enough to be a likely
/// typo: equal apart from case, `_` and `-`, or within a small edit distance.
pub fn did_you_mean<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let folded = fold(input);
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if fold(candidate) == folded {
            return Some(candidate);
        }
        let score = strsim::jaro_winkler(&input.to_lowercase(), &candidate.to_lowercase());
        if score >= 0.85 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The help for a value that is not one of `candidates`: "did you mean" the
/// closest, or else `otherwise`.
pub fn guess_or<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    match did_you_mean(input, candidates) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None => otherwise(),
    }
}

fn fold(s: &str) -> String {
    s.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// `a`, `b` or `c`, each in backticks.
pub fn one_of(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos_and_other_spellings() {
        let types = ["PAGER_DUTY", "SLACK", "DATADOG", "OPS_GENIE"];
        assert_eq!(did_you_mean("PAGERDUTY", types), Some("PAGER_DUTY"));
        assert_eq!(did_you_mean("pager_duty", types), Some("PAGER_DUTY"));
        assert_eq!(did_you_mean("DATADOGG", types), Some("DATADOG"));
        assert_eq!(did_you_mean("OPSGENIE", types), Some("OPS_GENIE"));
        assert_eq!(did_you_mean("GITHUB", types), None);
        assert_eq!(
            did_you_mean("servicekey", ["serviceKey", "region"]),
            Some("serviceKey")
        );
    }

    #[test]
    fn lists_values() {
        assert_eq!(one_of(&["US"]), "`US`");
        assert_eq!(one_of(&["US", "EU", "AP1"]), "`US`, `EU` or `AP1`");
    }
}
