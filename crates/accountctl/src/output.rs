//! Rendering results: aligned tables for people, JSON / YAML / CSV for scripts.

use std::io::Write;

use clap::ValueEnum;
use comfy_table::{ContentArrangement, Table as Comfy, presets};
use serde::Serialize;

use crate::error::{CliError, CliResult};

/// `--output`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// Aligned columns (the default).
    Table,
    /// Pretty-printed JSON: the API's objects, unchanged.
    Json,
    /// YAML: the same data as JSON.
    Yaml,
    /// The table's columns as CSV with a header line.
    Csv,
}

impl OutputFormat {
    pub fn parse(text: &str) -> Option<Self> {
        <Self as ValueEnum>::from_str(text, true).ok()
    }
}

/// Rows for the table and CSV forms.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// A two-column FIELD / VALUE view of one object.
    pub fn fields(pairs: Vec<(&str, String)>) -> Self {
        let mut table = Self::new(&["FIELD", "VALUE"]);
        for (field, value) in pairs {
            table.row(vec![field.to_owned(), value]);
        }
        table
    }

    fn render(&self) -> String {
        let mut table = Comfy::new();
        table
            .load_preset(presets::NOTHING)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(self.headers.clone());
        for row in &self.rows {
            table.add_row(row.clone());
        }
        // Columns start at the left margin and are two spaces apart (kubectl style).
        for column in table.column_iter_mut() {
            column.set_padding((0, 2));
        }
        // Trailing padding of the last column is trimmed.
        let mut out = String::new();
        for line in table.to_string().lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    fn csv(&self) -> String {
        let mut out = String::new();
        for line in std::iter::once(&self.headers).chain(self.rows.iter()) {
            let cells: Vec<String> = line.iter().map(|cell| csv_cell(cell)).collect();
            out.push_str(&cells.join(","));
            out.push('\n');
        }
        out
    }
}

/// RFC 4180 quoting: a cell with a comma, quote or line break is quoted, quotes doubled.
fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

pub fn render(table: &Table) -> String {
    table.render()
}

pub fn render_csv(table: &Table) -> String {
    table.csv()
}

/// Where results go, and in which form.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    pub format: OutputFormat,
    pub quiet: bool,
}

impl Output {
    /// Prints `data` as JSON/YAML, or `table` as a table or CSV.
    pub fn emit<T: Serialize + ?Sized>(
        &self,
        data: &T,
        table: impl FnOnce() -> Table,
    ) -> CliResult {
        let text = match self.format {
            OutputFormat::Json => to_json(data)?,
            OutputFormat::Yaml => to_yaml(data)?,
            OutputFormat::Table => table().render(),
            OutputFormat::Csv => table().csv(),
        };
        print(&text)
    }

    /// Prints a line of prose (what a command did) in table form; JSON/YAML/CSV print `data`.
    pub fn report<T: Serialize + ?Sized>(&self, data: &T, prose: &str) -> CliResult {
        match self.format {
            OutputFormat::Table | OutputFormat::Csv => print(prose),
            OutputFormat::Json => print(&to_json(data)?),
            OutputFormat::Yaml => print(&to_yaml(data)?),
        }
    }

    /// A progress or status note on stderr (never mixed into the results); `--quiet` hides it.
    pub fn note(&self, text: &str) {
        if !self.quiet {
            eprintln!("{text}");
        }
    }
}

pub fn to_json<T: Serialize + ?Sized>(data: &T) -> CliResult<String> {
    let mut text = serde_json::to_string_pretty(data)
        .map_err(|e| CliError::general(format!("could not render JSON: {e}")))?;
    text.push('\n');
    Ok(text)
}

pub fn to_yaml<T: Serialize + ?Sized>(data: &T) -> CliResult<String> {
    yaml_serde::to_string(data)
        .map_err(|e| CliError::general(format!("could not render YAML: {e}")))
}

/// Writes to stdout; a closed pipe (`accountctl users list | head`) is not an error.
pub fn print(text: &str) -> CliResult {
    let mut stdout = std::io::stdout().lock();
    let text = if text.ends_with('\n') || text.is_empty() {
        text.to_owned()
    } else {
        format!("{text}\n")
    };
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(err) => Err(CliError::general(format!(
            "could not write the output: {err}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_only_what_needs_it() {
        let mut table = Table::new(&["A", "B"]);
        table.row(vec!["plain".into(), "a, \"b\"".into()]);
        assert_eq!(table.csv(), "A,B\nplain,\"a, \"\"b\"\"\"\n");
    }

    #[test]
    fn tables_are_aligned_without_trailing_spaces() {
        let mut table = Table::new(&["NAME", "ID"]);
        table.row(vec!["a".into(), "1".into()]);
        table.row(vec!["longer".into(), "2".into()]);
        let text = table.render();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let column = lines[0].find("ID");
        assert!(column.is_some());
        assert_eq!(lines[2].find('2'), column, "{text}");
        assert!(lines.iter().all(|l| !l.ends_with(' ')));
    }
}
