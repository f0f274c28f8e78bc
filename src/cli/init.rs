//! `rolecall init`: a commented `rolecall.toml`, the weekly workflow
//! `.github/workflows/rolecall.yml`, and `.gitignore` lines for what rolecall keeps that
//! is private (reports and snapshots hold issue titles and bodies).

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The project's home on GitHub: the action the workflow uses and where releases are.
pub const HOME: &str = "rolecall/rolecall";

const CONFIG: &str = include_str!("../../templates/init/rolecall.toml");
const WORKFLOW: &str = include_str!("../../templates/init/rolecall.yml");

/// `.gitignore` lines rolecall needs: local reports and snapshots, the data branch's
/// working copy.
const IGNORE: &[&str] = &["/reports/", "/.rolecall-data/"];

/// What a remote URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remote {
    pub host: String,
    pub owner: String,
    pub repo: String,
}

/// `https://github.com/o/r.git`, `git@github.com:o/r.git`, `ssh://git@host/o/r`.
pub fn parse_remote(url: &str) -> Option<Remote> {
    let url = url.trim();
    let rest = if let Some((_, rest)) = url.split_once("://") {
        rest.rsplit_once('@').map_or(rest, |(_, r)| r).to_string()
    } else {
        // scp-like: git@host:owner/repo
        let (user_host, path) = url.split_once(':')?;
        let host = user_host.rsplit_once('@').map_or(user_host, |(_, h)| h);
        format!("{host}/{path}")
    };
    let mut parts = rest.splitn(2, '/');
    let host = parts.next()?.split(':').next()?.to_ascii_lowercase();
    let path = parts.next()?.trim_end_matches('/').trim_end_matches(".git");
    let (owner, repo) = path.split_once('/')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    (ok(owner) && ok(repo) && !host.is_empty()).then(|| Remote {
        host,
        owner: owner.into(),
        repo: repo.into(),
    })
}

/// The `origin` remote of the git repository at `dir`, when there is one.
fn origin(dir: &Path) -> Option<Remote> {
    let out = std::process::Command::new("git")
        .args(["remote", "get-url", "origin"])
        .current_dir(dir)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then(|| parse_remote(&String::from_utf8_lossy(&out.stdout))).flatten()
}

/// The files `init` writes, with their text.
pub fn files(dir: &Path, remote: Option<&Remote>) -> Vec<(PathBuf, String)> {
    let sources = match remote {
        Some(r) if r.host == "github.com" => format!(
            "[[source]]\nspec = \"github:{}/{}\"          # guessed from the git remote\n",
            r.owner, r.repo
        ),
        Some(r) => format!(
            "# Guessed from the git remote; on GitHub Enterprise Server, set [github] api-url.\n\
             [[source]]\nspec = \"github:{}/{}\"\n\n[github]\napi-url = \"https://{}/api/v3\"\n",
            r.owner, r.repo, r.host
        ),
        None => "# No GitHub remote was found: an example for a Jira export (Filters → Export →\n\
                 # CSV (all fields)). Uncomment and point it at your file.\n\
                 # [[source]]\n\
                 # spec = \"jira:exports/PROJ.csv\"\n\
                 # base-url = \"https://acme.atlassian.net\"   # links keys to /browse/KEY\n"
            .to_string(),
    };
    let repo = remote.map_or("OWNER/REPO".to_string(), |r| format!("{}/{}", r.owner, r.repo));
    let title = remote.map(|r| r.repo.clone()).unwrap_or_else(|| {
        dir.canonicalize()
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Weekly status".into())
    });
    let config = CONFIG
        .replace("@@SOURCES@@", &sources)
        .replace("@@TITLE@@", &title.replace(['"', '\\'], ""))
        .replace("@@REPO@@", &repo);
    let action = format!("{HOME}@v{}", env!("CARGO_PKG_VERSION"));
    let workflow = WORKFLOW.replace("@@ACTION@@", &action).replace("@@REPO@@", &repo);
    vec![
        (dir.join("rolecall.toml"), config),
        (dir.join(".github/workflows/rolecall.yml"), workflow),
    ]
}

/// What `--print` shows: each file under its path relative to `dir`.
fn printed<T: AsRef<str>>(dir: &Path, files: &[(PathBuf, T)]) -> String {
    let mut out = String::new();
    for (path, text) in files {
        let rel = path.strip_prefix(dir).unwrap_or(path);
        out.push_str(&format!("==> {} <==\n{}\n", rel.display(), text.as_ref()));
    }
    out
}

/// Writes (or with `print`, returns) the files for the repository at `dir`. Refuses to
/// overwrite an existing file unless `force`. Returns what to print.
pub fn run(dir: &Path, force: bool, print: bool) -> Result<String> {
    let remote = origin(dir);
    let files = files(dir, remote.as_ref());
    if print {
        return Ok(printed(dir, &files));
    }
    // `--dir` names a repository: a folder that is not there is a typo, not one to make.
    if !dir.as_os_str().is_empty() && !dir.is_dir() {
        return Err(Error::Usage(format!(
            "{}: no such folder: --dir names the repository to set up",
            dir.display()
        )));
    }
    if !force {
        for (path, _) in &files {
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(Error::Usage(format!(
                    "{} already exists: rolecall init does not overwrite it (--force does; --print shows what it would write)",
                    path.display()
                )));
            }
        }
    }
    let mut out = String::new();
    for (path, text) in &files {
        write(path, text)?;
        out.push_str(&format!("wrote {}\n", path.display()));
    }
    let gitignore = dir.join(".gitignore");
    let existing = match std::fs::read_to_string(&gitignore) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Error::Run(format!("cannot read {}: {e}", gitignore.display()))),
    };
    let missing: Vec<&str> =
        IGNORE.iter().copied().filter(|l| !existing.lines().any(|e| e.trim() == *l)).collect();
    if !missing.is_empty() {
        let mut text = existing.clone();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(
            "# rolecall: local reports and snapshots hold issue titles and bodies; the weekly\n# workflow keeps them on the rolecall-data branch.\n",
        );
        for l in &missing {
            text.push_str(l);
            text.push('\n');
        }
        write(&gitignore, &text)?;
        let verb = if existing.is_empty() { "wrote" } else { "updated" };
        out.push_str(&format!("{verb} {}\n", gitignore.display()));
    }
    out.push_str(match remote {
        Some(_) => "next: commit these files and push; the workflow runs every Monday (or now: Actions → Weekly status → Run workflow)\n",
        None => "next: point [[source]] in rolecall.toml at your export, try `rolecall report`, then commit and push\n",
    });
    Ok(out)
}

/// Writes (or with `print`, returns) the built-in report templates and partials into
/// `dir`, as `report --templates DIR` reads them: the way to start a template of one's
/// own from an installed binary. Refuses to overwrite an existing file unless `force`.
pub fn templates(dir: &Path, force: bool, print: bool) -> Result<String> {
    use crate::render::markdown::{PARTIALS, TEMPLATES};
    let files: Vec<(PathBuf, &str)> =
        (TEMPLATES.iter().map(|(n, t)| (dir.join(format!("{n}.hbs")), *t)))
            .chain(PARTIALS.iter().map(|(n, t)| (dir.join(format!("partials/{n}.md.hbs")), *t)))
            .collect();
    if print {
        return Ok(printed(dir, &files));
    }
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| std::fs::symlink_metadata(p).is_ok())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Error::Usage(format!(
                "{} already exist{}: rolecall init --templates does not overwrite (--force does; --print shows what it would write)",
                existing.join(", "),
                if existing.len() == 1 { "s" } else { "" }
            )));
        }
    }
    let partials = dir.join("partials");
    std::fs::create_dir_all(&partials)
        .map_err(|e| Error::Run(format!("cannot create {}: {e}", partials.display())))?;
    let mut out = String::new();
    for (path, text) in &files {
        write(path, text)?;
        out.push_str(&format!("wrote {}\n", path.display()));
    }
    out.push_str(&format!(
        "next: edit them (delete the ones you keep as they are) and run `rolecall report --templates {}`\n",
        dir.display()
    ));
    Ok(out)
}

/// Writes `text` to `path` through a temporary file in its folder.
fn write(path: &Path, text: &str) -> Result<()> {
    crate::files::write_atomic(path, |w| w.write_all(text.as_bytes()))
        .map_err(|e| crate::report::write::fail_with("write", path, e, "--dir"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes() {
        let want =
            Some(Remote { host: "github.com".into(), owner: "acme".into(), repo: "web".into() });
        for url in [
            "https://github.com/acme/web.git",
            "https://github.com/acme/web",
            "git@github.com:acme/web.git",
            "ssh://git@github.com/acme/web.git",
            "https://x-access-token:tok@github.com/acme/web.git\n",
        ] {
            assert_eq!(parse_remote(url), want, "{url}");
        }
        assert_eq!(
            parse_remote("https://ghe.acme.com:8443/team/api").map(|r| r.host),
            Some("ghe.acme.com".into())
        );
        assert_eq!(parse_remote("/srv/git/repo.git"), None);
        assert_eq!(parse_remote("https://github.com/acme"), None);
    }
}
