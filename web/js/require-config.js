// Load the ipywidgets HTML manager's own files (its icon fonts) from the
// vendored copy: webpack resolves them next to the module's RequireJS path,
// which would otherwise be <page folder>/@jupyter-widgets/html-manager/dist/.
// The book's pages live in book/, so ../vendor is the site's vendor folder.
require.config({
  paths: {"@jupyter-widgets/html-manager/dist": "../vendor/html-manager"},
});
