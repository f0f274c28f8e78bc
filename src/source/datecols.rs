//! Reading the date columns of an export, with the day/month order decided per column.
//!
//! Order of evidence for numeric dates (`04/05/2017`): the column's own values; then the
//! other date columns of the same file (one spreadsheet wrote them all); then `date-order`
//! from the config; else an error naming the column.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::table::{Row, Table};
use crate::dates::{self, ColumnOrder, DateError, DateOrder, Parsed};
use crate::error::{Error, Location, Result};
use crate::text::quote;

pub(super) struct DateReader<'t> {
    table: &'t Table,
    /// By column index; `None` where no order is known or the column is not a date.
    orders: Vec<Option<DateOrder>>,
    tz: Tz,
}

impl<'t> DateReader<'t> {
    pub(super) fn new(
        table: &'t Table,
        columns: &[usize],
        configured: Option<DateOrder>,
        tz: Tz,
    ) -> Result<Self> {
        // One column per core: each reads every row.
        let evidence: Vec<(usize, ColumnOrder)> = crate::par::map(columns, 2, |&col| {
            let mut order = ColumnOrder::default();
            for row in table.rows() {
                order.observe(row.get(col), row.line);
            }
            (col, order)
        });
        let orders = decide(&table.path, &table.headers, &evidence, configured, |col, line| {
            table.rows().find(|r| r.line == line).map_or("", |r| r.get(col).trim()).to_string()
        })?;
        Ok(DateReader { table, orders, tz })
    }

    fn parse(&self, row: &Row, col: Option<usize>) -> Result<Option<Parsed>> {
        let Some(col) = col else { return Ok(None) };
        let raw = row.get(col).trim();
        if raw.is_empty() {
            return Ok(None);
        }
        let order = self.orders.get(col).copied().flatten();
        dates::parse(raw, order).map(Some).map_err(|e| {
            invalid(&self.table.path, &self.table.headers, row.line, col, raw, order, e)
        })
    }

    /// An instant; zone-less values are read in the source's time zone.
    pub(super) fn instant(&self, row: &Row, col: Option<usize>) -> Result<Option<DateTime<Utc>>> {
        Ok(self.parse(row, col)?.map(|p| p.instant(self.tz)))
    }

    /// A calendar date, as written (a time part, such as Jira's `12:00 AM`, is dropped).
    pub(super) fn date(&self, row: &Row, col: Option<usize>) -> Result<Option<NaiveDate>> {
        Ok(self.parse(row, col)?.map(Parsed::date))
    }
}

/// The day/month order of each date column (by column index), from each column's
/// `evidence` in the order of the module's doc, or the error naming the column;
/// `example(col, line)` gives the value to show when the order cannot be told: the
/// column's first numeric date, on `line`.
pub(super) fn decide(
    path: &str,
    headers: &[String],
    evidence: &[(usize, ColumnOrder)],
    configured: Option<DateOrder>,
    example: impl Fn(usize, u64) -> String,
) -> Result<Vec<Option<DateOrder>>> {
    let mut file_order = None;
    for (col, ev) in evidence {
        match ev.decided() {
            Ok(Some(o)) => file_order = file_order.or(Some(o)),
            Ok(None) => {}
            Err((day_line, month_line)) => {
                return Err(Error::input(
                    Location::file(path).column(&headers[*col]),
                    format!(
                        "dates disagree on day/month order: line {day_line} is day-first, line {month_line} is month-first"
                    ),
                ))
            }
        }
    }
    let mut orders = vec![None; headers.len()];
    for (col, ev) in evidence {
        let order = ev.decided().ok().flatten().or(file_order).or(configured);
        if let (Some(line), None) = (ev.first_numeric(), order) {
            return Err(Error::input(
                Location::file(path).line(line).column(&headers[*col]),
                format!(
                    "dates like {} could be day-first or month-first; set date-order = \"day-first\" or \"month-first\" in rolecall.toml",
                    quote(&example(*col, line))
                ),
            ));
        }
        orders[*col] = order;
    }
    Ok(orders)
}

/// The error for a date value `raw` at `line`, column `col`, that `dates::parse` refused.
pub(super) fn invalid(
    path: &str,
    headers: &[String],
    line: u64,
    col: usize,
    raw: &str,
    order: Option<DateOrder>,
    e: DateError,
) -> Error {
    let message = match (e, dates::why_invalid(raw, order)) {
        // The shape is right but the day is not: say so, not which shapes we read.
        (DateError::Unrecognised, Some(why)) => format!("cannot parse date {}: {why}", quote(raw)),
        (DateError::Unrecognised, None) => {
            format!("cannot parse date {} ({})", quote(raw), dates::EXPECTED)
        }
        (DateError::AmbiguousOrder, _) => {
            format!("cannot parse date {} (set date-order in rolecall.toml)", quote(raw))
        }
    };
    Error::input(Location::file(path).line(line).column(&headers[col]), message)
}
