use crate::config;
use crate::exit::ExitStatus;
use crate::output::Printer;

pub fn run(printer: &Printer) -> ExitStatus {
    printer.data(&config::json_schema());
    ExitStatus::Success
}
