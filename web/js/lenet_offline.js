// Every page registers the book's service worker (sw.js at the site's
// root, from lenet_sw.js), once the page has loaded: after a first visit
// the book opens, and trains, without a connection.  Not where the reader
// asked the browser to save data.  When a new build has
// been fetched whole while this page shows the old one, a line offers 更新;
// otherwise the new build starts on the reader's next visit.

const SITE = new URL("../", import.meta.url);
const UPDATE_TEXT = "本书有了新版本，已经下载好。";

function offerUpdate(waiting) {
  if (document.querySelector(".lenet-update")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "更新";
  button.addEventListener("click", () => {
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(),
                                             { once: true });
    waiting.postMessage({ type: "skip-waiting" });
  });
  const line = document.createElement("div");
  line.className = "lenet-update";
  line.setAttribute("role", "status");
  line.append(UPDATE_TEXT, button);
  document.body.append(line);
}

async function register() {
  const registration = await navigator.serviceWorker.register(new URL("sw.js", SITE),
                                                              { scope: SITE.pathname });
  // An update only where an older build controls this page.
  const offer = () => {
    if (registration.waiting && navigator.serviceWorker.controller) {
      offerUpdate(registration.waiting);
    }
  };
  offer();
  registration.addEventListener("updatefound", () => {
    registration.installing?.addEventListener("statechange", offer);
  });
}

// A reader who asked the browser to save data gets no copy of the book in
// the background (as nothing of training is fetched before 训练, issue 27).
if ("serviceWorker" in navigator && window.isSecureContext && !navigator.connection?.saveData) {
  // The book works without it; a maintainer sees why in the console.
  const start = () => register().catch((error) => console.warn("lenet: 离线阅读不可用", error));
  if (document.readyState === "complete") start();
  else addEventListener("load", start, { once: true });
}
