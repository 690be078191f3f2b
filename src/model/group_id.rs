use std::fmt;
use std::str::FromStr;

/// An Atlas project ("group") id: 24 lowercase hexadecimal characters.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupId(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InvalidGroupId {
    Length(usize),
    NotHex,
    Uppercase,
}

impl fmt::Display for InvalidGroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidGroupId::Length(n) => write!(f, "it has {n} characters, not {}", GroupId::LEN),
            InvalidGroupId::NotHex => f.write_str("it has characters other than 0-9 and a-f"),
            InvalidGroupId::Uppercase => f.write_str("Atlas ids are lowercase"),
        }
    }
}

impl GroupId {
    /// How many characters an id has.
    pub const LEN: usize = 24;

    /// The help for `written`, which is not an id, when it would be one in
    /// lowercase.
    pub fn lowercase_hint(written: &str) -> Option<String> {
        let lowercase = written.to_ascii_lowercase();
        (lowercase != written && lowercase.parse::<GroupId>().is_ok())
            .then(|| format!("did you mean `{lowercase}`? Atlas ids are lowercase"))
    }

    /// An id written as a `${NAME}` that `tether validate --ignore-unset`
    /// kept as written: it stands in the model that command checks and
    /// counts, which is never planned nor sent.
    pub fn placeholder(written: &str) -> GroupId {
        GroupId(written.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for GroupId {
    type Err = InvalidGroupId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let count = s.chars().count();
        if count != GroupId::LEN {
            return Err(InvalidGroupId::Length(count));
        }
        if !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(InvalidGroupId::NotHex);
        }
        if s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(InvalidGroupId::Uppercase);
        }
        Ok(GroupId(s.to_owned()))
    }
}

/// What a value should be the id of, for the help of one that is not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdOf {
    Project,
    Organization,
}

impl IdOf {
    /// What such an id looks like, for the help of a value that is not one.
    pub fn shape(self) -> String {
        let (article, owner) = match self {
            IdOf::Project => ("a", "project"),
            IdOf::Organization => ("an", "organization"),
        };
        format!(
            "{article} {owner} id is {} lowercase hexadecimal characters, as in the {owner}'s \
             Atlas URL",
            GroupId::LEN
        )
    }
}

impl fmt::Display for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_24_lowercase_hex_only() {
        assert!("5f1e3b2c9d8e7f6a5b4c3d2e".parse::<GroupId>().is_ok());
        assert_eq!("5f1e".parse::<GroupId>(), Err(InvalidGroupId::Length(4)));
        assert_eq!(
            "5f1e3b2c9d8e7f6a5b4c3d2g".parse::<GroupId>(),
            Err(InvalidGroupId::NotHex)
        );
        assert_eq!(
            "5F1E3B2C9D8E7F6A5B4C3D2E".parse::<GroupId>(),
            Err(InvalidGroupId::Uppercase)
        );
    }

    #[test]
    fn an_id_in_capitals_is_offered_in_lowercase_and_nothing_else_is() {
        assert_eq!(
            GroupId::lowercase_hint("5F1E3B2C9D8E7F6A5B4C3D2E").as_deref(),
            Some("did you mean `5f1e3b2c9d8e7f6a5b4c3d2e`? Atlas ids are lowercase")
        );
        assert_eq!(GroupId::lowercase_hint("5f1e3b2c9d8e7f6a5b4c3d2e"), None);
        assert_eq!(GroupId::lowercase_hint("5F1E"), None);
        assert_eq!(GroupId::lowercase_hint("5F1E3B2C9D8E7F6A5B4C3D2G"), None);
    }
}
