//! `tether schema`: the JSON Schema of the file.

use crate::output::Printer;

pub fn run(printer: &Printer) {
    printer.data(&crate::config::json_schema());
}
