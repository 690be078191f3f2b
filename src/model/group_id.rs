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
            InvalidGroupId::Length(n) => write!(f, "it has {n} characters, not 24"),
            InvalidGroupId::NotHex => f.write_str("it has characters other than 0-9 and a-f"),
            InvalidGroupId::Uppercase => f.write_str("Atlas ids are lowercase"),
        }
    }
}

impl GroupId {
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
        if count != 24 {
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
}
