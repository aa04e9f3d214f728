// The book's formulas typeset when the book is built (book/_ext/
// static_math.py), by the same MathJax 3 that would typeset them in the
// reader's browser: SVG, with MathML beside it for screen readers, so a
// page needs no MathJax download and nothing moves once it is shown.
//   in (stdin):  JSON [{tex, display}]
//   out (stdout): JSON {css, html: [markup of each formula]}
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { SVG } = require("mathjax-full/js/output/svg.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const svg = new SVG({ fontCache: "local" });
const page = mathjax.document("", {
  InputJax: new TeX({ packages: AllPackages }), OutputJax: svg });

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const formulas = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const html = formulas.map(({ tex, display }) => adaptor.outerHTML(
    page.convert(tex, { display, em: 16, ex: 8, containerWidth: 80 * 16 })));
  const css = adaptor.textContent(svg.styleSheet(page));
  process.stdout.write(JSON.stringify({ css, html }));
});
