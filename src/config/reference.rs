//! The reference of integration types and fields in docs/file.md, generated
//! from the model table so that the documentation cannot drift from the code.

use crate::model::{FieldKind, IntegrationType, Lifecycle, ReadBack, Required, spec};

/// A markdown table per integration type.
pub fn fields_markdown() -> String {
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
