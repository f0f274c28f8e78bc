//! The command line: arguments → a validated request → the library → an exit code.

pub mod init;
mod print;

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::classify::{Classified, Classifier};
use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Format, Role, Snapshot, Status, WeekChoice};
use crate::source::{self, SourceSpec};

#[derive(Debug, Parser)]
#[command(
    name = "rolecall",
    version,
    about = "Weekly product, program and project status reports from GitHub and tracker exports"
)]
pub struct Cli {
    /// Config file [default: ./rolecall.toml when present]
    #[arg(short, long, global = true, env = "ROLECALL_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// More detail on stderr (-v: progress, -vv: debug)
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Only errors on stderr
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the normalised items of the given sources
    Items(ItemsArgs),
    /// Classify every item as a product, program or project concern
    Classify(ClassifyArgs),
    /// Explain, rule by rule, why an item got its concern
    Explain(ExplainArgs),
    /// Measure the classifier against hand labels (accuracy, macro-F1, confusion matrix),
    /// or cross-validate on a labelled corpus
    Eval(EvalArgs),
    /// Train the classification model: adapt it to your tracker's labelled items (written
    /// beside the config), or train the built-in one from a labelled corpus
    Train(TrainArgs),
    /// Write the week's product, program and project reports (the main job)
    Report(ReportArgs),
    /// Carry a week's written reports to where people read them: the Actions run page, a GitHub issue, Slack
    Publish(PublishArgs),
    /// E-mail a week's written reports: a summary in the body, the PDFs attached
    Email(EmailArgs),
    /// Set up a repository: rolecall.toml and the weekly GitHub Actions workflow
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The repository to set up
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,

    /// Overwrite rolecall.toml and the workflow when they exist
    #[arg(long)]
    pub force: bool,

    /// Print the files instead of writing them
    #[arg(long)]
    pub print: bool,

    /// Write the built-in report templates instead, to edit and use with `report
    /// --templates DIR` [default DIR: templates; a relative DIR is in --dir]
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "templates")]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    /// The week: `2026-W48` or `last` [default: the newest week in OUT]
    #[arg(long, value_name = "WEEK")]
    pub week: Option<String>,

    /// The folder `report` wrote to [default: reports]
    #[arg(short, long, value_name = "DIR", env = "ROLECALL_OUT")]
    pub out: Option<PathBuf>,

    /// Also send to this address (every message; repeatable)
    #[arg(long = "to", value_name = "ADDRESS")]
    pub to: Vec<String>,

    /// One message with all three reports, to everyone
    #[arg(long)]
    pub digest: bool,

    /// Write the messages as .eml files into OUT/WEEK/email/ and send nothing (the PDFs they attach are rendered into OUT/WEEK/ first, as for sending)
    #[arg(long)]
    pub dry_run: bool,

    /// Send again to those who already got this week's message
    #[arg(long)]
    pub resend: bool,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Where: `step-summary` (the GitHub Actions run's page, $GITHUB_STEP_SUMMARY) or
    /// `github-issue:OWNER/REPO` (one issue per week, a comment per role) or `slack`
    /// (the three verdicts, to the incoming webhook in $SLACK_WEBHOOK_URL)
    #[arg(long, value_name = "TARGET", required = true)]
    pub to: String,

    /// The week: `2026-W48` or `last` [default: the newest week in OUT]
    #[arg(long, value_name = "WEEK")]
    pub week: Option<String>,

    /// The folder `report` wrote to [default: reports]
    #[arg(short, long, value_name = "DIR", env = "ROLECALL_OUT")]
    pub out: Option<PathBuf>,

    /// Print what would be published instead of publishing it
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub sources: SourceArgs,

    /// The week: `2026-W48`, or `last` for the last complete week [default: the week of --as-of]
    #[arg(long, value_name = "WEEK", conflicts_with = "as_of")]
    pub week: Option<String>,

    /// Roles to report on, comma-separated [default: product,program,project]
    #[arg(long, value_delimiter = ',', value_name = "ROLES")]
    pub roles: Vec<String>,

    /// Formats to write, comma-separated: md, json, pdf [default: md,json]
    #[arg(long = "format", value_delimiter = ',', value_name = "FORMATS")]
    pub formats: Vec<String>,

    /// Output folder; reports go in OUT/YYYY-Www/ [default: reports]
    #[arg(short, long, value_name = "DIR", env = "ROLECALL_OUT")]
    pub out: Option<PathBuf>,

    /// A folder of templates overriding the built-in ones, file by file
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,

    /// A folder of human notes: DIR/YYYY-Www/ROLE.md
    #[arg(long, value_name = "DIR")]
    pub notes: Option<PathBuf>,

    /// First store the N weeks before this one, rebuilt from the same export, so that
    /// this week has a baseline and a history (weeks taken live are kept)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub backfill: usize,

    /// With --backfill: rebuild weeks that were taken live too
    #[arg(long, requires = "backfill")]
    pub backfill_overwrite: bool,

    /// Replace the week's stored snapshot even when it was taken live and this export is
    /// a later one (by default a past week re-run from a later export keeps it)
    #[arg(long)]
    pub overwrite_live: bool,

    /// Then publish the week to TARGET (as `rolecall publish --to TARGET`; repeatable)
    #[arg(long, value_name = "TARGET")]
    pub publish: Vec<String>,

    /// Then e-mail the week's reports (as `rolecall email`)
    #[arg(long)]
    pub email: bool,

    /// Fetch every GitHub issue again instead of only what changed since the last run
    #[arg(long)]
    pub full: bool,

    /// Stop a GitHub source safely before it makes more than N requests
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,

    /// Exit with code 3 when a role's status is STATUS or worse (red; amber: amber or red),
    /// once the week is written, published and e-mailed
    #[arg(long, value_name = "STATUS", value_parser = ["red", "amber"])]
    pub fail_on: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClassifyFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub sources: SourceArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = ClassifyFormat::Table)]
    pub format: ClassifyFormat,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The item's key (`ACME-7`, `owner/repo#12`) or id (`jira:ACME-7`)
    pub key: String,

    #[command(flatten)]
    pub sources: SourceArgs,

    /// Output format: the reasons in words, or the item and its classification as one
    /// JSON object (as an entry of `classify --format json`)
    #[arg(long, value_enum, default_value_t = ClassifyFormat::Table)]
    pub format: ClassifyFormat,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A `key,concern` CSV of hand labels (optional columns: `file`, `confidence`)
    #[arg(long, value_name = "FILE", required_unless_present = "corpus")]
    pub labels: Option<String>,

    /// Leave-one-tracker-out cross-validation on a labelled corpus folder (one CSV per
    /// tracker, as in fixtures/corpus) instead
    #[arg(long, value_name = "DIR", conflicts_with = "labels")]
    pub corpus: Option<String>,

    /// The learner for --corpus [default: logistic]
    #[arg(long, value_enum, requires = "corpus")]
    pub algorithm: Option<AlgorithmArg>,

    /// With --corpus: also adapt each held-out tracker's model (logistic, as shipped) with
    /// N of its own labelled items, as `rolecall train` does, and measure both on its
    /// other items
    #[arg(long, value_name = "N", requires = "corpus", conflicts_with = "labels",
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub adapt: Option<u64>,

    /// With --corpus: measure the model as it is (built in, or the config's model file) on
    /// the folder's trackers, without training: for trackers it was never trained on
    #[arg(long, requires = "corpus", conflicts_with = "algorithm")]
    pub held_out: bool,

    #[command(flatten)]
    pub sources: SourceArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = ClassifyFormat::Table)]
    pub format: ClassifyFormat,

    /// How many misclassified items to list
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub misses: usize,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Train the base model from scratch on this labelled corpus folder (as in
    /// fixtures/corpus), instead of adapting the current one to your items
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<String>,

    /// A `key,concern` CSV of your own labels, besides the items labelled `concern:*`
    /// (rows with no concern yet are skipped); repeat it for several files
    #[arg(long, value_name = "FILE", conflicts_with = "corpus")]
    pub labels: Vec<String>,

    /// Instead of training, list the N items without a label that the model is least
    /// sure of: a `key,concern` CSV to fill in for --labels
    #[arg(long, value_name = "N", conflicts_with_all = ["corpus", "out"],
          value_parser = clap::value_parser!(u64).range(1..))]
    pub suggest: Option<u64>,

    #[command(flatten)]
    pub sources: SourceArgs,

    /// Where to write the model [default: the file `[classify] model` names, else
    /// rolecall-model.tsv beside the config]
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// The learner for --corpus [default: logistic]
    #[arg(long, value_enum, requires = "corpus")]
    pub algorithm: Option<AlgorithmArg>,
}

/// Which learner: logistic regression, or naive Bayes for comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AlgorithmArg {
    Logistic,
    Bayes,
}

impl From<AlgorithmArg> for crate::classify::corpus::Algorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Logistic => Self::Logistic,
            AlgorithmArg::Bayes => Self::Bayes,
        }
    }
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// A source: github:OWNER/REPO, github:OWNER, github-project:OWNER/NUMBER, jira:PATH,
    /// linear:PATH, asana:PATH, github-projects:PATH, csv:PATH, snapshot:PATH
    /// (repeatable) [default: the config's sources]
    #[arg(short, long = "source", value_name = "SOURCE")]
    pub sources: Vec<String>,

    /// Include the built-in demo organisation (no files, token or network needed)
    #[arg(long)]
    pub demo: bool,

    /// The instant the data is taken at: a date (end of that day in the configured time
    /// zone) or an RFC 3339 timestamp [default: now]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ItemsFormat {
    Table,
    Json,
    Snapshot,
}

#[derive(Debug, Args)]
pub struct ItemsArgs {
    #[command(flatten)]
    pub sources: SourceArgs,

    /// Output format
    #[arg(long, value_enum, default_value_t = ItemsFormat::Table)]
    pub format: ItemsFormat,
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    crate::usage::start();
    // The command line stops cleanly on SIGTERM and Ctrl-C, and a write past `ulimit -f`
    // fails as any other (see `interrupt`).
    crate::interrupt::enable();
    crate::interrupt::survive_file_size_limit();
    // An empty `ROLECALL_CONFIG` or `ROLECALL_OUT` (`${{ vars.OUT }}` in a workflow, with
    // the variable not defined) is as if unset, not `-o ""`. One thread so far: safe.
    for name in ["ROLECALL_CONFIG", "ROLECALL_OUT"] {
        if std::env::var_os(name).is_some_and(|v| v.is_empty()) {
            std::env::remove_var(name);
        }
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    init_logging(cli.verbose, cli.quiet);
    match run(cli, &mut std::io::stdout().lock()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            e.exit_code()
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => tracing::Level::ERROR,
        (false, 0) => tracing::Level::WARN,
        (false, 1) => tracing::Level::INFO,
        (false, _) => tracing::Level::DEBUG,
    };
    let ansi = colour(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .event_format(Diagnostic { ansi })
        .try_init();
}

/// Diagnostics in one form with the closing `error:` line: `warning: …`, `info: …`,
/// `debug: …` (the level coloured on a terminal), then the message.
struct Diagnostic {
    ansi: bool,
}

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for Diagnostic
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let level = *event.metadata().level();
        let (word, colour) = match level {
            tracing::Level::ERROR => ("error", "31"),
            tracing::Level::WARN => ("warning", "33"),
            tracing::Level::INFO => ("info", "32"),
            _ => ("debug", "34"),
        };
        if self.ansi {
            write!(writer, "\x1b[{colour}m{word}\x1b[0m: ")?;
        } else {
            write!(writer, "{word}: ")?;
        }
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// Whether warnings on stderr are coloured: on a terminal, unless `NO_COLOR` is set to
/// anything (no-color.org) or the terminal is `dumb`.
fn colour(terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    terminal && !no_color && !dumb
}

/// Runs a parsed command, writing data to `out`. What the command read is left to the
/// process exit rather than freed (see `leave_to_exit`): this is `main`'s one call.
pub fn run(cli: Cli, out: &mut dyn Write) -> Result<()> {
    // `init` writes the config: it must work before there is one, and beside a broken one.
    if let Command::Init(args) = &cli.command {
        let text = match &args.templates {
            Some(t) => init::templates(&args.dir.join(t), args.force, args.print)?,
            None => init::run(&args.dir, args.force, args.print)?,
        };
        // `--print` prints the config: the command's output, also with `-q`.
        return match cli.quiet && !args.print {
            true => Ok(()),
            false => write_stdout(out, &text),
        };
    }
    let config = Config::load(cli.config.as_deref())?;
    let quiet = cli.quiet;
    let mut sink = std::io::sink();
    match cli.command {
        Command::Items(args) => {
            let snapshot = load(&args.sources, &config)?;
            crate::analyse::warn_unused_settings(&config, &snapshot);
            // Rules the config adds are checked against the data here too (the
            // classifier is built only for them).
            if !config.classify.rules.is_empty() {
                let classifier = Classifier::from_config(&config)?;
                crate::classify::warn_unmatched_rules(&config, &classifier, &snapshot);
            }
            let written = match args.format {
                ItemsFormat::Table => write_stdout(out, &print::items_table(&snapshot.items)),
                ItemsFormat::Json => write_json_stdout(out, &snapshot.items),
                ItemsFormat::Snapshot => write_json_stdout(out, &snapshot),
            };
            leave_to_exit(snapshot);
            written
        }
        Command::Classify(args) => {
            let classifier = Classifier::from_config(&config)?;
            let snapshot = load(&args.sources, &config)?;
            crate::analyse::warn_unused_settings(&config, &snapshot);
            let classes = classifier.classify(&snapshot);
            crate::classify::warn_unmatched_rules(&config, &classifier, &snapshot);
            match args.format {
                ClassifyFormat::Table => {
                    let written =
                        write_stdout(out, &print::classify_table(&snapshot.items, &classes));
                    leave_to_exit((snapshot, classes));
                    written
                }
                ClassifyFormat::Json => {
                    let all: Vec<Classified> = snapshot
                        .items
                        .into_iter()
                        .zip(classes)
                        .map(|(item, classification)| Classified { item, classification })
                        .collect();
                    let written = write_json_stdout(out, &all);
                    leave_to_exit(all);
                    written
                }
            }
        }
        Command::Explain(args) => {
            let classifier = Classifier::from_config(&config)?;
            let snapshot = load(&args.sources, &config)?;
            let i = find_item(&snapshot, &args.key)?;
            let mut classes = classifier.classify(&snapshot);
            match args.format {
                ClassifyFormat::Table => {
                    write_stdout(out, &print::explain(&snapshot.items[i], &classes[i]))
                }
                ClassifyFormat::Json => {
                    let mut items = snapshot.items;
                    let one = Classified {
                        item: items.swap_remove(i),
                        classification: classes.swap_remove(i),
                    };
                    write_stdout(out, &crate::render::json::to_json(&one)?)
                }
            }
        }
        // `-q` is errors only: what was written, sent or posted goes unsaid; what a dry
        // run shows is the command's output and stays.
        Command::Report(args) => report(args, config, if quiet { &mut sink } else { out }),
        Command::Publish(args) => {
            let to = if quiet && !args.dry_run { &mut sink } else { out };
            publish(args, &config, to)
        }
        Command::Email(args) => {
            let to = if quiet && !args.dry_run { &mut sink } else { out };
            email(args, &config, to)
        }
        Command::Init(_) => Ok(()),
        Command::Train(args) => {
            learner_needs_corpus(args.algorithm, &args.corpus)?;
            // `--suggest` prints the CSV to fill in: the command's output.
            let to = if quiet && args.suggest.is_none() { &mut sink } else { out };
            train(args, &config, to)
        }
        Command::Eval(args) => {
            learner_needs_corpus(args.algorithm, &args.corpus)?;
            let classifier = Classifier::from_config(&config)?;
            if let Some(dir) = &args.corpus {
                use crate::classify::corpus;
                let rows = corpus::read_dir(std::path::Path::new(dir))?;
                let adapt = args.adapt.map(|n| n as usize);
                // Checked before the (slow) cross-validation runs.
                if let Some(n) = adapt.filter(|&n| corpus::adaptable(&rows, n).is_empty()) {
                    return Err(Error::Usage(format!(
                        "no tracker in {dir} has {} items or more to adapt with {n} of them and measure on the rest: pass a smaller --adapt",
                        n + corpus::ADAPT_MIN_REST
                    )));
                }
                let (examples, by_rules) = corpus::examples_and_rules(&rows, &classifier);
                let algorithm = args.algorithm.unwrap_or(AlgorithmArg::Logistic).into();
                let o = Default::default();
                let (cv, _) = match (&classifier.model, args.held_out) {
                    (Some(m), true) => corpus::held_out(&rows, &examples, &by_rules, m),
                    (None, true) => {
                        return Err(Error::Usage(
                            "--held-out measures the learned model, and the config decides by the rules alone (`[classify] model = \"rules\"`)".into(),
                        ))
                    }
                    (_, false) => corpus::cross_validate(&rows, &examples, &by_rules, algorithm, o),
                };
                let shipped = classifier.model.as_deref().filter(|_| args.held_out);
                let adapted = adapt.map(|n| corpus::adapt_each(&rows, &examples, n, o, shipped));
                let text = match (args.format, &adapted) {
                    (ClassifyFormat::Table, None) => cv.to_text(args.misses),
                    (ClassifyFormat::Table, Some(a)) => {
                        format!("{}\n{}", a.to_text(), cv.to_text(args.misses))
                    }
                    (ClassifyFormat::Json, None) => crate::render::json::to_json(&cv)?,
                    (ClassifyFormat::Json, Some(a)) => crate::render::json::to_json(
                        &serde_json::json!({ "cross_validation": cv, "adapted": a }),
                    )?,
                };
                return write_stdout(out, &text);
            }
            let labels_path = args.labels.clone().unwrap_or_default();
            let labels = crate::classify::eval::read_labels(&labels_path)?;
            let (items, classes) = if labels.iter().any(|l| l.file.is_some()) {
                // A `file` column: each source is its own tracker, classified on its own
                // (keys repeat across trackers, and merging by key would mix them up).
                let raw = if args.sources.sources.is_empty() {
                    config.sources.iter().map(|s| s.spec.clone()).collect()
                } else {
                    args.sources.sources.clone()
                };
                let mut items = Vec::new();
                let mut classes = Vec::new();
                let mut each = |snapshot: Snapshot| {
                    classes.extend(classifier.classify(&snapshot));
                    items.extend(snapshot.items);
                };
                if args.sources.demo {
                    each(crate::source::demo::snapshot()?);
                }
                for spec in raw {
                    let as_of = args.sources.as_of.clone();
                    each(load(&SourceArgs { sources: vec![spec], demo: false, as_of }, &config)?);
                }
                (items, classes)
            } else {
                let snapshot = load(&args.sources, &config)?;
                let classes = classifier.classify(&snapshot);
                (snapshot.items, classes)
            };
            let report = crate::classify::eval::evaluate(&labels, &items, &classes);
            if report.labelled == 0 {
                // Named as `train` names it: a key of the sources under another `file`
                // is not "not in the sources".
                return Err(Error::Usage(format!(
                    "no label of {labels_path} matches an item: {}",
                    unmatched(&items, &labels)
                )));
            }
            let text = match args.format {
                ClassifyFormat::Table => report.to_text(args.misses),
                ClassifyFormat::Json => crate::render::json::to_json(&report)?,
            };
            write_stdout(out, &text)
        }
    }
}

/// `rolecall train`: the base model from a corpus, or the organisation's own model.
/// `--algorithm` chooses how a corpus is learnt from: without `--corpus` it would be
/// ignored (clap's `requires` gives way when another argument conflicts with `--corpus`).
fn learner_needs_corpus(algorithm: Option<AlgorithmArg>, corpus: &Option<String>) -> Result<()> {
    if algorithm.is_some() && corpus.is_none() {
        return Err(Error::Usage(
            "--algorithm chooses the learner for --corpus: give --corpus DIR, or leave --algorithm out".into(),
        ));
    }
    Ok(())
}

fn train(args: TrainArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    use crate::classify::corpus;
    // The model the config names is the one written. Training starts from the built-in
    // weights whatever it holds, so a model file not written yet, or spoilt, does not stop
    // it; `--suggest` asks the model in use, unless its file is not written yet.
    let target = args.out.clone().or_else(|| crate::classify::model_file(config));
    let mut own = config.clone();
    if args.suggest.is_none() || target.as_ref().is_some_and(|p| !p.exists()) {
        own.classify.model = "builtin".into();
    }
    let classifier = Classifier::from_config(&own)?;
    let (model, summary) = if let Some(dir) = &args.corpus {
        let rows = corpus::read_dir(std::path::Path::new(dir))?;
        let (examples, by_rules) = corpus::examples_and_rules(&rows, &classifier);
        let algorithm: corpus::Algorithm = args.algorithm.unwrap_or(AlgorithmArg::Logistic).into();
        let o = Default::default();
        let (cv, _) = corpus::cross_validate(&rows, &examples, &by_rules, algorithm, o);
        let mut m = corpus::train(&examples, algorithm, o);
        corpus::add_surfaces(&rows, &classifier, &mut m);
        m.high = cv.high_confidence;
        m.triage_margin = cv.triage_margin;
        m.notes = vec![
            format!(
                "trained by `rolecall train --corpus` ({:?}) on {} items from {} trackers",
                algorithm, cv.items, cv.trackers
            ),
            format!(
                "leave-one-tracker-out: mean accuracy {:.3}, macro-F1 {:.3}; high confidence {:.0}% of items, {:.3} right",
                cv.mean_accuracy, cv.macro_f1, cv.high_coverage * 100.0, cv.high_accuracy
            ),
        ];
        (m, cv.to_text(0))
    } else {
        let (mut labels, mut blank) = (Vec::new(), 0);
        for path in &args.labels {
            let (more, empty) = crate::classify::eval::read_labels_to_fill(path)?;
            labels.extend(more);
            blank += empty;
        }
        crate::classify::eval::conflicts(&labels)?;
        let snapshot = load(&args.sources, config)?;
        if let Some(n) = args.suggest {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            let csv = to_label(&classifier, &snapshot, &labels, n)?;
            return write_stdout(out, &csv);
        }
        // A labels row that contradicts the item's own `concern:` label in the tracker:
        // which one taught the model would be a silent choice.
        let by_key = crate::classify::eval::ByKey::new(&labels, &snapshot.items);
        for item in &snapshot.items {
            let (Some((own, why)), Some(l)) = (classifier.explicit(item), by_key.of(item)) else {
                continue;
            };
            if own != l.concern {
                let at = crate::error::Location::file(&l.from.0).line(l.from.1).column("concern");
                return Err(Error::input(
                    at,
                    format!(
                        "{} is {} here but {} by its {} in {}: keep one",
                        l.key,
                        l.concern.as_str(),
                        own.as_str(),
                        why.matched,
                        item.source
                    ),
                ));
            }
        }
        // A key no item has (a typo, or a spreadsheet that turned `MAR-12` into a date)
        // teaches nothing: say so rather than learn less in silence.
        let unknown = unmatched(&snapshot.items, &labels);
        let (m, n) = corpus::adapt(&classifier, &snapshot.items, &labels).map_err(|e| match e {
            Error::Usage(why) if !unknown.is_empty() => Error::Usage(format!("{why}; {unknown}")),
            e => e,
        })?;
        let mut text = format!(
            "learnt from {} labelled items: {} product, {} program, {} project\n",
            n.iter().sum::<usize>(),
            n[0],
            n[1],
            n[2]
        );
        if blank > 0 {
            let rows = if blank == 1 { "row" } else { "rows" };
            text += &format!("skipped {blank} {rows} with no concern yet\n");
        }
        if !unknown.is_empty() {
            text += &format!("{unknown}\n");
        }
        // `concern:produkt`: meant as a label, teaching nothing.
        let prefix = &classifier.settings.override_prefix;
        let unlabelled =
            |i: &&crate::model::Item| classifier.explicit(i).is_none() && by_key.of(i).is_none();
        let odd: Vec<(&str, &str)> = (snapshot.items.iter())
            .filter(unlabelled)
            .filter_map(|i| {
                let l = (i.labels.iter()).find(|l| {
                    !prefix.is_empty()
                        && classifier
                            .after_prefix(l)
                            .is_some_and(|c| crate::classify::Concern::parse(c).is_none())
                })?;
                Some((i.key.as_str(), l.as_str()))
            })
            .collect();
        // `concern:program` and `concern:project` on one item: neither is learnt from.
        if let Some((n, first)) = classifier.conflicting(snapshot.items.iter().filter(unlabelled)) {
            let (items, verb) = if n == 1 { ("item", "has") } else { ("items", "have") };
            text += &format!(
                "{n} {items} {verb} labels of two concerns, not learnt from (the first: {first}): keep one\n"
            );
        }
        if let Some((key, label)) = odd.first() {
            let (n, verb) = if odd.len() == 1 { ("item", "has") } else { ("items", "have") };
            text += &format!(
                "{} {n} {verb} a label `{prefix}…` that names no concern, not learnt from (the first: {key} `{label}`)\n",
                odd.len()
            );
        }
        (m, text)
    };
    let path = match target {
        Some(p) => p,
        None => {
            let origin = std::path::Path::new(&config.origin);
            let dir = origin.parent().filter(|_| config.origin != crate::config::NO_FILE);
            dir.unwrap_or(std::path::Path::new("")).join(crate::classify::model::ORG_MODEL_FILE)
        }
    };
    let text = model.to_text();
    crate::files::write_atomic(&path, |w| w.write_all(text.as_bytes()))
        .map_err(|e| crate::report::write::fail("write the model to", &path, e))?;
    let mut said = format!(
        "{summary}wrote {} ({} weights, {} bytes)\n",
        path.display(),
        model.weights.len(),
        text.len()
    );
    // Written where classification does not look: say so, and how to use it.
    // The same file however either path is written (`./`, absolute, a link to it).
    let real = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    let used = crate::classify::model_file(config);
    let same =
        used.as_deref().is_some_and(|u| u == path || (real(u).is_some() && real(u) == real(&path)));
    // `--out /dev/null` (a device or pipe) trains without keeping the model: no advice.
    let kept = std::fs::metadata(&path).is_ok_and(|m| m.is_file());
    if args.corpus.is_none() && !same && kept {
        let setting = match config.classify.model.trim() {
            "" => String::new(),
            m => format!(" ([classify] model = \"{m}\")"),
        };
        // A model path in the config is read from the config's folder.
        let origin = std::path::Path::new(&config.origin);
        let dir = origin.parent().filter(|_| config.origin != crate::config::NO_FILE);
        let dir = dir.map(|d| if d.as_os_str().is_empty() { std::path::Path::new(".") } else { d });
        let shown = match (dir.and_then(real), real(&path)) {
            (Some(d), Some(p)) => p.strip_prefix(&d).map(std::path::Path::to_path_buf).unwrap_or(p),
            _ => path.clone(),
        };
        said += &format!(
            "note: classification does not use this file{setting}: set `[classify] model = \"{}\"` in the config to use it\n",
            shown.display()
        );
    }
    write_stdout(out, &said)
}

/// Which labels match no item, in words (empty when all do): a label's key must be an
/// item's, of its `file` when it names one.
fn unmatched(items: &[crate::model::Item], labels: &[crate::classify::eval::Label]) -> String {
    use crate::classify::eval::key_of;
    let mut sources: std::collections::HashMap<String, Vec<&str>> = Default::default();
    for i in items {
        sources.entry(key_of(&i.key)).or_default().push(&*i.source);
    }
    let matches = |l: &crate::classify::eval::Label| {
        sources.get(&key_of(&l.key)).is_some_and(|from| match &l.file {
            None => true,
            Some(f) => from.iter().any(|s| crate::classify::eval::from_file(s, f)),
        })
    };
    let unknown: Vec<String> = (labels.iter().filter(|l| !matches(l)))
        .map(|l| match &l.file {
            Some(f) => format!("{} in {f}", l.key),
            None => l.key.clone(),
        })
        .collect();
    match unknown.first() {
        None => String::new(),
        Some(first) => {
            let (n, verb) =
                if unknown.len() == 1 { ("label", "matches") } else { ("labels", "match") };
            format!("{} {n} {verb} no item (the first: {first})", unknown.len())
        }
    }
}

/// `train --suggest`: the `n` items without a label (a `concern:` label in the tracker,
/// or a row of `labels` for the item's key and file) whose top concern the model leads
/// least over the second, least sure first, as a CSV with an empty `concern` column to
/// fill in. Ranked as `eval --corpus --adapt` measures it: labelling these first taught
/// the model more than labelling a sample did (README, "Which items to label?").
fn to_label(
    classifier: &Classifier,
    snapshot: &crate::model::Snapshot,
    labels: &[crate::classify::eval::Label],
    n: usize,
) -> Result<String> {
    let items = &snapshot.items;
    let by_key = crate::classify::eval::ByKey::new(labels, &snapshot.items);
    let labelled = |item: &crate::model::Item| {
        classifier.explicit(item).is_some() || by_key.of(item).is_some()
    };
    let unsure = crate::classify::corpus::least_sure(classifier, items);
    let open: Vec<&(f32, usize, [crate::classify::Concern; 2])> =
        unsure.iter().filter(|(_, i, _)| !labelled(&items[*i])).take(n).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| Error::Usage(format!("cannot write the CSV: {e}"));
    let header = ["key", "concern", "guess", "second", "lead", "title", "file"];
    w.write_record(header).map_err(csv_error)?;
    for &&(lead, i, [guess, second]) in &open {
        let item = &items[i];
        let lead = format!("{lead:.2}");
        // A title that a spreadsheet would run as a formula gets the guard Linear's
        // exports use (a leading `'`); the title is only there to read.
        // Control and direction characters (a NUL a title carried made the filled-in
        // file unreadable as text) are left out: the title is only there to read.
        let shown = crate::text::printable(&item.title);
        let title =
            if shown.starts_with(['=', '+', '-', '@']) { format!("'{shown}") } else { shown };
        let row = [&item.key, "", guess.as_str(), second.as_str(), &lead, &title, &item.source];
        w.write_record(row).map_err(csv_error)?;
    }
    let bytes = w.into_inner().map_err(|e| Error::Usage(format!("cannot write the CSV: {e}")))?;
    if open.len() < n {
        eprintln!("note: {} items without a label to suggest, not {n}", open.len());
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Forgets what a command read instead of freeing it: the process exits next and returns
/// the memory at once, where freeing 100,000 items one by one took 15-20 ms.
fn leave_to_exit<T>(data: T) {
    std::mem::forget(data);
}

fn report(mut args: ReportArgs, mut config: Config, out: &mut dyn Write) -> Result<()> {
    if args.sources.demo {
        crate::source::demo::merge_config(&mut config)?;
        if args.sources.as_of.is_none() && args.week.is_none() {
            args.sources.as_of = Some(crate::source::demo::AS_OF.to_string());
        }
    }
    // Every argument is resolved once, into the types the library takes.
    let week = args.week.as_deref().map(WeekChoice::parse).transpose()?;
    // Where the week goes is checked before it is made: a missing webhook, token or
    // `[email]` setting found after the report would fail a run whose week was written.
    for to in &args.publish {
        ready_to_publish(&crate::publish::Target::parse(to)?, &config)?;
    }
    if args.email {
        email_setup(&config, &[], false)?;
    }
    let (publish_to, email_after) = (std::mem::take(&mut args.publish), args.email);
    let fail_on = match args.fail_on.as_deref() {
        Some("red") => Some(Status::Red),
        Some(_) => Some(Status::Amber),
        None => None,
    };
    // A week without --as-of is reported as of its end.
    let as_of = match (&args.sources.as_of, week) {
        (Some(s), _) => parse_as_of(s, &config)?,
        (None, Some(WeekChoice::Given(w))) => w.end(config.timezone.0),
        _ => Utc::now(),
    };
    let roles = match args.roles.is_empty() {
        true => config.report.roles.clone(),
        false => args
            .roles
            .iter()
            .map(|r| Role::from_name(r))
            .collect::<Result<_, _>>()
            .map_err(Error::Usage)?,
    };
    let formats = match args.formats.is_empty() {
        true => config.report.formats.clone(),
        false => args
            .formats
            .iter()
            .map(|f| Format::from_name(f))
            .collect::<Result<_, _>>()
            .map_err(Error::Usage)?,
    };
    // Checked now; the automata are built while the sources load.
    let classifier = Classifier::check(&config)?;
    let source_args = args.sources;
    let out_dir = args.out.unwrap_or_else(|| PathBuf::from(&config.report.out));
    if std::fs::metadata(&out_dir).is_ok_and(|m| !m.is_dir()) {
        return Err(Error::Usage(format!(
            "{}: not a folder; -o (or [report] out) names the folder the weeks are written into",
            out_dir.display()
        )));
    }
    // GitHub sources sync incrementally through a cache beside the stored weeks.
    config.github.cache_dir =
        Some(crate::report::default_state_dir(&out_dir, &config).join("cache").join("github"));
    config.github.full = args.full;
    if args.max_requests.is_some() {
        config.github.max_requests = args.max_requests;
    }
    let request = crate::report::Request {
        week,
        as_of,
        roles,
        formats,
        state_dir: crate::report::default_state_dir(&out_dir, &config),
        out: out_dir.clone(),
        templates: args.templates.or_else(|| config.report.templates.as_ref().map(PathBuf::from)),
        notes: args.notes.or_else(|| config.report.notes.as_ref().map(PathBuf::from)),
        fallback_baseline: if source_args.demo {
            Some(crate::source::demo::baseline()?)
        } else {
            None
        },
        backfill: args.backfill,
        backfill_overwrite: args.backfill_overwrite,
        overwrite_live: args.overwrite_live,
    };
    let mut outcome = crate::report::run(
        &config,
        || classifier.build(),
        || load_at(&source_args, &config, as_of),
        &request,
    )?;
    // The process exits next.
    outcome.leave_to_exit();
    if let Some(mb) = crate::usage::peak_memory_mb() {
        tracing::debug!("peak memory: {mb} MB");
    }
    let mut text = String::new();
    if let (Some(first), Some(last)) = (outcome.backfilled.first(), outcome.backfilled.last()) {
        text.push_str(&format!(
            "backfilled {first} to {last} ({} week{})\n",
            outcome.backfilled.len(),
            if outcome.backfilled.len() == 1 { "" } else { "s" }
        ));
    }
    for w in &outcome.kept_live {
        text.push_str(&format!("kept {w}: taken live (--backfill-overwrite rebuilds it)\n"));
    }
    if let Some(w) = outcome.kept_snapshot {
        text.push_str(&format!(
            "kept {w}'s stored snapshot: taken live, and this export is later than the week (--overwrite-live replaces it)\n"
        ));
    }
    for (role, status) in &outcome.statuses {
        text.push_str(&format!("{:<8} {}\n", role.as_str(), status.badge()));
    }
    for f in &outcome.files {
        text.push_str(&format!("wrote {}\n", f.display()));
    }
    write_stdout(out, &text)?;
    // Then carry the week where it is read: what was just written, nothing re-run.
    // Each place is tried whatever happened to the others: one that fails does not keep
    // the week from the rest, and the run fails naming every one that failed.
    let week = Some(outcome.week.clone());
    let mut failed = Vec::new();
    for to in publish_to {
        let args =
            PublishArgs { to, week: week.clone(), out: Some(out_dir.clone()), dry_run: false };
        if let Err(e) = publish(args, &config, out) {
            failed.push(e);
        }
    }
    if email_after {
        let args = EmailArgs {
            week,
            out: Some(out_dir),
            to: Vec::new(),
            digest: false,
            dry_run: false,
            resend: false,
        };
        if let Err(e) = email(args, &config, out) {
            failed.push(e);
        }
    }
    match failed.len() {
        0 => fail_on.map_or(Ok(()), |at| gate(&outcome.statuses, at)),
        1 => Err(failed.remove(0)),
        n => {
            // The others are said first, each on its own line; the last is the error.
            let last = failed.pop().expect("several");
            for e in &failed {
                eprintln!("error: {e}");
            }
            tracing::debug!("{n} deliveries failed");
            Err(last)
        }
    }
}

/// `--fail-on`: an error (exit code 3) naming every role at `at` or worse. Unknown is
/// not worse than green here: a week that cannot be judged says so in its reports.
fn gate(statuses: &[(Role, Status)], at: Status) -> Result<()> {
    // Statuses are ordered green < unknown < amber < red, and `at` is amber or red.
    let hit: Vec<String> = statuses
        .iter()
        .filter(|&&(_, s)| s >= at)
        .map(|(r, s)| format!("{} is {}", r.as_str(), s.as_str()))
        .collect();
    match hit.is_empty() {
        true => Ok(()),
        false => Err(Error::Gate(format!(
            "{} (--fail-on {}); the week was written",
            hit.join(", "),
            at.as_str()
        ))),
    }
}

/// Whether `target` can be published to from here: its webhook, token or page is set.
/// Checked before a report is made, so that a missing setting costs nothing.
fn ready_to_publish(target: &crate::publish::Target, config: &Config) -> Result<()> {
    match target {
        crate::publish::Target::StepSummary => {
            if std::env::var_os("GITHUB_STEP_SUMMARY").is_none_or(|p| p.is_empty()) {
                return Err(no_step_summary());
            }
        }
        crate::publish::Target::GithubIssue(repo) => {
            let settings = crate::source::github::Settings::resolve(
                &config.github,
                &crate::source::github::Env::from_process(),
                &config.origin,
            )?;
            crate::publish::github_issue::check_token(repo, &settings)?;
        }
        crate::publish::Target::Slack => {
            crate::publish::slack::webhook(&config.publish.slack_webhook_env)?;
        }
    }
    Ok(())
}

fn no_step_summary() -> Error {
    Error::Usage(
        "GITHUB_STEP_SUMMARY is not set: --to step-summary runs inside a GitHub Actions step (--dry-run shows what it would add)".into(),
    )
}

/// Where the `[email]` setting `key` is written: `to.product` is the key `product` of
/// the table `[email.to]`.
fn email_at(config: &Config, key: &str) -> String {
    match key.rsplit_once('.') {
        Some((table, key)) => config.at(&format!("email.{table}"), key),
        None => config.at("email", key),
    }
}

/// The addresses to send to and, unless it is a dry run, the SMTP server and its login:
/// all checked before anything is read or rendered.
fn email_setup(
    config: &Config,
    to: &[String],
    dry_run: bool,
) -> Result<(crate::publish::email::Addresses, Option<crate::publish::email::Smtp>)> {
    use crate::publish::email;
    let at = |key: &str| email_at(config, key);
    let addresses = email::Addresses::resolve(&config.email, to, &at)?;
    if dry_run {
        return Ok((addresses, None));
    }
    let var = |n: &str| std::env::var(n).ok().filter(|v| !v.trim().is_empty());
    let mut smtp = email::Smtp::resolve(
        &config.email,
        var("ROLECALL_SMTP_URL"),
        var("ROLECALL_SMTP_PASSWORD"),
        &at,
    )?;
    if let Some(ca) = &config.email.ca_file {
        smtp.roots.push(std::fs::read(ca).map_err(|e| Error::Config {
            at: at("ca-file"),
            message: format!("cannot read {ca}: {e}"),
        })?);
    }
    Ok((addresses, Some(smtp)))
}

fn email(args: EmailArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    use crate::publish::email;
    let choice = args.week.as_deref().map(WeekChoice::parse).transpose()?;
    let today = Utc::now().with_timezone(&config.timezone.0).date_naive();
    let week = crate::publish::week_of(choice, today);
    let out_dir = args.out.unwrap_or_else(|| PathBuf::from(&config.report.out));
    let state = crate::report::default_state_dir(&out_dir, config);
    let (addresses, smtp) = email_setup(config, &args.to, args.dry_run)?;
    let at = |key: &str| email_at(config, key);
    let mut reports = crate::publish::WeekReports::read(&out_dir, &state, week)?;
    // One run at a time per output folder, as for `report`: two `email` runs at once
    // would both find the ledger empty and both send everything.
    let _lock = hold(&state)?;
    let rendered = crate::publish::render_missing_pdfs(&reports, config, args.digest)?;
    if !rendered.is_empty() {
        reports = crate::publish::WeekReports::read(&out_dir, &state, Some(reports.week))?;
    }
    let composed =
        email::compose(&reports, &config.email, &config.publish, &addresses, args.digest, &at)?;
    if composed.is_empty() {
        return Err(Error::Usage(
            "nobody to send to: add addresses under [email.to] (product = [\"pm@acme.example\"], …) or give --to".into(),
        ));
    }
    let max = config.email.max_message_mb as usize * 1_000_000;
    let stamp = email::Stamp::now();
    let week_name = reports.week.to_string();
    let mut messages = Vec::new();
    for o in composed {
        let link = config.publish.url_for(&week_name, &o.kind);
        let (o, bytes) = email::fit(o, &addresses, &stamp, max, link.as_deref())?;
        for (name, size) in &o.left_out {
            tracing::warn!(
                "{}: {name} ({:.1} MB) left out to keep the message under {} MB; the message says so",
                o.kind,
                *size as f64 / 1e6,
                config.email.max_message_mb
            );
        }
        messages.push((o, bytes));
    }
    let mut text = String::new();
    for f in &rendered {
        text.push_str(&format!("rendered {}\n", f.display()));
    }
    let Some(smtp) = smtp else {
        let files = email::write_eml(&reports.dir, &messages)?;
        for ((o, bytes), path) in messages.iter().zip(&files) {
            let to: Vec<String> = o.to.iter().map(|m| m.to_string()).collect();
            text.push_str(&format!(
                "would send {} to {}: \"{}\" ({}{}) → {}\n",
                o.kind,
                to.join(", "),
                o.subject,
                // A message of 30 KB is not "0.0 MB".
                match bytes.len() {
                    n if n < 1_000_000 => format!("{} KB", n.div_ceil(1000)),
                    n => format!("{:.1} MB", n as f64 / 1e6),
                },
                if o.attachments.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", {}",
                        o.attachments.iter().map(|a| a.0.as_str()).collect::<Vec<_>>().join(", ")
                    )
                },
                path.display()
            ));
        }
        return write_stdout(out, &text);
    };
    // What was rendered is said first: a ledger that cannot be stored stops the run,
    // and the PDFs are in the week's folder all the same.
    write_stdout(out, &text)?;
    let mut ledger = email::Ledger::load(&state, &week_name)?;
    ledger.store()?;
    // Each outcome is printed as it is known: stopped half-way, the run has said what
    // went out (a closed pipe is not a reason to stop sending).
    let mut told = |kind: &str, to: &lettre::message::Mailbox, outcome: &email::Delivery| {
        let line = match outcome {
            email::Delivery::Sent => format!("sent {kind} to {to}\n"),
            email::Delivery::Skipped => {
                format!("skipped {kind} to {to}: sent by an earlier run (--resend sends again)\n")
            }
            email::Delivery::Failed(why) => format!("NOT sent {kind} to {to}: {why}\n"),
            email::Delivery::Unrecorded(why) => {
                format!("sent {kind} to {to}, NOT recorded: {why}; a re-run sends it again\n")
            }
            email::Delivery::Unknown(why) => format!("MAYBE sent {kind} to {to}: {why}\n"),
        };
        let _ = write_stdout(out, &line);
    };
    let results = email::send(&messages, &addresses, &smtp, &mut ledger, args.resend, &mut told)?;
    // The closing error says everything a `-q` run shows: which copies did not go,
    // the first reason, and which a re-run would send a second time.
    let pick = |keep: fn(&email::Delivery) -> bool| -> Vec<String> {
        (results.iter().filter(|(_, _, d)| keep(d)))
            .map(|(kind, to, _)| format!("{kind} to {}", to.email))
            .collect()
    };
    let failed = pick(|d| matches!(d, email::Delivery::Failed(_)));
    let twice = pick(|d| matches!(d, email::Delivery::Unrecorded(_) | email::Delivery::Unknown(_)));
    if failed.is_empty() && twice.is_empty() {
        return Ok(());
    }
    let first_reason = results.iter().find_map(|(_, _, d)| match d {
        email::Delivery::Failed(why)
        | email::Delivery::Unrecorded(why)
        | email::Delivery::Unknown(why) => Some(why.as_str()),
        _ => None,
    });
    let mut message = match failed.len() {
        0 => String::new(),
        n => format!(
            "{n} of {} messages not sent ({}); run again to send them",
            results.len(),
            failed.join(", ")
        ),
    };
    if !twice.is_empty() {
        if !message.is_empty() {
            message.push_str("; ");
        }
        message.push_str(&format!(
            "{} may have gone out without being recorded ({}): a re-run sends {} again",
            twice.len(),
            twice.join(", "),
            if twice.len() == 1 { "it" } else { "them" }
        ));
    }
    if let Some(why) = first_reason {
        message.push_str(&format!(" — {why}"));
    }
    Err(Error::Run(smtp.redact(&message)))
}

fn publish(args: PublishArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let target = crate::publish::Target::parse(&args.to)?;
    let choice = args.week.as_deref().map(WeekChoice::parse).transpose()?;
    let today = Utc::now().with_timezone(&config.timezone.0).date_naive();
    let week = crate::publish::week_of(choice, today);
    let out_dir = args.out.unwrap_or_else(|| PathBuf::from(&config.report.out));
    let state = crate::report::default_state_dir(&out_dir, config);
    let reports = crate::publish::WeekReports::read(&out_dir, &state, week)?;
    match target {
        crate::publish::Target::StepSummary => {
            use crate::publish::step_summary;
            let path = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty());
            let room =
                path.as_deref().map_or(step_summary::CAP, |p| step_summary::room(p.as_ref()));
            let summary = step_summary::build(&reports, room);
            for cut in &summary.left_out {
                tracing::warn!("step summary: left out {cut}, to stay under GitHub's 1 MiB");
            }
            if args.dry_run {
                return write_stdout(out, &summary.text);
            }
            let Some(path) = path else {
                return Err(no_step_summary());
            };
            if summary.text.is_empty() {
                return write_stdout(
                    out,
                    &format!(
                        "published nothing of {} to the step summary: earlier steps left no room under GitHub's 1 MiB\n",
                        reports.week
                    ),
                );
            }
            step_summary::append(path.as_ref(), &summary.text)?;
            let all = reports.roles.len();
            let reports_in = match summary.reports_in {
                n if n == all => format!("{n} report{}", if n == 1 { "" } else { "s" }),
                n => format!("{n} of {all} reports; the rest left out for room"),
            };
            write_stdout(
                out,
                &format!("published {} ({reports_in}) to the step summary\n", reports.week),
            )
        }
        crate::publish::Target::GithubIssue(repo) => {
            use crate::publish::github_issue;
            let plan = github_issue::plan(&reports);
            if args.dry_run {
                return write_stdout(out, &github_issue::dry_run(&repo, &plan));
            }
            let settings = crate::source::github::Settings::resolve(
                &config.github,
                &crate::source::github::Env::from_process(),
                &config.origin,
            )?;
            // One publish at a time per output folder: two at once could both find no
            // issue for the week and both create one.
            let _lock = hold(&state)?;
            let week = reports.week.to_string();
            let done = github_issue::publish(&repo, &week, &plan, &settings)?;
            tracing::info!("{repo}: {} requests", done.requests);
            write_stdout(out, &format!("published {week}: {}\n", done.sentence(&repo)))
        }
        crate::publish::Target::Slack => {
            use crate::publish::{digest::Digest, slack};
            let message = slack::message(&Digest::of(&reports), &config.publish);
            let text = serde_json::to_string_pretty(&message).unwrap_or_default() + "\n";
            if args.dry_run {
                return write_stdout(out, &text);
            }
            let var = &config.publish.slack_webhook_env;
            let url = slack::webhook(var)?;
            // The message a run posted is kept, so a re-run (after e-mail or another
            // place failed) does not post the same message again; a changed week does.
            // Per webhook (another channel still gets it), named by a hash of its URL:
            // the URL is a secret, and the folder may be committed to a data branch.
            // FNV-1a (the forecasts' seed): fixed for good, where std's hasher may change
            // with the toolchain (a new build would post the same week again).
            let hook = crate::analyse::forecast::seed(&url);
            let posted =
                state.join("sent").join(format!("{}.slack-{hook:016x}.json", reports.week));
            // One publish at a time per output folder: two at once both found no record
            // and both posted.
            let _lock = hold(&state)?;
            if crate::files::read_state(&posted).is_ok_and(|b| b == text.as_bytes()) {
                return write_stdout(
                    out,
                    &format!(
                        "Slack already has {}'s message, unchanged: not posted again (remove {} to post it again)\n",
                        reports.week,
                        posted.display()
                    ),
                );
            }
            // The record is written empty first: one that cannot be kept (a read-only
            // disk, a file where its folder goes) stops the run before it posts, rather
            // than posting again on every run.
            let keep = |bytes: &[u8]| {
                crate::files::write_inside(&state, &posted, |w| w.write_all(bytes)).map_err(|e| {
                    Error::Run(format!(
                        "cannot keep the record of what was posted to Slack, {}: {e}",
                        posted.display()
                    ))
                })
            };
            keep(b"")?;
            let timeout = std::time::Duration::from_secs(config.github.timeout_secs.max(1));
            slack::post(&url, &message, var, timeout)?;
            keep(text.as_bytes())?;
            write_stdout(out, &format!("published {} to Slack (${var})\n", reports.week))
        }
    }
}

/// Holds the output folder's lock (the one `report` takes) for a delivery: its state
/// folder must be a real folder, and a signal meanwhile removes the lock.
fn hold(state: &std::path::Path) -> Result<crate::report::lock::Lock> {
    crate::interrupt::install();
    crate::files::refuse_link(state).map_err(|e| Error::Run(e.to_string()))?;
    crate::report::lock::Lock::take(state)
}

/// The index of the item with this key or id, or an error suggesting a near key.
fn find_item(snapshot: &Snapshot, key: &str) -> Result<usize> {
    if let Some(i) = snapshot.items.iter().position(|it| it.id == key) {
        return Ok(i);
    }
    let ids: Vec<usize> = (0..snapshot.items.len())
        .filter(|&i| snapshot.items[i].id.eq_ignore_ascii_case(key))
        .collect();
    if let [i] = ids[..] {
        return Ok(i);
    }
    // As written, else whatever the case (`acme-12` for ACME-12).
    let with = |same: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..snapshot.items.len()).filter(|&i| same(&snapshot.items[i].key)).collect()
    };
    let mut same = with(&|k| k == key);
    if same.is_empty() {
        same = with(&|k| k.eq_ignore_ascii_case(key));
    }
    match same[..] {
        [i] => return Ok(i),
        [_, _, ..] => {
            let ids: Vec<&str> = same.iter().map(|&i| snapshot.items[i].id.as_str()).collect();
            return Err(Error::Usage(format!(
                "{} items have the key `{key}`: give the id of one ({})",
                same.len(),
                ids.join(", ")
            )));
        }
        [] => {}
    }
    let near = crate::text::nearest(key, snapshot.items.iter().map(|it| it.key.as_str()))
        .map(|k| format!(" (did you mean {k}?)"))
        .unwrap_or_default();
    Err(Error::Usage(format!(
        "no item with key `{key}` in the {} loaded items{near}",
        snapshot.items.len()
    )))
}

/// Loads the sources a command names (or the config's), plus the demo when asked, as of
/// `--as-of` (default: now).
pub fn load(args: &SourceArgs, config: &Config) -> Result<Snapshot> {
    let taken_at = match &args.as_of {
        Some(s) => parse_as_of(s, config)?,
        None => Utc::now(),
    };
    load_at(args, config, taken_at)
}

/// Loads the sources a command names (or the config's), plus the demo when asked, as of
/// `taken_at`.
fn load_at(args: &SourceArgs, config: &Config, taken_at: DateTime<Utc>) -> Result<Snapshot> {
    let raw: Vec<String> = if args.sources.is_empty() {
        config.sources.iter().map(|s| s.spec.clone()).collect()
    } else {
        args.sources.clone()
    };
    if raw.is_empty() && !args.demo {
        return Err(Error::Usage(if config.origin == crate::config::NO_FILE {
            // Run from the wrong folder, most likely: say there is no config here, and
            // where the nearest one is.
            let found = std::env::current_dir().ok().and_then(|here| {
                (1..=8).find(|&up| {
                    here.ancestors()
                        .nth(up)
                        .is_some_and(|d| d.join(crate::config::DEFAULT_FILE).is_file())
                })
            });
            let hint = match found {
                Some(up) => {
                    let dir = vec![".."; up].join("/");
                    format!(
                        "; {} found in {dir} — run there or pass -c {dir}/{}",
                        crate::config::DEFAULT_FILE,
                        crate::config::DEFAULT_FILE
                    )
                }
                None => String::new(),
            };
            format!(
                "no sources: no {} in the current directory{hint}; give -s SOURCE (e.g. -s jira:export.csv), write a {} with [[source]] entries (rolecall init), or try --demo",
                crate::config::DEFAULT_FILE,
                crate::config::DEFAULT_FILE
            )
        } else {
            format!(
                "no sources: give -s SOURCE (e.g. -s jira:export.csv), add [[source]] entries to {}, or try --demo",
                config.origin
            )
        }));
    }
    // One file given twice with -s is read once: twice, it was listed twice in every
    // report's sources (the config's entries are refused when it loads).
    let mut once: Vec<&String> = Vec::new();
    for spec in &raw {
        match once.iter().find(|s| crate::config::same_source(s, spec)) {
            Some(first) if !args.sources.is_empty() => tracing::warn!(
                "-s {spec} reads the same file as -s {first}: read once{}",
                if *first == spec { "" } else { ", as the first" }
            ),
            _ => once.push(spec),
        }
    }
    let specs = once.iter().map(|s| SourceSpec::parse(s)).collect::<Result<Vec<_>>>()?;
    let mut snapshot = Snapshot::empty(taken_at);
    if args.demo {
        // The demo first, then whatever else was given, merged by id.
        let demo = crate::source::demo::snapshot()?;
        source::add(&mut snapshot, demo.sources, demo.items, demo.milestones);
    }
    source::load_all(&mut snapshot, &specs, config)
        .map_err(|e| relative_to(e, &specs, config, args.sources.is_empty()))?;
    Ok(snapshot)
}

/// A relative path of the config that names no file, when the config is not in the
/// current directory (`-c ../proj/rolecall.toml`): the error says where the path came
/// from and what it was read against (the current directory, not the config's).
fn relative_to(e: Error, specs: &[SourceSpec], config: &Config, from_config: bool) -> Error {
    let Error::Read { path, message } = e else { return e };
    let config_here =
        std::path::Path::new(&config.origin).parent().is_none_or(|p| p.as_os_str().is_empty());
    let spec = specs.iter().find(|s| s.target == path);
    let index = spec.and_then(|s| config.source_position(&s.raw));
    match (std::env::current_dir(), index) {
        (Ok(here), Some(i))
            if from_config && !config_here && std::path::Path::new(&path).is_relative() =>
        {
            Error::Read {
                path: format!(
                    "{path} (from {}, relative to the current directory {})",
                    config.at_entry_line("source", i, "spec"),
                    here.display()
                ),
                message,
            }
        }
        _ => Error::Read { path, message },
    }
}

/// `2026-11-27` (the end of that day in the configured zone) or an RFC 3339 instant, in
/// the years 1000 to 9999.
pub fn parse_as_of(s: &str, config: &Config) -> Result<DateTime<Utc>> {
    let t = parse_instant(s, config)?;
    if !(1000..=9999).contains(&t.year()) {
        return Err(Error::Usage(format!("--as-of `{s}` is out of range (years 1000 to 9999)")));
    }
    Ok(t)
}

fn parse_instant(s: &str, config: &Config) -> Result<DateTime<Utc>> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ok(dt.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        let end = d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN));
        if let Some(t) = config.timezone.0.from_local_datetime(&end).earliest() {
            return Ok(t.with_timezone(&Utc));
        }
        // A day the zone skipped (Samoa had no 30 December 2011), or whose last second
        // fell in a clock change: its end is the instant before the next day begins.
        let next = d.succ_opt().map(|n| n.and_time(NaiveTime::MIN));
        if let Some(t) = next.and_then(|n| config.timezone.0.from_local_datetime(&n).earliest()) {
            return Ok((t - chrono::Duration::seconds(1)).with_timezone(&Utc));
        }
        return Err(Error::Usage(format!(
            "--as-of `{s}`: no such local time in the time zone {} (a clock change skipped it); give a timestamp (2026-11-27T17:00:00Z)",
            config.timezone.0
        )));
    }
    Err(Error::Usage(format!(
        "--as-of `{s}` is not a date (YYYY-MM-DD) or an RFC 3339 timestamp (2026-11-27T17:00:00Z)"
    )))
}

/// Writes to stdout; a closed pipe (`rolecall items | head`) is not an error.
fn write_stdout(out: &mut dyn Write, text: &str) -> Result<()> {
    stdout_result(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Pretty JSON with a final newline, streamed: 100,000 items with their reasons are
/// 200 MB of JSON, which a `String` held in full on top of the items.
fn write_json_stdout<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, out);
    let written = serde_json::to_writer_pretty(&mut buf, value)
        .map_err(std::io::Error::from)
        .and_then(|()| buf.write_all(b"\n"))
        .and_then(|()| buf.flush());
    stdout_result(written)
}

/// A closed pipe (`rolecall items | head`) is not an error; anything else is.
fn stdout_result(r: std::io::Result<()>) -> Result<()> {
    match r {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Run(format!("cannot write output: {e}"))),
        Ok(()) => Ok(()),
    }
}
