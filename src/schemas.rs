//! The JSON Schemas of tether's JSON outputs, committed under `schemas/` and
//! guarded by tests. (The file's schema is `config::json_schema`.)

use schemars::JsonSchema;

use crate::engine::ReportDocument;
use crate::json::pretty;
use crate::plan::render::PlanDocument;
use crate::plan::saved::SavedPlan;

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
