// A page opened straight from a file (its address starts with file://)
// cannot load the book's modules: the browser refuses module scripts
// there, so the widgets and the 5.5.4 chart would simply not appear.  This
// one classic script (which file:// allows) puts a line in each of their
// places saying why and what to do.  Served by any web server, it does
// nothing.
(function () {
  if (location.protocol !== "file:") return;
  var TEXT = "这里本来是一个交互部分，但这个网页是直接从文件打开的（地址以 file:// 开头），" +
    "浏览器不让它运行本书的脚本。请用网页服务器打开：在构建好的 _build/html 文件夹里运行 " +
    "python3 -m http.server，再打开 http://127.0.0.1:8000/book/（见“关于本书”的“给教师”一节）。";
  var places = document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"], .lenet-sweep-chart');
  for (var i = 0; i < places.length; i++) {
    var note = document.createElement("p");
    note.className = "lenet-file-notice";
    note.setAttribute("role", "note");
    note.textContent = TEXT;
    places[i].parentNode.insertBefore(note, places[i]);
  }
})();
