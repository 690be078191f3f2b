//! `tether schema`: the JSON Schema of the file, or of a JSON output.

use crate::cli::SchemaKind;
use crate::output::Printer;

pub fn run(which: SchemaKind, printer: &Printer) {
    printer.data(&match which {
        SchemaKind::File => crate::config::json_schema(),
        SchemaKind::Plan => crate::json::plan_schema(),
        SchemaKind::ApplyReport => crate::json::apply_report_schema(),
        SchemaKind::SavedPlan => crate::json::saved_plan_schema(),
    });
}
