// MathJax (1.2 MB, 0.26 MB compressed) once the text is on the screen: as a
// script of the page's head it would share a slow line with the text's own
// stylesheets and delay the first paint.  Sphinx loads this file where it
// would load MathJax (mathjax_path in _config.yml); the page's MathJax
// settings, set before it, still apply.
(function () {
  var source = new URL("../vendor/mathjax/tex-chtml.js", document.currentScript.src);
  function load() {
    var script = document.createElement("script");
    script.src = source.href;
    script.async = true;
    document.head.appendChild(script);
  }
  // Two animation frames: the first paint has happened.
  function afterPaint() {
    requestAnimationFrame(function () { requestAnimationFrame(load); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", afterPaint);
  } else {
    afterPaint();
  }
})();
