// The functions of JavaScript modules and the lines of their bodies, for
// tests/test_layout.py: node tests/js/function_lengths.cjs FILE... prints
// [{file, name, line, lines}] as JSON.  acorn (tests/package.json) parses.
const fs = require("fs");
const acorn = require("../node_modules/acorn");

const FUNCTIONS = new Set(["FunctionDeclaration", "FunctionExpression",
                           "ArrowFunctionExpression"]);

function* nodes(node, parent) {
  if (!node || typeof node.type !== "string") return;
  yield [node, parent];
  for (const value of Object.values(node)) {
    const children = Array.isArray(value) ? value : [value];
    for (const child of children) {
      if (child && typeof child.type === "string") yield* nodes(child, node);
    }
  }
}

function nameOf(node, parent) {
  if (node.id) return node.id.name;
  if (parent?.type === "VariableDeclarator") return parent.id.name;
  if (parent?.type === "Property" || parent?.type === "MethodDefinition") {
    return parent.key.name ?? parent.key.value;
  }
  return "(anonymous)";
}

const found = [];
for (const file of process.argv.slice(2)) {
  const tree = acorn.parse(fs.readFileSync(file, "utf8"), {
    ecmaVersion: "latest", sourceType: "module", locations: true });
  for (const [node, parent] of nodes(tree, null)) {
    if (!FUNCTIONS.has(node.type)) continue;
    const body = node.body.loc;
    found.push({ file, name: nameOf(node, parent), line: node.loc.start.line,
                 lines: body.end.line - body.start.line + 1 });
  }
}
process.stdout.write(JSON.stringify(found));
