//! Finding a field's value by its name, among the values an integration or
//! a log or metric entry holds, each beside its row of the field table.

use super::{EntryField, FieldSpec};

/// A row of a field table.
pub trait Named {
    /// The JSON name, as the file and Atlas write it.
    fn name(&self) -> &'static str;
}

impl Named for FieldSpec {
    fn name(&self) -> &'static str {
        self.name
    }
}

impl Named for EntryField {
    fn name(&self) -> &'static str {
        self.name
    }
}

/// The value of the field called `name`, when `fields` holds it.
pub fn value_named<'v, F: Named, V>(fields: &'v [(&'static F, V)], name: &str) -> Option<&'v V> {
    fields
        .iter()
        .find(|(field, _)| field.name() == name)
        .map(|(_, value)| value)
}
