//! `tether schema`: the JSON Schema of the file, or of a JSON output.

use crate::cli::SchemaKind;
use crate::output::Printer;

pub fn run(which: SchemaKind, printer: &Printer) {
    printer.data(&match which {
        SchemaKind::File => crate::config::json_schema(),
        SchemaKind::Plan => crate::schemas::plan_schema(),
        SchemaKind::ApplyReport => crate::schemas::apply_report_schema(),
        SchemaKind::SavedPlan => crate::schemas::saved_plan_schema(),
    });
}
