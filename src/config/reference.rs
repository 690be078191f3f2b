//! The reference of integration types and fields in docs/file.md, generated
//! from the model tables so that the documentation cannot drift from the code.

use crate::model::{
    Answered, EntryField, EntryKind, Family, FieldKind, IntegrationType, Lifecycle,
    MAX_HEADER_BYTES, ReadBack, Required, Shape, spec,
};

/// A markdown table per integration type, then per kind of log and metric
/// integration.
pub fn fields_markdown() -> String {
    let mut out = integration_tables();
    out.push_str(&family_tables());
    out
}

fn integration_tables() -> String {
    let mut out = String::new();
    for kind in IntegrationType::ALL {
        let type_spec = spec(kind);
        out.push_str(&format!("### `{kind}`\n\n{}\n\n", type_spec.doc));
        if type_spec.lifecycle == Lifecycle::Retired {
            out.push_str("Only `absent` is accepted.\n\n");
            continue;
        }
        out.push_str("| Field | Kind | Required | Values (default) | Secret | API |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for field in type_spec.fields {
            let kind_name = match field.kind {
                FieldKind::String => "string",
                FieldKind::Bool => "boolean",
            };
            let required = match field.required {
                Required::Always => "yes",
                Required::Optional => "no",
                Required::ToWrite => "to write",
            };
            let mut values = field
                .allowed
                .iter()
                .map(|v| format!("`{v}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if let Some(default) = field.default {
                let default = match default {
                    crate::model::DefaultValue::Str(s) => s.to_owned(),
                    crate::model::DefaultValue::Bool(b) => b.to_string(),
                };
                if !values.is_empty() {
                    values.push(' ');
                }
                values.push_str(&format!("(`{default}`)"));
            }
            let secret = match (field.sensitive, field.read_back) {
                (false, _) => "",
                (true, ReadBack::Masked) => "yes, Atlas masks it",
                (true, ReadBack::UrlMasked) => "yes, Atlas masks the URL",
                (true, ReadBack::Never) => "yes, Atlas never returns it",
                (true, ReadBack::Clear) => "yes",
            };
            let api = if field.v2_only { "v2 only" } else { "" };
            out.push_str(&format!(
                "| `{}` | {kind_name} | {required} | {values} | {secret} | {api} |\n",
                field.name
            ));
        }
        out.push('\n');
    }
    out
}

fn family_tables() -> String {
    let mut out = String::new();
    for family in Family::ALL {
        let section = family.section();
        match family {
            Family::Log => out.push_str(&format!(
                "### Log integrations (`{section}`)\n\nA list, several per project; each entry \
                 names its `type`.\n\n"
            )),
            Family::Metric => out.push_str(&format!(
                "### Metric integrations (`{section}`)\n\nA list, several per project; \
                 `{}: {}` may be written, its only value.\n\n",
                family.discriminator(),
                EntryKind::Metric
            )),
        }
        out.push_str(&format!(
            "The list is taken whole from the most specific layer that has one (the \
             project's own, else the last template in `use` order, else `defaults`); \
             `{section}: []` means none, and a project whose layers never mention it leaves \
             Atlas's as it is. An entry is matched to a live one by its identity fields \
             (marked below), or pinned with `id:` (the {} hexadecimal digits Atlas assigned \
             it). Secrets come from `${{NAME}}` only.\n\n",
            crate::model::GroupId::LEN
        ));
        for kind in family.kinds() {
            let heading = match family {
                Family::Log => format!("#### `{kind}`\n\n"),
                Family::Metric => String::new(),
            };
            out.push_str(&format!("{heading}{}\n\n", kind.doc()));
            out.push_str("| Field | Kind | Required | Values | Secret | Identity |\n");
            out.push_str("|---|---|---|---|---|---|\n");
            for field in kind.fields() {
                out.push_str(&entry_row(field));
            }
            out.push('\n');
        }
    }
    out.push_str(
        "### `push_based_log_export`\n\n`push_based_log_export: absent` removes the deprecated \
         push-based log export of the project, once an `S3_LOG_EXPORT` log integration of it \
         exists. It has no other value.\n\n",
    );
    out
}

fn entry_row(field: &EntryField) -> String {
    let quoted = |values: &[&str]| {
        values
            .iter()
            .map(|v| format!("`{v}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (kind, mut values) = match field.shape {
        Shape::Text => ("string", String::new()),
        Shape::Bool => ("boolean", String::new()),
        Shape::Enum(values) => ("string", quoted(values)),
        Shape::Hex24 => ("24 hexadecimal digits", String::new()),
        Shape::Set { values, min, max } => (
            "list, each once",
            format!("{min} to {max} of {}", quoted(values)),
        ),
        Shape::Headers { min, max } => (
            "list of `name`, `value`",
            format!("{min} to {max}, {MAX_HEADER_BYTES} bytes in all"),
        ),
    };
    let mut limits = Vec::new();
    if field.https {
        limits.push("an `https://` URL".to_owned());
    }
    if let Some(max) = field.max_length {
        limits.push(format!("at most {max} characters"));
    }
    if let Some(only) = field.only_value {
        limits.push(format!("`{only}` if left out"));
    }
    if !limits.is_empty() {
        if !values.is_empty() {
            values.push_str("; ");
        }
        values.push_str(&limits.join(", "));
    }
    let required = if field.required && field.only_value.is_none() {
        "yes"
    } else {
        "no"
    };
    let secret = match field.answered {
        Answered::Masked => "yes, Atlas masks it",
        Answered::HeaderNames(_) => "the values; Atlas never returns them",
        Answered::Clear => "",
    };
    let identity = if field.identity { "yes" } else { "" };
    format!(
        "| `{}` | {kind} | {required} | {values} | {secret} | {identity} |\n",
        field.name
    )
}
