// RequireJS paths for the JavaScript the book serves itself (web/vendor).
// The book's pages live in book/, so ../vendor is the site's vendor folder.
require.config({
  paths: {
    // The ipywidgets HTML manager loads its icon fonts from beside its own
    // module path, which would otherwise be <page folder>/@jupyter-widgets/...
    "@jupyter-widgets/html-manager/dist": "../vendor/html-manager",
    // vega-embed and what it loads, for the 5.5.4 sweep chart.
    "vega": "../vendor/vega/vega.min",
    "vega-lite": "../vendor/vega/vega-lite.min",
    "vega-embed": "../vendor/vega/vega-embed.min",
    // anywidget's front end, for the explorer's panels that compute in the
    // browser (5.5.4); the widget manager asks RequireJS for "anywidget".
    "anywidget": "../vendor/anywidget/index",
  },
});

// The widget manager's icon fonts (Font Awesome 5): webpack looks for them
// under this path, relative to the page (pages are in book/).
window.__jupyter_widgets_assets_path__ = "../vendor/html-manager/";
// Its second bundle injects a copy of that CSS before reading the path, with
// the fonts at <page folder>/@jupyter-widgets/<hash>; point them here too.
new MutationObserver(function () {
  var fonts = new URL("../vendor/html-manager/", document.baseURI).href;
  document.querySelectorAll("style").forEach(function (style) {
    if (style.textContent.indexOf("/@jupyter-widgets/") !== -1) {
      style.textContent = style.textContent.replace(
        /url\(([^)]*?)\/@jupyter-widgets\/(?=[0-9a-f]{20}\.)/g,
        "url(" + fonts);
    }
  });
}).observe(document.head, {childList: true});
