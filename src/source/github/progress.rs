//! A progress bar per repository on an interactive terminal; nothing anywhere else.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether to draw: stderr is a terminal, not `-q`, not CI.
pub(super) fn wanted() -> bool {
    std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var_os("CI").is_none()
        && tracing::level_filters::LevelFilter::current() >= tracing::Level::WARN
}

/// The set of bars of one source.
pub(super) struct Progress(Option<MultiProgress>);

impl Progress {
    pub(super) fn new(enabled: bool) -> Progress {
        Progress(enabled.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())))
    }

    /// A bar for `repo`, drawn once its first page arrives.
    pub(super) fn bar(&self, repo: &str) -> Bar {
        Bar(self.0.as_ref().map(|m| {
            let style =
                ProgressStyle::with_template("{prefix:.bold} [{bar:24}] {pos}/{len} pages {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
            let bar = m.add(ProgressBar::new(1).with_style(style).with_prefix(repo.to_string()));
            bar.set_message("…");
            bar
        }))
    }
}

/// One repository's bar; does nothing when bars are off.
pub(super) struct Bar(Option<ProgressBar>);

impl Bar {
    /// Page `done` of `of` (when the server said) is in; `items` so far.
    pub(super) fn page(&self, done: usize, of: Option<u32>, items: usize) {
        if let Some(b) = &self.0 {
            let len = of.map_or(done as u64, u64::from).max(done as u64);
            b.set_length(len);
            b.set_position(done as u64);
            b.set_message(format!("{items} issues and pull requests"));
        }
    }

    pub(super) fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
