// Every page registers the book's service worker (sw.js at the site's
// root, from lenet_sw.js), once the page has loaded: after a first visit
// the book opens, and trains, without a connection.  Not where the reader
// asked the browser to save data.  When a new build has
// been fetched whole while this page shows the old one, a line offers 更新;
// otherwise the new build starts on the reader's next visit.  While this
// page trains, 更新 waits until the run ends (a reload would cut it); a
// page of another tab that trains goes on with its own build's files
// (lenet_sw.js serves each page from the build it opened with).

import { isTraining, onTrainingChange } from "./lenet_page_state.js";

const SITE = new URL("../", import.meta.url);
const UPDATE_TEXT = "本书有了新版本，已经下载好。";
const WAIT_TEXT = "这一页正在训练：训练结束后才能更新，训练不会被打断。";

function offerUpdate(waiting) {
  if (document.querySelector(".lenet-update")) return;
  const button = document.createElement("button");
  button.type = "button";
  button.textContent = "更新";
  const words = document.createElement("span");
  words.textContent = UPDATE_TEXT;
  const showTraining = () => {
    button.disabled = isTraining();
    words.textContent = isTraining() ? WAIT_TEXT : UPDATE_TEXT;
  };
  showTraining();
  onTrainingChange(showTraining);
  button.addEventListener("click", () => {
    if (isTraining()) return;
    // Another tab's 更新 may have started the new build already.
    if (waiting.state === "activated") {
      location.reload();
      return;
    }
    navigator.serviceWorker.addEventListener("controllerchange", () => location.reload(),
                                             { once: true });
    waiting.postMessage({ type: "skip-waiting" });
  });
  const line = document.createElement("div");
  line.className = "lenet-update";
  line.setAttribute("role", "status");
  line.append(words, button);
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
  // The page this one replaced is gone: its build's files may go too.
  navigator.serviceWorker.controller?.postMessage({ type: "loaded" });
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
