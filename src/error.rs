//! The one error type of the library.
//!
//! Every variant that comes from a file names that file *as the user gave it*, and the
//! line and column or field where we know them, so the first line a user reads points
//! straight into their input.

use std::fmt;

/// Where in an input something went wrong: `path`, `path:line`, `path:line: column "X"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<String>,
}

impl Location {
    pub fn file(path: impl Into<String>) -> Self {
        Location { path: path.into(), line: None, column: None }
    }

    pub fn line(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }

    pub fn column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ": column \"{column}\"")?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input data: an export, a snapshot, a labels file.
    #[error("{at}: {message}")]
    Input { at: Location, message: String },

    /// A file could not be read at all (missing, a directory, no permission).
    #[error("{path}: {message}")]
    Read { path: String, message: String },

    /// The configuration file or an environment override is invalid.
    #[error("{at}: {message}")]
    Config { at: String, message: String },

    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),

    /// A failure while running: writing output, network, remote API.
    #[error("{0}")]
    Run(String),

    /// The run did what it was asked, and a role's status is one `--fail-on` names:
    /// exit code 3, so a CI job can fail on a red week without reading the reports.
    #[error("{0}")]
    Gate(String),
}

impl Error {
    pub fn input(at: Location, message: impl Into<String>) -> Self {
        Error::Input { at, message: message.into() }
    }

    /// Reading `path` failed; turns the OS error into words a user can act on.
    pub fn read(path: &str, err: &std::io::Error) -> Self {
        let message = match err.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            std::io::ErrorKind::IsADirectory => "is a directory, not a file".to_string(),
            _ => err.to_string(),
        };
        Error::Read { path: path.to_string(), message }
    }

    /// The same error with `f` applied to every text it holds: to take a secret out of
    /// whatever a remote server put into it.
    pub fn map_text(self, f: impl Fn(&str) -> String) -> Self {
        match self {
            Error::Input { at, message } => Error::Input {
                at: Location { path: f(&at.path), line: at.line, column: at.column.map(|c| f(&c)) },
                message: f(&message),
            },
            Error::Read { path, message } => Error::Read { path: f(&path), message: f(&message) },
            Error::Config { at, message } => Error::Config { at: f(&at), message: f(&message) },
            Error::Usage(m) => Error::Usage(f(&m)),
            Error::Run(m) => Error::Run(f(&m)),
            Error::Gate(m) => Error::Gate(f(&m)),
        }
    }

    /// The process exit code for this error: 2 for anything the user can fix in their
    /// input, configuration or command line; 1 for failures while running.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input { .. } | Error::Read { .. } | Error::Config { .. } | Error::Usage(_) => 2,
            Error::Run(_) => 1,
            Error::Gate(_) => 3,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
