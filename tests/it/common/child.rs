//! A test that needs a process of its own re-runs this test binary with only itself
//! selected, and with [`CHILD`] naming it: in that child the same test function sees
//! [`is_child`] and does the child's half. No extra `#[test]` exists for the child, so a
//! normal run lists only real tests.

use std::ffi::OsStr;
use std::process::{Command, Output};

/// Set in the child to the name of the test it runs.
pub const CHILD: &str = "ROLECALL_TEST_CHILD";

/// libtest's name for the test function `name` in `module` (`module_path!()`): the module
/// path without the crate's name, then the function's.
fn test_name(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    }
}

/// Whether this process is the child that [`run`] started for the test `name` in `module`.
pub fn is_child(module: &str, name: &str) -> bool {
    std::env::var(CHILD).is_ok_and(|v| v == test_name(module, name))
}

/// Runs this test binary again with only the test `name` of `module` (`module_path!()`),
/// one thread, and `env` added; asserts that exactly that test ran and passed, and
/// returns the output (the child's stderr holds whatever it wrote there directly).
pub fn run(module: &str, name: &str, env: &[(&str, &OsStr)]) -> Output {
    let test = test_name(module, name);
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut cmd = Command::new(exe);
    cmd.args([test.as_str(), "--exact", "--test-threads", "1"]).env(CHILD, &test);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("test result: ok. 1 passed"),
        "the child running {test} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
