//! Where `${NAME}` finds its value, in order: the process environment,
//! `TETHER_SECRETS_JSON` (one JSON object of names to strings: one CI secret
//! instead of hundreds), then each `--secrets FILE` (a flat YAML or JSON
//! mapping). The first source that has the name wins. No message here ever
//! quotes a value: only names, files and places.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::interpolate::{Env, NotUnicode, ProcessEnv};
use super::lines::LineIndex;
use super::tree::{self, NodeValue, SyntaxError};
use crate::printable::one_line;
use crate::regular_file;

/// The variable that holds a JSON object of secrets.
pub const SECRETS_JSON: &str = "TETHER_SECRETS_JSON";

/// A secrets file larger than this is refused: a secret for each of
/// thousands of integrations is well under a megabyte.
pub const MAX_SECRETS_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Every source, read once.
#[derive(Default)]
pub struct SecretSources {
    env: ProcessEnv,
    /// Each source after the environment, in order, with its name.
    maps: Vec<(String, HashMap<String, String>)>,
}

/// A source that cannot be read: what, then what to do. Never a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceError {
    pub message: String,
    pub hint: String,
}

impl SecretSources {
    /// Reads `TETHER_SECRETS_JSON` (through `var`) and every file, and
    /// returns warnings about them (a file others can read).
    pub fn read(
        var: impl Fn(&str) -> Option<String>,
        files: &[PathBuf],
    ) -> Result<(SecretSources, Vec<String>), SourceError> {
        let mut maps = Vec::new();
        if let Some(json) = var(SECRETS_JSON).filter(|text| !text.trim().is_empty()) {
            maps.push((format!("`{SECRETS_JSON}`"), json_object(&json)?));
        }
        let mut warnings = Vec::new();
        for path in files {
            let (map, warning) = secrets_file(path)?;
            maps.push((format!("`{}`", path.display()), map));
            warnings.extend(warning);
        }
        Ok((
            SecretSources {
                env: ProcessEnv::default(),
                maps,
            },
            warnings,
        ))
    }
}

impl Env for SecretSources {
    fn var(&self, name: &str) -> Result<Option<String>, NotUnicode> {
        if let Some(value) = self.env.var(name)? {
            return Ok(Some(value));
        }
        Ok(self.maps.iter().find_map(|(_, map)| map.get(name).cloned()))
    }
}

fn json_object(text: &str) -> Result<HashMap<String, String>, SourceError> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| SourceError {
        // serde_json's own message may quote the text: only its place is kept.
        message: format!(
            "`{SECRETS_JSON}` is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ),
        hint: format!("set `{SECRETS_JSON}` to one JSON object, such as {{\"PD_KEY\": \"...\"}}"),
    })?;
    if !value.is_object() {
        return Err(SourceError {
            message: format!("`{SECRETS_JSON}` is JSON but not an object of names to strings"),
            hint: format!(
                "set `{SECRETS_JSON}` to one JSON object, such as {{\"PD_KEY\": \"...\"}}"
            ),
        });
    }
    // Read again entry by entry: a JSON object keeps only the last of two
    // equal names, and which value a name gets must never be a guess.
    let Entries(entries) = serde_json::from_str(text).map_err(|err| SourceError {
        message: format!(
            "`{SECRETS_JSON}` cannot be read (line {}, column {})",
            err.line(),
            err.column()
        ),
        hint: format!("set `{SECRETS_JSON}` to one JSON object, such as {{\"PD_KEY\": \"...\"}}"),
    })?;
    let mut map = HashMap::with_capacity(entries.len());
    for (name, value) in entries {
        let serde_json::Value::String(text) = value else {
            return Err(SourceError {
                message: format!("`{}` in `{SECRETS_JSON}` is not a string", one_line(&name)),
                hint: "give every name a string value".to_owned(),
            });
        };
        if map.contains_key(&name) {
            return Err(SourceError {
                message: format!("`{}` is written twice in `{SECRETS_JSON}`", one_line(&name)),
                hint: "keep one of the two".to_owned(),
            });
        }
        map.insert(name, text);
    }
    Ok(map)
}

/// A JSON object's entries in order, equal names kept.
struct Entries(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of names to strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Entries, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

/// A flat YAML (or JSON) mapping of names to strings, and a warning when
/// group or others may read it.
fn secrets_file(path: &Path) -> Result<(HashMap<String, String>, Option<String>), SourceError> {
    let shown = path.display();
    let text =
        regular_file::read_text(path, MAX_SECRETS_FILE_BYTES).map_err(|err| SourceError {
            message: format!("the secrets file `{shown}` {err}"),
            hint: "check the path given to `--secrets` or `TETHER_SECRETS_FILE`".to_owned(),
        })?;
    let place = |offset: usize| {
        let at = LineIndex::new(&text).origin(&text, offset);
        format!("{shown}:{}:{}", at.line, at.column)
    };
    let flat = "a secrets file is a flat mapping of `NAME: value` lines (YAML) or one JSON \
                object of names to strings";
    let root = match tree::parse(&text) {
        Ok(Some(root)) => root,
        Ok(None) => return Ok((HashMap::new(), permission_warning(path))),
        Err(err) => {
            return Err(SourceError {
                message: format!(
                    "the secrets file `{shown}` is not YAML or JSON ({})",
                    place(syntax_offset(&err))
                ),
                hint: flat.to_owned(),
            });
        }
    };
    let NodeValue::Map(entries) = root.value else {
        return Err(SourceError {
            message: format!(
                "the secrets file `{shown}` holds {}, not a mapping of names to values",
                root.value.describe()
            ),
            hint: flat.to_owned(),
        });
    };
    let mut map = HashMap::with_capacity(entries.len());
    for (key, value) in entries {
        let text = match &value.value {
            NodeValue::String(text) | NodeValue::Number(text) => text.to_string(),
            other => {
                return Err(SourceError {
                    message: format!(
                        "`{}` in the secrets file ({}) is {}, not a string",
                        one_line(&key.text),
                        place(value.span.start),
                        other.describe()
                    ),
                    hint: flat.to_owned(),
                });
            }
        };
        if map.insert(key.text.to_string(), text).is_some() {
            return Err(SourceError {
                message: format!(
                    "`{}` is written twice in the secrets file ({})",
                    one_line(&key.text),
                    place(key.span.start)
                ),
                hint: "keep one of the two".to_owned(),
            });
        }
    }
    Ok((map, permission_warning(path)))
}

fn syntax_offset(err: &SyntaxError) -> usize {
    err.span().start
}

#[cfg(unix)]
fn permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| {
        format!(
            "warning: the secrets file `{}` can be read by group or others (mode {mode:o})\n  \
             hint: `chmod 600 {}`\n",
            path.display(),
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permission_warning(_path: &Path) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json(json: &str) -> Result<SecretSources, SourceError> {
        SecretSources::read(|name| (name == SECRETS_JSON).then(|| json.to_owned()), &[])
            .map(|(sources, _)| sources)
    }

    #[test]
    fn a_name_written_twice_in_the_json_variable_is_refused_by_name() {
        let err = from_json(
            r#"{"PD_KEY": "first-value-0001", "OTHER": "x", "PD_KEY": "second-value-0002"}"#,
        )
        .err()
        .expect("refused");
        assert_eq!(
            err.message,
            "`PD_KEY` is written twice in `TETHER_SECRETS_JSON`"
        );
        for text in [&err.message, &err.hint] {
            assert!(!text.contains("value-000"), "{text}");
        }
        assert!(err.hint.contains("keep one"), "{}", err.hint);
    }

    #[test]
    fn names_in_messages_are_one_line() {
        let err = from_json("{\"PD\\nKEY\": 5}").err().expect("refused");
        assert_eq!(
            err.message,
            "`PD\\u{a}KEY` in `TETHER_SECRETS_JSON` is not a string"
        );
        let twice = from_json("{\"A\\u202e\": \"x\", \"A\\u202e\": \"y\"}")
            .err()
            .expect("refused");
        assert_eq!(
            twice.message,
            "`A\\u{202e}` is written twice in `TETHER_SECRETS_JSON`"
        );
    }

    #[test]
    fn distinct_names_are_read() {
        let sources = from_json(r#"{"A": "1", "B": "2"}"#).expect("read");
        assert_eq!(sources.maps[0].1.get("B").map(String::as_str), Some("2"));
    }
}
