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
  },
});
