//! JSON for machines: one way to print a document, and the JSON Schemas of
//! tether's JSON outputs, committed under `schemas/` and guarded by tests.

use schemars::JsonSchema;
use serde::Serialize;

use crate::engine::ReportDocument;
use crate::plan::render::PlanDocument;
use crate::plan::saved::SavedPlan;

/// Pretty-printed JSON with a final newline.
pub fn pretty(value: &impl Serialize) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("tether's documents serialize");
    text.push('\n');
    text
}

fn schema_of<T: JsonSchema>() -> String {
    let schema = schemars::generate::SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<T>();
    pretty(&schema)
}

/// `schemas/plan.schema.json`: `tether plan --output json`.
pub fn plan_schema() -> String {
    schema_of::<PlanDocument>()
}

/// `schemas/apply-report.schema.json`: `tether apply --output json`.
pub fn apply_report_schema() -> String {
    schema_of::<ReportDocument>()
}

/// `schemas/saved-plan.schema.json`: the file `tether plan --out` writes.
pub fn saved_plan_schema() -> String {
    schema_of::<SavedPlan>()
}
